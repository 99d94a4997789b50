// Verdicts: the list, and the detail of one with its evidence and next steps. OOMKilled adds which limit fired
// (the level) and the kernel's records; Evicted adds the threshold arithmetic; Pending the per-node fit table.
import { killedProcess, rssAboveLimit } from '../../core/oom-words.js';
import { formatBytes } from '../../core/quantity.js';
import type { Analysis, OomLevel, Verdict } from '../../core/types.js';
import { shortener } from '../../render/layout.js';
import {
  BLANK,
  line,
  pad,
  padLeft,
  para,
  reasonFor,
  seg,
  SEVERITY_MARK,
  severityTone,
  specBytes,
  truncate,
  verdictTitle,
  wrapText,
  type Line,
} from '../format.js';
import { selectedRow, type ScreenModel, type ScreenProps } from './model.js';
import { ScreenView } from './view.js';

const f = formatBytes;

export function verdictsModel({ analysis: a, width }: ScreenProps): ScreenModel {
  const lines: Line[] = [];
  const rows: number[] = [];
  if (a.verdicts.length === 0) {
    lines.push(line(seg('✔ ', { color: 'green' }), 'No verdicts: nothing wrong found in what was read.'));
    if (a.notices.length)
      lines.push(
        BLANK,
        ...para('Some inputs were missing (see the summary), so a problem may still be hidden.', width, {
          style: { dim: true },
        }),
      );
    return { lines, rows };
  }
  lines.push(
    line(
      seg(`${a.verdicts.length} verdict${a.verdicts.length === 1 ? '' : 's'}, most severe first · Enter opens one`, {
        dim: true,
      }),
    ),
  );
  for (const v of a.verdicts) {
    const tone = severityTone(v.severity);
    rows.push(lines.length);
    lines.push(
      line(
        seg(`${SEVERITY_MARK[v.severity]} `, { color: tone }),
        seg(verdictTitle(v), { bold: true, color: tone }),
        seg(`  ${v.severity}`, { dim: true }),
      ),
    );
    lines.push(line('  ', seg(truncate(v.summary, width - 2), { dim: true })));
  }
  return { lines, rows };
}

const LEVEL_TEXT: Record<OomLevel, string> = {
  container: "The container's own cgroup reached its memory.max: only this container's processes were candidates.",
  pod: "The pod cgroup reached its limit (the sum of the containers' limits): any process in the pod could be the victim.",
  'node-allocatable':
    'The node-allocatable cgroup (kubepods) was full: the kernel picked a victim among all pods by oom_score_adj, even pods within their own limits.',
  node: 'The whole node ran out of memory (a global OOM): any process could be the victim, picked by oom_score_adj.',
};

interface Rung {
  level: OomLevel;
  name: string;
  value: string;
  what: string;
}

/** The four limits an OOM kill can come from, innermost first, with this pod's figures. */
function oomLadder(a: Analysis, v: Verdict): Rung[] {
  const c = a.containers.find((x) => x.name === v.container) ?? null;
  return [
    {
      level: 'container',
      name: 'container',
      value: c ? specBytes(c.cgroupLimitBytes ?? c.limitBytes) : '?',
      what: c ? `${c.name}'s memory.max` : 'the container cgroup',
    },
    {
      level: 'pod',
      name: 'pod',
      value:
        a.podLevel?.cgroupLimitBytes != null
          ? f(a.podLevel.cgroupLimitBytes)
          : specBytes(a.requests.effectiveLimitBytes),
      what: "the pod cgroup: sum of the containers' limits",
    },
    {
      level: 'node-allocatable',
      name: 'kubepods',
      value: f(a.node?.kubepods?.cgroupLimitBytes ?? null),
      what: 'node allocatable: all pods together',
    },
    { level: 'node', name: 'node', value: f(a.node?.capacityBytes ?? null), what: 'the whole node (capacity)' },
  ];
}

/** Which limit fired: the ladder with the fired rung marked, and what that level means (or why it is unknown). */
function firedLimitLines(a: Analysis, v: Verdict, width: number): Line[] {
  const out = [line(seg('Which limit fired', { bold: true }), seg(`  level: ${v.level ?? 'unknown'}`, { dim: true }))];
  for (const l of oomLadder(a, v)) {
    const fired = l.level === v.level;
    out.push(
      line(
        seg(fired ? '▶ ' : '  ', { color: 'red', bold: true }),
        seg(pad(l.name, 11), { bold: fired, color: fired ? 'red' : undefined }),
        seg(padLeft(l.value, 9), { bold: fired }),
        '  ',
        seg(l.what, { dim: !fired }),
        fired ? seg('  ◀ fired', { color: 'red', bold: true }) : '',
      ),
    );
  }
  if (v.level) out.push(...para(LEVEL_TEXT[v.level], width));
  else
    out.push(
      ...para(
        `The level is unknown: ${reasonFor(a, 'kernel.log', 'cgroup') ?? 'no kernel log line or cgroup counter says which limit fired'}.`,
        width,
        { style: { dim: true } },
      ),
    );
  return out;
}

/** One kernel OOM record: who was killed and its rss, why, the memcg's usage and limit, and a group kill. */
function kernelOomLines(k: Analysis['kernelOoms'][number], width: number): Line[] {
  const dimmed = { prefix: '  ', style: { dim: true } };
  const out = para(
    `${k.time ?? '?'}: killed ${killedProcess(k)}) · anon-rss ${f(k.anonRssBytes)} · file-rss ${f(k.fileRssBytes)} · shmem-rss ${f(k.shmemRssBytes)} · oom_score_adj ${k.oomScoreAdj ?? '?'}`,
    width,
    { prefix: '· ' },
  );
  const why = rssAboveLimit(k).trim();
  if (why) out.push(...para(why, width, dimmed));
  out.push(
    ...para(
      `${k.global ? 'global OOM' : `limit of ${shortMemcg(k.oomMemcg)}`}: usage ${f(k.memcgUsageBytes)} of ${f(k.memcgLimitBytes)}${k.constraint ? ` (${k.constraint})` : ''}`,
      width,
      dimmed,
    ),
  );
  if (k.groupKill)
    out.push(
      ...para(
        `memory.oom.group: every task of ${k.groupKill.memcg} was killed too (${k.groupKill.processes.map((p) => `${p.task} ${p.pid}`).join(', ')})`,
        width,
        dimmed,
      ),
    );
  return out;
}

function oomLines(a: Analysis, v: Verdict, width: number): Line[] {
  const out = firedLimitLines(a, v, width);
  if (a.kernelOoms.length) {
    out.push(
      BLANK,
      line(
        seg(`Kernel OOM record${a.kernelOoms.length === 1 ? '' : 's'}`, { bold: true }),
        seg('  [kernel.log]', { dim: true }),
      ),
    );
    for (const k of a.kernelOoms) out.push(...kernelOomLines(k, width));
  }
  return out;
}

/** `/kubepods/burstable/pod…/bdbdec18058f…` → `…/pod…/bdbdec18058f…`: enough to tell container, pod or kubepods. */
function shortMemcg(memcg: string | null): string {
  if (!memcg) return '?';
  const parts = memcg.split('/').filter(Boolean);
  if (memcg.length <= 40) return memcg;
  return `…/${parts
    .slice(-2)
    .map((p) => truncate(p, 20))
    .join('/')}`;
}

/** One row of the threshold arithmetic: label, number, and a dim note wrapped beside. */
function arithmeticRow(label: string, value: string, note: string, width: number, bold = false): Line[] {
  const notes = wrapText(note, width - 33);
  return [
    line(pad(label, 22), seg(padLeft(value, 9), { bold }), '  ', seg(notes[0] ?? '', { dim: true })),
    ...notes.slice(1).map((n) => line(' '.repeat(33), seg(n, { dim: true }))),
  ];
}

/** capacity − node working set = memory.available, against the threshold: how far below it the node was. */
function thresholdLines(a: Analysis, width: number): Line[] {
  // Parsed once by the analysis (core/eviction.ts), so -o json carries the same figures.
  const m = a.eviction;
  const threshold = m?.thresholdBytes ?? a.node?.evictionThresholdBytes ?? null;
  const available = m?.availableBytes ?? null;
  const capacity = a.node?.capacityBytes ?? null;
  const row = (label: string, value: string, note: string, bold = false) =>
    arithmeticRow(label, value, note, width, bold);
  const out = [
    line(
      seg('Threshold arithmetic', { bold: true }),
      seg(m ? '  [the kubelet’s eviction message]' : '', { dim: true }),
    ),
  ];
  if (capacity !== null && available !== null) {
    out.push(...row('node capacity', f(capacity), 'node.status.capacity.memory'));
    out.push(
      ...row('− node working set', f(capacity - available), 'all memory in use on the node, minus inactive file cache'),
    );
  }
  out.push(
    ...row(
      '= memory.available',
      f(available),
      available === null ? 'not stated in the message' : 'capacity − node working set, when the kubelet looked',
      true,
    ),
  );
  out.push(
    ...row(
      'eviction threshold',
      f(threshold),
      threshold === null ? 'unknown' : 'eviction-hard memory.available (kubelet flag)',
    ),
  );
  if (available !== null && threshold !== null) {
    const short = threshold - available;
    out.push(
      ...row(
        short > 0 ? 'short by' : 'margin',
        f(Math.abs(short)),
        short > 0
          ? 'below the threshold: the kubelet evicts until memory.available is above it'
          : 'above the threshold when the message was written',
        true,
      ),
    );
  } else {
    out.push(
      ...para(
        `The numbers the kubelet compared are not all known (${m ? `message format: ${m.format}` : 'no eviction message parsed'}${reasonFor(a, 'node') ? `; ${reasonFor(a, 'node')}` : ''}).`,
        width,
        { style: { dim: true } },
      ),
    );
  }
  return out;
}

/** The eviction order, and each container (and the pod) the message names: usage against its request. */
function whoGoesFirstLines(a: Analysis, width: number): Line[] {
  const m = a.eviction;
  const who = [...(m?.containers ?? []), ...(m?.pod ? [m.pod] : [])];
  if (!who.length) return [];
  const out = [
    BLANK,
    line(seg('Who goes first', { bold: true })),
    ...para('Pods whose working set is over their request, then lower priority, then the largest excess.', width, {
      style: { dim: true },
    }),
  ];
  for (const u of who) {
    const over = u.usageBytes !== null && u.requestBytes !== null ? u.usageBytes - u.requestBytes : null;
    out.push(
      line(
        pad(u.name, 22),
        `using ${padLeft(f(u.usageBytes), 7)}`,
        `  request ${padLeft(u.requestBytes === 0 ? '0' : f(u.requestBytes), 7)}`,
        seg(over !== null && over > 0 ? `  over by ${f(over)}` : '', { color: 'red' }),
      ),
    );
  }
  return out;
}

export function evictionLines(a: Analysis, width: number): Line[] {
  return [...thresholdLines(a, width), ...whoGoesFirstLines(a, width)];
}

export function fitLines(a: Analysis, width: number): Line[] {
  const out: Line[] = [];
  out.push(
    line(
      seg('Node fit', { bold: true }),
      seg(`  requests, not usage · the pod needs ${f(a.requests.effectiveRequestBytes)}`, { dim: true }),
    ),
  );
  if (a.nodeFits.length === 0) {
    out.push(
      ...para(`No candidate nodes known: ${reasonFor(a, 'nodes') ?? 'no node list was read'}.`, width, {
        style: { dim: true },
      }),
    );
    return out;
  }
  const nodeW = Math.max(8, Math.min(28, width - 50));
  out.push(
    line(
      seg(
        `${pad('NODE', nodeW)}${padLeft('ALLOCATABLE', 12)}${padLeft('REQUESTED', 10)}${padLeft('FREE', 9)}${padLeft('MARGIN', 9)}  FITS`,
        { dim: true },
      ),
    ),
  );
  for (const n of a.nodeFits) {
    out.push(
      line(
        pad(truncate(n.node, nodeW - 1), nodeW),
        padLeft(f(n.allocatableBytes), 12),
        padLeft(f(n.requestedBytes), 10),
        padLeft(f(n.freeBytes), 9),
        seg(padLeft(f(n.marginBytes), 9), { color: n.marginBytes !== null && n.marginBytes < 0 ? 'red' : 'green' }),
        '  ',
        seg(n.fits === null ? '?' : n.fits ? 'yes' : 'no', { color: n.fits ? 'green' : 'red', bold: true }),
        n.note ? seg(` (${n.note})`, { dim: true }) : '',
      ),
    );
  }
  out.push(
    ...para('free = allocatable − requested; margin = free − the pod’s request (negative: it does not fit).', width, {
      style: { dim: true },
    }),
  );
  return out;
}

export function verdictModel({ analysis: a, nav, width }: ScreenProps): ScreenModel {
  const v = a.verdicts[selectedRow({ rows: a.verdicts.map((_, i) => i) }, nav.selected.verdicts)];
  if (!v) return { lines: [line('No verdict selected.')] };
  const short = shortener(a);
  const tone = severityTone(v.severity);
  const lines: Line[] = [];
  lines.push(
    line(
      seg(`${SEVERITY_MARK[v.severity]} ${verdictTitle(v)}`, { bold: true, color: tone }),
      seg(`  ${v.severity}`, { dim: true }),
    ),
  );
  lines.push(...para(v.summary, width));
  lines.push(BLANK);
  if (v.kind === 'OOMKilled') lines.push(...oomLines(a, v, width), BLANK);
  if (v.kind === 'Evicted') lines.push(...evictionLines(a, width), BLANK);
  if (v.kind === 'Pending') lines.push(...fitLines(a, width), BLANK);
  if (v.evidence.length) {
    lines.push(line(seg(v.kind === 'OOMKilled' ? 'Evidence chain' : 'Evidence', { bold: true })));
    v.evidence.forEach((e, i) => {
      const prefix = `${i + 1}. `;
      lines.push(...para(e.text, width, { prefix }));
      lines.push(...para(`[${short(e.source)}]`, width, { prefix: ' '.repeat(prefix.length), style: { dim: true } }));
    });
    lines.push(BLANK);
  }
  if (v.nextSteps.length) {
    lines.push(line(seg('Next steps', { bold: true })));
    for (const s of v.nextSteps) lines.push(...para(s, width, { prefix: '→ ', first: seg('→ ', { color: 'green' }) }));
  }
  return { subtitle: v.kind, lines };
}

export function VerdictsScreen(props: ScreenProps & { color: boolean }) {
  return (
    <ScreenView
      model={verdictsModel(props)}
      height={props.height}
      selected={props.nav.selected.verdicts}
      color={props.color}
    />
  );
}

export function VerdictScreen(props: ScreenProps & { color: boolean }) {
  return (
    <ScreenView
      model={verdictModel(props)}
      height={props.height}
      selected={props.nav.selected.verdict}
      color={props.color}
    />
  );
}
