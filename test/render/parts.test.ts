// Missing parts the gatherer records reach the user (issue 9: `cgroup-files` and `cgroup/<path>` were written
// and never shown).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadSnapshot } from '../../src/app/snapshot.js';
import { analyse } from '../../src/core/analyse.js';
import { renderJson } from '../../src/render/json.js';
import { renderText } from '../../src/render/text.js';

test('unreadable and skipped cgroup files become notices in JSON and text', async () => {
  const facts = await loadSnapshot('examples/oomkilled-container');
  facts.missing['cgroup-files'] = 'memory/kubepods/x/memory.stat: permission denied';
  facts.missing['cgroup/memory/kubepods/huge.txt'] = 'skipped: 2000000 bytes, larger than 1 MiB';
  const a = analyse(facts, { now: '2026-11-23T00:00:00.000Z' });
  const json = JSON.parse(renderJson(a)) as typeof a;
  assert.deepEqual(
    json.notices.filter((n) => n.part.startsWith('cgroup')),
    [
      {
        part: 'cgroup-files',
        message: 'some cgroup files could not be read: memory/kubepods/x/memory.stat: permission denied',
      },
      { part: 'cgroup/memory/kubepods/huge.txt', message: 'skipped: 2000000 bytes, larger than 1 MiB' },
    ],
  );
  const text = renderText(a, { color: false, width: 200 });
  assert.match(
    text,
    /\n {2}- cgroup-files: some cgroup files could not be read: memory\/kubepods\/x\/memory\.stat: permission denied\n/,
  );
  assert.match(text, /\n {2}- cgroup\/memory\/kubepods\/huge\.txt: skipped: 2000000 bytes/);
});
