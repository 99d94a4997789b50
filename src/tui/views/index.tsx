// The views' TUI entry, like src/tui/index.tsx's runTui: mounts the list (or a node screen) on the given
// streams and resolves with the exit code when the user quits. The CLI decides when to use it and builds the ports.
import { render } from 'ink';
import { ExitCode } from '../../errors.js';
import { errorText, type TuiResult } from '../App.js';
import type { TuiInput, TuiOutput } from '../index.js';
import type { ViewScreen } from './nav.js';
import { ViewsApp, type ViewsPorts } from './ViewsApp.js';

export interface RunViewsTuiOptions {
  ports: ViewsPorts;
  /** The list (`-A`, `-n`), or a node's screen (`node/<name>`). */
  start: ViewScreen;
  stdin: TuiInput;
  stdout: TuiOutput;
  stderr: TuiOutput;
  /** Colour on or off, as the CLI decided. Unset: on unless NO_COLOR (in `env`). */
  color?: boolean;
  env?: Record<string, string | undefined>;
  alternateScreen?: boolean;
}

async function yogaReady(): Promise<void> {
  const y = (await import('yoga-layout')) as unknown as { yogaReady?: Promise<unknown> };
  if (y.yogaReady) await y.yogaReady;
}

export async function runViewsTui(options: RunViewsTuiOptions): Promise<{ exitCode: number }> {
  await yogaReady();
  const color = options.color ?? ((options.env ?? {}).NO_COLOR ?? '') === '';
  let finish!: (r: TuiResult) => void;
  const done = new Promise<TuiResult>((resolve) => {
    finish = resolve;
  });
  const instance = render(
    <ViewsApp ports={options.ports} start={options.start} color={color} onExit={(r) => finish(r)} />,
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
  const crashed = instance.waitUntilExit().then(
    (): TuiResult => ({ exitCode: 0 }),
    (error: unknown): TuiResult => ({ exitCode: ExitCode.Bug, error }),
  );
  const result = await Promise.race([done, crashed]);
  instance.unmount();
  await crashed;
  instance.cleanup();
  if (result.error !== undefined) {
    const e = errorText(result.error);
    options.stderr.write(`error: ${e.message}\n`);
    if (e.hint) options.stderr.write(`hint: ${e.hint}\n`);
  }
  return { exitCode: result.exitCode };
}

export { ViewsApp, type ViewsPorts, type ViewsAppProps } from './ViewsApp.js';
export type { ViewScreen } from './nav.js';
