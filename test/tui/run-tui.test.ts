// runTui end to end on fake TTY streams (Ink's interactive mode, as in a terminal).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ExitCode, MemwhyError } from '../../src/cli/exit-codes.js';
import type { Analysis } from '../../src/core/types.js';
import { createProgress, runTui } from '../../src/tui/index.js';
import { CASES, clean, FakeStdin, FakeStdout, KEYS, load, sleep, waitFor } from './helpers.js';

function streams(columns = 80, rows = 24) {
  const stdin = new FakeStdin();
  const stdout = new FakeStdout(columns, rows);
  const stderr = new FakeStdout(columns, rows);
  return { stdin, stdout, stderr, io: { stdin: stdin as never, stdout: stdout as never, stderr: stderr as never } };
}

test('runTui: progress, then the answer; q quits with 0 and leaves the alternate screen', async () => {
  const a = await load(CASES.oom);
  const s = streams();
  const progress = createProgress();
  let release!: (a: Analysis) => void;
  const done = runTui({ ...s.io, env: {}, progress, load: () => new Promise<Analysis>((r) => (release = r)) });
  progress.report('reading pod');
  await waitFor(
    () => clean(s.stdout.all()),
    (x) => x.includes('reading pod'),
  );
  assert.match(clean(s.stdout.all()), /gathering…/);
  assert.ok(s.stdout.all().includes('\u001B[?1049h'), 'entered the alternate screen');
  release(a);
  await waitFor(
    () => clean(s.stdout.all()),
    (x) => x.includes('Pod default/oom-container'),
  );
  s.stdin.write(KEYS.down);
  await sleep(60);
  s.stdin.write('q');
  const result = await done;
  assert.deepEqual(result, { exitCode: 0 });
  assert.ok(s.stdout.all().includes('\u001B[?1049l'), 'left the alternate screen');
  assert.equal(s.stderr.all(), '');
});

test('runTui: a MemwhyError from load shows the error screen, exits with its code, repeats it on stderr', async () => {
  const s = streams();
  const done = runTui({
    ...s.io,
    env: {},
    alternateScreen: false,
    load: async () => {
      throw new MemwhyError(ExitCode.Forbidden, 'cannot read pods in namespace shop', 'ask for get/list on pods');
    },
  });
  await waitFor(
    () => clean(s.stdout.all()),
    (x) => x.includes('error: cannot read pods'),
  );
  assert.match(clean(s.stdout.all()), /hint: ask for get\/list on pods/);
  s.stdin.write(KEYS.enter);
  const result = await done;
  assert.equal(result.exitCode, ExitCode.Forbidden);
  assert.equal(s.stderr.all(), 'error: cannot read pods in namespace shop\nhint: ask for get/list on pods\n');
});

test('runTui: a finished analysis is shown at once; Ctrl-C quits with 0', async () => {
  const s = streams(100, 30);
  const done = runTui({ ...s.io, env: { NO_COLOR: '1' }, analysis: await load(CASES.evicted) });
  await waitFor(
    () => clean(s.stdout.all()),
    (x) => x.includes('Pod default/nginx'),
  );
  s.stdin.write(KEYS.ctrlC);
  assert.deepEqual(await done, { exitCode: 0 });
});

test('runTui: quitting while gathering exits 130', async () => {
  const s = streams();
  const done = runTui({ ...s.io, env: {}, load: () => new Promise<Analysis>(() => undefined) });
  await waitFor(
    () => clean(s.stdout.all()),
    (x) => x.includes('gathering'),
  );
  s.stdin.write('q');
  assert.deepEqual(await done, { exitCode: 130 });
});

test('runTui: needs load or analysis', async () => {
  const s = streams();
  await assert.rejects(runTui({ ...s.io }), /needs `load` or `analysis`/);
});
