// What a user must see for each real-data case: verdict, level, and the numbers, computed by hand from the
// source files (see test/fixtures/cases/SOURCES.md). The golden files catch any change; these catch a wrong
// answer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadSnapshot } from '../../src/app/snapshot.js';
import { analyse } from '../../src/core/analyse.js';
import type { Analysis, Verdict } from '../../src/core/types.js';

const Ki = 1024;
const Mi = 2 ** 20;
const NOW = '2026-11-23T00:00:00.000Z';

async function run(dir: string): Promise<Analysis> {
  return analyse(await loadSnapshot(dir), { now: NOW });
}

function verdict(a: Analysis, kind: Verdict['kind']): Verdict {
  const v = a.verdicts.find((x) => x.kind === kind);
  assert.ok(v, `expected a ${kind} verdict, got ${a.verdicts.map((x) => x.kind).join(', ') || 'none'}`);
  return v;
}

function evidenceText(v: Verdict): string {
  return v.evidence.map((e) => e.text).join('\n');
}

test('cgroup v2 (real elastic files): working set = memory.current − inactive_file, breakdown adds up to usage', async () => {
  const a = await run('test/fixtures/cases/cgroupv2-elastic-relocated');
  const c = a.containers[0]!;
  assert.equal(a.cgroup?.version, 'v2');
  assert.equal(a.cgroup?.driver, 'systemd');
  assert.equal(c.usageBytes, 10498404352); // memory.current
  assert.equal(c.breakdown.inactiveFileBytes, 6685749248); // memory.stat inactive_file
  assert.equal(c.workingSetBytes, 10498404352 - 6685749248);
  assert.equal(c.views.kubectlTopBytes, c.workingSetBytes);
  assert.equal(c.views.dockerStatsBytes, c.workingSetBytes, 'docker ≥ 20.10 uses the same formula');
  assert.equal(c.views.dockerStatsLegacyBytes, 10498404352 - c.cacheBytes!, 'docker ≤ 19.03: usage − file');
  assert.equal(c.rssBytes, c.breakdown.anonBytes, 'kubelet rssBytes on v2 is anon');
  const b = c.breakdown;
  assert.equal(
    b.anonBytes! + b.fileBytes! + b.shmemBytes! + b.kernelBytes! + b.otherBytes!,
    c.usageBytes,
    'the parts add up to usage',
  );
  assert.equal(b.fileBytes, b.activeFileBytes! + b.inactiveFileBytes!);
  assert.equal(c.limitBytes, null);
  assert.equal(verdict(a, 'CacheDriven').container, 'metrics-server');
  assert.equal(verdict(a, 'NoLimit').severity, 'info');
});

test('OOMKilled at the pod limit (AKS, kernel log names the pod slice)', async () => {
  const a = await run('test/fixtures/cases/oomkilled-aks-pod-limit');
  const v = verdict(a, 'OOMKilled');
  assert.equal(v.level, 'pod');
  assert.equal(v.severity, 'critical');
  assert.equal(a.kernelOoms.length, 1, 'only the kill of this pod; the cut-off second report has no victim of ours');
  const k = a.kernelOoms[0]!;
  assert.equal(k.pid, 183960);
  assert.equal(k.task, 'stress-ng-vm');
  assert.equal(k.memcgLimitBytes, 102400 * Ki);
  assert.equal(k.anonRssBytes, 93176 * Ki);
  assert.match(evidenceText(v), /usage 100Mi of limit 100Mi/);
});

test('OOMKilled at node-allocatable (/kubepods.slice full, BestEffort victim with no limit)', async () => {
  const a = await run('test/fixtures/cases/oomkilled-aks-allocatable');
  const v = verdict(a, 'OOMKilled');
  assert.equal(v.level, 'node-allocatable');
  const k = a.kernelOoms[0]!;
  assert.equal(k.oomMemcg, '/kubepods.slice');
  assert.equal(k.pid, 7788);
  assert.equal(k.anonRssBytes, 7165824 * Ki);
  assert.equal(k.memcgUsageBytes, 7464436 * Ki);
  assert.equal(a.pod.qosClass, 'BestEffort');
  assert.equal(a.containers[0]!.oomScoreAdj, 1000);
  assert.ok(a.verdicts.some((x) => x.kind === 'NoLimit'));
});

test('OOMKilled with exit code 1 (GKE): container level inferred from the spec, exit code explained', async () => {
  const a = await run('test/fixtures/cases/oomkilled-gke-exit1');
  const v = verdict(a, 'OOMKilled');
  assert.equal(v.level, 'container');
  assert.match(v.summary, /200Mi \(inferred\)/);
  assert.match(evidenceText(v), /Exit code 1, not 137/);
  assert.ok(
    a.notices.some((n) => n.part === 'kernel.log'),
    'says the kernel log is missing',
  );
  assert.ok(!a.verdicts.some((x) => x.kind === 'ExitWithoutOOM'));
});

test('OOMKilled from the Kubernetes docs (v1, docker id, no node): container level inferred', async () => {
  const a = await run('test/fixtures/cases/v1-legacy-oom-docs');
  const v = verdict(a, 'OOMKilled');
  assert.equal(v.level, 'container');
  assert.equal(a.containers[0]!.requestBytes, 50 * Mi);
  assert.equal(a.containers[0]!.lastState?.exitCode, 137);
});

test('Evicted (new message format): threshold arithmetic and the container over its request', async () => {
  const a = await run('test/fixtures/cases/evicted-aks-threshold');
  const v = verdict(a, 'Evicted');
  const avail = v.evidence.find((e) => e.text.startsWith('memory.available'));
  assert.equal(avail?.value, 225800 * Ki);
  assert.match(avail!.text, /225800Ki \(221Mi\), below the eviction threshold of 750Mi/);
  const usage = v.evidence.find((e) => e.text.startsWith('Container nginx'));
  assert.equal(usage?.value, 4395616 * Ki);
  assert.match(v.nextSteps.join('\n'), /nginx ≥ 4\.19Gi/);
  assert.equal(a.node?.evictionThresholdBytes, 750 * Mi);
  assert.ok(
    !a.verdicts.some((x) => x.kind === 'ExitWithoutOOM'),
    'ContainerStatusUnknown 137 is the kubelet placeholder',
  );
});

test('Evicted (old message format): every container and its request of 0', async () => {
  const a = await run('test/fixtures/cases/evicted-old-format');
  const v = verdict(a, 'Evicted');
  const values = v.evidence.filter((e) => e.text.startsWith('Container ')).map((e) => e.value);
  assert.deepEqual(values, [27484 * Ki, 9736 * Ki, 51480 * Ki]);
  assert.match(v.summary, /its node ran low on memory/);
});

test('Pending with Insufficient memory: requests, not usage, per node', async () => {
  const a = await run('test/fixtures/cases/pending-insufficient-memory');
  const v = verdict(a, 'Pending');
  assert.equal(v.severity, 'critical');
  assert.equal(a.requests.effectiveRequestBytes, 7680 * Mi);
  assert.equal(a.nodeFits.length, 1);
  const f = a.nodeFits[0]!;
  assert.equal(f.node, 'datagen-1-35');
  assert.equal(f.allocatableBytes, 8024304 * Ki);
  // 70Mi + 100Mi + 50Mi + 200Mi + 5M + 15Mi + 20Mi + 20Mi (pod-level) + 15Mi + 15Mi; finished pods excluded.
  assert.equal(f.requestedBytes, 505 * Mi + 5_000_000);
  assert.equal(f.marginBytes, 8024304 * Ki - (505 * Mi + 5_000_000) - 7680 * Mi);
  assert.equal(f.fits, false);
  assert.match(v.nextSteps[0]!, /Lower the pod's memory request by at least 354Mi/);
});

test('Running pod, API only (k8s 1.35 summary): kubelet numbers, node arithmetic, nothing alarming', async () => {
  const a = await run('test/fixtures/cases/running-k8s135-summary');
  const c = a.containers[0]!;
  assert.equal(c.workingSetBytes, 10469376);
  assert.equal(c.cgroupLimitBytes, 30 * Mi, 'limit = availableBytes + workingSetBytes from the summary');
  assert.equal(a.podLevel?.workingSetBytes, 10727424);
  assert.equal(a.requests.effectiveRequestBytes, 20 * Mi, 'pod-level resources');
  assert.equal(a.requests.effectiveLimitBytes, 40 * Mi);
  assert.equal(c.oomScoreAdj, -997, 'system-node-critical');
  assert.equal(a.node?.memoryAvailableBytes, 8216887296 - 917110784);
  assert.equal(a.verdicts.filter((v) => v.severity !== 'info').length, 0);
  assert.ok(
    a.notices.some((n) => n.part === 'cgroup'),
    'says the breakdown needs cgroup files',
  );
});

// The examples were produced by the real-kernel lab (test/kernel/lab.ts) on cgroup v1.
test('example cache-driven (real kernel): 100 MiB read twice → kubectl top ≈ 100Mi, docker ≤19.03 flat', async () => {
  const a = await run('examples/cache-driven');
  const c = a.containers[0]!;
  assert.ok(c.workingSetBytes! > 99 * Mi && c.workingSetBytes! < 102 * Mi, `working set ${c.workingSetBytes}`);
  assert.ok(c.breakdown.activeFileBytes! > 99 * Mi);
  assert.ok(c.views.dockerStatsLegacyBytes! < 2 * Mi);
  assert.ok(c.rssBytes! < 1 * Mi);
  assert.equal(verdict(a, 'CacheDriven').container, 'app');
});

test('example oomkilled-container (real kernel): level container from oom_memcg', async () => {
  const a = await run('examples/oomkilled-container');
  const v = verdict(a, 'OOMKilled');
  assert.equal(v.level, 'container');
  assert.equal(v.container, 'app');
  assert.equal(a.kernelOoms[0]?.memcgLimitBytes, 64 * Mi);
});

test('example oomkilled-node-allocatable (real kernel): kubepods limit fired', async () => {
  const a = await run('examples/oomkilled-node-allocatable');
  assert.equal(verdict(a, 'OOMKilled').level, 'node-allocatable');
});

test('example shmem-tmpfs (real kernel): tmpfs counted in the working set', async () => {
  const a = await run('examples/shmem-tmpfs');
  const c = a.containers[0]!;
  assert.ok(c.breakdown.shmemBytes! >= 64 * Mi);
  assert.ok(c.workingSetBytes! >= c.breakdown.shmemBytes!);
  assert.equal(verdict(a, 'ShmemHeavy').severity, 'warning');
});

test('Evicted with the bare old message: the Evicted event annotations name the offending container', async () => {
  const facts = await loadSnapshot('test/fixtures/cases/evicted-aks-threshold');
  facts.pod.status = { ...facts.pod.status, message: 'The node was low on resource: memory. ' };
  facts.events = [
    {
      metadata: {
        annotations: {
          offending_containers: 'nginx',
          offending_containers_usage: '4395616Ki',
          starved_resource: 'memory',
        },
      },
      involvedObject: { kind: 'Pod', name: facts.pod.metadata?.name, namespace: facts.pod.metadata?.namespace },
      reason: 'Evicted',
      type: 'Warning',
      message: 'The node was low on resource: memory. ',
    },
  ];
  const a = analyse(facts, { now: NOW });
  const v = verdict(a, 'Evicted');
  assert.equal(v.container, 'nginx');
  assert.match(evidenceText(v), /Evicted event names nginx as offending \(starved resource: memory\)/);
  assert.equal(v.evidence.find((e) => e.text.startsWith('Container nginx'))?.value, 4395616 * Ki);
});

test('a static pod: the kernel OOM lines name the kubelet config hash, not the mirror pod uid', async () => {
  const facts = await loadSnapshot('test/fixtures/cases/oomkilled-aks-pod-limit');
  const hash = facts.pod.metadata!.uid!;
  facts.pod.metadata = {
    ...facts.pod.metadata,
    uid: '00000000-0000-0000-0000-000000000000',
    annotations: { 'kubernetes.io/config.mirror': hash },
  };
  // Only the pod uid can tie the lines to this pod: no container IDs to match by.
  for (const s of facts.pod.status?.containerStatuses ?? []) {
    delete s.containerID;
    if (s.lastState?.terminated) delete s.lastState.terminated.containerID;
  }
  const a = analyse(facts, { now: NOW });
  assert.equal(a.kernelOoms.length, 1);
  assert.equal(a.kernelOoms[0]?.pid, 183960);
});
