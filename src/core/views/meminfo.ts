// /proc/meminfo and what `free` prints from it, so the node view can say why `free` shows room while
// `kubectl top node` shows a full node: the working set keeps active page cache, `available` counts it as
// reclaimable (kernel Documentation/filesystems/proc.rst, MemAvailable).
export type Meminfo = Record<string, number>;

/** `Key:   123 kB` lines → bytes (lines without a unit, e.g. HugePages_Total, are counts). */
export function parseMeminfo(text: string): Meminfo | null {
  const out: Meminfo = {};
  for (const line of text.split('\n')) {
    const m = /^([A-Za-z0-9_()]+):\s+(\d+)(?:\s+(kB))?\s*$/.exec(line.trim());
    if (m) out[m[1] as string] = Number(m[2]) * (m[3] ? 1024 : 1);
  }
  return typeof out.MemTotal === 'number' ? out : null;
}

export interface FreeView {
  totalBytes: number;
  freeBytes: number | null;
  /** Buffers + Cached + SReclaimable, as procps-ng `free` computes buff/cache. */
  buffCacheBytes: number | null;
  /** total − free − buff/cache (procps-ng's classic "used"). */
  usedBytes: number | null;
  /** MemAvailable: the kernel's estimate of what can be had without swapping. */
  availableBytes: number | null;
  shmemBytes: number | null;
  /** Active(file): page cache the working set keeps. */
  activeFileBytes: number | null;
}

export function freeView(m: Meminfo): FreeView {
  const get = (k: string) => (typeof m[k] === 'number' ? (m[k] as number) : null);
  const buffers = get('Buffers');
  const cached = get('Cached');
  const sreclaimable = get('SReclaimable');
  const buffCache = buffers === null || cached === null ? null : buffers + cached + (sreclaimable ?? 0);
  const free = get('MemFree');
  const total = m.MemTotal as number;
  return {
    totalBytes: total,
    freeBytes: free,
    buffCacheBytes: buffCache,
    usedBytes: free === null || buffCache === null ? null : total - free - buffCache,
    availableBytes: get('MemAvailable'),
    shmemBytes: get('Shmem'),
    activeFileBytes: get('Active(file)'),
  };
}
