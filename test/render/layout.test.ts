// The one layout module of text and TUI (issue 9): visible width, colour on, the same stacked bar in both views,
// and the key fact of the STATE column never cut (issue 13 item 7).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { stripVTControlCharacters } from 'node:util';
import { test } from 'node:test';
import { loadSnapshot } from '../../src/app/snapshot.js';
import { analyse } from '../../src/core/analyse.js';
import { pad, padLeft, proportionalCells, visibleWidth, wrap } from '../../src/render/layout.js';
import { renderText } from '../../src/render/text.js';
import { lineText } from '../../src/tui/format.js';
import { categories, stackedBar } from '../../src/tui/screens/breakdown.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const GOLDEN_NOW = '2026-11-23T00:00:00.000Z';
/** The golden folders (as test/golden/golden.test.ts finds them). */
function caseDirs(): string[] {
  return ['test/fixtures/cases', 'examples'].flatMap((r) =>
    readdirSync(join(ROOT, r), { withFileTypes: true })
      .filter((d) => d.isDirectory() && existsSync(join(ROOT, r, d.name, 'pod.json')))
      .map((d) => join(r, d.name)),
  );
}

test('visible width: colour codes take no room, padding and wrapping measure what a terminal shows', () => {
  const red = '\u001b[31mOOMKilled\u001b[39m';
  assert.equal(visibleWidth(red), 9);
  assert.equal(stripVTControlCharacters(pad(red, 12)), 'OOMKilled   ');
  assert.equal(stripVTControlCharacters(padLeft(red, 12)), '   OOMKilled');
  const dim = (s: string) => `\u001b[2m${s}\u001b[22m`;
  assert.equal(stripVTControlCharacters(wrap(`${dim('one')} ${dim('two')} ${dim('three')}`, 9, 0)), 'one two\nthree');
});

test('largest remainder fills exactly the width', () => {
  assert.deepEqual(proportionalCells([1, 1, 1], 10), [4, 3, 3]);
  assert.equal(
    proportionalCells([112, 0, 0, 0, 64, 80], 50).reduce((s, v) => s + v, 0),
    50,
  );
});

for (const dir of caseDirs()) {
  test(`colour on lays out as colour off, within the width: ${dir}`, async () => {
    const a = analyse(await loadSnapshot(dir), { now: GOLDEN_NOW });
    for (const width of [80, 100]) {
      const plain = renderText(a, { color: false, width });
      const coloured = renderText(a, { color: true, width });
      assert.notEqual(coloured, plain, 'colour is on');
      assert.equal(stripVTControlCharacters(coloured), plain);
    }
  });

  test(`text and TUI draw the same stacked breakdown bar: ${dir}`, async () => {
    const a = analyse(await loadSnapshot(dir), { now: GOLDEN_NOW });
    const text = renderText(a, { color: false, width: 100, all: true }).split('\n');
    for (const c of a.containers.filter((x) => x.usageBytes !== null && x.breakdown.anonBytes !== null)) {
      const title = text.findIndex((l) => l.startsWith(`  Container ${c.name}`));
      const barRow = text.slice(title).find((l) => l.startsWith('    breakdown of usage  '));
      const tui = lineText(stackedBar(categories(c), c.usageBytes!, 50));
      assert.equal(barRow?.slice('    breakdown of usage  '.length), tui, c.name);
    }
  });
}

test(
  'the built CLI in a pipe keeps the whole STATE: grep finds last: OOMKilled on the container row',
  { skip: existsSync(join(ROOT, 'dist/cli.js')) ? false : 'not built' },
  () => {
    const r = spawnSync(
      process.execPath,
      [join(ROOT, 'dist/cli.js'), '--from', join(ROOT, 'test/fixtures/cases/v1-legacy-oom-docs'), '-o', 'text'],
      {
        encoding: 'utf8',
        env: { PATH: process.env.PATH, COLUMNS: '80' },
      },
    );
    assert.equal(r.status, 0, r.stderr);
    const row = r.stdout.split('\n').find((l) => l.startsWith('  memory-demo-2-ctr '));
    assert.match(row ?? '', /unknown, 1 restart, last: OOMKilled exit 137$/);
  },
);
