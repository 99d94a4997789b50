// The TUI's effects, one small hook each, so App only wires them: gathering, progress lines, the live watch and
// saving. Each hook owns its subscription and cleans it up; the view state itself stays in the pure reducer
// (navigation.ts), reached through `dispatch`.
import { useEffect, useState, type Dispatch } from 'react';
import { ExitCode, MemwhyError } from '../errors.js';
import type { Analysis } from '../core/types.js';
import type { NavAction } from './navigation.js';
import type { ProgressEvent, ProgressSource } from './progress.js';

export type Phase = { kind: 'loading' } | { kind: 'ready'; analysis: Analysis } | { kind: 'error'; error: unknown };

/** An error as the TUI shows it, with the exit code it ends with. */
export function errorText(error: unknown): { message: string; hint: string | null; code: number } {
  if (error instanceof MemwhyError) return { message: error.message, hint: error.hint, code: error.code };
  const message = error instanceof Error ? error.message : String(error);
  return { message: `internal error: ${message}`, hint: null, code: ExitCode.Bug };
}

/** Runs `load` once (aborted on unmount); `onReady` gets the analysis, errors become the error phase. */
export function useGather(
  load: ((signal: AbortSignal) => Promise<Analysis>) | undefined,
  skip: boolean,
  onReady: (a: Analysis) => void,
  onError: (e: unknown) => void,
): void {
  useEffect(() => {
    if (skip || !load) return;
    const controller = new AbortController();
    let live = true;
    load(controller.signal).then(
      (a) => live && onReady(a),
      (error: unknown) => live && onError(error),
    );
    return () => {
      live = false;
      controller.abort();
    };
    // Runs once: a new `load` prop does not restart gathering.
  }, []);
}

/** Every progress line so far. */
export function useProgressLines(progress: ProgressSource | undefined): ProgressEvent[] {
  const [events, setEvents] = useState<ProgressEvent[]>([]);
  useEffect(() => {
    if (!progress) return;
    return progress.subscribe((e) => setEvents((prev) => [...prev, e]));
  }, [progress]);
  return events;
}

/** While `on`, each analysis from `watch` goes to `show`; its end or failure turns watch off with a message. */
export function useLiveWatch(
  on: boolean,
  watch: (() => AsyncIterable<Analysis>) | undefined,
  show: (a: Analysis) => void,
  dispatch: Dispatch<NavAction>,
): void {
  useEffect(() => {
    if (!on || !watch) return;
    const stop = (text: string) => {
      dispatch({ type: 'setWatch', on: false });
      dispatch({ type: 'message', text });
    };
    let iterator: AsyncIterator<Analysis>;
    try {
      iterator = watch()[Symbol.asyncIterator]();
    } catch (e) {
      stop(`watch failed: ${errorText(e).message}`);
      return;
    }
    let stopped = false;
    void (async () => {
      try {
        for (;;) {
          const r = await iterator.next();
          if (stopped) return;
          if (r.done) return stop('watch ended');
          show(r.value);
        }
      } catch (e) {
        if (!stopped) stop(`watch stopped: ${errorText(e).message}`);
      }
    })();
    return () => {
      stopped = true;
      void iterator.return?.()?.catch(() => undefined);
    };
  }, [on, watch]);
}

/** When a save is requested: `save` the analysis shown and report where it went. */
export function useSave(
  requested: boolean,
  analysis: Analysis | null,
  save: ((a: Analysis) => Promise<string | void>) | undefined,
  dispatch: Dispatch<NavAction>,
): void {
  useEffect(() => {
    if (!requested || !analysis) return;
    if (!save) {
      dispatch({ type: 'saveDone', message: 'saving is not available here' });
      return;
    }
    let live = true;
    save(analysis).then(
      (where) => live && dispatch({ type: 'saveDone', message: where ? `saved: ${where}` : 'saved' }),
      (e: unknown) => live && dispatch({ type: 'saveDone', message: `save failed: ${errorText(e).message}` }),
    );
    return () => {
      live = false;
    };
    // Only when a save is requested, not when watch swaps the analysis.
  }, [requested]);
}
