// Exit codes as the README lists them, through run() as a user's shell sees them (issue 13 item 8).
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ExitCode } from '../../src/cli/exit-codes.js';
import { run } from '../../src/cli/main.js';
import { badRequirement } from '../../src/cli/selector.js';

class Sink {
  text = '';
  write(chunk: string): boolean {
    this.text += chunk;
    return true;
  }
}

async function cli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = new Sink();
  const stderr = new Sink();
  const code = await run(argv, {}, { stdout, stderr, cwd: dir, home: dir });
  return { code, stdout: stdout.text, stderr: stderr.text };
}

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'memwhy-exit-'));
  await writeFile(
    join(dir, 'config'),
    [
      'apiVersion: v1',
      'kind: Config',
      'current-context: one',
      'clusters:',
      '- name: c',
      '  cluster: {server: "https://127.0.0.1:1"}',
      'users:',
      '- name: u',
      '  user: {token: t}',
      'contexts:',
      '- name: one',
      '  context: {cluster: c, user: u}',
      '',
    ].join('\n'),
  );
});
after(() => rm(dir, { recursive: true, force: true }));

test('a bad selector is a usage error (2) with a hint, before any request (it was 1, "bug in memwhy")', async () => {
  const r = await cli(['-l', 'app in (web', '--kubeconfig', join(dir, 'config')]);
  assert.equal(r.code, ExitCode.Usage);
  assert.equal(
    r.stderr,
    'error: -l "app in (web" is not a label selector: cannot read "app in (web"\nhint: write it as kubectl does: app=web, tier!=db, env in (a,b), !canary\n',
  );
});

test('label selector syntax: what kubectl accepts passes, typos do not', () => {
  for (const ok of [
    'app=web',
    'app==web',
    'app!=web',
    'app',
    '!app',
    'app=',
    'env in (a,b)',
    'env notin (a, b),tier=x',
    'example.com/role=db',
    'n>3',
    'a=b, c!=d',
  ]) {
    assert.equal(badRequirement(ok), null, ok);
  }
  for (const bad of ['app in (web', 'app=we b', '=web', 'app in ()', 'app=web,', 'app=-x'])
    assert.notEqual(badRequirement(bad), null, bad);
});

test('--context nosuch and a missing --kubeconfig exit 5 (kubeconfig unusable), as the README says', async () => {
  const context = await cli(['web-0', '--context', 'nosuch', '--kubeconfig', join(dir, 'config')]);
  assert.equal(context.code, ExitCode.Unreachable);
  assert.match(context.stderr, /^error: context "nosuch" does not exist in the kubeconfig\nhint: .*one/);
  const missing = await cli(['web-0', '--kubeconfig', join(dir, 'nope.yaml')]);
  assert.equal(missing.code, 5);
  assert.match(missing.stderr, /^error: --kubeconfig .*nope\.yaml: no such file\n/);
});

test('--reader-timeout abc names what was typed (it said not "NaN")', async () => {
  const r = await cli(['web-0', '--reader-timeout', 'abc']);
  assert.equal(r.code, ExitCode.Usage);
  assert.match(r.stderr, /^error: --reader-timeout must be a whole number of seconds from 5 to 3600, not "abc"\n/);
  const eq = await cli(['web-0', '--reader-timeout=2.5']);
  assert.match(eq.stderr, /not "2\.5"/);
});

test('memwhy help prints the help and exits 0 (it said "no pod given")', async () => {
  const r = await cli(['help']);
  assert.equal(r.code, ExitCode.Ok);
  assert.match(r.stdout, /^Usage: kubectl memwhy <pod> \[flags\]/);
});
