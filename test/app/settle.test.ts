// allSettledFirst: the parts of a diagnosis settle before a failure is reported, so a reader pod still being
// deleted after Ctrl-C is never cut short by the other parts' aborts.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { allSettledFirst } from '../../src/app/settle.js';

const later = <T>(ms: number, value: T): Promise<T> => new Promise((r) => setTimeout(() => r(value), ms));

test('a failure is reported only after the slower parts have settled', async () => {
  let cleanedUp = false;
  const slowCleanup = later(80, 'deleted').then((v) => {
    cleanedUp = true;
    return v;
  });
  const fastAbort = Promise.reject(new Error('interrupted'));
  await assert.rejects(allSettledFirst([fastAbort, slowCleanup]), /interrupted/);
  assert.equal(cleanedUp, true, 'the slow part finished before the rejection was seen');
});

test('values come back in input order; the first failure in input order wins', async () => {
  assert.deepEqual(await allSettledFirst([later(30, 1), Promise.resolve('b'), later(5, null)]), [1, 'b', null]);
  await assert.rejects(
    allSettledFirst([later(30, 0).then(() => Promise.reject(new Error('first'))), Promise.reject(new Error('second'))]),
    /first/,
  );
});
