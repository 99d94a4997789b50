// The reader pod's lifecycle: create → watch until it ends (reporting progress) → read its log → delete.
// The pod is deleted on success, error, timeout and interruption; its activeDeadlineSeconds ends it even if
// memwhy itself is killed, and the next run deletes leftovers older than LEFTOVER_AGE_MS. A create whose answer
// was lost (interrupted, timed out, 5xx) is followed by a delete of that name all the same, since the API server may
// have stored it; a name collision (409) gets one more try with a new name; a broken watch is opened again, and a
// failed delete is retried.
//
// One watch does two jobs, to keep a diagnosis within ten API requests: it is label-selected on every
// memwhy reader in the namespace, so its initial ADDED events also reveal leftovers from earlier runs.
import { ExitCode, MemwhyError } from '../cli/exit-codes.js';
import type { ProgressSink, ReaderRequest, ReaderResult } from '../app/ports.js';
import type { KPod } from '../core/types.js';
import { ApiError, type KubeHttp } from './http.js';

export const MANAGED_BY = 'app.kubernetes.io/managed-by=kubectl-memwhy';
export const LEFTOVER_AGE_MS = 5 * 60 * 1000;
/** Tries at deleting the reader pod when the API server fails transiently. */
const DELETE_ATTEMPTS = 3;
/** Watches of the reader pod: a broken or ended watch is opened again (its first event re-states the pod). */
const WATCH_ATTEMPTS = 3;

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

/** Why a waiting container will not start by itself (shared with the live watch). */
export function stuckReason(pod: KPod): { reason: string; message: string } | null {
  for (const s of pod.status?.containerStatuses ?? []) {
    const w = s.state?.waiting;
    if (w && ['ErrImagePull', 'ImagePullBackOff', 'InvalidImageName', 'CreateContainerConfigError', 'CreateContainerError', 'RunContainerError'].includes(w.reason ?? '')) {
      return { reason: w.reason ?? '', message: w.message ?? '' };
    }
  }
  return null;
}

/** A refused or failed create of a reader pod, explained (Pod Security, a name clash, RBAC). */
export function readerCreateError(e: unknown, ns: string, name: string): unknown {
  if (!(e instanceof MemwhyError)) return e;
  if (/PodSecurity/.test(e.message)) {
    const level = /violates PodSecurity "([a-z]+)(?::[^"]*)?"/.exec(e.message)?.[1];
    const enforces = level ? `namespace ${ns} enforces Pod Security level ${level}, which forbids hostPath volumes` : `namespace ${ns} enforces a Pod Security level that forbids hostPath volumes`;
    return new MemwhyError(ExitCode.Forbidden, `the reader pod was rejected: ${e.message}`, `${enforces}: use --reader-namespace with a namespace labelled pod-security.kubernetes.io/enforce=privileged`);
  }
  if (e instanceof ApiError && e.status === 409) {
    return new MemwhyError(ExitCode.Unreachable, `could not create the reader pod: a pod named ${name} already exists in namespace ${ns} (a second name collided too)`, 'run again');
  }
  if (e instanceof ApiError && e.status === 403) {
    return new MemwhyError(ExitCode.Forbidden, e.message, `memwhy needs RBAC: create, get, delete pods and get pods/log in namespace ${ns} (or choose --reader-namespace)`);
  }
  return e;
}

/**
 * Creates a reader pod built by `build`. A name clash (409, never ours to delete) is retried once with a new
 * name. When a create gets no answer (interrupted, timed out, connection lost) or a 5xx, the API server may
 * have stored the pod all the same, so it is deleted by name before the error is thrown.
 */
export async function createReaderPod(http: KubeHttp, build: () => ReaderPodSpec, signal: AbortSignal, onAttempt?: (ns: string, name: string) => void): Promise<ReaderPodSpec> {
  let spec = build();
  for (let attempt = 1; ; attempt++) {
    const ns = spec.metadata.namespace;
    const name = spec.metadata.name;
    onAttempt?.(ns, name);
    if (signal.aborted) throw new MemwhyError(ExitCode.Interrupted, 'interrupted');
    try {
      await http.postJson<KPod>(`/api/v1/namespaces/${enc(ns)}/pods`, spec, signal);
      return spec;
    } catch (e) {
      if (e instanceof ApiError && e.status === 409 && attempt === 1) {
        spec = build();
        continue;
      }
      if (!(e instanceof ApiError) || e.status >= 500) await removeReaderPod(http, ns, name).catch(() => undefined);
      throw readerCreateError(e, ns, name);
    }
  }
}

/**
 * Deletes a reader pod with a fresh signal (the caller's may be aborted) and a 10 s limit. A transient
 * failure (5xx, 429, a dropped connection) must not leave the pod behind, so it is tried again, briefly.
 */
export async function removeReaderPod(http: KubeHttp, ns: string, name: string): Promise<void> {
  const deadline = AbortSignal.timeout(10_000);
  for (let attempt = 1; ; attempt++) {
    try {
      await http.delete(`/api/v1/namespaces/${enc(ns)}/pods/${enc(name)}`, { gracePeriodSeconds: 0 }, deadline);
      return;
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) return;
      const transient = !(e instanceof ApiError) || e.status >= 500 || e.status === 429;
      if (transient && attempt < DELETE_ATTEMPTS && !deadline.aborted) {
        await new Promise((r) => setTimeout(r, 250 * attempt));
        continue;
      }
      throw new MemwhyError(ExitCode.Unreachable, `could not delete reader pod ${ns}/${name}: ${(e as Error).message}`, `delete it with kubectl delete pod -n ${ns} ${name}, or run kubectl memwhy cleanup`);
    }
  }
}

export class ReaderPodRunner {
  constructor(private deps: ReaderDeps) {}

  async run(request: ReaderRequest, progress: ProgressSink): Promise<ReaderResult> {
    const { http } = this.deps;
    const node = request.pod.spec?.nodeName ?? '?';
    const spec = await createReaderPod(http, () => this.deps.build(request), request.signal, (ns, name) => progress({ stage: 'reader-create', message: `starting reader pod ${ns}/${name} on node ${node}` }));
    const ns = spec.metadata.namespace;
    const name = spec.metadata.name;
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

  /** Deletes the pod (see removeReaderPod) and tells the tracker. */
  async remove(ns: string, name: string): Promise<void> {
    await removeReaderPod(this.deps.http, ns, name);
    this.deps.track?.('deleted', ns, name);
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
    const leftovers = new Set<string>();
    const onEvent = (type: string, pod: KPod): boolean => {
      const podName = pod.metadata?.name ?? '';
      if (podName !== name) {
        const created = Date.parse(pod.metadata?.creationTimestamp ?? '');
        if (type === 'ADDED' && Number.isFinite(created) && this.deps.now() - created > LEFTOVER_AGE_MS) leftovers.add(podName);
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
      const s = stuckReason(pod);
      if (s) {
        failure = new MemwhyError(ExitCode.Unreachable, `the reader image ${request.image} cannot be started: ${s.reason}${s.message ? ` (${s.message})` : ''}`, 'in an air-gapped cluster, mirror busybox and pass --image <registry>/busybox:1.36');
        return true;
      }
      if (phase === 'Running') say('reader-running', `reader pod running on ${pod.spec?.nodeName ?? '?'}`);
      else if (pod.status?.containerStatuses?.[0]?.state?.waiting) say('reader-pulling', `pulling image ${request.image}`);
      else if (pod.status?.conditions?.some((c) => c.type === 'PodScheduled' && c.status === 'True')) say('reader-scheduled', `reader pod scheduled on ${pod.spec?.nodeName ?? '?'}`);
      return false;
    };
    try {
      let ended = false;
      for (let attempt = 1; ; attempt++) {
        try {
          ended = await this.deps.http.watch<KPod>(`/api/v1/namespaces/${enc(ns)}/pods`, { labelSelector: MANAGED_BY }, onEvent, signal);
        } catch (e) {
          // A broken stream (connection reset, a proxy's idle timeout, 410 Gone, a 5xx ERROR event): watch again.
          const again = !(e instanceof ApiError) || e.status === 410 || e.status >= 500;
          if (again && !signal.aborted && attempt < WATCH_ATTEMPTS) continue;
          throw e;
        }
        // Ended cleanly before the pod did (the server's watch timeout): watch again.
        if (ended || failure || attempt >= WATCH_ATTEMPTS) break;
      }
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
