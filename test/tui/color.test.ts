// Colour: on when asked, none at all with `color: false` (NO_COLOR). Chalk decides its level when it loads, so
// this file forces colour support first and imports Ink afterwards (node --test runs each file in its own process).
import { test } from 'node:test';
import assert from 'node:assert/strict';

process.env.FORCE_COLOR = '1';

const SGR_COLOUR = /\u001B\[(3[0-7]|9[0-7]|38;)/; // foreground colours only (bold/dim are not colour)

test('screens are coloured when colour is on, and carry no colour codes when it is off', async () => {
  const { createElement: h } = await import('react');
  const { App } = await import('../../src/tui/App.js');
  const { CASES, load, renderAt, waitFor } = await import('./helpers.js');
  const a = await load(CASES.oom);
  for (const color of [true, false]) {
    const r = renderAt(h(App, { analysis: a, color }), { columns: 100, rows: 24 });
    await waitFor(r.frame, (x) => x.includes('Summary'));
    const raw = r.stdout.lastFrame() ?? '';
    if (color) assert.match(raw, SGR_COLOUR, 'coloured');
    else assert.doesNotMatch(raw, SGR_COLOUR, 'no colour');
    r.unmount();
  }
});

test('runTui: NO_COLOR in env or color: false means no colour codes', async () => {
  const { runTui } = await import('../../src/tui/index.js');
  const { CASES, FakeStdin, FakeStdout, clean, load, waitFor } = await import('./helpers.js');
  const a = await load(CASES.cache);
  const cases: Array<[Record<string, string>, boolean | undefined, boolean]> = [
    [{ NO_COLOR: '1' }, undefined, false],
    [{}, false, false],
    [{}, undefined, true],
    // --color always: the CLI passes color: true, and NO_COLOR no longer overrides it.
    [{ NO_COLOR: '1' }, true, true],
  ];
  for (const [env, color, expectColour] of cases) {
    const stdin = new FakeStdin();
    const stdout = new FakeStdout(100, 24);
    const stderr = new FakeStdout(100, 24);
    const done = runTui({
      stdin: stdin as never,
      stdout: stdout as never,
      stderr: stderr as never,
      env,
      color,
      analysis: a,
      alternateScreen: false,
    });
    await waitFor(
      () => clean(stdout.all()),
      (x) => x.includes('Pod default/busybox'),
    );
    stdin.write('q');
    await done;
    assert.equal(SGR_COLOUR.test(stdout.all()), expectColour, JSON.stringify({ env, color }));
  }
});
