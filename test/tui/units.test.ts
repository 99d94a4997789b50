// Pure helpers of the TUI: key map, sparkline, watch samples, progress channel, text layout.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hardWrap, lineText, proportionalCells, wrapText } from '../../src/tui/format.js';
import { createProgress, toProgressSource, type ProgressEvent } from '../../src/tui/progress.js';
import { rowCount, viewport, type ScreenModel } from '../../src/tui/screens/model.js';
import { addSample, sparkline } from '../../src/tui/sparkline.js';
import { keyOf } from '../../src/tui/use-keys.js';
import { CASES, load } from './helpers.js';

test('keyOf: the key map', () => {
  assert.equal(keyOf('', { upArrow: true }), 'up');
  assert.equal(keyOf('k', {}), 'up');
  assert.equal(keyOf('', { downArrow: true }), 'down');
  assert.equal(keyOf('j', {}), 'down');
  assert.equal(keyOf('', { return: true }), 'enter');
  assert.equal(keyOf('', { rightArrow: true }), 'enter');
  assert.equal(keyOf('', { escape: true }), 'back');
  assert.equal(keyOf('', { leftArrow: true }), 'back');
  assert.equal(keyOf('', { backspace: true }), 'back');
  assert.equal(keyOf('', { delete: true }), 'back');
  assert.equal(keyOf('', { tab: true }), 'nextContainer');
  assert.equal(keyOf('', { tab: true, shift: true }), 'prevContainer');
  assert.equal(keyOf('w', {}), 'watch');
  assert.equal(keyOf('s', {}), 'save');
  assert.equal(keyOf('?', {}), 'help');
  assert.equal(keyOf('q', {}), 'quit');
  assert.equal(keyOf('c', { ctrl: true }), 'quit');
  assert.equal(keyOf('', { pageUp: true }), 'pageUp');
  assert.equal(keyOf('', { pageDown: true }), 'pageDown');
  assert.equal(keyOf('', { home: true }), 'home');
  assert.equal(keyOf('', { end: true }), 'end');
  assert.equal(keyOf('x', {}), null);
  assert.equal(keyOf('c', {}), null);
  assert.equal(keyOf('w', { ctrl: true }), null, 'Ctrl-W is not w');
  assert.equal(keyOf('j', { ctrl: true }), null);
});

test('sparkline: exact width, newest right, scaled to max, null as a gap', () => {
  assert.equal(sparkline([0, 50, 100], 3, 100), '▁▄█', 'half is four eighths');
  assert.equal(sparkline([0, 50, 100], 5, 100), '  ▁▄█', 'padded on the left');
  assert.equal(sparkline([10, 20, 30, 40], 2, 40), '▆█', 'keeps the last values');
  assert.equal(sparkline([200], 1, 100), '█', 'over the limit is full');
  assert.equal(sparkline([null, 100], 2, 100), ' █');
  assert.equal(sparkline([25, 50], 2, null), '▄█', 'no max: scaled to the largest');
  assert.equal(sparkline([25, 50], 2, 0), '▄█', 'max 0: scaled to the largest');
  assert.equal(sparkline([12.5, 25, 75], 3, 100), '▁▂▆', 'eighths');
  assert.equal(sparkline([0, 0], 2, null), '▁▁', 'all zero');
  assert.equal(sparkline([], 4, 100), '    ');
  assert.equal(sparkline([1, 2], 0, 100), '');
  assert.equal(sparkline([-5], 1, 100), '▁', 'negative floors at the lowest');
  for (const w of [1, 7, 30]) assert.equal([...sparkline([1, 2, 3], w, 3)].length, w);
});

test('addSample keeps the last N per container, with the limit', async () => {
  const a = await load(CASES.oom);
  let s = addSample({}, a, 3);
  assert.deepEqual(Object.keys(s), ['app', 'sidecar']);
  assert.deepEqual(s.app!.workingSet, [262144]);
  assert.equal(s.app!.limit, 64 * 2 ** 20);
  for (let i = 0; i < 5; i++) {
    const b = structuredClone(a);
    b.containers[0]!.workingSetBytes = i;
    b.containers[0]!.usageBytes = i * 2;
    s = addSample(s, b, 3);
  }
  assert.deepEqual(s.app!.workingSet, [2, 3, 4]);
  assert.deepEqual(s.app!.usage, [4, 6, 8]);
  // A container that disappears is dropped; a new one starts empty.
  const c = structuredClone(a);
  c.containers = [{ ...c.containers[1]!, name: 'new' }];
  s = addSample(s, c, 3);
  assert.deepEqual(Object.keys(s), ['new']);
  assert.equal(s.new!.workingSet.length, 1);
});

test('progress channel: replays to late subscribers, iterates, ends', async () => {
  const p = createProgress();
  p.report('reading pod');
  const seen: string[] = [];
  const unsubscribe = p.subscribe((e) => seen.push(e.message));
  p.report('starting reader pod on node lab-node-1');
  p.report('reader pod forbidden', 'warn');
  unsubscribe();
  p.report('reading cgroups');
  assert.deepEqual(seen, ['reading pod', 'starting reader pod on node lab-node-1', 'reader pod forbidden']);

  const iterated: ProgressEvent[] = [];
  const done = (async () => {
    for await (const e of p) iterated.push(e);
  })();
  p.report('pulling image');
  p.end();
  await done;
  assert.deepEqual(
    iterated.map((e) => e.message),
    [
      'reading pod',
      'starting reader pod on node lab-node-1',
      'reader pod forbidden',
      'reading cgroups',
      'pulling image',
    ],
  );
  assert.equal(iterated[2]!.level, 'warn');
  p.report('after the end');
  assert.equal(p.events.length, 5);
});

test('toProgressSource accepts an async iterable of strings or events', async () => {
  async function* gen() {
    yield 'reading pod';
    yield { message: 'pulling image', level: 'warn' as const };
  }
  const src = toProgressSource(gen());
  const seen: ProgressEvent[] = [];
  src.subscribe((e) => seen.push(e));
  await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(seen, [
    { message: 'reading pod', level: 'info' },
    { message: 'pulling image', level: 'warn' },
  ]);
  const late: string[] = [];
  src.subscribe((e) => late.push(e.message));
  assert.deepEqual(late, ['reading pod', 'pulling image'], 'replayed');
  const channel = createProgress();
  assert.equal(toProgressSource(channel), channel);
});

test('wrapText and hardWrap keep every row within the width', () => {
  const path =
    'cgroup/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod5e5613d6_fccb_40d6_967b_447697d4d871.slice';
  for (const w of [20, 40, 78]) {
    for (const r of wrapText(`see ${path} for the numbers`, w, 2)) assert.ok(r.length <= w, `${r.length} > ${w}: ${r}`);
    for (const r of hardWrap(path, w, 2)) assert.ok(r.length <= w);
    assert.equal(
      hardWrap(path, w, 2)
        .map((r, i) => (i ? r.slice(2) : r))
        .join(''),
      path,
    );
  }
  assert.deepEqual(wrapText('a b c', 80), ['a b c']);
});

test('proportionalCells fills exactly the width', () => {
  assert.deepEqual(proportionalCells([1, 1], 10), [5, 5]);
  assert.deepEqual(proportionalCells([1, 0, null, 3], 8), [2, 0, 0, 6]);
  assert.equal(
    proportionalCells([1, 1, 1], 10).reduce((s, v) => s + v, 0),
    10,
  );
  assert.deepEqual(proportionalCells([0, null], 10), [0, 0]);
  assert.deepEqual(proportionalCells([-5, 5], 4), [0, 4]);
});

test('viewport: lists keep the cursor visible, text screens scroll and stop at the end', () => {
  const lines = Array.from({ length: 30 }, (_, i) => [{ text: `row ${i}` }]);
  const list: ScreenModel = { lines, rows: lines.map((_, i) => i) };
  assert.equal(rowCount(list, 10), 30);
  assert.deepEqual(viewport(list, 10, 0), { offset: 0, size: 10, cursor: 0, total: 30 });
  const v = viewport(list, 10, 15);
  assert.ok(v.cursor! >= v.offset && v.cursor! < v.offset + v.size);
  assert.equal(viewport(list, 10, 29).offset, 20, 'the last row at the bottom');
  assert.equal(viewport(list, 10, 99).cursor, 29, 'clamped');
  const text: ScreenModel = { lines };
  assert.equal(rowCount(text, 10), 21, '30 lines in 10 rows: 21 offsets');
  assert.equal(viewport(text, 10, 50).offset, 20);
  const pinned: ScreenModel = { lines, rows: [], pinned: [[{ text: 'x' }], [{ text: 'y' }]] };
  assert.equal(viewport(pinned, 10, 0).size, 8);
  assert.equal(viewport(pinned, 10, 0).cursor, null);
  assert.equal(lineText([{ text: 'a' }, { text: 'b' }]), 'ab');
});
