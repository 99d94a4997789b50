// The single pure entry point: facts in, analysis out. No I/O, no clock (`now` is passed in).
//
// Order of work: the spec (requests, limits, QoS) → where the pod's cgroups are → figures per container and
// per level (cgroup files first, the kubelet Summary API second, metrics.k8s.io last) → the node → the
// kernel's OOM lines about this pod → verdicts. Anything missing becomes a notice, never a zero.
import { classifyCgroupPath, detectCgroupVersion, locatePod, parseContainerId } from './cgroup.js';
import { emptyFigures, figuresFromLevel, figuresFromMetrics, figuresFromSummary, workingSet } from './figures.js';
import { containerSpecs, effectiveRequest, flattenState, holdsResources, oomScoreAdj, qosClass, requestSummary } from './ladder.js';
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
  Facts,
  KEvent,
  KNode,
  KPod,
  LevelSummary,
  MemoryFigures,
  NodeAnalysis,
  NodeFit,
  Notice,
  SummaryMemory,
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
      psi: level.psi,
      sources: { oomKills: `${where}/memory.oom_control oom_kill`, limitHits: `${where}/memory.failcnt`, psi: `${where}/memory.pressure` },
    };
  }
  return {
    oomKills: level.events?.oomKill ?? null,
    limitHits: level.events?.max ?? null,
    localOoms: level.eventsLocal?.oom ?? null,
    psi: level.psi,
    sources: { oomKills: `${where}/memory.events oom_kill`, limitHits: `${where}/memory.events max`, localOoms: `${where}/memory.events.local oom`, psi: `${where}/memory.pressure` },
  };
}

function levelSummary(level: CgroupLevel): LevelSummary {
  const f = figuresFromLevel(level, levelWhere(level));
  const c = counters(level);
  return { ...f, path: levelWhere(level), oomKills: c.oomKills, limitHits: c.limitHits, localOoms: c.localOoms, psi: c.psi, sources: { ...f.sources, ...c.sources } };
}

function summaryLevel(memory: SummaryMemory | undefined, where: string): LevelSummary | null {
  if (!memory) return null;
  const f = figuresFromSummary(memory, where);
  const psi = memory.psi
    ? {
        some: memory.psi.some ? { avg10: memory.psi.some.avg10 ?? 0, avg60: memory.psi.some.avg60 ?? 0, avg300: memory.psi.some.avg300 ?? 0, totalUsec: memory.psi.some.total ?? 0 } : null,
        full: memory.psi.full ? { avg10: memory.psi.full.avg10 ?? 0, avg60: memory.psi.full.avg60 ?? 0, avg300: memory.psi.full.avg300 ?? 0, totalUsec: memory.psi.full.total ?? 0 } : null,
      }
    : null;
  return { ...f, path: where, oomKills: null, limitHits: null, localOoms: null, psi };
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

export function analyse(input: Facts, options: AnalyseOptions): Analysis {
  const facts = normalizeFacts(input);
  const pod = facts.pod;
  const meta = pod.metadata ?? {};
  const notices: Notice[] = [];
  // A static pod's cgroups (and the kernel's lines about them) carry the kubelet's config hash, not the
  // mirror pod's uid.
  const cgroupUid = meta.annotations?.['kubernetes.io/config.mirror'] ?? meta.uid;
  const specs = containerSpecs(pod);
  const qos = qosClass(pod);
  const requests = requestSummary(pod, specs);
  const podNode = pod.spec?.nodeName ?? null;
  const capacity = nodeCapacity(facts.node, facts.summary);
  const capacityBytes = capacity.bytes;

  // Container IDs: current and last, for cgroups (current) and kernel OOM lines (either).
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  const statusOf = (name: string) => statuses.find((s) => s.name === name);
  const containerIds = new Map<string, string>();
  for (const s of statuses) {
    for (const raw of [s.containerID, s.lastState?.terminated?.containerID, s.state?.terminated?.containerID]) {
      const id = raw ? parseContainerId(raw) : null;
      if (id && s.name) containerIds.set(id.id, s.name);
    }
  }

  // Cgroups.
  let location: CgroupLocation | null = null;
  if (facts.cgroupFiles && Object.keys(facts.cgroupFiles).length > 0) {
    const version = detectCgroupVersion(facts.cgroupFiles);
    if (!version) notices.push({ part: 'cgroup', message: 'The cgroup folder holds no memory controller files; figures come from the API instead.' });
    else if (!cgroupUid) notices.push({ part: 'cgroup', message: 'pod.json has no metadata.uid, so the pod cgroup cannot be found.' });
    else {
      location = locatePod(facts.cgroupFiles, { podUid: cgroupUid, containerIds: [...containerIds.keys()] });
      if (!location) notices.push({ part: 'cgroup', message: `No cgroup directory for pod UID ${meta.uid} in the cgroup files (the pod may have been deleted or run on another node).` });
      else if (!location.pod) notices.push({ part: 'cgroup', message: `The pod cgroup directory holds no memory files in the snapshot: pod-level figures are unknown.` });
    }
  }

  const summaryPod = facts.summary?.pods?.find((p) => (meta.uid && p.podRef?.uid === meta.uid) || (p.podRef?.name === meta.name && p.podRef?.namespace === meta.namespace));

  const containers: ContainerAnalysis[] = specs.map((spec) => {
    const st = statusOf(spec.name);
    const currentId = st?.containerID ? parseContainerId(st.containerID)?.id ?? null : null;
    const state = flattenState(st?.state) ?? { state: 'unknown' as const, reason: null, exitCode: null, startedAt: null, finishedAt: null };
    const lastState = flattenState(st?.lastState);
    let figures: MemoryFigures = emptyFigures();
    let cgroupPath: string | null = null;
    let ctr: Counters | null = null;
    const found = currentId ? location?.containers[currentId] : undefined;
    if (found) {
      cgroupPath = levelWhere(found.level);
      figures = figuresFromLevel(found.level, cgroupPath);
      ctr = counters(found.level);
    } else {
      const sc = summaryPod?.containers?.find((c) => c.name === spec.name);
      const metric = facts.podMetrics?.containers?.find((c) => c.name === spec.name);
      const metricBytes = parseBytes(metric?.usage?.memory ?? null);
      if (sc?.memory) figures = figuresFromSummary(sc.memory, `summary.json pods[${meta.name}].containers[${spec.name}].memory`);
      else if (metricBytes !== null) figures = figuresFromMetrics(metricBytes, `podmetrics.json containers[${spec.name}].usage.memory`);
      if (location?.pod && state.state === 'running' && currentId) {
        notices.push({ part: 'cgroup', message: `No cgroup directory for container ${spec.name} (${currentId.slice(0, 12)}) under the pod cgroup.` });
      }
    }
    const limitForHeadroom = figures.cgroupLimitBytes ?? spec.limitBytes;
    const { sources: figureSources, ...figureValues } = figures;
    return {
      name: spec.name,
      kind: spec.kind,
      containerId: currentId,
      cgroupPath,
      requestBytes: spec.requestBytes,
      limitBytes: spec.limitBytes,
      oomScoreAdj: oomScoreAdj(qos, spec.requestBytes, capacityBytes, pod.spec?.priorityClassName),
      restartCount: typeof st?.restartCount === 'number' ? st.restartCount : null,
      state,
      lastState,
      ...figureValues,
      oomKills: ctr?.oomKills ?? null,
      limitHits: ctr?.limitHits ?? null,
      localOoms: ctr?.localOoms ?? null,
      psi: ctr?.psi ?? null,
      headroom: {
        usageOfLimit: ratio(figures.usageBytes, limitForHeadroom),
        workingSetOfLimit: ratio(figures.workingSetBytes, spec.limitBytes ?? figures.cgroupLimitBytes),
        workingSetOfRequest: ratio(figures.workingSetBytes, spec.requestBytes),
        bytesToLimit: figures.usageBytes !== null && limitForHeadroom !== null ? limitForHeadroom - figures.usageBytes : null,
      },
      sources: { ...figureSources, ...(ctr?.sources ?? {}), requestBytes: `pod.spec.containers[${spec.name}].resources.requests.memory`, limitBytes: `pod.spec.containers[${spec.name}].resources.limits.memory` },
    };
  });

  const podLevel = location?.pod ? levelSummary(location.pod) : summaryLevel(summaryPod?.memory, `summary.json pods[${meta.name}].memory`);

  // Kernel OOM lines about this pod (by the killed task's cgroup or the cgroup whose limit fired).
  const allOoms = facts.kernelLog ? parseKernelOomLog(facts.kernelLog) : [];
  const kernelOoms = allOoms.filter((e) => {
    const task = e.taskMemcg ? classifyCgroupPath(e.taskMemcg) : null;
    const memcg = e.oomMemcg ? classifyCgroupPath(e.oomMemcg) : null;
    return (!!cgroupUid && (task?.podUid === cgroupUid || memcg?.podUid === cgroupUid)) || (!!task?.containerId && containerIds.has(task.containerId));
  });
  if (kernelOoms.length === 0 && allOoms.length > 0) {
    notices.push({ part: 'kernel.log', message: 'The kernel log has OOM kills, but none of a process of this pod.' });
  }

  // Node.
  const evictionMessage = pod.status?.reason === 'Evicted' && pod.status.message ? parseEvictionMessage(pod.status.message) : null;
  let node: NodeAnalysis | null = null;
  if (podNode) {
    const allocatableBytes = parseBytes(facts.node?.status?.allocatable?.memory ?? null);
    const requested = facts.nodePods ? sumRequestsOn(podNode, facts.nodePods, pod) : null;
    const kubepods = location?.kubepods ? levelSummary(location.kubepods) : summaryLevel(facts.summary?.node?.systemContainers?.find((s) => s.name === 'pods')?.memory, 'summary.json node.systemContainers[pods].memory');
    const root = location?.root ? levelSummary(location.root) : summaryLevel(facts.summary?.node?.memory, 'summary.json node.memory');
    const pressure = facts.node?.status?.conditions?.find((c) => c.type === 'MemoryPressure');
    const summaryAvailable = facts.summary?.node?.memory?.availableBytes;
    const rootWs = root && location?.root ? workingSet(root.usageBytes, root.breakdown.inactiveFileBytes) : null;
    node = {
      name: podNode,
      capacityBytes,
      capacitySource: capacity.source,
      allocatableBytes,
      requestedBytes: requested?.bytes ?? null,
      podsCounted: requested?.count ?? null,
      memoryPressure: pressure ? pressure.status === 'True' : null,
      memoryAvailableBytes: typeof summaryAvailable === 'number' ? summaryAvailable : capacityBytes !== null && rootWs !== null ? capacityBytes - rootWs : null,
      allocatableAvailableBytes: kubepods && kubepods.cgroupLimitBytes !== null && kubepods.workingSetBytes !== null ? kubepods.cgroupLimitBytes - kubepods.workingSetBytes : null,
      reservedBytes: capacityBytes !== null && allocatableBytes !== null ? capacityBytes - allocatableBytes : null,
      evictionThresholdBytes: evictionMessage?.thresholdBytes ?? null,
      kubepods,
      root,
      kernelVersion: facts.node?.status?.nodeInfo?.kernelVersion ?? null,
      runtime: facts.node?.status?.nodeInfo?.containerRuntimeVersion ?? null,
    };
    if (!facts.node) notices.push({ part: 'node', message: `${facts.missing.node ?? 'No node object'}: ${capacityBytes === null ? 'capacity, allocatable and oom_score_adj are unknown' : `allocatable is unknown (capacity from the ${capacity.source})`}.` });
    if (!facts.nodePods) notices.push({ part: 'node-pods', message: `${facts.missing['node-pods'] ?? 'No pod list'}: the requests already bound to the node are unknown.` });
  }

  // Node fit for a pod the scheduler has not placed.
  const nodeFits: NodeFit[] = [];
  if (!podNode && pod.status?.phase === 'Pending') {
    const candidates = new Map<string, KNode>();
    for (const n of [...(facts.nodes ?? []), ...(facts.node ? [facts.node] : [])]) {
      const name = nodeName(n);
      if (name) candidates.set(name, n);
    }
    const req = requests.effectiveRequestBytes;
    for (const [name, n] of candidates) {
      const allocatableBytes = parseBytes(n.status?.allocatable?.memory ?? null);
      const requested = facts.nodePods ? sumRequestsOn(name, facts.nodePods, null).bytes : null;
      const freeBytes = allocatableBytes !== null && requested !== null ? allocatableBytes - requested : null;
      const marginBytes = freeBytes !== null && req !== null ? freeBytes - req : null;
      const notes: string[] = [];
      if (n.spec?.unschedulable) notes.push('cordoned');
      if (n.spec?.taints?.some((t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute')) notes.push('has NoSchedule/NoExecute taints');
      if (requested === null) notes.push('requests of its pods unknown (no node-pods.json)');
      nodeFits.push({ node: name, allocatableBytes, requestedBytes: requested, freeBytes, marginBytes, fits: marginBytes === null ? null : marginBytes >= 0, note: notes.length ? notes.join('; ') : null });
    }
    if (candidates.size === 0) notices.push({ part: 'nodes', message: `${facts.missing.nodes ?? 'No node list'}: the per-node fit of the request cannot be computed.` });
  }

  const isPodEvent = (e: KEvent): boolean => {
    const o = e.involvedObject;
    if (!o || o.kind === 'Node') return false;
    return (!!meta.uid && o.uid === meta.uid) || (o.name === meta.name && (o.namespace ?? meta.namespace) === meta.namespace);
  };
  const podEvents = (facts.events ?? []).filter(isPodEvent);
  const events = (facts.events ?? [])
    .filter((e) => isPodEvent(e) || (e.involvedObject?.kind === 'Node' && e.involvedObject.name === podNode))
    .map((e) => ({
      type: e.type ?? null,
      reason: e.reason ?? null,
      message: e.message ?? null,
      count: typeof e.count === 'number' ? e.count : null,
      lastSeen: e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? null,
      object: e.involvedObject ? `${e.involvedObject.kind ?? '?'}/${e.involvedObject.name ?? '?'}` : null,
    }))
    .sort((a, b) => (a.lastSeen ?? '').localeCompare(b.lastSeen ?? ''));

  const draft: Draft = {
    schemaVersion: 1,
    generatedAt: options.now,
    pod: {
      namespace: meta.namespace ?? null,
      name: meta.name ?? null,
      uid: meta.uid ?? null,
      qosClass: qos,
      node: podNode,
      phase: pod.status?.phase ?? null,
      reason: pod.status?.reason ?? null,
      message: pod.status?.message ?? null,
      priority: typeof pod.spec?.priority === 'number' ? pod.spec.priority : null,
      startTime: pod.status?.startTime ?? null,
    },
    requests,
    cgroup: location ? { version: location.version, driver: location.driver, podPath: location.pod ? levelWhere(location.pod) : null } : null,
    podLevel,
    containers,
    node,
    nodeFits,
    kernelOoms,
    eviction: evictionFacts(pod, podEvents),
    events,
    notices,
    otherPods: facts.otherPods ?? [],
  };
  const found = verdicts({ draft, pod, containerIds, events: podEvents });
  // Say what is unknown only where it matters for this pod.
  const blind = containers.filter((c) => c.state.state === 'running' && c.usageBytes === null && c.workingSetBytes === null);
  if (blind.length > 0) {
    const why = [facts.missing.cgroup ?? (facts.cgroupFiles ? null : 'no cgroup files'), facts.missing.summary ?? (facts.summary ? null : 'no kubelet summary'), facts.missing.podmetrics ?? (facts.podMetrics ? null : 'no pod metrics')].filter(Boolean);
    notices.push({ part: 'usage', message: `Usage, working set and breakdown of ${blind.map((c) => c.name).join(', ')} are unknown (${why.join('; ') || 'not in the data read'}).` });
  } else if (!location && (summaryPod || facts.podMetrics)) {
    notices.push({ part: 'cgroup', message: `${facts.missing.cgroup ?? 'No cgroup files'}: figures come from the ${summaryPod ? 'kubelet Summary API' : 'metrics API'}, without the page cache, shmem and kernel breakdown.` });
  }
  if (found.some((v) => v.kind === 'OOMKilled') && !facts.kernelLog) {
    notices.push({ part: 'kernel.log', message: `${facts.missing['kernel.log'] ?? 'No kernel log'}: the OOM level comes from cgroup counters or the spec, not from the kernel's own oom_memcg line.` });
  }
  if (!facts.events && facts.missing.events) notices.push({ part: 'events', message: facts.missing.events });
  notices.push(...partNotices(facts.missing, notices));
  return { ...draft, notices, verdicts: found };
}
