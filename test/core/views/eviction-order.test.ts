import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { evictionOrder, type EvictionCandidate } from '../../../src/core/views/eviction-order.js';
import { nodeMemory } from '../../../src/core/views/node-memory.js';

const Mi = 1024 * 1024;
const pod = (name: string, o: Partial<EvictionCandidate>): EvictionCandidate => ({
  namespace: 'ns',
  name,
  priority: 0,
  requestBytes: 100 * Mi,
  workingSetBytes: 50 * Mi,
  critical: false,
  ...o,
});
const names = (c: EvictionCandidate[]) => evictionOrder(c).map((r) => r.name);

test('eviction order: above request before within request, whatever the size', () => {
  const order = names([
    pod('big-within', { workingSetBytes: 99 * Mi }),
    pod('small-above', { requestBytes: 1 * Mi, workingSetBytes: 2 * Mi }),
  ]);
  assert.deepEqual(order, ['small-above', 'big-within']);
});

test('eviction order: among pods above request, lower priority first, then more over the request', () => {
  const order = names([
    pod('high-prio-far-over', { priority: 1000, requestBytes: 0, workingSetBytes: 900 * Mi }),
    pod('low-prio-slightly-over', { priority: -5, requestBytes: 100 * Mi, workingSetBytes: 101 * Mi }),
    pod('low-prio-far-over', { priority: -5, requestBytes: 100 * Mi, workingSetBytes: 300 * Mi }),
  ]);
  assert.deepEqual(order, ['low-prio-far-over', 'low-prio-slightly-over', 'high-prio-far-over']);
});

test('eviction order: a pod without stats first, critical pods last and marked', () => {
  const ranks = evictionOrder([
    pod('critical', { critical: true, workingSetBytes: 999 * Mi, requestBytes: 0 }),
    pod('normal', {}),
    pod('no-stats', { workingSetBytes: null }),
  ]);
  assert.deepEqual(
    ranks.map((r) => [r.rank, r.name, r.exceedsRequest]),
    [
      [1, 'no-stats', null],
      [2, 'normal', false],
      [3, 'critical', true],
    ],
  );
  assert.match(ranks[2]!.reason, /never evicts/);
});

test('eviction order on a real kubelet 1.35 node: the numbers of summary.json, critical and finished pods handled', () => {
  const dir = 'test/fixtures/cases/running-k8s135-summary/';
  const read = (f: string) => JSON.parse(readFileSync(dir + f, 'utf8'));
  const list = read('node-pods.json');
  const view = nodeMemory({
    node: read('node.json'),
    pods: list.items ?? list,
    summary: read('summary.json'),
    nodeMetricsWorkingSetBytes: null,
    kubeletConfig: null,
    cgroupFiles: null,
    meminfo: null,
    events: null,
  });
  const first = view.evictionOrder.slice(0, 8).map((r) => [r.name, r.workingSetBytes, r.requestBytes]);
  // By hand from summary.json and node-pods.json: e2e-container-creating has no stats; three pods have no memory
  // request (so exceed it), largest over-request first; the rest are within their request, closest to it first
  // (−5050368, −5054464, −5083136, −38232064 bytes). Succeeded and Failed pods hold nothing and are left out.
  assert.deepEqual(first, [
    ['e2e-container-creating', null, 5000000],
    ['e2e-kube-state-metrics-75b885dc9-97mtr', 19951616, 0],
    ['storage-provisioner', 12259328, 0],
    ['e2e-hpa-6cd8d99884-tggnr', 11878400, 0],
    ['e2e-daemonset-kb65b', 10678272, 15728640],
    ['e2e-statefulset-1', 10674176, 15728640],
    ['e2e-statefulset-0', 10645504, 15728640],
    ['kindnet-zkpn8', 14196736, 52428800],
  ]);
  // Static pods (config.source file), priority ≥ 2000000000 (system-cluster-critical too) are never evicted.
  assert.equal(view.evictionOrder.length, 18);
  assert.ok(view.evictionOrder.slice(8).every((r) => r.critical));
  assert.ok(!view.evictionOrder.some((r) => /failjob|cronjob/.test(r.name ?? '')));
  // kind: allocatable = capacity, so no room for the default 100Mi threshold: derived as 0, said so.
  assert.equal(view.node.reservedBytes, 0);
  assert.equal(view.node.evictionThresholdBytes, 0);
  assert.equal(view.node.evictionThresholdSource, 'derived');
  assert.equal(view.node.availableBytes, 7299776512);
  // kubectl top node: 917110784 / 8216887296 allocatable.
  assert.equal(view.kubectlTopNode.workingSetBytes, 917110784);
  assert.equal(view.kubectlTopNode.percent, 917110784 / 8216887296);
});
