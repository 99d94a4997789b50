// Tools: what kubectl top, docker stats (both formulas), the kubelet's rss and the raw usage show for the
// selected container, each with its formula on this container's numbers, and the answer to the question people
// come with: why do kubectl top and docker stats differ here?
import { formatBytes } from '../../core/quantity.js';
import type { Analysis, ContainerAnalysis } from '../../core/types.js';
import { shortener } from '../../render/layout.js';
import { BLANK, containerReason, line, titled, pad, padLeft, para, seg, wrapText, type Line } from '../format.js';
import type { ScreenModel, ScreenProps } from './model.js';
import { ScreenView } from './view.js';

const f = formatBytes;

/** The seed question, answered with this container's numbers. One sentence per entry. */
export function whyTheyDiffer(a: Analysis, c: ContainerAnalysis): string[] {
  const U = c.usageBytes;
  const inactive = c.breakdown.inactiveFileBytes;
  const active = c.breakdown.activeFileBytes;
  const shmem = c.breakdown.shmemBytes;
  const top = c.views.kubectlTopBytes;
  const docker = c.views.dockerStatsBytes;
  const legacy = c.views.dockerStatsLegacyBytes;
  const v1 = a.cgroup?.version === 'v1';
  const out: string[] = [];
  if (U === null) {
    out.push(
      `Unknown here: the usage of ${c.name} was not read (${containerReason(a, c)}), so the tools cannot be compared.`,
    );
    return out;
  }
  if (inactive === null) {
    out.push(
      `Only the kubelet's own figures were read for ${c.name} (working set ${f(c.workingSetBytes)}, usage ${f(U)}), without memory.stat, so the page cache split that makes the tools differ is unknown (?).`,
    );
    return out;
  }
  out.push(`kubectl top reports the kubelet's working set: usage ${f(U)} − inactive_file ${f(inactive)} = ${f(top)}.`);
  if (docker !== null && top !== null && docker === top) {
    out.push(`docker stats since 20.10 uses the same formula, so it shows the same ${f(docker)}.`);
  } else if (docker !== null) {
    out.push(
      `docker stats since 20.10 shows ${f(docker)}: inactive_file (${f(inactive)}) is not below usage, so it shows the whole usage while kubectl top floors at ${f(top)}.`,
    );
  }
  if (legacy !== null && top !== null) {
    const cacheName = v1 ? 'cache' : 'file';
    const gap = top - legacy;
    const cache = c.cacheBytes;
    if (gap > 0) {
      const parts = active !== null && active > 0 ? [`active_file ${f(active)}`] : [];
      if (shmem !== null && shmem > 0) parts.push(`shmem ${f(shmem)}`);
      out.push(
        `docker stats 17.06–19.03 shows ${f(legacy)}: it subtracts all of ${cacheName} (${f(cache)}), not just inactive_file, so it leaves out ${f(gap)} more: the ${parts.join(' and ')} that kubectl top still counts.`,
      );
      if (active !== null && active > 0)
        out.push(
          `That ${f(active)} of recently used page cache is reclaimable, but only after the kernel ages it to the inactive list; it still counts toward eviction ranking.`,
        );
      if (shmem !== null && shmem > 0)
        out.push(
          `The ${f(shmem)} of shmem (tmpfs, /dev/shm) is not reclaimable without swap, yet old docker stats hides it as "cache".`,
        );
    } else if (gap === 0) {
      out.push(
        `docker stats 17.06–19.03 (usage − ${cacheName}) agrees too: this container has no active page cache or shmem, so ${cacheName} = inactive_file.`,
      );
    } else {
      out.push(
        `docker stats 17.06–19.03 (usage − ${cacheName}) shows ${f(legacy)}, ${f(-gap)} more than kubectl top: ${cacheName} (${f(cache)}) is smaller than inactive_file here, which happens when the counters were read at slightly different moments.`,
      );
    }
  }
  out.push(
    `None of them is what the kernel compares with the limit: that is usage, ${f(U)}${c.cgroupLimitBytes !== null ? ` of ${f(c.cgroupLimitBytes)}` : ''}.`,
  );
  return out;
}

const LABEL_W = 16;
const NUM_W = 9;

interface ToolRow {
  label: string;
  value: number | null;
  formula: string;
  source: string | undefined;
}

/** What each tool shows for this container, with its formula on this container's numbers. */
function toolRows(c: ContainerAnalysis): ToolRow[] {
  const v = c.views;
  const b = c.breakdown;
  const minus = (x: number | null) => (x === null ? '?' : f(x));
  return [
    {
      label: 'kubectl top',
      value: v.kubectlTopBytes,
      formula: `usage − inactive_file = ${minus(c.usageBytes)} − ${minus(b.inactiveFileBytes)} (working set, floored at 0)`,
      source: c.sources.kubectlTopBytes,
    },
    {
      label: 'docker stats',
      value: v.dockerStatsBytes,
      formula: `docker ≥ 20.10: usage − inactive_file = ${minus(c.usageBytes)} − ${minus(b.inactiveFileBytes)} (usage when inactive_file ≥ usage)`,
      source: c.sources.dockerStatsBytes,
    },
    {
      label: 'docker ≤ 19.03',
      value: v.dockerStatsLegacyBytes,
      formula: `usage − cache = ${minus(c.usageBytes)} − ${minus(c.cacheBytes)} (all page cache, incl. active and shmem)`,
      source: c.sources.dockerStatsLegacyBytes,
    },
    {
      label: 'kubelet rss',
      value: c.rssBytes,
      formula: 'anon memory only (v1 total_rss, v2 anon): no page cache, no shmem, no kernel',
      source: c.sources.rssBytes,
    },
    {
      label: 'usage',
      value: c.usageBytes,
      formula: 'everything charged to the cgroup: what the kernel compares with memory.max',
      source: c.sources.usageBytes,
    },
  ];
}

/** One tool: its label and number, the formula wrapped beside, then its source (or why it is unknown), dim. */
function toolRowLines(r: ToolRow, note: string | null, width: number): Line[] {
  const indent = LABEL_W + NUM_W + 2;
  const formula = wrapText(r.formula, width - indent);
  const lines = [
    line(
      seg(pad(r.label, LABEL_W), { bold: true }),
      seg(padLeft(f(r.value), NUM_W), { bold: true }),
      '  ',
      formula[0] ?? '',
    ),
  ];
  for (const x of formula.slice(1)) lines.push(line(' '.repeat(indent), x));
  if (note !== null)
    for (const x of wrapText(note, width - indent)) lines.push(line(' '.repeat(indent), seg(x, { dim: true })));
  return lines;
}

/** The tools table: a header row, then each tool. */
function toolTableLines(a: Analysis, c: ContainerAnalysis, width: number): Line[] {
  const short = shortener(a);
  const lines = [line(seg(`${pad('TOOL', LABEL_W)}${padLeft('SHOWS', NUM_W)}  FORMULA`, { dim: true }))];
  for (const r of toolRows(c)) {
    const note = r.source ? `[${short(r.source)}]` : r.value === null ? `unknown: ${containerReason(a, c)}` : null;
    lines.push(...toolRowLines(r, note, width));
  }
  return lines;
}

/** With several containers: kubectl top pod's sum of their working sets (and the pod cgroup's own). */
function podSumLines(a: Analysis, width: number): Line[] {
  if (a.containers.length <= 1) return [];
  const sum = a.containers.reduce<number | null>(
    (acc, x) => (acc === null || x.workingSetBytes === null ? null : acc + x.workingSetBytes),
    0,
  );
  return [
    BLANK,
    ...para(
      `kubectl top pod shows the sum of the containers' working sets: ${f(sum)}${a.podLevel ? ` (the pod cgroup itself, with the pause container: ${f(a.podLevel.workingSetBytes)})` : ''}.`,
      width,
      { style: { dim: true } },
    ),
  ];
}

/** The cAdvisor metrics (Prometheus, Grafana), one line each so the tools above stay on screen. */
function prometheusLines(c: ContainerAnalysis, width: number): Line[] {
  const prom = c.views.prometheus;
  if (!prom.length) return [];
  const lines = [BLANK, line(seg('In Prometheus / Grafana (cAdvisor)', { bold: true, color: 'cyan' }))];
  for (const v of prom) {
    const same =
      v.metric === 'container_memory_working_set_bytes' ? 'kubectl top (working set)' : v.computedAs.split(' (')[0];
    lines.push(
      line(
        seg(pad(v.metric, 35), { bold: true }),
        seg(padLeft(f(v.bytes), NUM_W), { bold: true }),
        seg(`  = ${same}`, { dim: true }),
      ),
    );
  }
  for (const x of wrapText(`[${prom[0]?.cadvisorSource ?? ''}]`, width - 4))
    lines.push(line('    ', seg(x, { dim: true })));
  return lines;
}

export function toolsModel({ analysis: a, nav, width }: ScreenProps): ScreenModel {
  const c = a.containers[nav.container];
  if (!c) return { lines: [line('No containers in the pod spec.')] };
  const lines: Line[] = [
    ...titled(`Container ${c.name}`, 'one cgroup, read by different tools', width),
    BLANK,
    line(seg('Why kubectl top and docker stats differ here', { bold: true, color: 'cyan' })),
  ];
  for (const s of whyTheyDiffer(a, c)) lines.push(...para(s, width, { prefix: '· ' }));
  lines.push(BLANK, ...toolTableLines(a, c, width), ...podSumLines(a, width), ...prometheusLines(c, width));
  return { subtitle: c.name, lines };
}

export function ToolsScreen(props: ScreenProps & { color: boolean }) {
  return (
    <ScreenView
      model={toolsModel(props)}
      height={props.height}
      selected={props.nav.selected.tools}
      color={props.color}
    />
  );
}
