// The entry point, and the only module that touches `process` (argv, env, streams, exit code).
// `run` does the work with everything injected, so tests call it in-process.
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadSnapshot } from '../app/snapshot.js';
import { analyse } from '../core/analyse.js';
import type { Facts } from '../core/types.js';
import { renderJson } from '../render/json.js';
import { renderText } from '../render/text.js';
import { parseArgs, type ColorMode, type RunOptions } from './args.js';
import { ExitCode, MemwhyError } from './exit-codes.js';

export const ISSUES_URL = 'https://github.com/kubectl-memwhy/kubectl-memwhy/issues';

export interface OutStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface Io {
  stdout: OutStream;
  stderr: OutStream;
}

export type Env = Record<string, string | undefined>;

/** Runs one invocation; returns the exit code. Never throws. */
export async function run(argv: readonly string[], env: Env, io: Io): Promise<number> {
  try {
    const options = parseArgs([...argv], { width: helpWidth(io.stdout, env) });
    if (options.kind !== 'run') {
      io.stdout.write(withNewline(options.text));
      return ExitCode.Ok;
    }
    if (options.from === null) {
      throw new MemwhyError(
        ExitCode.Usage,
        'live cluster access is not available in this build yet',
        'read a snapshot folder with --from <dir>, or try `npm run demo`',
      );
    }
    const facts = await loadSnapshot(options.from);
    checkSnapshotPod(options, facts);
    const analysis = analyse(facts, { now: options.now ?? new Date().toISOString() });
    const rendered =
      options.output === 'json'
        ? renderJson(analysis)
        : renderText(analysis, { color: useColor(options.color, env, io.stdout), width: textWidth(io.stdout, env) });
    io.stdout.write(withNewline(rendered));
    const problem = analysis.verdicts.some((v) => v.severity === 'critical' || v.severity === 'warning');
    return options.exitCode && problem ? ExitCode.ProblemFound : ExitCode.Ok;
  } catch (err) {
    return report(err, env, io.stderr);
  }
}

/** With --from, a pod name or namespace on the command line must match the snapshot's pod. */
function checkSnapshotPod(options: RunOptions, facts: Facts): void {
  const meta = facts.pod.metadata ?? {};
  const holds = `${meta.namespace ? `${meta.namespace}/` : ''}${meta.name ?? '?'}`;
  const hint = `the snapshot ${options.from} holds pod ${holds}; drop the pod name to explain it`;
  if (options.pod !== null && meta.name !== options.pod) {
    throw new MemwhyError(ExitCode.NotFound, `pod ${options.pod} is not in the snapshot ${options.from}`, hint);
  }
  if (options.namespace !== null && meta.namespace !== undefined && meta.namespace !== options.namespace) {
    throw new MemwhyError(ExitCode.NotFound, `the snapshot ${options.from} holds no pod in namespace ${options.namespace}`, hint);
  }
}

function useColor(mode: ColorMode, env: Env, stdout: OutStream): boolean {
  if (mode === 'always') return true;
  if (mode === 'never') return false;
  return stdout.isTTY === true && (env.NO_COLOR ?? '') === '';
}

function textWidth(stdout: OutStream, env: Env): number {
  if (stdout.isTTY === true && typeof stdout.columns === 'number' && stdout.columns > 0) return stdout.columns;
  const columns = Number.parseInt(env.COLUMNS ?? '', 10);
  return Number.isFinite(columns) && columns > 0 ? columns : 80;
}

function helpWidth(stdout: OutStream, env: Env): number {
  return Math.min(100, textWidth(stdout, env));
}

function withNewline(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`;
}

function report(err: unknown, env: Env, stderr: OutStream): number {
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

/** True when this module is the program (node dist/cli.js, a bin symlink, tsx src/cli/main.ts), not an import. */
function isEntryPoint(): boolean {
  const script = process.argv[1];
  if (!script) return false;
  try {
    return realpathSync(script) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isEntryPoint()) {
  // `kubectl memwhy … | head`: a closed pipe is not an error worth a stack trace.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw err;
  });
  process.exitCode = await run(process.argv.slice(2), process.env, { stdout: process.stdout, stderr: process.stderr });
}
