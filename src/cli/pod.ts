// One pod's diagnosis from the command line: gather the facts (the cluster or a snapshot folder), analyse, then
// the TUI or text / JSON / YAML. Imported by main.ts only when a pod is asked for, so --help, --version and
// the views never load the analysis, the renderers or the snapshot code.
import { homedir } from 'node:os';
import { resolve } from 'node:path';
import type { ProgressEvent } from '../app/ports.js';
import { checkSaveTarget, loadSnapshot, saveSnapshot } from '../app/snapshot.js';
import { analyse } from '../core/analyse.js';
import type { Analysis, Facts } from '../core/types.js';
import type { KubeHttp } from '../kube/http.js';
import type { LiveWatch } from '../kube/watch.js';
import { renderJson } from '../render/json.js';
import { renderText } from '../render/text.js';
import { renderYaml } from '../render/yaml.js';
import type { ColorMode, OutputMode, RunOptions } from './args.js';
import { ExitCode, MemwhyError } from './exit-codes.js';
import { execTerminal, report } from './io.js';
import type { Env, Io, OutStream } from './main.js';
import { textWidth, withNewline } from './quick.js';
import { leaveFirstFrame } from './tui-first-frame.js';

/**
 * One pod (or the worst-off of a workload or selector): the TUI, or text / JSON / YAML. For the TUI the caller has
 * drawn the plain first frame (showFirstFrame, before this chunk loads).
 */
export async function diagnosePod(
  options: RunOptions,
  mode: Exclude<OutputMode, 'auto'>,
  env: Env,
  io: Io,
): Promise<number> {
  if (io.runtimeProblem && (mode === 'tui' || options.from === null)) throw io.runtimeProblem;
  const session: Session = { facts: null, live: null };
  const color = useColor(options.color, env, io.stdout);
  if (mode === 'tui') return await podTui(options, env, io, session, color);
  const showProgress = io.stderr.isTTY === true && options.from === null;
  const analysis = await gatherAnalysis(options, env, io, session, io.signal ?? new AbortController().signal, (e) => {
    if (showProgress) io.stderr.write(`\u001b[2m… ${e.message}\u001b[0m\n`);
  });
  const rendered =
    mode === 'json'
      ? renderJson(analysis)
      : mode === 'yaml'
        ? renderYaml(analysis)
        : renderText(analysis, {
            color,
            width: textWidth(io.stdout, env),
            container: options.container,
            all: options.all,
          });
  io.stdout.write(withNewline(rendered));
  const problem = analysis.verdicts.some((v) => v.severity === 'critical' || v.severity === 'warning');
  return options.exitCode && problem ? ExitCode.ProblemFound : ExitCode.Ok;
}

/** The pod's interactive drill-down; resolves when the user quits. */
async function podTui(options: RunOptions, env: Env, io: Io, session: Session, color: boolean): Promise<number> {
  // main.ts has drawn the plain first frame before loading this chunk (src/cli/tui-first-frame.ts); Ink, React and
  // yoga take ~100 ms more.
  let tui: typeof import('../tui/index.js');
  try {
    tui = await import('../tui/index.js');
  } catch (e) {
    leaveFirstFrame(io.stdout);
    throw e;
  }
  const { runTui, createProgress } = tui;
  const progress = createProgress();
  // Live watch (`w`): a watch-mode reader pod, only on the live path with the reader on. The function
  // handed to the TUI is stable; the watch itself is made once the first analysis is there.
  const live: { watch: LiveWatch | null } = { watch: null };
  const whyNoWatch = watchUnavailable(options);
  const watch =
    whyNoWatch === undefined
      ? () => {
          if (!live.watch) throw new MemwhyError(ExitCode.Bug, 'live watch is not ready', null);
          return live.watch;
        }
      : undefined;
  try {
    const { exitCode } = await runTui({
      load: async (signal: AbortSignal) => {
        try {
          const analysis = await gatherAnalysis(options, env, io, session, linked(signal, io.signal), (e) =>
            progress.report(e.message),
          );
          live.watch = await startWatch(session, options, io);
          return analysis;
        } finally {
          progress.end();
        }
      },
      progress,
      watch,
      watchUnavailable: whyNoWatch,
      container: options.container,
      save: async (analysis: Analysis) => saveFromTui(session, analysis),
      stdin: io.stdin as NodeJS.ReadStream,
      stdout: io.stdout as NodeJS.WriteStream,
      stderr: io.stderr as NodeJS.WriteStream,
      color,
      env,
    });
    return exitCode;
  } finally {
    // The TUI stops the watch without waiting; this waits until its reader pod is really deleted.
    await live.watch?.close().catch((e: unknown) => report(e, env, io.stderr));
  }
}

/** The live watch behind `w`, once a live read with the reader on has gathered the facts; else null. */
async function startWatch(session: Session, options: RunOptions, io: Io): Promise<LiveWatch | null> {
  if (!session.live || !session.facts) return null;
  const { watchAnalyses } = await import('../kube/watch.js');
  const { readerObstacle } = await import('../app/diagnose.js');
  return watchAnalyses({
    http: session.live.http,
    facts: session.facts,
    namespace: session.live.namespace,
    image: options.reader.image,
    intervalSeconds: 2,
    deadlineSeconds: 300,
    signal: io.signal,
    analyse: (facts, now) => analyse(facts, { now }),
    obstacle: (facts) => readerObstacle(facts.pod, facts.node),
  });
}

/** What one run() gathered that the TUI's `s` (save) and `w` (watch) keys need later; never shared across runs. */
export interface Session {
  facts: Facts | null;
  live: { http: KubeHttp; namespace: string } | null;
}

export async function saveFromTui(session: Session, analysis: Analysis): Promise<string> {
  if (!session.facts) throw new MemwhyError(ExitCode.Bug, 'nothing to save yet');
  const dir = `memwhy-${analysis.pod.namespace ?? 'pod'}-${analysis.pod.name ?? 'x'}-${analysis.generatedAt.replace(/[:.]/g, '-')}`;
  await saveSnapshot(dir, session.facts);
  return `./${dir}`;
}

/** Why the TUI's live watch cannot run, or undefined when it can. */
function watchUnavailable(options: RunOptions): string | undefined {
  if (options.from !== null) return 'it reads the cluster, and this is a snapshot (--from)';
  if (!options.reader.enabled) return 'it needs the node reader pod, turned off by --no-reader';
  return undefined;
}

function linked(a: AbortSignal, b: AbortSignal | undefined): AbortSignal {
  return b ? AbortSignal.any([a, b]) : a;
}

/** Facts from the snapshot folder or the cluster, saved when asked, analysed. */
export async function gatherAnalysis(
  options: RunOptions,
  env: Env,
  io: Io,
  session: Session,
  signal: AbortSignal,
  progress: (e: ProgressEvent) => void,
): Promise<Analysis> {
  // A --save target that cannot be written is refused before anything is gathered (issue 13 item 3).
  const saveTo = options.save !== null ? await checkSaveTarget(resolve(io.cwd ?? process.cwd(), options.save)) : null;
  let facts: Facts;
  if (options.from !== null) {
    facts = await loadSnapshot(options.from);
    checkSnapshotPod(options, facts);
  } else {
    const { openLive } = await import('../kube/live.js');
    const live = await openLive(options, env, io.cwd ?? process.cwd(), io.home ?? homedir(), execTerminal(io));
    const target = options.target;
    if (!target) throw new MemwhyError(ExitCode.Usage, 'no pod given');
    const { diagnose } = await import('../app/diagnose.js');
    const namespace = live.namespace;
    const d = await diagnose(live.cluster, {
      target:
        target.kind === 'pod'
          ? { kind: 'pod', namespace, name: target.name }
          : target.kind === 'workload'
            ? { kind: 'workload', namespace, resource: target.resource, name: target.name }
            : { kind: 'selector', namespace, selector: target.selector },
      reader: {
        enabled: options.reader.enabled,
        namespace: options.reader.namespace,
        image: options.reader.image,
        deadlineSeconds: options.reader.timeoutSeconds,
        kernelLog: options.reader.kernelLog,
      },
      signal,
      progress,
    });
    facts = d.facts;
    session.live = options.reader.enabled
      ? { http: live.http, namespace: options.reader.namespace ?? d.facts.pod.metadata?.namespace ?? namespace }
      : null;
    if (d.others.length) facts.otherPods = d.others;
  }
  if (saveTo !== null) {
    await saveSnapshot(saveTo, facts);
    io.stderr.write(`snapshot saved to ${saveTo}\n`);
  }
  session.facts = facts;
  const analysis = analyse(facts, { now: options.now ?? new Date().toISOString() });
  if (options.container !== null && !analysis.containers.some((c) => c.name === options.container)) {
    throw new MemwhyError(
      ExitCode.NotFound,
      `container ${options.container} is not in pod ${analysis.pod.name}`,
      `its containers: ${analysis.containers.map((c) => c.name).join(', ')}`,
    );
  }
  return analysis;
}

/** With --from, a pod name or namespace on the command line must match the snapshot's pod. */
function checkSnapshotPod(options: RunOptions, facts: Facts): void {
  const meta = facts.pod.metadata ?? {};
  const holds = `${meta.namespace ? `${meta.namespace}/` : ''}${meta.name ?? '?'}`;
  const hint = `the snapshot ${options.from} holds pod ${holds}; drop the pod name to explain it`;
  const pod = options.target?.kind === 'pod' ? options.target.name : null;
  if (pod !== null && meta.name !== pod) {
    throw new MemwhyError(ExitCode.NotFound, `pod ${pod} is not in the snapshot ${options.from}`, hint);
  }
  if (options.namespace !== null && meta.namespace !== undefined && meta.namespace !== options.namespace) {
    throw new MemwhyError(
      ExitCode.NotFound,
      `the snapshot ${options.from} holds no pod in namespace ${options.namespace}`,
      hint,
    );
  }
}

export function useColor(mode: ColorMode, env: Env, stdout: OutStream): boolean {
  if (mode === 'always') return true;
  if (mode === 'never') return false;
  return stdout.isTTY === true && (env.NO_COLOR ?? '') === '';
}
