// Styled lines for the TUI. Screens build their content as plain data (arrays of styled segments, one array
// per terminal row) so the layout is computed once, scrolls by whole rows and can be tested without Ink.
// Layout shared with the printed output (padding by visible width, wrap, the words for a spec value, a state and a
// verdict title, the stacked-bar algorithm) lives in src/render/layout.ts, re-exported here for the screens.
import type { Analysis, ContainerAnalysis } from '../core/types.js';
import { wrap } from '../render/layout.js';

export {
  bar,
  pad,
  padLeft,
  proportionalCells,
  SEVERITY_MARK,
  severityTone,
  shortener,
  specBytes,
  stateText,
  verdictTitle,
} from '../render/layout.js';

/** The colours the TUI uses; dropped entirely when colour is off (NO_COLOR, `color: false`). */
export type Tone = 'red' | 'yellow' | 'green' | 'cyan' | 'blue' | 'magenta' | 'gray';

export interface Seg {
  text: string;
  color?: Tone;
  bold?: boolean;
  dim?: boolean;
}

/** One terminal row. */
export type Line = Seg[];

export type Style = Omit<Seg, 'text'>;

export function seg(text: string, style: Style = {}): Seg {
  return { text, ...style };
}

/** A row from strings and segments. */
export function line(...parts: Array<string | Seg | null | undefined | false>): Line {
  const out: Line = [];
  for (const p of parts) {
    if (p === null || p === undefined || p === false) continue;
    out.push(typeof p === 'string' ? { text: p } : p);
  }
  return out;
}

export const BLANK: Line = [];

/** The row as plain text (tests, width checks). */
export function lineText(l: Line): string {
  return l.map((s) => s.text).join('');
}

/** Cuts `s` to `n` characters, marking the cut with `…`. */
export function truncate(s: string, n: number): string {
  if (n <= 0) return '';
  return s.length <= n ? s : `${s.slice(0, Math.max(0, n - 1))}…`;
}

/**
 * Word-wraps `text` to `width` (continuation rows indented by `indent`) and hard-breaks words longer than a row
 * (cgroup paths), so every returned row fits.
 */
export function wrapText(text: string, width: number, indent = 0): string[] {
  const w = Math.max(8, width);
  const ind = Math.min(indent, Math.floor(w / 2));
  const rows = wrap(text, w, ind).split('\n');
  const out: string[] = [];
  for (const row of rows) {
    let r = row;
    let first = true;
    while (r.length > w) {
      out.push(r.slice(0, w));
      r = ' '.repeat(ind) + r.slice(w);
      first = false;
    }
    if (r.trim() !== '' || first) out.push(r);
  }
  return out.length ? out : [''];
}

/** Breaks `text` into rows of exactly `width` characters (paths, IDs), continuation rows indented. */
export function hardWrap(text: string, width: number, indent = 0): string[] {
  const w = Math.max(8, width);
  const out: string[] = [text.slice(0, w)];
  for (let i = w; i < text.length; i += w - indent) out.push(' '.repeat(indent) + text.slice(i, i + w - indent));
  return out;
}

/** Wrapped text as rows, each row prefixed by `prefix` (first row) / spaces (continuations), all in `style`. */
export function para(
  text: string,
  width: number,
  options: { prefix?: string; style?: Style; first?: Seg } = {},
): Line[] {
  const prefix = options.prefix ?? '';
  const rows = wrapText(text, width - prefix.length, 0);
  return rows.map((r, i) => {
    const head = i === 0 && options.first ? [options.first] : [seg(i === 0 ? prefix : ' '.repeat(prefix.length))];
    return [...head, seg(r, options.style ?? {})];
  });
}

/** A bold title and a dim detail: on one row when they fit, else the detail wraps below. */
export function titled(title: string, detail: string, width: number, detailStyle: Style = { dim: true }): Line[] {
  if (!detail) return [line(seg(title, { bold: true }))];
  if (title.length + 2 + detail.length <= width)
    return [line(seg(title, { bold: true }), '  ', seg(detail, detailStyle))];
  return [line(seg(title, { bold: true })), ...para(detail, width, { style: detailStyle })];
}

/** The first notice about one of `parts`, as the reason a value is unknown. */
export function reasonFor(a: Analysis, ...parts: string[]): string | null {
  for (const part of parts) {
    const n = a.notices.find((x) => x.part === part);
    if (n) return `${n.part}: ${n.message}`;
  }
  return null;
}

/** Why a container's measured figures are unknown. */
export function containerReason(a: Analysis, c: ContainerAnalysis): string {
  if (c.state.state !== 'running' && c.usageBytes === null) {
    const r = reasonFor(a, 'usage', 'cgroup');
    return r ?? `the container is ${c.state.state}: no live cgroup to read`;
  }
  return reasonFor(a, 'usage', 'cgroup', 'summary', 'podmetrics') ?? 'not in the data read';
}

/** What kind of place a source string names. */
export function sourceKind(source: string | undefined): string {
  if (!source) return '?';
  if (source.startsWith('pod.spec')) return 'spec';
  if (source.startsWith('summary.json')) return 'kubelet';
  if (source.startsWith('cgroup')) return 'cgroup file';
  if (source.includes('metrics')) return 'metrics API';
  return source.split(/[ .[]/)[0] ?? '?';
}

/** A plain progress bar of `width` cells: `value` of `max`. */
export function meter(value: number | null, max: number | null, width: number): string {
  if (value === null || max === null || max <= 0 || width <= 0) return '·'.repeat(Math.max(0, width));
  const filled = Math.max(0, Math.min(width, Math.round((value / max) * width)));
  return '█'.repeat(filled) + '·'.repeat(width - filled);
}
