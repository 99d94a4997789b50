// The Cluster port over the Kubernetes REST API. Every read is one request; failures are MemwhyErrors
// (see http.ts) that name the missing RBAC permission when the API says Forbidden.
import { ExitCode, MemwhyError } from '../errors.js';
import type { Cluster, PodRef, ProgressSink, ReaderRequest, ReaderResult, Target } from '../app/ports.js';
import type { KEvent, KList, KNode, KPod, KubeletSummary, PodMetrics } from '../core/types.js';
import { visible } from '../core/visible.js';
import { ApiError, type KubeHttp } from './http.js';
import { isDns1123Label, isImageReference, isReaderPod } from './reader-pod.js';

const enc = encodeURIComponent;

/** Names close to `wanted`, for "did you mean" (prefix/substring first, then small edit distance). */
export function closeNames(wanted: string, names: string[], max = 3): string[] {
  const distance = (a: string, b: string): number => {
    const row = Array.from({ length: b.length + 1 }, (_, i) => i);
    for (let i = 1; i <= a.length; i++) {
      let prev = row[0]!;
      row[0] = i;
      for (let j = 1; j <= b.length; j++) {
        const cur = row[j]!;
        row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
        prev = cur;
      }
    }
    return row[b.length]!;
  };
  const scored = names.map((n) => ({
    n,
    s: n.startsWith(wanted) || wanted.startsWith(n) ? 0 : n.includes(wanted) ? 1 : 2 + distance(wanted, n),
  }));
  const limit = 2 + Math.max(2, Math.floor(wanted.length / 3));
  return scored
    .filter((x) => x.s <= limit)
    .sort((a, b) => a.s - b.s || a.n.localeCompare(b.n))
    .slice(0, max)
    .map((x) => x.n);
}

/** Which RBAC rule a 403 on a path needs, for the hint. */
export function rbacFor(verb: string, path: string): string {
  const m = /^\/(?:api\/v1|apis\/([^/]+)\/[^/]+)(?:\/namespaces\/([^/]+))?\/([^/?]+)(?:\/[^/?]+)?(?:\/([^/?]+))?/.exec(
    path,
  );
  if (!m) return `${verb} on ${path}`;
  const [, group, ns, resource, sub] = m;
  const res = sub && resource !== 'namespaces' ? `${resource}/${sub}` : resource;
  return `${verb} ${res}${group ? ` (API group ${group})` : ''}${ns ? ` in namespace ${ns}` : ' (cluster-wide)'}`;
}

export interface ReaderRunner {
  run(request: ReaderRequest, progress: ProgressSink): Promise<ReaderResult>;
}

/**
 * One GET, with the failures a user can act on said as theirs: a 403 names the RBAC rule it needs, a 400 on a
 * label selector is a usage error. Every read of the Cluster port and of the views goes through here.
 */
export async function readJson<T>(
  http: KubeHttp,
  path: string,
  query: Record<string, string | undefined> | undefined,
  signal: AbortSignal | undefined,
  verb = 'get',
): Promise<T> {
  try {
    return await http.getJson<T>(path, query, signal);
  } catch (e) {
    if (e instanceof ApiError && e.status === 403)
      throw new MemwhyError(ExitCode.Forbidden, e.message, `memwhy needs RBAC: ${rbacFor(verb, path)}`);
    if (e instanceof ApiError && e.status === 400 && query?.labelSelector !== undefined) {
      throw new MemwhyError(
        ExitCode.Usage,
        `the API server refused the label selector ${JSON.stringify(query.labelSelector)}: ${e.message.replace(/^GET [^:]*: /, '')}`,
        'write it as kubectl get -l takes it, e.g. -l app=web,tier!=db',
      );
    }
    throw e;
  }
}

export class KubeCluster implements Cluster {
  constructor(
    private http: KubeHttp,
    private reader: ReaderRunner,
  ) {}

  /** GET with the RBAC rule named in the hint of a 403, and a bad selector's 400 as the user's error. */
  private get<T>(
    path: string,
    query: Record<string, string | undefined> | undefined,
    signal: AbortSignal | undefined,
    verb = 'get',
  ): Promise<T> {
    return readJson<T>(this.http, path, query, signal, verb);
  }

  private async listItems<T>(
    path: string,
    query: Record<string, string | undefined> | undefined,
    signal: AbortSignal | undefined,
  ): Promise<T[]> {
    return (await this.get<KList<T>>(path, query, signal, 'list')).items ?? [];
  }

  async resolvePods(target: Target, signal?: AbortSignal): Promise<KPod[]> {
    const ns = target.namespace;
    switch (target.kind) {
      case 'pod': {
        try {
          return [await this.get<KPod>(`/api/v1/namespaces/${enc(ns)}/pods/${enc(target.name)}`, undefined, signal)];
        } catch (e) {
          if (!(e instanceof MemwhyError) || e.code !== ExitCode.NotFound) throw e;
          const names = await this.listItems<KPod>(`/api/v1/namespaces/${enc(ns)}/pods`, undefined, signal).then(
            (ps) => ps.map((p) => visible(p.metadata?.name ?? '')),
            () => [],
          );
          const close = closeNames(target.name, names);
          throw new MemwhyError(
            ExitCode.NotFound,
            `pod "${target.name}" not found in namespace "${ns}"`,
            close.length
              ? `did you mean ${close.join(', ')}? (kubectl get pods -n ${ns})`
              : `list the pods with kubectl get pods -n ${ns}, or pass -n <namespace>`,
          );
        }
      }
      case 'workload': {
        const group = target.resource === 'job' ? 'batch/v1' : 'apps/v1';
        const plural = `${target.resource}s`;
        let obj: {
          spec?: {
            selector?: {
              matchLabels?: Record<string, string>;
              matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
            };
          };
        };
        try {
          obj = await this.get(`/apis/${group}/namespaces/${enc(ns)}/${plural}/${enc(target.name)}`, undefined, signal);
        } catch (e) {
          if (e instanceof MemwhyError && e.code === ExitCode.NotFound)
            throw new MemwhyError(
              ExitCode.NotFound,
              `${target.resource} "${target.name}" not found in namespace "${ns}"`,
              `kubectl get ${plural} -n ${ns}`,
            );
          throw e;
        }
        const selector = labelSelector(obj.spec?.selector);
        if (!selector)
          throw new MemwhyError(ExitCode.NotFound, `${target.resource} "${target.name}" has no pod selector`);
        const pods = await this.listItems<KPod>(
          `/api/v1/namespaces/${enc(ns)}/pods`,
          { labelSelector: selector },
          signal,
        );
        if (!pods.length)
          throw new MemwhyError(
            ExitCode.NotFound,
            `${target.resource} "${target.name}" in namespace "${ns}" has no pods`,
            'it may be scaled to zero',
          );
        return pods;
      }
      case 'selector': {
        const pods = await this.listItems<KPod>(
          `/api/v1/namespaces/${enc(ns)}/pods`,
          { labelSelector: target.selector },
          signal,
        );
        if (!pods.length)
          throw new MemwhyError(
            ExitCode.NotFound,
            `no pods match -l ${target.selector} in namespace "${ns}"`,
            'check the selector and -n',
          );
        return pods;
      }
    }
  }

  getNode(name: string, signal?: AbortSignal): Promise<KNode> {
    return this.get<KNode>(`/api/v1/nodes/${enc(name)}`, undefined, signal);
  }

  listNodes(signal?: AbortSignal): Promise<KNode[]> {
    return this.listItems<KNode>('/api/v1/nodes', undefined, signal);
  }

  /** The pods bound to `node`, memwhy's own reader pods left out (isReaderPod). */
  async listPodsOnNode(node: string, signal?: AbortSignal): Promise<KPod[]> {
    const pods = await this.listItems<KPod>('/api/v1/pods', { fieldSelector: `spec.nodeName=${node}` }, signal);
    return pods.filter((p) => !isReaderPod(p));
  }

  async listBoundPods(signal?: AbortSignal): Promise<KPod[]> {
    const pods = await this.listItems<KPod>(
      '/api/v1/pods',
      { fieldSelector: 'status.phase!=Succeeded,status.phase!=Failed' },
      signal,
    );
    return pods.filter((p) => !!p.spec?.nodeName);
  }

  async listEvents(pod: PodRef, node: string | null, signal?: AbortSignal): Promise<KEvent[]> {
    const [podEvents, nodeEvents] = await Promise.all([
      this.listItems<KEvent>(
        `/api/v1/namespaces/${enc(pod.namespace)}/events`,
        { fieldSelector: `involvedObject.name=${pod.name}` },
        signal,
      ),
      // Node events (SystemOOM, OOMKilling from node-problem-detector) live in the default namespace.
      node
        ? this.listItems<KEvent>(
            '/api/v1/namespaces/default/events',
            { fieldSelector: `involvedObject.kind=Node,involvedObject.name=${node}` },
            signal,
          ).catch(() => [])
        : Promise.resolve([]),
    ]);
    return [...podEvents, ...nodeEvents];
  }

  getPodMetrics(pod: PodRef, signal?: AbortSignal): Promise<PodMetrics> {
    return this.get<PodMetrics>(
      `/apis/metrics.k8s.io/v1beta1/namespaces/${enc(pod.namespace)}/pods/${enc(pod.name)}`,
      undefined,
      signal,
    );
  }

  getNodeSummary(node: string, signal?: AbortSignal): Promise<KubeletSummary> {
    return this.get<KubeletSummary>(`/api/v1/nodes/${enc(node)}/proxy/stats/summary`, undefined, signal);
  }

  checkReader(settings: { image: string; namespace: string | null }): void {
    if (!isImageReference(settings.image)) {
      throw new MemwhyError(
        ExitCode.Usage,
        `--image ${JSON.stringify(visible(settings.image))} is not an image reference`,
        'give a reference such as busybox:1.36 or registry.example.com/mirror/busybox:1.36',
      );
    }
    if (settings.namespace !== null && !isDns1123Label(settings.namespace)) {
      throw new MemwhyError(
        ExitCode.Usage,
        `--reader-namespace ${JSON.stringify(visible(settings.namespace))} is not a namespace name`,
        'a namespace name is lower-case letters, digits and -, at most 63 characters',
      );
    }
  }

  readCgroups(request: ReaderRequest, progress: ProgressSink): Promise<ReaderResult> {
    return this.reader.run(request, progress);
  }
}

/** A LabelSelector object as the query string form (`a=b,c in (d,e),!f`). */
export function labelSelector(
  sel:
    | {
        matchLabels?: Record<string, string>;
        matchExpressions?: Array<{ key: string; operator: string; values?: string[] }>;
      }
    | undefined,
): string {
  if (!sel) return '';
  const parts = Object.entries(sel.matchLabels ?? {}).map(([k, v]) => `${k}=${v}`);
  for (const e of sel.matchExpressions ?? []) {
    const vals = (e.values ?? []).join(',');
    if (e.operator === 'In') parts.push(`${e.key} in (${vals})`);
    else if (e.operator === 'NotIn') parts.push(`${e.key} notin (${vals})`);
    else if (e.operator === 'Exists') parts.push(e.key);
    else if (e.operator === 'DoesNotExist') parts.push(`!${e.key}`);
  }
  return parts.join(',');
}
