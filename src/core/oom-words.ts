// Words for an OOM kill that cannot be misread: a process name is quoted and called a process (a process named
// `node` is not the Kubernetes node), an RSS above the limit says why that is possible, and a kill that left the
// container running is not called the container's death.
import { formatBytes } from './quantity.js';
import type { KernelOomEvent } from './types.js';

/** `process "node" (pid 13771` — the caller closes the parenthesis after its own details. */
export function killedProcess(k: KernelOomEvent): string {
  return `process ${k.task === null ? '?' : JSON.stringify(k.task)} (pid ${k.pid ?? '?'}`;
}

/**
 * When the killed process's resident pages exceed the limit that fired: why that is possible (cgroup-v2.rst
 * "Memory Ownership": a page is charged once, to the cgroup that first touched it).
 */
export function rssAboveLimit(k: KernelOomEvent): string {
  const rss = (k.anonRssBytes ?? 0) + (k.fileRssBytes ?? 0);
  if (k.memcgLimitBytes === null || rss <= k.memcgLimitBytes) return '';
  return (
    ` Its RSS (anon ${formatBytes(k.anonRssBytes)} + file ${formatBytes(k.fileRssBytes)}) is above the ${formatBytes(k.memcgLimitBytes)} limit because RSS counts every page the process maps, ` +
    'while the limit counts the pages charged to the cgroup: each page is charged once, to the cgroup that first touched it, so shared pages and pages from before the process joined this cgroup count in one and not the other.'
  );
}

/** The verdict's sentence: the container was killed (it restarted or ended), or only a process in it was. */
export function oomSummary(container: string, byWhat: string | null, containerEnded: boolean): string {
  const who = containerEnded
    ? `Container ${container} was OOM-killed`
    : `A process in container ${container} was OOM-killed`;
  const kept = containerEnded ? '' : '; the container kept running';
  return byWhat !== null
    ? `${who} by ${byWhat}${kept}.`
    : `${who}${kept}; which limit fired is unknown without the kernel log or cgroup counters.`;
}

/** Where the log before the kill is: the previous instance after a restart, else the running one. */
export function logsStep(pod: string, container: string, restarted: boolean): string {
  return restarted
    ? `Read the last log before the kill: kubectl logs ${pod} -c ${container} --previous`
    : `Read the log around the kill: kubectl logs ${pod} -c ${container} (the container did not restart, so there is no --previous)`;
}
