// The node reader's output (src/kube/reader-node-script.ts) → the node-level cgroup files and /proc/meminfo,
// verified by the pod reader's frame parser (../frames.ts). Pure; never throws.
import { parseFrames } from '../frames.js';
import type { CgroupFiles } from '../types.js';

/** The key the node reader prints /proc/meminfo under. */
export const MEMINFO_KEY = 'proc/meminfo';

export interface NodeFrames {
  files: CgroupFiles;
  meminfo: string | null;
  complete: boolean;
  /** What was wrong (a cut log, a failed checksum, a file the reader could not read). */
  problems: string[];
  /** The reader gave up (`=== FATAL`): no memory cgroup at its root, a bad argument, no awk. */
  fatal: string | null;
}

export function parseNodeFrames(log: string): NodeFrames {
  const parsed = parseFrames(log);
  const files: CgroupFiles = {};
  for (const [key, text] of Object.entries(parsed.files)) if (key !== MEMINFO_KEY) files[key] = text;
  return {
    files,
    meminfo: parsed.files[MEMINFO_KEY] ?? null,
    complete: parsed.complete,
    problems: [...parsed.problems, ...parsed.errors.map((e) => `${e.path}: ${e.reason}`)],
    fatal: parsed.fatal,
  };
}
