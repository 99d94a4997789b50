import { test } from 'node:test';
import assert from 'node:assert/strict';
import { nodeMemory, type NodeMemoryInput } from '../../../src/core/views/node-memory.js';
import { parseKubeletConfigz } from '../../../src/core/views/kubelet-config.js';
import type { KNode, KPod } from '../../../src/core/types.js';

const Mi = 1024 * 1024;
const Gi = 1024 * Mi;

// A 16Gi node: kube-reserved 1Gi, system-reserved 512Mi, evictionHard memory.available 500Mi.
const node: KNode = {
  metadata: { name: 'worker-1' },
  status: {
    capacity: { memory: `${16 * 1024 * 1024}Ki` },
    allocatable: { memory: `${16 * 1024 * 1024 - (1024 + 512 + 500) * 1024}Ki` },
    conditions: [{ type: 'MemoryPressure', status: 'False' }],
  },
};
const configz = {
  kubeletconfig: {
    kubeReserved: { memory: '1Gi' },
    systemReserved: { memory: '512Mi' },
    evictionHard: { 'memory.available': '500Mi' },
    evictionSoft: { 'memory.available': '5%' },
  },
};

const pod = (name: string, qos: string, request: string | null, priority = 0): KPod => ({
  metadata: { name, namespace: 'shop', uid: `uid-${name}` },
  spec: {
    nodeName: 'worker-1',
    priority,
    containers: [{ name: 'app', resources: request ? { requests: { memory: request } } : {} }],
  },
  status: { phase: 'Running', qosClass: qos },
});

// cgroup v2, systemd driver: what a node reader reads (the root has only memory.stat).
const stat = (o: Record<string, number>) =>
  Object.entries(o)
    .map(([k, v]) => `${k} ${v}`)
    .join('\n') + '\n';
const files = {
  'cgroup.controllers': 'cpuset cpu io memory pids\n',
  'memory.stat': stat({ anon: 6 * Gi, file: 5 * Gi, active_file: 3 * Gi, inactive_file: 2 * Gi, shmem: 100 * Mi }),
  'kubepods.slice/memory.current': `${8 * Gi}\n`,
  'kubepods.slice/memory.max': `${16 * Gi - 1536 * Mi}\n`,
  'kubepods.slice/memory.stat': stat({ anon: 5 * Gi, file: 3 * Gi, active_file: 2 * Gi, inactive_file: 1 * Gi }),
  'kubepods.slice/kubepods-burstable.slice/memory.current': `${5 * Gi}\n`,
  'kubepods.slice/kubepods-burstable.slice/memory.max': 'max\n',
  'kubepods.slice/kubepods-besteffort.slice/memory.current': `${2 * Gi}\n`,
  'kubepods.slice/kubepods-besteffort.slice/memory.max': 'max\n',
  'system.slice/memory.current': `${1536 * Mi}\n`,
  'system.slice/memory.max': 'max\n',
};
const meminfo = [
  'MemTotal:       16777216 kB',
  'MemFree:         1048576 kB',
  'MemAvailable:    5242880 kB',
  'Buffers:           65536 kB',
  'Cached:          5177344 kB',
  'SReclaimable:     262144 kB',
  'Shmem:            102400 kB',
  'Active(file):    3145728 kB',
].join('\n');

function input(o: Partial<NodeMemoryInput> = {}): NodeMemoryInput {
  return {
    node,
    pods: [pod('web', 'Burstable', '1Gi'), pod('batch', 'BestEffort', null, -10), pod('db', 'Guaranteed', '4Gi', 1000)],
    summary: {
      node: { memory: { workingSetBytes: 9 * Gi, availableBytes: 7 * Gi } },
      pods: [
        { podRef: { name: 'web', namespace: 'shop' }, memory: { workingSetBytes: 1.5 * Gi, usageBytes: 2 * Gi } },
        { podRef: { name: 'batch', namespace: 'shop' }, memory: { workingSetBytes: 1 * Gi, usageBytes: 2 * Gi } },
        { podRef: { name: 'db', namespace: 'shop' }, memory: { workingSetBytes: 3 * Gi, usageBytes: 3.5 * Gi } },
      ],
    },
    nodeMetricsWorkingSetBytes: null,
    kubeletConfig: parseKubeletConfigz(configz, 16 * Gi),
    cgroupFiles: files,
    meminfo,
    events: [
      {
        reason: 'EvictionThresholdMet',
        message: 'Attempting to reclaim memory',
        count: 2,
        lastTimestamp: '2026-11-30T10:00:00Z',
      },
      { reason: 'Scheduled', message: 'x' },
    ],
    ...o,
  };
}

test('node chain: capacity → reservations from configz → threshold → allocatable → kubepods', () => {
  const v = nodeMemory(input());
  assert.equal(v.node.capacityBytes, 16 * Gi);
  assert.equal(v.node.kubeReservedBytes, 1 * Gi);
  assert.equal(v.node.systemReservedBytes, 512 * Mi);
  assert.equal(v.node.reservedSource, 'configz');
  assert.equal(v.node.evictionThresholdBytes, 500 * Mi);
  assert.equal(v.node.softEvictionThresholdBytes, Math.round(0.05 * 16 * Gi));
  assert.equal(v.node.allocatableBytes, 16 * Gi - 2036 * Mi);
  assert.equal(v.node.reservedBytes, 2036 * Mi);
  // The kubepods cgroup is allocatable + the hard threshold (the kubelet does not subtract it from the cgroup).
  assert.equal(v.node.kubepodsLimitBytes, 16 * Gi - 1536 * Mi);
  assert.equal(v.node.kubepodsLimitBytes! - v.node.allocatableBytes!, v.node.evictionThresholdBytes);
  assert.equal(v.node.kubepodsUsageBytes, 8 * Gi);
  assert.equal(v.node.kubepodsWorkingSetBytes, 7 * Gi);
  assert.equal(v.node.availableBytes, 7 * Gi);
  assert.equal(v.node.marginBytes, 7 * Gi - 500 * Mi);
  assert.equal(v.node.cgroupVersion, 'v2');
  assert.deepEqual(v.notices, []);
});

test('node: QoS tiers, outside kubepods from the v2 root (anon + file), kubectl top node and free', () => {
  const v = nodeMemory(input());
  assert.deepEqual(
    v.tiers.map((t) => [t.qosClass, t.pods, t.requestBytes, t.workingSetBytes, t.cgroupUsageBytes]),
    [
      ['Guaranteed', 1, 4 * Gi, 3 * Gi, null],
      ['Burstable', 1, 1 * Gi, 1.5 * Gi, 5 * Gi],
      ['BestEffort', 1, 0, 1 * Gi, 2 * Gi],
    ],
  );
  // root usage emulated as anon 6Gi + file 5Gi = 11Gi; kubepods 8Gi → 3Gi outside.
  assert.equal(v.outsideKubepods.bytes, 3 * Gi);
  assert.deepEqual(v.outsideKubepods.parts, [{ path: 'system.slice', usageBytes: 1536 * Mi }]);
  // kubectl top node divides the node working set by allocatable.
  assert.equal(v.kubectlTopNode.workingSetBytes, 9 * Gi);
  assert.equal(v.kubectlTopNode.percent, (9 * Gi) / (16 * Gi - 2036 * Mi));
  assert.deepEqual(v.free, {
    totalBytes: 16 * Gi,
    freeBytes: 1 * Gi,
    buffCacheBytes: (65536 + 5177344 + 262144) * 1024,
    usedBytes: (16777216 - 1048576 - 65536 - 5177344 - 262144) * 1024,
    availableBytes: 5 * Gi,
    shmemBytes: 100 * Mi,
    activeFileBytes: 3 * Gi,
  });
  assert.deepEqual(
    v.events.map((e) => e.reason),
    ['EvictionThresholdMet'],
  );
});

test('node: eviction order if pressure came now (above request first, then priority, then amount over)', () => {
  const v = nodeMemory(input());
  assert.deepEqual(
    v.evictionOrder.map((r) => [r.name, r.exceedsRequest, r.overRequestBytes]),
    [
      ['batch', true, 1 * Gi],
      ['web', true, 0.5 * Gi],
      ['db', false, -1 * Gi],
    ],
  );
});

test('node without configz, summary or reader: derived and assumed values are marked, the gaps named', () => {
  const v = nodeMemory(
    input({
      kubeletConfig: null,
      summary: null,
      cgroupFiles: null,
      meminfo: null,
      nodeMetricsWorkingSetBytes: 10 * Gi,
    }),
  );
  assert.equal(v.node.reservedSource, 'derived');
  assert.equal(v.node.kubeReservedBytes, null);
  assert.equal(v.node.evictionThresholdBytes, 100 * Mi);
  assert.equal(v.node.evictionThresholdSource, 'assumed-default');
  assert.equal(v.node.availableBytes, 6 * Gi);
  assert.match(v.node.availableSource ?? '', /NodeMetrics/);
  assert.equal(v.node.kubepodsLimitBytes, null);
  assert.equal(v.free, null);
  assert.deepEqual(
    v.notices.map((n) => n.part),
    ['configz', 'summary', 'cgroup'],
  );
  assert.ok(
    v.evictionOrder.every((r) => r.exceedsRequest === null),
    'no stats: the kubelet ranks them first; memwhy does not invent usage',
  );
});
