// The one cgroup file list (src/core/cgroup-files.ts): the reader prints exactly it, and every file the parser
// reads is on it, so the two cannot drift apart again (issue 9: memory.use_hierarchy was parsed, never read).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { test } from 'node:test';
import { detectCgroupVersion } from '../../src/core/cgroup.js';
import { V1_CGROUP_FILES, V2_CGROUP_FILES } from '../../src/core/cgroup-files.js';
import { READER_SCRIPT } from '../../src/kube/reader-script.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

test('the reader script reads exactly the listed files, in list order', () => {
  assert.match(READER_SCRIPT, new RegExp(`^V1FILES='${V1_CGROUP_FILES.join(' ')}'$`, 'm'));
  assert.match(READER_SCRIPT, new RegExp(`^V2FILES='${V2_CGROUP_FILES.join(' ')}'$`, 'm'));
});

test('every cgroup file the parser reads is one the reader reads', () => {
  const source = fs.readFileSync(path.join(ROOT, 'src/core/cgroup.ts'), 'utf8');
  const parsed = [...source.matchAll(/read\('(memory\.[a-z_.]+)'\)/g)].map((m) => m[1]!);
  assert.ok(parsed.length >= 20, `found ${parsed.length} read('memory.…') calls in src/core/cgroup.ts`);
  const listed = new Set<string>([...V1_CGROUP_FILES, ...V2_CGROUP_FILES]);
  assert.deepEqual(
    parsed.filter((f) => !listed.has(f)),
    [],
    'parsed but never read by the reader',
  );
});

test('the v2 files memwhy needs and the v1 memsw files are on the list', () => {
  const v2 = [
    'memory.current',
    'memory.max',
    'memory.high',
    'memory.low',
    'memory.min',
    'memory.peak',
    'memory.stat',
    'memory.events',
    'memory.events.local',
    'memory.oom.group',
    'memory.swap.current',
    'memory.swap.max',
    'memory.swap.events',
    'memory.pressure',
  ];
  const v1 = [
    'memory.memsw.usage_in_bytes',
    'memory.memsw.limit_in_bytes',
    'memory.memsw.failcnt',
    'memory.memsw.max_usage_in_bytes',
  ];
  for (const f of v2) assert.ok((V2_CGROUP_FILES as readonly string[]).includes(f), f);
  for (const f of v1) assert.ok((V1_CGROUP_FILES as readonly string[]).includes(f), f);
});

test('each v2-only file tells v2, each v1 file under memory/ tells v1', () => {
  for (const f of V2_CGROUP_FILES) {
    if (f === 'memory.stat' || f === 'memory.pressure') continue;
    assert.equal(detectCgroupVersion({ [`kubepods.slice/${f}`]: '0\n' }), 'v2', f);
  }
  for (const f of V1_CGROUP_FILES) assert.equal(detectCgroupVersion({ [`memory/kubepods/${f}`]: '0\n' }), 'v1', f);
});
