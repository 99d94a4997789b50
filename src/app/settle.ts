// Optional parts of a diagnosis or a view: read them, or record why not; an abort always propagates.
import { ExitCode, MemwhyError } from '../errors.js';
import type { MissingPart } from './views/ports.js';

/** An error as the one line a missing part is explained by (the hint in parentheses). */
export function reasonOf(e: unknown): string {
  if (e instanceof MemwhyError) return e.hint ? `${e.message} (${e.hint})` : e.message;
  return e instanceof Error ? e.message : String(e);
}

export function isAbort(e: unknown): boolean {
  return e instanceof MemwhyError && e.code === ExitCode.Interrupted;
}

export function partReader(missing: MissingPart[], signal: AbortSignal) {
  return async <T>(part: string, run: () => Promise<T>): Promise<T | null> => {
    try {
      return await run();
    } catch (e) {
      if (signal.aborted || isAbort(e)) throw e;
      missing.push({ part, reason: reasonOf(e) });
      return null;
    }
  };
}

/**
 * Promise.all that lets every promise settle before it rejects (with the first failure in input order). On Ctrl-C
 * the aborted reads fail at once while the reader part is still deleting its pod: the run must not end, and its
 * caller must not report, before that deletion is done.
 */
export async function allSettledFirst<T extends readonly unknown[] | []>(
  promises: T,
): Promise<{ -readonly [K in keyof T]: Awaited<T[K]> }> {
  const settled = await Promise.allSettled(promises);
  for (const s of settled) if (s.status === 'rejected') throw s.reason;
  return settled.map((s) => (s as PromiseFulfilledResult<unknown>).value) as {
    -readonly [K in keyof T]: Awaited<T[K]>;
  };
}

/** Runs `work` over `items` with at most `limit` at a time; results in input order. */
export async function mapBounded<T, R>(items: T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      out[i] = await work(items[i] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return out;
}
