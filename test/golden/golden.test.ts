// Golden pairs: every snapshot folder under test/fixtures/cases/ and examples/ is analysed and its JSON and
// text output compared with expected.json / expected.txt beside it. A new bug report becomes a new folder.
// Regenerate after an intended change with UPDATE_GOLDEN=1 and review the diff.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadSnapshot } from '../../src/app/snapshot.js';
import { analyse } from '../../src/core/analyse.js';
import { renderJson } from '../../src/render/json.js';
import { renderText } from '../../src/render/text.js';

/** Fixed analysis time so goldens are reproducible. */
export const GOLDEN_NOW = '2026-11-23T00:00:00.000Z';
const ROOTS = ['test/fixtures/cases', 'examples'];
const update = process.env.UPDATE_GOLDEN === '1';

export function caseDirs(): string[] {
  return ROOTS.filter((r) => existsSync(r)).flatMap((r) =>
    readdirSync(r)
      .map((d) => join(r, d))
      .filter((d) => statSync(d).isDirectory() && existsSync(join(d, 'pod.json'))),
  );
}

for (const dir of caseDirs()) {
  test(`golden: ${dir}`, async () => {
    const analysis = analyse(await loadSnapshot(dir), { now: GOLDEN_NOW });
    const outputs: Array<[string, string]> = [
      ['expected.json', renderJson(analysis)],
      ['expected.txt', renderText(analysis, { color: false, width: 100 })],
    ];
    for (const [file, actual] of outputs) {
      const path = join(dir, file);
      if (update || !existsSync(path)) {
        if (!update) assert.fail(`${path} is missing: run UPDATE_GOLDEN=1 npm run test:unit and review it`);
        writeFileSync(path, actual);
        continue;
      }
      assert.equal(
        actual,
        readFileSync(path, 'utf8'),
        `${path} differs (UPDATE_GOLDEN=1 regenerates it; review the diff)`,
      );
    }
  });
}
