// The views' reads over the Kubernetes REST API. Lists are paginated as kubectl does (limit=500 and the
// continue token); a 403 names the RBAC rule the view needs (readJson, as the pod path).
import type { PodListQuery, ViewsSource } from '../app/views/ports.js';
import type { KEvent, KList, KNode, KPod, KubeletSummary, PodMetrics } from '../core/types.js';
import { parseBytes } from '../core/quantity.js';
import { ExitCode, MemwhyError } from '../errors.js';
import { readJson } from './cluster.js';
import type { KubeHttp } from './http.js';
import { isReaderPod } from './reader-pod.js';

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

  /**
   * Every page of a list, each item trimmed by `keep` as its page arrives (so the full objects of one page at
   * most are held), and the next page asked for before the current one is parsed: its continue token is read
   * from the list's metadata, which the API server writes before the items.
   */
  private async listTrimmed<T>(
    path: string,
    query: Query,
    keep: (item: unknown) => T | null,
    signal: AbortSignal,
  ): Promise<T[]> {
    const text = textSource(this.http);
    const fetchPage = (cont: string | undefined) => {
      const p = readJson<string>(text, path, { ...query, limit: String(CHUNK_SIZE), continue: cont }, signal, 'list');
      p.catch(() => undefined); // awaited below; not unhandled while the current page is parsed
      return p;
    };
    const items: T[] = [];
    let pending: Promise<string> | null = fetchPage(undefined);
    while (pending) {
      const body: string = await pending;
      const early = continueToken(body);
      pending = early ? fetchPage(early) : null;
      // The request is written a few promise turns later (the auth headers are awaited): let it go out before the
      // page is parsed, or the server starts on the next page only when this one is parsed.
      if (pending) await requestsSent();
      const page = parseList(body, path);
      for (const item of page.items ?? []) {
        const kept = keep(item);
        if (kept !== null) items.push(kept);
      }
      const cont = page.metadata?.continue || undefined;
      if (cont !== early) pending = cont ? fetchPage(cont) : null; // the early read was wrong: follow the parsed one
    }
    return items;
  }

  /** The pods of the query, memwhy's own reader pods left out (isReaderPod): they are not the cluster's workload. */
  async listPods(q: PodListQuery, signal: AbortSignal): Promise<KPod[]> {
    const path = q.namespace === null ? '/api/v1/pods' : `/api/v1/namespaces/${enc(q.namespace)}/pods`;
    const pods = await this.listTrimmed<KPod>(
      path,
      { labelSelector: q.labelSelector ?? undefined, fieldSelector: q.fieldSelector ?? undefined },
      (item) => shape(item, POD) as KPod,
      signal,
    );
    return pods.filter((p) => !isReaderPod(p));
  }

  async listPodMetrics(
    namespace: string | null,
    labelSelector: string | null,
    signal: AbortSignal,
  ): Promise<PodMetrics[]> {
    const path = namespace === null ? `${METRICS}/pods` : `${METRICS}/namespaces/${enc(namespace)}/pods`;
    const list = await this.get<KList<unknown>>(path, { labelSelector: labelSelector ?? undefined }, 'list', signal);
    return (list.items ?? []).map((m) => shape(m, POD_METRICS) as PodMetrics);
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

/** One turn of the event loop: the promise chains of the requests started in this turn have reached the socket. */
function requestsSent(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** The transport's text GET in the shape readJson calls, so a page's body arrives unparsed with the same errors. */
function textSource(http: KubeHttp): KubeHttp {
  return {
    getJson: (path: string, query: Query | undefined, signal: AbortSignal | undefined) =>
      http.getText(path, query, signal),
  } as unknown as KubeHttp;
}

/** `metadata.continue` of a list body, read before its items; undefined when there is none before them. */
export function continueToken(body: string): string | undefined {
  const at = body.indexOf('"items"');
  const head = at < 0 ? body : body.slice(0, at);
  const m = /"continue"\s*:\s*("(?:[^"\\]|\\.)*")/.exec(head);
  if (!m) return undefined;
  try {
    return (JSON.parse(m[1]!) as string) || undefined;
  } catch {
    return undefined;
  }
}

function parseList(body: string, path: string): { items?: unknown[]; metadata?: { continue?: string } } {
  try {
    return JSON.parse(body) as { items?: unknown[]; metadata?: { continue?: string } };
  } catch {
    throw new MemwhyError(
      ExitCode.Unreachable,
      `GET ${path}: the API server's answer is not JSON`,
      'check for a proxy in between',
    );
  }
}

// The fields of a pod memwhy's model reads (core/types.ts KPod), copied as each page arrives so that the rest
// of the object (env, probes, volumes, managedFields …) is freed with its page. `true` copies a value as is;
// an object recurses; `[shape]` maps an array. Objects are built by adding keys (no delete), so V8 keeps them
// compact.
type Shape = true | { [key: string]: Shape } | [Shape];
const META: Shape = {
  name: true,
  namespace: true,
  uid: true,
  labels: true,
  annotations: true,
  creationTimestamp: true,
  ownerReferences: [{ kind: true, name: true }],
};
const RESOURCES: Shape = { requests: true, limits: true };
const CONTAINER: Shape = { name: true, image: true, resources: RESOURCES, restartPolicy: true };
const STATE: Shape = { running: true, waiting: true, terminated: true };
const STATUS: Shape = {
  name: true,
  containerID: true,
  image: true,
  imageID: true,
  ready: true,
  restartCount: true,
  started: true,
  state: STATE,
  lastState: STATE,
  resources: RESOURCES,
  allocatedResources: true,
};
const POD: Shape = {
  apiVersion: true,
  kind: true,
  metadata: META,
  spec: {
    nodeName: true,
    containers: [CONTAINER],
    initContainers: [CONTAINER],
    ephemeralContainers: [CONTAINER],
    overhead: true,
    resources: RESOURCES,
    priority: true,
    priorityClassName: true,
    volumes: [{ name: true, emptyDir: true }],
  },
  status: {
    phase: true,
    reason: true,
    message: true,
    qosClass: true,
    startTime: true,
    conditions: [{ type: true, status: true, reason: true, message: true, lastTransitionTime: true }],
    containerStatuses: [STATUS],
    initContainerStatuses: [STATUS],
    ephemeralContainerStatuses: [STATUS],
    resize: true,
  },
};
const POD_METRICS: Shape = { metadata: META, timestamp: true, window: true, containers: [{ name: true, usage: true }] };

function shape(x: unknown, s: Shape): unknown {
  if (s === true || x === null || typeof x !== 'object') return x;
  if (Array.isArray(s)) return Array.isArray(x) ? x.map((v: unknown) => shape(v, s[0])) : x;
  if (Array.isArray(x)) return x;
  const src = x as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k in s) if (src[k] !== undefined) out[k] = shape(src[k], s[k]!);
  return out;
}
