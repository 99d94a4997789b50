// The one list of cgroup memory files memwhy uses: the node reader script prints exactly these per cgroup
// directory (src/kube/reader-script.ts), and the parser recognises the cgroup version from them (./cgroup.ts).
// To use a new cgroup file: add it at the END of its list (the reader prints them in this order; goldens follow),
// then read it in `readLevel` (./cgroup.ts).

/** Files read per cgroup directory on cgroup v2. `cgroup.controllers` is read at the root only. */
export const V2_CGROUP_FILES = [
  'memory.current',
  'memory.max',
  'memory.peak',
  'memory.stat',
  'memory.events',
  'memory.events.local',
  'memory.pressure',
  'memory.high',
  'memory.low',
  'memory.min',
  'memory.swap.current',
  'memory.swap.max',
  'memory.oom.group',
  'memory.swap.events',
] as const;

/** Files read per cgroup directory of the cgroup v1 memory controller (its tree is mounted at `memory/`). */
export const V1_CGROUP_FILES = [
  'memory.usage_in_bytes',
  'memory.limit_in_bytes',
  'memory.max_usage_in_bytes',
  'memory.failcnt',
  'memory.stat',
  'memory.oom_control',
  'memory.soft_limit_in_bytes',
  'memory.memsw.usage_in_bytes',
  'memory.memsw.limit_in_bytes',
  'memory.kmem.usage_in_bytes',
  'memory.memsw.failcnt',
  'memory.memsw.max_usage_in_bytes',
  'memory.use_hierarchy',
] as const;

/** Both versions share these names; they do not tell v1 from v2. */
const SHARED = new Set<string>(['memory.stat', 'memory.pressure']);

/** Names only the v2 memory controller has. */
export const V2_ONLY_CGROUP_FILES: ReadonlySet<string> = new Set(V2_CGROUP_FILES.filter((f) => !SHARED.has(f)));

/** Names of the v1 memory controller's files (memory.stat included: v1 is told by the `memory/` prefix). */
export const V1_CGROUP_FILE_SET: ReadonlySet<string> = new Set(V1_CGROUP_FILES);
