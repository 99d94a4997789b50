// string-width 8.3.0 (https://github.com/sindresorhus/string-width), vendored so that loading it costs nothing.
//
// MIT License
//
// Copyright (c) Sindre Sorhus <sindresorhus@gmail.com> (https://sindresorhus.com)
//
// Permission is hereby granted, free of charge, to any person obtaining a copy of this software and associated
// documentation files (the "Software"), to deal in the Software without restriction, including without limitation
// the rights to use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies of the Software, and to
// permit persons to whom the Software is furnished to do so, subject to the following conditions:
//
// The above copyright notice and this permission notice shall be included in all copies or substantial portions of
// the Software.
//
// THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR IMPLIED, INCLUDING BUT NOT LIMITED TO
// THE WARRANTIES OF MERCHANTABILITY, FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
// AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER LIABILITY, WHETHER IN AN ACTION OF
// CONTRACT, TORT OR OTHERWISE, ARISING FROM, OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS
// IN THE SOFTWARE.
//
// Changes from the original (index.js of the npm package), same results for every input:
//   - The Intl.Segmenter and the Unicode-property regexes are built on first use (unicode() below), not when the
//     module loads. The original builds them at load: ~20 ms for the Segmenter, and its /^\p{RGI_Emoji}$/v costs
//     ~45 ms more to compile on its first test, on every start, though most strings this tool measures are ASCII.
//   - A second fast path after the printable-ASCII one: a string made only of printable ASCII and of the Latin,
//     punctuation and symbol code points in SIMPLE (· × → ≥ ✖ █ ▏ box drawing …) is one grapheme cluster per code
//     point, none of them an RGI emoji unless Emoji_Presentation, so its width is the sum of eastAsianWidth() over
//     its code points: what the full algorithm computes, without the Segmenter or the RGI regex.
//     test/render/string-width.test.ts checks every code point of SIMPLE against the string-width package.
//   - TypeScript types; the logic is otherwise the original's, line for line.
// The bundles alias every `import 'string-width'` (Ink, wrap-ansi, cliui …) to this file: scripts/build-sea-bundle.mjs.
import { eastAsianWidth } from 'get-east-asian-width';
import stripAnsi from 'strip-ansi';

export interface Options {
  /** Count ambiguous-width characters as narrow (1) instead of wide (2). Default true. */
  readonly ambiguousIsNarrow?: boolean;
  /** Count ANSI escape codes (instead of stripping them). Default false. */
  readonly countAnsiEscapeCodes?: boolean;
}

interface EastAsianWidthOptions {
  ambiguousAsWide: boolean;
}

/*
Logic:
- Segment graphemes to match how terminals render clusters.
- Width rules:
	1. Skip non-printing clusters (Default_Ignorable, Control, pure nonspacing/enclosing Mark, lone Surrogates). Tabs are ignored by design.
	2. RGI emoji clusters (\p{RGI_Emoji}) are double-width.
	3. Minimally-qualified/unqualified emoji clusters (ZWJ sequences with 2+ Extended_Pictographic, or keycap sequences) are double-width.
	4. Hangul jamo collapse each standard modern Hangul L+V or L+V+T syllable piece to width 2.
	   Unmatched repeated leading/vowel/trailing jamo stay additive because that matches how the terminals we target render them.
	5. Otherwise use East Asian Width of the cluster's first visible code point, and add widths for trailing spacing marks and Halfwidth/Fullwidth Forms within the same cluster (e.g., dakuten/handakuten/prolonged sound mark).
*/

interface Unicode {
  segmenter: Intl.Segmenter;
  // Matches a visible (printing) character. Used to find the base scalar of a cluster (skipping leading Prepend/Format/Marks) and to detect whole-cluster zero-width.
  // Intentionally a single negated class without a quantifier: a repeated pattern like `^(?:…|…)+$` backtracks exponentially on overlapping properties, and even `^[…]+$` overflows V8's backtrack stack (RangeError) on clusters with millions of marks.
  visibleCharacter: RegExp;
  spacingMark: RegExp;
  // RGI emoji sequences
  rgiEmoji: RegExp;
  extendedPictographic: RegExp;
}

let tables: Unicode | undefined;

/** The Segmenter and the property regexes, built together the first time a string needs them. */
function unicode(): Unicode {
  // new RegExp(…, 'v'): TypeScript rejects a /v literal below target ES2024.
  tables ??= {
    segmenter: new Intl.Segmenter(),
    visibleCharacter: new RegExp(
      String.raw`[^\p{Default_Ignorable_Code_Point}\p{Control}\p{Format}\p{Nonspacing_Mark}\p{Enclosing_Mark}\p{Surrogate}]`,
      'v',
    ),
    spacingMark: new RegExp(String.raw`\p{Spacing_Mark}`, 'v'),
    rgiEmoji: new RegExp(String.raw`^\p{RGI_Emoji}$`, 'v'),
    extendedPictographic: /\p{Extended_Pictographic}/gu,
  };
  return tables;
}

// Detect minimally-qualified/unqualified emoji sequences (missing VS16 but still render as double-width)
const unqualifiedKeycapRegex = /^[\d#*]\u20E3$/;

const printableAsciiRegex = /^[\u0020-\u007E]*$/;

/**
 * Printable ASCII and SIMPLE code points only (vendoring change, see the top). SIMPLE: Latin-1 Supplement but the
 * SOFT HYPHEN (U+00AD, a format character), Latin Extended-A/B, IPA, Spacing Modifier Letters (up to U+02FF: the
 * combining marks start at U+0300), General Punctuation but the zero-width, line/paragraph separator and
 * bidi/format characters (U+200B–U+200F, U+2028–U+202F, U+205F–U+206F), super/subscripts and currency symbols (up
 * to U+20CF: the combining marks for symbols start at U+20D0), and U+2100–U+2BFF (letterlike symbols, arrows, math,
 * technical, enclosed alphanumerics, box drawing, blocks, shapes, miscellaneous symbols, dingbats …). None is a
 * control, a mark, a joiner, a prepend, Hangul or a regional indicator (Grapheme_Cluster_Break=Other), so each is a
 * grapheme cluster of its own, whatever its neighbours.
 */
const simpleRegex = /^[\u0020-\u007E\u00A0-\u00AC\u00AE-\u02FF\u2010-\u2027\u2030-\u205E\u2070-\u20CF\u2100-\u2BFF]*$/;
// A SIMPLE code point that is an emoji by default (⌚ ⚡ ✅ ⭐ …) is an RGI emoji, width 2 by that rule: left to the
// full algorithm. (Their East Asian Width is W as well today, so the sum would agree, but that is not the rule.)
const emojiPresentationRegex = /\p{Emoji_Presentation}/u;

function simpleWidth(string: string, eastAsianWidthOptions: EastAsianWidthOptions): number {
  let width = 0;
  for (let index = 0; index < string.length; index++) {
    const code = string.charCodeAt(index);
    width += code <= 0x7e ? 1 : eastAsianWidth(code, eastAsianWidthOptions);
  }
  return width;
}

function isDoubleWidthNonRgiEmojiSequence(segment: string): boolean {
  // Real emoji clusters are < 30 chars; guard against pathological input
  if (segment.length > 50) {
    return false;
  }

  if (unqualifiedKeycapRegex.test(segment)) {
    return true;
  }

  // ZWJ sequences with 2+ Extended_Pictographic
  if (segment.includes('\u200D')) {
    const pictographics = segment.match(unicode().extendedPictographic);
    return pictographics !== null && pictographics.length >= 2;
  }

  return false;
}

// Returns the cluster starting at its first visible character, or `undefined` if the whole cluster is zero-width.
function baseVisible(segment: string): string | undefined {
  const index = segment.search(unicode().visibleCharacter);
  return index === -1 ? undefined : segment.slice(index);
}

function isHangulLeadingJamo(codePoint: number | undefined): boolean {
  return (
    codePoint !== undefined &&
    ((codePoint >= 0x11_00 && codePoint <= 0x11_5f) || (codePoint >= 0xa9_60 && codePoint <= 0xa9_7c))
  );
}

function isHangulVowelJamo(codePoint: number | undefined): boolean {
  return (
    codePoint !== undefined &&
    ((codePoint >= 0x11_60 && codePoint <= 0x11_a7) || (codePoint >= 0xd7_b0 && codePoint <= 0xd7_c6))
  );
}

function isHangulTrailingJamo(codePoint: number | undefined): boolean {
  return (
    codePoint !== undefined &&
    ((codePoint >= 0x11_a8 && codePoint <= 0x11_ff) || (codePoint >= 0xd7_cb && codePoint <= 0xd7_fb))
  );
}

function isHangulJamo(codePoint: number): boolean {
  return isHangulLeadingJamo(codePoint) || isHangulVowelJamo(codePoint) || isHangulTrailingJamo(codePoint);
}

function hangulClusterWidth(visibleSegment: string, eastAsianWidthOptions: EastAsianWidthOptions): number | undefined {
  const codePoints: number[] = [];

  for (const character of visibleSegment) {
    if (!unicode().visibleCharacter.test(character)) {
      continue;
    }

    codePoints.push(character.codePointAt(0)!);
  }

  if (codePoints.length === 0) {
    return undefined;
  }

  let width = 0;

  for (let index = 0; index < codePoints.length; index++) {
    const codePoint = codePoints[index]!;
    if (!isHangulJamo(codePoint)) {
      if (width === 0) {
        return undefined;
      }

      // Mixed cluster (e.g., L + precomposed syllable): use EAW for non-jamo remainder
      for (let remaining = index; remaining < codePoints.length; remaining++) {
        width += eastAsianWidth(codePoints[remaining]!, eastAsianWidthOptions);
      }

      return width;
    }

    // Modern Hangul L+V(+T) shapes as one syllable block. Unmatched jamo stay additive:
    // U+1100 U+1100 U+1161 => U+1100 + (U+1100 U+1161) => 2 + 2.
    if (isHangulLeadingJamo(codePoint) && isHangulVowelJamo(codePoints[index + 1])) {
      width += 2;
      index += isHangulTrailingJamo(codePoints[index + 2]) ? 2 : 1;
      continue;
    }

    width += eastAsianWidth(codePoint, eastAsianWidthOptions);
  }

  return width;
}

function trailingWidth(visibleSegment: string, eastAsianWidthOptions: EastAsianWidthOptions): number {
  let extra = 0;
  let first = true;

  for (const character of visibleSegment) {
    if (first) {
      first = false;
      continue;
    }

    if (unicode().spacingMark.test(character) || (character >= '\uFF00' && character <= '\uFFEF')) {
      extra += eastAsianWidth(character.codePointAt(0)!, eastAsianWidthOptions);
    }
  }

  return extra;
}

function clusterWidth(string: string, eastAsianWidthOptions: EastAsianWidthOptions): number {
  const { segmenter, rgiEmoji } = unicode();
  let width = 0;

  for (const { segment } of segmenter.segment(string)) {
    // Zero-width / non-printing clusters
    const visibleSegment = baseVisible(segment);
    if (visibleSegment === undefined) {
      continue;
    }

    // Emoji width logic
    if (rgiEmoji.test(segment) || isDoubleWidthNonRgiEmojiSequence(segment)) {
      width += 2;
      continue;
    }

    const hangulWidth = hangulClusterWidth(visibleSegment, eastAsianWidthOptions);
    if (hangulWidth !== undefined) {
      width += hangulWidth;
      continue;
    }

    // Everything else: EAW of the cluster’s first visible scalar
    const codePoint = visibleSegment.codePointAt(0)!;
    width += eastAsianWidth(codePoint, eastAsianWidthOptions);

    // Add width for trailing spacing marks and Halfwidth/Fullwidth Forms (e.g., ﾞ, ﾟ, ｰ)
    width += trailingWidth(visibleSegment, eastAsianWidthOptions);
  }

  return width;
}

/** Columns `input` takes on a terminal (string-width's default export). */
export default function stringWidth(input: string, options: Options = {}): number {
  if (typeof input !== 'string' || input.length === 0) {
    return 0;
  }

  const { ambiguousIsNarrow = true, countAnsiEscapeCodes = false } = options;

  let string = input;

  // Avoid calling stripAnsi when there are no ANSI escape sequences (ESC = 0x1B, CSI = 0x9B)
  if (!countAnsiEscapeCodes && (string.includes('\u001B') || string.includes('\u009B'))) {
    string = stripAnsi(string);
  }

  if (string.length === 0) {
    return 0;
  }

  // Fast path: printable ASCII (0x20–0x7E) needs no segmenter, regex, or EAW lookup — width equals length.
  if (printableAsciiRegex.test(string)) {
    return string.length;
  }

  const eastAsianWidthOptions = { ambiguousAsWide: !ambiguousIsNarrow };

  // Second fast path (vendoring change): one cluster per code point, no emoji.
  if (simpleRegex.test(string) && !emojiPresentationRegex.test(string)) {
    return simpleWidth(string, eastAsianWidthOptions);
  }

  return clusterWidth(string, eastAsianWidthOptions);
}
