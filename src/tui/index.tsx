// The TUI's entry: `runTui` mounts the Ink app on the given streams, shows progress while `load` runs, then the
// answer, and resolves with the exit code when the user quits. The CLI decides when to use it (both streams
// TTYs) and what `load`, `progress`, `save` and `watch` do.
import { render } from 'ink';
import { ExitCode } from '../errors.js';
import type { Analysis } from '../core/types.js';
import { App, errorText, type TuiResult } from './App.js';
import { toProgressSource, type ProgressEvent, type ProgressSource } from './progress.js';

export interface TuiInput extends NodeJS.ReadableStream {
  isTTY?: boolean;
  setRawMode?: (mode: boolean) => unknown;
}

export interface TuiOutput extends NodeJS.WritableStream {
  isTTY?: boolean;
  columns?: number;
  rows?: number;
}

export interface RunTuiOptions {
  /** Gathers and analyses; receives an AbortSignal that fires when the user quits first. */
  load?: (signal: AbortSignal) => Promise<Analysis>;
  /** Or a finished analysis, shown at once. */
  analysis?: Analysis;
  /** Progress lines while `load` runs: a ProgressSource (see createProgress) or an async iterable. */
  progress?: ProgressSource | AsyncIterable<ProgressEvent | string>;
  /** Saves what was read (key `s`); the returned text, e.g. the folder, is shown. */
  save?: (analysis: Analysis) => Promise<string | void>;
  /** Live watch (key `w`): yields fresh analyses until its iterator's return() is called. */
  watch?: () => AsyncIterable<Analysis>;
  stdin: TuiInput;
  stdout: TuiOutput;
  stderr: TuiOutput;
  /** Colour on or off, as the CLI decided (`--color always` wins over NO_COLOR). Unset: on unless NO_COLOR (in `env`). */
  color?: boolean;
  /** -c: the container to start on (else the one the main verdict is about). */
  container?: string | null;
  /** Why `watch` is not given (`--no-reader`, a snapshot), shown when the user presses w. */
  watchUnavailable?: string;
  /** Environment to read NO_COLOR from (src/cli passes the process's); none means no NO_COLOR. */
  env?: Record<string, string | undefined>;
  /** Draw on the terminal's alternate screen (default true), like less or htop. */
  alternateScreen?: boolean;
}

/** The packager patches yoga-layout for a CommonJS bundle and exposes a promise to await before the first layout. */
async function yogaReady(): Promise<void> {
  const y = (await import('yoga-layout')) as unknown as { yogaReady?: Promise<unknown> };
  if (y.yogaReady) await y.yogaReady;
}

export async function runTui(options: RunTuiOptions): Promise<{ exitCode: number }> {
  if (!options.load && !options.analysis) throw new TypeError('runTui needs `load` or `analysis`');
  await yogaReady();
  const env = options.env ?? {};
  const color = options.color ?? (env.NO_COLOR ?? '') === '';
  const progress = options.progress ? toProgressSource(options.progress) : undefined;

  let finish!: (r: TuiResult) => void;
  const done = new Promise<TuiResult>((resolve) => {
    finish = resolve;
  });
  const instance = render(
    <App
      analysis={options.analysis}
      load={options.load}
      progress={progress}
      save={options.save}
      watch={options.watch}
      watchUnavailable={options.watchUnavailable}
      container={options.container ?? null}
      color={color}
      onExit={(r) => finish(r)}
    />,
    {
      stdin: options.stdin,
      stdout: options.stdout,
      stderr: options.stderr,
      exitOnCtrlC: false,
      patchConsole: false,
      interactive: options.stdout.isTTY === true,
      alternateScreen: options.alternateScreen ?? true,
    },
  );
  // A crash inside the app ends it too.
  const crashed = instance.waitUntilExit().then(
    (): TuiResult => ({ exitCode: 0 }),
    (error: unknown): TuiResult => ({ exitCode: ExitCode.Bug, error }),
  );
  const result = await Promise.race([done, crashed]);
  instance.unmount();
  await crashed;
  instance.cleanup();
  if (result.error !== undefined) {
    // The alternate screen is gone: say it again where it stays.
    const e = errorText(result.error);
    options.stderr.write(`error: ${e.message}\n`);
    if (e.hint) options.stderr.write(`hint: ${e.hint}\n`);
  }
  return { exitCode: result.exitCode };
}

export { App, EXIT_INTERRUPTED, type AppProps, type TuiResult } from './App.js';
export {
  createProgress,
  toProgressSource,
  type ProgressChannel,
  type ProgressEvent,
  type ProgressSource,
} from './progress.js';
export { addSample, sparkline, type Samples } from './sparkline.js';
