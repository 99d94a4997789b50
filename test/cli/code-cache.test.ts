import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { codeCacheDir } from '../../src/cli/code-cache.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const DIST = join(ROOT, 'dist', 'cli.js');
const EXAMPLE = join(ROOT, 'examples', 'oomkilled-container');

describe('codeCacheDir', () => {
  test("the user's own cache folder, never a shared one", () => {
    assert.equal(codeCacheDir({ HOME: '/home/sre' }, 'linux'), '/home/sre/.cache/kubectl-memwhy/v8');
    assert.equal(
      codeCacheDir({ HOME: '/home/sre', XDG_CACHE_HOME: '/var/cache/sre' }, 'linux'),
      '/var/cache/sre/kubectl-memwhy/v8',
    );
    assert.equal(codeCacheDir({ HOME: '/Users/sre' }, 'darwin'), '/Users/sre/.cache/kubectl-memwhy/v8');
    assert.equal(
      codeCacheDir({ LOCALAPPDATA: 'C:\\Users\\sre\\AppData\\Local' }, 'win32'),
      'C:\\Users\\sre\\AppData\\Local\\kubectl-memwhy\\v8',
    );
  });
  test('no home, or a relative one: no cache (never the working directory)', () => {
    assert.equal(codeCacheDir({}, 'linux'), null);
    assert.equal(codeCacheDir({ HOME: 'relative' }, 'linux'), null);
    assert.equal(codeCacheDir({ HOME: '/h', XDG_CACHE_HOME: 'rel' }, 'linux'), '/h/.cache/kubectl-memwhy/v8');
    assert.equal(codeCacheDir({}, 'win32'), null);
  });
});

describe(
  'dist/cli.js keeps its compiled code in that folder',
  { skip: !existsSync(DIST) && 'dist/cli.js is not built' },
  () => {
    const run = (home: string, extra: Record<string, string> = {}) =>
      spawnSync(process.execPath, [DIST, '--from', EXAMPLE, '-o', 'json', '--now', '2026-01-02T03:04:05Z'], {
        encoding: 'utf8',
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: home, NODE_DEBUG_NATIVE: 'COMPILE_CACHE', ...extra },
      });

    test('the first run writes it, the second run uses it, and the output is the same', () => {
      const home = mkdtempSync(join(tmpdir(), 'memwhy-cc-'));
      try {
        const first = run(home);
        assert.equal(first.status, 0, first.stderr);
        const dir = join(home, '.cache', 'kubectl-memwhy', 'v8');
        const versions = readdirSync(dir);
        assert.equal(versions.length, 1);
        assert.match(versions[0]!, new RegExp(`^v${process.versions.node}-`));
        assert.ok(readdirSync(join(dir, versions[0]!)).length >= 3, 'an entry per chunk that ran');
        const second = run(home);
        assert.equal(second.status, 0, second.stderr);
        assert.match(second.stderr, /cache for file:\/\/\S+\/dist\/chunks\/main-\w+\.js was accepted/);
        assert.equal(second.stdout, first.stdout);
      } finally {
        rmSync(home, { recursive: true, force: true });
      }
    });

    test('NODE_DISABLE_COMPILE_CACHE=1 writes nothing', () => {
      const home = mkdtempSync(join(tmpdir(), 'memwhy-cc-'));
      try {
        const r = run(home, { NODE_DISABLE_COMPILE_CACHE: '1' });
        assert.equal(r.status, 0, r.stderr);
        assert.equal(existsSync(join(home, '.cache')), false);
      } finally {
        rmSync(home, { recursive: true, force: true });
      }
    });
  },
);
