// Sizing advice: the numbers a user sees, computed by hand from the fixtures' files (test/fixtures/cases/SOURCES.md,
// "sizing-*"), beside what krr's and VPA's formulas give on the same numbers. The goldens catch any change;
// these catch a wrong answer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { loadSnapshot } from '../../src/app/snapshot.js';
import { adviseSizing, confidenceFor, sizeFrom } from '../../src/core/advice.js';
import { containerCommand, memoryQuantity, owningWorkload, podCommand } from '../../src/core/advice-command.js';
import { krrMemoryBytes, vpaBucketEnd, vpaOomSampleBytes, vpaTargetBytes } from '../../src/core/advice-tools.js';
import { analyse } from '../../src/core/analyse.js';
import { emptyFigures } from '../../src/core/figures.js';
import type { Analysis, KPod, SizingAdvice } from '../../src/core/types.js';

const Ki = 1024;
const Mi = 2 ** 20;
const NOW = '2026-11-23T00:00:00.000Z';
const ceilMi = (b: number) => Math.ceil(b / Mi) * Mi;

async function adviceOf(dir: string, container = 'app'): Promise<{ a: Analysis; s: SizingAdvice }> {
  const a = analyse(await loadSnapshot(dir), { now: NOW });
  const s = a.containers.find((c) => c.name === container)?.advice;
  assert.ok(s, `no advice for ${container}`);
  return { a, s };
}

test('cache-heavy: the limit is the floor + 15%, krr sizes the 900Mi of active page cache too', async () => {
  const { s } = await adviceOf('test/fixtures/cases/sizing-cache-heavy');
  assert.equal(s.floorBytes, (200 + 0 + (24 - 16)) * Mi, 'anon + shmem + kernel − slab_reclaimable');
  assert.equal(s.activeFileBytes, 900 * Mi);
  assert.equal(s.spikeBytes, 0, 'memory.peak = memory.current');
  assert.equal(s.limitBytes, 240 * Mi, 'ceil(208Mi × 1.15)');
  assert.equal(s.requestBytes, 240 * Mi, 'floor + active cache (1108Mi) is above the limit: the request is the limit');
  assert.equal(s.krrBytes, Math.ceil(1124 * Mi * 1.15), 'working set (usage 1224Mi − inactive_file 100Mi) × 1.15');
  assert.ok(s.krrBytes! > 5 * s.limitBytes!, 'krr over-sizes by the page cache');
  assert.equal(s.vpaTargetBytes, Math.ceil(vpaBucketEnd(1124 * Mi) * 1.15));
  assert.equal(s.confidence, 'high', 'the container has run 7 days');
  assert.equal(
    s.command,
    'kubectl set resources deployment/catalog -n shop -c app --requests=memory=240Mi --limits=memory=240Mi',
  );
  assert.match(
    s.comparison[0]!,
    /krr \(simple\) would set 1\.26Gi .*because 900Mi of that working set is active page cache the kernel can reclaim/,
  );
});

test('OOM-killed at a spike above its working set: the limit clears the kill with the bump, krr sizes below the kill', async () => {
  const { s } = await adviceOf('test/fixtures/cases/sizing-oom-spike');
  assert.equal(s.oomUsageBytes, 512 * Mi, "kernel.log memory: usage 524288kB of the container's own cgroup");
  assert.equal(s.floorBytes, (300 + 6) * Mi);
  assert.equal(s.limitBytes, ceilMi(512 * Mi * 1.2), 'max(512Mi + 100Mi, 512Mi × 1.2) = 614.4Mi → 615Mi');
  assert.equal(s.limitBytes, 615 * Mi);
  // The floor after the restart (306Mi × 1.15 = 352Mi) is below what the container held when it was killed.
  assert.equal(s.requestBytes, 512 * Mi, 'the usage at the OOM kill: a proven need, above floor × 1.15');
  assert.match(s.reasons.join('\n'), /Request 512Mi = the usage at the OOM kill/);
  assert.equal(s.krrBytes, Math.ceil(330 * Mi * 1.15));
  assert.ok(s.krrBytes! < s.oomUsageBytes!, 'krr would set a limit below the usage the container was killed at');
  assert.equal(
    s.vpaTargetBytes,
    Math.ceil(vpaBucketEnd(vpaOomSampleBytes(512 * Mi, 330 * Mi)) * 1.15),
    'VPA bumps from max(request, peak)',
  );
  assert.match(s.comparison[0]!, /below the 512Mi the container was killed at/);
  assert.match(
    s.comparison[1]!,
    /^VPA would target a 729Mi request \(memwhy's request: 512Mi\): after the OOM kill its peak sample becomes max\(max\(request 512Mi, working set 330Mi\) \+ 100Mi, × 1\.2\) = 614Mi/,
  );
});

test('tmpfs-heavy: shmem is in the floor, the limit is above it, and the emptyDir sizeLimit is weighed', async () => {
  const { s } = await adviceOf('test/fixtures/cases/sizing-tmpfs');
  assert.equal(s.floorBytes, (100 + 400 + 6) * Mi);
  assert.equal(s.limitBytes, ceilMi(506 * Mi * 1.15));
  assert.ok(s.limitBytes! > 400 * Mi, 'never a limit the tmpfs already fills');
  assert.ok(
    s.reasons.some((r) => /filled to its sizeLimit the pod would need 618Mi/.test(r)),
    s.reasons.join('\n'),
  );
});

test('real data (elastic metrics-server, cgroup v2): floor from memory.stat, the peak above usage planned for as a spike', async () => {
  const { s, a } = await adviceOf('test/fixtures/cases/cgroupv2-elastic-relocated', 'metrics-server');
  const c = a.containers[0]!;
  assert.equal(s.floorBytes, 1411100672 + 20480 + (195010560 - 171664984), 'anon + shmem + kernel − slab_reclaimable');
  assert.equal(s.peakBytes, 18772946944);
  assert.equal(s.spikeBytes, 18772946944 - c.usageBytes!);
  assert.equal(s.limitBytes, ceilMi((s.floorBytes! + s.spikeBytes!) * 1.15));
  assert.equal(s.krrBytes, Math.ceil(c.workingSetBytes! * 1.15));
  assert.ok(
    s.reasons.some((r) => /part of the spike was cache/.test(r)),
    'says the spike may be reclaimed cache',
  );
  assert.equal(
    s.command,
    'kubectl set resources deployment/metrics-server -n kube-system -c metrics-server --requests=memory=3215Mi --limits=memory=10649Mi',
  );
});

test('real kernel (v1 lab example): OOM usage from the kernel log, limit bumped above it, bare pod gets a resize patch', async () => {
  const { s } = await adviceOf('examples/oomkilled-container');
  // The victim's anon-rss + file-rss (71552kB + 38620kB) is above what its cgroup held: file-rss counts the node
  // binary's pages, charged elsewhere. The container's own limit fired, so its usage line is the number.
  assert.equal(s.oomUsageBytes, 65536 * Ki, 'kernel.log memory: usage 65536kB of the container cgroup');
  assert.ok((71552 + 38620) * Ki > s.oomUsageBytes!);
  assert.ok(s.limitBytes! >= s.oomUsageBytes! + 100 * Mi);
  assert.match(
    s.command!,
    /^kubectl patch pod\/oom-container -n default --subresource resize --patch '\{"spec":\{"containers":\[\{"name":"app",/,
  );
});

test('without a kernel log, a container OOM-killed at its limit is taken to have used the limit', async () => {
  const { s } = await adviceOf('test/fixtures/cases/oomkilled-gke-exit1', 'oomkilled');
  assert.equal(s.oomUsageBytes, 200 * Mi);
  assert.equal(s.limitBytes, 300 * Mi, 'max(200Mi + 100Mi, 240Mi)');
  assert.equal(s.confidence, 'low', 'no breakdown: the floor is unknown');
});

test('no usage figures: every number null, one reason', async () => {
  const { s } = await adviceOf('examples/pending');
  assert.deepEqual(
    [s.requestBytes, s.limitBytes, s.floorBytes, s.krrBytes, s.vpaTargetBytes, s.confidence, s.command],
    [null, null, null, null, null, null, null],
  );
  assert.equal(s.reasons.length, 1);
});

test('krr and VPA formulas with their upstream constants', () => {
  assert.equal(krrMemoryBytes(100 * Mi), Math.ceil(115 * Mi));
  assert.equal(krrMemoryBytes(null), null);
  assert.equal(vpaOomSampleBytes(100 * Mi, 50 * Mi), 200 * Mi, '+100Mi wins below 500Mi');
  assert.equal(vpaOomSampleBytes(null, 1000 * Mi), 1200 * Mi, '×1.2 wins above 500Mi');
  assert.equal(vpaBucketEnd(1), 1e7, 'the first bucket is [0, 1e7)');
  assert.equal(Math.round(vpaBucketEnd(1e7)), 1e7 + 1e7 * 1.05, 'the second is 1e7 × 1.05 wide');
  for (const v of [1, 5e6, 1e7, 123456789, 5e9]) {
    const end = vpaBucketEnd(v);
    assert.ok(end > v, `bucket end ${end} above ${v}`);
    // Buckets are 1e7 × 1.05^n wide: about 5% of their start only far from 0.
    assert.ok(v < 1e9 || end <= v * 1.0501, `within a 5% bucket (${v})`);
    assert.ok(vpaBucketEnd(end * 1.000001) > end, 'just past the end of a bucket is the next one');
  }
  assert.equal(
    vpaTargetBytes({ workingSetPeakBytes: 10 * Mi, requestBytes: null, oomKilled: false, containers: 2 }),
    125 * Mi,
    '250Mi pod minimum split over 2',
  );
  assert.equal(
    vpaTargetBytes({ workingSetPeakBytes: null, requestBytes: null, oomKilled: false, containers: 1 }),
    null,
  );
});

test('confidence: under an hour low, under a week medium, a week or more high; unknown floor low', () => {
  assert.equal(confidenceFor(180, true), 'low');
  assert.equal(confidenceFor(3600, true), 'medium');
  assert.equal(confidenceFor(7 * 86400, true), 'high');
  assert.equal(confidenceFor(7 * 86400, false), 'low');
  assert.equal(confidenceFor(null, true), 'low');
});

function podOwnedBy(owner: { kind: string; name: string } | null, extra: Partial<KPod['metadata']> = {}): KPod {
  return {
    metadata: {
      name: 'web-5d8f7c9b4-abcde',
      namespace: 'prod',
      labels: { 'pod-template-hash': '5d8f7c9b4' },
      ownerReferences: owner ? [owner] : [],
      ...extra,
    },
  };
}

test('the command goes to the owning workload, and none is given where it cannot work', () => {
  assert.equal(owningWorkload(podOwnedBy({ kind: 'ReplicaSet', name: 'web-5d8f7c9b4' }))?.ref, 'deployment/web');
  assert.equal(owningWorkload(podOwnedBy({ kind: 'StatefulSet', name: 'db' }))?.ref, 'statefulset/db');
  assert.equal(
    containerCommand(podOwnedBy({ kind: 'DaemonSet', name: 'agent' }), 'c', 64 * Mi, 1024 * Mi),
    'kubectl set resources daemonset/agent -n prod -c c --requests=memory=64Mi --limits=memory=1Gi',
  );
  assert.equal(
    containerCommand(podOwnedBy({ kind: 'Job', name: 'backup-29000' }), 'c', Mi, Mi),
    null,
    "a Job's template is immutable",
  );
  assert.equal(containerCommand(podOwnedBy({ kind: 'Node', name: 'node-a' }), 'c', Mi, Mi), null, 'static pod');
  assert.equal(
    containerCommand(podOwnedBy(null), 'c', null, 32 * Mi),
    `kubectl patch pod/web-5d8f7c9b4-abcde -n prod --subresource resize --patch '{"spec":{"containers":[{"name":"c","resources":{"limits":{"memory":"32Mi"}}}]}}'`,
  );
  assert.equal(
    podCommand(podOwnedBy({ kind: 'ReplicaSet', name: 'web-5d8f7c9b4' }), 256 * Mi, 512 * Mi),
    `kubectl patch deployment/web -n prod --type=merge --patch '{"spec":{"template":{"spec":{"resources":{"requests":{"memory":"256Mi"},"limits":{"memory":"512Mi"}}}}}}'`,
  );
  assert.equal(podCommand(podOwnedBy(null), Mi, Mi), null, 'a bare pod cannot take pod-level resources in place');
  assert.equal(memoryQuantity(1.5 * Mi), '2Mi');
  assert.equal(memoryQuantity(0), '0');
});

test('pod-level resources get their own advice from the pod cgroup', async () => {
  const facts = await loadSnapshot('test/fixtures/cases/sizing-oom-spike');
  facts.pod.spec!.resources = { requests: { memory: '512Mi' }, limits: { memory: '512Mi' } };
  const a = analyse(facts, { now: NOW });
  const p = a.podLevel?.advice;
  assert.ok(p, 'podLevel.advice set');
  assert.equal(p.floorBytes, 306 * Mi);
  assert.match(p.command!, /^kubectl patch deployment\/checkout -n shop --type=merge/);
  const without = analyse(await loadSnapshot('test/fixtures/cases/sizing-oom-spike'), { now: NOW });
  assert.equal(without.podLevel?.advice, null);
});

test('never below a proven need: whatever the figures, the limit is above the floor, the shmem and the OOM usage', () => {
  fc.assert(
    fc.property(
      fc.nat(4096),
      fc.nat(4096),
      fc.nat(4096),
      fc.nat(64),
      fc.nat(4096),
      fc.option(fc.nat(8192), { nil: null }),
      (anon, file, shmem, kernel, extraPeak, oom) => {
        const f = emptyFigures();
        f.breakdown = {
          ...f.breakdown,
          anonBytes: anon * Mi,
          activeFileBytes: file * Mi,
          inactiveFileBytes: 0,
          fileBytes: file * Mi,
          shmemBytes: shmem * Mi,
          kernelBytes: kernel * Mi,
        };
        f.usageBytes = (anon + file + shmem + kernel) * Mi;
        f.workingSetBytes = f.usageBytes;
        f.peakBytes = f.usageBytes + extraPeak * Mi;
        const s = sizeFrom(
          {
            figures: f,
            requestBytes: null,
            oom: oom === null ? null : { bytes: oom * Mi, source: 'test' },
            oomKilled: oom !== null,
            startedAt: '2026-11-01T00:00:00Z',
            limitHits: 0,
            containers: 1,
          },
          NOW,
        );
        assert.ok(s.limitBytes! >= s.floorBytes!, 'limit ≥ floor');
        assert.ok(s.limitBytes! > shmem * Mi || shmem === 0, 'limit above the tmpfs');
        if (oom !== null) assert.ok(s.limitBytes! > oom * Mi, 'limit above the OOM usage');
        assert.ok(s.requestBytes! <= s.limitBytes!, 'request ≤ limit');
      },
    ),
  );
});

test('adviseSizing leaves plain init containers without advice', async () => {
  const facts = await loadSnapshot('test/fixtures/cases/sizing-cache-heavy');
  const a = analyse(facts, { now: NOW });
  const withInit: Analysis = {
    ...a,
    containers: [...a.containers, { ...a.containers[0]!, name: 'init', kind: 'init' }],
  };
  const out = adviseSizing(withInit, facts.pod, NOW);
  assert.equal(out.containers[1]!.advice, null);
});
