// What the node and namespace views need from a cluster. src/kube/views.ts implements it over the REST API;
// tests implement it in memory. Methods throw MemwhyError on failure (Forbidden, NotFound, Unreachable).
import type { KEvent, KNode, KPod, KubeletSummary, PodMetrics } from '../../core/types.js';

export interface PodListQuery {
  /** null = every namespace (-A). */
  namespace: string | null;
  labelSelector: string | null;
  fieldSelector: string | null;
}

export interface ViewsSource {
  /** Pods, paginated as kubectl does (limit/continue); the pages joined. */
  listPods(query: PodListQuery, signal: AbortSignal): Promise<KPod[]>;
  /** metrics.k8s.io PodMetrics of a namespace or of all (what `kubectl top pods` reads). */
  listPodMetrics(namespace: string | null, labelSelector: string | null, signal: AbortSignal): Promise<PodMetrics[]>;
  listNodes(signal: AbortSignal): Promise<KNode[]>;
  getNode(name: string, signal: AbortSignal): Promise<KNode>;
  /** metrics.k8s.io NodeMetrics usage.memory in bytes, by node name (what `kubectl top node` reads). */
  listNodeMetrics(signal: AbortSignal): Promise<Map<string, number>>;
  /** kubelet /stats/summary through nodes/proxy. */
  getNodeSummary(node: string, signal: AbortSignal): Promise<KubeletSummary>;
  /** kubelet /configz through nodes/proxy (the raw body). */
  getKubeletConfigz(node: string, signal: AbortSignal): Promise<unknown>;
  /** Events about the node (Evicted, EvictionThresholdMet, SystemOOM …) and evictions of its pods. */
  listNodeEvents(node: string, signal: AbortSignal): Promise<KEvent[]>;
}

/** A part of a view that could not be read, and why. Never fatal but for the pod list / the node itself. */
export interface MissingPart {
  part: string;
  reason: string;
}
