import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, test } from 'node:test';
import { ExitCode } from '../../src/cli/exit-codes.js';
import { runtimeProblem, versionParts } from '../../src/cli/runtime.js';
import pkg from '../../package.json' with { type: 'json' };

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

describe('runtimeProblem', () => {
  test('reads engines and versions', () => {
    assert.deepEqual(versionParts('>=22.19'), [22, 19, 0]);
    assert.deepEqual(versionParts('20.20.2'), [20, 20, 2]);
  });
  test('22.19.0 and newer pass, older is refused with exit 7 and what to use', () => {
    assert.equal(runtimeProblem('22.19.0', '>=22.19'), null);
    assert.equal(runtimeProblem('22.23.3', '>=22.19'), null);
    assert.equal(runtimeProblem('24.0.0', '>=22.19'), null);
    const old = runtimeProblem('22.18.9', '>=22.19');
    assert.equal(old?.code, ExitCode.OldRuntime);
    assert.equal(old?.code, 7);
    assert.match(old!.message, /needs Node\.js ≥ 22\.19, and this is Node\.js 22\.18\.9/);
    assert.match(old!.hint!, /kubectl-memwhy binary.*npm exec kubectl-memwhy -- .*Node\.js ≥ 22\.19/);
  });
});

describe('dist/cli.js on the system Node (older than engines)', () => {
  const dist = join(ROOT, 'dist', 'cli.js');
  const systemNode = ['/usr/bin/node', '/usr/local/bin/node'].find((p) => existsSync(p));
  const version = systemNode
    ? spawnSync(systemNode, ['-p', 'process.versions.node'], { encoding: 'utf8' }).stdout.trim()
    : '';
  const skip = !existsSync(dist)
    ? 'dist/cli.js is not built'
    : !systemNode || runtimeProblem(version, pkg.engines.node) === null
      ? 'no system Node older than engines'
      : false;
  const cli = (args: string[]) =>
    spawnSync(systemNode!, [dist, ...args], { encoding: 'utf8', env: { PATH: '/usr/bin:/bin', HOME: '/tmp' } });

  test('the live path says in one line what to use and exits 7 (it crashed inside undici before)', { skip }, () => {
    const r = cli(['web-0', '-n', 'shop']);
    assert.equal(r.status, 7);
    assert.equal(r.stdout, '');
    assert.equal(
      r.stderr,
      `error: this needs Node.js ≥ 22.19, and this is Node.js ${version} (--help and --from with -o text/json/yaml work on it)\n` +
        'hint: use the kubectl-memwhy binary (it carries its own Node), `npm exec kubectl-memwhy -- …` in the source folder (npm ci brings Node 22), or Node.js ≥ 22.19\n',
    );
  });
  test('cleanup and the TUI are refused the same way; --from as text still works', { skip }, () => {
    assert.equal(cli(['cleanup']).status, 7);
    assert.equal(cli(['--from', join(ROOT, 'examples', 'cache-driven'), '-o', 'tui']).status, 7);
    const text = cli(['--from', join(ROOT, 'examples', 'cache-driven'), '-o', 'text']);
    assert.equal(text.status, 0, text.stderr);
    assert.match(text.stdout, /^Pod default\/busybox/);
  });
});
