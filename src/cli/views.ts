// The node and namespace views from the command line: open the cluster like kubectl, gather, print. Everything
// comes in through `Io` (no `process` here); the cluster client is imported lazily, like the pod path's.
import type { NodeOptions, OverviewOptions } from './args.js';
import { ExitCode } from './exit-codes.js';
import type { Env, Io } from './main.js';

type ViewOptions = OverviewOptions | NodeOptions;

function dump(report: unknown, mode: 'json' | 'yaml', yaml: typeof import('js-yaml')): string {
  const json = `${JSON.stringify(report, (_k, v: unknown) => (v === undefined ? null : v), 2)}\n`;
  return mode === 'json' ? json : yaml.dump(JSON.parse(json), { lineWidth: -1, noRefs: true, sortKeys: false });
}

/** Prints the view, or opens its TUI; `mode` is already resolved from -o. */
export async function runView(
  options: ViewOptions,
  mode: 'tui' | 'text' | 'json' | 'yaml',
  env: Env,
  io: Io,
  cwd: string,
  home: string,
  now: string,
): Promise<number> {
  if (mode === 'tui') return (await import('./views-tui.js')).runViewTui(options, env, io, cwd, home, now);
  const signal = io.signal ?? new AbortController().signal;
  const views = await openViews(options, env, io, cwd, home);
  const yaml = mode === 'yaml' ? await import('js-yaml') : null;
  if (options.kind === 'node') {
    const report = await gatherNodeReport(options, views, signal, now);
    if (mode === 'text') io.stdout.write((await import('../render/views/node-text.js')).renderNodeText(report));
    else io.stdout.write(dump(report, mode, yaml!));
    return ExitCode.Ok;
  }
  const report = await gatherOverviewReport(options, views, signal, now);
  if (mode === 'text')
    io.stdout.write(
      (await import('../render/views/overview-text.js')).renderOverviewText(report, { containers: options.containers }),
    );
  else io.stdout.write(dump(report, mode, yaml!));
  return ExitCode.Ok;
}

/** The cluster, opened like kubectl, and the views' API source on it. */
export async function openViews(options: ViewOptions, env: Env, io: Io, cwd: string, home: string) {
  const [{ openLive }, { KubeViews }] = await Promise.all([import('../kube/live.js'), import('../kube/views.js')]);
  const live = await openLive(options, env, cwd, home, {
    stdinIsTerminal: io.stdin?.isTTY === true,
    execStderr: io.stderr,
  });
  return { live, source: new KubeViews(live.http) };
}

export type OpenViews = Awaited<ReturnType<typeof openViews>>;

/** `node/<name>`: its report (the text, JSON and TUI views all show this). */
export async function gatherNodeReport(options: NodeOptions, views: OpenViews, signal: AbortSignal, now: string) {
  // The node reader's chunk (its script, the pod's lifecycle) is loaded only when it runs.
  const [{ gatherNodeView }, readerModule] = await Promise.all([
    import('../app/views/node-view.js'),
    options.reader.enabled ? import('../kube/reader-node.js') : null,
  ]);
  // The node reader runs in --reader-namespace, else in the namespace kubectl would use (-n, the context's,
  // else default): a node has no namespace of its own, and the pod path's default is its target's.
  const reader = readerModule
    ? readerModule.kubeNodeReader(views.live.http, {
        namespace: options.reader.namespace ?? views.live.namespace,
        image: options.reader.image,
        deadlineSeconds: options.reader.timeoutSeconds,
      })
    : null;
  return gatherNodeView(views.source, { name: options.node, reader, signal, now });
}

/** `-A` / `-n`: the overview report (the text, JSON and TUI views all show this). */
export async function gatherOverviewReport(
  options: OverviewOptions,
  views: OpenViews,
  signal: AbortSignal,
  now: string,
) {
  const { gatherOverview } = await import('../app/views/overview.js');
  return gatherOverview(views.source, {
    namespace: options.allNamespaces ? null : views.live.namespace,
    labelSelector: options.selector,
    deep: options.deep,
    containers: options.containers,
    sort: options.sort,
    signal,
    now,
  });
}
