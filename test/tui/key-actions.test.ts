// The key → action mapping the App dispatches, pure (issue 9: App split into thin hooks over pure reducers).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { keyAction } from '../../src/tui/key-actions.js';
import { initialNav, reduce } from '../../src/tui/navigation.js';

const ctx = { count: 9, page: 20, canWatch: false, canSave: true };

test('moves carry the row count; page keys the page size', () => {
  assert.deepEqual(keyAction('down', ctx), { type: 'move', delta: 1, count: 9 });
  assert.deepEqual(keyAction('pageUp', ctx), { type: 'move', delta: -20, count: 9 });
  assert.deepEqual(keyAction('end', ctx), { type: 'move', delta: Infinity, count: 9 });
});

test('w without a watch says why; with one it toggles', () => {
  assert.deepEqual(keyAction('watch', { ...ctx, watchUnavailable: 'a snapshot' }), {
    type: 'message',
    text: 'live watch is not available here: a snapshot',
  });
  assert.deepEqual(keyAction('watch', { ...ctx, canWatch: true }), { type: 'toggleWatch' });
  const s = reduce(initialNav({ containers: 2 }), keyAction('watch', { ...ctx, canWatch: true }));
  assert.equal(s.watch, true);
  assert.deepEqual(keyAction('save', { ...ctx, canSave: false }), {
    type: 'message',
    text: 'saving is not available here',
  });
});
