// The README's flags table is generated from the flag definitions, so it never drifts from --help.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { flagsTable, parseArgs } from '../../src/cli/args.js';

const BEGIN = /<!-- flags:begin[^>]*-->\n/;
const END = '<!-- flags:end -->';

test('the README flags table is the one generated from FLAGS (UPDATE_README=1 rewrites it)', () => {
  const readme = readFileSync('README.md', 'utf8');
  const begin = BEGIN.exec(readme);
  assert.ok(begin, 'README has the flags:begin marker');
  const start = begin.index + begin[0].length;
  const end = readme.indexOf(END, start);
  assert.ok(end > 0, 'README has the flags:end marker');
  const expected = `${flagsTable()}\n`;
  if (process.env.UPDATE_README === '1')
    writeFileSync('README.md', readme.slice(0, start) + expected + readme.slice(end));
  else
    assert.equal(readme.slice(start, end), expected, 'README flags table is stale: UPDATE_README=1 npm run test:unit');
});

test('every flag in the table is one --help shows', () => {
  const help = parseArgs(['--help']);
  const text = help.kind === 'help' ? help.text : '';
  for (const m of flagsTable().matchAll(/`(--[a-z-]+)/g)) {
    const flag = m[1]!.replace(/^--no-/, '--');
    assert.ok(text.includes(flag), `${flag} is in --help`);
  }
});
