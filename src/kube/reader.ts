// The reader pod's lifecycle: create → watch until it ends (reporting progress) → read its log → delete.
// The pod is deleted on success, error, timeout and interruption; its activeDeadlineSeconds ends it even if
// memwhy itself is killed, and the next run deletes leftovers older than LEFTOVER_AGE_MS.
//
// One watch does two jobs, to keep a diagnosis within ten API requests: it is label-selected on every
// memwhy reader in the namespace, so its initial ADDED events also reveal leftovers from earlier runs.
import { ExitCode, MemwhyError } from '../cli/exit-codes.js';
import type { ProgressSink, ReaderRequest, ReaderResult } from '../app/ports.js';
import type { KPod } from '../core/types.js';
import { ApiError, type KubeHttp } from './http.js';

export const MANAGED_BY = 'app.kubernetes.io/managed-by=kubectl-memwhy';
export const LEFTOVER_AGE_MS = 5 * 60 * 1000;

export interface ReaderPodSpec {
  metadata: { name: string; namespace: string; labels?: Record<string, string> };
  [key: string]: unknown;
}

export interface ReaderDeps {
  http: KubeHttp;
  /** Builds the reader pod for a target (throws MemwhyError on invalid target data). */
  build: (request: ReaderRequest) => ReaderPodSpec;
  /** Turns the reader's log into files; reports problems instead of throwing. */
  parse: (log: string) => ReaderResult & { complete: boolean };
  /** The clock, for leftover ages and the deadline. */
  now: () => number;
  /** Called with every reader pod created, and again when it is deleted (tests, signal handlers). */
  track?: (event: 'created' | 'deleted', namespace: string, name: string) => void;
}

const enc = encodeURIComponent;

/** Why a waiting container will not start by itself. */
function stuck(pod: KPod): { reason: string; message: string } | null {
  for (const s of pod.status?.containerStatuses ?? []) {
    const w = s.state?.waiting;
    if (w && ['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'CreateContainerConfigError', 'CreateContainerError', 'RunContainerError'].includes(w.reason ?? '')) {
      return { reason: w.reason ?? '', message: w.message ?? '' };
    }
  }
  return null;
}

export class ReaderPodRunner {
  constructor(private deps: ReaderDeps) {}

  async run(request: ReaderRequest, progress: ProgressSink): Promise<ReaderResult> {
    const { http } = this.deps;
    const spec = this.deps.build(request);
    const ns = spec.metadata.namespace;
    const name = spec.metadata.name;
    const node = request.pod.spec?.nodeName ?? '?';
    progress({ stage: 'reader-create', message: `starting reader pod ${ns}/${name} on node ${node}` });
    try {
      await http.postJson<KPod>(`/api/v1/namespaces/${enc(ns)}/pods`, spec, request.signal);
    } catch (e) {
      throw this.createError(e, ns);
    }
    this.deps.track?.('created', ns, name);
    try {
      await this.awaitEnd(ns, name, request, progress);
      progress({ stage: 'reader-read', message: 'reading cgroup files' });
      const log = await http.getText(`/api/v1/namespaces/${enc(ns)}/pods/${enc(name)}/log`, { container: 'reader' }, request.signal);
      const result = this.deps.parse(log);
      if (request.kernelLog) {
        // The opt-in kernel-log container: its output is kernel log lines, or its own explanation.
        const kernel = await http.getText(`/api/v1/namespaces/${enc(ns)}/pods/${enc(name)}/log`, { container: 'kernel-log' }, request.signal).catch((e: Error) => `memwhy-kernel-log: ${e.message}`);
        if (kernel.startsWith('memwhy-kernel-log:')) result.problems.push(kernel.trim());
        else result.kernelLog = kernel;
      }
      if (!result.complete && Object.keys(result.files).length === 0) {
        throw new MemwhyError(ExitCode.Unreachable, `the reader pod's output was unusable: ${result.problems.join('; ') || 'empty'}`, 'run again; if it persists, report it with MEMWHY_DEBUG=1');
      }
      return result;
    } finally {
      await this.remove(ns, name);
      progress({ stage: 'reader-deleted', message: `deleted reader pod ${ns}/${name}` });
    }
  }

  /** Deletes the pod with a fresh signal (the request's may be aborted) and a short timeout. */
  async remove(ns: string, name: string): Promise<void> {
    try {
      await this.deps.http.delete(`/api/v1/namespaces/${enc(ns)}/pods/${enc(name)}`, { gracePeriodSeconds: 0 }, AbortSignal.timeout(10_000));
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 404)) throw new MemwhyError(ExitCode.Unreachable, `could not delete reader pod ${ns}/${name}: ${(e as Error).message}`, `delete it with kubectl delete pod -n ${ns} ${name}, or run kubectl memwhy cleanup`);
    }
    this.deps.track?.('deleted', ns, name);
  }

  private createError(e: unknown, ns: string): unknown {
    if (!(e instanceof MemwhyError)) return e;
    if (/PodSecurity/.test(e.message)) {
      return new MemwhyError(ExitCode.Forbidden, `the reader pod was rejected: ${e.message}`, `namespace ${ns} enforces a Pod Security level that forbids hostPath: use --reader-namespace with a namespace labelled pod-security.kubernetes.io/enforce=privileged`);
    }
    if (e instanceof ApiError && e.status === 403) {
      return new MemwhyError(ExitCode.Forbidden, e.message, `memwhy needs RBAC: create, get, delete pods and get pods/log in namespace ${ns} (or choose --reader-namespace)`);
    }
    return e;
  }

  /** Watches until the reader pod has ended; fails fast on a stuck image or a deadline. */
  private async awaitEnd(ns: string, name: string, request: ReaderRequest, progress: ProgressSink): Promise<void> {
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), (request.deadlineSeconds + 5) * 1000);
    const signal = AbortSignal.any([request.signal, timeout.signal]);
    let last = '';
    const say = (stage: 'reader-scheduled' | 'reader-pulling' | 'reader-running', message: string) => {
      if (message !== last) progress({ stage, message });
      last = message;
    };
    let failure: MemwhyError | null = null;
    const leftovers: string[] = [];
    try {
      const ended = await this.deps.http.watch<KPod>(
        `/api/v1/namespaces/${enc(ns)}/pods`,
        { labelSelector: MANAGED_BY },
        (type, pod) => {
          const podName = pod.metadata?.name ?? '';
          if (podName !== name) {
            const created = Date.parse(pod.metadata?.creationTimestamp ?? '');
            if (type === 'ADDED' && Number.isFinite(created) && this.deps.now() - created > LEFTOVER_AGE_MS) leftovers.push(podName);
            return false;
          }
          if (type === 'DELETED') {
            failure = new MemwhyError(ExitCode.Unreachable, `reader pod ${ns}/${name} was deleted before it finished`, 'someone or something deleted it; run again');
            return true;
          }
          const phase = pod.status?.phase;
          if (phase === 'Succeeded') return true;
          if (phase === 'Failed') {
            // A failed reader still printed what it could (e.g. "pod not found on this node"): read the log.
            const t = pod.status?.containerStatuses?.[0]?.state?.terminated;
            if (pod.status?.reason === 'DeadlineExceeded') failure = new MemwhyError(ExitCode.Unreachable, `reader pod ${ns}/${name} ran past its deadline of ${request.deadlineSeconds}s`, 'the node may be overloaded; raise --reader-timeout');
            else if (!t) failure = new MemwhyError(ExitCode.Unreachable, `reader pod ${ns}/${name} failed: ${pod.status?.reason ?? ''} ${pod.status?.message ?? ''}`.trim(), null);
            return true;
          }
          const s = stuck(pod);
          if (s) {
            failure = new MemwhyError(ExitCode.Unreachable, `the reader image ${request.image} cannot be started: ${s.reason}${s.message ? ` (${s.message})` : ''}`, 'in an air-gapped cluster, mirror busybox and pass --image <registry>/busybox:1.36');
            return true;
          }
          if (phase === 'Running') say('reader-running', `reader pod running on ${pod.spec?.nodeName ?? '?'}`);
          else if (pod.status?.containerStatuses?.[0]?.state?.waiting) say('reader-pulling', `pulling image ${request.image}`);
          else if (pod.status?.conditions?.some((c) => c.type === 'PodScheduled' && c.status === 'True')) say('reader-scheduled', `reader pod scheduled on ${pod.spec?.nodeName ?? '?'}`);
          return false;
        },
        signal,
      );
      if (failure) throw failure;
      if (!ended) throw new MemwhyError(ExitCode.Unreachable, `the watch on reader pod ${ns}/${name} ended before the pod did`, 'run again');
    } catch (e) {
      if (timeout.signal.aborted && !request.signal.aborted) {
        throw new MemwhyError(ExitCode.Unreachable, `reader pod ${ns}/${name} did not finish within ${request.deadlineSeconds}s`, 'the node may be busy or the image slow to pull; raise --reader-timeout or pass --image');
      }
      throw e;
    } finally {
      clearTimeout(timer);
      for (const l of leftovers) await this.remove(ns, l).catch(() => undefined);
    }
  }
}

/** `kubectl memwhy cleanup`: deletes every memwhy reader pod in the namespaces given. */
export async function cleanupReaders(http: KubeHttp, namespaces: string[] | 'all', signal: AbortSignal): Promise<Array<{ namespace: string; name: string }>> {
  const paths = namespaces === 'all' ? ['/api/v1/pods'] : namespaces.map((ns) => `/api/v1/namespaces/${enc(ns)}/pods`);
  const lists = await Promise.all(paths.map((path) => http.getJson<{ items?: KPod[] }>(path, { labelSelector: MANAGED_BY }, signal)));
  const pods = lists.flatMap((l) => l.items ?? []).map((p) => ({ namespace: p.metadata?.namespace ?? '', name: p.metadata?.name ?? '' }));
  for (const p of pods) {
    try {
      await http.delete(`/api/v1/namespaces/${enc(p.namespace)}/pods/${enc(p.name)}`, { gracePeriodSeconds: 0 }, signal);
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 404)) throw e;
    }
  }
  return pods;
}
