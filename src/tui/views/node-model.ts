// The node screen as lines: exactly what `memwhy node/<name>` prints (render/views/node-text.ts), with the rows
// of the eviction order marked, so Enter on one opens that pod. Pure.
import type { NodeReport } from '../../app/views/node-view.js';
import { renderNodeText } from '../../render/views/node-text.js';
import { truncate } from '../format.js';
import type { ViewScreen } from './nav.js';

export interface NodeModel {
  lines: string[];
  /** For each pod of the eviction order (rank order), the index of its line in `lines`. */
  orderLines: number[];
}

const ORDER_HEADING = 'Eviction order if memory pressure came now';

export function nodeModel(report: NodeReport, width: number): NodeModel {
  const lines = renderNodeText(report)
    .replace(/\n$/, '')
    .split('\n')
    .map((l) => truncate(l, width));
  const heading = lines.findIndex((l) => l.startsWith(ORDER_HEADING));
  // Under the heading: the table's header row, then one row per pod.
  const orderLines = heading < 0 ? [] : report.evictionOrder.map((_, i) => heading + 2 + i);
  return { lines, orderLines };
}

/** Enter on the n-th pod of the eviction order: its drill-down. */
export function podOfRank(report: NodeReport, index: number): ViewScreen | null {
  const r = report.evictionOrder[index];
  return r?.namespace && r.name ? { kind: 'pod', namespace: r.namespace, name: r.name } : null;
}
