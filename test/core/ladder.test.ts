import { test } from 'node:test';
import assert from 'node:assert/strict';
import { containerSpecs, oomScoreAdj, qosClass, requestSummary } from '../../src/core/ladder.js';
import type { KContainer, KPod } from '../../src/core/types.js';

const Mi = 2 ** 20;
const Gi = 2 ** 30;

function ctr(
  name: string,
  requests?: Record<string, string>,
  limits?: Record<string, string>,
  restartPolicy?: string,
): KContainer {
  return {
    name,
    resources: { ...(requests ? { requests } : {}), ...(limits ? { limits } : {}) },
    ...(restartPolicy ? { restartPolicy } : {}),
  };
}

function pod(
  containers: KContainer[],
  initContainers: KContainer[] = [],
  extra: Partial<NonNullable<KPod['spec']>> = {},
): KPod {
  return { kind: 'Pod', metadata: { name: 'p', namespace: 'default' }, spec: { containers, initContainers, ...extra } };
}

test('a missing request defaults to the limit, as the API server does', () => {
  const [c] = containerSpecs(pod([ctr('app', undefined, { memory: '200Mi' })]));
  assert.equal(c?.requestBytes, 200 * Mi);
  assert.equal(c?.limitBytes, 200 * Mi);
});

test('effective request: app containers add up, the largest init container wins if larger, overhead on top', () => {
  const p = pod([ctr('a', { memory: '100Mi' }), ctr('b', { memory: '50Mi' })], [ctr('init', { memory: '300Mi' })], {
    overhead: { memory: '10Mi' },
  });
  const r = requestSummary(p);
  assert.equal(r.containersRequestBytes, 150 * Mi);
  assert.equal(r.maxInitRequestBytes, 300 * Mi);
  assert.equal(r.overheadBytes, 10 * Mi);
  assert.equal(r.effectiveRequestBytes, 310 * Mi);
});

test('effective request: a sidecar runs beside later init containers and beside the app', () => {
  // sidecar 64Mi starts first; init 200Mi then runs beside it (264Mi); app 100Mi runs beside it (164Mi).
  const p = pod(
    [ctr('app', { memory: '100Mi' })],
    [ctr('sidecar', { memory: '64Mi' }, undefined, 'Always'), ctr('migrate', { memory: '200Mi' })],
  );
  const r = requestSummary(p);
  assert.equal(r.effectiveRequestBytes, 264 * Mi);
  assert.equal(r.containersRequestBytes, 164 * Mi);
  // An init container that runs before the sidecar does not add the sidecar.
  const q = pod(
    [ctr('app', { memory: '100Mi' })],
    [ctr('migrate', { memory: '200Mi' }), ctr('sidecar', { memory: '64Mi' }, undefined, 'Always')],
  );
  assert.equal(requestSummary(q).effectiveRequestBytes, 200 * Mi);
});

test('pod limit exists only when every app container has a memory limit', () => {
  assert.equal(
    requestSummary(pod([ctr('a', {}, { memory: '1Gi' }), ctr('b', {}, { memory: '512Mi' })])).effectiveLimitBytes,
    1.5 * Gi,
  );
  assert.equal(
    requestSummary(pod([ctr('a', {}, { memory: '1Gi' }), ctr('b', { memory: '64Mi' })])).effectiveLimitBytes,
    null,
  );
});

test('pod-level resources replace the container aggregate', () => {
  const p = pod([ctr('a', { memory: '100Mi' })], [], {
    resources: { requests: { memory: '1Gi' }, limits: { memory: '2Gi' } },
  });
  const r = requestSummary(p);
  assert.equal(r.effectiveRequestBytes, Gi);
  assert.equal(r.effectiveLimitBytes, 2 * Gi);
});

test('QoS class: status wins; otherwise computed from both CPU and memory', () => {
  assert.equal(qosClass({ ...pod([ctr('a')]), status: { qosClass: 'Burstable' } }), 'Burstable');
  assert.equal(qosClass(pod([ctr('a')])), 'BestEffort');
  assert.equal(
    qosClass(pod([ctr('a', { memory: '1Gi', cpu: '1' }, { memory: '1024Mi', cpu: '1000m' })])),
    'Guaranteed',
  );
  assert.equal(qosClass(pod([ctr('a', undefined, { memory: '1Gi', cpu: '1' })])), 'Guaranteed');
  assert.equal(
    qosClass(pod([ctr('a', { memory: '1Gi' }, { memory: '1Gi' })])),
    'Burstable',
    'no CPU limit: not Guaranteed',
  );
  assert.equal(
    qosClass(pod([ctr('a', { memory: '1Gi', cpu: '1' }, { memory: '1Gi', cpu: '1' }), ctr('b')])),
    'Burstable',
  );
});

test('oom_score_adj follows pkg/kubelet/qos/policy.go, clamps included', () => {
  const capacity = 8 * Gi;
  assert.equal(oomScoreAdj('Guaranteed', 1 * Gi, capacity), -997);
  assert.equal(oomScoreAdj('BestEffort', null, capacity), 1000);
  assert.equal(oomScoreAdj('Burstable', 1 * Gi, capacity), 875); // 1000 - 1000*1/8
  assert.equal(oomScoreAdj('Burstable', 100 * Mi, capacity), 988); // 1000 - floor(12.2)
  assert.equal(oomScoreAdj('Burstable', 8 * Gi, capacity), 3, 'floor at 1000 + guaranteedOOMScoreAdj');
  assert.equal(oomScoreAdj('Burstable', 0, capacity), 999, 'a zero request would be 1000: kept just below BestEffort');
  assert.equal(oomScoreAdj('Burstable', 1 * Gi, null), null, 'unknown without the node capacity');
  assert.equal(oomScoreAdj('Burstable', 1 * Gi, capacity, 'system-node-critical'), -997);
});
