// Progress of the gathering step, shown while `load` runs ("reading pod", "starting reader pod on node X",
// "pulling image", "reading cgroups"). The gatherer reports through a ProgressChannel; the TUI subscribes.
// Events reported before the TUI subscribes are replayed, so nothing is lost to start-up order.

export interface ProgressEvent {
  message: string;
  /** `warn`: something went wrong but gathering goes on (e.g. "reader pod forbidden: using the kubelet API"). */
  level?: 'info' | 'warn';
}

/** What the TUI needs: a way to be told about progress. */
export interface ProgressSource {
  /** Calls `listener` for every event so far (replayed) and every later one; returns the unsubscribe function. */
  subscribe(listener: (event: ProgressEvent) => void): () => void;
}

/** The gatherer's side: report steps; the TUI (or anything else) subscribes or iterates. */
export interface ProgressChannel extends ProgressSource, AsyncIterable<ProgressEvent> {
  report(message: string, level?: ProgressEvent['level']): void;
  /** No more events: ends async iteration. */
  end(): void;
  readonly events: readonly ProgressEvent[];
}

export function createProgress(): ProgressChannel {
  const events: ProgressEvent[] = [];
  const listeners = new Set<(event: ProgressEvent) => void>();
  const ends = new Set<() => void>();
  let ended = false;
  const channel: ProgressChannel = {
    get events() {
      return events;
    },
    report(message, level = 'info') {
      if (ended) return;
      const event: ProgressEvent = { message, level };
      events.push(event);
      for (const l of [...listeners]) l(event);
    },
    end() {
      if (ended) return;
      ended = true;
      for (const e of [...ends]) e();
    },
    subscribe(listener) {
      for (const e of events) listener(e);
      listeners.add(listener);
      return () => {
        listeners.delete(listener);
      };
    },
    [Symbol.asyncIterator](): AsyncIterator<ProgressEvent> {
      let index = 0;
      let wake: (() => void) | null = null;
      const poke = () => {
        const w = wake;
        wake = null;
        w?.();
      };
      listeners.add(poke);
      ends.add(poke);
      const stop = () => {
        listeners.delete(poke);
        ends.delete(poke);
      };
      return {
        async next(): Promise<IteratorResult<ProgressEvent>> {
          for (;;) {
            const e = events[index];
            if (e) {
              index++;
              return { value: e, done: false };
            }
            if (ended) {
              stop();
              return { value: undefined, done: true };
            }
            await new Promise<void>((resolve) => {
              wake = resolve;
            });
          }
        },
        async return(): Promise<IteratorResult<ProgressEvent>> {
          stop();
          return { value: undefined, done: true };
        },
      };
    },
  };
  return channel;
}

function isSource(x: unknown): x is ProgressSource {
  return typeof x === 'object' && x !== null && typeof (x as ProgressSource).subscribe === 'function';
}

/**
 * Accepts a ProgressSource, or any async iterable of events or plain strings (e.g. an async generator the
 * gatherer yields from), and gives a ProgressSource.
 */
export function toProgressSource(input: ProgressSource | AsyncIterable<ProgressEvent | string>): ProgressSource {
  if (isSource(input)) return input;
  const seen: ProgressEvent[] = [];
  const listeners = new Set<(event: ProgressEvent) => void>();
  let started = false;
  const start = () => {
    if (started) return;
    started = true;
    void (async () => {
      try {
        for await (const item of input) {
          const event: ProgressEvent = typeof item === 'string' ? { message: item, level: 'info' } : item;
          seen.push(event);
          for (const l of [...listeners]) l(event);
        }
      } catch {
        // A broken progress stream only costs the progress lines; `load` reports the real error.
      }
    })();
  };
  return {
    subscribe(listener) {
      for (const e of seen) listener(e);
      listeners.add(listener);
      start();
      return () => {
        listeners.delete(listener);
      };
    },
  };
}
