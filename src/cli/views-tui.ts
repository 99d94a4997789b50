// The views' TUI from the command line: builds the ports the screens read through (the overview, a node, a
// pod's drill-down) from the options and the cluster, reusing the printed views' gathering (views.ts) and the
// pod path's diagnosis (main.ts), then runs the TUI on the process's streams.
import type { Analysis } from '../core/types.js';
import type { ViewsPorts } from '../tui/views/index.js';
import type { NodeOptions, OverviewOptions, RunOptions } from './args.js';
import type { Env, Io } from './main.js';
import { gatherAnalysis, saveFromTui, useColor, type Session } from './pod.js';
import { gatherNodeReport, gatherOverviewReport, openViews, type OpenViews } from './views.js';

type ViewOptions = OverviewOptions | NodeOptions;

/** The pod path's options for one pod opened from a view: the same connection, reader settings and clock. */
export function podRunOptions(options: ViewOptions, namespace: string, name: string): RunOptions {
  return {
    ...options,
    kind: 'run',
    namespace,
    target: { kind: 'pod', name },
    container: null,
    output: 'tui',
    from: null,
    save: null,
    exitCode: false,
    all: false,
    now: options.now,
    reader: options.reader,
  };
}

/** The ports, on one cluster connection (opened at the first read) for the views; each pod opens its own, as `memwhy <pod>` does. */
export function viewPorts(
  options: ViewOptions,
  env: Env,
  io: Io,
  cwd: string,
  home: string,
  now: string,
): ViewsPorts & { settled: () => Promise<unknown> } {
  let views: Promise<OpenViews> | null = null;
  const open = () => (views ??= openViews(options, env, io, cwd, home));
  const sessions = new WeakMap<Analysis, Session>();
  // A pod left while it is read (Esc) is aborted; its reader pod is deleted in the background, awaited at the end.
  const reading = new Set<Promise<unknown>>();
  const linked = (signal: AbortSignal) => (io.signal ? AbortSignal.any([signal, io.signal]) : signal);
  // The node screen reads like `memwhy node/<name>`; a node opened from the list uses the list's settings.
  const nodeOptions = (name: string): NodeOptions => ({ ...options, kind: 'node', node: name });
  const ports: ViewsPorts & { settled: () => Promise<unknown> } = {
    settled: () => Promise.allSettled([...reading]),
    loadOverview:
      options.kind === 'overview'
        ? async (signal) => gatherOverviewReport(options, await open(), linked(signal), now)
        : undefined,
    loadNode: async (name, signal) => gatherNodeReport(nodeOptions(name), await open(), linked(signal), now),
    loadPod: async (namespace, name, signal, progress) => {
      const session: Session = { facts: null, live: null };
      const run = { ...io, cwd, home };
      const pending = gatherAnalysis(podRunOptions(options, namespace, name), env, run, session, linked(signal), (e) =>
        progress(e.message),
      );
      reading.add(pending);
      const analysis = await pending.finally(() => reading.delete(pending));
      sessions.set(analysis, session);
      return analysis;
    },
    savePod: async (analysis) => {
      const session = sessions.get(analysis);
      return session ? saveFromTui(session, analysis) : undefined;
    },
  };
  return ports;
}

export async function runViewTui(
  options: ViewOptions,
  env: Env,
  io: Io,
  cwd: string,
  home: string,
  now: string,
): Promise<number> {
  const { runViewsTui } = await import('../tui/views/index.js');
  const ports = viewPorts(options, env, io, cwd, home, now);
  const { exitCode } = await runViewsTui({
    ports,
    start: options.kind === 'node' ? { kind: 'node', name: options.node } : { kind: 'list' },
    stdin: io.stdin as NodeJS.ReadStream,
    stdout: io.stdout as NodeJS.WriteStream,
    stderr: io.stderr as NodeJS.WriteStream,
    color: useColor(options.color, env, io.stdout),
    env,
  });
  // Every reader pod is deleted before the command ends, as `memwhy <pod>` waits for its own.
  await ports.settled();
  return exitCode;
}
