// The single pure entry point: facts in, analysis out. No I/O, no clock (`now` is passed in).
//
// Order of work: the spec (requests, limits, QoS) → where the pod's cgroups are → figures per container and
// per level (cgroup files first, the kubelet Summary API second, metrics.k8s.io last) → the node → the
// kernel's OOM lines about this pod → verdicts. Anything missing becomes a notice, never a zero.
import { adviseSizing } from './advice.js';
import { classifyCgroupPath, detectCgroupVersion, locatePod, parseContainerId } from './cgroup.js';
import { emptyFigures, figuresFromLevel, figuresFromMetrics, figuresFromSummary, workingSet } from './figures.js';
import {
  containerSpecs,
  effectiveRequest,
  flattenState,
  holdsResources,
  oomScoreAdj,
  oomScoreRequests,
  qosClass,
  requestSummary,
  type ContainerSpec,
} from './ladder.js';
import { parseEvictionMessage, parseKernelOomLog } from './messages.js';
import { normalizeFacts } from './normalize.js';
import { evictionFacts } from './eviction.js';
import { nodeCapacity } from './node-capacity.js';
import { partNotices } from './parts.js';
import { parseBytes } from './quantity.js';
import { verdicts, type Draft } from './verdicts.js';
import type {
  Analysis,
  CgroupLevel,
  CgroupLocation,
  ContainerAnalysis,
  ContainerState,
  Facts,
  KContainerStatus,
  KEvent,
  KernelOomEvent,
  KMeta,
  KNode,
  KPod,
  LevelSummary,
  MemoryFigures,
  NodeAnalysis,
  NodeFit,
  Notice,
  PodResize,
  QosClass,
  RequestSummary,
  SummaryMemory,
  SummarySwap,
  UnreadableFile,
  KubeletSummary,
} from './types.js';

export interface AnalyseOptions {
  /** The moment of the analysis, ISO 8601 (used for `generatedAt`). */
  now: string;
}

/** Where a cgroup level's files are shown as coming from (the snapshot/node path). */
function levelWhere(level: CgroupLevel): string {
  const rel = level.path ? `/${level.path}` : '';
  return level.version === 'v1' ? `cgroup/memory${rel}` : `cgroup${rel}`;
}

interface Counters {
  oomKills: number | null;
  limitHits: number | null;
  localOoms: number | null;
  localLimitHits: number | null;
  oomGroupKills: number | null;
  psi: LevelSummary['psi'];
  sources: Record<string, string>;
}

function counters(level: CgroupLevel): Counters {
  const where = levelWhere(level);
  if (level.version === 'v1') {
    return {
      oomKills: level.oomControl?.oomKill ?? null,
      limitHits: level.failcnt,
      localOoms: null,
      localLimitHits: null,
      oomGroupKills: null,
      psi: level.psi,
      sources: {
        oomKills: `${where}/memory.oom_control oom_kill`,
        limitHits: `${where}/memory.failcnt`,
        psi: `${where}/memory.pressure`,
      },
    };
  }
  return {
    oomKills: level.events?.oomKill ?? null,
    limitHits: level.events?.max ?? null,
    localOoms: level.eventsLocal?.oom ?? null,
    localLimitHits: level.eventsLocal?.max ?? null,
    oomGroupKills: level.events?.oomGroupKill ?? null,
    psi: level.psi,
    sources: {
      oomKills: `${where}/memory.events oom_kill`,
      limitHits: `${where}/memory.events max`,
      localOoms: `${where}/memory.events.local oom`,
      localLimitHits: `${where}/memory.events.local max`,
      oomGroupKills: `${where}/memory.events oom_group_kill`,
      psi: `${where}/memory.pressure`,
    },
  };
}

/**
 * A level whose memory.stat failed its check (or could not be read) has no inactive_file: its working set is
 * unknown, not its usage (usage includes the page cache, so it would raise false NearLimit/AboveRequest verdicts).
 */
function withoutDamagedStat(
  figures: MemoryFigures,
  level: CgroupLevel,
  damage: ReadonlyArray<{ file: string }>,
): MemoryFigures {
  const stat = `${level.path ? `${level.path}/` : ''}memory.stat`;
  const damaged = damage.some((d) => d.file === stat || d.file.endsWith(`/${stat}`));
  if (!damaged || level.stat) return figures;
  return {
    ...figures,
    workingSetBytes: null,
    sources: { ...figures.sources, workingSetBytes: `unknown: ${stat} failed its check` },
  };
}

function levelSummary(level: CgroupLevel, damage: ReadonlyArray<{ file: string }> = []): LevelSummary {
  const f = withoutDamagedStat(figuresFromLevel(level, levelWhere(level)), level, damage);
  const c = counters(level);
  return {
    ...f,
    path: levelWhere(level),
    oomKills: c.oomKills,
    limitHits: c.limitHits,
    localOoms: c.localOoms,
    localLimitHits: c.localLimitHits,
    oomGroupKills: c.oomGroupKills,
    psi: c.psi,
    sources: { ...f.sources, ...c.sources },
  };
}

function summaryLevel(memory: SummaryMemory | undefined, where: string): LevelSummary | null {
  if (!memory) return null;
  const f = figuresFromSummary(memory, where);
  const psi = memory.psi
    ? {
        some: memory.psi.some
          ? {
              avg10: memory.psi.some.avg10 ?? 0,
              avg60: memory.psi.some.avg60 ?? 0,
              avg300: memory.psi.some.avg300 ?? 0,
              totalUsec: memory.psi.some.total ?? 0,
            }
          : null,
        full: memory.psi.full
          ? {
              avg10: memory.psi.full.avg10 ?? 0,
              avg60: memory.psi.full.avg60 ?? 0,
              avg300: memory.psi.full.avg300 ?? 0,
              totalUsec: memory.psi.full.total ?? 0,
            }
          : null,
      }
    : null;
  return {
    ...f,
    path: where,
    oomKills: null,
    limitHits: null,
    localOoms: null,
    localLimitHits: null,
    oomGroupKills: null,
    psi,
  };
}

function ratio(a: number | null, b: number | null): number | null {
  return a === null || b === null || b <= 0 ? null : a / b;
}

function nodeName(n: KNode | null | undefined): string | null {
  return n?.metadata?.name ?? null;
}

function sumRequestsOn(node: string, pods: KPod[], self: KPod | null): { bytes: number; count: number } {
  let bytes = 0;
  let count = 0;
  const selfUid = self?.metadata?.uid;
  let sawSelf = false;
  for (const p of pods) {
    if (p.spec?.nodeName !== node || !holdsResources(p)) continue;
    if (selfUid && p.metadata?.uid === selfUid) sawSelf = true;
    bytes += effectiveRequest(p);
    count++;
  }
  if (self && self.spec?.nodeName === node && holdsResources(self) && !sawSelf) {
    bytes += effectiveRequest(self);
    count++;
  }
  return { bytes, count };
}

/** What every step reads: the normalised facts and what was worked out from the spec. */
interface Context {
  facts: Facts;
  pod: KPod;
  meta: KMeta;
  notices: Notice[];
  /** A static pod's cgroups (and the kernel's lines about them) carry the kubelet's config hash, not the mirror pod's uid. */
  cgroupUid: string | undefined;
  specs: ContainerSpec[];
  qos: QosClass | null;
  /** The node's capacity, from the node object or (without one) the kubelet summary's available + working set. */
  capacity: ReturnType<typeof nodeCapacity>;
  capacityBytes: number | null;
  statusOf: (name: string) => KContainerStatus | undefined;
  /** Every container ID the pod has had (current and last), for cgroups (current) and kernel OOM lines (either). */
  containerIds: Map<string, string>;
  /** Files the reader's output named but that failed their checks (Facts.unreadable): never a silent fallback. */
  damage: ReadonlyArray<{ file: string; problem: string }>;
}

type SummaryPod = NonNullable<KubeletSummary['pods']>[number];

function containerContext(facts: Facts): Context {
  const pod = facts.pod;
  const meta = pod.metadata ?? {};
  const statuses = [
    ...(pod.status?.initContainerStatuses ?? []),
    ...(pod.status?.containerStatuses ?? []),
    ...(pod.status?.ephemeralContainerStatuses ?? []),
  ];
  const containerIds = new Map<string, string>();
  for (const s of statuses) {
    for (const raw of [s.containerID, s.lastState?.terminated?.containerID, s.state?.terminated?.containerID]) {
      const id = raw ? parseContainerId(raw) : null;
      if (id && s.name) containerIds.set(id.id, s.name);
    }
  }
  return {
    facts,
    pod,
    meta,
    notices: [],
    cgroupUid: meta.annotations?.['kubernetes.io/config.mirror'] ?? meta.uid,
    specs: containerSpecs(pod),
    qos: qosClass(pod),
    capacity: nodeCapacity(facts.node, facts.summary),
    capacityBytes: nodeCapacity(facts.node, facts.summary).bytes,
    statusOf: (name) => statuses.find((s) => s.name === name),
    containerIds,
    damage: facts.unreadable ?? [],
  };
}

function damageText(ctx: Context): string {
  const d = ctx.damage;
  return (
    d
      .slice(0, 3)
      .map((x) => `${x.file}: ${x.problem}`)
      .join('; ') + (d.length > 3 ? `; ${d.length - 3} more` : '')
  );
}

/** Damaged reader output is named, and what it would have decided stays unknown (never a fallback). */
function damageNotice(ctx: Context): void {
  if (ctx.damage.length > 0)
    ctx.notices.push({
      part: 'cgroup-files',
      message: `Not used, the reader's output failed its checks: ${damageText(ctx)}. Figures from these files are unknown; verdicts that need them are not given.`,
    });
}

/** Where the pod's cgroups are in the files, with a notice for each reason they cannot be found. */
function locateCgroups(ctx: Context): CgroupLocation | null {
  const files = ctx.facts.cgroupFiles;
  if (!files || Object.keys(files).length === 0) return null;
  const say = (message: string) => ctx.notices.push({ part: 'cgroup', message });
  if (!detectCgroupVersion(files))
    return (say('The cgroup folder holds no memory controller files; figures come from the API instead.'), null);
  if (!ctx.cgroupUid) return (say('pod.json has no metadata.uid, so the pod cgroup cannot be found.'), null);
  const location = locatePod(files, { podUid: ctx.cgroupUid, containerIds: [...ctx.containerIds.keys()] });
  if (!location && ctx.damage.length > 0)
    say(
      `The pod's cgroup directory is not in the reader's output, which was damaged (${damageText(ctx)}): the pod may well be there; run again.`,
    );
  else if (!location)
    say(
      `No cgroup directory for pod UID ${ctx.meta.uid} in the cgroup files (the pod may have been deleted or run on another node).`,
    );
  else if (!location.pod)
    say(`The pod cgroup directory holds no memory files in the snapshot: pod-level figures are unknown.`);
  return location;
}

/** Swap, Memory QoS and memory.oom.group of a container, from its cgroup or (swap) the kubelet Summary API. */
function memoryControls(level: CgroupLevel | null, swap: SummarySwap | undefined) {
  const summarySwap = typeof swap?.swapUsageBytes === 'number' ? swap.swapUsageBytes : null;
  return {
    swapBytes: level?.swapBytes ?? summarySwap,
    swapLimitBytes: level?.swapLimitBytes ?? null,
    memoryHighBytes: level?.highBytes ?? null,
    memoryMinBytes: level?.minBytes ?? null,
    memoryLowBytes: level?.version === 'v2' ? level.lowBytes : null,
    highEvents: level?.events?.high ?? null,
    oomGroup: level?.oomGroup ?? null,
    oomGroupKills: level?.events?.oomGroupKill ?? null,
  };
}

/** Figures of one container: its cgroup first, then the kubelet Summary API, then metrics.k8s.io. */
function containerFigures(
  ctx: Context,
  spec: ContainerSpec,
  location: CgroupLocation | null,
  summaryPod: SummaryPod | undefined,
  running: boolean,
) {
  const st = ctx.statusOf(spec.name);
  const currentId = st?.containerID ? (parseContainerId(st.containerID)?.id ?? null) : null;
  const found = currentId ? location?.containers[currentId] : undefined;
  const sc = summaryPod?.containers?.find((c) => c.name === spec.name);
  if (found) {
    const cgroupPath = levelWhere(found.level);
    const figures = withoutDamagedStat(figuresFromLevel(found.level, cgroupPath), found.level, ctx.damage);
    return {
      currentId,
      level: found.level,
      cgroupPath,
      figures,
      ctr: counters(found.level) as Counters | null,
      swap: sc?.swap,
    };
  }
  let figures: MemoryFigures = emptyFigures();
  const metric = ctx.facts.podMetrics?.containers?.find((c) => c.name === spec.name);
  const metricBytes = parseBytes(metric?.usage?.memory ?? null);
  if (sc?.memory)
    figures = figuresFromSummary(sc.memory, `summary.json pods[${ctx.meta.name}].containers[${spec.name}].memory`);
  else if (metricBytes !== null)
    figures = figuresFromMetrics(metricBytes, `podmetrics.json containers[${spec.name}].usage.memory`);
  if (location?.pod && running && currentId) {
    const message =
      ctx.damage.length > 0
        ? `The cgroup directory of container ${spec.name} (${currentId.slice(0, 12)}) is not in the reader's output, which was damaged: its cgroup figures are unknown.`
        : `No cgroup directory for container ${spec.name} (${currentId.slice(0, 12)}) under the pod cgroup.`;
    ctx.notices.push({ part: 'cgroup', message });
  }
  return { currentId, level: null, cgroupPath: null, figures, ctr: null as Counters | null, swap: sc?.swap };
}

const UNKNOWN_STATE: ContainerState = {
  state: 'unknown',
  reason: null,
  exitCode: null,
  startedAt: null,
  finishedAt: null,
};

/** Where each spec-side number of a container comes from. */
function specSources(spec: ContainerSpec): Record<string, string> {
  const field =
    spec.kind === 'container' ? 'containers' : spec.kind === 'ephemeral' ? 'ephemeralContainers' : 'initContainers';
  const status = `pod.status.${spec.kind === 'container' ? 'containerStatuses' : spec.kind === 'ephemeral' ? 'ephemeralContainerStatuses' : 'initContainerStatuses'}[${spec.name}].resources`;
  const limit: Record<typeof spec.limitSource, string> = {
    container: `pod.spec.${field}[${spec.name}].resources.limits.memory`,
    resized: `${status}.limits.memory (in-place resize)`,
    'pod-level': 'pod.spec.resources.limits.memory (pod-level)',
    none: `pod.spec.${field}[${spec.name}].resources`,
  };
  const requestFromStatus = spec.actualRequestBytes !== spec.requestBytes;
  return {
    requestBytes: requestFromStatus
      ? `${status}.requests.memory`
      : `pod.spec.${field}[${spec.name}].resources.requests.memory`,
    limitBytes: limit[spec.limitSource],
  };
}

function analyseContainer(
  ctx: Context,
  spec: ContainerSpec,
  location: CgroupLocation | null,
  summaryPod: SummaryPod | undefined,
): ContainerAnalysis {
  const st = ctx.statusOf(spec.name);
  const state = flattenState(st?.state) ?? UNKNOWN_STATE;
  const read = containerFigures(ctx, spec, location, summaryPod, state.state === 'running');
  const { figures, ctr } = read;
  const limit = spec.limitInForceBytes;
  const limitForHeadroom = figures.cgroupLimitBytes ?? limit;
  const adj = oomScoreRequests(ctx.pod, ctx.specs, spec);
  const { sources: figureSources, ...figureValues } = figures;
  return {
    name: spec.name,
    kind: spec.kind,
    containerId: read.currentId,
    cgroupPath: read.cgroupPath,
    requestBytes: spec.actualRequestBytes,
    limitBytes: limit,
    limitSource: spec.limitSource,
    specLimitBytes: spec.limitBytes,
    specRequestBytes: spec.requestBytes,
    ...memoryControls(read.level, read.swap),
    oomScoreAdj: oomScoreAdj(
      ctx.qos,
      adj.requestBytes,
      ctx.capacityBytes,
      ctx.pod.spec?.priorityClassName,
      adj.sidecarFloorRequestBytes,
    ),
    restartCount: typeof st?.restartCount === 'number' ? st.restartCount : null,
    state,
    lastState: flattenState(st?.lastState),
    ...figureValues,
    oomKills: ctr?.oomKills ?? null,
    limitHits: ctr?.limitHits ?? null,
    localOoms: ctr?.localOoms ?? null,
    psi: ctr?.psi ?? null,
    headroom: {
      usageOfLimit: ratio(figures.usageBytes, limitForHeadroom),
      workingSetOfLimit: ratio(figures.workingSetBytes, limit ?? figures.cgroupLimitBytes),
      workingSetOfRequest: ratio(figures.workingSetBytes, spec.actualRequestBytes),
      bytesToLimit:
        figures.usageBytes !== null && limitForHeadroom !== null ? limitForHeadroom - figures.usageBytes : null,
    },
    sources: { ...figureSources, ...(ctr?.sources ?? {}), ...specSources(spec) },
  };
}

/** Kernel OOM lines about this pod (by the killed task's cgroup or the cgroup whose limit fired). */
function podKernelOoms(ctx: Context): KernelOomEvent[] {
  const all = ctx.facts.kernelLog ? parseKernelOomLog(ctx.facts.kernelLog) : [];
  const uid = ctx.cgroupUid;
  const mine = all.filter((e) => {
    const task = e.taskMemcg ? classifyCgroupPath(e.taskMemcg) : null;
    const memcg = e.oomMemcg ? classifyCgroupPath(e.oomMemcg) : null;
    return (
      (!!uid && (task?.podUid === uid || memcg?.podUid === uid)) ||
      (!!task?.containerId && ctx.containerIds.has(task.containerId))
    );
  });
  if (mine.length === 0 && all.length > 0)
    ctx.notices.push({
      part: 'kernel.log',
      message: 'The kernel log has OOM kills, but none of a process of this pod.',
    });
  return mine;
}

function analyseNode(
  ctx: Context,
  location: CgroupLocation | null,
  thresholdBytes: number | null,
): NodeAnalysis | null {
  const { facts, pod, capacityBytes } = ctx;
  const podNode = pod.spec?.nodeName;
  if (!podNode) return null;
  const allocatableBytes = parseBytes(facts.node?.status?.allocatable?.memory ?? null);
  const requested = facts.nodePods ? sumRequestsOn(podNode, facts.nodePods, pod) : null;
  const kubepods = location?.kubepods
    ? levelSummary(location.kubepods, ctx.damage)
    : summaryLevel(
        facts.summary?.node?.systemContainers?.find((s) => s.name === 'pods')?.memory,
        'summary.json node.systemContainers[pods].memory',
      );
  const root = location?.root
    ? levelSummary(location.root, ctx.damage)
    : summaryLevel(facts.summary?.node?.memory, 'summary.json node.memory');
  const pressure = facts.node?.status?.conditions?.find((c) => c.type === 'MemoryPressure');
  const summaryAvailable = facts.summary?.node?.memory?.availableBytes;
  const rootWs = root && location?.root ? workingSet(root.usageBytes, root.breakdown.inactiveFileBytes) : null;
  if (!facts.node)
    ctx.notices.push({
      part: 'node',
      message: `${facts.missing.node ?? 'No node object'}: ${capacityBytes === null ? 'capacity, allocatable and oom_score_adj are unknown' : `allocatable is unknown (capacity from the ${ctx.capacity.source})`}.`,
    });
  if (!facts.nodePods)
    ctx.notices.push({
      part: 'node-pods',
      message: `${facts.missing['node-pods'] ?? 'No pod list'}: the requests already bound to the node are unknown.`,
    });
  return {
    name: podNode,
    capacityBytes,
    capacitySource: ctx.capacity.source,
    allocatableBytes,
    requestedBytes: requested?.bytes ?? null,
    podsCounted: requested?.count ?? null,
    memoryPressure: pressure ? pressure.status === 'True' : null,
    memoryAvailableBytes:
      typeof summaryAvailable === 'number'
        ? summaryAvailable
        : capacityBytes !== null && rootWs !== null
          ? capacityBytes - rootWs
          : null,
    allocatableAvailableBytes:
      kubepods && kubepods.cgroupLimitBytes !== null && kubepods.workingSetBytes !== null
        ? kubepods.cgroupLimitBytes - kubepods.workingSetBytes
        : null,
    reservedBytes: capacityBytes !== null && allocatableBytes !== null ? capacityBytes - allocatableBytes : null,
    evictionThresholdBytes: thresholdBytes,
    kubepods,
    root,
    kernelVersion: facts.node?.status?.nodeInfo?.kernelVersion ?? null,
    runtime: facts.node?.status?.nodeInfo?.containerRuntimeVersion ?? null,
  };
}

/** Node fit for a pod the scheduler has not placed. */
function nodeFitsFor(ctx: Context, requests: RequestSummary): NodeFit[] {
  const { facts, pod } = ctx;
  if (pod.spec?.nodeName || pod.status?.phase !== 'Pending') return [];
  const candidates = new Map<string, KNode>();
  for (const n of [...(facts.nodes ?? []), ...(facts.node ? [facts.node] : [])]) {
    const name = nodeName(n);
    if (name) candidates.set(name, n);
  }
  const req = requests.effectiveRequestBytes;
  const fits: NodeFit[] = [];
  for (const [name, n] of candidates) {
    const allocatableBytes = parseBytes(n.status?.allocatable?.memory ?? null);
    const requested = facts.nodePods ? sumRequestsOn(name, facts.nodePods, null).bytes : null;
    const freeBytes = allocatableBytes !== null && requested !== null ? allocatableBytes - requested : null;
    const marginBytes = freeBytes !== null && req !== null ? freeBytes - req : null;
    const notes: string[] = [];
    if (n.spec?.unschedulable) notes.push('cordoned');
    if (n.spec?.taints?.some((t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute'))
      notes.push('has NoSchedule/NoExecute taints');
    if (requested === null) notes.push('requests of its pods unknown (no node-pods.json)');
    fits.push({
      node: name,
      allocatableBytes,
      requestedBytes: requested,
      freeBytes,
      marginBytes,
      fits: marginBytes === null ? null : marginBytes >= 0,
      note: notes.length ? notes.join('; ') : null,
    });
  }
  if (candidates.size === 0)
    ctx.notices.push({
      part: 'nodes',
      message: `${facts.missing.nodes ?? 'No node list'}: the per-node fit of the request cannot be computed.`,
    });
  return fits;
}

function isPodEventOf(meta: KMeta) {
  return (e: KEvent): boolean => {
    const o = e.involvedObject;
    if (!o || o.kind === 'Node') return false;
    return (
      (!!meta.uid && o.uid === meta.uid) || (o.name === meta.name && (o.namespace ?? meta.namespace) === meta.namespace)
    );
  };
}

function eventRows(ctx: Context): Analysis['events'] {
  const isPodEvent = isPodEventOf(ctx.meta);
  const podNode = ctx.pod.spec?.nodeName;
  return (ctx.facts.events ?? [])
    .filter((e) => isPodEvent(e) || (e.involvedObject?.kind === 'Node' && e.involvedObject.name === podNode))
    .map((e) => ({
      type: e.type ?? null,
      reason: e.reason ?? null,
      message: e.message ?? null,
      count: typeof e.count === 'number' ? e.count : null,
      lastSeen: e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? null,
      object: e.involvedObject ? `${e.involvedObject.kind ?? '?'}/${e.involvedObject.name ?? '?'}` : null,
    }))
    .map((row) => ({ row, at: instantOrFirst(row.lastSeen) }))
    .sort(byTimeThenText)
    .map(({ row }) => row);
}

/** Milliseconds since the epoch; a missing or unparseable time sorts first. */
function instantOrFirst(time: string | null): number {
  const at = time === null ? Number.NaN : Date.parse(time);
  return Number.isNaN(at) ? Number.NEGATIVE_INFINITY : at;
}

/**
 * Oldest first, by the instant: lastTimestamp has seconds, eventTime microseconds, and either may carry an offset,
 * so their text does not sort as time does. Ties (and unparseable times) by text, as bytes: localeCompare cost
 * ~17 ms on a node's 5,000 events.
 */
function byTimeThenText(a: { row: { lastSeen: string | null }; at: number }, b: typeof a): number {
  if (a.at !== b.at) return a.at < b.at ? -1 : 1;
  const sa = a.row.lastSeen ?? '';
  const sb = b.row.lastSeen ?? '';
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

/**
 * An in-place resize in flight: conditions PodResizePending (reason Infeasible or Deferred) and
 * PodResizeInProgress (1.33+), or the older status.resize field.
 */
export function podResize(pod: KPod): PodResize | null {
  const conditions = pod.status?.conditions ?? [];
  const pending = conditions.find((c) => c.type === 'PodResizePending' && c.status === 'True');
  if (pending)
    return {
      state: pending.reason === 'Infeasible' ? 'infeasible' : 'pending',
      message: pending.message ?? pending.reason ?? null,
    };
  const progress = conditions.find((c) => c.type === 'PodResizeInProgress' && c.status === 'True');
  if (progress) return { state: 'in-progress', message: progress.message ?? progress.reason ?? null };
  const legacy: Record<string, PodResize['state']> = {
    Proposed: 'pending',
    Deferred: 'pending',
    Infeasible: 'infeasible',
    InProgress: 'in-progress',
  };
  const old = pod.status?.resize ? legacy[pod.status.resize] : undefined;
  return old ? { state: old, message: `status.resize ${pod.status?.resize}` } : null;
}

/**
 * Files that were present but could not be used: those of the pod's cgroup levels analyse() could not parse,
 * those the gatherer reported (a reader frame with a bad checksum, a file over the size cap).
 */
function unreadableFiles(facts: Facts, location: CgroupLocation | null): UnreadableFile[] {
  const levels = location
    ? [
        location.root,
        location.kubepods,
        location.qos,
        location.pod,
        ...Object.values(location.containers).map((c) => c.level),
      ]
    : [];
  const dirs = new Set(levels.filter((l): l is CgroupLevel => l !== null).map((l) => levelWhere(l)));
  const out: UnreadableFile[] = levels.flatMap((l) => l?.unreadable ?? []);
  for (const [file, why] of Object.entries(facts.missing)) {
    const dir = file.slice(0, file.lastIndexOf('/'));
    if (why !== undefined && file.startsWith('cgroup/') && why.startsWith('skipped') && (!location || dirs.has(dir)))
      out.push({ file, problem: why });
  }
  out.push(...(facts.unreadable ?? []));
  const seen = new Set<string>();
  return out.filter((u) => !seen.has(u.file) && seen.add(u.file));
}

/** A v1 node on kubelet ≥ 1.35: the kubelet refuses cgroup v1 unless failCgroupV1 is set to false. */
function cgroupV1Note(ctx: Context, location: CgroupLocation | null): void {
  const version = /^v?(\d+)\.(\d+)/.exec(ctx.facts.node?.status?.nodeInfo?.kubeletVersion ?? '');
  if (location?.version !== 'v1' || !version) return;
  const [major, minor] = [Number(version[1]), Number(version[2])];
  if (major === 1 && minor >= 35) {
    ctx.notices.push({
      part: 'cgroup',
      message: `Node ${ctx.pod.spec?.nodeName ?? '?'} runs cgroup v1 with kubelet ${ctx.facts.node?.status?.nodeInfo?.kubeletVersion}: since 1.35 the kubelet refuses v1 unless failCgroupV1 is set to false, so this node was explicitly opted out (cgroup v1 is deprecated; KEP-5573).`,
    });
  }
}

/** Say what is unknown only where it matters for this pod. */
function closingNotices(
  ctx: Context,
  draft: Draft,
  found: Analysis['verdicts'],
  summaryPod: SummaryPod | undefined,
  location: CgroupLocation | null,
): void {
  const { facts, notices } = ctx;
  const blind = draft.containers.filter(
    (c) => c.state.state === 'running' && c.usageBytes === null && c.workingSetBytes === null,
  );
  if (blind.length > 0) {
    const why = [
      facts.missing.cgroup ?? (facts.cgroupFiles ? null : 'no cgroup files'),
      facts.missing.summary ?? (facts.summary ? null : 'no kubelet summary'),
      facts.missing.podmetrics ?? (facts.podMetrics ? null : 'no pod metrics'),
    ].filter(Boolean);
    notices.push({
      part: 'usage',
      message: `Usage, working set and breakdown of ${blind.map((c) => c.name).join(', ')} are unknown (${why.join('; ') || 'not in the data read'}).`,
    });
  } else if (!location && (summaryPod || facts.podMetrics)) {
    notices.push({
      part: 'cgroup',
      message: `${facts.missing.cgroup ?? 'No cgroup files'}: figures come from the ${summaryPod ? 'kubelet Summary API' : 'metrics API'}, without the page cache, shmem and kernel breakdown.`,
    });
  }
  if (found.some((v) => v.kind === 'OOMKilled') && !facts.kernelLog) {
    notices.push({
      part: 'kernel.log',
      message: `${facts.missing['kernel.log'] ?? 'No kernel log'}: the OOM level comes from cgroup counters or the spec, not from the kernel's own oom_memcg line.`,
    });
  }
  if (!facts.events && facts.missing.events) notices.push({ part: 'events', message: facts.missing.events });
  if (facts.missing['kernel.log-failed'] && !found.some((v) => v.kind === 'OOMKilled'))
    notices.push({ part: 'kernel.log', message: facts.missing['kernel.log-failed'] });
  if (facts.missing['reader-cleanup']) notices.push({ part: 'reader', message: facts.missing['reader-cleanup'] });
}

function podHeader(pod: KPod, meta: KMeta, qos: QosClass | null): Analysis['pod'] {
  return {
    namespace: meta.namespace ?? null,
    name: meta.name ?? null,
    uid: meta.uid ?? null,
    qosClass: qos,
    resize: podResize(pod),
    node: pod.spec?.nodeName ?? null,
    phase: pod.status?.phase ?? null,
    reason: pod.status?.reason ?? null,
    message: pod.status?.message ?? null,
    priority: typeof pod.spec?.priority === 'number' ? pod.spec.priority : null,
    startTime: pod.status?.startTime ?? null,
  };
}

export function analyse(input: Facts, options: AnalyseOptions): Analysis {
  const ctx = containerContext(normalizeFacts(input));
  const { facts, pod, meta } = ctx;
  const requests = requestSummary(pod, ctx.specs);
  damageNotice(ctx);
  const location = locateCgroups(ctx);
  cgroupV1Note(ctx, location);
  const summaryPod = facts.summary?.pods?.find(
    (p) =>
      (meta.uid && p.podRef?.uid === meta.uid) ||
      (p.podRef?.name === meta.name && p.podRef?.namespace === meta.namespace),
  );
  const containers = ctx.specs.map((spec) => analyseContainer(ctx, spec, location, summaryPod));
  const podLevel = location?.pod
    ? levelSummary(location.pod, ctx.damage)
    : summaryLevel(summaryPod?.memory, `summary.json pods[${meta.name}].memory`);
  const kernelOoms = podKernelOoms(ctx);
  const evictionMessage =
    pod.status?.reason === 'Evicted' && pod.status.message ? parseEvictionMessage(pod.status.message) : null;
  const node = analyseNode(ctx, location, evictionMessage?.thresholdBytes ?? null);
  const nodeFits = nodeFitsFor(ctx, requests);
  const podEvents = (facts.events ?? []).filter(isPodEventOf(meta));
  const draft: Draft = {
    schemaVersion: 1,
    generatedAt: options.now,
    pod: podHeader(pod, meta, ctx.qos),
    requests,
    cgroup: location
      ? { version: location.version, driver: location.driver, podPath: location.pod ? levelWhere(location.pod) : null }
      : null,
    podLevel,
    containers,
    node,
    nodeFits,
    kernelOoms,
    eviction: evictionFacts(pod, podEvents),
    events: eventRows(ctx),
    notices: ctx.notices,
    otherPods: facts.otherPods ?? [],
    facts: { unreadable: unreadableFiles(facts, location) },
  };
  const found = verdicts({ draft, pod, containerIds: ctx.containerIds, events: podEvents });
  closingNotices(ctx, draft, found, summaryPod, location);
  ctx.notices.push(...partNotices(facts.missing, ctx.notices));
  return adviseSizing({ ...draft, notices: ctx.notices, verdicts: found }, pod, options.now);
}
