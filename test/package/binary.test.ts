// The single executable built by `npm run package` (out/kubectl-memwhy) and the archive built by
// `npm run package:archive`. The build takes a while, so these tests skip, saying why, when the files
// are not there.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { after, describe, test } from 'node:test';
import { load } from 'js-yaml';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const VERSION = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version as string;
const BINARY = join(ROOT, 'out', 'kubectl-memwhy');
const ARCHIVE_NAME = `kubectl-memwhy_v${VERSION}_linux_amd64.tar.gz`;
const ARCHIVE = join(ROOT, 'out', ARCHIVE_NAME);
const EXAMPLE = 'examples/oomkilled-container';
const isLinuxX64 = process.platform === 'linux' && process.arch === 'x64';

const noBinary = !isLinuxX64
  ? 'the packaged binary is built for linux/amd64 only on this kind of host'
  : existsSync(BINARY)
    ? false
    : "out/kubectl-memwhy is not built: run `npm run package` (about 5 s once pkg's cache is seeded)";
const noArchive = existsSync(ARCHIVE) ? false : `out/${ARCHIVE_NAME} is not built: run \`npm run package:archive\``;

function which(name: string): string | null {
  for (const dir of (process.env.PATH ?? '').split(delimiter))
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  return null;
}
const kubectl = which('kubectl');

/** Runs the binary with no node (nor anything else) on PATH, from the repository root. */
function bare(args: string[]) {
  return spawnSync(BINARY, args, { cwd: ROOT, env: { PATH: '/nonexistent' }, encoding: 'utf8', timeout: 30_000 });
}

describe('out/kubectl-memwhy (single executable)', { skip: noBinary }, () => {
  test('npm run package puts kubectl_complete-memwhy beside it, executable and equal to completion/', () => {
    const beside = join(ROOT, 'out', 'kubectl_complete-memwhy');
    assert.ok(existsSync(beside), 'out/kubectl_complete-memwhy exists');
    assert.equal(
      readFileSync(beside, 'utf8'),
      readFileSync(join(ROOT, 'completion', 'kubectl_complete-memwhy'), 'utf8'),
    );
    const r = spawnSync(beside, ['--fro'], { encoding: 'utf8', env: { PATH: '/usr/bin:/bin' } });
    assert.equal(r.stdout, '--from\n:4\n');
  });

  test('--help works with no node on PATH', () => {
    const r = bare(['--help']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /Usage: kubectl memwhy <pod> \[flags\]/);
    assert.equal(r.stderr, '');
  });

  test(`--version prints ${VERSION}`, () => {
    const r = bare(['--version']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout.trim(), VERSION);
  });

  test(`explains ${EXAMPLE} (--from, -o json)`, () => {
    const r = bare(['--from', EXAMPLE, '-o', 'json']);
    assert.equal(r.status, 0, r.stderr);
    const out = JSON.parse(r.stdout);
    const pod = JSON.parse(readFileSync(join(ROOT, EXAMPLE, 'pod.json'), 'utf8'));
    assert.equal(out.pod.name, pod.metadata.name);
    assert.ok(
      out.verdicts.some((v: { kind: string; severity: string }) => v.kind === 'OOMKilled' && v.severity === 'critical'),
      `expected a critical OOMKilled verdict, got ${JSON.stringify(out.verdicts.map((v: { kind: string }) => v.kind))}`,
    );
  });

  test('reports usage errors with exit code 2', () => {
    const r = bare(['--bogus']);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /unknown flag --bogus/);
  });

  describe('as a kubectl plugin', { skip: kubectl ? false : 'kubectl is not on PATH' }, () => {
    const home = mkdtempSync(join(tmpdir(), 'memwhy-kubectl-'));
    after(() => rmSync(home, { recursive: true, force: true }));
    // Only out/ and the system directories: no other plugins, no user kubeconfig.
    const env = {
      PATH: [join(ROOT, 'out'), '/usr/local/bin', '/usr/bin', '/bin'].join(delimiter),
      HOME: home,
      KUBECONFIG: join(home, 'config'),
    };

    test('kubectl plugin list finds it', () => {
      const r = spawnSync(kubectl!, ['plugin', 'list'], { env, encoding: 'utf8' });
      assert.ok(
        r.stdout.split('\n').some((l) => l.trim() === BINARY),
        `${r.stdout}\n${r.stderr}`,
      );
    });

    test('kubectl memwhy --help', () => {
      const r = spawnSync(kubectl!, ['memwhy', '--help'], { env, encoding: 'utf8' });
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /Usage: kubectl memwhy/);
    });

    test('kubectl memwhy <pod>: a real diagnosis through the plugin, against the test cluster, reader pod deleted', async () => {
      // The spawn must be asynchronous: the test cluster serves from this process.
      const { loadSnapshotState, startCluster } = await import('../cluster/index.js');
      const cluster = await startCluster(loadSnapshotState(join(ROOT, EXAMPLE)), { kubelet: { stepMs: 5, pullMs: 5 } });
      try {
        const kc = cluster.kubeconfig('admin');
        const child = spawn(kubectl!, ['memwhy', 'oom-container', '-n', 'default', '--kubeconfig', kc, '-o', 'json'], {
          cwd: ROOT,
          env,
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let out = '';
        let err = '';
        child.stdout.on('data', (d: Buffer) => (out += d));
        child.stderr.on('data', (d: Buffer) => (err += d));
        const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
        assert.equal(code, 0, err);
        const analysis = JSON.parse(out) as {
          verdicts: Array<{ kind: string; level: string | null }>;
          cgroup: { version: string } | null;
        };
        assert.deepEqual(
          analysis.verdicts[0] && { kind: analysis.verdicts[0].kind, level: analysis.verdicts[0].level },
          { kind: 'OOMKilled', level: 'container' },
        );
        assert.equal(analysis.cgroup?.version, 'v1', 'the reader pod read the cgroup files');
        assert.ok(
          cluster.requests.some((r) => r.method === 'POST' && r.path.endsWith('/pods')),
          'a reader pod was created',
        );
        const left = cluster.state.pods.filter(
          (p) =>
            (p as { metadata?: { labels?: Record<string, string> } }).metadata?.labels?.[
              'app.kubernetes.io/managed-by'
            ] === 'kubectl-memwhy',
        );
        assert.equal(left.length, 0, 'no reader pod remains');
      } finally {
        await cluster.close();
      }
    });

    test(`kubectl memwhy --from ${EXAMPLE}`, () => {
      const r = spawnSync(kubectl!, ['memwhy', '--from', EXAMPLE, '-o', 'text', '--color', 'never'], {
        cwd: ROOT,
        env,
        encoding: 'utf8',
      });
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /OOM/);
    });
  });
});

interface Platform {
  selector: { matchLabels: { os: string; arch: string } };
  sha256: string;
  files: Array<{ from: string; to: string }>;
}

describe(`out/${ARCHIVE_NAME}`, { skip: noArchive }, () => {
  const manifest = load(readFileSync(join(ROOT, 'plugin.yaml'), 'utf8')) as { spec: { platforms: Platform[] } };
  const linux = manifest.spec.platforms.find(
    (p) => p.selector.matchLabels.os === 'linux' && p.selector.matchLabels.arch === 'amd64',
  )!;
  const sha256 = (): string => createHash('sha256').update(readFileSync(ARCHIVE)).digest('hex');

  // The committed plugin.yaml names the archive of the last release build (the release workflow rewrites it
  // with --update-manifest); requiring it to match every commit's build would turn CI red on any source
  // change. What must hold is that --update-manifest writes this archive's sha256 into the manifest.
  test('--update-manifest writes its sha256 into the manifest (checked on a copy of plugin.yaml)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'memwhy-manifest-'));
    try {
      const copy = join(dir, 'plugin.yaml');
      writeFileSync(copy, readFileSync(join(ROOT, 'plugin.yaml')));
      const script = pathToFileURL(join(ROOT, 'scripts', 'package.mjs')).href;
      const r = spawnSync(
        process.execPath,
        [
          '--input-type=module',
          '-e',
          `const m = await import(${JSON.stringify(script)}); await m.updateManifest(${JSON.stringify(copy)});`,
        ],
        { cwd: ROOT, encoding: 'utf8' },
      );
      assert.equal(r.status, 0, r.stderr);
      const updated = load(readFileSync(copy, 'utf8')) as { spec: { platforms: Platform[] } };
      const platform = updated.spec.platforms.find(
        (p) => p.selector.matchLabels.os === 'linux' && p.selector.matchLabels.arch === 'amd64',
      )!;
      assert.equal(platform.sha256, sha256());
      assert.deepEqual(platform.files, linux.files, 'the committed manifest installs the same files');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('its .sha256 file matches', () => {
    assert.equal(readFileSync(`${ARCHIVE}.sha256`, 'utf8'), `${sha256()}  ${ARCHIVE_NAME}\n`);
  });

  test("holds exactly the files plugin.yaml's linux/amd64 platform installs, the binary executable", () => {
    const r = spawnSync('tar', ['-tvzf', ARCHIVE], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const entries = r.stdout
      .trim()
      .split('\n')
      .map((l) => ({ mode: l.split(/\s+/)[0]!, name: l.split(/\s+/).at(-1)! }));
    assert.deepEqual(entries.map((e) => e.name).sort(), linux.files.map((f) => f.from).sort());
    assert.equal(entries.find((e) => e.name === 'kubectl-memwhy')?.mode, '-rwxr-xr-x');
    assert.equal(entries.find((e) => e.name === 'kubectl_complete-memwhy')?.mode, '-rwxr-xr-x');
  });

  test('holds the same binary as out/kubectl-memwhy', { skip: noBinary }, () => {
    const r = spawnSync('tar', ['-xzOf', ARCHIVE, 'kubectl-memwhy'], { maxBuffer: 512 * 1024 * 1024 });
    assert.equal(r.status, 0);
    assert.ok(r.stdout.equals(readFileSync(BINARY)), 'rebuild the archive: npm run package:archive');
  });
});

describe('LICENSE-THIRD-PARTY', () => {
  const meta = join(ROOT, 'build', 'sea', 'meta.json');
  test(
    'names every npm package in the last SEA bundle',
    { skip: existsSync(meta) ? false : 'build/sea/meta.json is not built: run `npm run package`' },
    () => {
      const inputs = Object.keys(
        (JSON.parse(readFileSync(meta, 'utf8')) as { inputs: Record<string, unknown> }).inputs,
      );
      const notice = readFileSync(join(ROOT, 'LICENSE-THIRD-PARTY'), 'utf8');
      const names = new Set(
        inputs.flatMap((i) => {
          const parts = i.split('/');
          const at = parts.lastIndexOf('node_modules');
          if (at < 0) return [];
          return [parts[at + 1]!.startsWith('@') ? `${parts[at + 1]}/${parts[at + 2]}` : parts[at + 1]!];
        }),
      );
      for (const name of names)
        assert.match(
          notice,
          new RegExp(`^${name.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}@\\S+ \\(`, 'm'),
          `${name} missing`,
        );
    },
  );
  test('includes the Node.js runtime licence', () => {
    const notice = readFileSync(join(ROOT, 'LICENSE-THIRD-PARTY'), 'utf8');
    assert.match(notice, /^Node\.js v22\.\d+\.\d+$/m);
    assert.match(notice, /Node\.js is licensed for use as follows/);
  });
});
