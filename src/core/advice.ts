// Sizing advice grounded in the breakdown: what request and limit to set, with the reasoning in numbers, beside
// what krr's and VPA's formulas give on the same numbers. Pure: the analysis and the pod in, `now` passed in.
//
//   floor   = anon + shmem + unreclaimable kernel memory            (what the kernel cannot take back)
//   spike   = memory.peak − usage                                   (held at the peak, released since)
//   need    = max(floor + spike, usage at the last OOM kill)
//   limit   = max(need × 1.15, after an OOM kill: max(kill + 100Mi, kill × 1.2))
//   request = min(limit, max(floor × 1.15, floor + active page cache))
// Never below a proven need: the limit is above the floor, the tmpfs/shmem (part of the floor) and the kill.
import { classifyCgroupPath } from './cgroup.js';
import { commandBlocked, containerCommand, podCommand } from './advice-command.js';
import {
  containerIdsOf,
  formatDuration,
  inferredOomUsage,
  kernelOomUsage,
  secondsBetween,
  unreclaimableFloor,
  type Floor,
  type OomUsage,
} from './advice-inputs.js';
import {
  KRR_MEMORY_BUFFER,
  krrMemoryBytes,
  VPA_OOM_BUMP_RATIO,
  VPA_OOM_MIN_BUMP_BYTES,
  vpaWorking,
  type VpaWorking,
} from './advice-tools.js';
import { formatBytes, parseBytes } from './quantity.js';
import type { AdviceConfidence, Analysis, ContainerAnalysis, KPod, MemoryFigures, SizingAdvice } from './types.js';

const Mi = 2 ** 20;
/** memwhy's own margin over the need: the same 15% krr and VPA add, so the comparison is about inputs. */
export const ADVICE_MARGIN = 0.15;
/** Never below this limit: a runtime needs a few Mi to start a container before its floor is reached. */
export const MIN_LIMIT_BYTES = 16 * Mi;
const HOUR = 3600;
const WEEK = 7 * 24 * HOUR;

/** What one sizing is computed from: a container's (or the pod's) figures and what is known about its kills. */
export interface SizingInputs {
  figures: MemoryFigures;
  requestBytes: number | null;
  oom: OomUsage | null;
  /** The pod status says OOMKilled (what VPA's OOM observer sees). */
  oomKilled: boolean;
  startedAt: string | null;
  /** Times usage reached the limit (v1 failcnt, v2 memory.events max): 0 means the kernel reclaimed nothing for the limit. */
  limitHits: number | null;
  /** App containers of the pod (VPA splits its 250Mi pod minimum between them). */
  containers: number;
}

function ceilMi(bytes: number): number {
  return Math.ceil(bytes / Mi) * Mi;
}

export function confidenceFor(historySeconds: number | null, floorKnown: boolean): AdviceConfidence {
  if (!floorKnown || historySeconds === null || historySeconds < HOUR) return 'low';
  return historySeconds < WEEK ? 'medium' : 'high';
}

function emptyAdvice(reason: string): SizingAdvice {
  return {
    requestBytes: null,
    limitBytes: null,
    floorBytes: null,
    peakBytes: null,
    oomUsageBytes: null,
    krrBytes: null,
    vpaTargetBytes: null,
    confidence: null,
    command: null,
    activeFileBytes: null,
    spikeBytes: null,
    historySeconds: null,
    reasons: [reason],
    comparison: [],
  };
}

/** memwhy's request and limit with the reasoning, and krr/VPA beside them. The command is filled in by the caller. */
export function sizeFrom(input: SizingInputs, now: string): SizingAdvice {
  const f = input.figures;
  const floor = unreclaimableFloor(f.breakdown);
  const ws = f.workingSetBytes;
  if (!floor && ws === null && !input.oom)
    return emptyAdvice('No usage figures were read for it: nothing to size from.');
  const history = secondsBetween(input.startedAt, now);
  const spike = f.peakBytes !== null && f.usageBytes !== null ? Math.max(0, f.peakBytes - f.usageBytes) : null;
  const activeFile = f.breakdown.activeFileBytes;
  const sized = limitAndRequest(input, floor, spike);
  const { limit, request } = sized;
  const confidence = confidenceFor(history, floor !== null);
  const fromKill = input.oom !== null && sized.requestWant === input.oom.bytes;
  const reasons = [
    ...floorReasons(floor, ws, activeFile),
    ...peakReasons(f, spike, history),
    ...(spike ? [spikeReason(input.limitHits)] : []),
    ...(input.oom ? [oomReason(input.oom, sized.bump, now)] : []),
    limitReason(sized, input.oom !== null),
    requestReason(request, sized.requestWant, limit, floor !== null, fromKill),
    confidenceReason(confidence, history),
  ];
  const krr = krrMemoryBytes(ws);
  const vpa = vpaWorking({
    workingSetPeakBytes: ws,
    requestBytes: input.requestBytes,
    oomKilled: input.oomKilled,
    containers: input.containers,
  });
  return {
    requestBytes: request,
    limitBytes: limit,
    floorBytes: floor?.bytes ?? null,
    peakBytes: f.peakBytes,
    oomUsageBytes: input.oom?.bytes ?? null,
    krrBytes: krr,
    vpaTargetBytes: vpa?.target ?? null,
    confidence,
    command: null,
    activeFileBytes: floor ? activeFile : null,
    spikeBytes: spike,
    historySeconds: history,
    reasons,
    comparison: comparison({
      krr,
      vpa,
      limit,
      request,
      ws,
      activeFile,
      oom: input.oom,
      requestSpec: input.requestBytes,
      spike,
    }),
  };
}

/** The numbers of the formulas at the top of this file. */
interface LimitAndRequest {
  need: number;
  /** After an OOM kill: max(kill + 100Mi, kill × 1.2); else 0. */
  bump: number;
  limit: number;
  /** The request before it is rounded and capped at the limit; null when neither floor nor working set was read. */
  requestWant: number | null;
  request: number | null;
}

function limitAndRequest(input: SizingInputs, floor: Floor | null, spike: number | null): LimitAndRequest {
  const ws = input.figures.workingSetBytes;
  const activeFile = input.figures.breakdown.activeFileBytes;
  // Without a breakdown the working set (which counts active page cache) stands in for the floor: too high, never too low.
  const base = floor ? floor.bytes : (ws ?? 0);
  const need = Math.max(base + (spike ?? 0), input.oom?.bytes ?? 0);
  const margin = need * (1 + ADVICE_MARGIN);
  const bump = input.oom ? Math.max(input.oom.bytes + VPA_OOM_MIN_BUMP_BYTES, input.oom.bytes * VPA_OOM_BUMP_RATIO) : 0;
  const limit = Math.max(MIN_LIMIT_BYTES, ceilMi(Math.max(margin, bump)));
  const steady = floor ? Math.max(floor.bytes * (1 + ADVICE_MARGIN), floor.bytes + (activeFile ?? 0)) : ws;
  // After an OOM kill the container is known to have held that much: a request below it lets the scheduler
  // pack the node for less than the pod proved it needs (today's figures, after the restart, are not that).
  const requestWant = input.oom ? Math.max(steady ?? 0, input.oom.bytes) : steady;
  const request = requestWant === null ? null : Math.min(limit, ceilMi(requestWant));
  return { need, bump, limit, requestWant, request };
}

/** What the sizing starts from: the floor, else the working set, else the kill alone; and the active page cache. */
function floorReasons(floor: Floor | null, ws: number | null, activeFile: number | null): string[] {
  const reasons: string[] = [];
  if (floor)
    reasons.push(`Floor ${formatBytes(floor.bytes)} = ${floor.text}: what the kernel cannot reclaim, as read now.`);
  else if (ws !== null)
    reasons.push(
      `No breakdown was read: the working set ${formatBytes(ws)} (which counts reclaimable page cache) stands in for the floor.`,
    );
  else reasons.push('Neither a breakdown nor a working set was read: the advice rests on the OOM kill alone.');
  if (floor && activeFile)
    reasons.push(
      `Active page cache ${formatBytes(activeFile)}: reclaimable, so it is in the request (the kubelet ranks evictions by the working set, which counts it) but not in the limit: under the limit the kernel trims it.`,
    );
  return reasons;
}

function spikeReason(limitHits: number | null): string {
  return `If the kernel reclaimed page cache since the peak (limit hits: ${limitHits ?? 'unknown'}; node memory pressure also reclaims), part of the spike was cache: the limit then errs on the safe side.`;
}

function oomReason(oom: OomUsage, bump: number, now: string): string {
  const killAge = secondsBetween(oom.at ?? null, now);
  return `OOM-killed at ${formatBytes(oom.bytes)}${killAge === null ? '' : ` ${formatDuration(killAge)} ago`} (${oom.source}): it needed more than that, by an unknown amount, so the limit is at least max(+100Mi, ×1.2) of it = ${formatBytes(bump)}.`;
}

function limitReason(s: LimitAndRequest, oomKilled: boolean): string {
  return `Limit ${formatBytes(s.limit)} = max(need ${formatBytes(s.need)} × 1.15${oomKilled ? `, the OOM bump ${formatBytes(s.bump)}` : ''}${s.limit === MIN_LIMIT_BYTES ? ', 16Mi' : ''}), rounded up to Mi.`;
}

function requestReason(
  request: number | null,
  want: number | null,
  limit: number,
  floorKnown: boolean,
  fromKill: boolean,
): string {
  if (request === null || want === null)
    return 'Request unknown: neither the floor nor the working set was read; keep the current one.';
  if (fromKill)
    return `Request ${formatBytes(request)} = the usage at the OOM kill, rounded up to Mi: a proven need, above today's floor + active cache (read after the restart).`;
  if (request === limit && want > limit)
    return `Request ${formatBytes(request)} = the limit (floor + active cache is above it: the kernel keeps the cache down to what fits).`;
  return `Request ${formatBytes(request)} = ${floorKnown ? 'max(floor × 1.15, floor + active cache)' : 'the working set'}, rounded up to Mi.`;
}

function peakReasons(f: MemoryFigures, spike: number | null, history: number | null): string[] {
  if (f.peakBytes === null && f.usageBytes === null)
    return ['No cgroup files were read, so no kernel peak: a spike since the container started is not seen.'];
  if (f.peakBytes === null)
    return [
      'No kernel peak was read (memory.peak needs kernel 5.19+ on v2): a spike since the container started is not seen.',
    ];
  const over =
    history === null
      ? 'since the cgroup was created (when is unknown)'
      : `over the ${formatDuration(history)} since the container started`;
  if (!spike)
    return [
      `Kernel peak ${formatBytes(f.peakBytes)} ${over}: no more than today's usage, so no spike above it was seen.`,
    ];
  return [
    `Kernel peak ${formatBytes(f.peakBytes)} ${over}, ${formatBytes(spike)} above today's usage ${formatBytes(f.usageBytes)}: held at the peak and released since, so planned for as a spike on top of the floor.`,
  ];
}

function confidenceReason(c: AdviceConfidence, history: number | null): string {
  if (c === 'low') {
    const why =
      history === null
        ? 'how long the peak covers is unknown'
        : history < HOUR
          ? `the peak covers only ${formatDuration(history)}`
          : 'the unreclaimable floor is unknown (no cgroup breakdown)';
    return `Confidence low: ${why}; watch it (w in the TUI) or look again after a busy period.`;
  }
  return `Confidence ${c}: the peak covers ${formatDuration(history)}${c === 'medium' ? ' (less than a week: a weekly peak may be missing)' : ''}.`;
}

interface Compare {
  krr: number | null;
  vpa: VpaWorking | null;
  limit: number;
  request: number | null;
  ws: number | null;
  activeFile: number | null;
  oom: OomUsage | null;
  /** The request in the spec now (VPA bumps from it after an OOM). */
  requestSpec: number | null;
  spike: number | null;
}

function comparison(x: Compare): string[] {
  const out: string[] = [];
  if (x.krr === null || x.ws === null)
    out.push(
      `krr sizes on the working set, which was not read: no krr figure${x.vpa !== null ? '; VPA below has only the OOM kill to go on' : ''}.`,
    );
  else {
    const why: string[] = [];
    if (x.activeFile !== null && x.activeFile > 0)
      why.push(`${formatBytes(x.activeFile)} of that working set is active page cache the kernel can reclaim`);
    if (x.spike) why.push(`a sampled working set misses the ${formatBytes(x.spike)} spike the kernel's peak holds`);
    if (x.oom && x.krr < x.oom.bytes)
      why.push(
        `it is below the ${formatBytes(x.oom.bytes)} the container was killed at (krr's OOM bump is off by default)`,
      );
    const verdict =
      x.krr > x.limit
        ? `${formatBytes(x.krr - x.limit)} more than memwhy's limit`
        : x.krr < x.limit
          ? `${formatBytes(x.limit - x.krr)} less than memwhy's limit`
          : "memwhy's limit";
    out.push(
      `krr (simple) would set ${formatBytes(x.krr)} as request and limit: working set ${formatBytes(x.ws)} × ${1 + KRR_MEMORY_BUFFER}, ${verdict}${why.length ? `, because ${why.join('; ')}` : ''}.`,
    );
  }
  if (x.vpa) out.push(vpaSentence(x.vpa, x));
  return out;
}

function vpaSentence(v: VpaWorking, x: Compare): string {
  const base = v.bumped
    ? `after the OOM kill its peak sample becomes max(max(request ${formatBytes(x.requestSpec)}, working set ${formatBytes(x.ws)}) + 100Mi, × 1.2) = ${formatBytes(v.sample)}`
    : `its peak sample is the working set ${formatBytes(v.sample)}`;
  const floor =
    v.target > Math.ceil(v.bucketEnd * 1.15)
      ? `, raised to its pod minimum (250Mi over the containers: ${formatBytes(v.minimum)})`
      : '';
  const vs = x.request === null ? '' : ` (memwhy's request: ${formatBytes(x.request)})`;
  const cache =
    x.activeFile && !v.bumped ? `; like krr it counts the ${formatBytes(x.activeFile)} of active page cache` : '';
  return `VPA would target a ${formatBytes(v.target)} request${vs}: ${base}, rounded up to the end of its histogram bucket (${formatBytes(v.bucketEnd)}), + 15%${floor}${cache}. It keeps the spec's limit:request ratio for the limit.`;
}

/** Containers VPA would size: app containers and sidecars. */
function appContainers(a: Analysis): number {
  return a.containers.filter((c) => c.kind !== 'init').length;
}

function containerAdvice(a: Analysis, pod: KPod, c: ContainerAnalysis, now: string): SizingAdvice | null {
  if (c.kind === 'init') return null;
  const found = kernelOomUsage(a, containerIdsOf(pod, c.name)) ?? inferredOomUsage(a, c);
  const killedAt = c.lastState?.reason === 'OOMKilled' ? c.lastState.finishedAt : null;
  const oom = found ? { ...found, at: killedAt } : null;
  const oomKilled = c.lastState?.reason === 'OOMKilled' || c.state.reason === 'OOMKilled';
  const startedAt = c.state.state === 'running' ? c.state.startedAt : null;
  const sized = sizeFrom(
    {
      figures: c,
      requestBytes: c.requestBytes,
      oom,
      oomKilled,
      startedAt,
      limitHits: c.limitHits,
      containers: appContainers(a),
    },
    now,
  );
  const advice = oomKilled && !oom ? unknownKill(sized) : sized;
  if (advice.limitBytes === null) return advice;
  const command = containerCommand(pod, c.name, advice.requestBytes, advice.limitBytes);
  const blocked = command ? null : commandBlocked(pod, false);
  const tmpfs = memoryEmptyDirReason(pod, advice, c.breakdown.shmemBytes);
  return {
    ...advice,
    command,
    reasons: [...advice.reasons, ...(tmpfs ? [tmpfs] : []), ...(blocked ? [`No command: ${blocked}.`] : [])],
  };
}

/** OOM-killed, but how much it held at the kill is unknown: the advice cannot include that need, and says so. */
function unknownKill(s: SizingAdvice): SizingAdvice {
  if (s.limitBytes === null) return s;
  const why =
    'Its last instance was OOM-killed, but the memory in use at the kill is unknown (no kernel report for it: --kernel-log reads it); this limit does not include that need and may be too low.';
  return { ...s, confidence: 'low', reasons: [...s.reasons.filter((r) => !r.startsWith('Confidence ')), why] };
}

/** A memory-medium emptyDir is tmpfs charged to whoever writes it: say how much of it the limit has room for. */
function memoryEmptyDirReason(pod: KPod, advice: SizingAdvice, shmemBytes: number | null): string | null {
  const vols = (pod.spec?.volumes ?? []).filter((v) => v.emptyDir?.medium === 'Memory');
  if (vols.length === 0 || advice.limitBytes === null || advice.floorBytes === null) return null;
  const room = advice.limitBytes - advice.floorBytes;
  const names = vols
    .map((v) => `${v.name ?? '?'}${v.emptyDir?.sizeLimit ? ` (sizeLimit ${v.emptyDir.sizeLimit})` : ' (no sizeLimit)'}`)
    .join(', ');
  const sizes = vols.map((v) => parseBytes(v.emptyDir?.sizeLimit ?? null));
  const text = `Memory emptyDir ${names}: its files count as shmem of the container writing them (in the floor above); the limit leaves ${formatBytes(room)} for them to grow before an OOM kill`;
  if (sizes.some((b) => b === null)) return `${text}.`;
  const full = advice.floorBytes - (shmemBytes ?? 0) + sizes.reduce<number>((t, b) => t + (b ?? 0), 0);
  return full > advice.limitBytes
    ? `${text}; filled to its sizeLimit the pod would need ${formatBytes(full)}: raise the limit to that if it does fill up.`
    : `${text}, enough to fill it to its sizeLimit.`;
}

function podOomUsage(a: Analysis): OomUsage | null {
  const v = a.verdicts.find((x) => x.kind === 'OOMKilled' && x.level === 'pod');
  const k = [...a.kernelOoms]
    .reverse()
    .find((e) => e.memcgUsageBytes !== null && e.oomMemcg !== null && classifyCgroupPath(e.oomMemcg).level === 'pod');
  if (k?.memcgUsageBytes) return { bytes: k.memcgUsageBytes, source: "kernel.log: the pod cgroup's usage at the kill" };
  const limit = a.podLevel?.cgroupLimitBytes ?? a.requests.effectiveLimitBytes;
  return v && limit !== null ? { bytes: limit, source: 'the pod limit it was OOM-killed at (inferred)' } : null;
}

function podAdvice(a: Analysis, pod: KPod, now: string): SizingAdvice | null {
  const r = pod.spec?.resources;
  if (!a.podLevel || (r?.requests?.memory === undefined && r?.limits?.memory === undefined)) return null;
  const oomKilled = a.containers.some((c) => c.lastState?.reason === 'OOMKilled');
  const advice = sizeFrom(
    {
      figures: a.podLevel,
      requestBytes: a.requests.effectiveRequestBytes,
      oom: podOomUsage(a),
      oomKilled,
      startedAt: a.pod.startTime,
      limitHits: a.podLevel.limitHits,
      containers: 1,
    },
    now,
  );
  if (advice.limitBytes === null) return advice;
  const command = podCommand(pod, advice.requestBytes, advice.limitBytes);
  const blocked = command ? null : commandBlocked(pod, true);
  return { ...advice, command, reasons: blocked ? [...advice.reasons, `No command: ${blocked}.`] : advice.reasons };
}

/** The analysis with `containers[].advice` and `podLevel.advice` filled in. */
export function adviseSizing(a: Analysis, pod: KPod, now: string): Analysis {
  return {
    ...a,
    podLevel: a.podLevel ? { ...a.podLevel, advice: podAdvice(a, pod, now) } : null,
    containers: a.containers.map((c) => ({ ...c, advice: containerAdvice(a, pod, c, now) })),
  };
}
