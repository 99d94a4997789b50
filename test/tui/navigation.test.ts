// The navigation reducer, without Ink: every action and the edge cases.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  displayed,
  initialNav,
  MENU,
  reduce,
  summaryRows,
  type NavAction,
  type NavState,
} from '../../src/tui/navigation.js';

function run(state: NavState, ...actions: NavAction[]): NavState {
  return actions.reduce(reduce, state);
}

const menuRow = (containers: number, screen: string) => containers + MENU.findIndex((m) => m.screen === screen);

test('initial state: summary, nothing stacked, cursor on the main container', () => {
  const s = initialNav({ containers: 3, container: 2 });
  assert.equal(s.screen, 'summary');
  assert.deepEqual(s.stack, []);
  assert.equal(s.container, 2);
  assert.equal(s.selected.summary, 2);
  assert.equal(s.help, false);
  assert.equal(s.watch, false);
  assert.equal(s.saveRequested, false);
  assert.equal(s.quit, false);
  assert.equal(s.message, null);
  // Out-of-range container is clamped.
  assert.equal(initialNav({ containers: 2, container: 9 }).container, 1);
  assert.equal(initialNav().container, 0);
});

test('move: clamps to the rows given, and to the summary rows without a count', () => {
  let s = initialNav({ containers: 2 });
  s = run(s, { type: 'move', delta: 1, count: 9 });
  assert.equal(s.selected.summary, 1);
  s = run(s, { type: 'move', delta: 100, count: 9 });
  assert.equal(s.selected.summary, 8);
  s = run(s, { type: 'move', delta: -100, count: 9 });
  assert.equal(s.selected.summary, 0);
  s = run(s, { type: 'move', delta: -1, count: 9 });
  assert.equal(s.selected.summary, 0, 'cannot go above the first row');
  s = run(s, { type: 'move', delta: 1000 });
  assert.equal(s.selected.summary, summaryRows(2) - 1, 'summary without a count: containers + menu');
  s = run(s, { type: 'move', delta: -Infinity });
  assert.equal(s.selected.summary, 0);
  s = run(s, { type: 'move', delta: Infinity, count: 5 });
  assert.equal(s.selected.summary, 4);
});

test('move on an empty list stays at 0', () => {
  let s = run(initialNav({ containers: 1 }), { type: 'go', screen: 'events' });
  s = run(s, { type: 'move', delta: 1, count: 0 }, { type: 'move', delta: -1, count: 0 });
  assert.equal(s.selected.events, 0);
});

test('move without a count on a text screen never goes below 0, and End without a count does nothing', () => {
  let s = run(initialNav({ containers: 1 }), { type: 'go', screen: 'node' });
  s = run(s, { type: 'move', delta: 3 });
  assert.equal(s.selected.node, 3);
  s = run(s, { type: 'move', delta: Infinity });
  assert.equal(s.selected.node, 3);
  s = run(s, { type: 'move', delta: -10 });
  assert.equal(s.selected.node, 0);
});

test('selection is kept per screen', () => {
  let s = initialNav({ containers: 1 });
  s = run(
    s,
    { type: 'move', delta: 2, count: 8 },
    { type: 'go', screen: 'verdicts' },
    { type: 'move', delta: 1, count: 3 },
  );
  assert.equal(s.selected.verdicts, 1);
  assert.equal(s.selected.summary, 2);
  s = run(s, { type: 'back' });
  assert.equal(s.screen, 'summary');
  assert.equal(s.selected.summary, 2);
  s = run(s, { type: 'go', screen: 'verdicts' });
  assert.equal(s.selected.verdicts, 1, 'a list remembers its row');
});

test('enter on a summary container row opens its chain; on a menu row opens that screen', () => {
  let s = initialNav({ containers: 2 });
  s = run(s, { type: 'move', delta: 1 }, { type: 'enter' });
  assert.equal(s.screen, 'chain');
  assert.equal(s.container, 1);
  assert.deepEqual(s.stack, ['summary']);

  for (const item of MENU) {
    let t = initialNav({ containers: 2 });
    t = run(t, { type: 'move', delta: menuRow(2, item.screen) }, { type: 'enter' });
    if (item.screen === 'help') {
      assert.equal(t.help, true);
      assert.equal(displayed(t), 'help');
      assert.equal(t.screen, 'summary');
    } else {
      assert.equal(t.screen, item.screen);
      assert.deepEqual(t.stack, ['summary']);
    }
  }
});

test('enter with no containers: the summary rows are only the menu', () => {
  let s = initialNav({ containers: 0 });
  s = run(s, { type: 'enter' });
  assert.equal(s.screen, 'chain', 'row 0 is the first menu item');
  s = run(initialNav({ containers: 0 }), { type: 'enter', count: 0 });
  assert.equal(s.screen, 'summary', 'nothing to open');
});

test('verdicts: enter opens the detail; an empty list opens nothing and says so', () => {
  let s = run(initialNav({ containers: 1 }), { type: 'go', screen: 'verdicts' });
  const empty = run(s, { type: 'enter', count: 0 });
  assert.equal(empty.screen, 'verdicts');
  assert.match(empty.message ?? '', /no verdicts/);
  s = run(s, { type: 'move', delta: 5, count: 2 }, { type: 'enter', count: 2 });
  assert.equal(s.screen, 'verdict');
  assert.equal(s.selected.verdicts, 1);
  assert.equal(s.selected.verdict, 0, 'the detail opens at the top');
  s = run(s, { type: 'move', delta: 4, count: 10 }, { type: 'back' }, { type: 'enter', count: 2 });
  assert.equal(s.selected.verdict, 0, 'reopened at the top');
  assert.deepEqual(s.stack, ['summary', 'verdicts']);
});

test('chain: enter drills into the breakdown; other screens have nothing to open', () => {
  let s = run(initialNav({ containers: 1 }), { type: 'go', screen: 'chain' }, { type: 'enter' });
  assert.equal(s.screen, 'breakdown');
  assert.deepEqual(s.stack, ['summary', 'chain']);
  for (const screen of ['breakdown', 'tools', 'node'] as const) {
    s = run(initialNav({ containers: 1 }), { type: 'go', screen }, { type: 'enter', count: 3 });
    assert.equal(s.screen, screen);
  }
  // Events opens the selected event whole (issue 13 item 12: Enter did nothing there).
  s = run(
    initialNav({ containers: 1 }),
    { type: 'go', screen: 'events' },
    { type: 'move', delta: 1, count: 3 },
    { type: 'enter', count: 3 },
  );
  assert.equal(s.screen, 'event');
  assert.equal(s.selected.events, 1);
  assert.equal(
    run(initialNav({ containers: 1 }), { type: 'go', screen: 'events' }, { type: 'enter', count: 0 }).screen,
    'events',
  );
});

test('back: pops the stack, closes help first, and does nothing at the root', () => {
  let s = initialNav({ containers: 1 });
  assert.equal(run(s, { type: 'back' }), s, 'back at the root returns the same state');
  s = run(s, { type: 'go', screen: 'chain' }, { type: 'enter' }, { type: 'toggleHelp' });
  assert.equal(displayed(s), 'help');
  s = run(s, { type: 'back' });
  assert.equal(displayed(s), 'breakdown');
  s = run(s, { type: 'back' });
  assert.equal(s.screen, 'chain');
  s = run(s, { type: 'back' });
  assert.equal(s.screen, 'summary');
  assert.deepEqual(s.stack, []);
  s = run(s, { type: 'back' }, { type: 'back' });
  assert.equal(s.screen, 'summary');
});

test('go to the current screen does not stack it twice', () => {
  const s = run(initialNav({ containers: 1 }), { type: 'go', screen: 'node' }, { type: 'go', screen: 'node' });
  assert.deepEqual(s.stack, ['summary']);
});

test('Tab cycles containers, wraps, resets per-container scroll; the summary cursor follows', () => {
  let s = initialNav({ containers: 3 });
  s = run(s, { type: 'nextContainer' });
  assert.equal(s.container, 1);
  assert.equal(s.selected.summary, 1);
  s = run(s, { type: 'nextContainer' }, { type: 'nextContainer' });
  assert.equal(s.container, 0, 'wraps');
  s = run(s, { type: 'prevContainer' });
  assert.equal(s.container, 2, 'wraps backwards');
  s = run(s, { type: 'go', screen: 'chain' }, { type: 'move', delta: 7, count: 20 });
  assert.equal(s.selected.chain, 7);
  s = run(s, { type: 'nextContainer' });
  assert.equal(s.container, 0);
  assert.equal(s.selected.chain, 0, 'a new container opens at the top');
  // Cursor on a menu row: Tab leaves it there.
  let t = run(initialNav({ containers: 2 }), { type: 'move', delta: 4 });
  t = run(t, { type: 'nextContainer' });
  assert.equal(t.selected.summary, 4);
  assert.equal(t.container, 1);
});

test('Tab with one or no containers changes nothing', () => {
  const one = initialNav({ containers: 1 });
  assert.equal(run(one, { type: 'nextContainer' }).container, 0);
  const none = initialNav({ containers: 0 });
  assert.equal(run(none, { type: 'nextContainer' }), none);
  assert.equal(run(none, { type: 'prevContainer' }), none);
});

test('selectContainer and setContainers clamp', () => {
  let s = initialNav({ containers: 3, container: 2 });
  s = run(s, { type: 'setContainers', count: 2 });
  assert.equal(s.containers, 2);
  assert.equal(s.container, 1);
  s = run(s, { type: 'selectContainer', index: 5 });
  assert.equal(s.container, 1, '5 mod 2');
  s = run(s, { type: 'setContainers', count: 0 });
  assert.equal(s.container, 0);
});

test('help toggles, opens at the top, and moves scroll the help', () => {
  let s = run(initialNav({ containers: 1 }), { type: 'toggleHelp' }, { type: 'move', delta: 3, count: 10 });
  assert.equal(s.selected.help, 3);
  assert.equal(s.selected.summary, 0, 'the screen below keeps its row');
  s = run(s, { type: 'enter', count: 10 });
  assert.equal(displayed(s), 'help', 'enter does nothing in help');
  s = run(s, { type: 'toggleHelp' });
  assert.equal(s.help, false);
  s = run(s, { type: 'toggleHelp' });
  assert.equal(s.selected.help, 0);
});

test('watch toggles and says so; setWatch is quiet', () => {
  let s = run(initialNav(), { type: 'toggleWatch' });
  assert.equal(s.watch, true);
  assert.equal(s.message, 'watch on');
  s = run(s, { type: 'toggleWatch' });
  assert.equal(s.watch, false);
  assert.equal(s.message, 'watch off');
  s = run(s, { type: 'setWatch', on: true });
  assert.equal(s.watch, true);
  assert.equal(s.message, 'watch off', 'program actions keep the message');
});

test('save: requested once until done; the result becomes the message; the next key clears it', () => {
  let s = run(initialNav(), { type: 'save' });
  assert.equal(s.saveRequested, true);
  assert.equal(s.message, 'saving…');
  const again = run(s, { type: 'save' });
  assert.equal(again.saveRequested, true);
  s = run(s, { type: 'saveDone', message: 'saved: /tmp/x' });
  assert.equal(s.saveRequested, false);
  assert.equal(s.message, 'saved: /tmp/x');
  s = run(s, { type: 'move', delta: 1 });
  assert.equal(s.message, null);
});

test('quit sets the flag', () => {
  assert.equal(run(initialNav(), { type: 'quit' }).quit, true);
});

test('message sets and clears', () => {
  let s = run(initialNav(), { type: 'message', text: 'hello' });
  assert.equal(s.message, 'hello');
  s = run(s, { type: 'message', text: null });
  assert.equal(s.message, null);
});
