// The node and namespace views' gathering (src/app/views over src/kube/views.ts) against the in-repo test
// cluster: the real REST paths, pagination with limit/continue, RBAC refusals named as missing parts, and
// the numbers the views compute from what the API served.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { gatherNodeView } from '../../src/app/views/node-view.js';
import { gatherOverview, type OverviewRequest } from '../../src/app/views/overview.js';
import { openLive } from '../../src/kube/live.js';
import { KubeViews } from '../../src/kube/views.js';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from '../../src/cli/main.js';
import { kubectl } from '../cluster/helpers.js';
import { startCluster, type Cluster, type Obj } from '../cluster/index.js';

const Mi = 1024 * 1024;
const NOW = '2026-12-02T00:00:00Z';

function pod(ns: string, name: string, node: string, mem: { req?: string; lim?: string }, priority = 0): Obj {
  const resources: Obj = {};
  if (mem.req) resources.requests = { memory: mem.req };
  if (mem.lim) resources.limits = { memory: mem.lim };
  return {
    metadata: {
      namespace: ns,
      name,
      uid: `00000000-0000-4000-8000-${name
        .padEnd(12, '0')
        .slice(0, 12)
        .replace(/[^0-9a-f]/g, 'a')}`,
    },
    spec: { nodeName: node, priority, containers: [{ name: 'app', image: 'nginx', resources }] },
    status: {
      phase: 'Running',
      containerStatuses: [
        { name: 'app', ready: true, restartCount: 0, state: { running: { startedAt: '2026-12-01T00:00:00Z' } } },
      ],
    },
  };
}
const nodeObj = (name: string, capacityMi: number, allocatableMi: number, pressure = false): Obj => ({
  metadata: { name, labels: { 'kubernetes.io/os': 'linux' } },
  status: {
    capacity: { memory: `${capacityMi}Mi` },
    allocatable: { memory: `${allocatableMi}Mi` },
    conditions: [
      { type: 'Ready', status: 'True' },
      { type: 'MemoryPressure', status: pressure ? 'True' : 'False' },
    ],
  },
});
const pm = (ns: string, name: string, ws: string): Obj => ({
  metadata: { namespace: ns, name },
  timestamp: NOW,
  window: '15s',
  containers: [{ name: 'app', usage: { cpu: '1m', memory: ws } }],
});

// 520 filler pods in "batch" so that an -A list needs two pages of 500.
const filler = Array.from({ length: 520 }, (_, i) => pod('batch', `job-${i}`, 'node-b', { req: '10Mi', lim: '100Mi' }));
const state = {
  nodes: [nodeObj('node-a', 4096, 3500, true), nodeObj('node-b', 8192, 7000)],
  pods: [
    pod('shop', 'web', 'node-a', { req: '256Mi', lim: '1Gi' }),
    pod('shop', 'cache', 'node-a', { req: '128Mi', lim: '128Mi' }, 100),
    pod('shop', 'idle', 'node-b', { req: '2Gi', lim: '2Gi' }),
    ...filler,
  ],
  podMetrics: [
    pm('shop', 'web', '600Mi'),
    pm('shop', 'cache', '120Mi'),
    pm('shop', 'idle', '50Mi'),
    ...filler.map((p) => pm('batch', (p.metadata as Obj).name as string, '5Mi')),
  ],
  nodeMetrics: [
    { metadata: { name: 'node-a' }, usage: { cpu: '1', memory: '3900Mi' } },
    { metadata: { name: 'node-b' }, usage: { cpu: '1', memory: '3000Mi' } },
  ],
  summaries: {
    'node-a': {
      node: {
        nodeName: 'node-a',
        memory: { workingSetBytes: 3900 * Mi, availableBytes: 196 * Mi, usageBytes: 4000 * Mi },
      },
      pods: [
        { podRef: { namespace: 'shop', name: 'web' }, memory: { workingSetBytes: 600 * Mi, usageBytes: 980 * Mi } },
        { podRef: { namespace: 'shop', name: 'cache' }, memory: { workingSetBytes: 120 * Mi, usageBytes: 126 * Mi } },
      ],
    },
  },
  users: [
    { name: 'admin', groups: ['system:masters'] },
    {
      name: 'viewer',
      rules: [
        { verbs: ['get', 'list'], resources: ['pods'], namespaces: ['shop'] },
        { verbs: ['get', 'list'], resources: ['pods'], apiGroups: ['metrics.k8s.io'], namespaces: ['shop'] },
      ],
    },
  ],
};

/** The CLI in-process against `cluster` as `user`, at NOW: its exit code and what it wrote. */
async function memwhyOn(
  cluster: Cluster,
  argv: string[],
  user = 'admin',
): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await run(
    [...argv, '--kubeconfig', cluster.kubeconfig(user), '--now', NOW],
    {},
    { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } },
  );
  return { code, stdout, stderr };
}

describe('views against the test cluster', () => {
  let cluster: Cluster;
  before(async () => {
    cluster = await startCluster(state as never, { kubelet: { stepMs: 5 } });
  });
  after(() => cluster?.close());
  const views = async (user = 'admin') =>
    new KubeViews(
      (await openLive({ kubeconfig: cluster.kubeconfig(user) } as never, {}, process.cwd(), '/nonexistent')).http,
    );
  const signal = new AbortController().signal;
  const overviewRequest = (o: Partial<OverviewRequest> = {}): OverviewRequest => ({
    namespace: 'shop',
    labelSelector: null,
    deep: false,
    containers: false,
    sort: 'risk',
    signal,
    now: NOW,
    ...o,
  });

  test('-n shop: the pod list and the metrics API, ranked worst first, the requests kubectl top makes and the node list', async () => {
    const first = cluster.requests.length;
    const report = await gatherOverview(await views(), overviewRequest());
    assert.deepEqual(
      report.pods.map((p) => [p.name, p.risk, p.workingSetBytes]),
      [
        ['cache', 'oom', 120 * Mi],
        ['web', 'eviction', 600 * Mi],
        ['idle', 'waste', 50 * Mi],
      ],
    );
    assert.deepEqual(report.missing, []);
    const paths = cluster.requests
      .slice(first)
      .map((r) => `${r.method} ${r.path}`)
      .sort();
    assert.deepEqual(paths, [
      'GET /api/v1/namespaces/shop/pods',
      'GET /api/v1/nodes',
      'GET /apis/metrics.k8s.io/v1beta1/namespaces/shop/pods',
      'GET /apis/metrics.k8s.io/v1beta1/nodes',
    ]);
  });

  test('-A: two pages of pods (limit 500 and continue), every pod ranked', async () => {
    const first = cluster.requests.length;
    const report = await gatherOverview(await views(), overviewRequest({ namespace: null }));
    assert.equal(report.pods.length, 523);
    const pages = cluster.requests.slice(first).filter((r) => r.path === '/api/v1/pods');
    assert.equal(pages.length, 2);
    assert.equal(pages[0]!.query.limit, '500');
    assert.ok(pages[1]!.query.continue);
    assert.equal(report.pods[0]!.name, 'cache');
  });

  test('--deep: the Summary API of each node; a node whose summary is missing is named, not fatal', async () => {
    const report = await gatherOverview(await views(), overviewRequest({ deep: true }));
    const web = report.pods.find((p) => p.name === 'web')!;
    assert.equal(web.usageBytes, 980 * Mi);
    assert.equal(web.source, 'summary');
    assert.equal(report.pods.find((p) => p.name === 'idle')!.source, 'metrics');
    assert.deepEqual(
      report.missing.map((m) => m.part),
      [],
    );
  });

  test('a user who may only list pods in shop: the overview still comes, nodes and node metrics named as missing with the RBAC', async () => {
    const report = await gatherOverview(await views('viewer'), overviewRequest());
    assert.equal(report.pods.length, 3);
    assert.deepEqual(report.missing.map((m) => m.part).sort(), ['nodemetrics', 'nodes']);
    assert.match(report.missing.find((m) => m.part === 'nodes')!.reason, /list nodes \(cluster-wide\)/);
    // Without the node list memwhy cannot know node-a is under pressure: web is not called an eviction risk.
    assert.notEqual(report.pods.find((p) => p.name === 'web')!.risk, 'eviction');
  });

  test('node/node-a: the chain, the eviction order from the Summary API, configz read through nodes/proxy', async () => {
    const report = await gatherNodeView(await views(), { name: 'node-a', reader: null, signal, now: NOW });
    assert.equal(report.node.capacityBytes, 4096 * Mi);
    assert.equal(report.node.allocatableBytes, 3500 * Mi);
    assert.equal(report.node.evictionThresholdBytes, 100 * Mi);
    assert.equal(report.node.evictionThresholdSource, 'configz');
    assert.equal(report.node.availableBytes, 196 * Mi);
    assert.equal(report.node.marginBytes, 96 * Mi);
    assert.equal(report.node.memoryPressure, true);
    assert.deepEqual(
      report.evictionOrder.map((r) => [r.name, r.exceedsRequest]),
      [
        ['web', true],
        ['cache', false],
      ],
    );
    assert.equal(report.kubectlTopNode.percent, 3900 / 3500);
    assert.deepEqual(
      report.missing.map((m) => m.part),
      ['cgroup'],
    );
    // The test cluster's configz names only the 100Mi threshold, yet capacity − allocatable is 596Mi: said.
    assert.match(report.notices.find((n) => n.part === 'configz')?.message ?? '', /disagree/);
  });

  /** `kubectl memwhy …` in-process against the cluster. */
  const memwhy = (argv: string[], user = 'admin') => memwhyOn(cluster, argv, user);

  test('the CLI: `memwhy -n shop -o json` is the documented overview schema, worst first; kubectl top pods shows the same working sets', async () => {
    const r = await memwhy(['-n', 'shop', '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as {
      schemaVersion: number;
      kind: string;
      pods: Array<Record<string, unknown>>;
    };
    assert.equal(report.schemaVersion, 1);
    assert.equal(report.kind, 'Overview');
    const keys = [
      'namespace',
      'name',
      'node',
      'qosClass',
      'workingSetBytes',
      'usageBytes',
      'requestBytes',
      'limitBytes',
      'risk',
      'reason',
    ];
    for (const p of report.pods) for (const k of keys) assert.ok(k in p, `pods[].${k}`);
    assert.deepEqual(
      report.pods.map((p) => [p.name, p.risk, p.workingSetBytes, p.requestBytes, p.limitBytes]),
      [
        ['cache', 'oom', 120 * Mi, 128 * Mi, 128 * Mi],
        ['web', 'eviction', 600 * Mi, 256 * Mi, 1024 * Mi],
        ['idle', 'waste', 50 * Mi, 2048 * Mi, 2048 * Mi],
      ],
    );
    const cache = mkdtempSync(join(tmpdir(), 'memwhy-kubectl-'));
    try {
      const top = await kubectl(cluster.kubeconfig('admin'), ['top', 'pods', '-n', 'shop', '--no-headers'], cache);
      assert.equal(top.code, 0, top.stderr);
      const kubectlMi = Object.fromEntries(
        top.stdout
          .trim()
          .split('\n')
          .map((l) => l.trim().split(/\s+/))
          .map(([name, , mem]) => [name, mem]),
      );
      assert.deepEqual(kubectlMi, { web: '600Mi', cache: '120Mi', idle: '50Mi' });
    } finally {
      rmSync(cache, { recursive: true, force: true });
    }
  });

  test('the CLI: `memwhy -A --containers -o text` names the namespace, the container and the reason; `memwhy node/node-a -o json` the node schema', async () => {
    const text = await memwhy(['-A', '--containers', '--sort', 'risk', '-o', 'text']);
    assert.equal(text.code, 0, text.stderr);
    const lines = text.stdout.split('\n');
    assert.match(
      lines[0]!,
      /^NAMESPACE +NAME +CONTAINER +NODE +QOS +WSET +REQUEST +LIMIT +%LIMIT +RESTARTS +RISK +WHY$/,
    );
    assert.match(
      lines[1]!,
      /^shop +cache +app +node-a +Burstable +120Mi +128Mi +128Mi +94% +0 +OOM +working set 120Mi is 94% of the 128Mi limit the kernel enforces$/,
    );
    const node = await memwhy(['node/node-a', '-o', 'json']);
    assert.equal(node.code, 0, node.stderr);
    const n = JSON.parse(node.stdout) as {
      node: Record<string, unknown>;
      evictionOrder: Array<Record<string, unknown>>;
      missing: Array<{ part: string; reason: string }>;
    };
    for (const k of [
      'name',
      'capacityBytes',
      'allocatableBytes',
      'reservedBytes',
      'evictionThresholdBytes',
      'availableBytes',
      'kubepodsLimitBytes',
      'kubepodsUsageBytes',
    ])
      assert.ok(k in n.node, `node.${k}`);
    for (const k of ['namespace', 'name', 'workingSetBytes', 'requestBytes', 'priority', 'exceedsRequest'])
      assert.ok(k in n.evictionOrder[0]!, `evictionOrder[].${k}`);
    assert.equal(n.node.reservedBytes, 596 * Mi);
    // node-a serves no /sys/fs/cgroup (no hostPaths): the node reader pod cannot mount it, which is named as the
    // missing part (not fatal), and the pod is deleted (test/e2e/node-reader.test.ts reads real files).
    assert.match(
      n.missing.find((m) => m.part === 'cgroup')?.reason ?? '',
      /^reader pod default\/memwhy-reader-node-a-[a-z0-9]+ cannot start: FailedMount: .*"host-cgroup"/,
    );
    assert.equal(n.node.kubepodsLimitBytes, null);
    const readers = cluster.state.pods.filter(
      (p) => (p.metadata as Obj).labels && ((p.metadata as Obj).labels as Obj)['app.kubernetes.io/managed-by'],
    );
    assert.deepEqual(readers, []);
    const viewer = await memwhy(['node/node-a', '-o', 'text'], 'viewer');
    assert.equal(viewer.code, 4, viewer.stdout);
    assert.match(viewer.stderr, /memwhy needs RBAC: get nodes/);
  });

  test('node/nosuch: not found, with the command that lists nodes', async () => {
    await assert.rejects(
      gatherNodeView(await views(), { name: 'nosuch', reader: null, signal, now: NOW }),
      (e: Error & { code?: number; hint?: string }) =>
        e.code === 3 && /node "nosuch" not found/.test(e.message) && /kubectl get nodes/.test(e.hint ?? ''),
    );
  });
});

describe('the views show control characters from the cluster, never send them raw', () => {
  const ESC = '\u001b';
  const hostile = `${ESC}]0;pwned\u0007${ESC}[2J\u202e`;
  let cluster: Cluster;
  before(async () => {
    const evil = pod('shop', 'web', 'node-x', { req: '256Mi', lim: '1Gi' });
    (evil.status as Obj).conditions = [{ type: 'Ready', status: 'False', reason: 'Hostile', message: hostile }];
    const node = nodeObj('node-x', 4096, 3500, true);
    ((node.status as Obj).conditions as Obj[])[1]!.message = `pressure ${hostile}`;
    cluster = await startCluster(
      {
        nodes: [node],
        pods: [evil],
        podMetrics: [pm('shop', 'web', '600Mi')],
        events: [
          {
            metadata: { name: 'node-x.1', namespace: 'default' },
            involvedObject: { kind: 'Node', name: 'node-x', uid: 'node-x' },
            reason: 'EvictionThresholdMet',
            message: `Attempting to reclaim memory ${hostile}`,
            type: 'Warning',
            count: 1,
            lastTimestamp: '2026-12-01T23:59:00Z',
          },
        ],
      } as never,
      { kubelet: { stepMs: 5 } },
    );
  });
  after(() => cluster?.close());

  for (const argv of [
    ['node/node-x', '--no-reader', '-o', 'text'],
    ['node/node-x', '--no-reader', '-o', 'json'],
    ['node/node-x', '--no-reader', '-o', 'yaml'],
    ['-A', '-o', 'text'],
    ['-A', '-o', 'json'],
  ]) {
    test(`memwhy ${argv.join(' ')}: no raw ESC, BEL or bidi override; the text shows them escaped`, async () => {
      const { code, stdout, stderr } = await memwhyOn(cluster, argv);
      assert.equal(code, 0, stderr);
      assert.doesNotMatch(stdout + stderr, /[\u001b\u0007\u202e]/);
      if (argv[0] === 'node/node-x')
        assert.match(stdout, /Attempting to reclaim memory \\+e\]0;pwned\\+x07\\+e\[2J\\+u202e/);
    });
  }
});
