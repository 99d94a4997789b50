// Kubernetes 1.34–1.36 and cgroup v2 semantics (issue 8): each rule asserted on the numbers and words a user
// sees, on the case folders of test/fixtures/cases/SOURCES.md §14 and on small hand-made pods.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadSnapshot } from '../../src/app/snapshot.js';
import { analyse } from '../../src/core/analyse.js';
import { containerSpecs, oomScoreAdj, oomScoreRequests, qosClass, requestSummary } from '../../src/core/ladder.js';
import { renderText } from '../../src/render/text.js';
import type { Analysis, Facts, KPod, Verdict } from '../../src/core/types.js';

const Mi = 2 ** 20;
const Gi = 2 ** 30;
const NOW = '2026-11-23T00:00:00.000Z';
const CASES = 'test/fixtures/cases';

async function run(name: string, edit?: (f: Facts) => void): Promise<Analysis> {
  const facts = await loadSnapshot(`${CASES}/${name}`);
  edit?.(facts);
  return analyse(facts, { now: NOW });
}

function verdict(a: Analysis, kind: Verdict['kind']): Verdict {
  const v = a.verdicts.find((x) => x.kind === kind);
  assert.ok(v, `expected a ${kind} verdict, got ${a.verdicts.map((x) => x.kind).join(', ') || 'none'}`);
  return v;
}

const text = (v: Verdict) => v.evidence.map((e) => e.text).join('\n');

function pod(spec: NonNullable<KPod['spec']>, status: KPod['status'] = { phase: 'Running' }): KPod {
  return { metadata: { name: 'p', namespace: 'default', uid: 'u-1' }, spec, status };
}

test('pod-level limit: the container without its own limit is bounded by it; no NoLimit; QoS from pod-level resources', async () => {
  const a = await run('v2-lab-pod-level-limit');
  const c = a.containers[0]!;
  assert.equal(c.limitBytes, 100 * Mi);
  assert.equal(c.limitSource, 'pod-level');
  assert.equal(c.specLimitBytes, null);
  assert.equal(c.specRequestBytes, 64 * Mi);
  assert.equal(c.cgroupLimitBytes, 100 * Mi, 'the container scope memory.max holds the pod limit');
  assert.equal(a.pod.qosClass, 'Burstable', 'pod-level memory limit without a CPU limit');
  assert.ok(!a.verdicts.some((v) => v.kind === 'NoLimit'));
  const oom = verdict(a, 'OOMKilled');
  assert.equal(oom.level, 'pod');
  assert.match(oom.nextSteps[0]!, /pod-level memory limit \(spec\.resources\.limits\.memory/);
  // The pod request defaults to the pod-level limit (KEP-2837), so oom_score_adj uses it, shared per container.
  assert.equal(a.requests.effectiveRequestBytes, 100 * Mi);
  assert.equal(c.oomScoreAdj, 1000 - Math.floor((1000 * 100 * Mi) / (470 * Mi)));
});

test('pod-level QoS follows ComputePodQOS: only the pod-level resources count when set', () => {
  const guaranteed = pod({ containers: [{ name: 'a' }], resources: { limits: { memory: '1Gi', cpu: '1' } } });
  assert.equal(qosClass(guaranteed), 'Guaranteed', 'requests default to the pod-level limits');
  const burstable = pod({
    containers: [{ name: 'a', resources: { limits: { memory: '1Gi', cpu: '1' } } }],
    resources: { requests: { memory: '512Mi' }, limits: { memory: '1Gi' } },
  });
  assert.equal(qosClass(burstable), 'Burstable');
});

test('in-place resize: the cgroup holds status resources; spec kept apart; pod.resize; the scheduler counts max(spec, allocated, actual)', async () => {
  const a = await run('resize-deferred-v2');
  const c = a.containers[0]!;
  assert.equal(c.limitBytes, 12 * Gi);
  assert.equal(c.limitSource, 'resized');
  assert.equal(c.specLimitBytes, 16 * Gi);
  assert.equal(c.requestBytes, 6 * Gi);
  assert.equal(c.specRequestBytes, 8 * Gi);
  assert.equal(c.headroom.bytesToLimit, 12 * Gi - 10498404352);
  assert.deepEqual(a.pod.resize, {
    state: 'pending',
    message: "Node didn't have enough capacity: memory, requested: 8589934592, capacity: 16777216000",
  });
  assert.equal(a.requests.effectiveRequestBytes, 8 * Gi);
  assert.equal(a.node?.requestedBytes, 8 * Gi);
  const out = renderText(a, { color: false, width: 200 });
  assert.match(out, /resized in place; spec says 16\.0Gi; cgroup says 12\.0Gi/);
  assert.match(out, /resize pending/);
});

test('resize Infeasible: the scheduler counts allocated and actual only; states from conditions and the old field', () => {
  const statuses = [{ name: 'a', resources: { requests: { memory: '1Gi' } }, allocatedResources: { memory: '1Gi' } }];
  const spec = { containers: [{ name: 'a', resources: { requests: { memory: '4Gi' } } }] };
  const infeasible = pod(spec, {
    phase: 'Running',
    containerStatuses: statuses,
    conditions: [
      { type: 'PodResizePending', status: 'True', reason: 'Infeasible', message: 'Node does not have enough memory' },
    ],
  });
  assert.equal(requestSummary(infeasible).effectiveRequestBytes, 1 * Gi);
  assert.equal(
    analyse(
      {
        pod: infeasible,
        node: null,
        nodes: null,
        nodePods: null,
        events: null,
        summary: null,
        podMetrics: null,
        kernelLog: null,
        cgroupFiles: null,
        missing: {},
      },
      { now: NOW },
    ).pod.resize?.state,
    'infeasible',
  );
  const deferred = pod(spec, { phase: 'Running', containerStatuses: statuses });
  assert.equal(requestSummary(deferred).effectiveRequestBytes, 4 * Gi, 'spec counts while the resize may still happen');
  const progress = pod(spec, { phase: 'Running', conditions: [{ type: 'PodResizeInProgress', status: 'True' }] });
  assert.equal(
    analyse(
      {
        pod: progress,
        node: null,
        nodes: null,
        nodePods: null,
        events: null,
        summary: null,
        podMetrics: null,
        kernelLog: null,
        cgroupFiles: null,
        missing: {},
      },
      { now: NOW },
    ).pod.resize?.state,
    'in-progress',
  );
});

test('v1 memory+swap decided: said so, raising the memory limit alone will not help, shmem share from the kernel stats', async () => {
  const a = await run('oomkilled-v1-memsw-shmem');
  const oom = verdict(a, 'OOMKilled');
  assert.equal(oom.level, 'container');
  assert.match(oom.summary, /memory\+swap limit of 1\.00Gi \(memsw\), not its memory limit/);
  assert.match(oom.nextSteps[0]!, /Raising the memory limit alone will not help/);
  assert.match(text(oom), /failcnt 17, while memory: usage 600Mi of limit 1\.00Gi, failcnt 0/);
  assert.match(text(oom), /shmem 516Mi \(86% of memory usage\)/);
  assert.equal(a.kernelOoms[0]?.memsw?.failcnt, 17);
  assert.equal(a.kernelOoms[0]?.memcgStats?.shmem, 528384 * 1024);
});

test('memory at its limit and memsw too: the memory limit decided, the usual advice', async () => {
  const a = await run('oomkilled-v1-memsw-shmem', (f) => {
    f.kernelLog = (f.kernelLog ?? '').replace(
      'memory: usage 614400kB, limit 1048576kB, failcnt 0',
      'memory: usage 1048576kB, limit 1048576kB, failcnt 189',
    );
  });
  const oom = verdict(a, 'OOMKilled');
  assert.doesNotMatch(oom.summary, /memsw/);
  assert.match(oom.nextSteps[0]!, /Raise the memory limit of container app/);
});

test('BestEffort OOMKilled without kernel or cgroup evidence: node-allocatable or the node, inferred', async () => {
  const a = await run('oomkilled-besteffort-no-evidence');
  const oom = verdict(a, 'OOMKilled');
  assert.equal(oom.level, 'node-allocatable');
  assert.equal(oom.inferred, true);
  assert.match(oom.summary, /or by the whole node running out \(inferred/);
  assert.match(text(oom), /Neither container nginx nor the pod has a memory limit/);
});

test('memory.oom.group: oom_kill 2 with oom_group_kill 1 is one group kill; the level from memory.events.local', async () => {
  const a = await run('v2-lab-group-kill-no-kernel-log');
  const oom = verdict(a, 'OOMKilled');
  assert.equal(oom.level, 'pod');
  assert.equal(oom.inferred, false);
  assert.equal(a.podLevel?.oomKills, 2);
  assert.equal(a.podLevel?.oomGroupKills, 1);
  assert.equal(a.podLevel?.localOoms, 1);
  const counted = oom.evidence.find((e) => /memory\.events\.local at the pod's cgroup/.test(e.text));
  assert.ok(counted, text(oom));
  assert.match(
    counted.source,
    /kubepods-burstable-pode09072ea_ab0f_42d7_bc74_115278dcf755\.slice\/memory\.events\.local oom$/,
  );
  assert.match(
    text(oom),
    /oom_group_kill 1 with oom_kill 2 .*one OOM that killed all the processes of a container together/s,
  );
  assert.doesNotMatch(text(oom), /2 OOM kill\(s\)/);
  // With the kernel log, the kernel's group kill line says it too.
  const logged = await run('v2-lab-pod-level-limit');
  assert.match(text(verdict(logged, 'OOMKilled')), /It was a group kill \(memory\.oom\.group\)/);
});

test("exit 137 with reason Error: the pod cgroup's memory.events oom_kill settles it as OOMKilled, not ExitWithoutOOM", async () => {
  const a = await run('v2-lab-exit137-lost-oom-event');
  const oom = verdict(a, 'OOMKilled');
  assert.equal(oom.level, 'pod');
  assert.match(text(oom), /reason Error, not OOMKilled/);
  assert.match(text(oom), /pod cgroup counted 2 OOM kill\(s\) .*the runtime lost the event/s);
  assert.ok(!a.verdicts.some((v) => v.kind === 'ExitWithoutOOM'));
  assert.equal(oom.nextSteps[0]?.includes('1.24Mi'), false, "the restarted container's peak is not the killed one's");
});

test('exit 137 with reason Error and no OOM anywhere on v2: ExitWithoutOOM, with the pod counter as evidence', async () => {
  const a = await run('v2-lab-exit137-lost-oom-event', (f) => {
    for (const [k, v] of Object.entries(f.cgroupFiles ?? {}))
      if (k.endsWith('memory.events'))
        (f.cgroupFiles as Record<string, string>)[k] = v
          .replace(/oom_kill \d+/, 'oom_kill 0')
          .replace(/oom_group_kill \d+/, 'oom_group_kill 0');
  });
  const exit = verdict(a, 'ExitWithoutOOM');
  assert.match(text(exit), /Nor did the pod cgroup/);
});

test('ephemeral containers are listed and never requested; a sidecar gets the oom_score_adj of the smallest regular container', async () => {
  const a = await run('ephemeral-and-sidecar-v2');
  const [sidecar, app, debug] = a.containers;
  assert.deepEqual(
    a.containers.map((c) => [c.name, c.kind]),
    [
      ['log-shipper', 'sidecar'],
      ['metrics-server', 'container'],
      ['debugger-x7k2q', 'ephemeral'],
    ],
  );
  assert.equal(
    a.requests.effectiveRequestBytes,
    264 * Mi,
    'sidecar 64Mi + app 200Mi; the ephemeral container requests nothing',
  );
  const capacity = a.node?.capacityBytes as number;
  assert.equal(app?.oomScoreAdj, 1000 - Math.floor((1000 * 200 * Mi) / capacity));
  assert.equal(sidecar?.oomScoreAdj, app?.oomScoreAdj, 'min(own 64Mi rating, smallest regular container)');
  assert.equal(debug?.oomScoreAdj, 999, 'Burstable with request 0');
  assert.ok(!a.verdicts.some((v) => v.kind === 'NoLimit' && v.container === 'debugger-x7k2q'));
});

test('oom_score_adj with pod-level requests: the unclaimed part is shared equally among the containers', () => {
  const p = pod({
    containers: [{ name: 'a', resources: { requests: { memory: '100Mi' } } }, { name: 'b' }],
    resources: { requests: { memory: '300Mi' } },
  });
  const specs = containerSpecs(p);
  const a = oomScoreRequests(p, specs, specs[0]!);
  const b = oomScoreRequests(p, specs, specs[1]!);
  assert.equal(a.requestBytes, 200 * Mi);
  assert.equal(b.requestBytes, 100 * Mi);
  assert.equal(oomScoreAdj('Burstable', a.requestBytes, 1000 * Mi), 800);
});

test('a broken memory.current is named with what it could not decide, and never reported as healthy', async () => {
  const a = await run('broken-usage-not-a-number');
  const file = a.facts.unreadable[0];
  assert.equal(a.facts.unreadable.length, 1);
  assert.match(file!.file, /^cgroup\/kubepods\.slice\/.*\/memory\.current$/);
  assert.equal(file!.problem, 'not a byte count: "abc"');
  const v = verdict(a, 'Unreadable');
  assert.equal(v.severity, 'warning');
  assert.match(text(v), /Not decided because of it: usage, the working set/);
  assert.equal(a.containers[0]?.usageBytes, null);
  const out = renderText(a, { color: false, width: 100 });
  assert.doesNotMatch(out, /Nothing wrong found/);
  assert.match(out.split('\n')[1]!, /could not be used \(memory\.current\)/);
});

test('a truncated memory.stat and an empty memory.events: working set unknown, not usage; both listed', async () => {
  const a = await run('broken-stat-truncated');
  const c = a.containers[0]!;
  assert.equal(c.usageBytes, 10498404352, 'memory.current was fine');
  assert.equal(c.workingSetBytes, null, 'without inactive_file the working set is unknown, not the usage');
  assert.deepEqual(
    a.facts.unreadable.map((u) => u.file.slice(u.file.lastIndexOf('/') + 1)),
    ['memory.stat', 'memory.events'],
  );
  assert.match(a.facts.unreadable[0]!.problem, /cut short/);
  assert.equal(a.facts.unreadable[1]!.problem, 'empty file');
  assert.equal(verdict(a, 'Unreadable').container, 'metrics-server');
});

test('files over the size cap and reader frames that failed their checksum land in facts.unreadable', async () => {
  const a = await run('cgroupv2-elastic-relocated', (f) => {
    const dir = Object.keys(f.cgroupFiles ?? {})
      .find((k) => k.endsWith('/memory.stat'))!
      .replace(/\/memory\.stat$/, '');
    f.missing[`cgroup/${dir}/memory.numa_stat`] = 'skipped: 2097152 bytes, larger than 1 MiB';
    f.missing['cgroup/other.slice/memory.stat'] = 'skipped: 2097152 bytes, larger than 1 MiB';
    f.unreadable = [{ file: 'cgroup/kubepods.slice/memory.stat', problem: 'frame checksum mismatch' }];
  });
  assert.deepEqual(
    a.facts.unreadable.map((u) => u.problem),
    ['skipped: 2097152 bytes, larger than 1 MiB', 'frame checksum mismatch'],
  );
  assert.ok(a.verdicts.some((v) => v.kind === 'Unreadable'));
});

test('the cAdvisor metric names beside the figures: v2 anon/file, v1 total_rss/total_cache', async () => {
  const v2 = (await run('cgroupv2-elastic-relocated')).containers[0]!;
  const byName = Object.fromEntries(v2.views.prometheus.map((p) => [p.metric, p]));
  assert.equal(byName.container_memory_working_set_bytes?.bytes, v2.workingSetBytes);
  assert.equal(byName.container_memory_usage_bytes?.bytes, 10498404352);
  assert.equal(byName.container_memory_rss?.computedAs, 'memory.stat anon');
  assert.equal(byName.container_memory_cache?.computedAs, 'memory.stat file');
  assert.equal(byName.container_memory_max_usage_bytes?.bytes, 18772946944, 'memory.peak');
  const v1 = analyse(await loadSnapshot('examples/oomkilled-container'), { now: NOW }).containers[0]!;
  const v1Names = Object.fromEntries(v1.views.prometheus.map((p) => [p.metric, p.computedAs]));
  assert.equal(v1Names.container_memory_rss, 'memory.stat total_rss');
  assert.equal(v1Names.container_memory_cache, 'memory.stat total_cache');
  assert.equal(v1.views.prometheus.find((p) => p.metric === 'container_memory_rss')?.bytes, v1.rssBytes);
});

test('a cgroup v1 node on kubelet ≥ 1.35 gets a note: failCgroupV1 was set to false', async () => {
  const facts = await loadSnapshot('examples/oomkilled-container');
  facts.node = { ...facts.node, status: { ...facts.node?.status, nodeInfo: { kubeletVersion: 'v1.35.2' } } };
  const a = analyse(facts, { now: NOW });
  assert.ok(
    a.notices.some((n) => /failCgroupV1/.test(n.message)),
    JSON.stringify(a.notices),
  );
  facts.node.status!.nodeInfo = { kubeletVersion: 'v1.34.1' };
  assert.ok(!analyse(facts, { now: NOW }).notices.some((n) => /failCgroupV1/.test(n.message)));
});

test('swap and Memory QoS are shown when read', async () => {
  const a = await run('cgroupv2-elastic-relocated');
  const c = a.containers[0]!;
  assert.equal(c.swapBytes, 17715200); // memory.swap.current
  assert.equal(c.memoryHighBytes, null); // memory.high "max"
  assert.equal(c.oomGroup, false);
  assert.equal(c.highEvents, 0);
  assert.match(renderText(a, { color: false, width: 100 }), /swap 16\.9Mi · memory\.oom\.group 0/);
});

test('swap in use where LimitedSwap would give none is pointed out', async () => {
  const guaranteed = await run('cgroupv2-elastic-relocated', (f) => {
    f.pod.status = { ...f.pod.status, qosClass: 'Guaranteed' };
  });
  assert.match(
    renderText(guaranteed, { color: false, width: 300 }),
    /swap in use although LimitedSwap gives none to this container/,
  );
  const burstable = await run('cgroupv2-elastic-relocated');
  assert.doesNotMatch(renderText(burstable, { color: false, width: 300 }), /LimitedSwap/);
});

test("a 137 is not blamed on the pod's OOM count when another container's reported OOM explains it", async () => {
  const a = await run('v2-lab-exit137-lost-oom-event', (f) => {
    f.pod.spec?.containers?.push({ name: 'other', resources: { limits: { memory: '50Mi' } } });
    f.pod.status?.containerStatuses?.push({
      name: 'other',
      restartCount: 1,
      state: { running: {} },
      lastState: { terminated: { reason: 'OOMKilled', exitCode: 137 } },
    });
  });
  assert.deepEqual(
    a.verdicts.filter((v) => v.kind === 'OOMKilled').map((v) => v.container),
    ['other'],
  );
  assert.equal(verdict(a, 'ExitWithoutOOM').container, 'app');
});

test('events are listed oldest first by the instant, whatever precision or offset their timestamps carry', async () => {
  const facts = await loadSnapshot('examples/oomkilled-container');
  const name = facts.pod.metadata?.name;
  const ns = facts.pod.metadata?.namespace;
  const ev = (reason: string, at: Record<string, string>) => ({
    involvedObject: { kind: 'Pod', name, namespace: ns },
    reason,
    ...at,
  });
  facts.events = [
    ev('second', { lastTimestamp: '2026-11-22T10:00:00Z' }),
    ev('micro', { eventTime: '2026-11-22T10:00:00.500000Z' }),
    ev('offset', { lastTimestamp: '2026-11-22T18:59:59+09:00' }),
    ev('none', {}),
  ];
  const a = analyse(facts, { now: NOW });
  // Text order would put 'micro' (".5Z") before 'second' ("Z") and 'offset' (18:59) last.
  assert.deepEqual(
    a.events.map((e) => e.reason),
    ['none', 'offset', 'second', 'micro'],
  );
});
