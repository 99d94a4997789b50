// The views' navigation reducer: the list → a pod → back keeps the list's selection; a node between them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { initialViewsNav, reduceViews, selectedRow, type ViewsAction } from '../../src/tui/views/nav.js';

const run = (actions: ViewsAction[], nav = initialViewsNav()) => actions.reduce(reduceViews, nav);

test('moving clamps to the rows; Enter opens the pod, Esc comes back to the same row', () => {
  let nav = run([
    { type: 'move', delta: 1, count: 3 },
    { type: 'move', delta: 5, count: 3 },
  ]);
  assert.equal(selectedRow(nav), 2);
  nav = run([{ type: 'move', delta: -9, count: 3 }], nav);
  assert.equal(selectedRow(nav), 0);
  nav = run(
    [
      { type: 'move', delta: 1, count: 3 },
      { type: 'open', screen: { kind: 'pod', namespace: 'a', name: 'p' } },
    ],
    nav,
  );
  assert.deepEqual(nav.screen, { kind: 'pod', namespace: 'a', name: 'p' });
  assert.equal(selectedRow(nav), 0, 'a new screen starts on its first row');
  nav = run([{ type: 'back' }], nav);
  assert.deepEqual(nav.screen, { kind: 'list' });
  assert.equal(selectedRow(nav), 1);
});

test('list → node → pod → back → back; Esc on the first screen stays; nothing to open says why', () => {
  let nav = run([
    { type: 'open', screen: { kind: 'node', name: 'n1' } },
    { type: 'move', delta: 2, count: 4 },
    { type: 'open', screen: { kind: 'pod', namespace: 'a', name: 'p' } },
  ]);
  assert.deepEqual(nav.stack, [{ kind: 'list' }, { kind: 'node', name: 'n1' }]);
  nav = run([{ type: 'back' }], nav);
  assert.deepEqual(nav.screen, { kind: 'node', name: 'n1' });
  assert.equal(selectedRow(nav), 2);
  nav = run([{ type: 'back' }, { type: 'back' }], nav);
  assert.deepEqual(nav.screen, { kind: 'list' });
  assert.equal(nav.stack.length, 0);
  nav = run([{ type: 'open', screen: null, why: 'this pod has no node' }], nav);
  assert.equal(nav.message, 'this pod has no node');
  assert.deepEqual(nav.screen, { kind: 'list' });
});

test('help takes Esc first and blocks moves; quit is kept', () => {
  let nav = run([{ type: 'toggleHelp' }, { type: 'move', delta: 1, count: 3 }]);
  assert.equal(nav.help, true);
  assert.equal(selectedRow(nav), 0);
  nav = run([{ type: 'back' }], nav);
  assert.equal(nav.help, false);
  assert.equal(run([{ type: 'quit' }], nav).quit, true);
});
