// Per-pod figures the node and namespace views share: the effective request and limit, the working set and
// usage from the kubelet Summary API or the metrics API, whether the kubelet treats a pod as critical.
import { parseBytes } from '../quantity.js';
import { containerSpecs, effectiveRequest, holdsResources, requestSummary } from '../ladder.js';
import type { KPod, KubeletSummary, PodMetrics } from '../types.js';
import { SYSTEM_CRITICAL_PRIORITY, type EvictionCandidate } from './eviction-order.js';

export type SummaryPod = NonNullable<KubeletSummary['pods']>[number];

export interface PodUsage {
  /** Working set: Summary API pod workingSetBytes, else the sum of the metrics API's container usage. */
  workingSetBytes: number | null;
  /** What the kernel compares with the limit (memory.current / usage_in_bytes): Summary API only. */
  usageBytes: number | null;
  source: 'summary' | 'metrics' | null;
}

const key = (namespace: string | null | undefined, name: string | null | undefined) =>
  `${namespace ?? ''}/${name ?? ''}`;

/** Index Summary API pods by namespace/name (a uid match is checked by the caller when it matters). */
export function indexSummaryPods(summaries: Array<KubeletSummary | null>): Map<string, SummaryPod> {
  const out = new Map<string, SummaryPod>();
  for (const s of summaries) for (const p of s?.pods ?? []) out.set(key(p.podRef?.namespace, p.podRef?.name), p);
  return out;
}

export function indexPodMetrics(metrics: PodMetrics[]): Map<string, PodMetrics> {
  return new Map(metrics.map((m) => [key(m.metadata?.namespace, m.metadata?.name), m]));
}

export function podKey(pod: KPod): string {
  return key(pod.metadata?.namespace, pod.metadata?.name);
}

/** metrics.k8s.io PodMetrics: the sum of the containers' usage.memory (each a working set). */
export function metricsWorkingSet(m: PodMetrics | undefined): number | null {
  const values = (m?.containers ?? []).map((c) => parseBytes(c.usage?.memory ?? null));
  if (values.length === 0 || values.some((v) => v === null)) return null;
  return values.reduce<number>((s, v) => s + (v as number), 0);
}

export function podUsage(summaryPod: SummaryPod | undefined, metrics: PodMetrics | undefined): PodUsage {
  const ws = summaryPod?.memory?.workingSetBytes;
  if (typeof ws === 'number') {
    const usage = summaryPod?.memory?.usageBytes;
    return { workingSetBytes: ws, usageBytes: typeof usage === 'number' ? usage : null, source: 'summary' };
  }
  const fromMetrics = metricsWorkingSet(metrics);
  return { workingSetBytes: fromMetrics, usageBytes: null, source: fromMetrics === null ? null : 'metrics' };
}

/** pkg/kubelet/types IsCriticalPod: a static pod, a mirror pod, or spec.priority ≥ 2000000000. */
export function isCriticalPod(pod: KPod): boolean {
  const annotations = pod.metadata?.annotations ?? {};
  const source = annotations['kubernetes.io/config.source'];
  if (source !== undefined && source !== 'api') return true;
  if (annotations['kubernetes.io/config.mirror'] !== undefined) return true;
  return typeof pod.spec?.priority === 'number' && pod.spec.priority >= SYSTEM_CRITICAL_PRIORITY;
}

/** The pod's limit the kernel enforces at pod level (pod cgroup), null when it has none. */
export function podLimit(pod: KPod): number | null {
  return requestSummary(pod, containerSpecs(pod)).effectiveLimitBytes;
}

/** The pods the kubelet would rank under memory pressure: those still holding resources on the node. */
export function evictionCandidates(
  pods: KPod[],
  summaryPods: Map<string, SummaryPod>,
  metrics: Map<string, PodMetrics> = new Map(),
): EvictionCandidate[] {
  return pods.filter(holdsResources).map((pod) => ({
    namespace: pod.metadata?.namespace ?? null,
    name: pod.metadata?.name ?? null,
    priority: typeof pod.spec?.priority === 'number' ? pod.spec.priority : null,
    requestBytes: effectiveRequest(pod),
    workingSetBytes: podUsage(summaryPods.get(podKey(pod)), metrics.get(podKey(pod))).workingSetBytes,
    critical: isCriticalPod(pod),
  }));
}
