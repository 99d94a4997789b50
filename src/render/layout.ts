// Layout shared by the printed text (render/text.ts) and the TUI (tui/format.ts), so the same pod draws the same
// in both: padding and wrapping by visible width (colour codes and wide characters measured as a terminal shows
// them), the words for a spec value, a state, a verdict title, and one stacked-bar algorithm.
import stringWidth from './string-width.js';
import { formatBytes } from '../core/quantity.js';
import type { Analysis, ContainerAnalysis, Severity, Verdict } from '../core/types.js';

/** Columns `s` takes on a terminal: ANSI escapes count 0, wide characters 2. */
export function visibleWidth(s: string): number {
  return stringWidth(s);
}

export function pad(s: string, n: number): string {
  const w = visibleWidth(s);
  return w >= n ? s : s + ' '.repeat(n - w);
}

export function padLeft(s: string, n: number): string {
  const w = visibleWidth(s);
  return w >= n ? s : ' '.repeat(n - w) + s;
}

/**
 * Word-wraps `text` to `width` visible columns, indenting continuation lines by `indent` spaces (the indent is
 * not part of the width: callers pass the room left after their own prefix). Colour codes take no room.
 */
export function wrap(text: string, width: number, indent: number): string {
  const words = text.split(/\s+/).filter(Boolean);
  const lines: string[] = [];
  let line = '';
  let lineW = 0;
  for (const word of words) {
    const w = visibleWidth(word);
    if (line && lineW + 1 + w > width) {
      lines.push(line);
      line = word;
      lineW = w;
    } else {
      line = line ? `${line} ${word}` : word;
      lineW = line === word ? w : lineW + 1 + w;
    }
  }
  if (line) lines.push(line);
  return lines.join(`\n${' '.repeat(indent)}`);
}

/** A spec value (request, limit): absent in the spec means none, not unknown. */
export function specBytes(bytes: number | null): string {
  return bytes === null ? 'none' : formatBytes(bytes);
}

export const SEVERITY_MARK: Record<Severity, string> = { critical: '✖', warning: '▲', info: '●' };

/** The colour of a severity, named as both views name it. */
export function severityTone(s: Severity): 'red' | 'yellow' | 'cyan' {
  return s === 'critical' ? 'red' : s === 'warning' ? 'yellow' : 'cyan';
}

/** A container's state in words: `running, 1 restart, last: OOMKilled exit 137`. Never cut by either view. */
export function stateText(c: ContainerAnalysis): string {
  const s = c.state;
  let t = s.state + (s.reason ? ` (${s.reason})` : '');
  if (c.restartCount) t += `, ${c.restartCount} restart${c.restartCount === 1 ? '' : 's'}`;
  if (c.lastState?.state === 'terminated')
    t += `, last: ${c.lastState.reason ?? 'terminated'} exit ${c.lastState.exitCode ?? '?'}`;
  return t;
}

export function verdictTitle(v: Verdict): string {
  return `${v.kind}${v.level ? ` (${v.level})` : ''}${v.container ? ` · ${v.container}` : ''}`;
}

/**
 * Fills exactly `width` cells with runs proportional to `parts` (largest remainder), so a stacked bar always has
 * its full width. Parts ≤ 0 or null get no cells. The one stacked-bar algorithm of both views.
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

/**
 * The glyph of each part of the stacked breakdown bar and its legend, distinct so the bar reads without colour.
 */
export const PART_GLYPH = {
  anon: '█',
  fileActive: '▓',
  fileInactive: '░',
  shmem: '▒',
  kernel: '■',
  other: '·',
} as const;

/**
 * A bar of `width` cells showing `value` against a scale of `max`, with marks for the request (┊) and the
 * limit (│) when they fall inside the scale.
 */
export function bar(value: number | null, request: number | null, limit: number | null, width: number): string {
  const max = Math.max(value ?? 0, request ?? 0, limit ?? 0);
  if (max <= 0 || value === null) return '';
  const cells: string[] = Array.from({ length: width }, (_, i) => (((i + 0.5) / width) * max <= value ? '█' : '·'));
  const mark = (v: number | null, ch: string) => {
    if (v === null || v <= 0) return;
    const i = Math.min(width - 1, Math.max(0, Math.round((v / max) * width) - 1));
    cells[i] = ch;
  };
  mark(request, '┊');
  mark(limit, '│');
  return cells.join('');
}

export type Shorten = (source: string) => string;

/**
 * Sources name whole cgroup paths, which are long; the text names each path once (under its container or
 * level) and sources then say `memory.stat total_rss` or `pod: memory.failcnt`. JSON keeps the full paths.
 */
export function shortener(a: Analysis): Shorten {
  const known: Array<[string, string]> = [];
  for (const c of a.containers) if (c.cgroupPath) known.push([c.cgroupPath, '']);
  if (a.podLevel?.path.startsWith('cgroup')) known.push([a.podLevel.path, 'pod ']);
  if (a.node?.kubepods?.path.startsWith('cgroup')) known.push([a.node.kubepods.path, 'kubepods ']);
  if (a.node?.root?.path.startsWith('cgroup')) known.push([a.node.root.path, 'node ']);
  known.sort((x, y) => y[0].length - x[0].length);
  return (source) =>
    known
      .reduce((s, [path, label]) => s.split(`${path}/`).join(label), source)
      .replace(/summary\.json pods\[[^\]]*\]\.containers\[[^\]]*\]\.memory\./g, 'kubelet summary ')
      .replace(/summary\.json pods\[[^\]]*\]\.memory\./g, 'kubelet summary (pod) ');
}

/** The pod's header, the same in text and TUI: `Pod ns/name` and `QoS · node · phase · cgroup version`. */
export function podLine(a: Analysis): { title: string; details: string } {
  const p = a.pod;
  const details = [
    p.qosClass ?? 'QoS ?',
    p.node ? `node ${p.node}` : p.phase === 'Pending' ? 'not scheduled' : 'node unknown',
    p.phase ?? 'phase ?',
    a.cgroup ? `cgroup ${a.cgroup.version}` : 'no cgroup data',
  ].join(' · ');
  return { title: `Pod ${p.namespace ?? '?'}/${p.name ?? '?'}`, details };
}
