// --version and --help answered without yargs (issue 12): the same bytes as yargs prints, at every width, and
// the built CLI really skips the parser at the pre-rendered widths (its code cache lists the chunks that ran).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { parseArgs, VERSION } from '../../src/cli/args.js';
import { PRERENDERED_HELP_WIDTHS, quickAnswer } from '../../src/cli/quick.js';
// @ts-expect-error -- a build script without types
import { HELP_WIDTHS } from '../../scripts/help-texts.mjs';

const ROOT = join(import.meta.dirname, '..', '..');
const pipe = { isTTY: false, write: () => true };

describe('quickAnswer (from source: no pre-rendered help)', () => {
  test('--version alone is answered at once; with anything else it is yargs', () => {
    assert.equal(quickAnswer(['--version'], {}, pipe, '1.2.3'), '1.2.3\n');
    assert.equal(quickAnswer(['--version', 'web-0'], {}, pipe, '1.2.3'), null);
    assert.equal(quickAnswer(['web-0'], {}, pipe, '1.2.3'), null);
    assert.equal(quickAnswer([], {}, pipe, '1.2.3'), null);
  });
  test('--help falls back to yargs when the build did not embed the texts', () => {
    assert.equal(quickAnswer(['--help'], {}, pipe, VERSION), null);
  });
  test('the build renders the widths quick.ts looks up', () => {
    assert.deepEqual(HELP_WIDTHS, [...PRERENDERED_HELP_WIDTHS]);
  });
});

describe('the built dist/cli.js answers --help as yargs does', () => {
  const dist = join(ROOT, 'dist', 'cli.js');
  const skip = existsSync(dist) ? false : 'dist/cli.js is not built (npm run build)';
  const tmp = mkdtempSync(join(tmpdir(), 'memwhy-quick-'));
  after(() => rmSync(tmp, { recursive: true, force: true }));

  /**
   * stdout of `dist/cli.js <args>` in a pipe with $COLUMNS, and the bundle's chunks it ran: a fresh home's code
   * cache holds one file per chunk that ran (scripts/sea-chunk-loader.cjs writes them at exit).
   */
  function help(args: string[], columns: number): { stdout: string; loaded: string[] } {
    const home = mkdtempSync(join(tmp, 'home-'));
    const r = spawnSync(process.execPath, [dist, ...args], {
      encoding: 'utf8',
      env: { PATH: process.env.PATH, HOME: home, COLUMNS: String(columns) },
    });
    assert.equal(r.status, 0, r.stderr);
    const base = join(home, '.cache', 'kubectl-memwhy', 'v8');
    const loaded = readdirSync(base).flatMap((build) => readdirSync(join(base, build)));
    assert.ok(loaded.includes('main.js'), `the cache lists the chunks that ran: ${loaded.join(', ')}`);
    return { stdout: r.stdout, loaded };
  }
  const yargsLoaded = (loaded: string[]) => loaded.some((name) => /^args-[A-Z0-9]+\.js$/.test(name));

  for (const width of [80, 100, 90, 60, 120]) {
    test(`at ${width} columns: the same bytes as yargs renders now`, { skip }, () => {
      const expected = `${(parseArgs(['--help'], { width: Math.min(width, 100) }) as { text: string }).text}\n`;
      for (const args of [['--help'], ['-h'], ['help']]) {
        const { stdout, loaded } = help(args, width);
        assert.equal(stdout, expected, `${args.join(' ')} at ${width}`);
        // 80 and 100 (and any terminal wider than 100) come pre-rendered; other widths go through yargs.
        assert.equal(yargsLoaded(loaded), width !== 80 && width < 100, `yargs loaded at ${width}`);
      }
    });
  }

  test('--version loads no parser either', { skip }, () => {
    const { stdout, loaded } = help(['--version'], 80);
    assert.equal(stdout, `${VERSION}\n`);
    assert.equal(yargsLoaded(loaded), false);
  });
});
