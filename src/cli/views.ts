// The node and namespace views from the command line: open the cluster like kubectl, gather, print. Everything
// comes in through `Io` (no `process` here); the cluster client is imported lazily, like the pod path's.
import type { NodeOptions, OverviewOptions } from './args.js';
import { ExitCode, MemwhyError } from './exit-codes.js';
import type { Env, Io } from './main.js';

type ViewOptions = OverviewOptions | NodeOptions;

function dump(report: unknown, mode: 'json' | 'yaml', yaml: typeof import('js-yaml')): string {
  const json = `${JSON.stringify(report, (_k, v: unknown) => (v === undefined ? null : v), 2)}\n`;
  return mode === 'json' ? json : yaml.dump(JSON.parse(json), { lineWidth: -1, noRefs: true, sortKeys: false });
}

/** Prints the view; `mode` is already resolved from -o (auto → text: the views have no TUI yet). */
export async function runView(
  options: ViewOptions,
  mode: 'tui' | 'text' | 'json' | 'yaml',
  env: Env,
  io: Io,
  cwd: string,
  home: string,
  now: string,
): Promise<number> {
  if (mode === 'tui')
    throw new MemwhyError(
      ExitCode.Usage,
      `the ${options.kind === 'node' ? 'node view' : 'overview'} has no interactive view yet`,
      'use -o text, json or yaml',
    );
  const signal = io.signal ?? new AbortController().signal;
  const [{ openLive }, { KubeViews }] = await Promise.all([import('../kube/live.js'), import('../kube/views.js')]);
  const live = await openLive(options, env, cwd, home, {
    stdinIsTerminal: io.stdin?.isTTY === true,
    execStderr: io.stderr,
  });
  const source = new KubeViews(live.http);
  const yaml = mode === 'yaml' ? await import('js-yaml') : null;
  if (options.kind === 'node') {
    const [{ gatherNodeView }, { kubeNodeReader }] = await Promise.all([
      import('../app/views/node-view.js'),
      import('../kube/reader-node.js'),
    ]);
    // The node reader runs in --reader-namespace, else in the namespace kubectl would use (-n, the context's,
    // else default): a node has no namespace of its own, and the pod path's default is its target's.
    const reader = options.reader.enabled
      ? kubeNodeReader(live.http, {
          namespace: options.reader.namespace ?? live.namespace,
          image: options.reader.image,
          deadlineSeconds: options.reader.timeoutSeconds,
        })
      : null;
    const report = await gatherNodeView(source, { name: options.node, reader, signal, now });
    if (mode === 'text') io.stdout.write((await import('../render/views/node-text.js')).renderNodeText(report));
    else io.stdout.write(dump(report, mode, yaml!));
    return ExitCode.Ok;
  }
  const { gatherOverview } = await import('../app/views/overview.js');
  const report = await gatherOverview(source, {
    namespace: options.allNamespaces ? null : live.namespace,
    labelSelector: options.selector,
    deep: options.deep,
    containers: options.containers,
    sort: options.sort,
    signal,
    now,
  });
  if (mode === 'text')
    io.stdout.write(
      (await import('../render/views/overview-text.js')).renderOverviewText(report, { containers: options.containers }),
    );
  else io.stdout.write(dump(report, mode, yaml!));
  return ExitCode.Ok;
}
