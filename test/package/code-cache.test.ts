// The bundle's chunk loader (scripts/sea-chunk-loader.cjs) keeps V8's code of the chunks that ran in the user's
// cache folder, for `node dist/cli.js` and the single executable alike (both run the same bundle).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const EXAMPLE = 'examples/oomkilled-container';
const PROGRAMS = [
  {
    name: 'node dist/cli.js',
    argv: [process.execPath, join(ROOT, 'dist', 'cli.js')],
    file: join(ROOT, 'dist', 'cli.js'),
  },
  {
    name: 'out/kubectl-memwhy',
    argv: [join(ROOT, 'out', 'kubectl-memwhy')],
    file: join(ROOT, 'out', 'kubectl-memwhy'),
  },
];

/** The cached files of the one build folder under `base`, by name, with their inode (a rewrite renames over). */
function entries(base: string): Map<string, number> {
  const builds = readdirSync(base);
  assert.equal(builds.length, 1, `one build folder, found ${builds.join(', ')}`);
  assert.match(builds[0]!, /^bundle-[0-9a-f]{16}-v\d+\.\d+\.\d+-x64$/);
  const dir = join(base, builds[0]!);
  assert.equal(statSync(dir).mode & 0o777, 0o700, 'only its user reads or writes the cached code');
  return new Map(readdirSync(dir).map((f) => [f, statSync(join(dir, f)).ino]));
}

function withHome(fn: (home: string) => void): void {
  const home = mkdtempSync(join(tmpdir(), 'memwhy-home-'));
  try {
    fn(home);
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
}

for (const program of PROGRAMS) {
  const skip = existsSync(program.file) ? false : `${program.file} is not built`;
  describe(`${program.name}: the code of the chunks that ran, kept in the user's cache folder`, { skip }, () => {
    const explain = (env: Record<string, string>) =>
      spawnSync(
        program.argv[0]!,
        [...program.argv.slice(1), '--from', EXAMPLE, '-o', 'json', '--now', '2026-01-02T03:04:05Z'],
        {
          cwd: ROOT,
          env: { PATH: '/nonexistent', ...env },
          encoding: 'utf8',
          timeout: 30_000,
        },
      );

    test('written by the first run, used as it is by the next; an earlier build folder goes; the answer is the same', () =>
      withHome((home) => {
        const base = join(home, '.cache', 'kubectl-memwhy', 'v8');
        mkdirSync(join(base, 'bundle-0000000000000000-v22.0.0-x64'), { recursive: true }); // an earlier build's
        const first = explain({ HOME: home });
        assert.equal(first.status, 0, first.stderr);
        const written = entries(base);
        assert.ok(written.has('main.js') && written.size >= 5, `cached: ${[...written.keys()].join(', ')}`);
        const second = explain({ HOME: home });
        assert.equal(second.status, 0, second.stderr);
        assert.equal(second.stdout, first.stdout);
        assert.deepEqual(entries(base), written, 'V8 took every cached chunk: none was written again');
      }));

    test('XDG_CACHE_HOME is honoured; NODE_DISABLE_COMPILE_CACHE=1 or no home writes nothing', () =>
      withHome((home) => {
        const xdg = join(home, 'xdg');
        assert.equal(explain({ HOME: home, XDG_CACHE_HOME: xdg }).status, 0);
        assert.ok(entries(join(xdg, 'kubectl-memwhy', 'v8')).has('main.js'));
        assert.equal(existsSync(join(home, '.cache')), false);
        const off = explain({ HOME: home, NODE_DISABLE_COMPILE_CACHE: '1' });
        assert.equal(off.status, 0, off.stderr);
        assert.equal(existsSync(join(home, '.cache')), false);
        const homeless = explain({});
        assert.equal(homeless.status, 0, homeless.stderr);
      }));
  });
}
