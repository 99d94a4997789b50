// The spec side of the chain: requests and limits per container, the pod's effective request as the
// scheduler counts it, the QoS class and the oom_score_adj the kubelet gives each container.
import { parseBytes, parseQuantity } from './quantity.js';
import type {
  ContainerState,
  KContainer,
  KContainerState,
  KContainerStatus,
  KPod,
  LimitSource,
  QosClass,
  RequestSummary,
} from './types.js';

export interface ContainerSpec {
  name: string;
  kind: 'container' | 'init' | 'sidecar' | 'ephemeral';
  /** The spec's own request and limit (pod.spec.*containers[].resources). */
  requestBytes: number | null;
  limitBytes: number | null;
  cpuRequest: string | null;
  cpuLimit: string | null;
  /** In force: status.containerStatuses[].resources when reported (in-place resize), else the spec's. */
  actualRequestBytes: number | null;
  /** status.containerStatuses[].allocatedResources.memory: what the kubelet admitted. */
  allocatedRequestBytes: number | null;
  /** The limit the container's cgroup holds, and where it comes from (see limitInForce). */
  limitInForceBytes: number | null;
  limitSource: LimitSource;
  /** What the scheduler counts for this container (component-helpers PodRequests with UseStatusResources). */
  schedulerRequestBytes: number | null;
}

function resource(c: KContainer, field: 'requests' | 'limits', name: string): string | number | null {
  const v = c.resources?.[field]?.[name];
  return v === undefined || v === null ? null : v;
}

function memory(c: KContainer, field: 'requests' | 'limits'): number | null {
  return parseBytes(resource(c, field, 'memory'));
}

/** The pod-level memory request and limit (PodLevelResources, beta and on by default since 1.34). */
export function podLevelMemory(pod: KPod): { requestBytes: number | null; limitBytes: number | null } {
  const limitBytes = parseBytes(pod.spec?.resources?.limits?.memory ?? null);
  return { requestBytes: parseBytes(pod.spec?.resources?.requests?.memory ?? null) ?? limitBytes, limitBytes };
}

/** A resize the kubelet cannot do on this node: the scheduler then counts what is allocated and actual only. */
function resizeInfeasible(pod: KPod): boolean {
  return (
    pod.status?.resize === 'Infeasible' ||
    (pod.status?.conditions ?? []).some(
      (c) => c.type === 'PodResizePending' && c.status === 'True' && c.reason === 'Infeasible',
    )
  );
}

/**
 * The limit a container's cgroup holds: the resources the runtime reports as applied (in-place resize, GA 1.35),
 * else its own spec limit, else the pod-level limit (getMemoryLimit in kuberuntime_container_linux.go gives a
 * container without a limit the pod's), else none. Ephemeral containers have no resources of their own.
 */
function limitInForce(
  specLimit: number | null,
  statusLimit: number | null,
  podLimit: number | null,
): { bytes: number | null; source: LimitSource } {
  if (statusLimit !== null) {
    if (statusLimit === specLimit) return { bytes: statusLimit, source: 'container' };
    if (specLimit === null && statusLimit === podLimit) return { bytes: statusLimit, source: 'pod-level' };
    return { bytes: statusLimit, source: 'resized' };
  }
  if (specLimit !== null) return { bytes: specLimit, source: 'container' };
  if (podLimit !== null) return { bytes: podLimit, source: 'pod-level' };
  return { bytes: null, source: 'none' };
}

const maxKnown = (...values: Array<number | null>): number | null =>
  values.reduce<number | null>((m, v) => (v === null ? m : m === null ? v : Math.max(m, v)), null);

function statusesByName(pod: KPod): Map<string, KContainerStatus> {
  const all = [
    ...(pod.status?.initContainerStatuses ?? []),
    ...(pod.status?.containerStatuses ?? []),
    ...(pod.status?.ephemeralContainerStatuses ?? []),
  ];
  return new Map(all.filter((s) => s.name).map((s) => [s.name as string, s]));
}

/** Containers in spec order: init containers (plain or sidecar) first, then app containers, then ephemeral ones. */
export function containerSpecs(pod: KPod): ContainerSpec[] {
  const statuses = statusesByName(pod);
  const podLimit = podLevelMemory(pod).limitBytes;
  const infeasible = resizeInfeasible(pod);
  const spec = (c: KContainer, kind: ContainerSpec['kind']): ContainerSpec => {
    const own = kind === 'ephemeral' ? null : c;
    const limitBytes = own ? memory(own, 'limits') : null;
    // The API server defaults a missing request to the limit.
    const requestBytes = (own ? memory(own, 'requests') : null) ?? limitBytes;
    const cpu = (f: 'requests' | 'limits') => {
      const v = own ? resource(own, f, 'cpu') : null;
      return v === null ? null : String(v);
    };
    const st = kind === 'ephemeral' ? undefined : statuses.get(c.name ?? '');
    const statusRequest = parseBytes(st?.resources?.requests?.memory ?? null);
    const allocatedRequestBytes = parseBytes(st?.allocatedResources?.memory ?? null);
    const inForce = limitInForce(
      limitBytes,
      parseBytes(st?.resources?.limits?.memory ?? null),
      kind === 'ephemeral' ? null : podLimit,
    );
    const schedulerRequestBytes = st?.resources
      ? infeasible
        ? maxKnown(statusRequest, allocatedRequestBytes)
        : maxKnown(requestBytes, statusRequest, allocatedRequestBytes)
      : requestBytes;
    return {
      name: c.name ?? '?',
      kind,
      requestBytes,
      limitBytes,
      cpuRequest: cpu('requests') ?? cpu('limits'),
      cpuLimit: cpu('limits'),
      actualRequestBytes: statusRequest ?? requestBytes,
      allocatedRequestBytes,
      limitInForceBytes: inForce.bytes,
      limitSource: inForce.source,
      schedulerRequestBytes,
    };
  };
  const init = (pod.spec?.initContainers ?? []).map((c) => spec(c, c.restartPolicy === 'Always' ? 'sidecar' : 'init'));
  const app = (pod.spec?.containers ?? []).map((c) => spec(c, 'container'));
  const ephemeral = (pod.spec?.ephemeralContainers ?? []).map((c) => spec(c, 'ephemeral'));
  return [...init, ...app, ...ephemeral];
}

/**
 * QoS class by the rules of pod-qos.md: the status field when the API gave one, else computed.
 * Guaranteed: every container has memory and CPU limits with requests equal to them.
 * BestEffort: no memory or CPU request or limit anywhere. Burstable: everything else.
 */
export function qosClass(pod: KPod): QosClass | null {
  const s = pod.status?.qosClass;
  if (s === 'Guaranteed' || s === 'Burstable' || s === 'BestEffort') return s;
  const podLevel = pod.spec?.resources;
  const hasPodLevel =
    podLevel &&
    ['memory', 'cpu'].some((r) => podLevel.requests?.[r] !== undefined || podLevel.limits?.[r] !== undefined);
  if (podLevel && hasPodLevel) return podLevelQos(podLevel);
  const all = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
  if (all.length === 0) return null;
  const has = (c: KContainer, f: 'requests' | 'limits', r: string) => resource(c, f, r) !== null;
  const none = all.every((c) => !['memory', 'cpu'].some((r) => has(c, 'requests', r) || has(c, 'limits', r)));
  if (none) return 'BestEffort';
  const guaranteed = all.every((c) =>
    ['memory', 'cpu'].every((r) => {
      if (!has(c, 'limits', r)) return false;
      const req = resource(c, 'requests', r);
      return req === null || parseQuantity(req) === parseQuantity(resource(c, 'limits', r));
    }),
  );
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

/**
 * ComputePodQOS (pkg/apis/core/helper/qos) when pod-level resources are set: only they count. Guaranteed needs
 * pod-level memory and CPU limits with requests equal to them (a missing pod-level request defaults to the limit).
 */
function podLevelQos(r: NonNullable<KContainer['resources']>): QosClass {
  const positive = (v: string | number | undefined) => v !== undefined && (parseQuantity(v) ?? 0) > 0;
  const limited = ['memory', 'cpu'].filter((n) => positive(r.limits?.[n]));
  const requested = ['memory', 'cpu'].filter((n) => positive(r.requests?.[n]) || positive(r.limits?.[n]));
  if (limited.length === 0 && requested.length === 0) return 'BestEffort';
  const equal = ['memory', 'cpu'].every(
    (n) =>
      r.requests?.[n] === undefined ||
      parseQuantity(r.requests[n] as string | number) === parseQuantity(r.limits?.[n] ?? null),
  );
  return limited.length === 2 && equal ? 'Guaranteed' : 'Burstable';
}

/**
 * The pod's effective memory request as the scheduler and kubelet compute it (component-helpers
 * resource.PodRequests): app containers and sidecars add up; a plain init container runs alone with the
 * sidecars started before it, so the pod needs the larger of the two; then the RuntimeClass overhead.
 * A pod-level `spec.resources` (PodLevelResources) replaces the container aggregate.
 * The same aggregation of limits gives the pod cgroup limit, which exists only when every app container
 * declares a memory limit (kubelet ResourceConfigForPod).
 */
export function requestSummary(pod: KPod, specs: ContainerSpec[] = containerSpecs(pod)): RequestSummary {
  const overheadBytes = parseBytes(pod.spec?.overhead?.memory ?? null);
  const aggregate = (pick: (c: ContainerSpec) => number | null): { total: number; maxInit: number | null } => {
    let total = 0;
    let sidecars = 0;
    let maxInit: number | null = null;
    let initPeak = 0;
    for (const c of specs) {
      if (c.kind === 'ephemeral') continue; // no resources: charged to the pod cgroup, never requested
      const v = pick(c) ?? 0;
      if (c.kind === 'container') total += v;
      else if (c.kind === 'sidecar') {
        total += v;
        sidecars += v;
        initPeak = Math.max(initPeak, sidecars);
      } else {
        initPeak = Math.max(initPeak, v + sidecars);
        maxInit = Math.max(maxInit ?? 0, v);
      }
    }
    return { total: Math.max(total, initPeak), maxInit };
  };

  const req = aggregate((c) => c.schedulerRequestBytes);
  const containersRequestBytes = specs
    .filter((c) => c.kind === 'container' || c.kind === 'sidecar')
    .reduce((s, c) => s + (c.schedulerRequestBytes ?? 0), 0);
  const { requestBytes: podLevelRequest, limitBytes: podLevelLimit } = podLevelMemory(pod);
  const effectiveRequestBytes = (podLevelRequest ?? req.total) + (overheadBytes ?? 0);

  const app = specs.filter((c) => c.kind === 'container');
  const allLimited = app.length > 0 && app.every((c) => c.limitInForceBytes !== null && c.limitInForceBytes > 0);
  let effectiveLimitBytes: number | null = null;
  if (podLevelLimit !== null) effectiveLimitBytes = podLevelLimit + (overheadBytes ?? 0);
  else if (allLimited) effectiveLimitBytes = aggregate((c) => c.limitInForceBytes).total + (overheadBytes ?? 0);

  return {
    containersRequestBytes: specs.length ? containersRequestBytes : null,
    maxInitRequestBytes: req.maxInit,
    overheadBytes,
    effectiveRequestBytes: specs.length || podLevelRequest !== null ? effectiveRequestBytes : null,
    effectiveLimitBytes,
  };
}

/**
 * The request policy.go rates a container by, and for a sidecar the request of the smallest regular container
 * (GetContainerOOMScoreAdjust): with pod-level requests, the part of the pod request the containers do not claim
 * is shared equally among all containers (remainingPodMemReqPerContainer).
 */
export function oomScoreRequests(
  pod: KPod,
  specs: ContainerSpec[],
  c: ContainerSpec,
): { requestBytes: number; sidecarFloorRequestBytes: number | null } {
  const regular = specs.filter((s) => s.kind === 'container');
  const counted = specs.filter((s) => s.kind === 'container' || s.kind === 'init' || s.kind === 'sidecar');
  const podRequest = podLevelMemory(pod).requestBytes;
  let share = 0;
  if (podRequest !== null && podRequest > 0 && counted.length > 0) {
    const claimed =
      requestSummary({ ...pod, spec: { ...pod.spec, resources: undefined, overhead: undefined } }, specs)
        .effectiveRequestBytes ?? 0;
    share = Math.trunc((podRequest - claimed) / counted.length);
  }
  const own = (c.kind === 'ephemeral' ? 0 : (c.actualRequestBytes ?? 0)) + share;
  const smallest = regular.length ? Math.min(...regular.map((s) => s.actualRequestBytes ?? 0)) + share : null;
  return { requestBytes: own, sidecarFloorRequestBytes: c.kind === 'sidecar' ? smallest : null };
}

/** Effective request of any pod (for summing the requests bound to a node). */
export function effectiveRequest(pod: KPod): number {
  return requestSummary(pod).effectiveRequestBytes ?? 0;
}

/** A pod that still holds its requests on a node (the scheduler ignores Succeeded/Failed pods). */
export function holdsResources(pod: KPod): boolean {
  const phase = pod.status?.phase;
  return phase !== 'Succeeded' && phase !== 'Failed';
}

const GUARANTEED_ADJ = -997;
const BESTEFFORT_ADJ = 1000;

/**
 * oom_score_adj as pkg/kubelet/qos/policy.go sets it: Guaranteed and node-critical -997, BestEffort 1000,
 * Burstable 1000 − 1000·request/capacity (integer arithmetic), kept within [3, 999].
 * Burstable needs the node's memory capacity; null when unknown.
 */
export function oomScoreAdj(
  qos: QosClass | null,
  requestBytes: number | null,
  capacityBytes: number | null,
  priorityClassName?: string,
  sidecarFloorRequestBytes: number | null = null,
): number | null {
  if (priorityClassName === 'system-node-critical') return GUARANTEED_ADJ;
  if (qos === 'Guaranteed') return GUARANTEED_ADJ;
  if (qos === 'BestEffort') return BESTEFFORT_ADJ;
  if (qos !== 'Burstable' || capacityBytes === null || capacityBytes <= 0) return null;
  const raw = (bytes: number) => 1000 - Math.floor((1000 * bytes) / capacityBytes);
  let adj = raw(requestBytes ?? 0);
  // A sidecar is killed no later than the regular containers: it gets at most the adj of the smallest one.
  if (sidecarFloorRequestBytes !== null) adj = Math.min(adj, raw(sidecarFloorRequestBytes));
  if (adj < 1000 + GUARANTEED_ADJ) return 1000 + GUARANTEED_ADJ;
  if (adj === BESTEFFORT_ADJ) return adj - 1;
  return adj;
}

/** A container state from the API, flattened. */
export function flattenState(s: KContainerState | undefined): ContainerState | null {
  if (!s) return null;
  if (s.terminated) {
    const t = s.terminated;
    return {
      state: 'terminated',
      reason: t.reason ?? null,
      exitCode: typeof t.exitCode === 'number' ? t.exitCode : null,
      startedAt: t.startedAt ?? null,
      finishedAt: t.finishedAt ?? null,
    };
  }
  if (s.running)
    return { state: 'running', reason: null, exitCode: null, startedAt: s.running.startedAt ?? null, finishedAt: null };
  if (s.waiting)
    return { state: 'waiting', reason: s.waiting.reason ?? null, exitCode: null, startedAt: null, finishedAt: null };
  return null;
}
