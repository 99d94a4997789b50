// Rules that turn the assembled figures into verdicts. Each rule is a small pure function that returns the
// verdicts it finds, each with the evidence (number + where it came from) and what to change.
import { killedProcess, logsStep, oomSummary, rssAboveLimit } from './oom-words.js';
import { classifyCgroupPath } from './cgroup.js';
import { describeExitCode, parseEvictionAnnotations, parseEvictionMessage, parseSchedulingMessage } from './messages.js';
import { formatBytes, formatPercent, formatQuantity } from './quantity.js';
import type { Analysis, ContainerAnalysis, Evidence, KEvent, KernelOomEvent, KPod, LevelSummary, OomLevel, Verdict } from './types.js';

export type Draft = Omit<Analysis, 'verdicts'>;

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
  summary: { path: string; limitHits: number | null; oomKills: number | null; peakBytes: number | null; cgroupLimitBytes: number | null; usageBytes: number | null };
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
  const restarted = (c.restartCount ?? 0) > 0 && c.lastState?.reason === 'OOMKilled';
  return restarted ? null : c.peakBytes;
}

function oomNextSteps(level: OomLevel | null, c: ContainerAnalysis, draft: Draft, peak: number | null): string[] {
  switch (level) {
    case 'container':
    case 'pod': {
      return [
        `Raise the memory limit of container ${c.name} above its real peak${peak !== null ? ` (it reached ${formatBytes(peak)} when killed)` : ''}, or reduce what it holds (heap size, caches, tmpfs).`,
        `Set the request near the steady working set so the scheduler reserves it, and keep limit − request as headroom for spikes.`,
        logsStep(draft.pod.name ?? '<pod>', c.name, c.lastState?.state === 'terminated' || c.state.state === 'terminated'),
      ];
    }
    case 'node-allocatable':
      return [
        `The pods on node ${draft.pod.node ?? '?'} together filled the node-allocatable cgroup (kubepods); this container was chosen because of its oom_score_adj (${c.oomScoreAdj ?? '?'}).`,
        c.limitBytes === null ? `Give container ${c.name} a memory limit so it is stopped by its own limit instead of taking the node's pods down with it.` : `Lower the memory use of the pods on this node, or spread them over more nodes.`,
        `Set requests to real usage so the scheduler does not overcommit the node.`,
      ];
    case 'node':
      return [
        `The whole node ran out of memory (global OOM) before the kubelet evicted anything: check system daemons and kube-reserved/system-reserved settings.`,
        `Give containers memory limits and realistic requests so the node is not overcommitted.`,
      ];
    default:
      return [`Read the node's kernel log (dmesg) around ${c.lastState?.finishedAt ?? 'the time of the kill'} to see which limit fired (oom_memcg=…).`];
  }
}

function oomVerdicts(input: RuleInput): Verdict[] {
  const { draft, containerIds } = input;
  const out: Verdict[] = [];
  const byContainer = new Map<string, KernelOomEvent[]>();
  for (const e of draft.kernelOoms) {
    const id = e.taskMemcg ? classifyCgroupPath(e.taskMemcg).containerId : null;
    const name = id ? containerIds.get(id) : undefined;
    const key = name ?? '';
    byContainer.set(key, [...(byContainer.get(key) ?? []), e]);
  }

  for (const c of draft.containers) {
    const last = c.lastState?.reason === 'OOMKilled' ? c.lastState : c.state.reason === 'OOMKilled' ? c.state : null;
    const kernel = byContainer.get(c.name) ?? [];
    const kills = c.oomKills ?? 0;
    if (!last && kernel.length === 0 && kills === 0) continue;

    const evidence: Evidence[] = [];
    if (last) {
      const where = last === c.state ? 'state' : 'lastState';
      evidence.push(ev(`The runtime reported reason OOMKilled with exit code ${last.exitCode ?? '?'} (${describeExitCode(last.exitCode)})${last.finishedAt ? ` at ${last.finishedAt}` : ''}.`, `pod.status.containerStatuses[${c.name}].${where}.terminated`, last.exitCode));
      if (last.exitCode !== null && last.exitCode !== 137) {
        evidence.push(ev(`Exit code ${last.exitCode}, not 137: the kernel killed a child process and the container's main process exited on its own; the runtime still reports OOMKilled because the cgroup recorded an OOM kill.`, `pod.status.containerStatuses[${c.name}].${where}.terminated.exitCode`, last.exitCode));
      }
    }
    if (kills > 0) evidence.push(ev(`The container's cgroup counted ${kills} OOM kill(s).`, c.sources.oomKills ?? 'cgroup', kills));

    // Level: the kernel log is the strongest evidence, then the cgroup counters, then the spec.
    let level: OomLevel | null = null;
    const k = kernel[kernel.length - 1];
    if (k) {
      level = levelOfMemcg(k.oomMemcg, k.global);
      evidence.push(ev(
        `Kernel: ${k.global ? 'global OOM (the whole node)' : `the limit of ${k.oomMemcg ? describeMemcg(k.oomMemcg, containerIds) : '?'} was reached`}${k.memcgLimitBytes !== null ? ` (usage ${formatBytes(k.memcgUsageBytes)} of limit ${formatBytes(k.memcgLimitBytes)})` : ''}; it killed ${killedProcess(k)}, anon-rss ${formatBytes(k.anonRssBytes)}${k.oomScoreAdj !== null ? `, oom_score_adj ${k.oomScoreAdj}` : ''}).${rssAboveLimit(k)}`,
        `kernel.log${k.time ? ` ${k.time}` : ''}`,
        k.memcgLimitBytes,
      ));
    }
    if (level === null) {
      const candidates: LevelCandidate[] = [];
      const push = (lvl: OomLevel, name: string, s: LevelSummary | ContainerAnalysis | null, localOoms: number | null) => {
        if (s) candidates.push({ level: lvl, name, summary: { path: 'path' in s ? s.path : (s.cgroupPath ?? ''), limitHits: s.limitHits, oomKills: s.oomKills, peakBytes: s.peakBytes, cgroupLimitBytes: s.cgroupLimitBytes, usageBytes: s.usageBytes }, localOoms });
      };
      push('container', c.name, c.cgroupPath ? c : null, c.localOoms);
      push('pod', 'pod', draft.podLevel, draft.podLevel?.localOoms ?? null);
      push('node-allocatable', 'kubepods', draft.node?.kubepods ?? null, draft.node?.kubepods?.localOoms ?? null);
      const hit = counterLevel(candidates);
      if (hit) {
        level = hit.level;
        const s = hit.summary;
        evidence.push(ev(
          hit.localOoms !== null
            ? `The ${hit.name} cgroup's own limit ran out ${hit.localOoms} time(s) (memory.events.local oom) at ${formatBytes(s.cgroupLimitBytes)}.`
            : `The ${hit.name} cgroup hit its limit of ${formatBytes(s.cgroupLimitBytes)} ${s.limitHits} time(s) (failcnt) and peaked at ${formatBytes(s.peakBytes)}.`,
          s.path,
          s.cgroupLimitBytes,
        ));
      }
    }
    let inferred = false;
    if (level === null && last) {
      // Only the runtime's word: the container's own limit is the likeliest when it has one.
      if (c.limitBytes !== null) {
        level = 'container';
        inferred = true;
        const why = c.cgroupPath && (c.restartCount ?? 0) > 0 ? 'no kernel log, and the cgroup counters start afresh with the restarted container' : 'no kernel log and no cgroup counter shows which limit fired';
        evidence.push(ev(`There is ${why}; the container has a limit of ${formatBytes(c.limitBytes)}, so its own limit is the likeliest cause.`, `pod.spec.containers[${c.name}].resources.limits.memory`, c.limitBytes));
      }
    }
    if (level === 'pod' && c.limitBytes !== null && draft.requests.effectiveLimitBytes !== null) {
      evidence.push(ev(`The pod cgroup limit is ${formatBytes(draft.requests.effectiveLimitBytes)} (the sum of the containers' limits); with one container it is the container's limit in effect, and the pod level is reached first because the pause container counts too.`, 'pod.spec.containers[].resources.limits', draft.requests.effectiveLimitBytes));
    }
    const levelText: Record<OomLevel, string> = {
      container: `its own memory limit${c.limitBytes !== null ? ` of ${formatBytes(c.limitBytes)}` : ''}`,
      pod: `the pod's memory limit${draft.requests.effectiveLimitBytes !== null ? ` of ${formatBytes(draft.requests.effectiveLimitBytes)}` : ''}`,
      'node-allocatable': `the node-allocatable limit (kubepods${draft.node?.kubepods?.cgroupLimitBytes ? ` = ${formatBytes(draft.node.kubepods.cgroupLimitBytes)}` : ''}): all pods on the node together ran out`,
      node: 'the whole node running out of memory (global OOM)',
    };
    const summary = oomSummary(c.name, level ? `${levelText[level]}${inferred ? ' (inferred)' : ''}` : null, last !== null);
    out.push({ kind: 'OOMKilled', level, severity: 'critical', container: c.name, summary, evidence, nextSteps: oomNextSteps(level, c, draft, peakAtKill(c, k)) });
  }
  return out;
}

/** Exit 137 (SIGKILL) that no OOM evidence backs: probes, kubelet kills, preemption, a human. */
function exitWithoutOom(input: RuleInput, oomed: Set<string>): Verdict[] {
  const out: Verdict[] = [];
  // An evicted pod's containers are killed by the kubelet: the Evicted verdict explains their 137.
  if (input.pod.status?.reason === 'Evicted') return out;
  for (const c of input.draft.containers) {
    if (oomed.has(c.name)) continue;
    for (const [where, s] of [['state', c.state], ['lastState', c.lastState]] as const) {
      // ContainerStatusUnknown: the kubelet writes 137 as a placeholder when the container is gone.
      if (!s || s.state !== 'terminated' || s.exitCode !== 137 || s.reason === 'ContainerStatusUnknown') continue;
      const evidence = [ev(`Exit code 137 (${describeExitCode(137)}) with reason ${s.reason ?? 'none'}.`, `pod.status.containerStatuses[${c.name}].${where}.terminated`, 137)];
      if (c.oomKills === 0) evidence.push(ev(`The container's cgroup counted no OOM kill.`, c.sources.oomKills ?? 'cgroup', 0));
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

function evictedVerdict(input: RuleInput): Verdict[] {
  const { draft, pod } = input;
  if (pod.status?.reason !== 'Evicted') return [];
  const message = pod.status?.message ?? '';
  const parsed = parseEvictionMessage(message);
  const evidence: Evidence[] = [ev(`Pod status: phase ${pod.status?.phase ?? '?'}, reason Evicted: "${message.trim()}"`, 'pod.status.message')];
  const nodeName = draft.pod.node ? `node ${draft.pod.node}` : 'its node';
  let summary = `The kubelet evicted the pod because ${nodeName} ran low on memory.`;
  const steps: string[] = [];
  if (parsed?.format === 'node-condition') {
    summary = `The kubelet refused to start the pod: ${nodeName} was already under MemoryPressure.`;
    steps.push('The pod was never running on that node; it needs a node without memory pressure. Look at what fills the node (kubectl top pods on that node).');
  }
  if (parsed && parsed.thresholdBytes !== null && parsed.availableBytes !== null) {
    evidence.push(ev(`memory.available was ${both(parsed.availableBytes)}, below the eviction threshold of ${both(parsed.thresholdBytes)}: memory.available = node capacity − node working set.`, 'pod.status.message', parsed.availableBytes));
  }
  // The Evicted event's annotations name the offending containers even when the message is the bare
  // "The node was low on resource: memory." of older kubelets.
  const annotated = input.events
    .filter((e) => e.reason === 'Evicted' && e.metadata?.annotations)
    .map((e) => parseEvictionAnnotations(e.metadata?.annotations ?? {}))
    .find((a) => a && a.containers.length > 0);
  const offenders = parsed?.containers.length
    ? parsed.containers
    : (annotated?.containers ?? []).map((c) => ({ ...c, requestBytes: draft.containers.find((x) => x.name === c.name)?.requestBytes ?? 0 }));
  if (annotated && !parsed?.containers.length) {
    evidence.push(ev(`The kubelet's Evicted event names ${annotated.containers.map((c) => c.name).join(', ')} as offending (starved resource: ${annotated.resource ?? '?'}).`, 'events.json Evicted annotations offending_containers'));
  }
  const ranked: Array<{ name: string; usageBytes: number | null }> = [];
  for (const pc of offenders) {
    const over = pc.usageBytes !== null && pc.requestBytes !== null ? pc.usageBytes - pc.requestBytes : null;
    evidence.push(ev(`Container ${pc.name} was using ${formatBytes(pc.usageBytes)} (working set) against a request of ${pc.requestBytes === 0 ? '0 (none)' : formatBytes(pc.requestBytes)}${over !== null && over > 0 ? `: ${formatBytes(over)} over its request` : ''}.`, 'pod.status.message', pc.usageBytes));
    if (over !== null && over > 0) ranked.push(pc);
  }
  if (ranked.length) {
    const names = ranked.map((r) => r.name).join(', ');
    evidence.push(ev(`The kubelet evicts pods whose working set exceeds their request first, then by lower priority (this pod: ${draft.pod.priority ?? 0}), then by how far usage exceeds the request; ${names} exceeded ${ranked.length > 1 ? 'their requests' : 'its request'}.`, 'kubelet eviction ranking (rankMemoryPressure)'));
    const targets = ranked.map((r) => `${r.name} ≥ ${formatBytes(r.usageBytes)}`).join(', ');
    steps.push(`Set memory requests to at least the working set seen at eviction (${targets}), so the pod is not first in line and the scheduler reserves that memory.`);
  }
  steps.push('Leave headroom on the node: the sum of working sets must stay below capacity minus the eviction threshold; check kube-reserved/system-reserved and eviction-hard.');
  if (draft.pod.qosClass === 'BestEffort') steps.push('BestEffort pods (no request) always count as exceeding their request: give the pod requests.');
  return [{ kind: 'Evicted', level: null, severity: 'critical', container: offenders[0]?.name ?? null, summary, evidence, nextSteps: steps }];
}

// ---------------------------------------------------------------------------------------------
// Pending

function pendingVerdict(input: RuleInput): Verdict[] {
  const { draft, pod } = input;
  if (pod.status?.phase !== 'Pending' || pod.spec?.nodeName) return [];
  const cond = pod.status?.conditions?.find((c) => c.type === 'PodScheduled' && c.status === 'False');
  const parsed = cond?.message ? parseSchedulingMessage(cond.message) : null;
  const memoryShort = parsed?.insufficientMemory ?? null;
  if (!cond && draft.nodeFits.length === 0) return [];
  if (parsed && memoryShort === null && !draft.nodeFits.some((f) => f.fits === false)) {
    return [{ kind: 'Pending', level: null, severity: 'warning', container: null, summary: 'The pod is Pending, but not for lack of memory.', evidence: [ev(cond?.message ?? '', 'pod.status.conditions[PodScheduled].message')], nextSteps: ['Read the scheduler message: taints, affinity or other resources keep the pod from a node.'] }];
  }
  const req = draft.requests.effectiveRequestBytes;
  const evidence: Evidence[] = [];
  if (cond?.message) evidence.push(ev(`Scheduler: "${cond.message}"`, 'pod.status.conditions[PodScheduled].message', memoryShort));
  const parts = [`containers ${formatBytes(draft.requests.containersRequestBytes)}`];
  if (draft.requests.maxInitRequestBytes !== null) parts.push(`largest init container ${formatBytes(draft.requests.maxInitRequestBytes)}`);
  if (draft.requests.overheadBytes !== null) parts.push(`overhead ${formatBytes(draft.requests.overheadBytes)}`);
  evidence.push(ev(`The pod requests ${formatBytes(req)} of memory (${parts.join(', ')}); the scheduler counts requests, never real usage.`, 'pod.spec.containers[].resources.requests', req));
  const known = draft.nodeFits.filter((f) => f.marginBytes !== null);
  const best = known.sort((a, b) => (b.marginBytes as number) - (a.marginBytes as number))[0];
  if (best) {
    evidence.push(ev(`Closest node: ${best.node} has ${formatBytes(best.allocatableBytes)} allocatable, ${formatBytes(best.requestedBytes)} already requested, ${formatBytes(best.freeBytes)} free: ${best.fits ? 'it fits by' : 'short by'} ${formatBytes(Math.abs(best.marginBytes as number))}.`, 'nodes.json status.allocatable − node-pods.json requests', best.marginBytes));
  }
  const steps = [
    best && best.marginBytes !== null && best.marginBytes < 0 && req !== null
      ? `Lower the pod's memory request by at least ${formatBytes(-best.marginBytes)} (to ${formatBytes(req + best.marginBytes)} or less) if its real working set allows, or`
      : 'Lower the memory request if the real working set allows, or',
    'add a node (or a bigger node pool) with enough allocatable memory; the cluster autoscaler needs a node group whose allocatable exceeds the request.',
    'Look for pods that request far more than they use on the candidate nodes (requests reserve memory even when idle).',
  ];
  return [{ kind: 'Pending', level: null, severity: 'critical', container: null, summary: `The pod cannot be scheduled: no node has ${formatBytes(req)} of unrequested allocatable memory${memoryShort !== null ? ` (${memoryShort} node(s) reported Insufficient memory)` : ''}.`, evidence, nextSteps: steps }];
}

// ---------------------------------------------------------------------------------------------
// Usage shape: near limit, page cache, tmpfs, kernel memory, no limit, pressure

function usageVerdicts(input: RuleInput): Verdict[] {
  const out: Verdict[] = [];
  for (const c of input.draft.containers) {
    if (c.state.state !== 'running') continue;
    const ws = c.workingSetBytes;
    const b = c.breakdown;
    const limit = c.limitBytes ?? c.cgroupLimitBytes;
    if (ws !== null && limit !== null && limit > 0 && ws / limit >= 0.9) {
      out.push({
        kind: 'NearLimit',
        level: null,
        severity: 'warning',
        container: c.name,
        summary: `Container ${c.name}'s working set is ${formatPercent(ws / limit)} of its ${formatBytes(limit)} limit.`,
        evidence: [
          ev(`Working set ${formatBytes(ws)} of limit ${formatBytes(limit)}.`, c.sources.workingSetBytes ?? 'working set', ws),
          ...(b.activeFileBytes !== null && b.activeFileBytes > 0.2 * ws ? [ev(`${formatBytes(b.activeFileBytes)} of it is active page cache, which the kernel reclaims before it OOM-kills.`, c.sources.activeFileBytes ?? 'memory.stat', b.activeFileBytes)] : []),
        ],
        nextSteps: [`If anon memory (${formatBytes(b.anonBytes)}) keeps growing, raise the limit or find the leak before the kernel OOM-kills the container.`],
      });
    }
    if (ws !== null && b.activeFileBytes !== null && b.activeFileBytes >= 32 * MiB && b.activeFileBytes >= 0.5 * ws) {
      out.push({
        kind: 'CacheDriven',
        level: null,
        severity: 'info',
        container: c.name,
        summary: `${formatPercent(b.activeFileBytes / ws)} of container ${c.name}'s working set (${formatBytes(ws)}) is active page cache: file data read recently, counted by kubectl top but reclaimable.`,
        evidence: [
          ev(`kubectl top / working set = usage ${formatBytes(c.usageBytes)} − inactive_file ${formatBytes(b.inactiveFileBytes)} = ${formatBytes(ws)}.`, c.sources.workingSetBytes ?? 'working set', ws),
          ev(`Active page cache (active_file) is ${formatBytes(b.activeFileBytes)}; anonymous memory is only ${formatBytes(b.anonBytes)}.`, c.sources.activeFileBytes ?? 'memory.stat', b.activeFileBytes),
          ev(`docker stats ≤ 19.03 (usage − cache) would show ${formatBytes(c.views.dockerStatsLegacyBytes)}; docker ≥ 20.10 shows ${formatBytes(c.views.dockerStatsBytes)} like kubectl top.`, c.sources.dockerStatsLegacyBytes ?? 'memory.stat', c.views.dockerStatsLegacyBytes),
        ],
        nextSteps: [
          'Do not size the limit from kubectl top alone: the kernel drops this cache under pressure before it OOM-kills.',
          'Size requests from anon memory plus the cache the workload really needs; alert on working set only together with anon/rss.',
          'Because eviction ranks by working set against the request, a request below the working set still puts the pod first in line under node pressure.',
        ],
      });
    }
    const cacheDriven = out.some((v) => v.kind === 'CacheDriven' && v.container === c.name);
    if (!cacheDriven && ws !== null && c.requestBytes !== null && c.requestBytes > 0 && ws > c.requestBytes) {
      const pressure = input.draft.node?.memoryPressure === true;
      out.push({
        kind: 'AboveRequest',
        level: null,
        severity: pressure ? 'warning' : 'info',
        container: c.name,
        summary: `Container ${c.name}'s working set (${formatBytes(ws)}) is above its request (${formatBytes(c.requestBytes)}): under node memory pressure the kubelet evicts pods like this first.`,
        evidence: [ev(`Working set ${formatBytes(ws)} is ${formatPercent(ws / c.requestBytes)} of the ${formatBytes(c.requestBytes)} request.`, c.sources.workingSetBytes ?? 'working set', ws)],
        nextSteps: [`Raise the request of ${c.name} to its steady working set (${formatBytes(ws)}), so the scheduler reserves it and eviction ranks the pod behind those that exceed theirs.`],
      });
    }
    if (ws !== null && b.shmemBytes !== null && b.shmemBytes >= 16 * MiB && b.shmemBytes >= 0.25 * ws) {
      out.push({
        kind: 'ShmemHeavy',
        level: null,
        severity: 'warning',
        container: c.name,
        summary: `Container ${c.name} holds ${formatBytes(b.shmemBytes)} in tmpfs/shared memory, ${formatPercent(b.shmemBytes / ws)} of its working set; without swap it cannot be reclaimed.`,
        evidence: [ev(`shmem ${formatBytes(b.shmemBytes)}: files in tmpfs, memory-medium emptyDir or /dev/shm; they sit on the anon LRU, so the working set keeps them.`, c.sources.shmemBytes ?? 'memory.stat', b.shmemBytes)],
        nextSteps: ['Delete files from tmpfs / emptyDir{medium: Memory} when done, or set a sizeLimit on the emptyDir.', 'Move large scratch data to a disk-backed emptyDir; it counts against the memory limit otherwise.'],
      });
    }
    if (c.usageBytes !== null && b.kernelBytes !== null && b.kernelBytes >= 32 * MiB && b.kernelBytes >= 0.25 * c.usageBytes) {
      const parts = Object.entries(b.kernelParts).sort((x, y) => y[1] - x[1]).slice(0, 3).map(([n, v]) => `${n} ${formatBytes(v)}`).join(', ');
      out.push({
        kind: 'KernelHeavy',
        level: null,
        severity: 'warning',
        container: c.name,
        summary: `Kernel memory charged to container ${c.name} is ${formatBytes(b.kernelBytes)}, ${formatPercent(b.kernelBytes / c.usageBytes)} of its usage.`,
        evidence: [ev(`Kernel memory ${formatBytes(b.kernelBytes)}${parts ? ` (${parts})` : ''}.`, c.sources.kernelBytes ?? 'memory.stat', b.kernelBytes)],
        nextSteps: ['Large slab usually means many files/dentries or inodes; large sock means socket buffers; large pagetables means a huge address space.', 'Kernel memory counts against the limit like any other: include it when sizing.'],
      });
    }
    if (c.kind !== 'init' && c.limitBytes === null) {
      out.push({
        kind: 'NoLimit',
        level: null,
        severity: 'info',
        container: c.name,
        summary: `Container ${c.name} has no memory limit: it can grow until the node-allocatable cgroup is full, and then the kernel picks its victim by oom_score_adj${c.oomScoreAdj !== null ? ` (this container: ${c.oomScoreAdj})` : ''}.`,
        evidence: [ev('No resources.limits.memory in the spec.', `pod.spec.containers[${c.name}].resources`)],
        nextSteps: [c.requestBytes === null ? 'Set a memory request (and a limit): without a request the pod is the first evicted under node pressure.' : 'Set a memory limit so a leak stops at this container instead of at the node.'],
      });
    }
  }
  return out;
}

function pressureVerdicts(input: RuleInput): Verdict[] {
  const { draft } = input;
  const out: Verdict[] = [];
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
        nextSteps: ['The cgroup is reclaiming hard near its limit (memory.high or memory.max): raise the limit or reduce the working set.'],
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
      evidence: [ev(`memory.available ${formatBytes(draft.node.memoryAvailableBytes)}${draft.node.evictionThresholdBytes !== null ? ` against threshold ${formatBytes(draft.node.evictionThresholdBytes)}` : ''}.`, 'node.json status.conditions[MemoryPressure]', draft.node.memoryAvailableBytes)],
      nextSteps: ['Find the pods whose working set exceeds their request on this node; they are evicted first.'],
    });
  }
  return out;
}

const SEVERITY_ORDER = { critical: 0, warning: 1, info: 2 } as const;

/** All rules, most severe first (stable within a severity). */
export function verdicts(input: RuleInput): Verdict[] {
  const oom = oomVerdicts(input);
  const oomed = new Set(oom.map((v) => v.container ?? ''));
  const all = [...oom, ...exitWithoutOom(input, oomed), ...evictedVerdict(input), ...pendingVerdict(input), ...usageVerdicts(input), ...pressureVerdicts(input)];
  return all.map((v, i) => [v, i] as const).sort((a, b) => SEVERITY_ORDER[a[0].severity] - SEVERITY_ORDER[b[0].severity] || a[1] - b[1]).map(([v]) => v);
}
