// The kubelet's eviction order under memory pressure, replayed on the numbers memwhy read.
//
// pkg/kubelet/eviction/helpers.go rankMemoryPressure: orderedBy(exceedMemoryRequests, priority, memory):
//   1. a pod without memory stats first, then every pod whose working set exceeds its memory request;
//   2. then by spec.priority, lowest first (nil counts as 0);
//   3. then by working set − request, largest first.
// The working set is the Summary API's pod workingSetBytes (memoryUsage() in helpers.go) and the request is
// the pod's effective request (component-helpers resource.PodRequests). The kubelet refuses to evict a
// critical pod (pkg/kubelet/types IsCriticalPod: static, mirror, or priority ≥ 2000000000): such pods are
// ranked after every other pod and marked, since eviction skips them.

/** spec.priority at and above which a pod is critical (scheduling.SystemCriticalPriority). */
export const SYSTEM_CRITICAL_PRIORITY = 2_000_000_000;

export interface EvictionCandidate {
  namespace: string | null;
  name: string | null;
  priority: number | null;
  /** The pod's effective memory request (0 when it declares none). */
  requestBytes: number;
  /** The pod's working set from the kubelet's stats; null = no stats for the pod. */
  workingSetBytes: number | null;
  /** Static or mirror pod, or priority ≥ SYSTEM_CRITICAL_PRIORITY: never evicted. */
  critical: boolean;
}

export interface EvictionRank {
  /** 1 = evicted first. */
  rank: number;
  namespace: string | null;
  name: string | null;
  workingSetBytes: number | null;
  requestBytes: number;
  priority: number;
  /** null when the pod has no stats (it is ranked first for that reason). */
  exceedsRequest: boolean | null;
  /** working set − request (negative below the request); null without stats. */
  overRequestBytes: number | null;
  critical: boolean;
  /** Why the pod sits at this place, in the kubelet's terms. */
  reason: string;
}

type Cmp = (a: EvictionCandidate, b: EvictionCandidate) => number;

/** true before false, as helpers.go cmpBool. */
function cmpBool(a: boolean, b: boolean): number {
  return a === b ? 0 : a ? -1 : 1;
}

const hasStats = (c: EvictionCandidate) => c.workingSetBytes !== null;
const exceeds = (c: EvictionCandidate) => c.workingSetBytes !== null && c.workingSetBytes > c.requestBytes;
const over = (c: EvictionCandidate) => (c.workingSetBytes ?? 0) - c.requestBytes;

const byCritical: Cmp = (a, b) => cmpBool(!a.critical, !b.critical);
const byExceedsRequest: Cmp = (a, b) => {
  if (!hasStats(a) || !hasStats(b)) return cmpBool(!hasStats(a), !hasStats(b));
  return cmpBool(exceeds(a), exceeds(b));
};
const byPriority: Cmp = (a, b) => (a.priority ?? 0) - (b.priority ?? 0);
const byOverRequest: Cmp = (a, b) => {
  if (!hasStats(a) || !hasStats(b)) return cmpBool(!hasStats(a), !hasStats(b));
  return over(b) - over(a);
};

function reasonFor(c: EvictionCandidate): string {
  if (c.critical) return 'critical pod: the kubelet never evicts it';
  if (!hasStats(c)) return 'no memory stats for the pod: the kubelet ranks such pods first';
  if (c.requestBytes === 0) return 'no memory request: any usage exceeds it';
  return exceeds(c)
    ? 'working set above its request'
    : 'working set within its request: after every pod above its request';
}

/** The pods in the order the kubelet would evict them if memory pressure came now. Stable for ties. */
export function evictionOrder(candidates: EvictionCandidate[]): EvictionRank[] {
  const order: Cmp[] = [byCritical, byExceedsRequest, byPriority, byOverRequest];
  const sorted = candidates
    .map((c, i) => ({ c, i }))
    .sort((x, y) => {
      for (const cmp of order) {
        const r = cmp(x.c, y.c);
        if (r !== 0) return r;
      }
      return x.i - y.i;
    });
  return sorted.map(({ c }, i) => ({
    rank: i + 1,
    namespace: c.namespace,
    name: c.name,
    workingSetBytes: c.workingSetBytes,
    requestBytes: c.requestBytes,
    priority: c.priority ?? 0,
    exceedsRequest: hasStats(c) ? exceeds(c) : null,
    overRequestBytes: hasStats(c) ? over(c) : null,
    critical: c.critical,
    reason: reasonFor(c),
  }));
}
