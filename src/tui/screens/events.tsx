// Events: what the cluster recorded about the pod (and its node). The selected event's full message is pinned
// below the list.
import { line, pad, padLeft, para, reasonFor, seg, truncate, type Line } from '../format.js';
import { selectedRow, type ScreenModel, type ScreenProps } from './model.js';
import { ScreenView } from './view.js';

export function eventsModel({ analysis: a, nav, width }: ScreenProps): ScreenModel {
  const lines: Line[] = [];
  const rows: number[] = [];
  if (a.events.length === 0) {
    lines.push(line('No events.'));
    const why = reasonFor(a, 'events');
    if (why) lines.push(...para(`Unknown rather than none: ${why}.`, width, { style: { dim: true } }));
    else
      lines.push(
        ...para('Events expire after an hour by default (kube-apiserver --event-ttl).', width, {
          style: { dim: true },
        }),
      );
    return { lines, rows };
  }
  const reasonW = Math.min(22, Math.max(8, ...a.events.map((e) => (e.reason ?? '?').length)) + 2);
  lines.push(line(seg(`  ${pad('REASON', reasonW)}${padLeft('COUNT', 5)}  MESSAGE`, { dim: true })));
  for (const e of a.events) {
    rows.push(lines.length);
    const warn = e.type === 'Warning';
    lines.push(
      line(
        seg(warn ? '▲ ' : '· ', { color: warn ? 'yellow' : 'gray' }),
        seg(pad(e.reason ?? '?', reasonW), { bold: true, color: warn ? 'yellow' : undefined }),
        padLeft(e.count === null ? '?' : `×${e.count}`, 5),
        '  ',
        seg(truncate((e.message ?? '').replace(/\s+/g, ' '), Math.max(10, width - reasonW - 9)), { dim: true }),
      ),
    );
  }
  const e = a.events[selectedRow({ rows }, nav.selected.events)];
  const pinned: Line[] = [];
  if (e) {
    pinned.push(line(seg('─'.repeat(Math.min(width, 80)), { dim: true })));
    pinned.push(
      line(
        seg(`${e.type ?? '?'} ${e.reason ?? '?'}`, { bold: true }),
        seg(`  ${e.object ?? ''} · ${e.count ?? '?'}× · last seen ${e.lastSeen ?? '?'}`, { dim: true }),
      ),
    );
    const message = para(e.message ?? '(no message)', width);
    pinned.push(...message.slice(0, 6));
    if (message.length > 6)
      pinned.push(line(seg(`… ${message.length - 6} more rows: ⏎ opens the whole message`, { dim: true })));
  }
  return { subtitle: `${a.events.length}`, lines, rows, pinned };
}

/** Event (Enter on Events): one event whole, its message wrapped and scrollable, nothing cut. */
export function eventModel({ analysis: a, nav, width }: ScreenProps): ScreenModel {
  const rows = a.events.map((_, i) => i);
  const e = a.events[selectedRow({ rows }, nav.selected.events)];
  if (!e) return { lines: [line('No event selected.')] };
  const lines: Line[] = [
    line(
      seg(`${e.type === 'Warning' ? '▲' : '·'} ${e.type ?? '?'} ${e.reason ?? '?'}`, {
        bold: true,
        color: e.type === 'Warning' ? 'yellow' : undefined,
      }),
    ),
    line(seg(`${e.object ?? '?'} · ${e.count ?? '?'}× · last seen ${e.lastSeen ?? '?'}`, { dim: true })),
    [],
  ];
  for (const paragraph of (e.message ?? '(no message)').split('\n')) lines.push(...para(paragraph, width));
  return { subtitle: e.reason ?? undefined, lines };
}

export function EventScreen(props: ScreenProps & { color: boolean }) {
  return (
    <ScreenView
      model={eventModel(props)}
      height={props.height}
      selected={props.nav.selected.event}
      color={props.color}
    />
  );
}

export function EventsScreen(props: ScreenProps & { color: boolean }) {
  return (
    <ScreenView
      model={eventsModel(props)}
      height={props.height}
      selected={props.nav.selected.events}
      color={props.color}
    />
  );
}
