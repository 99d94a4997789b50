// Hand-checked numbers per snapshot folder: every folder under test/fixtures/cases/ and examples/ that has an
// expect.json is analysed and each expectation checked against its `-o json` output (schema: test/golden/expect.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { loadSnapshot } from '../../src/app/snapshot.js';
import { analyse } from '../../src/core/analyse.js';
import { renderJson } from '../../src/render/json.js';
import { parseExpectFile, resolvePath } from './expect.js';

// The same folders and analysis time as golden.test.ts (not imported from it: that would run its tests here too).
const GOLDEN_NOW = '2026-11-23T00:00:00.000Z';
const ROOTS = ['test/fixtures/cases', 'examples'];
const caseDirs = (): string[] =>
  ROOTS.filter((r) => existsSync(r)).flatMap((r) =>
    readdirSync(r)
      .map((d) => join(r, d))
      .filter((d) => statSync(d).isDirectory() && existsSync(join(d, 'pod.json'))),
  );

const withExpect = caseDirs().filter((d) => existsSync(join(d, 'expect.json')));

for (const dir of withExpect) {
  test(`expect.json: ${dir}`, async () => {
    const file = join(dir, 'expect.json');
    const spec = parseExpectFile(readFileSync(file, 'utf8'), file);
    const output: unknown = JSON.parse(renderJson(analyse(await loadSnapshot(dir), { now: GOLDEN_NOW })));
    for (const e of spec.expect) {
      const found = resolvePath(output, e.path);
      assert.ok(found.ok, `${file}: ${found.ok ? '' : found.why}`);
      const why = `${file}: ${e.path} (${e.how})`;
      if (e.matches !== undefined) {
        assert.equal(typeof found.value, 'string', `${why}: not a string`);
        assert.match(found.value as string, new RegExp(e.matches), why);
      } else {
        assert.deepEqual(found.value, e.equals, why);
      }
    }
  });
}

test('expect.json: the path language (keys, indexes, key=value selectors) and its failures', () => {
  const doc = {
    a: {
      list: [
        { kind: 'X', n: 1 },
        { kind: 'Y', n: null },
      ],
    },
    top: [10, 20],
  };
  assert.deepEqual(resolvePath(doc, 'a.list[kind=Y].n'), { ok: true, value: null });
  assert.deepEqual(resolvePath(doc, 'a.list[0].kind'), { ok: true, value: 'X' });
  assert.deepEqual(resolvePath(doc, 'top[1]'), { ok: true, value: 20 });
  assert.deepEqual(resolvePath(doc, 'a.missing'), { ok: false, why: 'a.missing: no key missing' });
  assert.deepEqual(resolvePath(doc, 'a.list[kind=Z].n'), {
    ok: false,
    why: 'a.list[kind=Z].n: no element with kind=Z',
  });
  assert.deepEqual(resolvePath(doc, 'top[2]'), { ok: false, why: 'top[2]: no element [2] (length 2)' });
  assert.throws(
    () => parseExpectFile('{"about":"x","expect":[{"path":"a","how":"h"}]}', 'f'),
    /exactly one of "equals" and "matches"/,
  );
  assert.throws(() => parseExpectFile('{"about":"x","expect":[{"path":"a","equals":1}]}', 'f'), /"how" must say/);
  assert.throws(() => parseExpectFile('{"about":"x","expect":[],"extra":1}', 'f'), /unknown key extra/);
});

test('expect.json: at least four folders carry hand-checked numbers', () => {
  assert.ok(withExpect.length >= 4, `folders with expect.json: ${withExpect.join(', ')}`);
});
