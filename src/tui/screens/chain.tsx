// Chain of the selected container: requests → limits → usage → working set → breakdown, each with its number,
// where it came from and what it means; then the kernel's view (usage against memory.max) beside the kubelet's
// (working set against the request).
import { formatBytes, formatPercent } from '../../core/quantity.js';
import type { Analysis, ContainerAnalysis } from '../../core/types.js';
import { bar, shortener } from '../../render/layout.js';
import {
  BLANK,
  containerReason,
  hardWrap,
  line,
  titled,
  meter,
  pad,
  padLeft,
  para,
  seg,
  sourceKind,
  specBytes,
  stateText,
  wrapText,
  type Line,
  type Tone,
} from '../format.js';
import { sparkline } from '../sparkline.js';
import type { ScreenModel, ScreenProps } from './model.js';
import { ScreenView } from './view.js';

const LABEL_W = 13;
const NUM_W = 9;
const KIND_W = 13;

interface Step {
  label: string;
  value: string;
  tone?: Tone;
  kind: string;
  source: string;
  meaning: string;
}

function stepLines(s: Step, width: number): Line[] {
  const indent = LABEL_W + NUM_W + 2;
  const out: Line[] = [];
  const head = line(
    seg(pad(s.label, LABEL_W), { bold: true }),
    seg(padLeft(s.value, NUM_W), { bold: true, color: s.tone }),
    '  ',
    seg(pad(s.kind, KIND_W), { color: 'cyan' }),
  );
  const srcRows = wrapText(s.source, width - indent - KIND_W);
  out.push([...head, seg(srcRows[0] ?? '', { dim: true })]);
  for (const r of srcRows.slice(1)) out.push(line(' '.repeat(indent + KIND_W), seg(r, { dim: true })));
  for (const r of wrapText(s.meaning, width - indent)) out.push(line(' '.repeat(indent), r));
  return out;
}

/** `pod.spec.containers[app].resources.requests.memory` → `resources.requests.memory`: the container is on screen. */
function specField(source: string): string {
  return source.replace(/^pod\.spec\.[A-Za-z]*[cC]ontainers\[[^\]]*\]\./, '');
}

function arrow(text = ''): Line {
  return line(seg('      ↓', { color: 'gray' }), text ? seg(`  ${text}`, { dim: true }) : '');
}

/** The kernel's and the kubelet's view of the container, as two blocks of rows. */
function views(c: ContainerAnalysis, w: number): [Line[], Line[]] {
  const limit = c.cgroupLimitBytes ?? c.limitBytes;
  const barW = Math.max(10, Math.min(40, w - 6));
  const kernel: Line[] = [
    line(seg("Kernel's view", { bold: true }), seg(' (OOM killer)', { dim: true })),
    line(`usage ${formatBytes(c.usageBytes)} of memory.max ${limit === null ? 'none' : formatBytes(limit)}`),
    line(
      seg(meter(c.usageBytes, limit, barW), {
        color: c.headroom.usageOfLimit !== null && c.headroom.usageOfLimit >= 0.9 ? 'red' : 'magenta',
      }),
      ` ${formatPercent(c.headroom.usageOfLimit)}`,
    ),
    ...wrapText(
      limit === null
        ? 'No limit on this cgroup: the kernel acts only when the pod, kubepods or the node runs out.'
        : 'At the limit the kernel first reclaims page cache, then OOM-kills a process of this cgroup.',
      w,
    ).map((r) => line(seg(r, { dim: true }))),
  ];
  const kubelet: Line[] = [
    line(seg("Kubelet's view", { bold: true }), seg(' (kubectl top, eviction)', { dim: true })),
    line(`working set ${formatBytes(c.workingSetBytes)} of request ${specBytes(c.requestBytes)}`),
    line(
      seg(bar(c.workingSetBytes, c.requestBytes, c.limitBytes, barW) || meter(null, null, barW), { color: 'green' }),
      ` ${formatPercent(c.headroom.workingSetOfRequest)}`,
    ),
    ...wrapText(
      'Under node memory pressure the kubelet evicts pods whose working set exceeds their request first.',
      w,
    ).map((r) => line(seg(r, { dim: true }))),
  ];
  return [kernel, kubelet];
}

function sideBySide(left: Line[], right: Line[], leftW: number): Line[] {
  const n = Math.max(left.length, right.length);
  const out: Line[] = [];
  for (let i = 0; i < n; i++) {
    const l = left[i] ?? [];
    const used = l.reduce((s, x) => s + x.text.length, 0);
    out.push([...l, seg(' '.repeat(Math.max(1, leftW - used + 2))), ...(right[i] ?? [])]);
  }
  return out;
}

/** The container's name, kind and state, and its cgroup path. */
function chainHeading(c: ContainerAnalysis, width: number): Line[] {
  const title = `Container ${c.name}${c.kind !== 'container' ? ` (${c.kind})` : ''}`;
  const lines = titled(title, stateText(c), width);
  if (c.cgroupPath) lines.push(...hardWrap(c.cgroupPath, width, 2).map((r) => line(seg(r, { dim: true }))));
  return lines;
}

function requestsStep(c: ContainerAnalysis): Step {
  return {
    label: 'requests',
    value: specBytes(c.requestBytes),
    kind: 'spec',
    source: specField(c.sources.requestBytes ?? 'resources.requests.memory'),
    meaning:
      c.requestBytes === null
        ? 'No request: the scheduler reserves nothing, and the pod is first in line for eviction under node pressure.'
        : 'Reserved by the scheduler on the node. Eviction ranks pods whose working set is above it first.',
  };
}

/** What the limit means: none, the pod's, resized in place, or the container's own; and what the cgroup says. */
function limitMeaning(c: ContainerAnalysis, src: (key: string) => string): string {
  const cgLimit =
    c.cgroupLimitBytes !== null && c.sources.cgroupLimitBytes
      ? ` The cgroup says ${formatBytes(c.cgroupLimitBytes)} (${src('cgroupLimitBytes')}).`
      : '';
  if (c.limitBytes === null)
    return `No limit: bounded only by the pod and node-allocatable (kubepods) cgroups.${cgLimit}`;
  if (c.limitSource === 'pod-level')
    return `No limit of its own: the pod-level limit (spec.resources) is its memory.max; the kernel OOM-kills at it.${cgLimit}`;
  if (c.limitSource === 'resized')
    return `Resized in place (spec says ${specBytes(c.specLimitBytes)}): the cgroup's memory.max holds this; the kernel OOM-kills at it.${cgLimit}`;
  return `Written to the container cgroup's memory.max: the kernel OOM-kills at it.${cgLimit}`;
}

function limitsStep(c: ContainerAnalysis, src: (key: string) => string): Step {
  return {
    label: 'limits',
    value: specBytes(c.limitBytes),
    kind: 'spec',
    source: specField(c.sources.limitBytes ?? 'resources.limits.memory'),
    meaning: limitMeaning(c, src),
  };
}

function usageStep(c: ContainerAnalysis, unknown: string, src: (key: string) => string): Step {
  return {
    label: 'usage',
    value: formatBytes(c.usageBytes),
    kind: c.usageBytes === null ? 'unknown' : sourceKind(c.sources.usageBytes),
    source: c.usageBytes === null ? unknown : src('usageBytes'),
    meaning: `All memory charged to the cgroup (anon, page cache, shmem, kernel): what the kernel compares with the limit${c.headroom.usageOfLimit !== null ? ` (${formatPercent(c.headroom.usageOfLimit)} of it)` : ''}.`,
  };
}

function workingSetStep(c: ContainerAnalysis, unknown: string, src: (key: string) => string): Step {
  return {
    label: 'working set',
    value: formatBytes(c.workingSetBytes),
    kind:
      c.workingSetBytes === null
        ? 'unknown'
        : sourceKind(c.sources.workingSetBytes) === 'cgroup file'
          ? 'kubelet rule'
          : sourceKind(c.sources.workingSetBytes),
    source: c.workingSetBytes === null ? unknown : src('workingSetBytes'),
    meaning: `usage − inactive_file: what kubectl top shows and eviction ranks by${c.headroom.workingSetOfRequest !== null ? `; ${formatPercent(c.headroom.workingSetOfRequest)} of the request` : ''}${c.headroom.workingSetOfLimit !== null ? `, ${formatPercent(c.headroom.workingSetOfLimit)} of the limit` : ''}.`,
  };
}

/** The chain's four steps, an arrow between each (the last one says inactive_file is subtracted). */
function stepsLines(a: Analysis, c: ContainerAnalysis, width: number): Line[] {
  const short = shortener(a);
  const unknown = containerReason(a, c);
  const src = (key: string) => short(c.sources[key] ?? '');
  const inactive = c.breakdown.inactiveFileBytes;
  return [
    ...stepLines(requestsStep(c), width),
    arrow(),
    ...stepLines(limitsStep(c, src), width),
    arrow(),
    ...stepLines(usageStep(c, unknown, src), width),
    arrow(inactive !== null ? `− inactive_file ${formatBytes(inactive)}` : ''),
    ...stepLines(workingSetStep(c, unknown, src), width),
  ];
}

/** The breakdown row at the chain's end, and how to open it. */
function breakdownRow(a: Analysis, c: ContainerAnalysis, width: number): Line[] {
  const b = c.breakdown;
  const parts =
    c.usageBytes === null || b.anonBytes === null
      ? `unknown: ${c.usageBytes === null ? containerReason(a, c) : 'no memory.stat breakdown (figures from the kubelet API)'}`
      : `anon ${formatBytes(b.anonBytes)} · file ${formatBytes(b.fileBytes)} · shmem ${formatBytes(b.shmemBytes)} · kernel ${formatBytes(b.kernelBytes)} · other ${formatBytes(b.otherBytes)}`;
  const lines = wrapText(parts, width - LABEL_W - NUM_W - 2).map((r, i) =>
    line(seg(pad(i === 0 ? 'breakdown' : '', LABEL_W), { bold: true }), ' '.repeat(NUM_W + 2), r),
  );
  lines.push(line(' '.repeat(LABEL_W + NUM_W + 2), seg('Enter opens the breakdown', { dim: true })));
  return lines;
}

/** The kernel's and the kubelet's views: side by side when there is room, else one above the other. */
function viewsLines(c: ContainerAnalysis, width: number): Line[] {
  if (width >= 96) {
    const sideW = Math.floor((width - 2) / 2);
    const [k, u] = views(c, sideW);
    return sideBySide(k, u, sideW);
  }
  const [k, u] = views(c, width);
  return [...k, BLANK, ...u];
}

/** The cgroup's counters (peak, OOM kills, limit hits, …) and PSI, dim. */
function counterLines(c: ContainerAnalysis, width: number): Line[] {
  const counters: string[] = [];
  if (c.peakBytes !== null) counters.push(`peak ${formatBytes(c.peakBytes)}`);
  if (c.oomKills !== null) counters.push(`oom_kill ${c.oomKills}`);
  if (c.limitHits !== null) counters.push(`limit hits ${c.limitHits}`);
  if (c.localOoms !== null) counters.push(`local oom ${c.localOoms}`);
  counters.push(`oom_score_adj ${c.oomScoreAdj ?? '?'}`);
  if (c.restartCount !== null) counters.push(`restarts ${c.restartCount}`);
  const lines = para(counters.join(' · '), width, { style: { dim: true } });
  if (c.psi?.some || c.psi?.full) {
    lines.push(
      ...para(
        `memory pressure (PSI) avg10: some ${c.psi.some?.avg10.toFixed(2) ?? '?'}% · full ${c.psi.full?.avg10.toFixed(2) ?? '?'}%`,
        width,
        { style: { dim: true } },
      ),
    );
  }
  return lines;
}

export function chainLines(a: Analysis, c: ContainerAnalysis, width: number): Line[] {
  return [
    ...chainHeading(c, width),
    BLANK,
    ...stepsLines(a, c, width),
    arrow(),
    ...breakdownRow(a, c, width),
    BLANK,
    ...viewsLines(c, width),
    BLANK,
    ...counterLines(c, width),
  ];
}

/** Trend rows of the live watch for one container. */
export function trendLines(name: string, samples: ScreenProps['samples'], width: number, watching: boolean): Line[] {
  const s = samples?.[name];
  if (!s || s.workingSet.length === 0 || (!watching && s.workingSet.length < 2)) return [];
  const w = Math.max(8, Math.min(60, width - 34));
  const last = (xs: Array<number | null>) => formatBytes(xs[xs.length - 1] ?? null);
  const against =
    s.limit === null ? 'no limit: scaled to the highest sample' : `against the limit ${formatBytes(s.limit)}`;
  return [
    line(
      seg(`Live (${s.workingSet.length} sample${s.workingSet.length === 1 ? '' : 's'}, ${against})`, { bold: true }),
    ),
    line(
      pad('working set', 13),
      seg(sparkline(s.workingSet, w, s.limit), { color: 'green' }),
      ` ${last(s.workingSet)}`,
    ),
    line(pad('usage', 13), seg(sparkline(s.usage, w, s.limit), { color: 'magenta' }), ` ${last(s.usage)}`),
    BLANK,
  ];
}

export function chainModel({ analysis: a, nav, width, samples }: ScreenProps): ScreenModel {
  const c = a.containers[nav.container];
  if (!c) return { lines: [line('No containers in the pod spec.')] };
  return {
    subtitle: c.name,
    lines: [...trendLines(c.name, samples, width, nav.watch), ...chainLines(a, c, width)],
  };
}

export function ChainScreen(props: ScreenProps & { color: boolean }) {
  return (
    <ScreenView
      model={chainModel(props)}
      height={props.height}
      selected={props.nav.selected.chain}
      color={props.color}
    />
  );
}
