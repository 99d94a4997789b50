// Plain-text rendering of a finished analysis, for people reading a terminal, a pipe or a CI log.
// Pure: Analysis in, string out. Colour only when asked (kleur).
import kleur from 'kleur';
import { formatBytes, formatPercent } from '../core/quantity.js';
import type { Analysis, ContainerAnalysis, LevelSummary, Severity, SizingAdvice, Verdict } from '../core/types.js';
import {
  bar,
  pad,
  padLeft,
  podLine,
  PART_GLYPH,
  proportionalCells,
  SEVERITY_MARK,
  severityTone,
  shortener,
  specBytes,
  stateText,
  verdictTitle,
  wrap,
  type Shorten,
} from './layout.js';

export { bar, shortener, wrap } from './layout.js';

/** Why the kubepods limit is not allocatable (memory-facts: node_container_manager_linux.go). */
const KUBEPODS_LIMIT_NOTE =
  "the pods' cgroup: capacity − kube/system-reserved (allocatable also subtracts the eviction threshold); the kernel OOM-kills pods when it is full";

export interface TextOptions {
  color: boolean;
  /** Terminal width; lines are laid out for it (minimum 60). */
  width: number;
  /** -c: show the chain of this container only (the summary table and verdicts stay whole). */
  container?: string | null;
  /** --all: the chain of every container; otherwise a container no verdict names is one line. */
  all?: boolean;
}

type Paint = (s: string) => string;
interface Palette {
  bold: Paint;
  dim: Paint;
  red: Paint;
  yellow: Paint;
  cyan: Paint;
  green: Paint;
  magenta: Paint;
  blue: Paint;
}

function palette(color: boolean): Palette {
  // kleur decides by itself from the process's TTY; memwhy decides once in the CLI and passes `color`.
  kleur.enabled = color;
  return {
    bold: kleur.bold,
    dim: kleur.dim,
    red: kleur.red,
    yellow: kleur.yellow,
    cyan: kleur.cyan,
    green: kleur.green,
    magenta: kleur.magenta,
    blue: kleur.blue,
  };
}

function severityColor(p: Palette, s: Severity): Paint {
  return p[severityTone(s)];
}

function renderVerdict(v: Verdict, p: Palette, width: number, short: Shorten): string[] {
  const c = severityColor(p, v.severity);
  const out = [
    `  ${c(SEVERITY_MARK[v.severity])} ${c(p.bold(verdictTitle(v)))}`,
    `    ${wrap(v.summary, width - 4, 4)}`,
  ];
  for (const e of v.evidence)
    out.push(`    ${p.dim('·')} ${wrap(`${e.text} ${p.dim(`[${short(e.source)}]`)}`, width - 6, 6)}`);
  for (const s of v.nextSteps) out.push(`    ${p.green('→')} ${wrap(s, width - 6, 6)}`);
  return out;
}

interface Row {
  label: string;
  value: number | null;
  note: string;
  /** A spec value: null shows as `none`. */
  spec?: boolean;
}

function rows(p: Palette, rs: Row[], width: number): string[] {
  const labelW = Math.max(...rs.map((r) => r.label.length)) + 2;
  return rs.map(
    (r) =>
      `    ${pad(r.label, labelW)}${padLeft(r.spec ? specBytes(r.value) : formatBytes(r.value), 9)}  ${wrap(p.dim(r.note), width - labelW - 15, labelW + 15)}`,
  );
}

function breakdownLines(c: ContainerAnalysis | LevelSummary, p: Palette, width: number): string[] {
  const b = c.breakdown;
  if (c.usageBytes === null || b.anonBytes === null) return [];
  const g = PART_GLYPH;
  const parts: Array<[string, number | null, Paint, string, string]> = [
    ['anon', b.anonBytes, p.magenta, g.anon, 'heap, stacks, malloc: only freed by the program (or swap)'],
    [
      'file active',
      b.activeFileBytes,
      p.blue,
      g.fileActive,
      'page cache used recently: counted in the working set, reclaimable',
    ],
    [
      'file inactive',
      b.inactiveFileBytes,
      p.cyan,
      g.fileInactive,
      'page cache not used lately: not in the working set, reclaimed first',
    ],
    [
      'shmem',
      b.shmemBytes,
      p.yellow,
      g.shmem,
      'tmpfs, /dev/shm, memory emptyDir: in the working set, not reclaimable without swap',
    ],
    [
      'kernel',
      b.kernelBytes,
      p.red,
      g.kernel,
      Object.values(b.kernelParts).some((v) => v > 0)
        ? Object.entries(b.kernelParts)
            .filter(([, v]) => v > 0)
            .map(([k, v]) => `${k} ${formatBytes(v)}`)
            .join(', ')
        : 'slab, stacks, page tables, sockets',
    ],
    ['other', b.otherBytes, p.dim, g.other, 'usage − the parts above (accounting batching, unevictable pages)'],
  ];
  const barW = Math.max(10, Math.min(50, width - 26));
  // Scale to usage, or to the parts' sum when inconsistent files make the parts exceed usage.
  const positive = parts.reduce((sum, [, v]) => sum + (v !== null && v > 0 ? v : 0), 0);
  const total = Math.max(c.usageBytes, positive);
  // The parts fill their share of the bar (largest remainder, as in the TUI); the rest of usage stays blank.
  const filled = total > 0 ? Math.round((positive / total) * barW) : 0;
  const cells = proportionalCells(
    parts.map(([, v]) => v),
    filled,
  );
  const stacked = parts.map(([, , paint, glyph], i) => (cells[i]! > 0 ? paint(glyph.repeat(cells[i]!)) : '')).join('');
  const labelW = 15;
  const lines = [`    ${p.bold('breakdown of usage')}  ${stacked}`];
  for (const [label, v, paint, glyph, note] of parts) {
    lines.push(
      `      ${paint(glyph)} ${pad(label, labelW - 2)}${padLeft(formatBytes(v), 9)}  ${wrap(p.dim(note), width - labelW - 20, labelW + 20)}`,
    );
  }
  return lines;
}

function containerChain(
  c: ContainerAnalysis,
  p: Palette,
  width: number,
  short: Shorten,
  qos: Analysis['pod']['qosClass'] = null,
  all = false,
): string[] {
  const out = containerHeading(c, p, width);
  out.push(...rows(p, chainRows(c, short), width));
  const legend = '█ working set  ┊ request  │ limit';
  const w = Math.max(20, Math.min(60, width - 8 - legend.length));
  const b = bar(c.workingSetBytes, c.requestBytes, c.limitBytes, w);
  if (b) out.push(`    ${b}  ${p.dim(legend)}`);
  out.push(...breakdownLines(c, p, width));
  out.push(...toolViewLines(c, p, width));
  out.push(...prometheusLines(c, p, width, all));
  const controls = controlsLine(c, qos);
  if (controls) out.push(`    ${p.dim(wrap(controls, width - 4, 4))}`);
  const counters = countersLine(c);
  if (counters) out.push(`    ${p.dim(counters)}`);
  return out;
}

/** The container's name, kind and state, then its cgroup path. */
function containerHeading(c: ContainerAnalysis, p: Palette, width: number): string[] {
  const title = `Container ${c.name}${c.kind !== 'container' ? ` (${c.kind})` : ''}`;
  const out = [`  ${p.bold(title)}  ${p.dim(wrap(stateText(c), width - title.length - 4, title.length + 4))}`];
  if (c.cgroupPath) {
    // A cgroup path has no spaces to wrap at: cut it into pieces that fit.
    const room = Math.max(20, width - 11);
    const pieces = c.cgroupPath.match(new RegExp(`.{1,${room}}`, 'g')) ?? [];
    out.push(...pieces.map((piece, i) => `    ${p.dim(`${i === 0 ? 'cgroup ' : '       '}${piece}`)}`));
  }
  return out;
}

/** The chain itself: request → limit → usage → working set (→ peak), each with what it means. */
function chainRows(c: ContainerAnalysis, short: Shorten): Row[] {
  const chain: Row[] = [
    {
      label: 'request',
      value: c.requestBytes,
      spec: true,
      note:
        c.requestBytes === null
          ? 'first in line for eviction under node pressure'
          : 'reserved by the scheduler; eviction ranks usage above it first',
    },
    { label: 'limit', value: c.limitBytes, spec: true, note: limitNote(c) },
    {
      label: 'usage',
      value: c.usageBytes,
      note: `${short(c.sources.usageBytes ?? 'unknown')}: what the kernel compares with the limit${c.headroom.usageOfLimit !== null ? ` (${formatPercent(c.headroom.usageOfLimit)})` : ''}`,
    },
    {
      label: 'working set',
      value: c.workingSetBytes,
      note: `usage − inactive_file: kubectl top, eviction${c.headroom.workingSetOfRequest !== null ? `; ${formatPercent(c.headroom.workingSetOfRequest)} of request` : ''}`,
    },
  ];
  if (c.peakBytes !== null)
    chain.push({
      label: 'peak',
      value: c.peakBytes,
      note: `${short(c.sources.peakBytes ?? '')}: the highest usage since the cgroup was created`,
    });
  return chain;
}

/** "What other tools show": kubectl top, docker stats (new and old), the kubelet's rss. */
function toolViewLines(c: ContainerAnalysis, p: Palette, width: number): string[] {
  const v = c.views;
  if (v.kubectlTopBytes === null && c.rssBytes === null) return [];
  const views: Row[] = [
    { label: 'kubectl top', value: v.kubectlTopBytes, note: 'working set = usage − inactive_file' },
    { label: 'docker stats', value: v.dockerStatsBytes, note: 'docker ≥ 20.10: usage − inactive_file' },
    {
      label: 'docker ≤ 19.03',
      value: v.dockerStatsLegacyBytes,
      note: 'usage − cache: active page cache not counted',
    },
    { label: 'kubelet rss', value: c.rssBytes, note: 'anon memory only (v1 total_rss, v2 anon)' },
  ];
  return [
    `    ${p.bold('what other tools show')}`,
    ...rows(
      p,
      views.filter((r) => r.value !== null),
      width,
    ),
  ];
}

/** The cgroup's OOM counters and the container's oom_score_adj, when read. */
function countersLine(c: ContainerAnalysis): string | null {
  if (c.oomKills !== null || c.limitHits !== null)
    return `cgroup counters: oom_kill ${c.oomKills ?? '?'} · limit hits ${c.limitHits ?? '?'}${c.localOoms !== null ? ` · local oom ${c.localOoms}` : ''}${c.oomScoreAdj !== null ? ` · oom_score_adj ${c.oomScoreAdj}` : ''}`;
  return c.oomScoreAdj !== null ? `oom_score_adj ${c.oomScoreAdj}` : null;
}

/** Where the limit in force comes from, and what the cgroup says. */
function limitNote(c: ContainerAnalysis): string {
  if (c.limitBytes === null) return 'bounded only by the node-allocatable cgroup (kubepods)';
  const cgroup =
    c.sources.cgroupLimitBytes && c.cgroupLimitBytes !== null ? `cgroup says ${formatBytes(c.cgroupLimitBytes)}` : null;
  const from: Record<ContainerAnalysis['limitSource'], string> = {
    container: cgroup ?? 'spec',
    resized: `resized in place; spec says ${c.specLimitBytes === null ? 'none' : formatBytes(c.specLimitBytes)}${cgroup ? `; ${cgroup}` : ''}`,
    'pod-level': `the pod-level limit (spec.resources), no limit of its own${cgroup ? `; ${cgroup}` : ''}`,
    none: cgroup ?? 'spec',
  };
  return `the kernel OOM-kills at this (${from[c.limitSource]})`;
}

/** Swap, Memory QoS and memory.oom.group, when read. */
function controlsLine(c: ContainerAnalysis, qos: Analysis['pod']['qosClass']): string | null {
  const parts: string[] = [];
  if (c.swapBytes !== null)
    parts.push(
      `swap ${formatBytes(c.swapBytes)}${c.swapLimitBytes === 0 ? ' (no swap allowed)' : c.swapLimitBytes !== null ? ` of ${formatBytes(c.swapLimitBytes)}` : ''}`,
    );
  // LimitedSwap (GetContainerSwapBehavior) gives swap only to Burstable containers whose request differs from their limit.
  const limitedSwapGivesNone = qos !== 'Burstable' || c.requestBytes === c.limitBytes;
  if (c.swapBytes && limitedSwapGivesNone)
    parts.push(
      "swap in use although LimitedSwap gives none to this container (only Burstable ones whose request ≠ limit get swap): check the kubelet's memorySwap.swapBehavior",
    );
  if (c.memoryHighBytes !== null) parts.push(`memory.high ${formatBytes(c.memoryHighBytes)}`);
  if (c.highEvents) parts.push(`throttled over memory.high ${c.highEvents} time(s)`);
  if (c.memoryMinBytes) parts.push(`memory.min ${formatBytes(c.memoryMinBytes)}`);
  if (c.memoryLowBytes) parts.push(`memory.low ${formatBytes(c.memoryLowBytes)}`);
  if (c.oomGroup !== null) parts.push(`memory.oom.group ${c.oomGroup ? '1 (an OOM kills all its processes)' : '0'}`);
  if (c.oomGroupKills) parts.push(`group kills ${c.oomGroupKills}`);
  return parts.length ? parts.join(' · ') : null;
}

/** The cAdvisor metrics (Prometheus, Grafana) beside the tools' numbers. */
function prometheusLines(c: ContainerAnalysis, p: Palette, width: number, all: boolean): string[] {
  const views = c.views.prometheus.filter((v) => v.bytes !== null);
  if (!views.length) return [];
  if (!all) {
    // One wrapped line: each metric's full name and value (--all adds how each is computed, from which file).
    const list = views.map((v) => `${v.metric} ${formatBytes(v.bytes)}`).join(' · ');
    return [`    ${p.bold('in Prometheus')}  ${wrap(list, width - 19, 19)}`];
  }
  const out = [`    ${p.bold('in Prometheus / Grafana')}  ${p.dim(`(${views[0]?.cadvisorSource ?? 'cAdvisor'})`)}`];
  for (const v of views)
    out.push(
      `    ${pad(v.metric, 36)}${padLeft(formatBytes(v.bytes), 9)}  ${wrap(p.dim(`= ${v.computedAs}`), width - 51, 51)}`,
    );
  return out;
}

function nodeLines(a: Analysis, p: Palette, width: number): string[] {
  const n = a.node;
  if (!n) return [];
  const out = [p.bold(`Node ${n.name}`) + (n.memoryPressure ? ` ${p.red('MemoryPressure')}` : '')];
  out.push(
    ...rows(
      p,
      [
        { label: 'capacity', value: n.capacityBytes, note: n.capacitySource ?? 'node.status.capacity.memory' },
        {
          label: 'allocatable',
          value: n.allocatableBytes,
          note: 'capacity − reserved − eviction threshold: what the scheduler hands out',
        },
        // Shown as its own number: 126Gi beside 125Gi would hide a 228Mi difference.
        {
          label: 'reserved',
          value: n.reservedBytes,
          note: 'capacity − allocatable: kube-reserved + system-reserved + eviction threshold',
        },
        {
          label: 'requested',
          value: n.requestedBytes,
          note: n.podsCounted !== null ? `sum of requests of ${n.podsCounted} pod(s) on the node` : 'unknown',
        },
        {
          label: 'memory.available',
          value: n.memoryAvailableBytes,
          note: 'capacity − node working set: the kubelet evicts below the threshold',
        },
        {
          label: 'kubepods usage',
          value: n.kubepods?.usageBytes ?? null,
          note: n.kubepods ? (n.kubepods.sources.usageBytes ?? n.kubepods.path) : 'unknown',
        },
        {
          label: 'kubepods wset',
          value: n.kubepods?.workingSetBytes ?? null,
          note: 'working set of all pods: allocatableMemory.available = limit − this',
        },
        { label: 'kubepods limit', value: n.kubepods?.cgroupLimitBytes ?? null, note: KUBEPODS_LIMIT_NOTE },
      ],
      width,
    ),
  );
  return out;
}

/** The whole chain for a container a verdict names, the one -c names, the only one, or all with --all. */
function showsChain(a: Analysis, c: ContainerAnalysis, options: TextOptions): boolean {
  if (options.all || options.container === c.name || a.containers.length === 1) return true;
  return a.verdicts.some((v) => v.container === c.name);
}

/** Containers no verdict names, one line each: what they use of what they have. */
function quietLines(cs: ContainerAnalysis[], p: Palette, width: number): string[] {
  const out = [
    `  ${p.bold('Other containers')}  ${p.dim('no verdict names them; --all or -c <name> shows the whole chain')}`,
  ];
  const nameW = Math.max(...cs.map((c) => c.name.length)) + 2;
  for (const c of cs) {
    const of =
      c.limitBytes !== null
        ? ` of limit ${formatBytes(c.limitBytes)}${c.headroom.workingSetOfLimit !== null ? ` (${formatPercent(c.headroom.workingSetOfLimit)})` : ''}`
        : ', no limit';
    const line = `working set ${formatBytes(c.workingSetBytes)}${of} · request ${specBytes(c.requestBytes)} · ${stateText(c)}`;
    out.push(`    ${pad(c.name, nameW)}${wrap(line, width - nameW - 4, nameW + 4)}`);
  }
  return out;
}

/** The other pods a workload or selector matched, named with their state (this one is the worst off). */
function otherPodsText(a: Analysis): string {
  const named = a.otherPods.map((o) => `${o.name ?? '?'} (${o.why})`).join(', ');
  return `also matched ${a.otherPods.length} other pod${a.otherPods.length === 1 ? '' : 's'} (this one is the worst off): ${named}`;
}

export function renderText(a: Analysis, options: TextOptions): string {
  const p = palette(options.color);
  const width = Math.max(60, options.width);
  const short = shortener(a);
  const out = [...headlineLines(a, p, width), '', ...containerTableLines(a, p, width), ''];
  if (a.verdicts.length) {
    out.push(p.bold('Verdicts'));
    for (const v of a.verdicts) out.push(...renderVerdict(v, p, width, short), '');
  }
  out.push(...chainLines(a, p, width, short, options));
  out.push(...sizingLines(a, p, width, options));
  if (a.nodeFits.length) out.push(...nodeFitLines(a, p), '');
  const nl = nodeLines(a, p, width);
  if (nl.length) out.push(...nl, '');
  if (a.notices.length) {
    out.push(p.bold('Not known'));
    for (const n of a.notices) out.push(`  ${p.dim('-')} ${wrap(`${n.part}: ${n.message}`, width - 4, 4)}`);
    out.push('');
  }
  return out.join('\n').replace(/\n+$/, '') + '\n';
}

/** The pod and its details, the main verdict (or that nothing is wrong), an in-place resize in progress. */
function headlineLines(a: Analysis, p: Palette, width: number): string[] {
  const { title, details } = podLine(a);
  const out = [
    title.length + 2 + details.length <= width
      ? `${p.bold(title)}  ${p.dim(details)}`
      : `${p.bold(title)}\n  ${p.dim(details)}`,
  ];
  const main = a.verdicts[0];
  out.push(
    main
      ? `${severityColor(p, main.severity)(SEVERITY_MARK[main.severity])} ${wrap(main.summary, width - 2, 2)}`
      : `${p.green('✔')} Nothing wrong found in what was read.`,
  );
  if (a.pod.resize)
    out.push(
      `  ${p.yellow(`resize ${a.pod.resize.state}`)}${a.pod.resize.message ? p.dim(`: ${wrap(a.pod.resize.message, width - 20, 4)}`) : ''}`,
    );
  return out;
}

/** Summary table: one row per container, then the pod's totals and the other pods a selector matched. */
function containerTableLines(a: Analysis, p: Palette, width: number): string[] {
  const nameW = Math.max(9, ...a.containers.map((c) => c.name.length)) + 2;
  const out = [
    p.dim(
      `  ${pad('CONTAINER', nameW)}${padLeft('REQUEST', 9)}${padLeft('LIMIT', 9)}${padLeft('WORKSET', 9)}${padLeft('USAGE', 9)}  STATE`,
    ),
  ];
  for (const c of a.containers) {
    const row = `  ${pad(c.name, nameW)}${padLeft(specBytes(c.requestBytes), 9)}${padLeft(specBytes(c.limitBytes), 9)}${padLeft(formatBytes(c.workingSetBytes), 9)}${padLeft(formatBytes(c.usageBytes), 9)}  `;
    // Never cut: the state holds the key fact (`last: OOMKilled`), which a `grep` of this row must find.
    out.push(row + stateText(c));
  }
  const r = a.requests;
  out.push(
    `  ${p.dim(wrap(`pod request ${formatBytes(r.effectiveRequestBytes)} (scheduler's count) · pod limit ${r.effectiveLimitBytes === null ? 'none' : formatBytes(r.effectiveLimitBytes)}${a.podLevel ? ` · pod cgroup usage ${formatBytes(a.podLevel.usageBytes)}, working set ${formatBytes(a.podLevel.workingSetBytes)}` : ''}`, width - 2, 2))}`,
  );
  if (a.otherPods.length) out.push(`  ${wrap(otherPodsText(a), width - 2, 2)}`);
  return out;
}

/** The whole chain of each container that shows it (showsChain), one line each for the others. */
function chainLines(a: Analysis, p: Palette, width: number, short: Shorten, options: TextOptions): string[] {
  const out: string[] = [];
  const quiet: ContainerAnalysis[] = [];
  for (const c of a.containers) {
    if (options.container && c.name !== options.container) continue;
    if (c.kind === 'init' && c.usageBytes === null && !options.container) continue;
    if (showsChain(a, c, options))
      out.push(
        ...containerChain(c, p, width, short, a.pod.qosClass, options.all === true || options.container === c.name),
        '',
      );
    else quiet.push(c);
  }
  if (quiet.length) out.push(...quietLines(quiet, p, width), '');
  return out;
}

/** "Node fit": whether the pod's requests fit on each candidate node. */
function nodeFitLines(a: Analysis, p: Palette): string[] {
  const out = [
    p.bold('Node fit (requests, not usage)'),
    p.dim(
      `  ${pad('NODE', 24)}${padLeft('ALLOCATABLE', 12)}${padLeft('REQUESTED', 11)}${padLeft('FREE', 10)}${padLeft('MARGIN', 10)}  FITS`,
    ),
  ];
  for (const f of a.nodeFits) {
    out.push(
      `  ${pad(f.node, 24)}${padLeft(formatBytes(f.allocatableBytes), 12)}${padLeft(formatBytes(f.requestedBytes), 11)}${padLeft(formatBytes(f.freeBytes), 10)}${padLeft(formatBytes(f.marginBytes), 10)}  ${f.fits === null ? '?' : f.fits ? p.green('yes') : p.red('no')}${f.note ? p.dim(` (${f.note})`) : ''}`,
    );
  }
  return out;
}

/**
 * "Sizing": memwhy's request and limit per container (and pod-level), krr and VPA, the command. The reasoning
 * line by line goes with the chain: shown for a container whose chain is shown with --all or -c (the TUI's Sizing
 * screen and -o json always have it); a container no verdict names gets one line.
 */
function sizingLines(a: Analysis, p: Palette, width: number, options: TextOptions): string[] {
  const only = options.container ?? null;
  const shown = a.containers.filter((c) => c.advice && (!only || c.name === only));
  const entries: Array<[string, SizingAdvice, 'full' | 'brief' | 'line']> = shown.map((c) => [
    `container ${c.name}`,
    c.advice!,
    options.all || only === c.name ? 'full' : showsChain(a, c, options) ? 'brief' : 'line',
  ]);
  if (a.podLevel?.advice && !only)
    entries.push(['pod (pod-level resources)', a.podLevel.advice, options.all ? 'full' : 'brief']);
  if (entries.length === 0) return [];
  const out = [
    `${p.bold('Sizing')}  ${p.dim('what to set, from the breakdown; printed, never applied; --all for the reasoning')}`,
  ];
  for (const [label, s, depth] of entries) {
    const head =
      s.limitBytes === null
        ? p.dim('no advice')
        : `request ${formatBytes(s.requestBytes)} · limit ${formatBytes(s.limitBytes)} · confidence ${s.confidence ?? '?'}`;
    out.push(`  ${p.bold(label)}  ${head}`);
    if (depth === 'line') continue;
    const figures = `floor ${formatBytes(s.floorBytes)} · active cache ${formatBytes(s.activeFileBytes)} · peak ${formatBytes(s.peakBytes)} · at OOM kill ${s.oomUsageBytes === null ? 'none seen' : formatBytes(s.oomUsageBytes)} · krr ${formatBytes(s.krrBytes)} · VPA ${formatBytes(s.vpaTargetBytes)}`;
    if (s.limitBytes !== null) out.push(`    ${p.dim(wrap(figures, width - 4, 4))}`);
    if (depth === 'full') for (const r of s.reasons) out.push(`    ${p.dim('·')} ${wrap(r, width - 6, 6)}`);
    for (const c of s.comparison) out.push(`    ${p.cyan('≠')} ${wrap(c, width - 6, 6)}`);
    if (s.command) out.push(`    ${p.green('$')} ${s.command}`);
  }
  return [...out, ''];
}
