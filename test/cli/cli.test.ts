import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { parseArgs, VERSION, type RunOptions } from '../../src/cli/args.js';
import { ExitCode, MemwhyError } from '../../src/cli/exit-codes.js';
import { ISSUES_URL, run, type Env } from '../../src/cli/main.js';
import type { Analysis } from '../../src/core/types.js';
import { renderJson } from '../../src/render/json.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const NOW = '2026-01-02T03:04:05.000Z';

class Sink {
  text = '';
  constructor(
    readonly isTTY = false,
    readonly columns?: number,
  ) {}
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}

async function cli(
  argv: string[],
  env: Env = {},
  tty = false,
): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new Sink(tty, tty ? 120 : undefined);
  const stderr = new Sink(tty);
  const code = await run(argv, env, { stdout, stderr });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

let tmp: string;
let snap: string;
before(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'memwhy-cli-'));
  snap = join(tmp, 'snap');
  await mkdir(snap);
  await writeFile(
    join(snap, 'pod.json'),
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web-0', namespace: 'shop' },
      spec: {
        nodeName: 'node-a',
        containers: [{ name: 'app', resources: { requests: { memory: '100Mi' }, limits: { memory: '200Mi' } } }],
      },
      status: {
        phase: 'Running',
        qosClass: 'Burstable',
        containerStatuses: [
          {
            name: 'app',
            restartCount: 2,
            lastState: { terminated: { reason: 'OOMKilled', exitCode: 137, finishedAt: '2026-01-02T03:00:00Z' } },
          },
        ],
      },
    }),
  );
});
after(async () => {
  await rm(tmp, { recursive: true, force: true });
});

describe('parseArgs', () => {
  const parse = (...argv: string[]): RunOptions => {
    const o = parseArgs(argv);
    assert.equal(o.kind, 'run');
    return o as RunOptions;
  };
  const usageError = (argv: string[], message: string | RegExp): void => {
    assert.throws(
      () => parseArgs(argv),
      (err: unknown) => {
        assert.ok(err instanceof MemwhyError);
        assert.equal(err.code, ExitCode.Usage);
        if (typeof message === 'string') assert.equal(err.message, message);
        else assert.match(err.message, message);
        assert.ok(!err.message.includes('\n'));
        return true;
      },
    );
  };

  const reader = { enabled: true, image: 'busybox:1.36', namespace: null, timeoutSeconds: 60, kernelLog: false };
  const defaults = {
    kind: 'run',
    namespace: null,
    context: null,
    kubeconfig: null,
    cluster: null,
    user: null,
    requestTimeout: null,
    container: null,
    output: 'auto',
    from: null,
    save: null,
    color: 'auto',
    exitCode: false,
    all: false,
    now: null,
    reader,
  };

  test('defaults', () => {
    assert.deepEqual(parse('web-0'), { ...defaults, target: { kind: 'pod', name: 'web-0' } });
  });

  test('every flag', () => {
    assert.deepEqual(
      parse(
        'pod/web-0',
        '-n',
        'shop',
        '--context',
        'prod',
        '--kubeconfig',
        '/k',
        '--cluster',
        'c1',
        '--user',
        'u1',
        '--request-timeout',
        '30s',
        '-c',
        'app',
        '-o',
        'json',
        '--save',
        'out',
        '--color',
        'never',
        '--exit-code',
        '--now',
        '2026-01-02T05:04:05+02:00',
        '--image',
        'registry.local/busybox:1.36',
        '--reader-namespace',
        'memwhy',
        '--reader-timeout',
        '90',
        '--kernel-log',
      ),
      {
        ...defaults,
        target: { kind: 'pod', name: 'web-0' },
        namespace: 'shop',
        context: 'prod',
        kubeconfig: '/k',
        cluster: 'c1',
        user: 'u1',
        requestTimeout: '30s',
        container: 'app',
        output: 'json',
        save: 'out',
        color: 'never',
        exitCode: true,
        now: NOW,
        reader: {
          enabled: true,
          image: 'registry.local/busybox:1.36',
          namespace: 'memwhy',
          timeoutSeconds: 90,
          kernelLog: true,
        },
      },
    );
    assert.deepEqual(parse('pods/web-0').target, { kind: 'pod', name: 'web-0' });
    assert.equal(parse('po/web-0', '--namespace=shop').namespace, 'shop');
    assert.equal(parse('x', '--no-color').color, 'never');
    assert.equal(parse('x', '--no-reader').reader.enabled, false);
    assert.equal(parse('x', '-o', 'json', '-o', 'text').output, 'text', 'the last one wins, as in kubectl');
    assert.equal(parse('--from', 'snap').target, null, 'with --from the pod name is optional');
    assert.deepEqual(parse('deployment/api').target, { kind: 'workload', resource: 'deployment', name: 'api' });
    assert.deepEqual(parse('sts/db').target, { kind: 'workload', resource: 'statefulset', name: 'db' });
    assert.deepEqual(parse('-l', 'app=web,tier!=cache').target, { kind: 'selector', selector: 'app=web,tier!=cache' });
    assert.equal(parse('x', '-o', 'yaml').output, 'yaml');
    assert.deepEqual(parseArgs(['cleanup', '-n', 'memwhy']), {
      kind: 'cleanup',
      namespace: 'memwhy',
      context: null,
      kubeconfig: null,
      cluster: null,
      user: null,
      requestTimeout: null,
      allNamespaces: false,
    });
    assert.equal((parseArgs(['cleanup', '-A']) as { allNamespaces: boolean }).allNamespaces, true);
  });

  test('usage errors', () => {
    usageError(['--bogus'], 'unknown flag --bogus');
    usageError(['a', 'b'], 'unexpected argument "b"');
    // No pod: the overview of the context's namespace, as kubectl top pods (issue 10).
    assert.deepEqual(parseArgs([]), {
      kind: 'overview',
      namespace: null,
      context: null,
      kubeconfig: null,
      cluster: null,
      user: null,
      requestTimeout: null,
      output: 'auto',
      color: 'auto',
      now: null,
      reader: { enabled: true, image: 'busybox:1.36', namespace: null, timeoutSeconds: 60, kernelLog: false },
      allNamespaces: false,
      selector: null,
      deep: false,
      containers: false,
      sort: 'risk',
    });
    assert.equal(
      (parseArgs(['-A', '-l', 'app=web', '--deep', '--sort', 'working-set']) as { kind: string; sort: string }).sort,
      'working-set',
    );
    assert.deepEqual(parseArgs(['node/worker-1', '-o', 'json']), {
      kind: 'node',
      namespace: null,
      context: null,
      kubeconfig: null,
      cluster: null,
      user: null,
      requestTimeout: null,
      output: 'json',
      color: 'auto',
      now: null,
      node: 'worker-1',
      reader: { enabled: true, image: 'busybox:1.36', namespace: null, timeoutSeconds: 60, kernelLog: false },
    });
    assert.deepEqual(
      (parseArgs(['-A', '--image', 'registry.local/busybox:1.36', '--reader-namespace', 'ops', '--no-reader']) as any)
        .reader,
      { enabled: false, image: 'registry.local/busybox:1.36', namespace: 'ops', timeoutSeconds: 60, kernelLog: false },
    );
    usageError(
      ['node/n1', '--reader-timeout', '2'],
      '--reader-timeout must be a whole number of seconds from 5 to 3600, not "2"',
    );
    usageError(['web', '--deep'], '--deep, --containers and --sort go with the overview (no pod)');
    usageError(['-A', '-n', 'shop'], 'use either -n or -A, not both');
    usageError(
      ['--sort', 'size'],
      '--sort must be one of risk, working-set, usage, request, limit, name, restarts, not "size"',
    );
    usageError(['node/n1', '-l', 'a=b'], 'node/<name> takes no -l, -A, --deep, --containers or --sort');
    usageError(['-A', '--save', 'x'], "--save writes one pod's snapshot: name the pod");
    usageError(['-o', 'xml', 'x'], '--output must be one of auto, tui, text, json, yaml, not "xml"');
    usageError(['--color', 'sometimes', 'x'], '--color must be one of auto, always, never, not "sometimes"');
    usageError(['x', '--from'], '--from needs a value');
    usageError(['x', '-n'], '-n needs a value');
    usageError(['service/web'], 'memwhy explains pods and nodes, not service/web');
    usageError(['Web_0'], '"Web_0" is not a valid name');
    usageError(['x', '-n', 'Shop'], '"Shop" is not a valid namespace name');
    usageError(['x', '--now', 'yesterday'], /^--now must be an ISO 8601 time with a zone/);
    usageError(['x', '--now', '2026-01-02T03:04:05'], /^--now must be an ISO 8601 time with a zone/);
    usageError(['x', '-l', 'app=web'], 'give either a pod/workload or -l, not both');
    usageError(['x', '--reader-timeout', '2'], /^--reader-timeout must be a whole number of seconds from 5 to 3600/);
    usageError(['deployment/api', '--from', 'snap'], '--from reads one pod: drop the workload or selector');
    usageError(['cleanup', '-n', 'a', '-A'], 'use either -n or -A with cleanup, not both');
    usageError(['x', '-A'], '-A goes with no pod (the overview) or with cleanup');
  });

  test('help and version come back as text', () => {
    const help = parseArgs(['--help']);
    assert.equal(help.kind, 'help');
    assert.deepEqual(parseArgs(['-h']), help);
    const text = help.kind === 'help' ? help.text : '';
    assert.match(text, /^Usage: kubectl memwhy <pod> \[flags\]/);
    assert.match(text, /Examples:\n {2}kubectl memwhy web-7d9c4-x2x9q -n shop/);
    for (const flag of [
      '--namespace',
      '--context',
      '--kubeconfig',
      '--output',
      '--from',
      '--color',
      '--exit-code',
      '--version',
      '--help',
    ]) {
      assert.ok(text.includes(flag), flag);
    }
    assert.ok(!text.includes('--now'), '--now is hidden');
    assert.deepEqual(parseArgs(['--version']), { kind: 'version', text: VERSION });
  });
});

describe('renderJson', () => {
  test('type order at the top, 2-space indent, trailing newline, undefined as null', () => {
    const a = {
      notices: [],
      schemaVersion: 1,
      generatedAt: NOW,
      pod: { name: 'x', namespace: undefined },
    } as unknown as Analysis;
    const text = renderJson(a);
    assert.ok(text.endsWith('}\n'));
    assert.ok(
      text.startsWith(
        '{\n  "schemaVersion": 1,\n  "generatedAt": "2026-01-02T03:04:05.000Z",\n  "pod": {\n    "name": "x",\n    "namespace": null\n  },',
      ),
    );
    assert.deepEqual(Object.keys(JSON.parse(text)), [
      'schemaVersion',
      'generatedAt',
      'pod',
      'otherPods',
      'requests',
      'cgroup',
      'podLevel',
      'containers',
      'node',
      'nodeFits',
      'kernelOoms',
      'eviction',
      'events',
      'verdicts',
      'notices',
      'facts',
    ]);
  });
});

describe('run', () => {
  test('--help prints usage and exits 0', async () => {
    const r = await cli(['--help']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /^Usage: kubectl memwhy <pod> \[flags\]\n/);
    assert.ok(r.stdout.endsWith('\n'));
    assert.equal(r.stderr, '');
  });

  test('--version prints the package version', async () => {
    assert.deepEqual(await cli(['--version']), { code: 0, stdout: `${VERSION}\n`, stderr: '' });
  });

  test('a usage error exits 2 with error and hint lines', async () => {
    assert.deepEqual(await cli(['--bogus']), {
      code: ExitCode.Usage,
      stdout: '',
      stderr: 'error: unknown flag --bogus\nhint: run `kubectl memwhy --help` for usage\n',
    });
  });

  test('without --from and without any kubeconfig: exit 5, saying what kubectl would need', async () => {
    const stdout = new Sink();
    const stderr = new Sink();
    const code = await run(['web-0', '-n', 'shop'], {}, { stdout, stderr, home: tmp, cwd: tmp });
    assert.equal(code, ExitCode.Unreachable);
    assert.equal(stdout.text, '');
    assert.match(stderr.text, /^error: no Kubernetes configuration found: .*\.kube\/config does not exist/);
    assert.match(stderr.text, /\nhint: point --kubeconfig or the KUBECONFIG environment variable at a kubeconfig file/);
  });

  test('--from a missing folder exits 3', async () => {
    const dir = join(tmp, 'nope');
    const r = await cli(['--from', dir]);
    assert.equal(r.code, ExitCode.NotFound);
    assert.match(r.stderr, new RegExp(`^error: snapshot folder ${dir} does not exist\nhint: .+\n$`));
  });

  test('invalid JSON exits 6', async () => {
    const dir = join(tmp, 'broken');
    await mkdir(dir);
    await writeFile(join(dir, 'pod.json'), '{"kind": "Pod"');
    const r = await cli(['--from', dir]);
    assert.equal(r.code, ExitCode.BadInput);
    assert.match(r.stderr, /^error: .*pod\.json: invalid JSON at line 1, column 15 \(position 14\): .*\nhint: .+\n$/);
    assert.equal(r.stdout, '');
  });

  test('-o json prints the analysis as JSON, schemaVersion 1, --now pinned', async () => {
    const r = await cli(['--from', snap, '-o', 'json', '--now', NOW]);
    assert.equal(r.stderr, '');
    assert.equal(r.code, 0);
    const a = JSON.parse(r.stdout) as Analysis;
    assert.equal(a.schemaVersion, 1);
    assert.equal(a.generatedAt, NOW);
    assert.equal(a.pod.name, 'web-0');
    assert.equal(
      r.stdout,
      (await cli(['web-0', '-n', 'shop', '--from', snap, '-o', 'json', '--now', NOW])).stdout,
      'reproducible',
    );
  });

  test('--exit-code: 10 exactly when a critical or warning verdict exists', async () => {
    const r = await cli(['--from', snap, '-o', 'json', '--now', NOW, '--exit-code']);
    const problem = (JSON.parse(r.stdout) as Analysis).verdicts.some(
      (v) => v.severity === 'critical' || v.severity === 'warning',
    );
    assert.ok(problem, 'an OOMKilled last state is a problem verdict');
    assert.equal(r.code, ExitCode.ProblemFound);
    assert.equal((await cli(['--from', snap, '-o', 'json', '--now', NOW])).code, 0, 'without --exit-code: 0');
  });

  test('a pod name or namespace that does not match the snapshot exits 3', async () => {
    const r = await cli(['web-1', '--from', snap]);
    assert.equal(r.code, ExitCode.NotFound);
    assert.equal(
      r.stderr,
      `error: pod web-1 is not in the snapshot ${snap}\nhint: the snapshot ${snap} holds pod shop/web-0; drop the pod name to explain it\n`,
    );
    const r2 = await cli(['--from', snap, '-n', 'other']);
    assert.equal(r2.code, ExitCode.NotFound);
    assert.match(r2.stderr, /^error: the snapshot .* holds no pod in namespace other\n/);
  });

  test('text output; colour follows --color, the TTY and NO_COLOR', async () => {
    const ESC = '\x1b[';
    const plain = await cli(['--from', snap, '--now', NOW]);
    assert.equal(plain.code, 0);
    assert.ok(plain.stdout.includes('web-0'));
    assert.ok(!plain.stdout.includes(ESC), 'auto, not a TTY: no colour');
    assert.ok((await cli(['--from', snap, '--now', NOW, '-o', 'text', '--color', 'always'])).stdout.includes(ESC));
    assert.ok((await cli(['--from', snap, '--now', NOW], {}, true)).stdout.includes(ESC), 'auto on a TTY: colour');
    assert.ok(!(await cli(['--from', snap, '--now', NOW], { NO_COLOR: '1' }, true)).stdout.includes(ESC), 'NO_COLOR');
    assert.ok(!(await cli(['--from', snap, '--now', NOW, '--color', 'never'], {}, true)).stdout.includes(ESC));
    assert.ok(
      (await cli(['--from', snap, '--now', NOW, '--color', 'always'], { NO_COLOR: '1' })).stdout.includes(ESC),
      'the flag wins',
    );
  });

  test('an unexpected error is an internal error, exit 1; the stack only with MEMWHY_DEBUG=1', async () => {
    const broken = {
      write: (): never => {
        throw new TypeError('boom');
      },
    };
    const stderr = new Sink();
    assert.equal(await run(['--version'], {}, { stdout: broken, stderr }), ExitCode.Bug);
    assert.equal(stderr.text, `error: internal error: boom\nplease report this at ${ISSUES_URL}\n`);
    const debug = new Sink();
    assert.equal(await run(['--version'], { MEMWHY_DEBUG: '1' }, { stdout: broken, stderr: debug }), ExitCode.Bug);
    assert.match(debug.text, /^error: internal error: boom\nplease report this at .*\nTypeError: boom\n {4}at /);
  });
});

describe('the built dist/cli.js', () => {
  const dist = join(ROOT, 'dist', 'cli.js');
  // The system node (Node 20 on the CI machine), not the pinned one npm puts first on PATH.
  const systemNode = ['/usr/bin/node', '/usr/local/bin/node'].find((p) => existsSync(p)) ?? process.execPath;
  const skip = existsSync(dist) ? false : 'dist/cli.js is not built (npm run build)';

  test(`${systemNode} dist/cli.js --help exits 0`, { skip }, () => {
    const r = spawnSync(systemNode, [dist, '--help'], { encoding: 'utf8', cwd: tmp });
    assert.equal(r.stderr, '');
    assert.equal(r.status, 0);
    assert.match(r.stdout, /^Usage: kubectl memwhy <pod> \[flags\]/);
  });

  test('dist/cli.js runs through its shebang (the bin link)', { skip }, () => {
    const r = spawnSync(dist, ['--version'], { encoding: 'utf8', cwd: tmp });
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, `${VERSION}\n`);
  });

  test('errors reach stderr and the exit code', { skip }, () => {
    const r = spawnSync(systemNode, [dist, '--from', join(tmp, 'nope')], { encoding: 'utf8', cwd: tmp });
    assert.equal(r.status, ExitCode.NotFound);
    assert.match(r.stderr, /^error: snapshot folder .* does not exist\n/);
  });
});
