// completion/kubectl_complete-memwhy: kubectl (1.26+) runs it with the words after `memwhy` and reads
// candidates, one per line, then `:<directive>`. Tested with a fake kubectl that prints canned output
// and logs its arguments, under every POSIX shell found here, and once through the real kubectl's
// `__complete` when kubectl is installed.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { parseArgs } from '../../src/cli/args.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const SCRIPT = join(ROOT, 'completion', 'kubectl_complete-memwhy');
const NO_FILE = 4;
const NO_SPACE_NO_FILE = 6;
const FILES = 0;
const DIRS = 16;
const KINDS = ['pod/', 'deployment/', 'statefulset/', 'daemonset/', 'replicaset/', 'job/', 'node/'];
const FLAGS = [
  ...[
    '-n',
    '--namespace',
    '-l',
    '--selector',
    '-c',
    '--container',
    '-o',
    '--output',
    '--context',
    '--kubeconfig',
    '--cluster',
    '--user',
  ],
  ...[
    '--request-timeout',
    '--image',
    '--reader-namespace',
    '--reader-timeout',
    '--no-reader',
    '--kernel-log',
    '--save',
    '--from',
  ],
  ...[
    '-A',
    '--all-namespaces',
    '--deep',
    '--containers',
    '--sort',
    '--color',
    '--exit-code',
    '--all',
    '--help',
    '--version',
  ],
];

function which(name: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter))
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  return null;
}

/** A kubectl that logs its arguments (one call per line) and answers like a small cluster. */
const FAKE_KUBECTL = `#!/bin/sh
printf '%s\\n' "$*" >> "$FAKE_KUBECTL_LOG"
case " $* " in *" --context nowhere "*) echo 'error: context "nowhere" does not exist' >&2; exit 1 ;; esac
ns=default
prev=''
for a in "$@"; do
  [ "$prev" = -n ] && ns=$a
  prev=$a
done
case " $* " in
  *" config get-contexts "*) printf 'kind-lab\\nprod-eu\\nprod-us\\n' ;;
  *" config get-clusters "*) printf 'NAME\\nkind-lab\\nprod\\n' ;;
  *" config get-users "*) printf 'NAME\\nadmin\\nviewer\\n' ;;
  *" get pod web-0 "*) printf 'init-db\\napp\\nsidecar\\n' ;;
  *" get namespaces "*) printf 'namespace/default\\nnamespace/kube-system\\nnamespace/shop\\n' ;;
  *" get pods "*)
    case $ns in
      shop) printf 'pod/cart-0\\npod/cart-1\\n' ;;
      default) printf 'pod/web-0\\npod/web-1\\npod/api-7d9f\\n' ;;
    esac ;;
  *" get pod "*) printf 'pod/web-0\\npod/web-1\\npod/api-7d9f\\n' ;;
  *" get deployment "*) printf 'deployment.apps/web\\ndeployment.apps/api\\n' ;;
  *" get statefulset "*) printf 'statefulset.apps/db\\n' ;;
  *" get job "*) ;;
  *) echo "fake kubectl: unexpected $*" >&2; exit 1 ;;
esac
`;

let dir = '';
let log = '';
before(() => {
  dir = mkdtempSync(join(tmpdir(), 'memwhy-completion-'));
  log = join(dir, 'kubectl.log');
  writeFileSync(join(dir, 'kubectl'), FAKE_KUBECTL);
  chmodSync(join(dir, 'kubectl'), 0o755);
});
after(() => rmSync(dir, { recursive: true, force: true }));

interface Completion {
  candidates: string[];
  directive: number;
  calls: string[];
}

function complete(shell: string[], words: string[]): Completion {
  writeFileSync(log, '');
  const r = spawnSync(shell[0]!, [...shell.slice(1), SCRIPT, ...words], {
    env: { PATH: `${dir}${delimiter}/usr/bin${delimiter}/bin`, FAKE_KUBECTL_LOG: log },
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stderr, '');
  const lines = r.stdout.split('\n');
  assert.equal(lines.pop(), '', 'output ends with a newline');
  const last = lines.pop() ?? '';
  assert.match(last, /^:\d+$/, `the last line is the directive: ${JSON.stringify(r.stdout)}`);
  return {
    candidates: lines,
    directive: Number(last.slice(1)),
    calls: readFileSync(log, 'utf8').split('\n').filter(Boolean),
  };
}

test('the script is executable and parses as POSIX sh', () => {
  assert.ok((spawnSync('test', ['-x', SCRIPT]).status ?? 1) === 0, 'chmod +x completion/kubectl_complete-memwhy');
  assert.match(readFileSync(SCRIPT, 'utf8'), /^#!\/bin\/sh\n/);
  const r = spawnSync('sh', ['-n', SCRIPT], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
});

describe('stays in step with the CLI (src/cli/args.ts)', () => {
  const help = (): string => {
    const o = parseArgs(['--help'], { width: 200 });
    assert.equal(o.kind, 'help');
    return (o as { text: string }).text;
  };
  test('offers every flag --help lists (a boolean that defaults on as --no-<flag>)', () => {
    const options = help().split('\nOptions:\n')[1]!.split('\n\n')[0]!;
    for (const line of options.split('\n')) {
      const m = /^\s+(?:(-\w), )?--([\w-]+)/.exec(line);
      if (!m) continue;
      if (m[1] && m[1] !== '-h') assert.ok(FLAGS.includes(m[1]), `completion lacks ${m[1]}`);
      const defaultTrue = /\[boolean\] \[default: true\]/.test(line);
      assert.ok(
        FLAGS.includes(`--${defaultTrue ? 'no-' : ''}${m[2]}`),
        `completion lacks --${defaultTrue ? 'no-' : ''}${m[2]}`,
      );
    }
  });
  test('every -o and --color value it offers is accepted', () => {
    const script = readFileSync(SCRIPT, 'utf8');
    const outputs = /^OUTPUTS='([^']*)'$/m.exec(script)![1]!.split(' ');
    const colors = /^COLORS='([^']*)'$/m.exec(script)![1]!.split(' ');
    for (const o of outputs) assert.equal(parseArgs(['--from', 'examples/evicted', '-o', o]).kind, 'run', `-o ${o}`);
    for (const c of colors)
      assert.equal(parseArgs(['--from', 'examples/evicted', '--color', c]).kind, 'run', `--color ${c}`);
    assert.throws(() => parseArgs(['--from', 'examples/evicted', '-o', 'nope']));
    assert.match(help(), new RegExp(outputs.slice(1).join('.*')), 'the -o values --help names');
  });
});

// dash is the strictest common /bin/sh; bash --posix and busybox sh when present.
const shells: string[][] = [['sh']];
if (which('dash')) shells.push(['dash']);
if (which('bash')) shells.push(['bash', '--posix']);
if (which('busybox')) shells.push(['busybox', 'sh']);

for (const shell of shells) {
  describe(`completion under ${shell.join(' ')}`, () => {
    const c = (...words: string[]) => complete(shell, words);

    test('cleanup -: only the flags cleanup takes (it offered every flag)', () => {
      assert.deepEqual(c('cleanup', '-').candidates, [
        '-n',
        '--namespace',
        '-A',
        '--all-namespaces',
        '--context',
        '--kubeconfig',
        '--cluster',
        '--user',
        '--request-timeout',
        '--help',
      ]);
      assert.deepEqual(c('cleanup', '--c').candidates, ['--context', '--cluster']);
      assert.deepEqual(c('cleanup', '--fr').candidates, []);
      for (const flag of c('cleanup', '-').candidates) {
        const args =
          flag === '--help'
            ? ['cleanup', flag]
            : flag === '-A' || flag === '--all-namespaces'
              ? ['cleanup', flag]
              : ['cleanup', flag, 'x'];
        assert.doesNotThrow(() => parseArgs(args), `cleanup accepts ${flag}`);
      }
    });

    test('flags', () => {
      assert.deepEqual(c('-').candidates, FLAGS);
      assert.deepEqual(c('--c'), {
        candidates: ['--container', '--context', '--cluster', '--containers', '--color'],
        directive: NO_FILE,
        calls: [],
      });
      assert.deepEqual(c('web-0', '--ex').candidates, ['--exit-code']);
      assert.deepEqual(c('-A', '--sort', 'w').candidates, ['working-set'], '--sort offers its orders');
      assert.deepEqual(c('--re').candidates, ['--request-timeout', '--reader-namespace', '--reader-timeout']);
    });

    test('-o / --output values', () => {
      assert.deepEqual(c('-o', ''), {
        candidates: ['auto', 'tui', 'text', 'json', 'yaml'],
        directive: NO_FILE,
        calls: [],
      });
      assert.deepEqual(c('--output', 'j').candidates, ['json']);
      assert.deepEqual(c('--output=t').candidates, ['--output=tui', '--output=text']);
      assert.deepEqual(c('-o=y').candidates, ['-o=yaml']);
    });

    test('--color values', () => {
      assert.deepEqual(c('--color', '').candidates, ['auto', 'always', 'never']);
      assert.deepEqual(c('--color', 'a').candidates, ['auto', 'always']);
      assert.deepEqual(c('--color=n').candidates, ['--color=never']);
    });

    test('namespaces after -n / --namespace', () => {
      assert.deepEqual(c('-n', ''), {
        candidates: ['default', 'kube-system', 'shop'],
        directive: NO_FILE,
        calls: ['get namespaces -o name --request-timeout=5s'],
      });
      assert.deepEqual(c('--namespace', 'k').candidates, ['kube-system']);
      assert.deepEqual(c('--namespace=s').candidates, ['--namespace=shop']);
      assert.deepEqual(c('--reader-namespace', 'k').candidates, ['kube-system']);
    });

    test('contexts after --context (kubectl config get-contexts -o name)', () => {
      const r = c('--context', 'prod');
      assert.deepEqual(r.candidates, ['prod-eu', 'prod-us']);
      assert.deepEqual(r.calls, ['config get-contexts -o name --request-timeout=5s']);
    });

    test('clusters after --cluster, users after --user (without the NAME header)', () => {
      assert.deepEqual(c('--cluster', ''), {
        candidates: ['kind-lab', 'prod'],
        directive: NO_FILE,
        calls: ['config get-clusters --request-timeout=5s'],
      });
      assert.deepEqual(c('--user=v').candidates, ['--user=viewer']);
    });

    test('containers of the pod typed before -c / --container', () => {
      assert.deepEqual(c('web-0', '-c', ''), {
        candidates: ['init-db', 'app', 'sidecar'],
        directive: NO_FILE,
        calls: [
          'get pod web-0 -o jsonpath={range .spec.initContainers[*]}{.name}{"\\n"}{end}{range .spec.containers[*]}{.name}{"\\n"}{end} --request-timeout=5s',
        ],
      });
      assert.deepEqual(c('pod/web-0', '--container', 's').candidates, ['sidecar']);
      assert.deepEqual(c('-c', ''), { candidates: [], directive: NO_FILE, calls: [] }, 'no pod yet: no containers');
      assert.deepEqual(c('deployment/web', '-c', '').calls, [], 'not for a workload');
    });

    test('files after --kubeconfig, directories after --from and --save, nothing for free-text flags', () => {
      assert.deepEqual(c('--kubeconfig', ''), { candidates: [], directive: FILES, calls: [] });
      assert.deepEqual(c('--from', ''), { candidates: [], directive: DIRS, calls: [] });
      assert.deepEqual(c('--save', ''), { candidates: [], directive: DIRS, calls: [] });
      for (const flag of ['-l', '--image', '--request-timeout', '--reader-timeout']) {
        assert.deepEqual(c(flag, ''), { candidates: [], directive: NO_FILE, calls: [] }, flag);
      }
    });

    test('pod names, cleanup and the kind/ prefixes', () => {
      const r = c('');
      assert.deepEqual(r.candidates, ['web-0', 'web-1', 'api-7d9f', 'cleanup', ...KINDS]);
      assert.equal(r.directive, NO_FILE);
      assert.deepEqual(r.calls, ['get pods -o name --request-timeout=5s']);
      assert.deepEqual(c('we').candidates, ['web-0', 'web-1']);
    });

    test('only prefixes left: no space after the slash', () => {
      assert.deepEqual(c('d'), {
        candidates: ['deployment/', 'daemonset/'],
        directive: NO_SPACE_NO_FILE,
        calls: ['get pods -o name --request-timeout=5s'],
      });
    });

    test('names behind a kind/ prefix (kubectl prints deployment.apps/web)', () => {
      assert.deepEqual(c('deployment/').candidates, ['deployment/web', 'deployment/api']);
      assert.deepEqual(c('pod/w').candidates, ['pod/web-0', 'pod/web-1']);
      assert.deepEqual(c('statefulset/d').candidates, ['statefulset/db']);
      assert.deepEqual(c('job/'), {
        candidates: [],
        directive: NO_FILE,
        calls: ['get job -o name --request-timeout=5s'],
      });
      assert.deepEqual(c('secret/').calls, [], 'other kinds are not listed');
    });

    test('honours -n, --context and --kubeconfig typed before (either order, = or space)', () => {
      const r = c('-n', 'shop', '--context', 'prod-eu', '--kubeconfig', '/tmp/k', 'ca');
      assert.deepEqual(r.candidates, ['cart-0', 'cart-1']);
      assert.deepEqual(r.calls, [
        '--context prod-eu --kubeconfig /tmp/k get pods -o name -n shop --request-timeout=5s',
      ]);
      assert.deepEqual(c('--context=kind-lab', '--namespace=shop', '').calls, [
        '--context kind-lab get pods -o name -n shop --request-timeout=5s',
      ]);
      assert.deepEqual(c('--kubeconfig', '/tmp/k', '-n', '').calls, [
        '--kubeconfig /tmp/k get namespaces -o name --request-timeout=5s',
      ]);
    });

    test('one argument only: nothing after it but flags', () => {
      assert.deepEqual(c('web-0', ''), { candidates: [], directive: NO_FILE, calls: [] });
      assert.deepEqual(c('cleanup', ''), { candidates: [], directive: NO_FILE, calls: [] });
      assert.deepEqual(c('cleanup', '-A', '--all').candidates, ['--all-namespaces']);
      assert.deepEqual(c('cl'), {
        candidates: ['cleanup'],
        directive: NO_FILE,
        calls: ['get pods -o name --request-timeout=5s'],
      });
      assert.deepEqual(c('web-0', '-o', 'json', '').candidates, []);
      assert.deepEqual(
        c('-o', 'json', '').candidates.slice(0, 3),
        ['web-0', 'web-1', 'api-7d9f'],
        'a flag value is not the pod',
      );
      assert.deepEqual(c('-l', 'app=web', '--image', 'x', '').candidates.slice(0, 1), ['web-0']);
    });

    test('kubectl fails (no cluster): no pods, no error text, still a directive', () => {
      // complete() also asserts that nothing reached stderr.
      assert.deepEqual(c('--context', 'nowhere', 'd'), {
        candidates: ['deployment/', 'daemonset/'],
        directive: NO_SPACE_NO_FILE,
        calls: ['--context nowhere get pods -o name --request-timeout=5s'],
      });
      assert.deepEqual(c('--context', 'nowhere', '-n', '').candidates, []);
    });

    test('a glob-like word is not expanded', () => {
      assert.deepEqual(c('*').candidates, []);
      assert.deepEqual(c('-o', '*').candidates, []);
    });
  });
}

// kubectl 1.26+ finds kubectl_complete-memwhy next to kubectl-memwhy on PATH for `kubectl __complete memwhy …`.
const realKubectl = which('kubectl');
describe('through kubectl __complete', { skip: realKubectl ? false : 'kubectl is not on PATH' }, () => {
  let bin = '';
  before(() => {
    bin = mkdtempSync(join(tmpdir(), 'memwhy-kubectl-complete-'));
    // The plugin only has to exist for kubectl to route `memwhy` to it.
    writeFileSync(join(bin, 'kubectl-memwhy'), '#!/bin/sh\nexit 0\n');
    chmodSync(join(bin, 'kubectl-memwhy'), 0o755);
    copyFileSync(SCRIPT, join(bin, 'kubectl_complete-memwhy'));
    chmodSync(join(bin, 'kubectl_complete-memwhy'), 0o755);
    // The script's own kubectl calls go to the fake (canned pods); everything else to the real one.
    writeFileSync(
      join(bin, 'kubectl'),
      `#!/bin/sh\ncase "$1" in __complete) exec ${JSON.stringify(realKubectl)} "$@" ;; esac\nexec ${JSON.stringify(join(dir, 'kubectl'))} "$@"\n`,
    );
    chmodSync(join(bin, 'kubectl'), 0o755);
  });
  after(() => rmSync(bin, { recursive: true, force: true }));

  function viaKubectl(...words: string[]): { candidates: string[]; directive: number } {
    writeFileSync(log, '');
    const r = spawnSync(join(bin, 'kubectl'), ['__complete', 'memwhy', ...words], {
      env: {
        PATH: `${bin}${delimiter}/usr/bin${delimiter}/bin`,
        FAKE_KUBECTL_LOG: log,
        HOME: bin,
        KUBECONFIG: join(bin, 'none'),
      },
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    const last = lines.pop()!;
    assert.match(last, /^:\d+$/, r.stdout);
    if (!/kubectl_complete-memwhy/.test(r.stderr))
      assert.fail(`kubectl did not call the plugin completion:\n${r.stderr}`);
    return { candidates: lines, directive: Number(last.slice(1)) };
  }

  test("kubectl __complete memwhy '' → pods and prefixes", () => {
    assert.deepEqual(viaKubectl(''), {
      candidates: ['web-0', 'web-1', 'api-7d9f', 'cleanup', ...KINDS],
      directive: NO_FILE,
    });
  });
  test('kubectl __complete memwhy -n shop ca → pods of that namespace', () => {
    assert.deepEqual(viaKubectl('-n', 'shop', 'ca'), { candidates: ['cart-0', 'cart-1'], directive: NO_FILE });
  });
  test('kubectl __complete memwhy --col → --color', () => {
    assert.deepEqual(viaKubectl('--col'), { candidates: ['--color'], directive: NO_FILE });
  });
  test("kubectl __complete memwhy -o '' → output formats", () => {
    assert.deepEqual(viaKubectl('-o', ''), { candidates: ['auto', 'tui', 'text', 'json', 'yaml'], directive: NO_FILE });
  });
  test("kubectl __complete memwhy --from '' → directories", () => {
    assert.deepEqual(viaKubectl('--from', ''), { candidates: [], directive: DIRS });
  });
});
