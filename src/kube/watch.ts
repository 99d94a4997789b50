// The live watch (the TUI's `w` key): a reader pod in `watch` mode on the target's node prints a frame set every
// interval; its followed log becomes a stream of analyses. The other facts (pod, node, events, …) stay as first
// gathered: only the cgroup files change from one analysis to the next.
//
// Lifecycle of one iteration: create the reader pod → watch until it runs → follow its log → delete it.
// The pod is deleted whatever ends the iteration: the consumer's return() (watch toggled off, TUI quit), the
// caller's signal (Ctrl-C), an error, the pod ending or the deadline passing. Its activeDeadlineSeconds ends it
// even if memwhy itself is killed (and `kubectl memwhy cleanup` or the next diagnosis removes the object).
// Every iteration ([Symbol.asyncIterator]()) is a new pod; the iterator is not an async generator, so that
// return() takes effect at once, even while a next() waits for the pod to start or for the next frame set.
//
// The reader pod is built, created, and deleted by the same code as the one-shot reader's (live.ts buildReader,
// reader.ts createReaderPod/removeReaderPod/stuckReason); what differs is following the log of a running pod.
import { ExitCode, MemwhyError } from '../errors.js';
import { parseFrameSets, type ParsedFrames } from '../core/frames.js';
import type { Analysis, Facts, KPod } from '../core/types.js';
import type { KubeHttp } from './http.js';
import { buildReader, readerTarget } from './live.js';
import { DEFAULT_READER_IMAGE, READER_CONTAINER_NAME, type ReaderPod } from './reader-pod.js';
import {
  createReaderPod,
  INTERRUPTED_CLEANUP_MS,
  MAX_READER_LOG_BYTES,
  removeReaderPod,
  stuckReason,
} from './reader.js';

export interface WatchOptions {
  http: KubeHttp;
  /** The facts of the first diagnosis; each analysis replaces only `cgroupFiles` (and their `missing` notes). */
  facts: Facts;
  /** Where the reader pod is created (the reader namespace: --reader-namespace, else the target's). */
  namespace: string;
  /** The reader image (--image); default busybox:1.36. */
  image?: string;
  /** Seconds between frame sets (1…3600). Default 2. */
  intervalSeconds?: number;
  /** The pod's activeDeadlineSeconds: the watch ends after this long (1…86400). Default 300. */
  deadlineSeconds?: number;
  /** The clock for each analysis's generatedAt (ISO 8601). */
  now?: () => string;
  /**
   * Turns the facts with each new frame set into what the watch yields: the use case (analyse) is the caller's,
   * this adapter only runs the reader pod.
   */
  analyse: (facts: Facts, now: string) => Analysis;
  /** Why the pod cannot be watched (not scheduled, ended, a Windows node …), or null; checked before any pod is made. */
  obstacle?: (facts: Facts) => string | null;
  /** Ctrl-C: ends every iteration, deletes its pod; a pending or later next() throws MemwhyError(Interrupted). */
  signal?: AbortSignal;
  /** Called with every reader pod created, and again when it is deleted (tests, diagnostics). */
  track?: (event: 'created' | 'deleted', namespace: string, name: string) => void;
}

/** What watchAnalyses returns: iterate it for a watch (each iteration is one reader pod); close() ends them all. */
export interface LiveWatch extends AsyncIterable<Analysis> {
  /** Stops every iteration still running and resolves once their reader pods are deleted. Idempotent. */
  close(): Promise<void>;
}

/** Seconds past the deadline before memwhy stops waiting by itself (the kubelet should have ended the pod). */
const DEADLINE_GRACE_SECONDS = 5;
/** After the log stream ends: how long to wait for the pod to show it has ended before following again. */
const END_WAIT_MS = 5_000;
/** Log streams that may end while the pod still runs (a proxy cutting long requests) before giving up. */
const MAX_RECONNECTS = 3;
/** Consecutive unusable frame sets before giving up. */
const MAX_BAD_SETS = 3;

const enc = encodeURIComponent;

export function watchAnalyses(options: WatchOptions): LiveWatch {
  const sessions = new Set<WatchSession>();
  return {
    [Symbol.asyncIterator](): AsyncIterator<Analysis> {
      const session = new WatchSession(options, () => sessions.delete(session));
      sessions.add(session);
      return session;
    },
    async close(): Promise<void> {
      const results = await Promise.allSettled([...sessions].map((s) => s.return()));
      const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
      if (failed) throw failed.reason;
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// The reader pod in watch mode (glue as in live.ts readerPod, with mode 'watch').

/** The watch-mode reader pod for the target pod (the same builder and checks as the one-shot reader). */
export function watchReaderPod(
  pod: KPod,
  namespace: string,
  image: string,
  intervalSeconds: number,
  deadlineSeconds: number,
): ReaderPod {
  return buildReader(
    { target: readerTarget(pod), readerNamespace: namespace, image, deadlineSeconds, mode: 'watch', intervalSeconds },
    'the watch reader pod',
  );
}

function oneLine(text: string): string {
  const t = text.replace(/\s+/g, ' ').trim();
  return t.length > 200 ? `${t.slice(0, 200)}…` : t;
}

const interrupted = (): MemwhyError => new MemwhyError(ExitCode.Interrupted, 'interrupted');

// ---------------------------------------------------------------------------------------------------------
// One iteration: one reader pod.

type PodState = { kind: 'waiting' } | { kind: 'running' } | { kind: 'ended' } | { kind: 'failed'; error: MemwhyError };

const DONE: IteratorReturnResult<undefined> = { done: true, value: undefined };

/** What the frame sets of one iteration have shown so far, across the log streams of its reader pod. */
interface FollowProgress {
  /** The highest sequence number analysed: a set sent again after a reconnect is not analysed twice. */
  lastSeq: number;
  /** Consecutive unusable frame sets. */
  badSets: number;
  /** What was wrong with the last unusable frame set. */
  lastProblems: string[];
  /** Analyses delivered. */
  yielded: number;
}

/** The reader pod ended (or the deadline passed) before a single usable frame set. */
function nothingUsable(progress: FollowProgress): MemwhyError {
  const problems = progress.lastProblems;
  return new MemwhyError(
    ExitCode.Unreachable,
    `the watch reader pod ended without a usable sample${problems.length ? `: ${oneLine(problems.join('; '))}` : ''}`,
    'run again; if it persists, report it with MEMWHY_DEBUG=1',
  );
}

class WatchSession implements AsyncIterator<Analysis> {
  private readonly http: KubeHttp;
  private readonly image: string;
  private readonly intervalSeconds: number;
  private readonly deadlineSeconds: number;
  private readonly now: () => string;
  /** Aborted by return(), close() and the caller's signal: everything in flight stops. */
  private readonly stop = new AbortController();
  /** Aborted when the deadline (+ grace) passes. */
  private readonly deadline = new AbortController();
  private readonly signal: AbortSignal;
  private readonly gen: AsyncGenerator<Analysis, void, undefined>;
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** A gen.next() is pending. */
  private inFlight = false;
  /** The generator is suspended at a yield (its analysis delivered or about to be): nothing is in flight. */
  private atYield = false;
  /** Why the pod could not be deleted, if it could not. */
  private cleanupError: MemwhyError | null = null;
  /** The generator has finished (returned or thrown): the pod is deleted (or its deletion failed). */
  private finished = false;
  /** return() was called (or close()): later next() calls are done. */
  private returned = false;
  /** The error owed to the consumer's next call: Interrupted after an abort while no next() was pending, or a
   * failed deletion after the deadline ended a suspended iteration. */
  private owed: unknown = null;
  /** Cleanup run while the generator was suspended (abort, deadline); never rejects. */
  private ending: Promise<void> | null = null;
  private readonly onAbort = (): void => this.interrupt();

  constructor(
    private readonly options: WatchOptions,
    private readonly forget: () => void,
  ) {
    this.http = options.http;
    this.image = options.image ?? DEFAULT_READER_IMAGE;
    this.intervalSeconds = options.intervalSeconds ?? 2;
    this.deadlineSeconds = options.deadlineSeconds ?? 300;
    this.now = options.now ?? (() => new Date().toISOString());
    this.signal = AbortSignal.any([this.stop.signal, this.deadline.signal]);
    this.gen = this.run();
  }

  [Symbol.asyncIterator](): this {
    return this;
  }

  async next(): Promise<IteratorResult<Analysis>> {
    if (this.ending) await this.ending;
    if (this.owed) {
      const e = this.owed;
      this.owed = null;
      throw e;
    }
    if (this.finished || this.returned) return DONE;
    if (this.inFlight) throw new TypeError('watchAnalyses: next() called while another next() is pending');
    this.inFlight = true;
    try {
      const r = await this.gen.next();
      if (r.done) this.settle();
      return r.done ? DONE : r;
    } catch (e) {
      this.settle();
      if (this.options.signal?.aborted) throw interrupted();
      // Stopped by return()/close(): whatever the abort caused is not an error.
      if (this.returned) return DONE;
      throw e;
    } finally {
      this.inFlight = false;
    }
  }

  /** Stops the watch and resolves once the reader pod is deleted (rejects if the deletion failed). */
  async return(): Promise<IteratorResult<Analysis>> {
    this.returned = true;
    this.owed = null;
    this.stop.abort();
    await this.finish();
    if (this.cleanupError) throw this.cleanupError;
    return DONE;
  }

  /** The caller's signal fired: stop now, delete the pod even if the consumer is not calling next(). */
  private interrupt(): void {
    if (this.finished) return;
    // A pending next() throws Interrupted itself; otherwise the consumer's next call does.
    if (this.atYield && !this.returned) this.owed = interrupted();
    this.stop.abort();
    if (this.atYield) this.endNow();
  }

  /** The deadline passed: a pending step notices through the signal; a suspended generator is ended here. */
  private expire(): void {
    this.deadline.abort();
    if (this.atYield && !this.finished) this.endNow();
  }

  /** Ends a suspended generator now, without a consumer waiting; what goes wrong is owed to the next call. */
  private endNow(): void {
    this.ending = this.finish().catch((e: unknown) => {
      if (!this.owed && !this.returned) this.owed = e;
    });
  }

  /** Ends the generator (its finally deletes the pod); a pending next() ends first, being aborted. */
  private async finish(): Promise<void> {
    if (this.finished) return;
    try {
      await this.gen.return(undefined);
    } finally {
      this.settle();
    }
  }

  private settle(): void {
    this.finished = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.options.signal?.removeEventListener('abort', this.onAbort);
    this.forget();
  }

  // -------------------------------------------------------------------------------------------------------

  private async *run(): AsyncGenerator<Analysis, void, undefined> {
    this.checkWatchable();
    let spec = this.readerSpec();
    let ns = spec.metadata.namespace;
    let name = spec.metadata.name;
    this.options.signal?.addEventListener('abort', this.onAbort, { once: true });
    this.timer = setTimeout(() => this.expire(), (this.deadlineSeconds + DEADLINE_GRACE_SECONDS) * 1000);
    let failed = false;
    // Even when the POST is cut off, the pod may exist: the finally below deletes it by name.
    let created = true;
    try {
      try {
        // createReaderPod deletes the pod itself when a create went unanswered, and retries a name clash.
        spec = await createReaderPod(this.http, () => this.readerSpec(), this.signal);
      } catch (e) {
        created = false;
        throw e;
      }
      ns = spec.metadata.namespace;
      name = spec.metadata.name;
      this.options.track?.('created', ns, name);
      await this.awaitStart(ns, name);
      yield* this.follow(ns, name);
    } catch (e) {
      // An error caused by return()/close()/Ctrl-C stopping us is no failure of the watch.
      failed = !this.stop.signal.aborted;
      throw this.stopReason(e);
    } finally {
      if (created) await this.remove(ns, name, failed);
    }
  }

  /** Before any pod is made: the caller has not already interrupted, and the pod can be watched. */
  private checkWatchable(): void {
    if (this.options.signal?.aborted) throw interrupted();
    const obstacle = this.options.obstacle?.(this.options.facts) ?? null;
    if (obstacle) throw new MemwhyError(ExitCode.NotFound, `cannot watch: ${obstacle}`, null);
  }

  private readerSpec(): ReaderPod {
    const { facts, namespace } = this.options;
    return watchReaderPod(facts.pod, namespace, this.image, this.intervalSeconds, this.deadlineSeconds);
  }

  /** What to throw for an error that ended the iteration: Ctrl-C is Interrupted, a deadline before the pod ran says so. */
  private stopReason(e: unknown): unknown {
    if (this.options.signal?.aborted) return interrupted();
    if (this.deadlineOnly() && e instanceof MemwhyError && e.code === ExitCode.Interrupted) {
      return new MemwhyError(
        ExitCode.Unreachable,
        `the watch reached its deadline of ${this.deadlineSeconds}s before the reader pod ran`,
        'the API server or the node may be slow; run again',
      );
    }
    return e;
  }

  /** Follows the running reader's log, again after a stream that ended while the pod ran, until the pod ends. */
  private async *follow(ns: string, name: string): AsyncGenerator<Analysis, void, undefined> {
    const progress: FollowProgress = { lastSeq: 0, badSets: 0, lastProblems: [], yielded: 0 };
    for (let reconnects = 0; ; reconnects++) {
      try {
        yield* this.followLog(ns, name, progress);
      } catch (e) {
        if (!this.deadlineOnly()) throw e;
        // The deadline passed: the watch is over.
        if (progress.yielded === 0) throw nothingUsable(progress);
        return;
      }
      // The stream ended: normally because the reader ended (its count, its deadline).
      const state = await this.awaitEnd(ns, name);
      if (state === 'ended') {
        if (progress.yielded === 0) throw nothingUsable(progress);
        return;
      }
      if (reconnects >= MAX_RECONNECTS) {
        throw new MemwhyError(
          ExitCode.Unreachable,
          `the log of reader pod ${ns}/${name} kept ending while the pod ran`,
          'something between memwhy and the API server cuts long requests; run again',
        );
      }
    }
  }

  /** One log stream of the reader: an analysis for each new, usable frame set, until the stream ends. */
  private async *followLog(ns: string, name: string, progress: FollowProgress): AsyncGenerator<Analysis, void> {
    let buffer = '';
    for await (const chunk of this.http.streamText(
      `/api/v1/namespaces/${enc(ns)}/pods/${enc(name)}/log`,
      { container: READER_CONTAINER_NAME, follow: true },
      this.signal,
    )) {
      buffer += chunk;
      const { sets, rest } = parseFrameSets(buffer);
      buffer = rest;
      // An unfinished frame set this large is not the reader's output: never hold it all in memory.
      if (buffer.length > MAX_READER_LOG_BYTES) {
        throw new MemwhyError(
          ExitCode.Unreachable,
          `the watch reader printed more than ${MAX_READER_LOG_BYTES / 1024 / 1024} MiB without finishing a frame set`,
          "this is not the reader's output; check the --image",
        );
      }
      for (const set of sets) {
        if (!this.usable(set, progress)) continue;
        const analysis = this.analysis(set);
        progress.yielded++;
        this.atYield = true;
        try {
          yield analysis;
        } finally {
          this.atYield = false;
        }
      }
    }
  }

  /**
   * Whether a frame set is new and complete, counting it in `progress`. Sets sent again after a reconnect are
   * skipped; a set that ends the watch, or one unusable set too many, throws.
   */
  private usable(set: ParsedFrames, progress: FollowProgress): boolean {
    const seq = set.header?.seq ?? 0;
    if (seq > 0 && seq <= progress.lastSeq) return false; // sent again after a reconnect
    this.check(set);
    if (!set.complete) {
      progress.lastProblems = set.problems;
      if (++progress.badSets >= MAX_BAD_SETS) {
        throw new MemwhyError(
          ExitCode.Unreachable,
          `the watch reader's output was unusable: ${oneLine(progress.lastProblems.join('; ') || 'empty')}`,
          'run again; if it persists, report it with MEMWHY_DEBUG=1',
        );
      }
      return false;
    }
    progress.badSets = 0;
    if (seq > 0) progress.lastSeq = seq;
    return true;
  }

  /** Only the deadline (not return(), close() or the caller) aborted. */
  private deadlineOnly(): boolean {
    return this.deadline.signal.aborted && !this.stop.signal.aborted;
  }

  /** A frame set that means the watch cannot go on (as live.ts readerResult). */
  private check(set: ParsedFrames): void {
    if (set.notFound) {
      throw new MemwhyError(
        ExitCode.NotFound,
        'the reader no longer finds a cgroup directory for the pod on its node',
        'the pod may have just been deleted or restarted; run memwhy again',
      );
    }
    if (set.fatal) {
      throw new MemwhyError(
        ExitCode.Unreachable,
        `the reader pod could not read the node's cgroups: ${set.fatal}`,
        set.fatal.includes('memory') ? 'the node has no memory cgroup controller mounted' : null,
      );
    }
  }

  private analysis(set: ParsedFrames): Analysis {
    const { facts } = this.options;
    const missing = { ...facts.missing };
    delete missing['cgroup'];
    delete missing['cgroup-files'];
    if (set.errors.length) missing['cgroup-files'] = set.errors.map((e) => `${e.path}: ${e.reason}`).join('; ');
    return this.options.analyse({ ...facts, cgroupFiles: set.files, missing }, this.now());
  }

  /** How the pod stands, from one watch event. */
  private podState(ns: string, name: string, type: string, pod: KPod): PodState {
    if (type === 'DELETED') {
      return {
        kind: 'failed',
        error: new MemwhyError(
          ExitCode.Unreachable,
          `reader pod ${ns}/${name} was deleted while watching`,
          'someone or something deleted it; start the watch again',
        ),
      };
    }
    const phase = pod.status?.phase;
    const terminated = pod.status?.containerStatuses?.find((s) => s.name === READER_CONTAINER_NAME)?.state?.terminated;
    if (phase === 'Succeeded') return { kind: 'ended' };
    if (phase === 'Failed') {
      if (pod.status?.reason === 'DeadlineExceeded') {
        return terminated
          ? { kind: 'ended' }
          : {
              kind: 'failed',
              error: new MemwhyError(
                ExitCode.Unreachable,
                `reader pod ${ns}/${name} did not start within its deadline of ${this.deadlineSeconds}s`,
                'the node may be busy or the image slow to pull; pass --image',
              ),
            };
      }
      // 143: stopped by SIGTERM (a graceful delete); the script exits cleanly then.
      if (terminated && (terminated.exitCode === 0 || terminated.exitCode === 143)) return { kind: 'ended' };
      const why = terminated
        ? `${terminated.reason ?? 'Error'}, exit code ${terminated.exitCode ?? '?'}${terminated.message ? `: ${oneLine(terminated.message)}` : ''}`
        : `${pod.status?.reason ?? ''} ${pod.status?.message ?? ''}`.trim();
      return {
        kind: 'failed',
        error: new MemwhyError(
          ExitCode.Unreachable,
          `reader pod ${ns}/${name} failed: ${oneLine(why) || 'no reason given'}`,
          null,
        ),
      };
    }
    const s = stuckReason(pod);
    if (s) {
      return {
        kind: 'failed',
        error: new MemwhyError(
          ExitCode.Unreachable,
          `the reader image ${this.image} cannot be started: ${s.reason}${s.message ? ` (${oneLine(s.message)})` : ''}`,
          'in an air-gapped cluster, mirror busybox and pass --image <registry>/busybox:1.36',
        ),
      };
    }
    if (phase === 'Running') return { kind: 'running' };
    return { kind: 'waiting' };
  }

  /** Watches the pod until `done` says so; resolves with the last state (null: the watch ended first). */
  private async watchPod(
    ns: string,
    name: string,
    done: (s: PodState) => boolean,
    signal: AbortSignal,
  ): Promise<PodState | null> {
    let last: PodState | null = null;
    const ended = await this.http.watch<KPod>(
      `/api/v1/namespaces/${enc(ns)}/pods`,
      { fieldSelector: `metadata.name=${name}` },
      (type, pod) => {
        if ((pod.metadata?.name ?? '') !== name) return false;
        last = this.podState(ns, name, type, pod);
        return done(last);
      },
      signal,
    );
    return ended ? last : null;
  }

  /** Until the reader runs (or has already ended: its log is read all the same). */
  private async awaitStart(ns: string, name: string): Promise<void> {
    let state: PodState | null;
    try {
      state = await this.watchPod(ns, name, (s) => s.kind !== 'waiting', this.signal);
    } catch (e) {
      if (this.deadlineOnly()) {
        throw new MemwhyError(
          ExitCode.Unreachable,
          `reader pod ${ns}/${name} did not start within ${this.deadlineSeconds}s`,
          'the node may be busy or the image slow to pull; pass --image',
        );
      }
      throw e;
    }
    if (state === null)
      throw new MemwhyError(
        ExitCode.Unreachable,
        `the watch on reader pod ${ns}/${name} ended before the pod started`,
        'run again',
      );
    if (state.kind === 'failed') throw state.error;
  }

  /** After the log stream ended: 'ended' when the pod has, 'running' when it still runs after END_WAIT_MS. */
  private async awaitEnd(ns: string, name: string): Promise<'ended' | 'running'> {
    const wait = AbortSignal.timeout(END_WAIT_MS);
    let state: PodState | null;
    try {
      state = await this.watchPod(
        ns,
        name,
        (s) => s.kind === 'ended' || s.kind === 'failed',
        AbortSignal.any([this.signal, wait]),
      );
    } catch (e) {
      if (this.deadlineOnly()) return 'ended';
      if (wait.aborted && !this.signal.aborted) return 'running';
      throw e;
    }
    if (state === null) return 'running';
    if (state.kind === 'failed') throw state.error;
    return 'ended';
  }

  /**
   * Deletes the pod with a fresh signal (ours may be aborted) and a short timeout (as ReaderPodRunner.remove).
   * A failed deletion is thrown only when nothing else went wrong (the first error is the one to tell).
   */
  private async remove(ns: string, name: string, failed: boolean): Promise<void> {
    try {
      // After Ctrl-C (or any signal) the delete is bounded short, so the process ends within ~2 s.
      await removeReaderPod(this.http, ns, name, this.options.signal?.aborted ? INTERRUPTED_CLEANUP_MS : undefined);
    } catch (e) {
      this.cleanupError = e instanceof MemwhyError ? e : new MemwhyError(ExitCode.Unreachable, (e as Error).message);
      if (failed) return;
      throw this.cleanupError;
    }
    this.options.track?.('deleted', ns, name);
  }
}
