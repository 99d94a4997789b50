// `memwhy node/<name>` with its node reader against the test cluster: the reader pod is created on the node
// (busybox, the node's cgroup tree served read-only by hostPaths), its output is read and it is deleted; the
// node view's kubepods limit/usage, QoS tier usage, what lives outside kubepods and `free` equal the files the
// node serves — on a cgroup v1 node (cgroupfs driver) and a cgroup v2 node (systemd driver).
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { run } from '../../src/cli/main.js';
import { startCluster, type Cluster, type Obj } from '../cluster/index.js';

const Mi = 1024 * 1024;
const NOW = '2026-12-02T00:00:00Z';
const work = mkdtempSync(join(tmpdir(), 'memwhy-node-reader-'));

function tree(root: string, dirs: Record<string, Record<string, string>>): string {
  for (const [dir, files] of Object.entries(dirs)) {
    mkdirSync(join(root, dir), { recursive: true });
    for (const [f, text] of Object.entries(files)) writeFileSync(join(root, dir, f), text);
  }
  return root;
}
const v1 = (usage: number, limit: number, inactive: number) => ({
  'memory.usage_in_bytes': `${usage}\n`,
  'memory.limit_in_bytes': `${limit}\n`,
  'memory.stat': `cache ${inactive}\nrss ${usage - inactive}\ntotal_cache ${inactive}\ntotal_rss ${usage - inactive}\ntotal_active_file 0\ntotal_inactive_file ${inactive}\ntotal_active_anon ${usage - inactive}\ntotal_inactive_anon 0\n`,
});
const v2 = (current: number | null, max: string, anon: number, file: number) => ({
  ...(current === null ? {} : { 'memory.current': `${current}\n`, 'memory.max': `${max}\n` }),
  'memory.stat': `anon ${anon}\nfile ${file}\nactive_file ${file - Math.floor(file / 2)}\ninactive_file ${Math.floor(file / 2)}\nactive_anon ${anon}\ninactive_anon 0\n`,
});
const UNLIMITED = '9223372036854771712';

const v1Root = tree(join(work, 'v1'), {
  memory: v1(3000 * Mi, Number(UNLIMITED), 500 * Mi),
  'memory/kubepods': v1(1800 * Mi, 3700 * Mi, 100 * Mi),
  'memory/kubepods/burstable': v1(700 * Mi, Number(UNLIMITED), 50 * Mi),
  'memory/kubepods/besteffort': v1(90 * Mi, Number(UNLIMITED), 10 * Mi),
  'memory/system.slice': v1(640 * Mi, Number(UNLIMITED), 200 * Mi),
});
const v2Root = tree(join(work, 'v2'), {
  '': { 'cgroup.controllers': 'cpuset cpu io memory pids\n', ...v2(null, '', 2500 * Mi, 1500 * Mi) },
  'kubepods.slice': v2(2200 * Mi, String(7000 * Mi), 1800 * Mi, 400 * Mi),
  'kubepods.slice/kubepods-burstable.slice': v2(1200 * Mi, 'max', 1000 * Mi, 200 * Mi),
  'kubepods.slice/kubepods-besteffort.slice': v2(30 * Mi, 'max', 20 * Mi, 10 * Mi),
  'system.slice': v2(900 * Mi, 'max', 300 * Mi, 600 * Mi),
  'user.slice': v2(50 * Mi, 'max', 40 * Mi, 10 * Mi),
});

const node = (name: string, capMi: number, allocMi: number): Obj => ({
  metadata: { name },
  status: {
    capacity: { memory: `${capMi}Mi` },
    allocatable: { memory: `${allocMi}Mi` },
    conditions: [{ type: 'Ready', status: 'True' }],
  },
});

describe('the node reader against the test cluster', () => {
  let cluster: Cluster;
  before(async () => {
    cluster = await startCluster(
      {
        namespaces: [{ metadata: { name: 'memwhy', labels: { 'pod-security.kubernetes.io/enforce': 'privileged' } } }],
        nodes: [node('v1-node', 4096, 3600), node('v2-node', 8192, 6900)],
        hostPaths: { 'v1-node': { '/sys/fs/cgroup': v1Root }, 'v2-node': { '/sys/fs/cgroup': v2Root } },
      } as never,
      { kubelet: { stepMs: 5 } },
    );
  });
  after(async () => {
    await cluster?.close();
    rmSync(work, { recursive: true, force: true });
  });

  async function memwhy(argv: string[]): Promise<{ code: number; stdout: string; stderr: string; report: Obj }> {
    let stdout = '';
    let stderr = '';
    const code = await run(
      [...argv, '-o', 'json', '--kubeconfig', cluster.kubeconfig('admin'), '--now', NOW],
      {},
      { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } },
    );
    return { code, stdout, stderr, report: code === 0 ? (JSON.parse(stdout) as Obj) : {} };
  }
  const readerPods = () =>
    cluster.state.pods.filter(
      (p) => ((p.metadata as Obj).labels as Obj | undefined)?.['app.kubernetes.io/managed-by'] === 'kubectl-memwhy',
    );
  const created = (from: number) =>
    cluster.requests.slice(from).filter((r) => r.method === 'POST' && r.resource === 'pods');

  test('v1 node (cgroupfs): kubepods limit and usage, the burstable and besteffort tiers, system.slice, free', async () => {
    const from = cluster.requests.length;
    const r = await memwhy(['node/v1-node']);
    assert.equal(r.code, 0, r.stderr);
    const n = r.report.node as Obj;
    assert.equal(n.cgroupVersion, 'v1', JSON.stringify(r.report.missing));
    assert.equal(n.kubepodsLimitBytes, 3700 * Mi);
    assert.equal(n.kubepodsUsageBytes, 1800 * Mi);
    assert.equal(n.kubepodsWorkingSetBytes, 1700 * Mi);
    const tiers = Object.fromEntries((r.report.tiers as Obj[]).map((t) => [t.qosClass, t.cgroupUsageBytes]));
    assert.deepEqual(tiers, { Guaranteed: null, Burstable: 700 * Mi, BestEffort: 90 * Mi });
    const outside = r.report.outsideKubepods as { bytes: number; parts: Obj[] };
    assert.equal(outside.bytes, 1200 * Mi);
    assert.deepEqual(outside.parts, [{ path: 'system.slice', usageBytes: 640 * Mi }]);
    // /proc/meminfo is the reader container's, i.e. this machine's kernel: free's total is MemTotal.
    assert.ok(((r.report.free as Obj).totalBytes as number) > 0);
    assert.ok(!(r.report.missing as Obj[]).some((m) => m.part === 'cgroup'), JSON.stringify(r.report.missing));
    // The reader ran in the context's namespace (no -n: default), on the node, and is gone.
    const post = created(from);
    assert.equal(post.length, 1);
    assert.equal(post[0]!.namespace, 'default');
    assert.deepEqual(readerPods(), []);
    assert.ok(cluster.requests.slice(from).some((r) => r.method === 'DELETE' && r.resource === 'pods'));
  });

  test('v2 node (systemd): kubepods.slice memory.max/current, its tiers, the root from memory.stat, --reader-namespace', async () => {
    const from = cluster.requests.length;
    const r = await memwhy(['node/v2-node', '--reader-namespace', 'memwhy']);
    assert.equal(r.code, 0, r.stderr);
    const n = r.report.node as Obj;
    assert.equal(n.cgroupVersion, 'v2');
    assert.equal(n.kubepodsLimitBytes, 7000 * Mi);
    assert.equal(n.kubepodsUsageBytes, 2200 * Mi);
    const tiers = Object.fromEntries((r.report.tiers as Obj[]).map((t) => [t.qosClass, t.cgroupUsageBytes]));
    assert.deepEqual(tiers, { Guaranteed: null, Burstable: 1200 * Mi, BestEffort: 30 * Mi });
    // The v2 root has no memory.current: anon + file of its memory.stat (4000Mi) − kubepods (2200Mi).
    const outside = r.report.outsideKubepods as { bytes: number; parts: Obj[] };
    assert.equal(outside.bytes, 1800 * Mi);
    assert.deepEqual(outside.parts, [
      { path: 'system.slice', usageBytes: 900 * Mi },
      { path: 'user.slice', usageBytes: 50 * Mi },
    ]);
    const post = created(from);
    assert.equal(post.length, 1);
    assert.equal(post[0]!.namespace, 'memwhy');
    assert.deepEqual(readerPods(), []);
  });

  test('Ctrl-C while the node reader runs: exit 130 and its pod is deleted', async () => {
    const from = cluster.requests.length;
    // The reader's watch answers late, so the interruption lands while memwhy waits for the pod to end.
    const slow = cluster.fault(
      { method: 'GET', path: '/api/v1/namespaces/default/pods' },
      { latencyMs: 3000, times: 1 },
    );
    const ctrlC = new AbortController();
    const poll = setInterval(() => {
      if (created(from).some((r) => r.status === 201)) ctrlC.abort();
    }, 5);
    let stderr = '';
    try {
      const code = await run(
        ['node/v1-node', '-o', 'json', '--kubeconfig', cluster.kubeconfig('admin'), '--now', NOW],
        {},
        { stdout: { write: () => undefined }, stderr: { write: (t: string) => (stderr += t) }, signal: ctrlC.signal },
      );
      assert.equal(code, 130, stderr);
    } finally {
      clearInterval(poll);
      slow();
    }
    assert.equal(created(from).length, 1);
    assert.deepEqual(readerPods(), []);
  });

  test('the reader pod: the pod reader’s least privilege, labels `memwhy cleanup` selects on, the node script', async () => {
    const { buildNodeReaderPod } = await import('../../src/kube/reader-node.js');
    const pod = buildNodeReaderPod(
      'v1-node',
      { namespace: 'memwhy', image: 'busybox:1.36', deadlineSeconds: 30 },
      'abcde',
    );
    assert.equal(pod.metadata.name, 'memwhy-reader-v1-node-abcde');
    assert.equal(pod.metadata.labels['app.kubernetes.io/managed-by'], 'kubectl-memwhy');
    assert.equal(pod.metadata.labels['memwhy.io/target-node'], 'v1-node');
    assert.equal(pod.spec.nodeName, 'v1-node');
    assert.equal(pod.spec.activeDeadlineSeconds, 30);
    assert.deepEqual(pod.spec.volumes, [
      { name: 'host-cgroup', hostPath: { path: '/sys/fs/cgroup', type: 'Directory' } },
    ]);
    const c = pod.spec.containers[0] as Obj;
    assert.deepEqual((c.securityContext as Obj).capabilities, { drop: ['ALL'] });
    assert.equal((c.volumeMounts as Obj[])[0]!.readOnly, true);
    assert.deepEqual((pod.spec.containers[0]!.command as string[]).slice(-2), [
      'memwhy-node-reader',
      '/host/sys/fs/cgroup',
    ]);
    assert.throws(
      () => buildNodeReaderPod('Bad_Node', { namespace: 'memwhy', image: 'busybox:1.36', deadlineSeconds: 30 }),
      /node name/,
    );
  });
});
