// Summary: the pod, its QoS and node, the main verdict in one sentence, one row per container with a bar of the
// working set against request and limit, and the menu to the other screens.
import { formatBytes } from '../../core/quantity.js';
import type { Analysis } from '../../core/types.js';
import { bar, podLine } from '../../render/layout.js';
import {
  BLANK,
  line,
  titled,
  pad,
  padLeft,
  para,
  seg,
  SEVERITY_MARK,
  severityTone,
  specBytes,
  stateText,
  truncate,
  wrapText,
  type Line,
} from '../format.js';
import { MENU } from '../navigation.js';
import { sparkline } from '../sparkline.js';
import type { ScreenModel, ScreenProps } from './model.js';
import { ScreenView } from './view.js';

/** The bar column's heading, as much of it as fits whole. */
function barLegend(width: number): string {
  return ['█ wset ┊req │limit', '█ ┊req │limit', '┊req │limit', '│limit'].find((l) => l.length <= width) ?? '';
}

/** Why the events are unknown (not read, not in the snapshot), or null when they were read. */
function eventsUnknown(a: Analysis): string | null {
  return a.notices.find((n) => n.part === 'events')?.message ?? null;
}

function menuHint(a: Analysis, screen: string, containerName: string | null): string {
  switch (screen) {
    case 'verdicts':
      return a.verdicts.length
        ? `${a.verdicts.length}: ${a.verdicts.map((v) => v.kind).join(', ')}`
        : 'none: nothing wrong found';
    case 'events':
      return a.events.length
        ? `${a.events.length} recorded`
        : eventsUnknown(a)
          ? `unknown: ${eventsUnknown(a)}`
          : 'none recorded';
    case 'node':
      return a.node
        ? `${a.node.name}: allocatable, requests, eviction threshold`
        : a.nodeFits.length
          ? 'not scheduled: node fit table'
          : 'unknown';
    default: {
      const item = MENU.find((m) => m.screen === screen);
      // The container first: a narrow terminal cuts the end of the hint, never which container opens.
      return `${containerName && (screen === 'chain' || screen === 'breakdown' || screen === 'tools') ? `${containerName}: ` : ''}${item?.hint ?? ''}`;
    }
  }
}

/** The container table: one row per container (and its trend while watching), row indexes into `rows`. */
function containerTable(
  { analysis: a, nav, width, samples }: Omit<ScreenProps, 'height'>,
  lines: Line[],
  rows: number[],
): void {
  const wide = width >= 120;
  const nameW = Math.min(24, Math.max(9, ...a.containers.map((c) => c.name.length)) + 2);
  const numW = 9;
  const nums = wide ? 4 : 3;
  const fixed = nameW + numW * nums + 2;
  // The state holds the key fact (last: OOMKilled): it keeps its width, the bar takes what is left (or goes).
  const stateW = Math.max(5, ...a.containers.map((c) => stateText(c).length));
  const room = Math.min(40, width - fixed - 4 - stateW);
  const barW = room >= 8 ? room : 0;
  const stateCol = fixed - 2 + (barW ? barW + 2 : 0) + 2;
  const head = `${pad('CONTAINER', nameW)}${padLeft('REQUEST', numW)}${padLeft('LIMIT', numW)}${padLeft('WORKSET', numW)}${wide ? padLeft('USAGE', numW) : ''}${barW ? `  ${pad(barLegend(barW), barW)}` : ''}  STATE`;
  lines.push(line(seg(truncate(head, width), { dim: true })));
  if (a.containers.length === 0) lines.push(line(seg('no containers in the pod spec', { dim: true })));
  a.containers.forEach((c) => {
    const b =
      bar(c.workingSetBytes, c.requestBytes, c.limitBytes, barW) ||
      pad(truncate(c.workingSetBytes === null ? '? (not measured)' : '', barW), barW);
    const state = wrapText(stateText(c), width - stateCol);
    rows.push(lines.length);
    lines.push(
      line(
        seg(pad(truncate(c.name, nameW - 1), nameW), { bold: true }),
        padLeft(specBytes(c.requestBytes), numW),
        padLeft(specBytes(c.limitBytes), numW),
        padLeft(formatBytes(c.workingSetBytes), numW),
        wide ? padLeft(formatBytes(c.usageBytes), numW) : '',
        barW ? '  ' : '',
        barW
          ? seg(b, {
              color: c.headroom.workingSetOfLimit !== null && c.headroom.workingSetOfLimit >= 0.9 ? 'red' : 'green',
            })
          : '',
        '  ',
        seg(state[0] ?? '', { dim: true }),
      ),
    );
    // Too narrow even without the bar: the state wraps under its column rather than lose its end.
    for (const more of state.slice(1)) lines.push(line(pad('', stateCol), seg(more, { dim: true })));
    const s = samples?.[c.name];
    if (s && (nav.watch || s.workingSet.length > 1)) {
      const w = Math.max(8, Math.min(40, width - nameW - 34));
      lines.push(
        line(
          pad('', nameW),
          seg('trend ', { dim: true }),
          seg(sparkline(s.workingSet, w, s.limit), { color: 'cyan' }),
          seg(
            ` ws ${formatBytes(s.workingSet[s.workingSet.length - 1] ?? null)} · usage ${formatBytes(s.usage[s.usage.length - 1] ?? null)} · ${s.limit === null ? 'no limit' : `of ${formatBytes(s.limit)}`}`,
            { dim: true },
          ),
        ),
      );
    }
  });
}

export function summaryModel({ analysis: a, nav, width, samples }: ScreenProps): ScreenModel {
  const lines: Line[] = [];
  const rows: number[] = [];
  const { title, details } = podLine(a);
  lines.push(...titled(title, details, width));

  const main = a.verdicts[0];
  if (main) {
    const tone = severityTone(main.severity);
    const more = a.verdicts.length > 1 ? ` (+${a.verdicts.length - 1} more under Verdicts)` : '';
    wrapText(main.summary + more, width - 2).forEach((r, i) =>
      lines.push(
        line(
          seg(i === 0 ? `${SEVERITY_MARK[main.severity]} ` : '  ', { color: tone, bold: true }),
          seg(r, { color: i === 0 ? tone : undefined }),
        ),
      ),
    );
  } else lines.push(line(seg('✔ ', { color: 'green' }), 'Nothing wrong found in what was read.'));
  if (a.pod.resize)
    for (const r of wrapText(
      `resize ${a.pod.resize.state}${a.pod.resize.message ? `: ${a.pod.resize.message}` : ''}`,
      width - 2,
    ))
      lines.push(line('  ', seg(r, { color: 'yellow' })));
  lines.push(BLANK);

  containerTable({ analysis: a, nav, width, samples }, lines, rows);
  const r = a.requests;
  const podText = `pod request ${formatBytes(r.effectiveRequestBytes)} (what the scheduler counts) · pod limit ${specBytes(r.effectiveLimitBytes)}${a.podLevel ? ` · pod cgroup usage ${formatBytes(a.podLevel.usageBytes)}, working set ${formatBytes(a.podLevel.workingSetBytes)}` : ''}`;
  lines.push(...para(podText, width, { style: { dim: true } }));
  if (a.otherPods.length) {
    const named = a.otherPods.map((o) => `${o.name ?? '?'} (${o.why})`).join(', ');
    lines.push(
      ...para(
        `also matched ${a.otherPods.length} other pod${a.otherPods.length === 1 ? '' : 's'} (this one is the worst off): ${named}`,
        width,
        { style: { dim: true } },
      ),
    );
  }
  lines.push(BLANK);

  // Menu.
  // The container the menu names: the one under the cursor while it is on a container row (Enter opens that
  // one), else the selected one (Tab), which the menu's screens open.
  const onRow = nav.selected.summary < a.containers.length ? nav.selected.summary : nav.container;
  const current = a.containers[onRow]?.name ?? null;
  const labelW = 14;
  for (const item of MENU) {
    const label =
      item.screen === 'verdicts'
        ? `Verdicts (${a.verdicts.length})`
        : item.screen === 'events'
          ? `Events (${eventsUnknown(a) && !a.events.length ? '?' : a.events.length})`
          : item.label;
    rows.push(lines.length);
    lines.push(
      line(
        seg(pad(label, labelW), { bold: true, color: 'cyan' }),
        seg(truncate(menuHint(a, item.screen, current), width - labelW), { dim: true }),
      ),
    );
  }

  if (a.notices.length) {
    lines.push(BLANK, line(seg('Not known', { bold: true })));
    for (const n of a.notices)
      lines.push(...para(`${n.part}: ${n.message}`, width, { prefix: '- ', style: { dim: true } }));
  }
  return { lines, rows };
}

export function SummaryScreen(props: ScreenProps & { color: boolean }) {
  return (
    <ScreenView
      model={summaryModel(props)}
      height={props.height}
      selected={props.nav.selected.summary}
      color={props.color}
    />
  );
}
