// `memwhy -n <ns>` / `-A` as text: one row per pod (or container), worst first, then the totals and what
// could not be read.
import { formatBytes, formatPercent } from '../../core/quantity.js';
import type { OverviewReport } from '../../app/views/overview.js';
import type { OverviewRow, Risk } from '../../core/views/overview.js';
import { table, type Column } from './table.js';

export const RISK_WORD: Record<Risk, string> = {
  oom: 'OOM',
  eviction: 'EVICTION',
  unbounded: 'NO-LIMIT',
  restarts: 'OOM-KILLED',
  evicted: 'EVICTED',
  waste: 'WASTE',
  none: '-',
};

export function columns(report: OverviewReport, containers: boolean): Array<Column<OverviewRow>> {
  const cols: Array<Column<OverviewRow>> = [];
  if (report.scope.allNamespaces) cols.push({ header: 'NAMESPACE', cell: (r) => r.namespace ?? '?' });
  cols.push({ header: 'NAME', cell: (r) => r.name ?? '?' });
  if (containers) cols.push({ header: 'CONTAINER', cell: (r) => r.container ?? '?' });
  cols.push(
    { header: 'NODE', cell: (r) => r.node ?? '<none>' },
    { header: 'QOS', cell: (r) => r.qosClass ?? '?' },
    { header: 'WSET', cell: (r) => formatBytes(r.workingSetBytes), align: 'right' },
  );
  if (report.scope.deep) cols.push({ header: 'USAGE', cell: (r) => formatBytes(r.usageBytes), align: 'right' });
  cols.push(
    { header: 'REQUEST', cell: (r) => (r.requestBytes ? formatBytes(r.requestBytes) : 'none'), align: 'right' },
    { header: 'LIMIT', cell: (r) => (r.limitBytes === null ? 'none' : formatBytes(r.limitBytes)), align: 'right' },
    {
      header: '%LIMIT',
      cell: (r) => (r.limitBytes ? formatPercent((r.usageBytes ?? r.workingSetBytes ?? NaN) / r.limitBytes) : '-'),
      align: 'right',
    },
    { header: 'RESTARTS', cell: (r) => String(r.restarts), align: 'right' },
    { header: 'RISK', cell: (r) => RISK_WORD[r.risk] },
    { header: 'WHY', cell: (r) => r.reason || '-' },
  );
  return cols;
}

function totals(report: OverviewReport): string[] {
  const counts = new Map<Risk, number>();
  for (const r of report.pods) counts.set(r.risk, (counts.get(r.risk) ?? 0) + 1);
  const parts = [...counts.entries()].filter(([k]) => k !== 'none').map(([k, n]) => `${n} ${RISK_WORD[k]}`);
  const unused = report.pods.reduce((s, r) => s + (r.unusedRequestBytes ?? 0), 0);
  const rows = report.pods.length;
  return [
    `${rows} ${rows === 1 ? 'row' : 'rows'}${parts.length ? `: ${parts.join(', ')}` : ', no risk found'}.`,
    `Requests reserve ${formatBytes(unused)} beyond the current working sets (the scheduler holds it; the pods do not use it now).`,
  ];
}

export function renderOverviewText(report: OverviewReport, options: { containers: boolean }): string {
  const lines = table(report.pods, columns(report, options.containers));
  lines.push('', ...totals(report));
  const source = report.scope.deep
    ? "working set and usage from each node's kubelet Summary API (--deep)"
    : 'working set from the metrics API, as kubectl top pods (add --deep for the usage the kernel compares with the limit)';
  lines.push(`Figures: ${source}.`);
  if (report.missing.length) {
    lines.push('', 'Not read:');
    for (const m of report.missing) lines.push(`- ${m.part}: ${m.reason}`);
  }
  return `${lines.join('\n')}\n`;
}
