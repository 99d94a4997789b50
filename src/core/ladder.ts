// The spec side of the chain: requests and limits per container, the pod's effective request as the
// scheduler counts it, the QoS class and the oom_score_adj the kubelet gives each container.
import { parseBytes, parseQuantity } from './quantity.js';
import type { ContainerState, KContainer, KContainerState, KPod, QosClass, RequestSummary } from './types.js';

export interface ContainerSpec {
  name: string;
  kind: 'container' | 'init' | 'sidecar';
  requestBytes: number | null;
  limitBytes: number | null;
  cpuRequest: string | null;
  cpuLimit: string | null;
}

function resource(c: KContainer, field: 'requests' | 'limits', name: string): string | number | null {
  const v = c.resources?.[field]?.[name];
  return v === undefined || v === null ? null : v;
}

function memory(c: KContainer, field: 'requests' | 'limits'): number | null {
  return parseBytes(resource(c, field, 'memory'));
}

/** Containers in spec order: init containers (plain or sidecar) first, then app containers. */
export function containerSpecs(pod: KPod): ContainerSpec[] {
  const spec = (c: KContainer, kind: ContainerSpec['kind']): ContainerSpec => {
    const limitBytes = memory(c, 'limits');
    // The API server defaults a missing request to the limit.
    const requestBytes = memory(c, 'requests') ?? limitBytes;
    const cpu = (f: 'requests' | 'limits') => {
      const v = resource(c, f, 'cpu');
      return v === null ? null : String(v);
    };
    return { name: c.name ?? '?', kind, requestBytes, limitBytes, cpuRequest: cpu('requests') ?? cpu('limits'), cpuLimit: cpu('limits') };
  };
  const init = (pod.spec?.initContainers ?? []).map((c) => spec(c, c.restartPolicy === 'Always' ? 'sidecar' : 'init'));
  const app = (pod.spec?.containers ?? []).map((c) => spec(c, 'container'));
  return [...init, ...app];
}

/**
 * QoS class by the rules of pod-qos.md: the status field when the API gave one, else computed.
 * Guaranteed: every container has memory and CPU limits with requests equal to them.
 * BestEffort: no memory or CPU request or limit anywhere. Burstable: everything else.
 */
export function qosClass(pod: KPod): QosClass | null {
  const s = pod.status?.qosClass;
  if (s === 'Guaranteed' || s === 'Burstable' || s === 'BestEffort') return s;
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

type Agg = { sum: number; unknown: boolean };

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

  const req = aggregate((c) => c.requestBytes);
  const containersRequestBytes = specs.filter((c) => c.kind !== 'init').reduce((s, c) => s + (c.requestBytes ?? 0), 0);
  const podLevelRequest = parseBytes(pod.spec?.resources?.requests?.memory ?? null);
  const podLevelLimit = parseBytes(pod.spec?.resources?.limits?.memory ?? null);
  const effectiveRequestBytes = (podLevelRequest ?? req.total) + (overheadBytes ?? 0);

  const app = specs.filter((c) => c.kind === 'container');
  const allLimited = app.length > 0 && app.every((c) => c.limitBytes !== null && c.limitBytes > 0);
  let effectiveLimitBytes: number | null = null;
  if (podLevelLimit !== null) effectiveLimitBytes = podLevelLimit + (overheadBytes ?? 0);
  else if (allLimited) effectiveLimitBytes = aggregate((c) => c.limitBytes).total + (overheadBytes ?? 0);

  return {
    containersRequestBytes: specs.length ? containersRequestBytes : null,
    maxInitRequestBytes: req.maxInit,
    overheadBytes,
    effectiveRequestBytes: specs.length || podLevelRequest !== null ? effectiveRequestBytes : null,
    effectiveLimitBytes,
  };
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
export function oomScoreAdj(qos: QosClass | null, requestBytes: number | null, capacityBytes: number | null, priorityClassName?: string): number | null {
  if (priorityClassName === 'system-node-critical') return GUARANTEED_ADJ;
  if (qos === 'Guaranteed') return GUARANTEED_ADJ;
  if (qos === 'BestEffort') return BESTEFFORT_ADJ;
  if (qos !== 'Burstable' || capacityBytes === null || capacityBytes <= 0) return null;
  const adj = 1000 - Math.floor((1000 * (requestBytes ?? 0)) / capacityBytes);
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
  if (s.running) return { state: 'running', reason: null, exitCode: null, startedAt: s.running.startedAt ?? null, finishedAt: null };
  if (s.waiting) return { state: 'waiting', reason: s.waiting.reason ?? null, exitCode: null, startedAt: null, finishedAt: null };
  return null;
}
