// The overview's list pipelining reads a page's continue token before parsing it (src/kube/views.ts).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { continueToken } from '../../src/kube/views.js';

test('continueToken: from the list metadata before the items, never from inside an item', () => {
  const page = (md: object, items: object[]) =>
    JSON.stringify({ kind: 'PodList', apiVersion: 'v1', metadata: md, items });
  assert.equal(continueToken(page({ resourceVersion: '9', continue: 'eyJydiI6OX0=' }, [])), 'eyJydiI6OX0=');
  assert.equal(
    continueToken(page({ resourceVersion: '9' }, [{ metadata: { annotations: { continue: 'x' } } }])),
    undefined,
  );
  assert.equal(continueToken(page({ continue: '' }, [])), undefined);
  assert.equal(continueToken(page({ continue: 'a"b\\c/d' }, [])), 'a"b\\c/d');
  assert.equal(
    continueToken('{"items":[],"metadata":{"continue":"late"}}'),
    undefined,
    'after the items: left to the parse',
  );
});
