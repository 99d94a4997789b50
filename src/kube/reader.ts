// The reader pod's lifecycle: create → watch until it ends (reporting progress) → read its log → delete.
// The pod is deleted on success, error, timeout and interruption; its activeDeadlineSeconds ends it even if
// memwhy itself is killed, and the next run deletes leftovers whose own deadline has passed (readerExpired), never
// a reader another run may still be using. A create whose answer was lost (interrupted, timed out, 5xx) may still
// be stored by the API server (an admission webhook can hold it for seconds): memwhy keeps deleting that name,
// bounded in time, until it is known to be gone or never made; when it cannot know, it says so and names
// `kubectl memwhy cleanup`. A name collision (409) gets one more try with a new name; a broken watch is opened
// again, a watch that sends nothing is replaced by polling, and a failed delete is retried.
//
// One watch does two jobs, to keep a diagnosis within ten API requests: it is label-selected on every
// memwhy reader in the namespace, so its initial ADDED events also reveal leftovers from earlier runs.
import { ExitCode, MemwhyError } from '../errors.js';
import type { ProgressSink, ReaderRequest, ReaderResult } from '../app/ports.js';
import type { KPod } from '../core/types.js';
import { visible } from '../core/visible.js';
import { ApiError, pause, type KubeHttp } from './http.js';
import { KERNEL_LOG_VOLUME_NAME, type ReaderPod } from './reader-pod.js';

export const MANAGED_BY = 'app.kubernetes.io/managed-by=kubectl-memwhy';
/** A reader with no activeDeadlineSeconds (made by another tool or an old memwhy) is a leftover after this long. */
export const LEFTOVER_AGE_MS = 5 * 60 * 1000;
/** A reader is a leftover this long after its own deadline (creation + activeDeadlineSeconds): its run has given up. */
export const SWEEP_GRACE_MS = 60 * 1000;
/** After an interruption every delete is bounded by this, so the run ends within ~2 s whatever the server does. */
export const INTERRUPTED_CLEANUP_MS = 1_200;
/** How long a create that got no answer is followed by deletes of its name (not interrupted). */
const UNANSWERED_CREATE_MS = 10_000;
/** How long to wait for a create's answer after an interruption. */
const CREATE_SETTLE_MS = 600;
/** A watch that sends no event in this long (not even the pod's ADDED) is replaced by polling. */
export const WATCH_SILENCE_MS = 5_000;
/** The largest reader log read; longer is cut and reported (the real output is tens of KB). */
export const MAX_READER_LOG_BYTES = 16 * 1024 * 1024;
/** Tries at deleting the reader pod when the API server fails transiently. */
const DELETE_ATTEMPTS = 3;
/** Watches of the reader pod: a broken or ended watch is opened again (its first event re-states the pod). */
const WATCH_ATTEMPTS = 3;

export interface ReaderDeps {
  http: KubeHttp;
  /** Builds the reader pod for a target (throws MemwhyError on invalid target data). */
  build: (request: ReaderRequest) => ReaderPod;
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
    if (
      w &&
      [
        'ErrImagePull',
        'ImagePullBackOff',
        'InvalidImageName',
        'CreateContainerConfigError',
        'CreateContainerError',
        'RunContainerError',
      ].includes(w.reason ?? '')
    ) {
      return { reason: visible(w.reason ?? ''), message: visible(w.message ?? '') };
    }
  }
  return null;
}

/** A refused or failed create of a reader pod, explained (Pod Security, a name clash, RBAC). */
export function readerCreateError(e: unknown, ns: string, name: string): unknown {
  if (!(e instanceof MemwhyError)) return e;
  if (/PodSecurity/.test(e.message)) {
    const level = /violates PodSecurity "([a-z]+)(?::[^"]*)?"/.exec(e.message)?.[1];
    const enforces = level
      ? `namespace ${ns} enforces Pod Security level ${level}, which forbids hostPath volumes`
      : `namespace ${ns} enforces a Pod Security level that forbids hostPath volumes`;
    return new MemwhyError(
      ExitCode.Forbidden,
      `the reader pod was rejected: ${e.message}`,
      `${enforces}: use --reader-namespace with a namespace labelled pod-security.kubernetes.io/enforce=privileged`,
    );
  }
  if (e instanceof ApiError && e.status === 409) {
    return new MemwhyError(
      ExitCode.Unreachable,
      `could not create the reader pod: a pod named ${name} already exists in namespace ${ns} (a second name collided too)`,
      'run again',
    );
  }
  if (e instanceof ApiError && e.status === 403) {
    return new MemwhyError(
      ExitCode.Forbidden,
      e.message,
      `memwhy needs RBAC: create, get, delete pods and get pods/log in namespace ${ns} (or choose --reader-namespace; with deploy/rbac.yaml: --reader-namespace memwhy)`,
    );
  }
  return e;
}

/** Whether a stored reader pod is a leftover: its own deadline (plus grace) has passed, so no run still uses it. */
export function readerExpired(pod: KPod, now: number): boolean {
  const created = Date.parse(pod.metadata?.creationTimestamp ?? '');
  if (!Number.isFinite(created)) return false;
  const deadline = (pod.spec as { activeDeadlineSeconds?: unknown } | undefined)?.activeDeadlineSeconds;
  if (typeof deadline === 'number' && Number.isFinite(deadline) && deadline > 0)
    return now - created > deadline * 1000 + SWEEP_GRACE_MS;
  return now - created > LEFTOVER_AGE_MS;
}

/** A create whose outcome memwhy could not learn: the pod may exist, and will end by its deadline. */
function unsureCreate(ns: string, name: string, code: MemwhyError['code'], message: string): MemwhyError {
  return new MemwhyError(
    code,
    message,
    `reader pod ${ns}/${name} may have been created after memwhy stopped waiting; it ends by its deadline, and kubectl memwhy cleanup -n ${ns} removes it now`,
  );
}

/**
 * Deletes `name` until it is known gone: a delete that removes it (200) or, once the create has failed, a 404.
 * While the create's outcome is unknown a 404 proves nothing (the API server may store it later), so deleting
 * goes on until `boundMs`. Resolves true when the pod is known gone.
 */
async function deleteUntilGone(
  http: KubeHttp,
  ns: string,
  name: string,
  boundMs: number,
  createSettled: () => boolean,
): Promise<boolean> {
  const deadline = Date.now() + boundMs;
  for (;;) {
    const left = deadline - Date.now();
    try {
      await http.delete(
        `/api/v1/namespaces/${enc(ns)}/pods/${enc(name)}`,
        { gracePeriodSeconds: 0 },
        AbortSignal.timeout(Math.max(100, left)),
      );
      return true;
    } catch (e) {
      if (e instanceof ApiError && e.status === 404 && createSettled()) return true;
    }
    if (Date.now() + 300 > deadline) return false;
    await pause(300);
  }
}

/**
 * Creates a reader pod built by `build`. A name clash (409, never ours to delete) is retried once with a new
 * name. When a create gets no answer (interrupted, timed out, connection lost) or a 5xx, the API server may
 * store the pod all the same, so its name is deleted until it is known gone (see deleteUntilGone); when that
 * cannot be known in time, the error says so and names the cleanup command.
 */
export async function createReaderPod(
  http: KubeHttp,
  build: () => ReaderPod,
  signal: AbortSignal,
  onAttempt?: (ns: string, name: string) => void,
): Promise<ReaderPod> {
  let spec = build();
  for (let attempt = 1; ; attempt++) {
    const ns = spec.metadata.namespace;
    const name = spec.metadata.name;
    onAttempt?.(ns, name);
    if (signal.aborted) throw new MemwhyError(ExitCode.Interrupted, 'interrupted');
    const outcome = await postReader(http, spec, signal);
    if (outcome.kind === 'created') {
      if (!signal.aborted) return spec;
      await removeReaderPod(http, ns, name, INTERRUPTED_CLEANUP_MS);
      throw new MemwhyError(ExitCode.Interrupted, 'interrupted');
    }
    const e = outcome.error;
    if (outcome.kind === 'refused') {
      if (e instanceof ApiError && e.status === 409 && attempt === 1 && !signal.aborted) {
        spec = build();
        continue;
      }
      throw signal.aborted ? new MemwhyError(ExitCode.Interrupted, 'interrupted') : readerCreateError(e, ns, name);
    }
    // No answer, or a 5xx: the pod may be stored, now or in a moment.
    const gone = await deleteUntilGone(
      http,
      ns,
      name,
      signal.aborted ? INTERRUPTED_CLEANUP_MS : UNANSWERED_CREATE_MS,
      () => outcome.settled(),
    );
    if (signal.aborted) {
      if (gone) throw new MemwhyError(ExitCode.Interrupted, 'interrupted');
      throw unsureCreate(ns, name, ExitCode.Interrupted, 'interrupted while the reader pod was being created');
    }
    const err = readerCreateError(e, ns, name);
    if (gone || !(err instanceof MemwhyError)) throw err;
    throw unsureCreate(ns, name, err.code, err.message);
  }
}

type PostOutcome =
  | { kind: 'created' }
  | { kind: 'refused'; error: unknown }
  | { kind: 'unknown'; error: unknown; settled: () => boolean };

/**
 * POSTs the pod. On an interruption the request is not dropped at once: its answer, when it comes within
 * CREATE_SETTLE_MS, says whether the pod was stored. A refusal below 500 means nothing was stored.
 */
async function postReader(http: KubeHttp, spec: ReaderPod, signal: AbortSignal): Promise<PostOutcome> {
  const own = new AbortController();
  let settled = false;
  const onAbort = (): void => void setTimeout(() => own.abort(), CREATE_SETTLE_MS).unref?.();
  signal.addEventListener('abort', onAbort, { once: true });
  try {
    await http.postJson<KPod>(`/api/v1/namespaces/${enc(spec.metadata.namespace)}/pods`, spec, own.signal);
    settled = true;
    return { kind: 'created' };
  } catch (e) {
    const refused = e instanceof ApiError && e.status < 500;
    settled = refused;
    return refused
      ? { kind: 'refused', error: e }
      : {
          kind: 'unknown',
          error: signal.aborted ? new MemwhyError(ExitCode.Interrupted, 'interrupted') : e,
          settled: () => settled,
        };
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}

/**
 * Deletes a reader pod with a fresh signal (the caller's may be aborted), bounded by `boundMs` (10 s; shorter
 * after an interruption). A transient failure (5xx, 429, a dropped connection) must not leave the pod behind,
 * so it is tried again, briefly.
 */
export async function removeReaderPod(http: KubeHttp, ns: string, name: string, boundMs = 10_000): Promise<void> {
  const deadline = AbortSignal.timeout(boundMs);
  for (let attempt = 1; ; attempt++) {
    try {
      await http.delete(`/api/v1/namespaces/${enc(ns)}/pods/${enc(name)}`, { gracePeriodSeconds: 0 }, deadline);
      return;
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) return;
      const transient = !(e instanceof ApiError) || e.status >= 500 || e.status === 429;
      if (transient && attempt < DELETE_ATTEMPTS && !deadline.aborted) {
        await pause(250 * attempt, deadline).catch(() => undefined);
        if (!deadline.aborted) continue;
      }
      const why = deadline.aborted ? `no answer within ${boundMs / 1000}s` : (e as Error).message;
      throw new MemwhyError(
        ExitCode.Unreachable,
        `could not delete reader pod ${ns}/${name}: ${why}`,
        `it ends by its deadline; delete it now with kubectl delete pod -n ${ns} ${name}, or run kubectl memwhy cleanup -n ${ns}`,
      );
    }
  }
}

export class ReaderPodRunner {
  constructor(private deps: ReaderDeps) {}

  async run(request: ReaderRequest, progress: ProgressSink): Promise<ReaderResult> {
    const { http } = this.deps;
    const node = request.pod.spec?.nodeName ?? '?';
    const spec = await createReaderPod(
      http,
      () => this.deps.build(request),
      request.signal,
      (ns, name) => progress({ stage: 'reader-create', message: `starting reader pod ${ns}/${name} on node ${node}` }),
    );
    const ns = spec.metadata.namespace;
    const name = spec.metadata.name;
    this.deps.track?.('created', ns, name);
    let result: ReaderResult | null = null;
    let withoutKernelLog: KernelLogMountError | null = null;
    try {
      try {
        await this.awaitEnd(ns, name, request, progress);
      } catch (e) {
        if (!(e instanceof KernelLogMountError)) throw e;
        withoutKernelLog = e;
      }
      if (!withoutKernelLog) {
        progress({ stage: 'reader-read', message: 'reading cgroup files' });
        result = await this.readLogs(ns, name, request);
        return result;
      }
    } finally {
      try {
        await this.remove(ns, name, request.signal.aborted ? INTERRUPTED_CLEANUP_MS : undefined);
        progress({ stage: 'reader-deleted', message: `deleted reader pod ${ns}/${name}` });
      } catch (e) {
        // The cgroup files already read are kept; the pod that could not be deleted is said plainly.
        // A reader pod that could not be deleted outranks the read's own failure: the user must hear of it.
        // eslint-disable-next-line no-unsafe-finally
        if (!result || !(e instanceof MemwhyError)) throw e;
        result.cleanup = e.hint ? `${e.message} (${e.hint})` : e.message;
      }
    }
    // The node has no /var/log to mount (FailedMount): read the cgroups without the kernel-log container.
    const again = await this.run({ ...request, kernelLog: false }, progress);
    again.kernelLogMissing = `${withoutKernelLog!.message}; the cgroups were read without it`;
    return again;
  }

  /** The reader's log (bounded in size) → files; and the kernel-log container's, when asked. */
  private async readLogs(ns: string, name: string, request: ReaderRequest): Promise<ReaderResult> {
    const { http } = this.deps;
    const path = `/api/v1/namespaces/${enc(ns)}/pods/${enc(name)}/log`;
    const log = await http.getTextBounded(path, { container: 'reader' }, request.signal, MAX_READER_LOG_BYTES);
    const result = this.deps.parse(log.text);
    if (log.cut)
      result.problems.unshift(
        `the reader's log is longer than ${MAX_READER_LOG_BYTES / 1024 / 1024} MiB and was cut there`,
      );
    if (request.kernelLog) {
      // The opt-in kernel-log container: its output is kernel log lines, or its own explanation.
      const kernel = await http
        .getTextBounded(path, { container: 'kernel-log' }, request.signal, MAX_READER_LOG_BYTES)
        .then((k) => k.text)
        .catch((e: Error) => {
          if (request.signal.aborted) throw e;
          return `memwhy-kernel-log: ${e.message}`;
        });
      if (kernel.startsWith('memwhy-kernel-log:')) result.problems.push(kernel.trim());
      else result.kernelLog = kernel;
    }
    if (!result.complete && Object.keys(result.files).length === 0) {
      throw new MemwhyError(
        ExitCode.Unreachable,
        `the reader pod's output was unusable: ${result.problems.join('; ') || 'empty'}`,
        'run again; if it persists, report it with MEMWHY_DEBUG=1',
      );
    }
    return result;
  }

  /** Deletes the pod (see removeReaderPod) and tells the tracker. */
  async remove(ns: string, name: string, boundMs?: number): Promise<void> {
    await removeReaderPod(this.deps.http, ns, name, boundMs);
    this.deps.track?.('deleted', ns, name);
  }

  /** Watches until the reader pod has ended; fails fast on a stuck image or a deadline. */
  private async awaitEnd(ns: string, name: string, request: ReaderRequest, progress: ProgressSink): Promise<void> {
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), (request.deadlineSeconds + 5) * 1000);
    // Ended early when the pod's events show it cannot start (FailedMount: a node without /var/log).
    const stuck = new AbortController();
    const signal = AbortSignal.any([request.signal, timeout.signal, stuck.signal]);
    let eventsWatch: Promise<void> | null = null;
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
        if (type === 'ADDED' && readerExpired(pod, this.deps.now())) leftovers.add(podName);
        return false;
      }
      if (type === 'DELETED') {
        failure = new MemwhyError(
          ExitCode.Unreachable,
          `reader pod ${ns}/${name} was deleted before it finished`,
          'someone or something deleted it; run again',
        );
        return true;
      }
      const phase = pod.status?.phase;
      if (phase === 'Succeeded') return true;
      if (phase === 'Failed') {
        failure = failedReader(pod, ns, name, request.deadlineSeconds) ?? failure;
        return true;
      }
      const image = stuckImage(pod, request.image);
      if (image) {
        failure = image;
        return true;
      }
      if (phase === 'Running') say('reader-running', `reader pod running on ${pod.spec?.nodeName ?? '?'}`);
      else if (pod.status?.containerStatuses?.[0]?.state?.waiting) {
        say('reader-pulling', `pulling image ${request.image}`);
        eventsWatch ??= podStuckByEvents(this.deps.http, ns, name, signal).then(
          (stuckOn) => {
            if (!stuckOn || failure) return;
            failure = mountFailure(stuckOn, ns, name, request.kernelLog);
            stuck.abort();
          },
          () => undefined,
        );
      } else if (pod.status?.conditions?.some((c) => c.type === 'PodScheduled' && c.status === 'True'))
        say('reader-scheduled', `reader pod scheduled on ${pod.spec?.nodeName ?? '?'}`);
      return false;
    };
    try {
      const ended = await watchOrPoll(this.deps.http, ns, name, onEvent, signal, () => failure !== null);
      if (failure) throw failure;
      if (!ended)
        throw new MemwhyError(
          ExitCode.Unreachable,
          `the watch on reader pod ${ns}/${name} ended before the pod did`,
          'run again',
        );
    } catch (e) {
      if (stuck.signal.aborted && failure && !request.signal.aborted) throw failure;
      if (timeout.signal.aborted && !request.signal.aborted) throw notFinished(ns, name, request.deadlineSeconds);
      throw e;
    } finally {
      clearTimeout(timer);
      stuck.abort(); // ends the events poll
      for (const l of leftovers)
        await this.remove(ns, l, request.signal.aborted ? INTERRUPTED_CLEANUP_MS : undefined).catch(() => undefined);
    }
  }
}

/**
 * Why a Failed reader pod failed, or null when its container ran and ended: a failed reader still printed what
 * it could (e.g. "pod not found on this node"), so its log is read.
 */
function failedReader(pod: KPod, ns: string, name: string, deadlineSeconds: number): MemwhyError | null {
  const t = pod.status?.containerStatuses?.[0]?.state?.terminated;
  if (pod.status?.reason === 'DeadlineExceeded')
    return new MemwhyError(
      ExitCode.Unreachable,
      `reader pod ${ns}/${name} ran past its deadline of ${deadlineSeconds}s`,
      'the node may be overloaded; raise --reader-timeout',
    );
  if (t) return null;
  return new MemwhyError(
    ExitCode.Unreachable,
    visible(`reader pod ${ns}/${name} failed: ${pod.status?.reason ?? ''} ${pod.status?.message ?? ''}`.trim()),
    null,
  );
}

/** The reader pod's volume cannot be mounted: the kernel-log container's (read without it) or the cgroup one. */
function mountFailure(
  stuckOn: { reason: string; message: string; volume: string | null },
  ns: string,
  name: string,
  kernelLog: boolean,
): MemwhyError {
  if (stuckOn.volume === KERNEL_LOG_VOLUME_NAME && kernelLog) return new KernelLogMountError(stuckOn.message);
  return new MemwhyError(
    ExitCode.Unreachable,
    `reader pod ${ns}/${name} cannot start: ${stuckOn.reason}: ${stuckOn.message}`,
    "the node refuses the reader's volumes; see kubectl describe pod",
  );
}

function notFinished(ns: string, name: string, deadlineSeconds: number): MemwhyError {
  return new MemwhyError(
    ExitCode.Unreachable,
    `reader pod ${ns}/${name} did not finish within ${deadlineSeconds}s`,
    'the node may be busy or the image slow to pull; raise --reader-timeout or pass --image',
  );
}

/** The reader's image cannot start (a pull error, a bad image name): said with the air-gapped hint. */
function stuckImage(pod: KPod, image: string): MemwhyError | null {
  const s = stuckReason(pod);
  if (!s) return null;
  return new MemwhyError(
    ExitCode.Unreachable,
    `the reader image ${image} cannot be started: ${s.reason}${s.message ? ` (${s.message})` : ''}`,
    'in an air-gapped cluster, mirror busybox and pass --image <registry>/busybox:1.36',
  );
}

/**
 * Feeds `onEvent` from a watch of the reader namespace's memwhy pods until it says done. A broken or ended watch
 * is opened again (WATCH_ATTEMPTS); a watch that sends nothing for WATCH_SILENCE_MS (a proxy that buffers
 * streams) is replaced by polling the pod every second, as kubectl wait would still see it end.
 */
async function watchOrPoll(
  http: KubeHttp,
  ns: string,
  name: string,
  onEvent: (type: string, pod: KPod) => boolean,
  signal: AbortSignal,
  failed: () => boolean,
): Promise<boolean> {
  let heard = false;
  const silence = new AbortController();
  const timer = setTimeout(() => heard || silence.abort(), WATCH_SILENCE_MS);
  const listen = (type: string, pod: KPod): boolean => {
    heard = true;
    return onEvent(type, pod);
  };
  try {
    for (let attempt = 1; ; attempt++) {
      let ended = false;
      try {
        ended = await http.watch<KPod>(
          `/api/v1/namespaces/${enc(ns)}/pods`,
          { labelSelector: MANAGED_BY },
          listen,
          AbortSignal.any([signal, silence.signal]),
        );
      } catch (e) {
        if (silence.signal.aborted && !signal.aborted) return await pollReader(http, ns, name, onEvent, signal);
        // A broken stream (connection reset, a proxy's idle timeout, 410 Gone, a 5xx ERROR event): watch again.
        const again = !(e instanceof ApiError) || e.status === 410 || e.status >= 500;
        if (again && !signal.aborted && attempt < WATCH_ATTEMPTS) continue;
        throw e;
      }
      // Ended cleanly before the pod did (the server's watch timeout): watch again.
      if (ended || failed() || attempt >= WATCH_ATTEMPTS) return ended;
    }
  } finally {
    clearTimeout(timer);
  }
}

/** GETs the reader pod every second and hands it to `onEvent` (a 404 as DELETED) until it says done. */
async function pollReader(
  http: KubeHttp,
  ns: string,
  name: string,
  onEvent: (type: string, pod: KPod) => boolean,
  signal: AbortSignal,
): Promise<boolean> {
  for (;;) {
    let done: boolean;
    try {
      done = onEvent(
        'MODIFIED',
        await http.getJson<KPod>(`/api/v1/namespaces/${enc(ns)}/pods/${enc(name)}`, undefined, signal),
      );
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 404)) throw e;
      done = onEvent('DELETED', { metadata: { name } } as KPod);
    }
    if (done) return true;
    await pause(1_000, signal);
  }
}

/** Pod events that will not clear up by waiting (the kubelet retries them until the deadline). */
const STUCK_EVENT_REASONS = ['FailedMount', 'FailedAttachVolume', 'FailedCreatePodSandBox'];

/** The opt-in kernel-log container's /var/log mount failed: the cgroup reader can still run without it. */
export class KernelLogMountError extends MemwhyError {
  constructor(readonly detail: string) {
    super(ExitCode.Unreachable, `the node's /var/log could not be mounted for --kernel-log: ${detail}`, null);
  }
}

/**
 * Lists the reader pod's events every 1.5 s while it waits to start, until `signal` aborts; resolves with the
 * first event that says it cannot start (and the volume it names), or null.
 */
async function podStuckByEvents(
  http: KubeHttp,
  ns: string,
  name: string,
  signal: AbortSignal,
): Promise<{ reason: string; message: string; volume: string | null } | null> {
  for (let round = 0; round < 200; round++) {
    await pause(round === 0 ? 500 : 1_500, signal);
    const list = await http.getJson<{ items?: Array<{ reason?: string; message?: string; type?: string }> }>(
      `/api/v1/namespaces/${enc(ns)}/events`,
      { fieldSelector: `involvedObject.name=${name}` },
      signal,
    );
    const hit = (list.items ?? []).find((e) => e.type === 'Warning' && STUCK_EVENT_REASONS.includes(e.reason ?? ''));
    if (hit) {
      const message = visible(hit.message ?? '').slice(0, 300);
      return { reason: visible(hit.reason ?? ''), message, volume: /volume "([^"]+)"/.exec(message)?.[1] ?? null };
    }
  }
  return null;
}

/** `kubectl memwhy cleanup`: deletes every memwhy reader pod in the namespaces given. */
export async function cleanupReaders(
  http: KubeHttp,
  namespaces: string[] | 'all',
  signal: AbortSignal,
): Promise<Array<{ namespace: string; name: string }>> {
  const paths = namespaces === 'all' ? ['/api/v1/pods'] : namespaces.map((ns) => `/api/v1/namespaces/${enc(ns)}/pods`);
  const lists = await Promise.all(
    paths.map((path) => http.getJson<{ items?: KPod[] }>(path, { labelSelector: MANAGED_BY }, signal)),
  );
  const pods = lists
    .flatMap((l) => l.items ?? [])
    .map((p) => ({ namespace: p.metadata?.namespace ?? '', name: p.metadata?.name ?? '' }));
  for (const p of pods) {
    try {
      await http.delete(
        `/api/v1/namespaces/${enc(p.namespace)}/pods/${enc(p.name)}`,
        { gracePeriodSeconds: 0 },
        signal,
      );
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 404)) throw e;
    }
  }
  // The names are printed: a non-validating server's control characters are shown, not sent.
  return pods.map((p) => ({ namespace: visible(p.namespace), name: visible(p.name) }));
}
