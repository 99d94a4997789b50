// The overview list as lines: the same columns, in the same order, as `memwhy -A` prints
// (render/views/overview-text.ts), cut to the terminal's width, with each row's risk tone and what Enter and
// `n` open. Pure.
import type { OverviewReport } from '../../app/views/overview.js';
import type { OverviewRow, Risk } from '../../core/views/overview.js';
import { columns } from '../../render/views/overview-text.js';
import { table, type Column } from '../../render/views/table.js';
import { truncate } from '../format.js';
import type { ViewScreen } from './nav.js';

export type Tone = 'red' | 'yellow' | 'cyan' | 'magenta' | null;

/** The colour of a risk: what kills or evicts now red, a missing bound yellow, a past kill magenta, waste cyan. */
export const RISK_TONE: Record<Risk, Tone> = {
  oom: 'red',
  eviction: 'red',
  unbounded: 'yellow',
  restarts: 'magenta',
  evicted: 'magenta',
  waste: 'cyan',
  none: null,
};

export interface ListRow {
  text: string;
  tone: Tone;
  row: OverviewRow;
}

export interface OverviewModel {
  header: string;
  rows: ListRow[];
  /** Totals and what could not be read, under the list. */
  footer: string[];
}

export function overviewModel(report: OverviewReport, width: number): OverviewModel {
  const containers = report.pods.some((r) => r.container !== null);
  const lines = table(report.pods, fitColumns(report.pods, columns(report, containers), width));
  const fit = (s: string) => truncate(s, width);
  const counts = new Map<Risk, number>();
  for (const r of report.pods) counts.set(r.risk, (counts.get(r.risk) ?? 0) + 1);
  const atRisk = [...counts.entries()].filter(([k]) => k !== 'none').reduce((s, [, n]) => s + n, 0);
  const n = report.pods.length;
  const footer = [`${n} ${n === 1 ? 'row' : 'rows'}, ${atRisk} at risk`];
  for (const m of report.missing) footer.push(`not read: ${m.part}: ${m.reason}`);
  return {
    header: fit(lines[0] ?? ''),
    rows: report.pods.map((row, i) => ({ text: fit(lines[i + 1] ?? ''), tone: RISK_TONE[row.risk], row })),
    footer: footer.map(fit),
  };
}

/** The names that can be cut (…), in this order and down to this width, so every column up to RISK fits. */
const SHRINK: Array<[string, number]> = [
  ['NODE', 8],
  ['NAMESPACE', 8],
  ['CONTAINER', 10],
  ['NAME', 12],
];
const SEP = 3;

/** Caps the node's, the namespace's and then the pod's name until the columns before WHY (the last) fit in `width`. */
export function fitColumns(
  rows: OverviewRow[],
  cols: Array<Column<OverviewRow>>,
  width: number,
): Array<Column<OverviewRow>> {
  const widths = cols.map((c) => Math.max(c.header.length, ...rows.map((r) => c.cell(r).length)));
  const over = () => widths.slice(0, -1).reduce((s, w) => s + w + SEP, 0) - width;
  for (const [header, min] of SHRINK) {
    const i = cols.findIndex((c) => c.header === header);
    if (i >= 0 && over() > 0) widths[i] = Math.max(min, widths[i]! - over());
  }
  return cols.map((c, i) =>
    SHRINK.some(([h]) => h === c.header) ? { ...c, cell: (r) => truncate(c.cell(r), widths[i]!) } : c,
  );
}

/** Enter on a list row: its pod's drill-down. */
export function podOfRow(r: OverviewRow | undefined): ViewScreen | null {
  return r?.namespace && r.name ? { kind: 'pod', namespace: r.namespace, name: r.name } : null;
}

/** `n` on a list row: its node's screen. */
export function nodeOfRow(r: OverviewRow | undefined): ViewScreen | null {
  return r?.node ? { kind: 'node', name: r.node } : null;
}

/** The first row shown so that the selected one is in view, in a window of `height` rows. */
export function windowStart(selected: number, total: number, height: number): number {
  if (total <= height || height <= 0) return 0;
  return Math.min(total - height, Math.max(0, selected - Math.floor(height / 2)));
}
