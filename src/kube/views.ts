// The views' reads over the Kubernetes REST API. Lists are paginated as kubectl does (limit=500 and the
// continue token); a 403 names the RBAC rule the view needs (readJson, as the pod path).
import type { PodListQuery, ViewsSource } from '../app/views/ports.js';
import type { KEvent, KList, KNode, KPod, KubeletSummary, PodMetrics } from '../core/types.js';
import { parseBytes } from '../core/quantity.js';
import { ExitCode, MemwhyError } from '../errors.js';
import { readJson } from './cluster.js';
import type { KubeHttp } from './http.js';

/** kubectl's default --chunk-size. */
export const CHUNK_SIZE = 500;
const METRICS = '/apis/metrics.k8s.io/v1beta1';
const enc = encodeURIComponent;

type Query = Record<string, string | undefined>;

export class KubeViews implements ViewsSource {
  constructor(private http: KubeHttp) {}

  private get<T>(path: string, query: Query | undefined, verb: string, signal: AbortSignal): Promise<T> {
    return readJson<T>(this.http, path, query, signal, verb);
  }

  /** Every page of a list joined, following `metadata.continue`. */
  private async listAll<T>(path: string, query: Query, signal: AbortSignal): Promise<T[]> {
    const items: T[] = [];
    let cont: string | undefined;
    do {
      const page = await this.get<KList<T> & { metadata?: { continue?: string } }>(
        path,
        { ...query, limit: String(CHUNK_SIZE), continue: cont },
        'list',
        signal,
      );
      items.push(...(page.items ?? []));
      cont = page.metadata?.continue || undefined;
    } while (cont);
    return items;
  }

  listPods(q: PodListQuery, signal: AbortSignal): Promise<KPod[]> {
    const path = q.namespace === null ? '/api/v1/pods' : `/api/v1/namespaces/${enc(q.namespace)}/pods`;
    return this.listAll<KPod>(
      path,
      { labelSelector: q.labelSelector ?? undefined, fieldSelector: q.fieldSelector ?? undefined },
      signal,
    );
  }

  async listPodMetrics(
    namespace: string | null,
    labelSelector: string | null,
    signal: AbortSignal,
  ): Promise<PodMetrics[]> {
    const path = namespace === null ? `${METRICS}/pods` : `${METRICS}/namespaces/${enc(namespace)}/pods`;
    return (
      (await this.get<KList<PodMetrics>>(path, { labelSelector: labelSelector ?? undefined }, 'list', signal)).items ??
      []
    );
  }

  listNodes(signal: AbortSignal): Promise<KNode[]> {
    return this.listAll<KNode>('/api/v1/nodes', {}, signal);
  }

  getNode(name: string, signal: AbortSignal): Promise<KNode> {
    return this.get<KNode>(`/api/v1/nodes/${enc(name)}`, undefined, 'get', signal).catch((e: unknown) => {
      if (e instanceof MemwhyError && e.code === ExitCode.NotFound)
        throw new MemwhyError(ExitCode.NotFound, `node "${name}" not found`, 'list the nodes with kubectl get nodes');
      throw e;
    });
  }

  async listNodeMetrics(signal: AbortSignal): Promise<Map<string, number>> {
    const list = await this.get<KList<{ metadata?: { name?: string }; usage?: Record<string, string> }>>(
      `${METRICS}/nodes`,
      undefined,
      'list',
      signal,
    );
    const out = new Map<string, number>();
    for (const m of list.items ?? []) {
      const bytes = parseBytes(m.usage?.memory ?? null);
      if (m.metadata?.name && bytes !== null) out.set(m.metadata.name, bytes);
    }
    return out;
  }

  getNodeSummary(node: string, signal: AbortSignal): Promise<KubeletSummary> {
    return this.get<KubeletSummary>(`/api/v1/nodes/${enc(node)}/proxy/stats/summary`, undefined, 'get', signal);
  }

  getKubeletConfigz(node: string, signal: AbortSignal): Promise<unknown> {
    return this.get<unknown>(`/api/v1/nodes/${enc(node)}/proxy/configz`, undefined, 'get', signal);
  }

  async listNodeEvents(node: string, signal: AbortSignal): Promise<KEvent[]> {
    // Node events (EvictionThresholdMet, SystemOOM) are in the default namespace; the kubelet's Evicted events
    // are in each pod's namespace, found by the reporting host.
    const [own, evictions] = await Promise.all([
      this.listAll<KEvent>(
        '/api/v1/namespaces/default/events',
        { fieldSelector: `involvedObject.kind=Node,involvedObject.name=${node}` },
        signal,
      ),
      this.listAll<KEvent>('/api/v1/events', { fieldSelector: 'reason=Evicted' }, signal).then((es) =>
        es.filter((e) => e.source?.host === node),
      ),
    ]);
    return [...own, ...evictions];
  }
}
