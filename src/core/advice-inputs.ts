// The numbers a sizing advice rests on, gathered from a finished analysis: the unreclaimable floor, the
// kernel's peak, the memory at the last OOM kill. Pure.
import { classifyCgroupPath, parseContainerId } from './cgroup.js';
import { formatBytes } from './quantity.js';
import type { Analysis, Breakdown, ContainerAnalysis, KernelOomEvent, KPod } from './types.js';

export interface Floor {
  bytes: number;
  /** The sum written out, e.g. `anon 120Mi + shmem 0 + unreclaimable kernel 3.2Mi`. */
  text: string;
}

/**
 * anon + shmem + the kernel memory that cannot be reclaimed. v2 splits slab: slab_reclaimable is left out;
 * v1 memory.kmem.usage_in_bytes cannot be split, so all of it counts (an over-estimate by its reclaimable slab).
 */
export function unreclaimableFloor(b: Breakdown): Floor | null {
  if (b.anonBytes === null) return null;
  const shmem = b.shmemBytes ?? 0;
  const reclaimableSlab = b.kernelParts.slab_reclaimable ?? 0;
  const kernel = b.kernelBytes === null ? null : Math.max(0, b.kernelBytes - reclaimableSlab);
  const kernelText =
    kernel === null
      ? 'kernel memory unknown'
      : `unreclaimable kernel ${formatBytes(kernel)}${reclaimableSlab > 0 ? ` (kernel ${formatBytes(b.kernelBytes)} − slab_reclaimable ${formatBytes(reclaimableSlab)})` : ''}`;
  return {
    bytes: b.anonBytes + shmem + (kernel ?? 0),
    text: `anon ${formatBytes(b.anonBytes)} + shmem ${formatBytes(shmem)} + ${kernelText}`,
  };
}

export interface OomUsage {
  bytes: number;
  source: string;
  /** When the kill happened (the container's lastState.finishedAt), when known. */
  at?: string | null;
}

/** Every container ID (current and earlier instances) the pod status gives for a container. */
export function containerIdsOf(pod: KPod, name: string): Set<string> {
  const ids = new Set<string>();
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])];
  for (const s of statuses.filter((x) => x.name === name)) {
    for (const raw of [s.containerID, s.lastState?.terminated?.containerID, s.state?.terminated?.containerID]) {
      const id = raw ? parseContainerId(raw)?.id : null;
      if (id) ids.add(id);
    }
  }
  return ids;
}

function rssSum(e: KernelOomEvent): number | null {
  if (e.anonRssBytes === null && e.fileRssBytes === null && e.shmemRssBytes === null) return null;
  return (e.anonRssBytes ?? 0) + (e.fileRssBytes ?? 0) + (e.shmemRssBytes ?? 0);
}

/**
 * The memory at the container's last OOM kill in the kernel log: the killed process's anon-rss + file-rss +
 * shmem-rss, at most the usage the kernel printed for the cgroup whose limit fired when that cgroup holds the
 * container (file-rss also counts mapped files charged to other cgroups, such as the runtime's binary), and
 * that usage itself when the container's own limit fired.
 */
export function kernelOomUsage(a: Analysis, ids: Set<string>): OomUsage | null {
  const mine = a.kernelOoms.filter((e) => {
    const task = e.taskMemcg ? classifyCgroupPath(e.taskMemcg).containerId : null;
    return task !== null && ids.has(task);
  });
  const last = mine[mine.length - 1];
  if (!last) return null;
  const rss = rssSum(last);
  const memcg = last.oomMemcg ? classifyCgroupPath(last.oomMemcg) : null;
  const own = memcg?.level === 'container' && memcg.containerId !== null && ids.has(memcg.containerId);
  const holds =
    own ||
    (memcg?.level === 'pod' &&
      last.taskMemcg !== null &&
      last.oomMemcg !== null &&
      last.taskMemcg.startsWith(last.oomMemcg));
  const usage = holds ? last.memcgUsageBytes : null;
  const pid = `pid ${last.pid ?? '?'}`;
  if (usage !== null && (own || rss === null || rss > usage)) {
    return {
      bytes: usage,
      source: `kernel.log: the ${own ? 'container' : 'pod'} cgroup's usage at the kill (${pid})${!own && rss !== null ? `, below the victim's rss ${formatBytes(rss)}` : ''}`,
    };
  }
  if (rss !== null)
    return {
      bytes: rss,
      source: `kernel.log: anon-rss + file-rss + shmem-rss of the killed ${last.task ?? 'process'} (${pid})`,
    };
  return null;
}

/** Without a kernel log: a container OOM-killed at its own limit used (at least) that limit. */
export function inferredOomUsage(a: Analysis, c: ContainerAnalysis): OomUsage | null {
  const v = a.verdicts.find((x) => x.kind === 'OOMKilled' && x.container === c.name && x.level === 'container');
  const limit = c.cgroupLimitBytes ?? c.limitBytes;
  if (!v || limit === null) return null;
  return { bytes: limit, source: 'the container limit it was OOM-killed at (inferred from the pod status)' };
}

/** Seconds from `since` to `now`, null when either is missing or unparseable (or `since` is in the future). */
export function secondsBetween(since: string | null, now: string): number | null {
  if (!since) return null;
  const s = Date.parse(since);
  const n = Date.parse(now);
  if (!Number.isFinite(s) || !Number.isFinite(n) || n < s) return null;
  return Math.round((n - s) / 1000);
}

/** 3 minutes, 5.2 hours, 12 days. */
export function formatDuration(seconds: number | null): string {
  if (seconds === null) return 'an unknown time';
  if (seconds < 120) return `${seconds} seconds`;
  if (seconds < 7200) return `${Math.round(seconds / 60)} minutes`;
  if (seconds < 172800) return `${(seconds / 3600).toFixed(1)} hours`;
  return `${(seconds / 86400).toFixed(1)} days`;
}
