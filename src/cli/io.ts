// What every path of the CLI shares with main.ts: how an error is reported (one line, a hint, the exit code) and
// the terminal an exec credential plugin gets. Light on purpose: main.ts imports it before anything heavy.
import { ExitCode, MemwhyError } from './exit-codes.js';
import type { Env, Io, OutStream } from './main.js';

export const ISSUES_URL = 'https://github.com/kubectl-memwhy/kubectl-memwhy/issues';

/** Exec credential plugins get the terminal kubectl would give them: stdin if it is one, and our stderr. */
export function execTerminal(io: Io): { stdinIsTerminal: boolean; execStderr: OutStream } {
  return { stdinIsTerminal: io.stdin?.isTTY === true, execStderr: io.stderr };
}

/** Writes the error as `error: …` (+ `hint: …`) and returns its exit code; anything else is a bug to report. */
export function report(err: unknown, env: Env, stderr: OutStream): number {
  const debug = env.MEMWHY_DEBUG === '1';
  if (err instanceof MemwhyError) {
    stderr.write(`error: ${err.message}\n`);
    if (err.hint) stderr.write(`hint: ${err.hint}\n`);
    if (debug && err.stack) stderr.write(`${err.stack}\n`);
    return err.code;
  }
  const message = err instanceof Error ? err.message : String(err);
  stderr.write(`error: internal error: ${message}\n`);
  stderr.write(`please report this at ${ISSUES_URL}\n`);
  if (debug && err instanceof Error && err.stack) stderr.write(`${err.stack}\n`);
  return ExitCode.Bug;
}
