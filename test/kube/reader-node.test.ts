// The node reader script under busybox sh against small cgroup trees: what it prints for a prefix, for a node
// without kubepods, and how it refuses bad input; and parseNodeFrames, which keeps /proc/meminfo apart.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { parseNodeFrames } from '../../src/core/views/node-frames.js';
import { locateNodeLevels } from '../../src/core/views/node-levels.js';
import { NODE_READER_ARGV0, NODE_READER_SCRIPT, nodeReaderCommand } from '../../src/kube/reader-node-script.js';

const busybox = spawnSync('sh', ['-c', 'command -v busybox'], { encoding: 'utf8' }).stdout.trim();
const work = mkdtempSync(join(tmpdir(), 'memwhy-node-script-'));
after(() => rmSync(work, { recursive: true, force: true }));

function tree(name: string, dirs: Record<string, Record<string, string>>): string {
  const root = join(work, name);
  for (const [dir, files] of Object.entries(dirs)) {
    mkdirSync(join(root, dir), { recursive: true });
    for (const [f, text] of Object.entries(files)) writeFileSync(join(root, dir, f), text);
  }
  return root;
}
const v2 = (current: number) => ({ 'memory.current': `${current}\n`, 'memory.max': 'max\n' });
const sh = (args: string[]) =>
  spawnSync(busybox, ['sh', '-c', NODE_READER_SCRIPT, NODE_READER_ARGV0, ...args], { encoding: 'utf8' });

describe('the node reader script', { skip: busybox ? false : 'busybox is not installed' }, () => {
  test('v2 behind a prefix: the prefix level, kubepods.slice, its tiers and its siblings under the prefix', () => {
    const root = tree('prefix', {
      '': { 'cgroup.controllers': 'memory\n' },
      'lxc.payload.n1': v2(900),
      'lxc.payload.n1/kubepods.slice': v2(600),
      'lxc.payload.n1/kubepods.slice/kubepods-burstable.slice': v2(400),
      'lxc.payload.n1/kubepods.slice/kubepods-besteffort.slice': v2(50),
      'lxc.payload.n1/system.slice': v2(200),
      'other.slice': v2(7),
    });
    const r = spawnSync(busybox, nodeReaderCommand(root), { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    const f = parseNodeFrames(r.stdout);
    assert.deepEqual(f.problems, []);
    assert.ok(f.complete);
    assert.match(f.meminfo ?? '', /^MemTotal:/);
    assert.equal(f.files['lxc.payload.n1/kubepods.slice/memory.current'], '600\n');
    assert.equal(f.files['lxc.payload.n1/system.slice/memory.current'], '200\n');
    assert.equal(f.files['other.slice/memory.current'], undefined, 'not a sibling of kubepods');
    const levels = locateNodeLevels(f.files)!;
    assert.equal(levels.kubepods?.usageBytes, 600);
    assert.equal(levels.burstable?.usageBytes, 400);
    assert.equal(levels.besteffort?.usageBytes, 50);
    assert.deepEqual(
      levels.others.map((l) => [l.path, l.usageBytes]),
      [['lxc.payload.n1/system.slice', 200]],
    );
  });

  test('a node without kubepods: the root and meminfo, exit 0; no memory cgroup: exit 4; a bad root: exit 2', () => {
    const bare = tree('bare', { memory: { 'memory.usage_in_bytes': '5\n' } });
    const r = sh([bare]);
    assert.equal(r.status, 0);
    const f = parseNodeFrames(r.stdout);
    assert.deepEqual(Object.keys(f.files), ['memory/memory.usage_in_bytes']);
    assert.equal(locateNodeLevels(f.files), null);
    const none = sh([tree('none', { x: {} })]);
    assert.equal(none.status, 4);
    assert.match(parseNodeFrames(none.stdout).fatal ?? '', /^no-memory-cgroup /);
    for (const bad of ['relative', '/', '/a/../b', '/a b']) {
      const b = sh([bad]);
      assert.equal(b.status, 2, bad);
      assert.match(b.stdout, /=== FATAL bad-argument root/);
    }
    assert.equal(sh([]).status, 2);
    assert.throws(() => nodeReaderCommand('/a/../b'), /root must be/);
  });
});
