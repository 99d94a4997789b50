// Command line → Options. Pure and synchronous: never prints, never exits, never reads process.*;
// bad input throws MemwhyError(ExitCode.Usage, …), and --help / --version come back as text.
import yargs from 'yargs';
import pkg from '../../package.json' with { type: 'json' };
import { ExitCode, MemwhyError } from './exit-codes.js';

export type OutputMode = 'auto' | 'text' | 'json';
export type ColorMode = 'auto' | 'always' | 'never';

export interface RunOptions {
  kind: 'run';
  /** The pod name, `pod/` prefix removed; null when not given (allowed with --from only). */
  pod: string | null;
  namespace: string | null;
  context: string | null;
  kubeconfig: string | null;
  output: OutputMode;
  /** Snapshot folder to read instead of the cluster. */
  from: string | null;
  /** The caller turns `auto` into on/off (TTY, NO_COLOR). */
  color: ColorMode;
  /** --exit-code: exit 10 when a critical or warning verdict exists. */
  exitCode: boolean;
  /** --now (hidden): the analysis time, normalised to ISO 8601 UTC; null = the clock. */
  now: string | null;
}

export type Options = RunOptions | { kind: 'help'; text: string } | { kind: 'version'; text: string };

export const VERSION: string = pkg.version;

const OUTPUTS: readonly OutputMode[] = ['auto', 'text', 'json'];
const COLORS: readonly ColorMode[] = ['auto', 'always', 'never'];
const HELP_HINT = 'run `kubectl memwhy --help` for usage';

const EPILOGUE = [
  'Live cluster access is not in this build yet: read a snapshot folder with --from <dir>.',
  'A snapshot folder holds pod.json (kubectl get pod <name> -o json; required) and optionally',
  'node.json, nodes.json, node-pods.json, events.json, summary.json, podmetrics.json, kernel.log, cgroup/.',
  '',
  'Exit codes: 0 diagnosis printed, 2 usage, 3 not found, 6 bad input, 10 problem found (--exit-code).',
].join('\n');

export function parseArgs(argv: string[], settings: { width?: number } = {}): Options {
  let output = '';
  const parser = yargs()
    .scriptName('kubectl memwhy')
    .locale('en')
    .wrap(settings.width ?? 100)
    .exitProcess(false)
    .strict()
    .parserConfiguration({ 'duplicate-arguments-array': false })
    .command('$0 [pod]', false, (y) => y.positional('pod', { type: 'string', describe: 'the pod to explain (name or pod/<name>)' }))
    .usage(
      "Usage: $0 <pod> [flags]\n\nExplain a pod's memory: requests, limits, working set and cgroup breakdown, " +
        'and why it was OOMKilled, evicted or left Pending.',
    )
    .option('namespace', { alias: 'n', type: 'string', requiresArg: true, describe: 'namespace of the pod' })
    .option('context', { type: 'string', requiresArg: true, describe: 'kubeconfig context to use' })
    .option('kubeconfig', { type: 'string', requiresArg: true, describe: 'path to the kubeconfig file' })
    .option('output', { alias: 'o', type: 'string', requiresArg: true, default: 'auto', describe: 'output format: auto, text or json' })
    .option('from', { type: 'string', requiresArg: true, describe: 'read a snapshot folder instead of the cluster' })
    .option('color', { type: 'string', requiresArg: true, default: 'auto', describe: 'colour: auto, always or never (auto honours NO_COLOR)' })
    .option('exit-code', { type: 'boolean', default: false, describe: 'exit 10 when a critical or warning verdict is found' })
    .option('now', { type: 'string', requiresArg: true, hidden: true, describe: 'pin the analysis time (ISO 8601), for reproducible output' })
    .example('$0 --from examples/oomkilled-container', 'explain the pod in a snapshot folder')
    .example('$0 web-0 --from ./snap -o json', 'JSON output; the name must match pod.json')
    .example('$0 --from ./snap --exit-code', 'exit 10 when something is wrong (for CI)')
    .epilogue(EPILOGUE)
    .version('version', 'print the version', VERSION)
    .help('help', 'show this help')
    .alias('help', 'h')
    .fail((msg, err) => {
      throw new MemwhyError(ExitCode.Usage, yargsMessage(msg ?? err?.message ?? 'invalid arguments', argv), HELP_HINT);
    });

  const args = parser.parseSync(argv, {}, (_err, _argv, out) => {
    output = out;
  });

  if (args.help === true) return { kind: 'help', text: output };
  if (args.version === true) return { kind: 'version', text: output || VERSION };

  if (args._.length > 0) usage(`unexpected argument ${JSON.stringify(String(args._[0]))}`);

  const output_ = oneOf('--output', args.output, OUTPUTS);
  const color = (args.color as unknown) === false ? 'never' : oneOf('--color', args.color, COLORS); // --no-color
  const from = text('--from', args.from);
  const pod = podName(text('pod', args.pod));
  const namespace = text('--namespace', args.namespace);
  if (namespace !== null && !/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/.test(namespace)) {
    usage(`${JSON.stringify(namespace)} is not a valid namespace name`);
  }
  const context = text('--context', args.context);
  const kubeconfig = text('--kubeconfig', args.kubeconfig);
  const now = nowValue(text('--now', args.now));
  if (pod === null && from === null) usage('no pod given', 'usage: kubectl memwhy <pod> [flags]; run `kubectl memwhy --help` for more');

  return { kind: 'run', pod, namespace, context, kubeconfig, output: output_, from, color, exitCode: args.exitCode === true, now };
}

/** yargs' wording, made one line and phrased like ours ("Unknown argument: bogus" → "unknown flag --bogus"). */
function yargsMessage(message: string, argv: readonly string[]): string {
  const flag = (name: string): string => (name.length === 1 ? `-${name}` : `--${name}`);
  const isFlag = (name: string): boolean => argv.some((a) => a === flag(name) || a.startsWith(`${flag(name)}=`) || a === `--${name}`);
  const unknown = /^Unknown arguments?: (.*)$/s.exec(message.trim());
  if (unknown) {
    const names = unknown[1]!.split(', ');
    const flags = names.filter(isFlag).map(flag);
    const words = names.filter((n) => !isFlag(n)).map((n) => JSON.stringify(n));
    return [flags.length > 0 ? `unknown flag ${flags.join(', ')}` : '', words.length > 0 ? `unexpected argument ${words.join(', ')}` : '']
      .filter(Boolean)
      .join('; ');
  }
  const noValue = /^Not enough arguments following: (\S+)$/.exec(message.trim());
  if (noValue) return `${flag(noValue[1]!)} needs a value`;
  const text = message.replace(/\s+/g, ' ').trim();
  return text.charAt(0).toLowerCase() + text.slice(1);
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

/** `web-0`, `pod/web-0`, `pods/web-0`, `po/web-0` → `web-0`; any other kind is refused. */
function podName(arg: string | null): string | null {
  if (arg === null) return null;
  let name = arg;
  const slash = arg.indexOf('/');
  if (slash >= 0) {
    const kind = arg.slice(0, slash).toLowerCase();
    if (kind !== 'pod' && kind !== 'pods' && kind !== 'po') {
      usage(`memwhy explains a pod, not ${arg}`, `pass a pod name; kubectl get pods -n <namespace> lists them`);
    }
    name = arg.slice(slash + 1);
  }
  if (!/^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$/.test(name)) {
    usage(`${JSON.stringify(arg)} is not a valid pod name`, 'pod names are lowercase letters, digits, "-" and "."');
  }
  return name;
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
