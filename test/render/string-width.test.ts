// src/render/string-width.ts, the vendored string-width 8.3.0 that builds its Intl.Segmenter and Unicode regexes on
// first use: the same widths as the npm package for every kind of text a terminal shows, nothing built at load or
// for the renderers' own symbols, and the bundles use it for every `import 'string-width'` (scripts/build.mjs).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { chunksOf } from '../package/bundle-chunks.js';
import { fileURLToPath, pathToFileURL } from 'node:url';
import fc from 'fast-check';
import packageStringWidth from 'string-width';
import stringWidth, { type Options } from '../../src/render/string-width.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** What the renderers and the TUI draw themselves (src/render, src/tui), and Ink's borders. */
const RENDERER_SYMBOLS = '−·…→×≥≤≠≈±↓↑←›’—–█▓▒░▁▂▃▄▅▆▇▏│┊─●■▲◀▶✔✖⏎╭╮╰╯┌┐└┘├┤';

const SAMPLE: string[] = [
  // ASCII, controls, tabs
  '',
  'a',
  'OOMKilled',
  'pod default/web-0  Burstable · node lab-node-1',
  ' ~!@#$%^&*()_+{}|:"<>?`-=[]\\;\',./',
  'tab\there',
  'line\nbreak\r\n',
  '\u0000\u0007\u001f\u007f\u0080\u009f',
  // ANSI colour and other escapes
  '\u001b[31mOOMKilled\u001b[39m',
  '\u001b[1m\u001b[38;5;208mbold orange\u001b[0m · \u001b[2m64.0Mi\u001b[22m',
  '\u001b[38;2;255;0;0m✖\u001b[0m → \u001b[4munderlined\u001b[24m',
  '\u001b]8;;https://example.com\u0007link\u001b]8;;\u0007',
  '\u009b31mCSI\u009b0m',
  '\u001b',
  '\u001b[',
  // Latin, accents (precomposed and combining), other scripts
  'café naïve façade Ærøskøbing Łódź',
  'cafe\u0301 n\u0303 a\u0300\u0301\u0302\u0303',
  '\u0301\u0302 lone combining marks',
  'Ελληνικά Кириллица עברית العربية हिन्दी ไทย',
  'क्षि ज्ञ श्री', // Devanagari conjuncts (GB9c)
  'ำ ເຳ', // Thai/Lao sara am (spacing marks)
  // CJK, kana, Hangul syllables and jamo
  '日本語のテキスト 中文 한국어',
  '｢ﾊﾝｶｸ｣ ｶﾞｷﾞ ﾊﾟ ｰ', // halfwidth katakana with voiced marks
  'ＦＵＬＬＷＩＤＴＨ　ｆｏｒｍｓ！',
  'ｶﾞ',
  '\u1100\u1161',
  '\u1100\u1161\u11a8',
  '\u1100\u1100\u1161',
  '\u1161\u11a8 \u11a8',
  '\ua960\ud7b0\ud7cb',
  '\u1100가',
  '〈〉《》「」〜',
  // Emoji: RGI, modifiers, ZWJ sequences, flags, tags, keycaps, VS15/VS16
  '👍 👍🏽 🙂 🎉 ❤️ ❤ ☺ ☺️ ✔️ ✖️ ⚠ ⚠️',
  '👨‍👩‍👧‍👦 🏳️‍🌈 🧑🏿‍💻 👩‍❤️‍💋‍👨',
  '👨\u200d👩', // ZWJ sequence that is not RGI
  '🇫🇷 🇩🇪 🇺 🇦🇧🇨',
  '🏴󠁧󠁢󠁳󠁣󠁴󠁿',
  '1️⃣ #️⃣ *⃣ 5⃣ 0\u20e3',
  '↔️ ↔︎ ⌚ ⌚︎ ⏩ ⭐ ✅ ❌ ⬛ ⚡',
  '\u{1f3fb}',
  // Zero-width and format characters
  'zero\u200bwidth\u200cnon\u200djoiner\u2060wj\ufeffbom',
  'soft\u00adhyphen',
  '\u202aLRE\u202c \u200eLRM \u2066isolate\u2069',
  '\ufe0f\ufe0e alone',
  '\u{e0001}\u{e0041}',
  // Spaces and punctuation
  'nbsp\u00a0thin\u2009hair\u200aideographic\u3000',
  '\u2028\u2029',
  '‘quotes’ “double” „low“ ‹angle› «guillemets» † ‡ • ‰ ′ ″',
  // Symbols: the renderers' own, box drawing, blocks, shapes, math, currency, letterlike
  RENDERER_SYMBOLS,
  '┌──┬──┐│  ┃  ║╔═╗╚═╝┼╳',
  '▏▎▍▌▋▊▉█▐▕ ▖▗▘▙▚▛▜▝▞▟',
  '○◎◆◇□▪▫△▽◁▷★☆♠♣♥♦☐☑☒',
  '∞∑∏√∫∂∆∇∈∉∩∪⊂⊃⊆⊇∧∨¬⊕⊗',
  '€£¥¢₿₹₽ ℃ ℉ № ™ ℮ Ω ℧ ⅓ ⅔ Ⅻ ⅻ',
  '⁰¹²³⁴⁵⁶⁷⁸⁹ ₀₁₂₃',
  // Private use, unassigned, lone surrogates, astral
  '\ue000\uf8ff',
  '\u0378\u{2fffd}',
  '\ud800 \udfff x\ud83d',
  '𝐀𝐁𝐂 𝔸 𓀀 𠀀𪚥',
];

const OPTIONS: (Options | undefined)[] = [
  undefined,
  {},
  { ambiguousIsNarrow: true },
  { ambiguousIsNarrow: false },
  { countAnsiEscapeCodes: true },
  { countAnsiEscapeCodes: true, ambiguousIsNarrow: false },
  { countAnsiEscapeCodes: false, ambiguousIsNarrow: false },
];

function sameAsPackage(s: string, options: Options | undefined): void {
  assert.equal(
    stringWidth(s, options),
    packageStringWidth(s, options),
    `${JSON.stringify(s)} ${JSON.stringify(options)}`,
  );
}

describe('the same widths as the string-width package (8.3.0)', () => {
  test('for a sample of ASCII, ANSI colour, scripts, CJK, Hangul, emoji, marks, zero-width and symbols', () => {
    for (const s of SAMPLE) {
      for (const options of OPTIONS) sameAsPackage(s, options);
      // Each piece alone as well, and what the renderers make of it: padded, coloured.
      for (const piece of s.split(' ')) for (const options of OPTIONS) sameAsPackage(piece, options);
      sameAsPackage(`\u001b[31m${s}\u001b[39m  `, undefined);
    }
  });

  test('for anything that is not a string (0), as the package', () => {
    for (const x of [undefined, null, 42, {}, ['a']]) {
      assert.equal(stringWidth(x as unknown as string), 0);
      assert.equal(packageStringWidth(x as unknown as string), 0);
    }
  });

  test('every code point up to U+2FFF, alone and between neighbours, both ambiguous widths', () => {
    // Covers the second fast path's whole set (SIMPLE: printable ASCII, U+00A0–U+02FF, U+2010–U+20CF and
    // U+2100–U+2BFF): a code point that joined its neighbours into one cluster would measure differently here.
    for (let cp = 0; cp < 0x3000; cp++) {
      const c = String.fromCodePoint(cp);
      for (const options of [{ ambiguousIsNarrow: true }, { ambiguousIsNarrow: false }]) {
        sameAsPackage(c, options);
        sameAsPackage(`a${c}${c}a`, options);
      }
    }
  });

  test('every other code point of the BMP and the emoji and symbol planes, alone', () => {
    for (let cp = 0x3000; cp < 0x10000; cp++) sameAsPackage(String.fromCharCode(cp), undefined);
    for (let cp = 0x1f000; cp < 0x1fc00; cp++) sameAsPackage(String.fromCodePoint(cp), undefined);
    for (let cp = 0xe0000; cp < 0xe0200; cp++) sameAsPackage(String.fromCodePoint(cp), undefined);
  });

  test('for random strings of the sample pieces, renderer symbols, ASCII and any code point', () => {
    const pieces = [...new Set(SAMPLE.flatMap((s) => [...new Intl.Segmenter().segment(s)].map((x) => x.segment)))];
    const piece = fc.oneof(
      fc.constantFrom(...pieces),
      fc.constantFrom(...RENDERER_SYMBOLS),
      fc.string({ unit: 'grapheme-ascii', maxLength: 4 }),
      fc.string({ unit: 'binary', maxLength: 3 }),
      fc.constantFrom('\u200d', '\ufe0f', '\u20e3', '\u0301', '\u001b[31m', '\u001b[0m'),
    );
    const options = fc.record(
      { ambiguousIsNarrow: fc.boolean(), countAnsiEscapeCodes: fc.boolean() },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 12 }), options, (parts, o) => {
        const s = parts.join('');
        assert.equal(stringWidth(s, o), packageStringWidth(s, o), JSON.stringify(s));
      }),
      { numRuns: 3000 },
    );
  });
});

describe('the copy', () => {
  test('is of the string-width the tests compare with, and its licence ships', () => {
    const version = (
      JSON.parse(readFileSync(join(ROOT, 'node_modules/string-width/package.json'), 'utf8')) as {
        version: string;
      }
    ).version;
    const source = readFileSync(join(ROOT, 'src/render/string-width.ts'), 'utf8');
    assert.match(source, new RegExp(`^// string-width ${version.replace(/\./g, '\\.')} `));
    assert.match(source, /Copyright \(c\) Sindre Sorhus/);
    // scripts/build-sea-bundle.mjs (VENDORED) lists it in LICENSE-THIRD-PARTY though no node_modules file is bundled.
    const notice = readFileSync(join(ROOT, 'LICENSE-THIRD-PARTY'), 'utf8');
    assert.match(notice, new RegExp(`^string-width@${version.replace(/\./g, '\\.')} \\(MIT\\)$`, 'm'));
  });
});

/** Runs `body` (an ES module, from source through tsx) with Intl.Segmenter counting its constructions. */
function countingSegmenters(body: string): string {
  const script = [
    'let built = 0;',
    'const Original = Intl.Segmenter;',
    'Intl.Segmenter = class extends Original { constructor(...args) { super(...args); built++; } };',
    `const { default: stringWidth } = await import(${JSON.stringify(pathToFileURL(join(ROOT, 'src/render/string-width.ts')).href)});`,
    body,
  ].join('\n');
  const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout;
}

describe('nothing is built until a string needs it', () => {
  test('importing builds no Intl.Segmenter; ASCII, ANSI and the renderer symbols need none; CJK and emoji build one', () => {
    // The Segmenter and the /v regexes (RGI_Emoji …) are built together, in unicode(): the count stands for all.
    const out = countingSegmenters(
      [
        'console.log(`import ${built}`);',
        `for (const s of ['OOMKilled', '\\u001b[31m64.0Mi\\u001b[39m', ${JSON.stringify(RENDERER_SYMBOLS)}, 'café · 1.5Gi → 2Gi ≥ limit ✖', '┌─┐│└─┘'])`,
        '  for (const ambiguousIsNarrow of [true, false]) stringWidth(s, { ambiguousIsNarrow });',
        'console.log(`simple ${built}`);',
        "console.log(`width ${stringWidth('日本 👍🏽')}`);",
        "stringWidth('👨‍👩‍👧 한국어');",
        'console.log(`full ${built}`);',
      ].join('\n'),
    );
    assert.equal(out, 'import 0\nsimple 0\nwidth 7\nfull 1\n');
  });
});

describe('the built dist/cli.js', () => {
  const dist = join(ROOT, 'dist', 'cli.js');
  const skip = existsSync(dist) ? false : 'dist/cli.js is not built (npm run build)';
  const tmp = mkdtempSync(join(tmpdir(), 'memwhy-string-width-'));
  after(() => rmSync(tmp, { recursive: true, force: true }));

  test(
    'holds one string-width, the vendored one: the nested 7.2.0 copies and emoji-regex are aliased away',
    { skip },
    () => {
      const chunks = Object.values(chunksOf(join(ROOT, 'dist', 'cli.js'))).map((c) => c.code);
      const count = (re: RegExp) => chunks.reduce((n, c) => n + (c.match(re)?.length ?? 0), 0);
      assert.equal(count(/\\p\{RGI_Emoji\}/g), 1, 'one RGI_Emoji regex (8.3.0 has one, 7.2.0 none)');
      // 7.2.0's own regex, ^\p{Default_Ignorable_Code_Point}$ (8.3.0 puts it in a class with other properties).
      assert.equal(count(/\^\\\\?p\{Default_Ignorable_Code_Point\}\$/g), 0, 'no string-width 7.2.0');
      // The vendored one builds its Segmenter inside unicode()'s object literal, the package at the top level.
      assert.equal(count(/segmenter:new Intl\.Segmenter/g), 1, 'the vendored, lazy one');
    },
  );

  test('a diagnosis from a folder builds no Intl.Segmenter', { skip }, () => {
    const preload = join(tmp, 'count.mjs');
    writeFileSync(
      preload,
      'let built = 0;\nconst Original = Intl.Segmenter;\n' +
        'Intl.Segmenter = class extends Original { constructor(...args) { super(...args); built++; } };\n' +
        "process.on('exit', () => process.stderr.write(`segmenters built: ${built}\\n`));\n",
    );
    for (const output of ['text', 'json']) {
      const r = spawnSync(
        process.execPath,
        ['--import', pathToFileURL(preload).href, dist, '--from', 'examples/oomkilled-container', '-o', output],
        { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } },
      );
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /oom-container/);
      assert.equal(r.stderr, 'segmenters built: 0\n', `-o ${output}`);
    }
  });
});
