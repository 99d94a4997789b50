// The Sizing screen of the TUI: memwhy's request and limit, the numbers they rest on, krr and VPA, the command,
// drawn from real and hand-made fixtures; reachable from the summary's menu.
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { createElement as h } from 'react';
import { cleanup, render } from 'ink-testing-library';
import { initialNav, MENU, reduce, summaryRows } from '../../src/tui/navigation.js';
import { lineText } from '../../src/tui/format.js';
import { SizingScreen, sizingModel } from '../../src/tui/screens/sizing.js';
import { addSample } from '../../src/tui/sparkline.js';
import { clean, load } from './helpers.js';

afterEach(() => cleanup());

const text = (lines: ReturnType<typeof sizingModel>['lines']) => lines.map(lineText).join('\n');

test('sizing: the cache-heavy container gets 240Mi, krr 1.26Gi beside it, and the set-resources command', async () => {
  const a = await load('test/fixtures/cases/sizing-cache-heavy');
  const t = text(sizingModel({ analysis: a, nav: initialNav({ containers: 1 }), width: 160, height: 40 }).lines);
  assert.match(t, /Container app {2}request 240Mi · limit 240Mi {2}confidence high/);
  assert.match(t, /floor +208Mi/);
  assert.match(t, /active cache +900Mi/);
  assert.match(t, /krr +1\.26Gi/);
  assert.match(t, /≠ krr \(simple\) would set 1\.26Gi/);
  assert.match(
    t,
    /\$ kubectl set resources deployment\/catalog -n shop -c app --requests=memory=240Mi --limits=memory=240Mi/,
  );
});

test('sizing: every row fits the width, the command is cut into rows rather than overflowing', async () => {
  const a = await load('examples/oomkilled-container');
  for (const width of [60, 78, 120]) {
    const m = sizingModel({ analysis: a, nav: initialNav({ containers: 2 }), width, height: 20 });
    for (const l of m.lines) assert.ok(lineText(l).length <= width, `${lineText(l).length} > ${width}: ${lineText(l)}`);
    assert.match(text(m.lines), /at OOM kill +64\.0Mi/);
  }
});

test('sizing: live-watch samples are shown with krr on their highest working set', async () => {
  const a = await load('test/fixtures/cases/sizing-oom-spike');
  const b = structuredClone(a);
  b.containers[0]!.workingSetBytes = 400 * 2 ** 20;
  const samples = addSample(addSample({}, a), b);
  const t = text(
    sizingModel({ analysis: a, nav: initialNav({ containers: 1 }), width: 100, height: 40, samples }).lines,
  );
  assert.match(t, /Live watch: 2 samples, highest working set 400Mi; krr's formula on them: 460Mi/);
});

test('sizing: the last menu row of the summary opens it, and Ink draws it', async () => {
  const a = await load('test/fixtures/cases/sizing-tmpfs');
  let nav = initialNav({ containers: 1 });
  const row = 1 + MENU.findIndex((m) => m.screen === 'sizing');
  assert.equal(row, summaryRows(1) - 1, 'Sizing is the last row');
  nav = reduce(nav, { type: 'move', delta: row, count: summaryRows(1) });
  nav = reduce(nav, { type: 'enter', count: summaryRows(1) });
  assert.equal(nav.screen, 'sizing');
  const { lastFrame } = render(h(SizingScreen, { analysis: a, nav, width: 98, height: 60, color: false }));
  const f = clean(lastFrame() ?? '');
  assert.match(f, /Container app {2}request 582Mi · limit 582Mi/);
  assert.match(f, /its sizeLimit the pod would need 618Mi/);
});
