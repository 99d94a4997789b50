import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nodeContext, overview, type NodeContext } from '../../../src/core/views/overview.js';
import type { KNode, KPod, PodMetrics } from '../../../src/core/types.js';

const Mi = 1024 * 1024;
const pod = (
  name: string,
  node: string,
  resources: { requests?: Record<string, string>; limits?: Record<string, string> },
  status: KPod['status'] = { phase: 'Running' },
): KPod => ({
  metadata: { name, namespace: 'shop' },
  spec: { nodeName: node, containers: [{ name: 'app', resources }] },
  status,
});
const metrics = (name: string, ws: string): PodMetrics => ({
  metadata: { name, namespace: 'shop' },
  containers: [{ name: 'app', usage: { memory: ws } }],
});
const quiet: NodeContext = {
  name: 'quiet',
  memoryPressure: false,
  availableBytes: 8000 * Mi,
  capacityBytes: 10000 * Mi,
  thresholdBytes: 100 * Mi,
};
const pressured: NodeContext = { ...quiet, name: 'hot', memoryPressure: true, availableBytes: 90 * Mi };
const nodes = new Map([
  ['quiet', quiet],
  ['hot', pressured],
]);

test('overview: each risk with its reason, worst first', () => {
  const pods = [
    pod('idle', 'quiet', { requests: { memory: '2Gi' }, limits: { memory: '2Gi' } }),
    pod('near-limit', 'quiet', { requests: { memory: '100Mi' }, limits: { memory: '100Mi' } }),
    pod('greedy', 'hot', { requests: { memory: '100Mi' }, limits: { memory: '1Gi' } }),
    pod('unbounded', 'hot', { requests: { memory: '500Mi' } }),
    pod('fine', 'quiet', { requests: { memory: '100Mi' }, limits: { memory: '200Mi' } }),
    pod(
      'gone',
      'hot',
      { requests: { memory: '100Mi' } },
      { phase: 'Failed', reason: 'Evicted', message: 'The node was low on resource: memory.' },
    ),
    pod('done', 'quiet', {}, { phase: 'Succeeded' }),
    pod(
      'was-killed',
      'quiet',
      { requests: { memory: '100Mi' }, limits: { memory: '200Mi' } },
      {
        phase: 'Running',
        containerStatuses: [
          {
            name: 'app',
            restartCount: 3,
            lastState: { terminated: { reason: 'OOMKilled', exitCode: 137, finishedAt: '2026-12-01T10:00:00Z' } },
          },
        ],
      },
    ),
  ];
  const podMetrics = [
    metrics('idle', '100Mi'),
    metrics('near-limit', '95Mi'),
    metrics('greedy', '300Mi'),
    metrics('unbounded', '200Mi'),
    metrics('fine', '50Mi'),
    metrics('was-killed', '60Mi'),
  ];
  const rows = overview({ pods, podMetrics, summaries: [], nodes: [] }, nodes);
  assert.deepEqual(
    rows.map((r) => [r.name, r.risk]),
    [
      ['near-limit', 'oom'],
      ['greedy', 'eviction'],
      ['unbounded', 'unbounded'],
      ['was-killed', 'restarts'],
      ['gone', 'evicted'],
      ['idle', 'waste'],
      ['fine', 'none'],
    ],
  );
  const by = Object.fromEntries(rows.map((r) => [r.name, r]));
  assert.equal(by['near-limit']!.reason, 'working set 95.0Mi is 95% of the 100Mi limit the kernel enforces');
  assert.equal(
    by.greedy!.reason,
    'working set 300Mi above its request 100Mi; node hot has MemoryPressure: evicted first',
  );
  assert.equal(by.idle!.reason, 'request 2.00Gi is 20.5× the working set 100Mi');
  assert.equal(by.idle!.unusedRequestBytes, 1948 * Mi);
  assert.equal(by['was-killed']!.lastOomKilledAt, '2026-12-01T10:00:00Z');
  assert.equal(by['was-killed']!.restarts, 3);
  assert.equal(by.fine!.source, 'metrics');
});

test('overview --deep: the usage the kernel compares decides OOM risk, not the working set', () => {
  const pods = [pod('cache-heavy', 'quiet', { requests: { memory: '1Gi' }, limits: { memory: '1Gi' } })];
  const summary = {
    pods: [
      {
        podRef: { name: 'cache-heavy', namespace: 'shop' },
        memory: { workingSetBytes: 300 * Mi, usageBytes: 1000 * Mi },
      },
    ],
  };
  const [row] = overview(
    { pods, podMetrics: [metrics('cache-heavy', '300Mi')], summaries: [summary], nodes: [] },
    nodes,
  );
  assert.equal(row!.risk, 'oom');
  assert.equal(row!.usageBytes, 1000 * Mi);
  assert.equal(row!.source, 'summary');
  assert.match(row!.reason, /^usage 1000Mi is 98% of the 1.00Gi limit/);
});

test('overview --containers: one row per container, pod-level limit bounds a container without its own', () => {
  const p: KPod = {
    metadata: { name: 'two', namespace: 'shop' },
    spec: {
      nodeName: 'quiet',
      resources: { limits: { memory: '256Mi' } },
      containers: [
        { name: 'a', resources: {} },
        { name: 'b', resources: { limits: { memory: '64Mi' } } },
      ],
    },
    status: { phase: 'Running' },
  };
  const m: PodMetrics = {
    metadata: { name: 'two', namespace: 'shop' },
    containers: [
      { name: 'a', usage: { memory: '240Mi' } },
      { name: 'b', usage: { memory: '10Mi' } },
    ],
  };
  const rows = overview({ pods: [p], podMetrics: [m], summaries: [], nodes: [], containers: true }, nodes);
  assert.deepEqual(
    rows.map((r) => [r.container, r.limitBytes, r.risk]),
    [
      ['a', 256 * Mi, 'oom'],
      ['b', 64 * Mi, 'none'],
    ],
  );
});

test('overview: --sort by working set; a pod without metrics has nulls, never zeros', () => {
  const pods = [pod('a', 'quiet', {}), pod('b', 'quiet', {}), pod('c', 'quiet', {})];
  const rows = overview(
    { pods, podMetrics: [metrics('a', '10Mi'), metrics('b', '30Mi')], summaries: [], nodes: [], sort: 'working-set' },
    nodes,
  );
  assert.deepEqual(
    rows.map((r) => [r.name, r.workingSetBytes]),
    [
      ['b', 30 * Mi],
      ['a', 10 * Mi],
      ['c', null],
    ],
  );
  assert.equal(rows[2]!.source, null);
});

test('nodeContext: pressure from the condition, near its threshold from available', () => {
  const n: KNode = {
    metadata: { name: 'n' },
    status: { capacity: { memory: '10000Mi' }, conditions: [{ type: 'MemoryPressure', status: 'False' }] },
  };
  const ctx = nodeContext(n, 100 * Mi, 9500 * Mi);
  assert.equal(ctx.availableBytes, 500 * Mi);
  assert.equal(ctx.memoryPressure, false);
  const [row] = overview(
    {
      pods: [pod('over', 'n', { requests: { memory: '10Mi' } })],
      podMetrics: [metrics('over', '50Mi')],
      summaries: [],
      nodes: [],
    },
    new Map([['n', ctx]]),
  );
  // 500Mi available < 100Mi threshold + 10 % of 10000Mi: near its threshold.
  assert.equal(row!.risk, 'eviction');
  assert.match(row!.reason, /node n is near its eviction threshold/);
});
