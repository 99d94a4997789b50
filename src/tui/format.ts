// Styled lines for the TUI. Screens build their content as plain data (arrays of styled segments, one array
// per terminal row) so the layout is computed once, scrolls by whole rows and can be tested without Ink.
// Text helpers shared with the printed output (`wrap`, `bar`, `shortener`, `formatBytes`) are reused from
// src/render/text.ts and src/core/quantity.ts, not copied.
import { formatBytes } from '../core/quantity.js';
import type { Analysis, ContainerAnalysis, Severity } from '../core/types.js';
import { wrap } from '../render/text.js';

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

export function pad(s: string, n: number): string {
  return s.length >= n ? s : s + ' '.repeat(n - s.length);
}

export function padLeft(s: string, n: number): string {
  return s.length >= n ? s : ' '.repeat(n - s.length) + s;
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
export function para(text: string, width: number, options: { prefix?: string; style?: Style; first?: Seg } = {}): Line[] {
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
  if (title.length + 2 + detail.length <= width) return [line(seg(title, { bold: true }), '  ', seg(detail, detailStyle))];
  return [line(seg(title, { bold: true })), ...para(detail, width, { style: detailStyle })];
}

/** A spec value (request, limit): absent in the spec means none, not unknown. */
export function specBytes(bytes: number | null): string {
  return bytes === null ? 'none' : formatBytes(bytes);
}

export const SEVERITY_MARK: Record<Severity, string> = { critical: '✖', warning: '▲', info: '●' };

export function severityTone(s: Severity): Tone {
  return s === 'critical' ? 'red' : s === 'warning' ? 'yellow' : 'cyan';
}

export function stateText(c: ContainerAnalysis): string {
  const s = c.state;
  let t = s.state + (s.reason ? ` (${s.reason})` : '');
  if (c.restartCount) t += `, ${c.restartCount} restart${c.restartCount === 1 ? '' : 's'}`;
  if (c.lastState?.state === 'terminated') t += `, last: ${c.lastState.reason ?? 'terminated'} exit ${c.lastState.exitCode ?? '?'}`;
  return t;
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

/**
 * Fills exactly `width` cells with runs proportional to `parts` (largest remainder), so a stacked bar always has
 * its full width. Parts ≤ 0 or null get no cells.
 */
export function proportionalCells(parts: Array<number | null>, width: number): number[] {
  const vals = parts.map((v) => (v !== null && v > 0 ? v : 0));
  const total = vals.reduce((s, v) => s + v, 0);
  if (total <= 0 || width <= 0) return vals.map(() => 0);
  const exact = vals.map((v) => (v / total) * width);
  const cells = exact.map((x) => Math.floor(x));
  let left = width - cells.reduce((s, v) => s + v, 0);
  const order = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((p, q) => q[0] - p[0]);
  for (const [, i] of order) {
    if (left <= 0) break;
    if (vals[i]! > 0) {
      cells[i]! += 1;
      left--;
    }
  }
  return cells;
}

/** A plain progress bar of `width` cells: `value` of `max`. */
export function meter(value: number | null, max: number | null, width: number): string {
  if (value === null || max === null || max <= 0 || width <= 0) return '·'.repeat(Math.max(0, width));
  const filled = Math.max(0, Math.min(width, Math.round((value / max) * width)));
  return '█'.repeat(filled) + '·'.repeat(width - filled);
}
