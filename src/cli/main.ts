// The entry point, and the one module of src/cli that owns the process (argv, env, streams, signals, exit code).
// `run` does the work with everything injected, so tests call it in-process. Everything heavy is imported
// when a path needs it: `--version` and the pre-rendered `--help` (quick.ts) load no parser, a pod's diagnosis
// loads pod.ts, the views views.ts, and the cluster client and Ink only the paths that use them.
import { realpathSync } from 'node:fs';
import { homedir } from 'node:os';
import { setFlagsFromString } from 'node:v8';
import { fileURLToPath } from 'node:url';
import pkg from '../../package.json' with { type: 'json' };
import type { CleanupOptions, NodeOptions, OutputMode, OverviewOptions } from './args.js';
import { ExitCode, type MemwhyError } from './exit-codes.js';
import { execTerminal, report } from './io.js';
import { helpWidth, quickAnswer, withNewline } from './quick.js';
import { runtimeProblem } from './runtime.js';
import { leaveFirstFrame, showFirstFrame } from './tui-first-frame.js';

export { ISSUES_URL } from './io.js';

export interface OutStream {
  write(chunk: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export interface Io {
  stdin?: NodeJS.ReadStream | { isTTY?: boolean };
  stdout: OutStream;
  stderr: OutStream;
  /** Aborted on Ctrl-C / SIGTERM: the reader pod is deleted and the run ends with 130. */
  signal?: AbortSignal;
  cwd?: string;
  home?: string;
  /** Set when this Node.js is too old for the cluster client and the TUI (src/cli/runtime.ts). */
  runtimeProblem?: MemwhyError | null;
}

export type Env = Record<string, string | undefined>;

/** Runs one invocation; returns the exit code. Never throws. */
export async function run(argv: readonly string[], env: Env, io: Io): Promise<number> {
  try {
    const quick = quickAnswer(argv, env, io.stdout, pkg.version);
    if (quick !== null) {
      io.stdout.write(quick);
      return ExitCode.Ok;
    }
    const { parseArgs } = await import('./args.js');
    const options = parseArgs([...argv], { width: helpWidth(io.stdout, env) });
    if (options.kind === 'help' || options.kind === 'version') {
      io.stdout.write(withNewline(options.text));
      return ExitCode.Ok;
    }
    if (options.kind === 'cleanup') return await cleanup(options, env, io);
    if (options.kind === 'overview' || options.kind === 'node') return await view(options, env, io);
    const mode = outputMode(options.output, io, env);
    // The TUI's plain first frame goes out before the pod chunk is even loaded (src/cli/tui-first-frame.ts); with a
    // runtime problem diagnosePod refuses the TUI at once, so nothing is drawn.
    const framed = mode === 'tui' && !io.runtimeProblem;
    if (framed) showFirstFrame(options, io.stdout);
    const pod = await import('./pod.js').catch((e: unknown) => {
      if (framed) leaveFirstFrame(io.stdout);
      throw e;
    });
    return await pod.diagnosePod(options, mode, env, io);
  } catch (err) {
    return report(err, env, io.stderr);
  }
}

/** The overview or node/<name>. */
async function view(options: OverviewOptions | NodeOptions, env: Env, io: Io): Promise<number> {
  if (io.runtimeProblem) throw io.runtimeProblem;
  const { runView } = await import('./views.js');
  const mode = outputMode(options.output, io, env);
  return await runView(
    options,
    mode,
    env,
    io,
    io.cwd ?? process.cwd(),
    io.home ?? homedir(),
    options.now ?? new Date().toISOString(),
  );
}

async function cleanup(options: CleanupOptions, env: Env, io: Io): Promise<number> {
  if (io.runtimeProblem) throw io.runtimeProblem;
  const { openLive, cleanupReaders } = await import('../kube/live.js');
  const live = await openLive(options, env, io.cwd ?? process.cwd(), io.home ?? homedir(), execTerminal(io));
  const removed = await cleanupReaders(
    live.http,
    options.allNamespaces ? 'all' : [live.namespace],
    io.signal ?? new AbortController().signal,
  );
  io.stdout.write(
    removed.length
      ? removed.map((p) => `pod/${p.name} deleted (namespace ${p.namespace})\n`).join('')
      : `no memwhy reader pods in ${options.allNamespaces ? 'any namespace' : `namespace ${live.namespace}`}\n`,
  );
  return ExitCode.Ok;
}

/** `auto`: the TUI when stdin and stdout are terminals and CI is unset, else text. */
export function outputMode(output: OutputMode, io: Io, env: Env): Exclude<OutputMode, 'auto'> {
  if (output !== 'auto') return output;
  const ci = (env.CI ?? '') !== '' && env.CI !== 'false';
  return !ci && io.stdin?.isTTY === true && io.stdout.isTTY === true ? 'tui' : 'text';
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

/** What the first signal is called in the "cleaning up" line. */
const SIGNAL_WORDS: Partial<Record<NodeJS.Signals, string>> = {
  SIGINT: 'interrupted',
  SIGTERM: 'terminated',
  SIGHUP: 'hung up',
  SIGQUIT: 'quit',
};
/** After the first signal the process ends within this long, whatever the API server does. */
const CLEANUP_BACKSTOP_MS = 4_000;

function safeWrite(stream: NodeJS.WriteStream, text: string): void {
  try {
    stream.write(text);
  } catch {
    // a closed terminal
  }
}

/**
 * Runs as the program: wires process streams and signals into `run`. The Node.js version is read here: on an older
 * Node, --help, --version and --from with text/JSON/YAML still run, and what needs a newer one is refused (exit 7).
 */
export async function main(): Promise<void> {
  // undici parses HTTP with WebAssembly; V8's background optimising compile of it held process exit for
  // ~80 ms after the output (measured in bench/). A one-shot CLI gains nothing from the optimised tier.
  setFlagsFromString('--liftoff-only');
  // `kubectl memwhy … | head`: a closed pipe is not an error worth a stack trace.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    // The terminal went away (SIGHUP): keep cleaning up; nothing can be shown any more.
    if (err.code === 'EIO') return;
    throw err;
  });
  const controller = new AbortController();
  let interrupted = 0;
  const onSignal = (sig: NodeJS.Signals) => {
    interrupted++;
    if (interrupted > 1) process.exit(ExitCode.Interrupted); // a second Ctrl-C: leave now
    // After SIGHUP the terminal may be gone: a failed write must not stop the cleanup.
    safeWrite(process.stderr, `\n${SIGNAL_WORDS[sig] ?? 'terminated'}: cleaning up (Ctrl-C again to leave at once)\n`);
    controller.abort();
    // Whatever the server does, the run ends soon after the first signal (the cleanup itself is bounded shorter).
    setTimeout(() => {
      safeWrite(
        process.stderr,
        `error: cleanup did not finish in ${CLEANUP_BACKSTOP_MS / 1000}s; a reader pod may remain: run kubectl memwhy cleanup\n`,
      );
      process.exit(ExitCode.Interrupted);
    }, CLEANUP_BACKSTOP_MS).unref();
  };
  // Every signal a terminal, a dropped SSH session, tmux or a supervisor sends to end a program.
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'] as const) process.on(sig, onSignal);
  // A closed terminal (SIGHUP) makes writes to it fail with EIO: that must not become an uncaught error.
  process.stderr.on('error', () => undefined);
  const code = await run(process.argv.slice(2), process.env, {
    stdin: process.stdin,
    stdout: process.stdout,
    stderr: process.stderr,
    signal: controller.signal,
    runtimeProblem: runtimeProblem(process.versions.node, pkg.engines.node),
  });
  process.exitCode = interrupted ? ExitCode.Interrupted : code;
}

if (isEntryPoint()) void main();
