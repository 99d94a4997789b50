// Memory figures of one cgroup, computed the way each tool computes them, with the source of every number.
//
//   working set (kubelet, cAdvisor, metrics-server, kubectl top) = usage − inactive_file, floored at 0
//   docker stats ≥ 20.10                                        = usage − inactive_file if that is < usage, else usage
//   docker stats 17.06 … 19.03                                  = usage − cache
//   kubelet rssBytes                                            = v1 total_rss, v2 anon
// On cgroup v1 the hierarchical `total_` keys are used, as cAdvisor does.
import type { Breakdown, CgroupLevel, CgroupVersion, MemoryFigures, PrometheusView, SummaryMemory } from './types.js';

/** Where cAdvisor defines the metrics and where it fills them from the cgroup files. */
const CADVISOR_SOURCE = 'cAdvisor metrics/prometheus.go; container/libcontainer/handler.go';

/**
 * The cAdvisor metrics these figures equal (the kubelet's /metrics/cadvisor, what Grafana dashboards plot).
 * `version` null: the figures came from the kubelet Summary API, which shares cAdvisor's working set and usage.
 */
export function prometheusViews(
  version: CgroupVersion | null,
  f: Pick<MemoryFigures, 'usageBytes' | 'workingSetBytes' | 'rssBytes' | 'cacheBytes' | 'peakBytes'>,
): PrometheusView[] {
  const v1 = version === 'v1';
  const usage = version === null ? 'kubelet Summary usageBytes' : v1 ? 'memory.usage_in_bytes' : 'memory.current';
  const inactive = v1 ? 'memory.stat total_inactive_file' : 'memory.stat inactive_file';
  const view = (metric: string, bytes: number | null, computedAs: string): PrometheusView => ({
    metric,
    bytes,
    computedAs,
    cadvisorSource: CADVISOR_SOURCE,
  });
  const out = [
    view(
      'container_memory_working_set_bytes',
      f.workingSetBytes,
      version === null
        ? 'kubelet Summary workingSetBytes (the same computation)'
        : `${usage} − ${inactive}, floored at 0`,
    ),
    view('container_memory_usage_bytes', f.usageBytes, usage),
    view(
      'container_memory_rss',
      f.rssBytes,
      version === null ? 'kubelet Summary rssBytes' : v1 ? 'memory.stat total_rss' : 'memory.stat anon',
    ),
  ];
  if (version === null) return out;
  out.push(view('container_memory_cache', f.cacheBytes, v1 ? 'memory.stat total_cache' : 'memory.stat file'));
  out.push(
    view(
      'container_memory_max_usage_bytes',
      f.peakBytes,
      v1
        ? 'memory.max_usage_in_bytes'
        : 'memory.peak (0 where the runtime library does not read it; absent before kernel 5.19)',
    ),
  );
  return out;
}

/** Kernel memory parts reported in v2 memory.stat. `kernel` (5.18+) already holds all but `sock`. */
const KERNEL_PARTS = [
  'kernel_stack',
  'pagetables',
  'sec_pagetables',
  'percpu',
  'vmalloc',
  'slab_reclaimable',
  'slab_unreclaimable',
] as const;

function sub(a: number | null, b: number | null): number | null {
  return a === null || b === null ? null : a - b;
}

function sumKnown(...values: Array<number | null>): number | null {
  return values.some((v) => v === null) ? null : values.reduce<number>((s, v) => s + (v as number), 0);
}

export function emptyBreakdown(): Breakdown {
  return {
    anonBytes: null,
    activeAnonBytes: null,
    inactiveAnonBytes: null,
    fileBytes: null,
    activeFileBytes: null,
    inactiveFileBytes: null,
    shmemBytes: null,
    kernelBytes: null,
    kernelParts: {},
    otherBytes: null,
  };
}

export function emptyFigures(): MemoryFigures {
  return {
    usageBytes: null,
    workingSetBytes: null,
    rssBytes: null,
    cacheBytes: null,
    peakBytes: null,
    cgroupLimitBytes: null,
    breakdown: emptyBreakdown(),
    views: { kubectlTopBytes: null, dockerStatsBytes: null, dockerStatsLegacyBytes: null, prometheus: [] },
    sources: {},
  };
}

/** Working set as cAdvisor computes it: usage − inactive_file, never below 0; usage when the key is absent. */
export function workingSet(usage: number | null, inactiveFile: number | null): number | null {
  if (usage === null) return null;
  if (inactiveFile === null) return usage;
  return Math.max(0, usage - inactiveFile);
}

/** Kernel memory charged to the cgroup, its parts, and where the number came from. */
function kernelMemory(
  level: CgroupLevel,
  get: (name: string) => number | null,
  where: string,
  statFile: string,
): { bytes: number | null; parts: Record<string, number>; source: string } {
  const parts: Record<string, number> = {};
  if (level.version === 'v1') {
    const bytes = level.kmemUsageBytes;
    if (bytes !== null) parts.kmem = bytes;
    return { bytes, parts, source: `${where}/memory.kmem.usage_in_bytes` };
  }
  for (const p of KERNEL_PARTS) {
    const v = get(p);
    if (v !== null) parts[p] = v;
  }
  const sock = get('sock');
  if (sock !== null) parts.sock = sock;
  const kernelKey = get('kernel');
  const slab = get('slab') ?? sumKnown(get('slab_reclaimable'), get('slab_unreclaimable'));
  const known = sumKnown(get('kernel_stack'), get('pagetables'), get('percpu'), slab);
  const base = kernelKey ?? (known === null ? null : known + (get('sec_pagetables') ?? 0) + (get('vmalloc') ?? 0));
  // Socket buffers are charged to memory.current but are not part of the `kernel` counter.
  return {
    bytes: base === null ? null : base + (sock ?? 0),
    parts,
    source:
      kernelKey !== null
        ? `${statFile} kernel + sock`
        : `${statFile} kernel_stack + pagetables + percpu + slab (+ sec_pagetables, vmalloc, sock)`,
  };
}

/** Figures of one cgroup level read from its files. `where` is the path shown as the source (e.g. `cgroup/memory/kubepods/…`). */
export function figuresFromLevel(level: CgroupLevel, where: string): MemoryFigures {
  const stat = level.stat ?? {};
  const v1 = level.version === 'v1';
  const key = statKey(v1);
  const get = (name: string): number | null => {
    const v = stat[name];
    return typeof v === 'number' ? v : null;
  };
  const usage = level.usageBytes;
  const inactiveFile = get(key('inactive_file'));
  const activeFile = get(key('active_file'));
  const anon = get(v1 ? 'total_rss' : 'anon');
  const cache = get(v1 ? 'total_cache' : 'file');
  const shmem = get(key('shmem'));
  const kernel = kernelMemory(level, get, where, `${where}/memory.stat`);

  const fileLru = sumKnown(activeFile, inactiveFile);
  const explained = sumKnown(anon, fileLru, shmem, kernel.bytes);
  // Without a usable memory.stat the working set is unknown (usage alone would overstate it by the page cache).
  const statUnreadable = level.unreadable.some((u) => u.file.endsWith('/memory.stat'));
  const ws = statUnreadable ? null : workingSet(usage, inactiveFile);
  const legacyCache = get(v1 ? 'cache' : 'file');

  const breakdown: Breakdown = {
    anonBytes: anon,
    activeAnonBytes: get(key('active_anon')),
    inactiveAnonBytes: get(key('inactive_anon')),
    fileBytes: fileLru,
    activeFileBytes: activeFile,
    inactiveFileBytes: inactiveFile,
    shmemBytes: shmem,
    kernelBytes: kernel.bytes,
    kernelParts: kernel.parts,
    otherBytes: sub(usage, explained),
  };
  const figures: MemoryFigures = {
    usageBytes: usage,
    workingSetBytes: ws,
    rssBytes: anon,
    cacheBytes: cache,
    peakBytes: level.peakBytes,
    cgroupLimitBytes: level.limitBytes,
    breakdown,
    views: {
      kubectlTopBytes: ws,
      dockerStatsBytes: statUnreadable ? null : dockerStatsBytes(usage, inactiveFile),
      dockerStatsLegacyBytes: usage === null || legacyCache === null ? null : usage - legacyCache,
      prometheus: [],
    },
    sources: levelSources(where, v1, kernel.source),
  };
  figures.views.prometheus = prometheusViews(level.version, figures);
  return figures;
}

/** The memory.stat key of a figure: v1's hierarchical total_* keys, like cAdvisor; v2 keys are always hierarchical. */
function statKey(v1: boolean): (name: string) => string {
  return (name) => (v1 ? `total_${name}` : name);
}

/** docker stats ≥ 20.10: usage − inactive_file when that is less than usage, else usage. */
function dockerStatsBytes(usage: number | null, inactiveFile: number | null): number | null {
  if (usage === null) return null;
  return inactiveFile !== null && inactiveFile < usage ? usage - inactiveFile : usage;
}

/** Which file (and key) each figure of a level comes from. */
function levelSources(where: string, v1: boolean, kernelSource: string): MemoryFigures['sources'] {
  const key = statKey(v1);
  const statFile = `${where}/memory.stat`;
  const usageFile = `${where}/${v1 ? 'memory.usage_in_bytes' : 'memory.current'}`;
  const k = (n: string) => `${statFile} ${key(n)}`;
  return {
    usageBytes: usageFile,
    workingSetBytes: `${usageFile} − ${k('inactive_file')}`,
    rssBytes: `${statFile} ${v1 ? 'total_rss' : 'anon'}`,
    cacheBytes: `${statFile} ${v1 ? 'total_cache' : 'file'}`,
    peakBytes: `${where}/${v1 ? 'memory.max_usage_in_bytes' : 'memory.peak'}`,
    cgroupLimitBytes: `${where}/${v1 ? 'memory.limit_in_bytes' : 'memory.max'}`,
    anonBytes: `${statFile} ${v1 ? 'total_rss' : 'anon'}`,
    activeAnonBytes: k('active_anon'),
    inactiveAnonBytes: k('inactive_anon'),
    fileBytes: `${k('active_file')} + ${key('inactive_file')}`,
    activeFileBytes: k('active_file'),
    inactiveFileBytes: k('inactive_file'),
    shmemBytes: k('shmem'),
    kernelBytes: kernelSource,
    otherBytes: 'usage − (anon + file + shmem + kernel)',
    kubectlTopBytes: `${usageFile} − ${k('inactive_file')}`,
    dockerStatsBytes: `${usageFile} − ${k('inactive_file')} (docker ≥ 20.10)`,
    dockerStatsLegacyBytes: `${usageFile} − ${statFile} ${v1 ? 'cache' : 'file'} (docker ≤ 19.03)`,
  };
}

/** Figures from the kubelet Summary API when no cgroup files are at hand. */
export function figuresFromSummary(memory: SummaryMemory, where: string): MemoryFigures {
  const f = emptyFigures();
  const num = (v: number | undefined) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
  f.usageBytes = num(memory.usageBytes);
  f.workingSetBytes = num(memory.workingSetBytes);
  f.rssBytes = num(memory.rssBytes);
  f.views.kubectlTopBytes = f.workingSetBytes;
  const available = num(memory.availableBytes);
  // The kubelet reports availableBytes = limit − workingSet only when the cgroup has a limit.
  if (available !== null && f.workingSetBytes !== null) f.cgroupLimitBytes = available + f.workingSetBytes;
  for (const n of ['usageBytes', 'workingSetBytes', 'rssBytes'] as const)
    if (f[n] !== null) f.sources[n] = `${where}.${n}`;
  if (f.workingSetBytes !== null) f.sources.kubectlTopBytes = `${where}.workingSetBytes`;
  if (f.cgroupLimitBytes !== null) f.sources.cgroupLimitBytes = `${where}.availableBytes + workingSetBytes`;
  f.views.prometheus = prometheusViews(null, f);
  return f;
}

/** Figures from metrics.k8s.io (working set only). */
export function figuresFromMetrics(workingSetBytes: number, where: string): MemoryFigures {
  const f = emptyFigures();
  f.workingSetBytes = workingSetBytes;
  f.views.kubectlTopBytes = workingSetBytes;
  f.sources.workingSetBytes = where;
  f.sources.kubectlTopBytes = where;
  return f;
}
