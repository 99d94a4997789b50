// Rules that turn the assembled figures into verdicts. Each rule is a small pure function that returns the
// verdicts it finds, each with the evidence (number + where it came from) and what to change.
import { killedProcess, logsStep, oomSummary as oomSentence, rssAboveLimit } from './oom-words.js';
import { classifyCgroupPath } from './cgroup.js';
import {
  describeExitCode,
  parseEvictionAnnotations,
  parseEvictionMessage,
  parseSchedulingMessage,
} from './messages.js';
import { formatBytes, formatPercent, formatQuantity } from './quantity.js';
import type {
  Analysis,
  ContainerAnalysis,
  ContainerState,
  Evidence,
  EvictionMessage,
  EvictionUsage,
  KEvent,
  KernelOomEvent,
  KPod,
  LevelSummary,
  OomLevel,
  Verdict,
} from './types.js';

export type Draft = Omit<Analysis, 'verdicts'>;

/** A verdict as a rule returns it: `inferred` defaults to false. */
type Found = Omit<Verdict, 'inferred'> & { inferred?: boolean };

export interface RuleInput {
  draft: Draft;
  pod: KPod;
  /** Every container ID this pod has had (current and last state), mapped to the container name. */
  containerIds: Map<string, string>;
  /** The raw events of the pod (their annotations carry the kubelet's eviction details). */
  events: KEvent[];
}

const MiB = 2 ** 20;

const ev = (text: string, source: string, value: number | null = null): Evidence => ({ text, source, value });

/** A quantity as the kubelet printed it, with the readable form when that differs (`225800Ki (221Mi)`). */
function both(bytes: number | null): string {
  const q = formatQuantity(bytes);
  const b = formatBytes(bytes);
  return q === b || q.replace(/^(\d+)/, '$1.0') === b ? q : `${q} (${b})`;
}

// ---------------------------------------------------------------------------------------------
// OOMKilled

/** Which limit an OOM kill's `oom_memcg` names, seen from this pod. */
export function levelOfMemcg(oomMemcg: string | null, global: boolean): OomLevel | null {
  if (global) return 'node';
  if (!oomMemcg) return null;
  const c = classifyCgroupPath(oomMemcg);
  switch (c.level) {
    case 'container':
      return 'container';
    case 'pod':
      return 'pod';
    case 'kubepods':
    case 'qos':
      return 'node-allocatable';
    case 'root':
      return 'node';
    default:
      return null;
  }
}

/** A kernel cgroup path said the way a person reads it: whose cgroup it is, with a shortened path. */
function describeMemcg(path: string, containerIds: Map<string, string>): string {
  const c = classifyCgroupPath(path);
  const short = path.replace(/[0-9a-f]{64}/g, (id) => `${id.slice(0, 12)}…`);
  switch (c.level) {
    case 'container': {
      const name = c.containerId ? containerIds.get(c.containerId) : undefined;
      return `${name ? `container ${name}'s` : 'a container'} cgroup (${short})`;
    }
    case 'pod':
      return `the pod's cgroup (${short})`;
    case 'kubepods':
      return `the node-allocatable cgroup (${short})`;
    case 'qos':
      return `the ${c.qos ?? 'QoS'} QoS cgroup (${short})`;
    default:
      return short;
  }
}

interface LevelCandidate {
  level: OomLevel;
  name: string;
  summary: {
    path: string;
    limitHits: number | null;
    oomKills: number | null;
    peakBytes: number | null;
    cgroupLimitBytes: number | null;
    usageBytes: number | null;
  };
  localOoms: number | null;
}

/**
 * On cgroup v1 the kernel counts `failcnt` at the level whose limit refused a charge, and `oom_kill` only in
 * the killed task's own cgroup. On v2 `memory.events.local` `oom` counts at the level whose limit ran out.
 * The innermost level with a limit that was hit and whose peak reached that limit is the one that fired.
 */
function counterLevel(candidates: LevelCandidate[]): LevelCandidate | null {
  for (const c of candidates) {
    if (c.localOoms !== null) {
      if (c.localOoms > 0) return c;
      continue;
    }
    const s = c.summary;
    if (s.cgroupLimitBytes === null || !s.limitHits) continue;
    const peak = s.peakBytes ?? s.usageBytes;
    if (peak !== null && peak >= s.cgroupLimitBytes * 0.98) return c;
  }
  return null;
}

/**
 * The memory the killed instance reached. After a restart the container's own cgroup is a new one, so its
 * peak says nothing about the kill: only the kernel's line (usage of the OOM cgroup) does.
 */
function peakAtKill(c: ContainerAnalysis, kernel: KernelOomEvent | undefined): number | null {
  if (kernel?.memcgUsageBytes != null) return kernel.memcgUsageBytes;
  const restarted = (c.restartCount ?? 0) > 0 && c.lastState?.state === 'terminated';
  return restarted ? null : c.peakBytes;
}

function oomNextSteps(level: OomLevel | null, c: ContainerAnalysis, draft: Draft, peak: number | null): string[] {
  switch (level) {
    case 'container':
    case 'pod': {
      const raise =
        c.limitSource === 'pod-level'
          ? `Raise the pod-level memory limit (spec.resources.limits.memory, which bounds container ${c.name}) above its real peak`
          : `Raise the memory limit of container ${c.name} above its real peak`;
      return [
        `${raise}${peak !== null ? ` (it reached ${formatBytes(peak)} when killed)` : ''}, or reduce what it holds (heap size, caches, tmpfs).`,
        `Set the request near the steady working set so the scheduler reserves it, and keep limit − request as headroom for spikes.`,
        logsStep(
          draft.pod.name ?? '<pod>',
          c.name,
          c.lastState?.state === 'terminated' || c.state.state === 'terminated',
        ),
      ];
    }
    case 'node-allocatable':
      return [
        `The pods on node ${draft.pod.node ?? '?'} together filled the node-allocatable cgroup (kubepods); this container was chosen because of its oom_score_adj (${c.oomScoreAdj ?? '?'}).`,
        c.limitBytes === null
          ? `Give container ${c.name} a memory limit so it is stopped by its own limit instead of taking the node's pods down with it.`
          : `Lower the memory use of the pods on this node, or spread them over more nodes.`,
        `Set requests to real usage so the scheduler does not overcommit the node.`,
      ];
    case 'node':
      return [
        `The whole node ran out of memory (global OOM) before the kubelet evicted anything: check system daemons and kube-reserved/system-reserved settings.`,
        `Give containers memory limits and realistic requests so the node is not overcommitted.`,
      ];
    default:
      return [
        `Read the node's kernel log (dmesg) around ${c.lastState?.finishedAt ?? 'the time of the kill'} to see which limit fired (oom_memcg=…).`,
      ];
  }
}

/** The v1 memory+swap counter was at its limit while memory alone was not: memsw decided the kill. */
function memswDecided(k: KernelOomEvent | undefined): boolean {
  const m = k?.memsw;
  if (!k || !m || !m.failcnt || m.usageBytes === null || m.limitBytes === null || m.usageBytes < m.limitBytes * 0.98)
    return false;
  const memoryAtLimit =
    k.memcgUsageBytes !== null && k.memcgLimitBytes !== null && k.memcgUsageBytes >= k.memcgLimitBytes * 0.98;
  return k.memcgFailcnt === 0 || !memoryAtLimit;
}

function memswEvidence(k: KernelOomEvent): Evidence[] {
  const m = k.memsw as NonNullable<KernelOomEvent['memsw']>;
  const src = `kernel.log${k.time ? ` ${k.time}` : ''}`;
  const out = [
    ev(
      `Kernel: memory+swap (memsw) usage ${formatBytes(m.usageBytes)} of limit ${formatBytes(m.limitBytes)}, failcnt ${m.failcnt}, while memory: usage ${formatBytes(k.memcgUsageBytes)} of limit ${formatBytes(k.memcgLimitBytes)}, failcnt ${k.memcgFailcnt ?? '?'}: the memory+swap limit decided, not the memory limit.`,
      `${src} memory+swap:`,
      m.usageBytes,
    ),
  ];
  const stats = k.memcgStats;
  const usage = k.memcgUsageBytes;
  if (stats && usage) {
    const parts = (['shmem', 'swap', 'rss', 'cache'] as const)
      .filter((key) => typeof stats[key] === 'number')
      .map(
        (key) =>
          `${key} ${formatBytes(stats[key] as number)}${key === 'swap' ? '' : ` (${formatPercent((stats[key] as number) / usage)} of memory usage)`}`,
      );
    if (parts.length)
      out.push(
        ev(
          `The kernel's stats of the OOM cgroup: ${parts.join(', ')}.`,
          `${src} Memory cgroup stats`,
          stats.shmem ?? stats.swap ?? null,
        ),
      );
  }
  return out;
}

function memswNextSteps(k: KernelOomEvent, c: ContainerAnalysis): string[] {
  const shmem = k.memcgStats?.shmem ?? null;
  return [
    `Raising the memory limit alone will not help: memory.memsw.limit_in_bytes caps memory and swap together, and it was full while memory was below its own limit.`,
    shmem !== null && shmem > 0
      ? `Free what sits in tmpfs / emptyDir{medium: Memory} (shmem ${formatBytes(shmem)}): it can only be swapped, and swapped pages still count against memory+swap.`
      : `Find what was swapped out: pages in swap still count against memory+swap.`,
    `Raise both limits together (on a kubelet node both come from container ${c.name}'s resources.limits.memory), or run the container without swap.`,
  ];
}

interface OomCase {
  c: ContainerAnalysis;
  /** The terminated state the runtime reported as OOMKilled. */
  last: ContainerState | null;
  /** Exit 137 without reason OOMKilled while the pod cgroup (v2) counted OOM kills: the runtime lost the event. */
  lost: ContainerState | null;
  kernel: KernelOomEvent[];
}

function kernelOomsByContainer(draft: Draft, containerIds: Map<string, string>): Map<string, KernelOomEvent[]> {
  const byContainer = new Map<string, KernelOomEvent[]>();
  for (const e of draft.kernelOoms) {
    const id = e.taskMemcg ? classifyCgroupPath(e.taskMemcg).containerId : null;
    const key = (id ? containerIds.get(id) : undefined) ?? '';
    byContainer.set(key, [...(byContainer.get(key) ?? []), e]);
  }
  return byContainer;
}

const reportedOom = (c: ContainerAnalysis) => c.state.reason === 'OOMKilled' || c.lastState?.reason === 'OOMKilled';

/**
 * A 137 the runtime did not call OOMKilled, settled by the pod cgroup's memory.events oom_kill (v2, survives
 * restarts). Not when another container's reported OOM explains the pod's count, nor when the container's own
 * cgroup is the instance that exited and counted no kill.
 */
function lostOomState(c: ContainerAnalysis, draft: Draft): ContainerState | null {
  if (draft.cgroup?.version !== 'v2' || !draft.podLevel?.oomKills) return null;
  if (draft.containers.some((x) => x !== c && reportedOom(x))) return null;
  for (const s of [c.state, c.lastState]) {
    if (
      s?.state !== 'terminated' ||
      s.exitCode !== 137 ||
      s.reason === 'OOMKilled' ||
      s.reason === 'ContainerStatusUnknown'
    )
      continue;
    const ownCgroupSaysNo = s === c.state && c.oomKills === 0;
    return ownCgroupSaysNo ? null : s;
  }
  return null;
}

function oomCases(input: RuleInput): OomCase[] {
  const byContainer = kernelOomsByContainer(input.draft, input.containerIds);
  const out: OomCase[] = [];
  for (const c of input.draft.containers) {
    const last = c.lastState?.reason === 'OOMKilled' ? c.lastState : c.state.reason === 'OOMKilled' ? c.state : null;
    const kernel = byContainer.get(c.name) ?? [];
    const lost = last || kernel.length ? null : lostOomState(c, input.draft);
    if (last || lost || kernel.length > 0 || (c.oomKills ?? 0) > 0) out.push({ c, last, lost, kernel });
  }
  return out;
}

/** What the runtime and the container's own counters say about the kill. */
function runtimeEvidence(k: OomCase, draft: Draft): Evidence[] {
  const { c, last, lost } = k;
  const out: Evidence[] = [];
  if (last) {
    const where = last === c.state ? 'state' : 'lastState';
    out.push(
      ev(
        `The runtime reported reason OOMKilled with exit code ${last.exitCode ?? '?'} (${describeExitCode(last.exitCode)})${last.finishedAt ? ` at ${last.finishedAt}` : ''}.`,
        `pod.status.containerStatuses[${c.name}].${where}.terminated`,
        last.exitCode,
      ),
    );
    if (last.exitCode !== null && last.exitCode !== 137) {
      out.push(
        ev(
          `Exit code ${last.exitCode}, not 137: the kernel killed a child process and the container's main process exited on its own; the runtime still reports OOMKilled because the cgroup recorded an OOM kill.`,
          `pod.status.containerStatuses[${c.name}].${where}.terminated.exitCode`,
          last.exitCode,
        ),
      );
    }
  }
  if (lost) {
    const where = lost === c.state ? 'state' : 'lastState';
    out.push(
      ev(
        `The runtime reported exit code 137 with reason ${lost.reason ?? 'none'}, not OOMKilled${lost.finishedAt ? `, at ${lost.finishedAt}` : ''}.`,
        `pod.status.containerStatuses[${c.name}].${where}.terminated`,
        137,
      ),
    );
    out.push(
      ev(
        `But the pod cgroup counted ${draft.podLevel?.oomKills} OOM kill(s) (memory.events oom_kill, which keeps the kills of earlier container instances): the kernel did OOM-kill, and the runtime lost the event (containerd#8893).`,
        draft.podLevel?.sources.oomKills ?? 'pod cgroup memory.events',
        draft.podLevel?.oomKills ?? null,
      ),
    );
  }
  const kills = c.oomKills ?? 0;
  const groups = c.oomGroupKills ?? 0;
  if (groups > 0) {
    out.push(
      ev(
        `The container's cgroup counted oom_group_kill ${groups} with oom_kill ${kills}: ${groups === 1 ? 'one OOM that killed' : `${groups} OOMs that each killed`} every process of the container together (memory.oom.group ${c.oomGroup === false ? 'now 0' : '1'}); oom_kill counts the processes killed, not separate OOMs.`,
        c.sources.oomGroupKills ?? 'memory.events oom_group_kill',
        groups,
      ),
    );
  } else if (kills > 0) {
    out.push(
      ev(
        `The container's cgroup counted ${kills} OOM kill(s)${c.oomGroup ? ' (processes killed; memory.oom.group is 1, so one OOM kills them all)' : ''}.`,
        c.sources.oomKills ?? 'cgroup',
        kills,
      ),
    );
  }
  const pod = draft.podLevel;
  if (groups === 0 && pod?.oomGroupKills) {
    out.push(
      ev(
        `The pod cgroup counted oom_group_kill ${pod.oomGroupKills} with oom_kill ${pod.oomKills ?? '?'} (memory.events keeps the kills of earlier container instances): ${pod.oomGroupKills === 1 ? 'one OOM that killed' : `${pod.oomGroupKills} OOMs that each killed`} all the processes of a container together (memory.oom.group), not ${pod.oomKills ?? '?'} separate kills.`,
        pod.sources.oomGroupKills ?? 'pod cgroup memory.events oom_group_kill',
        pod.oomGroupKills,
      ),
    );
  }
  return out;
}

function kernelEvidence(k: KernelOomEvent, containerIds: Map<string, string>): Evidence[] {
  const src = `kernel.log${k.time ? ` ${k.time}` : ''}`;
  const out = [
    ev(
      `Kernel: ${k.global ? 'global OOM (the whole node)' : `the limit of ${k.oomMemcg ? describeMemcg(k.oomMemcg, containerIds) : '?'} was reached`}${k.memcgLimitBytes !== null ? ` (usage ${formatBytes(k.memcgUsageBytes)} of limit ${formatBytes(k.memcgLimitBytes)})` : ''}; it killed ${killedProcess(k)}, anon-rss ${formatBytes(k.anonRssBytes)}${k.oomScoreAdj !== null ? `, oom_score_adj ${k.oomScoreAdj}` : ''}).${rssAboveLimit(k)}`,
      src,
      k.memcgLimitBytes,
    ),
  ];
  if (k.groupKill) {
    out.push(
      ev(
        `It was a group kill (memory.oom.group): the kernel killed every process of ${describeMemcg(k.groupKill.memcg, containerIds)} together, ${k.groupKill.processes.length} "Killed process" line(s) after the victim's, one OOM.`,
        `${src} Tasks in … are going to be killed due to memory.oom.group set`,
        k.groupKill.processes.length,
      ),
    );
  }
  return out;
}

/** The cgroup counters that name the level: v2 memory.events.local oom at the level whose limit ran out, v1 failcnt. */
function counterEvidence(c: ContainerAnalysis, draft: Draft): { level: OomLevel; evidence: Evidence } | null {
  const candidates: LevelCandidate[] = [];
  const push = (lvl: OomLevel, name: string, s: LevelSummary | ContainerAnalysis | null, localOoms: number | null) => {
    if (s)
      candidates.push({
        level: lvl,
        name,
        summary: {
          path: 'path' in s ? s.path : (s.cgroupPath ?? ''),
          limitHits: s.limitHits,
          oomKills: s.oomKills,
          peakBytes: s.peakBytes,
          cgroupLimitBytes: s.cgroupLimitBytes,
          usageBytes: s.usageBytes,
        },
        localOoms,
      });
  };
  push('container', `container ${c.name}'s`, c.cgroupPath ? c : null, c.localOoms);
  push('pod', "pod's", draft.podLevel, draft.podLevel?.localOoms ?? null);
  push(
    'node-allocatable',
    'node-allocatable (kubepods)',
    draft.node?.kubepods ?? null,
    draft.node?.kubepods?.localOoms ?? null,
  );
  const hit = counterLevel(candidates);
  if (!hit) return null;
  const s = hit.summary;
  const text =
    hit.localOoms !== null
      ? `memory.events.local at the ${hit.name} cgroup (${s.path}) counts oom ${hit.localOoms}: that level's own limit of ${formatBytes(s.cgroupLimitBytes)} ran out (oom and max are local to the level that hit its limit; oom_kill is local to the killed process's cgroup).`
      : `The ${hit.name} cgroup hit its limit of ${formatBytes(s.cgroupLimitBytes)} ${s.limitHits} time(s) (memory.failcnt) and peaked at ${formatBytes(s.peakBytes)}.`;
  return {
    level: hit.level,
    evidence: ev(
      text,
      hit.localOoms !== null ? `${s.path}/memory.events.local oom` : `${s.path}/memory.failcnt`,
      hit.localOoms ?? s.cgroupLimitBytes,
    ),
  };
}

/** With only the runtime's word: the container's own limit when it has one, else kubepods or the node. */
function inferredLevel(c: ContainerAnalysis, draft: Draft): { level: OomLevel; evidence: Evidence } {
  if (c.limitBytes !== null) {
    const why =
      c.cgroupPath && (c.restartCount ?? 0) > 0
        ? 'no kernel log, and the cgroup counters start afresh with the restarted container'
        : 'no kernel log and no cgroup counter shows which limit fired';
    return {
      level: 'container',
      evidence: ev(
        `There is ${why}; the container has a limit of ${formatBytes(c.limitBytes)}, so its own limit is the likeliest cause.`,
        c.sources.limitBytes ?? `pod.spec.containers[${c.name}].resources.limits.memory`,
        c.limitBytes,
      ),
    };
  }
  const podLimit = draft.requests.effectiveLimitBytes;
  if (podLimit !== null) {
    return {
      level: 'pod',
      evidence: ev(
        `Container ${c.name} has no limit of its own, and without the kernel log or counters the pod's limit of ${formatBytes(podLimit)} is the likeliest cause.`,
        'pod.spec.containers[].resources.limits',
        podLimit,
      ),
    };
  }
  return {
    level: 'node-allocatable',
    evidence: ev(
      `Neither container ${c.name} nor the pod has a memory limit, so only the node-allocatable cgroup (kubepods${draft.node?.kubepods?.cgroupLimitBytes ? ` = ${formatBytes(draft.node.kubepods.cgroupLimitBytes)}` : ''}) or the whole node can have run out; without the kernel log or the kubepods counters it cannot be told which.`,
      `pod.spec.containers[${c.name}].resources`,
      null,
    ),
  };
}

function oomSummary(
  c: ContainerAnalysis,
  draft: Draft,
  level: OomLevel | null,
  inferred: boolean,
  memsw: KernelOomEvent | null,
  ended: boolean,
): string {
  const own =
    c.limitSource === 'pod-level'
      ? ' (the pod-level limit)'
      : c.limitSource === 'resized'
        ? ' (after an in-place resize)'
        : '';
  const levelText: Record<OomLevel, string> = {
    container: memsw
      ? `its memory+swap limit of ${formatBytes(memsw.memsw?.limitBytes ?? null)} (memsw), not its memory limit`
      : `its own memory limit${c.limitBytes !== null ? ` of ${formatBytes(c.limitBytes)}${own}` : ''}`,
    pod: memsw
      ? `the pod's memory+swap limit of ${formatBytes(memsw.memsw?.limitBytes ?? null)} (memsw)`
      : `the pod's memory limit${draft.requests.effectiveLimitBytes !== null ? ` of ${formatBytes(draft.requests.effectiveLimitBytes)}` : ''}`,
    'node-allocatable': `the node-allocatable limit (kubepods${draft.node?.kubepods?.cgroupLimitBytes ? ` = ${formatBytes(draft.node.kubepods.cgroupLimitBytes)}` : ''}): all pods on the node together ran out`,
    node: 'the whole node running out of memory (global OOM)',
  };
  if (!level) return oomSentence(c.name, null, ended);
  const tail =
    inferred && level === 'node-allocatable' && c.limitBytes === null
      ? ', or by the whole node running out (inferred: no limit of its own or of the pod)'
      : inferred
        ? ' (inferred)'
        : '';
  return oomSentence(c.name, `${levelText[level]}${tail}`, ended);
}

function oomVerdict(k: OomCase, input: RuleInput): Found {
  const { draft, containerIds } = input;
  const { c } = k;
  const evidence = runtimeEvidence(k, draft);
  // Level: the kernel log is the strongest evidence, then the cgroup counters, then the spec.
  let level: OomLevel | null = null;
  let inferred = false;
  const last = k.kernel[k.kernel.length - 1];
  if (last) {
    level = levelOfMemcg(last.oomMemcg, last.global);
    evidence.push(...kernelEvidence(last, containerIds));
  }
  const memsw = memswDecided(last) ? (last as KernelOomEvent) : null;
  if (memsw) evidence.push(...memswEvidence(memsw));
  if (level === null) {
    const counted = counterEvidence(c, draft);
    if (counted) {
      level = counted.level;
      evidence.push(counted.evidence);
    }
  }
  if (level === null && (k.last || k.lost)) {
    const guess = inferredLevel(c, draft);
    level = guess.level;
    inferred = true;
    evidence.push(guess.evidence);
  }
  if (level === 'pod' && c.limitBytes !== null && draft.requests.effectiveLimitBytes !== null) {
    evidence.push(
      ev(
        `The pod cgroup limit is ${formatBytes(draft.requests.effectiveLimitBytes)} (${c.limitSource === 'pod-level' ? 'the pod-level limit' : "the sum of the containers' limits"}); with one container it is the container's limit in effect, and the pod level is reached first because the pause container counts too.`,
        'pod.spec.containers[].resources.limits',
        draft.requests.effectiveLimitBytes,
      ),
    );
  }
  const nextSteps = memsw ? memswNextSteps(memsw, c) : oomNextSteps(level, c, draft, peakAtKill(c, last));
  return {
    kind: 'OOMKilled',
    level,
    severity: 'critical',
    container: c.name,
    inferred,
    summary: oomSummary(c, draft, level, inferred, memsw, k.last !== null || k.lost !== null),
    evidence,
    nextSteps,
  };
}

function oomVerdicts(input: RuleInput): Found[] {
  return oomCases(input).map((k) => oomVerdict(k, input));
}

/** Exit 137 (SIGKILL) that no OOM evidence backs: probes, kubelet kills, preemption, a human. */
function exitWithoutOom(input: RuleInput, oomed: Set<string>): Found[] {
  const out: Found[] = [];
  // An evicted pod's containers are killed by the kubelet: the Evicted verdict explains their 137.
  if (input.pod.status?.reason === 'Evicted') return out;
  for (const c of input.draft.containers) {
    if (oomed.has(c.name)) continue;
    for (const [where, s] of [
      ['state', c.state],
      ['lastState', c.lastState],
    ] as const) {
      // ContainerStatusUnknown: the kubelet writes 137 as a placeholder when the container is gone.
      if (!s || s.state !== 'terminated' || s.exitCode !== 137 || s.reason === 'ContainerStatusUnknown') continue;
      const evidence = [
        ev(
          `Exit code 137 (${describeExitCode(137)}) with reason ${s.reason ?? 'none'}.`,
          `pod.status.containerStatuses[${c.name}].${where}.terminated`,
          137,
        ),
      ];
      if (c.oomKills === 0)
        evidence.push(ev(`The container's cgroup counted no OOM kill.`, c.sources.oomKills ?? 'cgroup', 0));
      if (input.draft.cgroup?.version === 'v2' && input.draft.podLevel?.oomKills === 0) {
        evidence.push(
          ev(
            `Nor did the pod cgroup, whose memory.events oom_kill keeps the kills of earlier container instances: this was not an OOM kill.`,
            input.draft.podLevel.sources.oomKills ?? 'pod cgroup memory.events',
            0,
          ),
        );
      }
      out.push({
        kind: 'ExitWithoutOOM',
        level: null,
        severity: 'warning',
        container: c.name,
        summary: `Container ${c.name} exited with 137 (SIGKILL) but nothing shows an OOM kill: something else killed it.`,
        evidence,
        nextSteps: [
          'Check liveness probe failures and kubelet kills in the pod events (kubectl describe pod).',
          'A node-level OOM on an old docker node also shows as reason Error with 137: read the node kernel log (dmesg) if in doubt.',
        ],
      });
      break;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Evicted

function evictedVerdict(input: RuleInput): Found[] {
  const { draft, pod } = input;
  if (pod.status?.reason !== 'Evicted') return [];
  const message = pod.status?.message ?? '';
  const parsed = parseEvictionMessage(message);
  const evidence: Evidence[] = [
    ev(`Pod status: phase ${pod.status?.phase ?? '?'}, reason Evicted: "${message.trim()}"`, 'pod.status.message'),
  ];
  const nodeName = draft.pod.node ? `node ${draft.pod.node}` : 'its node';
  const refused = parsed?.format === 'node-condition';
  const summary = refused
    ? `The kubelet refused to start the pod: ${nodeName} was already under MemoryPressure.`
    : `The kubelet evicted the pod because ${nodeName} ran low on memory.`;
  const steps: string[] = refused
    ? [
        'The pod was never running on that node; it needs a node without memory pressure. Look at what fills the node (kubectl top pods on that node).',
      ]
    : [];
  if (parsed && parsed.thresholdBytes !== null && parsed.availableBytes !== null) {
    evidence.push(
      ev(
        `memory.available was ${both(parsed.availableBytes)}, below the eviction threshold of ${both(parsed.thresholdBytes)}: memory.available = node capacity − node working set.`,
        'pod.status.message',
        parsed.availableBytes,
      ),
    );
  }
  const offenders = evictionOffenders(input, parsed);
  evidence.push(...offenders.evidence);
  const usage = offenderUsage(offenders.containers);
  evidence.push(...usage.evidence);
  const ranking = usage.overRequest;
  if (ranking.length) {
    evidence.push(rankingEvidence(ranking, draft.pod.priority ?? 0));
    const targets = ranking.map((r) => `${r.name} ≥ ${formatBytes(r.usageBytes)}`).join(', ');
    steps.push(
      `Set memory requests to at least the working set seen at eviction (${targets}), so the pod is not first in line and the scheduler reserves that memory.`,
    );
  }
  steps.push(
    'Leave headroom on the node: the sum of working sets must stay below capacity minus the eviction threshold; check kube-reserved/system-reserved and eviction-hard.',
  );
  if (draft.pod.qosClass === 'BestEffort')
    steps.push('BestEffort pods (no request) always count as exceeding their request: give the pod requests.');
  return [
    {
      kind: 'Evicted',
      level: null,
      severity: 'critical',
      container: offenders.containers[0]?.name ?? null,
      summary,
      evidence,
      nextSteps: steps,
    },
  ];
}

/**
 * The containers the kubelet names as offending: from the eviction message, else from the Evicted event's
 * annotations (which name them even when the message is the bare "The node was low on resource: memory." of
 * older kubelets; their requests then come from the spec), with the evidence for the latter.
 */
function evictionOffenders(
  input: RuleInput,
  parsed: EvictionMessage | null,
): { containers: EvictionUsage[]; evidence: Evidence[] } {
  if (parsed?.containers.length) return { containers: parsed.containers, evidence: [] };
  const annotated = input.events
    .filter((e) => e.reason === 'Evicted' && e.metadata?.annotations)
    .map((e) => parseEvictionAnnotations(e.metadata?.annotations ?? {}))
    .find((a) => a && a.containers.length > 0);
  if (!annotated) return { containers: [], evidence: [] };
  const containers = annotated.containers.map((c) => ({
    ...c,
    requestBytes: input.draft.containers.find((x) => x.name === c.name)?.requestBytes ?? 0,
  }));
  const named = ev(
    `The kubelet's Evicted event names ${annotated.containers.map((c) => c.name).join(', ')} as offending (starved resource: ${annotated.resource ?? '?'}).`,
    'events.json Evicted annotations offending_containers',
  );
  return { containers, evidence: [named] };
}

/** Each offender's usage against its request, and those whose usage exceeded it. */
function offenderUsage(offenders: EvictionUsage[]): { evidence: Evidence[]; overRequest: EvictionUsage[] } {
  const evidence: Evidence[] = [];
  const overRequest: EvictionUsage[] = [];
  for (const pc of offenders) {
    const over = pc.usageBytes !== null && pc.requestBytes !== null ? pc.usageBytes - pc.requestBytes : null;
    evidence.push(
      ev(
        `Container ${pc.name} was using ${formatBytes(pc.usageBytes)} (working set) against a request of ${pc.requestBytes === 0 ? '0 (none)' : formatBytes(pc.requestBytes)}${over !== null && over > 0 ? `: ${formatBytes(over)} over its request` : ''}.`,
        'pod.status.message',
        pc.usageBytes,
      ),
    );
    if (over !== null && over > 0) overRequest.push(pc);
  }
  return { evidence, overRequest };
}

/** How the kubelet ranks pods for eviction, and that these containers put this pod first. */
function rankingEvidence(ranked: EvictionUsage[], priority: number): Evidence {
  const names = ranked.map((r) => r.name).join(', ');
  return ev(
    `The kubelet evicts pods whose working set exceeds their request first, then by lower priority (this pod: ${priority}), then by how far usage exceeds the request; ${names} exceeded ${ranked.length > 1 ? 'their requests' : 'its request'}.`,
    'kubelet eviction ranking (rankMemoryPressure)',
  );
}

// ---------------------------------------------------------------------------------------------
// Pending

function pendingVerdict(input: RuleInput): Found[] {
  const { draft, pod } = input;
  if (pod.status?.phase !== 'Pending' || pod.spec?.nodeName) return [];
  const cond = pod.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False');
  const parsed = cond?.message ? parseSchedulingMessage(cond.message) : null;
  const memoryShort = parsed?.insufficientMemory ?? null;
  if (!cond && draft.nodeFits.length === 0) return [];
  if (parsed && memoryShort === null && !draft.nodeFits.some((f) => f.fits === false)) {
    return [
      {
        kind: 'Pending',
        level: null,
        severity: 'warning',
        container: null,
        summary: 'The pod is Pending, but not for lack of memory.',
        evidence: [ev(cond?.message ?? '', 'pod.status.conditions[PodScheduled].message')],
        nextSteps: ['Read the scheduler message: taints, affinity or other resources keep the pod from a node.'],
      },
    ];
  }
  const req = draft.requests.effectiveRequestBytes;
  const evidence: Evidence[] = [];
  if (cond?.message)
    evidence.push(ev(`Scheduler: "${cond.message}"`, 'pod.status.conditions[PodScheduled].message', memoryShort));
  const parts = [`containers ${formatBytes(draft.requests.containersRequestBytes)}`];
  if (draft.requests.maxInitRequestBytes !== null)
    parts.push(`largest init container ${formatBytes(draft.requests.maxInitRequestBytes)}`);
  if (draft.requests.overheadBytes !== null) parts.push(`overhead ${formatBytes(draft.requests.overheadBytes)}`);
  evidence.push(
    ev(
      `The pod requests ${formatBytes(req)} of memory (${parts.join(', ')}); the scheduler counts requests, never real usage.`,
      'pod.spec.containers[].resources.requests',
      req,
    ),
  );
  const known = draft.nodeFits.filter((f) => f.marginBytes !== null);
  const best = known.sort((a, b) => (b.marginBytes as number) - (a.marginBytes as number))[0];
  if (best) {
    evidence.push(
      ev(
        `Closest node: ${best.node} has ${formatBytes(best.allocatableBytes)} allocatable, ${formatBytes(best.requestedBytes)} already requested, ${formatBytes(best.freeBytes)} free: ${best.fits ? 'it fits by' : 'short by'} ${formatBytes(Math.abs(best.marginBytes as number))}.`,
        'nodes.json status.allocatable − node-pods.json requests',
        best.marginBytes,
      ),
    );
  }
  const steps = [
    best && best.marginBytes !== null && best.marginBytes < 0 && req !== null
      ? `Lower the pod's memory request by at least ${formatBytes(-best.marginBytes)} (to ${formatBytes(req + best.marginBytes)} or less) if its real working set allows, or`
      : 'Lower the memory request if the real working set allows, or',
    'add a node (or a bigger node pool) with enough allocatable memory; the cluster autoscaler needs a node group whose allocatable exceeds the request.',
    'Look for pods that request far more than they use on the candidate nodes (requests reserve memory even when idle).',
  ];
  return [
    {
      kind: 'Pending',
      level: null,
      severity: 'critical',
      container: null,
      summary: `The pod cannot be scheduled: no node has ${formatBytes(req)} of unrequested allocatable memory${memoryShort !== null ? ` (${memoryShort} node(s) reported Insufficient memory)` : ''}.`,
      evidence,
      nextSteps: steps,
    },
  ];
}

// ---------------------------------------------------------------------------------------------
// Usage shape: near limit, page cache, tmpfs, kernel memory, no limit, pressure

/** tmpfs / shared memory that cannot be reclaimed without swap. */
function shmemHeavy(c: ContainerAnalysis): Found | null {
  const ws = c.workingSetBytes;
  const b = c.breakdown;
  if (ws !== null && b.shmemBytes !== null && b.shmemBytes >= 16 * MiB && b.shmemBytes >= 0.25 * ws) {
    return {
      kind: 'ShmemHeavy',
      level: null,
      severity: 'warning',
      container: c.name,
      summary: `Container ${c.name} holds ${formatBytes(b.shmemBytes)} in tmpfs/shared memory, ${formatPercent(b.shmemBytes / ws)} of its working set; without swap it cannot be reclaimed.`,
      evidence: [
        ev(
          `shmem ${formatBytes(b.shmemBytes)}: files in tmpfs, memory-medium emptyDir or /dev/shm; they sit on the anon LRU, so the working set keeps them.`,
          c.sources.shmemBytes ?? 'memory.stat',
          b.shmemBytes,
        ),
      ],
      nextSteps: [
        'Delete files from tmpfs / emptyDir{medium: Memory} when done, or set a sizeLimit on the emptyDir.',
        'Move large scratch data to a disk-backed emptyDir; it counts against the memory limit otherwise.',
      ],
    };
  }
  return null;
}

/** Kernel memory (slab, sockets, page tables) that is a large share of usage. */
function kernelHeavy(c: ContainerAnalysis): Found | null {
  const b = c.breakdown;
  if (
    c.usageBytes !== null &&
    b.kernelBytes !== null &&
    b.kernelBytes >= 32 * MiB &&
    b.kernelBytes >= 0.25 * c.usageBytes
  ) {
    const parts = Object.entries(b.kernelParts)
      .sort((x, y) => y[1] - x[1])
      .slice(0, 3)
      .map(([n, v]) => `${n} ${formatBytes(v)}`)
      .join(', ');
    return {
      kind: 'KernelHeavy',
      level: null,
      severity: 'warning',
      container: c.name,
      summary: `Kernel memory charged to container ${c.name} is ${formatBytes(b.kernelBytes)}, ${formatPercent(b.kernelBytes / c.usageBytes)} of its usage.`,
      evidence: [
        ev(
          `Kernel memory ${formatBytes(b.kernelBytes)}${parts ? ` (${parts})` : ''}.`,
          c.sources.kernelBytes ?? 'memory.stat',
          b.kernelBytes,
        ),
      ],
      nextSteps: [
        'Large slab usually means many files/dentries or inodes; large sock means socket buffers; large pagetables means a huge address space.',
        'Kernel memory counts against the limit like any other: include it when sizing.',
      ],
    };
  }
  return null;
}

/** No limit in force: neither its own nor a pod-level one. */
function noLimit(c: ContainerAnalysis): Found | null {
  // Ephemeral containers cannot have resources: a NoLimit advice would not be actionable.
  if (c.kind !== 'init' && c.kind !== 'ephemeral' && c.limitBytes === null) {
    return {
      kind: 'NoLimit',
      level: null,
      severity: 'info',
      container: c.name,
      summary: `Container ${c.name} has no memory limit: it can grow until the node-allocatable cgroup is full, and then the kernel picks its victim by oom_score_adj${c.oomScoreAdj !== null ? ` (this container: ${c.oomScoreAdj})` : ''}.`,
      evidence: [ev('No resources.limits.memory in the spec.', `pod.spec.containers[${c.name}].resources`)],
      nextSteps: [
        c.requestBytes === null
          ? 'Set a memory request (and a limit): without a request the pod is the first evicted under node pressure.'
          : 'Set a memory limit so a leak stops at this container instead of at the node.',
      ],
    };
  }
  return null;
}

function usageVerdicts(input: RuleInput): Found[] {
  const out: Found[] = [];
  const pressure = input.draft.node?.memoryPressure === true;
  const add = (v: Found | null): void => {
    if (v) out.push(v);
  };
  for (const c of input.draft.containers) {
    if (c.state.state !== 'running') continue;
    add(nearLimit(c));
    add(cacheDriven(c));
    // Active page cache explains a working set above the request: CacheDriven says so, AboveRequest would repeat it.
    if (!out.some((v) => v.kind === 'CacheDriven' && v.container === c.name)) add(aboveRequest(c, pressure));
    for (const rule of [shmemHeavy, kernelHeavy, noLimit]) add(rule(c));
  }
  return out;
}

/** The working set is at 90% or more of the limit in force. */
function nearLimit(c: ContainerAnalysis): Found | null {
  const ws = c.workingSetBytes;
  const b = c.breakdown;
  const limit = c.limitBytes ?? c.cgroupLimitBytes;
  if (!(ws !== null && limit !== null && limit > 0 && ws / limit >= 0.9)) return null;
  return {
    kind: 'NearLimit',
    level: null,
    severity: 'warning',
    container: c.name,
    summary: `Container ${c.name}'s working set is ${formatPercent(ws / limit)} of its ${formatBytes(limit)} limit.`,
    evidence: [
      ev(
        `Working set ${formatBytes(ws)} of limit ${formatBytes(limit)}.`,
        c.sources.workingSetBytes ?? 'working set',
        ws,
      ),
      ...(b.activeFileBytes !== null && b.activeFileBytes > 0.2 * ws
        ? [
            ev(
              `${formatBytes(b.activeFileBytes)} of it is active page cache, which the kernel reclaims before it OOM-kills.`,
              c.sources.activeFileBytes ?? 'memory.stat',
              b.activeFileBytes,
            ),
          ]
        : []),
    ],
    nextSteps: [
      `If anon memory (${formatBytes(b.anonBytes)}) keeps growing, raise the limit or find the leak before the kernel OOM-kills the container.`,
    ],
  };
}

/** Half the working set or more (and at least 32 MiB) is active page cache: reclaimable, yet counted by kubectl top. */
function cacheDriven(c: ContainerAnalysis): Found | null {
  const ws = c.workingSetBytes;
  const b = c.breakdown;
  if (!(ws !== null && b.activeFileBytes !== null && b.activeFileBytes >= 32 * MiB && b.activeFileBytes >= 0.5 * ws))
    return null;
  return {
    kind: 'CacheDriven',
    level: null,
    severity: 'info',
    container: c.name,
    summary: `${formatPercent(b.activeFileBytes / ws)} of container ${c.name}'s working set (${formatBytes(ws)}) is active page cache: file data read recently, counted by kubectl top but reclaimable.`,
    evidence: [
      ev(
        `kubectl top / working set = usage ${formatBytes(c.usageBytes)} − inactive_file ${formatBytes(b.inactiveFileBytes)} = ${formatBytes(ws)}.`,
        c.sources.workingSetBytes ?? 'working set',
        ws,
      ),
      ev(
        `Active page cache (active_file) is ${formatBytes(b.activeFileBytes)}; anonymous memory is only ${formatBytes(b.anonBytes)}.`,
        c.sources.activeFileBytes ?? 'memory.stat',
        b.activeFileBytes,
      ),
      ev(
        `docker stats ≤ 19.03 (usage − cache) would show ${formatBytes(c.views.dockerStatsLegacyBytes)}; docker ≥ 20.10 shows ${formatBytes(c.views.dockerStatsBytes)} like kubectl top.`,
        c.sources.dockerStatsLegacyBytes ?? 'memory.stat',
        c.views.dockerStatsLegacyBytes,
      ),
    ],
    nextSteps: [
      'Do not size the limit from kubectl top alone: the kernel drops this cache under pressure before it OOM-kills.',
      'Size requests from anon memory plus the cache the workload really needs; alert on working set only together with anon/rss.',
      'Because eviction ranks by working set against the request, a request below the working set still puts the pod first in line under node pressure.',
    ],
  };
}

/** The working set is above the request: first in line for eviction (a warning while the node is under pressure). */
function aboveRequest(c: ContainerAnalysis, pressure: boolean): Found | null {
  const ws = c.workingSetBytes;
  if (!(ws !== null && c.requestBytes !== null && c.requestBytes > 0 && ws > c.requestBytes)) return null;
  return {
    kind: 'AboveRequest',
    level: null,
    severity: pressure ? 'warning' : 'info',
    container: c.name,
    summary: `Container ${c.name}'s working set (${formatBytes(ws)}) is above its request (${formatBytes(c.requestBytes)}): under node memory pressure the kubelet evicts pods like this first.`,
    evidence: [
      ev(
        `Working set ${formatBytes(ws)} is ${formatPercent(ws / c.requestBytes)} of the ${formatBytes(c.requestBytes)} request.`,
        c.sources.workingSetBytes ?? 'working set',
        ws,
      ),
    ],
    nextSteps: [
      `Raise the request of ${c.name} to its steady working set (${formatBytes(ws)}), so the scheduler reserves it and eviction ranks the pod behind those that exceed theirs.`,
    ],
  };
}

function pressureVerdicts(input: RuleInput): Found[] {
  const { draft } = input;
  const out: Found[] = [];
  const psiOf = (name: string, psi: LevelSummary['psi'], source: string) => {
    const some = psi?.some?.avg10 ?? null;
    const full = psi?.full?.avg10 ?? null;
    if ((some !== null && some >= 10) || (full !== null && full >= 5)) {
      out.push({
        kind: 'MemoryPressure',
        level: null,
        severity: 'warning',
        container: name === 'pod' ? null : name,
        summary: `Tasks in ${name === 'pod' ? 'the pod' : `container ${name}`} stalled waiting for memory ${some ?? '?'}% of the last 10 s (full stall ${full ?? '?'}%).`,
        evidence: [ev(`PSI some avg10=${some ?? '?'}% full avg10=${full ?? '?'}%.`, source, some)],
        nextSteps: [
          'The cgroup is reclaiming hard near its limit (memory.high or memory.max): raise the limit or reduce the working set.',
        ],
      });
    }
  };
  for (const c of draft.containers) psiOf(c.name, c.psi, c.sources.psi ?? 'memory.pressure');
  if (draft.podLevel) psiOf('pod', draft.podLevel.psi, `${draft.podLevel.path}/memory.pressure`);
  if (draft.node?.memoryPressure) {
    out.push({
      kind: 'MemoryPressure',
      level: 'node',
      severity: 'warning',
      container: null,
      summary: `Node ${draft.node.name} reports the MemoryPressure condition: the kubelet is evicting pods and admits no new BestEffort pods.`,
      evidence: [
        ev(
          `memory.available ${formatBytes(draft.node.memoryAvailableBytes)}${draft.node.evictionThresholdBytes !== null ? ` against threshold ${formatBytes(draft.node.evictionThresholdBytes)}` : ''}.`,
          'node.json status.conditions[MemoryPressure]',
          draft.node.memoryAvailableBytes,
        ),
      ],
      nextSteps: ['Find the pods whose working set exceeds their request on this node; they are evicted first.'],
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Files that were there but could not be used

/** What a file is needed for, said the way a user reads it. */
const DECIDES: Array<[RegExp, string]> = [
  [/memory\.(current|usage_in_bytes)$/, 'usage, the working set and how close it is to the limit (NearLimit)'],
  [
    /memory\.stat$/,
    'the working set, the breakdown (anon, page cache, shmem, kernel) and the page-cache, tmpfs and kernel-memory checks',
  ],
  [/memory\.(max|limit_in_bytes)$/, 'the limit the kernel enforces at this level'],
  [/memory\.events(\.local)?$/, 'how many OOM kills there were and which limit fired'],
  [/memory\.oom_control$/, 'how many OOM kills there were'],
  [/memory\.(peak|max_usage_in_bytes)$/, 'the peak usage'],
  [/memory\.failcnt$/, 'how often the limit was hit (the OOM level on cgroup v1)'],
  [/memory\.pressure$/, 'memory stalls (PSI)'],
  [/memory\.(swap\.|memsw\.)/, 'swap use'],
  [/memory\.(high|low|min|soft_limit_in_bytes)$/, 'the Memory QoS thresholds'],
  [/memory\.oom\.group$/, 'whether an OOM kills the whole container'],
];

function decidedBy(file: string): string {
  return DECIDES.find(([re]) => re.test(file))?.[1] ?? 'the figures read from it';
}

/** Whose file it is: a container's, the pod's, kubepods or the node's. */
function ownerOf(file: string, draft: Draft): string {
  const c = draft.containers.find((x) => x.cgroupPath && file.startsWith(`${x.cgroupPath}/`));
  if (c) return `container ${c.name}`;
  if (draft.podLevel && file.startsWith(`${draft.podLevel.path}/`)) return 'the pod';
  if (
    draft.node?.kubepods &&
    file.startsWith(`${draft.node.kubepods.path}/`) &&
    !file.slice(draft.node.kubepods.path.length + 1).includes('/')
  )
    return 'kubepods';
  return 'the node';
}

/** A file present but unusable is never skipped silently: it says what could not be decided because of it. */
function unreadableVerdict(input: RuleInput): Found[] {
  const broken = input.draft.facts.unreadable;
  if (broken.length === 0) return [];
  const owners = [...new Set(broken.map((u) => ownerOf(u.file, input.draft)))];
  const evidence = broken.map((u) =>
    ev(
      `${u.file} (${ownerOf(u.file, input.draft)}): ${u.problem}. Not decided because of it: ${decidedBy(u.file)}.`,
      u.file,
    ),
  );
  const names = broken.map((u) => u.file.slice(u.file.lastIndexOf('/') + 1));
  const one =
    owners.length === 1 && owners[0]?.startsWith('container ')
      ? (owners[0] as string).slice('container '.length)
      : null;
  return [
    {
      kind: 'Unreadable',
      level: null,
      severity: 'warning',
      container: one,
      summary: `${broken.length === 1 ? 'A file' : `${broken.length} files`} of ${owners.join(', ')} could not be used (${[...new Set(names)].join(', ')}): what depends on ${broken.length === 1 ? 'it' : 'them'} is unknown, not healthy.`,
      evidence,
      nextSteps: [
        'Run memwhy again: a file read while the cgroup was being removed or rewritten comes back cut short.',
        'If it stays broken, read it on the node (cat /sys/fs/cgroup/…) or re-capture the snapshot folder; a file over 1 MiB is skipped on purpose.',
      ],
    },
  ];
}

const SEVERITY_ORDER = { critical: 0, warning: 1, info: 2 } as const;

/** All rules, most severe first (stable within a severity). */
export function verdicts(input: RuleInput): Verdict[] {
  const oom = oomVerdicts(input);
  const oomed = new Set(oom.map((v) => v.container ?? ''));
  const all = [
    ...oom,
    ...exitWithoutOom(input, oomed),
    ...evictedVerdict(input),
    ...pendingVerdict(input),
    ...usageVerdicts(input),
    ...pressureVerdicts(input),
    ...unreadableVerdict(input),
  ];
  return all
    .map((v, i) => [v, i] as const)
    .sort((a, b) => SEVERITY_ORDER[a[0].severity] - SEVERITY_ORDER[b[0].severity] || a[1] - b[1])
    .map(([v]): Verdict => ({
      kind: v.kind,
      level: v.level,
      severity: v.severity,
      container: v.container,
      inferred: v.inferred ?? false,
      summary: v.summary,
      evidence: v.evidence,
      nextSteps: v.nextSteps,
    }));
}
