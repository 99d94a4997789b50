// Command line → Options. Pure and synchronous: never prints, never exits, never reads process.*;
// bad input throws MemwhyError(ExitCode.Usage, …), and --help / --version come back as text.
import yargs from 'yargs';
import pkg from '../../package.json' with { type: 'json' };
import { ExitCode, MemwhyError } from './exit-codes.js';
import type { LiveConnection } from '../kube/live.js';
import { DEFAULT_READER_IMAGE } from '../kube/reader-image.js';
import { badRequirement } from './selector.js';

export type OutputMode = 'auto' | 'tui' | 'text' | 'json' | 'yaml';
export type ColorMode = 'auto' | 'always' | 'never';
export type WorkloadKind = 'deployment' | 'statefulset' | 'daemonset' | 'replicaset' | 'job';

/** What to explain: a pod by name, the pods of a workload, or pods by label selector. */
export type TargetArg =
  | { kind: 'pod'; name: string }
  | { kind: 'workload'; resource: WorkloadKind; name: string }
  | { kind: 'selector'; selector: string }
  | { kind: 'node'; name: string };

/** What a pod's diagnosis explains (node/<name> is the node view). */
export type PodTargetArg = Exclude<TargetArg, { kind: 'node' }>;

/** How to reach the cluster, as kubectl's flags say it: the live path's own shape (one definition). */
export type ConnectionOptions = LiveConnection;

export interface RunOptions extends ConnectionOptions {
  kind: 'run';
  /** null only with --from (the snapshot names its pod). */
  target: PodTargetArg | null;
  /** -c: the container to focus on. */
  container: string | null;
  output: OutputMode;
  /** Snapshot folder to read instead of the cluster. */
  from: string | null;
  /** Write what was gathered as a snapshot folder. */
  save: string | null;
  /** The caller turns `auto` into on/off (TTY, NO_COLOR). */
  color: ColorMode;
  /** --exit-code: exit 10 when a critical or warning verdict exists. */
  exitCode: boolean;
  /** --all: text shows every container's chain. */
  all: boolean;
  /** --now (hidden): the analysis time, normalised to ISO 8601 UTC; null = the clock. */
  now: string | null;
  reader: ReaderSettings;
}

/** Where and how the reader pod runs: --no-reader, --image, --reader-namespace, --reader-timeout, --kernel-log. */
export interface ReaderSettings {
  enabled: boolean;
  image: string;
  namespace: string | null;
  timeoutSeconds: number;
  kernelLog: boolean;
}

export interface CleanupOptions extends ConnectionOptions {
  kind: 'cleanup';
  allNamespaces: boolean;
}

/** The views' common part: how to print them. */
export interface ViewOutput {
  output: OutputMode;
  color: ColorMode;
  now: string | null;
  /** The reader settings for what the view opens: a node's reader, or a pod's drill-down from the list. */
  reader: ReaderSettings;
}

/** `memwhy` with no pod (-n, or -A): the ranked overview of the pods. */
export interface OverviewOptions extends ConnectionOptions, ViewOutput {
  kind: 'overview';
  allNamespaces: boolean;
  selector: string | null;
  /** --deep: each node's kubelet Summary API too (usage beside the working set). */
  deep: boolean;
  /** --containers: one row per container. */
  containers: boolean;
  sort: OverviewSortArg;
}

/** `memwhy node/<name>`: a node's memory explained. */
export interface NodeOptions extends ConnectionOptions, ViewOutput {
  kind: 'node';
  node: string;
}

export type OverviewSortArg = 'risk' | 'working-set' | 'usage' | 'request' | 'limit' | 'name' | 'restarts';
const SORTS: readonly OverviewSortArg[] = ['risk', 'working-set', 'usage', 'request', 'limit', 'name', 'restarts'];

export type Options =
  | RunOptions
  | CleanupOptions
  | OverviewOptions
  | NodeOptions
  | { kind: 'help'; text: string }
  | { kind: 'version'; text: string };

export const VERSION: string = pkg.version;
/** The reader pod's image unless --image says otherwise (one definition, src/kube/reader-image.ts). */
export const DEFAULT_IMAGE = DEFAULT_READER_IMAGE;

const OUTPUTS: readonly OutputMode[] = ['auto', 'tui', 'text', 'json', 'yaml'];
const COLORS: readonly ColorMode[] = ['auto', 'always', 'never'];
const WORKLOADS: Record<string, WorkloadKind> = {
  deployment: 'deployment',
  deployments: 'deployment',
  deploy: 'deployment',
  statefulset: 'statefulset',
  statefulsets: 'statefulset',
  sts: 'statefulset',
  daemonset: 'daemonset',
  daemonsets: 'daemonset',
  ds: 'daemonset',
  replicaset: 'replicaset',
  replicasets: 'replicaset',
  rs: 'replicaset',
  job: 'job',
  jobs: 'job',
};
const HELP_HINT = 'run `kubectl memwhy --help` for usage';

// One string per paragraph: yargs wraps each to the terminal (hand-made line breaks wrapped mid-sentence).
const EPILOGUE = [
  'The node reader: memwhy starts a short-lived pod (busybox, uid 65534, read-only /sys/fs/cgroup of the host, ' +
    "no capabilities, deleted afterwards) on the pod's node to read its cgroup files. Its namespace must allow " +
    'hostPath volumes (Pod Security level privileged): use --reader-namespace, or --no-reader for API data only. ' +
    '`kubectl memwhy cleanup [-n ns | -A]` deletes reader pods left behind by a killed run.',
  'A snapshot folder (--from, --save) holds pod.json and optionally node.json, nodes.json, node-pods.json, ' +
    'events.json, summary.json, podmetrics.json, kernel.log and cgroup/.',
  'Exit codes: 0 diagnosis printed, 1 bug, 2 usage, 3 not found, 4 forbidden, 5 unreachable or bad kubeconfig, ' +
    '6 bad input, 7 Node.js too old, 10 problem found (--exit-code), 130 interrupted.',
].join('\n\n');

type Options_ = {
  alias?: string;
  type: 'string' | 'boolean' | 'number';
  requiresArg?: boolean;
  default?: string | number | boolean;
  hidden?: boolean;
  describe: string;
};

/** Every flag, once: yargs is configured from this table and the README's flags table is generated from it. */
export const FLAGS = {
  namespace: {
    alias: 'n',
    type: 'string',
    requiresArg: true,
    describe: 'namespace of the pod (default: from the context)',
  },
  selector: {
    alias: 'l',
    type: 'string',
    requiresArg: true,
    describe: 'explain the pods matching this label selector (the worst off first)',
  },
  container: { alias: 'c', type: 'string', requiresArg: true, describe: 'the container to focus on' },
  output: {
    alias: 'o',
    type: 'string',
    requiresArg: true,
    default: 'auto',
    describe: 'auto (the TUI on a terminal, else text), tui, text, json or yaml',
  },
  context: { type: 'string', requiresArg: true, describe: 'kubeconfig context to use' },
  kubeconfig: { type: 'string', requiresArg: true, describe: 'path to the kubeconfig file' },
  cluster: { type: 'string', requiresArg: true, describe: 'kubeconfig cluster to use' },
  user: { type: 'string', requiresArg: true, describe: 'kubeconfig user to use' },
  'request-timeout': {
    type: 'string',
    requiresArg: true,
    describe: 'time to wait for one API request (0 = no limit; 30s, 1m)',
  },
  image: {
    type: 'string',
    requiresArg: true,
    default: DEFAULT_IMAGE,
    describe: 'image of the node reader pod (mirror it for air-gapped clusters)',
  },
  'reader-namespace': {
    type: 'string',
    requiresArg: true,
    describe: "namespace for the reader pod (default: the pod's)",
  },
  'reader-timeout': {
    type: 'number',
    requiresArg: true,
    default: 60,
    describe: 'seconds the reader pod may take (its activeDeadlineSeconds)',
  },
  reader: {
    type: 'boolean',
    default: true,
    describe: 'do not start the reader pod: API data only (no cgroup breakdown)',
  },
  'kernel-log': {
    type: 'boolean',
    default: false,
    describe:
      "also read the kernel's OOM lines from the node's /var/log (a second container, root but without capabilities, read-only)",
  },
  save: {
    type: 'string',
    requiresArg: true,
    describe: 'write what was gathered to this folder (a snapshot for --from)',
  },
  from: { type: 'string', requiresArg: true, describe: 'read a snapshot folder instead of the cluster' },
  'all-namespaces': {
    alias: 'A',
    type: 'boolean',
    default: false,
    describe: 'with no pod: the overview of every namespace; with cleanup: every namespace',
  },
  deep: {
    type: 'boolean',
    default: false,
    describe: "overview: also read each node's kubelet Summary API (the usage the kernel compares with the limit)",
  },
  containers: { type: 'boolean', default: false, describe: 'overview: one row per container' },
  sort: {
    type: 'string',
    requiresArg: true,
    default: 'risk',
    describe: 'overview order: risk, working-set, usage, request, limit, name or restarts',
  },
  color: {
    type: 'string',
    requiresArg: true,
    default: 'auto',
    describe: 'colour: auto, always or never (auto honours NO_COLOR)',
  },
  'exit-code': { type: 'boolean', default: false, describe: 'exit 10 when a critical or warning verdict is found' },
  all: {
    type: 'boolean',
    default: false,
    describe: 'text: the full chain of every container (a container no verdict names is one line otherwise)',
  },
  now: {
    type: 'string',
    requiresArg: true,
    hidden: true,
    describe: 'pin the analysis time (ISO 8601), for reproducible output',
  },
} as const satisfies Record<string, Options_>;

/** The README's flags table (markdown), generated from FLAGS; test/cli/readme.test.ts keeps the README in step. */
export function flagsTable(): string {
  const rows = Object.entries(FLAGS as Record<string, Options_>)
    .filter(([, o]) => !o.hidden)
    .map(([name, o]) => {
      // A boolean that defaults to on is used as --no-<name>.
      const negated = o.type === 'boolean' && o.default === true;
      const flag = `${o.alias ? `\`-${o.alias}\`, ` : ''}\`--${negated ? 'no-' : ''}${name}${o.type === 'boolean' ? '' : ` <${o.type === 'number' ? 'n' : 'value'}>`}\``;
      const def =
        o.default === undefined || typeof o.default === 'boolean' ? '' : ` (default \`${String(o.default)}\`)`;
      return `| ${flag} | ${o.describe.replace(/\|/g, '\\|')}${def} |`;
    });
  return [
    '| flag | meaning |',
    '|---|---|',
    ...rows,
    '| `-h`, `--help` | show the help |',
    '| `--version` | print the version |',
  ].join('\n');
}

/**
 * FLAGS as yargs options. A boolean that defaults to on is shown as `--no-<name>` with its own text (yargs
 * would list `--<name> [default: true]` beside the text of its negation); `--no-<name>` still sets <name>
 * false through yargs' boolean negation, and <name> stays declared (hidden) for strict mode.
 */
function yargsOptions(): Record<string, Options_> {
  const out: Record<string, Options_> = {};
  for (const [name, o] of Object.entries(FLAGS as Record<string, Options_>)) {
    if (o.type === 'boolean' && o.default === true) {
      out[`no-${name}`] = { type: 'boolean', describe: o.describe };
      out[name] = { type: 'boolean', default: true, hidden: true, describe: o.describe };
    } else out[name] = o;
  }
  return out;
}

/** The yargs parser for memwhy's flags, commands, help text and examples; failures become usage errors. */
function cliParser(argv: readonly string[], width: number) {
  return yargs()
    .scriptName('kubectl memwhy')
    .locale('en')
    .wrap(width)
    .exitProcess(false)
    .strict()
    .parserConfiguration({ 'duplicate-arguments-array': false })
    .command('$0 [target]', false, (y) =>
      y.positional('target', {
        type: 'string',
        describe: 'pod name, pod/<name>, deployment|statefulset|daemonset|replicaset|job/<name>, or node/<name>',
      }),
    )
    .command('cleanup', false)
    .usage(
      "Usage: $0 <pod> [flags]\n       $0 [-n <namespace> | -A] [--deep]\n       $0 node/<name>\n       $0 cleanup [-n <namespace> | -A]\n\nExplain a pod's memory: requests, limits, working set and cgroup breakdown, " +
        'and why it was OOMKilled, evicted or left Pending; with no pod, rank the pods by risk; for a node, explain its memory and eviction order.',
    )
    .options(yargsOptions())
    .example('$0 web-7d9c4-x2x9q -n shop', 'why is this pod using, or killed for, its memory?')
    .example('$0 deployment/api -o json', 'the worst-off pod of a deployment, as JSON')
    .example('$0 --from ./snapshot', 'explain a snapshot folder (no cluster needed)')
    .example('$0 -A --deep', 'which pods will be OOM-killed or evicted next, in every namespace')
    .example('$0 node/worker-3', "a node's memory from capacity to its pods, and who is evicted first")
    .epilogue(EPILOGUE)
    .version('version', 'print the version', VERSION)
    .help('help', 'show this help')
    .alias('help', 'h')
    .fail((msg, err) => {
      throw new MemwhyError(ExitCode.Usage, yargsMessage(msg ?? err?.message ?? 'invalid arguments', argv), HELP_HINT);
    });
}

export function parseArgs(argv: string[], settings: { width?: number } = {}): Options {
  let output = '';
  const parser = cliParser(argv, settings.width ?? 100);
  // `memwhy help` as kubectl has it (a pod named help is `pod/help`).
  if (argv.length === 1 && argv[0] === 'help') argv = ['--help'];
  const args = parser.parseSync(argv, {}, (_err, _argv, out) => {
    output = out;
  });

  if (args.help === true) return { kind: 'help', text: output };
  if (args.version === true) return { kind: 'version', text: output || VERSION };

  const namespace = text('--namespace', args.namespace);
  if (namespace !== null && !DNS_LABEL.test(namespace))
    usage(`${JSON.stringify(namespace)} is not a valid namespace name`);
  const connection: ConnectionOptions = {
    namespace,
    context: text('--context', args.context),
    kubeconfig: text('--kubeconfig', args.kubeconfig),
    cluster: text('--cluster', args.cluster),
    user: text('--user', args.user),
    requestTimeout: text('--request-timeout', args.requestTimeout),
  };

  if (args._[0] === 'cleanup') {
    if (args._.length > 1) usage(`unexpected argument ${JSON.stringify(String(args._[1]))}`);
    if (args.target !== undefined) usage('cleanup takes no pod');
    if (args.allNamespaces === true && namespace !== null) usage('use either -n or -A with cleanup, not both');
    return { kind: 'cleanup', ...connection, allNamespaces: args.allNamespaces === true };
  }
  if (args._.length > 0) usage(`unexpected argument ${JSON.stringify(String(args._[0]))}`);
  const view = viewOptions(args, argv, connection, namespace);
  if (view !== null) return view;
  if (args.allNamespaces === true)
    usage(
      '-A goes with no pod (the overview) or with cleanup',
      'drop the pod name for the overview of every namespace, or -A for cleanup',
    );

  const output_ = oneOf('--output', args.output, OUTPUTS);
  const color = (args.color as unknown) === false ? 'never' : oneOf('--color', args.color, COLORS); // --no-color
  const from = text('--from', args.from);
  const selector = text('--selector', args.selector);
  const parsedTarget = targetArg(text('target', args.target));
  if (parsedTarget?.kind === 'node') usage('node/<name> is the node view'); // viewOptions took it; kept for the type
  let target: PodTargetArg | null = parsedTarget;
  if (selector !== null) {
    checkSelector(selector);
    if (target !== null) usage('give either a pod/workload or -l, not both');
    target = { kind: 'selector', selector };
  }
  const now = nowValue(text('--now', args.now));
  if (target === null && from === null)
    usage('no pod given', 'usage: kubectl memwhy <pod> [flags]; run `kubectl memwhy --help` for more');
  if (from !== null && target !== null && target.kind !== 'pod')
    usage('--from reads one pod: drop the workload or selector');
  const container = text('--container', args.container);
  if (container !== null && !DNS_LABEL.test(container))
    usage(`${JSON.stringify(container)} is not a valid container name`);

  return {
    kind: 'run',
    ...connection,
    target,
    container,
    output: output_,
    from,
    save: text('--save', args.save),
    color,
    exitCode: args.exitCode === true,
    all: args.all === true,
    now,
    reader: readerSettings(args, argv),
  };
}

/** -l as kubectl parses it: one clear line naming the part it cannot read. */
function checkSelector(selector: string): void {
  const bad = badRequirement(selector);
  if (bad !== null)
    usage(
      `-l ${JSON.stringify(selector)} is not a label selector: cannot read ${JSON.stringify(bad)}`,
      'write it as kubectl does: app=web, tier!=db, env in (a,b), !canary',
    );
}

function readerSettings(args: Parsed, argv: readonly string[]): ReaderSettings {
  const timeoutSeconds = args.readerTimeout as unknown;
  if (
    typeof timeoutSeconds !== 'number' ||
    !Number.isInteger(timeoutSeconds) ||
    timeoutSeconds < 5 ||
    timeoutSeconds > 3600
  ) {
    usage(
      `--reader-timeout must be a whole number of seconds from 5 to 3600, not ${JSON.stringify(rawValue(argv, '--reader-timeout') ?? String(timeoutSeconds))}`,
    );
  }
  const namespace = text('--reader-namespace', args.readerNamespace);
  if (namespace !== null && !DNS_LABEL.test(namespace))
    usage(`${JSON.stringify(namespace)} is not a valid namespace name`);
  return {
    enabled: args.reader !== false,
    image: text('--image', args.image) ?? DEFAULT_IMAGE,
    namespace,
    timeoutSeconds,
    kernelLog: args.kernelLog === true,
  };
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/;

/** yargs' wording, made one line and phrased like ours ("Unknown argument: bogus" → "unknown flag --bogus"). */
function yargsMessage(message: string, argv: readonly string[]): string {
  const flag = (name: string): string => (name.length === 1 ? `-${name}` : `--${name}`);
  const isFlag = (name: string): boolean =>
    argv.some((a) => a === flag(name) || a.startsWith(`${flag(name)}=`) || a === `--${name}`);
  const unknown = /^Unknown arguments?: (.*)$/s.exec(message.trim());
  if (unknown) {
    const names = unknown[1]!.split(', ');
    const flags = names.filter(isFlag).map(flag);
    const words = names.filter((n) => !isFlag(n)).map((n) => JSON.stringify(n));
    return [
      flags.length > 0 ? `unknown flag ${flags.join(', ')}` : '',
      words.length > 0 ? `unexpected argument ${words.join(', ')}` : '',
    ]
      .filter(Boolean)
      .join('; ');
  }
  const noValue = /^Not enough arguments following: (\S+)$/.exec(message.trim());
  if (noValue) return `${flag(noValue[1]!)} needs a value`;
  const text = message.replace(/\s+/g, ' ').trim();
  return text.charAt(0).toLowerCase() + text.slice(1);
}

/** What the user typed after `flag` (the last time), before yargs turned it into a number. */
function rawValue(argv: readonly string[], flag: string): string | null {
  let value: string | null = null;
  argv.forEach((a, i) => {
    if (a === flag && i + 1 < argv.length) value = argv[i + 1]!;
    else if (a.startsWith(`${flag}=`)) value = a.slice(flag.length + 1);
  });
  return value;
}

function usage(message: string, hint: string = HELP_HINT): never {
  throw new MemwhyError(ExitCode.Usage, message, hint);
}

/** A string flag's value: null when absent; an empty or non-string value is a usage error. */
function text(flag: string, value: unknown): string | null {
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') usage(`${flag} needs a value`);
  if (value.trim() === '') usage(`${flag} needs a non-empty value`);
  return value;
}

function oneOf<T extends string>(flag: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value)) return value as T;
  return usage(`${flag} must be one of ${allowed.join(', ')}, not ${JSON.stringify(String(value))}`);
}

type Parsed = Record<string, unknown> & { _: Array<string | number> };

/** node/<name>, or no pod with no -l (or with -A): the node view or the overview; null for a pod's diagnosis. */
function viewOptions(
  args: Parsed,
  argv: readonly string[],
  connection: ConnectionOptions,
  namespace: string | null,
): OverviewOptions | NodeOptions | null {
  const target = targetArg(text('target', args.target));
  const selector = text('--selector', args.selector);
  const from = text('--from', args.from);
  const overviewFlags = args.deep === true || args.containers === true || args.sort !== 'risk';
  const out: ViewOutput = {
    output: oneOf('--output', args.output, OUTPUTS),
    color: (args.color as unknown) === false ? 'never' : oneOf('--color', args.color, COLORS),
    now: nowValue(text('--now', args.now)),
    reader: readerSettings(args, argv),
  };
  if (target?.kind === 'node') {
    if (from !== null || text('--save', args.save) !== null)
      usage('node/<name> reads the cluster: --from and --save are for a pod');
    if (selector !== null || args.allNamespaces === true || overviewFlags)
      usage('node/<name> takes no -l, -A, --deep, --containers or --sort');
    return { kind: 'node', ...connection, ...out, node: target.name };
  }
  const wantsOverview = target === null && from === null && (selector === null || args.allNamespaces === true);
  if (!wantsOverview) {
    if (overviewFlags)
      usage('--deep, --containers and --sort go with the overview (no pod)', 'drop the pod name, or these flags');
    return null;
  }
  if (args.allNamespaces === true && namespace !== null) usage('use either -n or -A, not both');
  if (text('--save', args.save) !== null) usage("--save writes one pod's snapshot: name the pod");
  if (selector !== null) checkSelector(selector);
  return {
    kind: 'overview',
    ...connection,
    ...out,
    allNamespaces: args.allNamespaces === true,
    selector,
    deep: args.deep === true,
    containers: args.containers === true,
    sort: oneOf('--sort', args.sort, SORTS),
  };
}

/**
 * `node/<name>` (also `nodes/`, `no/`) → a node;
 * `web-0`, `pod/web-0`, `pods/web-0`, `po/web-0` → a pod; `deployment/api` (and kubectl's short names) → a
 * workload; any other kind is refused.
 */
function targetArg(arg: string | null): TargetArg | null {
  if (arg === null) return null;
  const slash = arg.indexOf('/');
  const kind = slash >= 0 ? arg.slice(0, slash).toLowerCase() : 'pod';
  const name = slash >= 0 ? arg.slice(slash + 1) : arg;
  if (!DNS_SUBDOMAIN.test(name))
    usage(`${JSON.stringify(arg)} is not a valid name`, 'names are lowercase letters, digits, "-" and "."');
  if (kind === 'pod' || kind === 'pods' || kind === 'po') return { kind: 'pod', name };
  if (kind === 'node' || kind === 'nodes' || kind === 'no') return { kind: 'node', name };
  const resource = WORKLOADS[kind];
  if (resource) return { kind: 'workload', resource, name };
  return usage(
    `memwhy explains pods and nodes, not ${arg}`,
    'pass a pod, pod/<name>, deployment|statefulset|daemonset|replicaset|job/<name>, or node/<name>',
  );
}

function nowValue(value: string | null): string | null {
  if (value === null) return null;
  const iso = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i;
  const ms = Date.parse(value);
  if (!iso.test(value) || Number.isNaN(ms)) {
    usage(`--now must be an ISO 8601 time with a zone, like 2026-01-02T03:04:05Z, not ${JSON.stringify(value)}`);
  }
  return new Date(ms).toISOString();
}
