// cgroup memory files: parsing them, and finding a pod's cgroups in a snapshot of /sys/fs/cgroup.
//
// Pure: no I/O, no clock. Input is `CgroupFiles` (path relative to the node's /sys/fs/cgroup → text).
// Kernel references: Documentation/admin-guide/cgroup-v2.rst ("Memory Interface Files") and
// Documentation/admin-guide/cgroup-v1/memory.rst; naming rules of kubelet/runtimes: docs/memory-facts.md §5, §6.
//
// Convention (types.ts): an absent file or key, or text that does not parse, is `null` — never 0. Nothing
// here throws on garbage or truncated text.

import { V1_CGROUP_FILE_SET, V2_ONLY_CGROUP_FILES } from './cgroup-files.js';
import { parseKernelInt, UNLIMITED_THRESHOLD } from './quantity.js';
import type {
  CgroupDriver,
  CgroupFiles,
  CgroupLevel,
  CgroupLocation,
  CgroupVersion,
  ContainerRuntime,
  MemoryEvents,
  Psi,
  PsiLine,
  UnreadableFile,
} from './types.js';

export type OomControl = NonNullable<CgroupLevel['oomControl']>;
export type QosLevel = 'burstable' | 'besteffort';

// ---------------------------------------------------------------------------------------------
// Single files

/** The key grammar of the kernel's flat-keyed files (lower-case words joined by `_`, digits allowed). */
const FLAT_KEY = /^[a-z][a-z0-9_]*$/i;

/**
 * Parses a "flat keyed" file (memory.stat, memory.events, memory.oom_control, memory.swap.events): one
 * `key value` pair per line. Malformed lines are skipped; the first occurrence of a key wins.
 * null when nothing parses.
 */
function parseFlatKeyed(text: string | null | undefined): Map<string, number> | null {
  if (typeof text !== 'string') return null;
  const out = new Map<string, number>();
  for (const line of text.split('\n')) {
    const parts = line.trim().split(/\s+/);
    if (parts.length !== 2) continue;
    const [key, raw] = parts as [string, string];
    if (!FLAT_KEY.test(key) || out.has(key)) continue;
    const value = parseKernelInt(raw);
    if (value !== null) out.set(key, value);
  }
  return out.size > 0 ? out : null;
}

/**
 * memory.stat → every key as the kernel wrote it. v2 values are bytes (event counters such as `pgfault` are
 * counts); v1 has the local keys and the hierarchical `total_<key>` ones. The key set grows with the kernel,
 * so callers look keys up by name. Values may be negative on some kernels (per-CPU batching); kept as is.
 */
export function parseMemoryStat(text: string | null | undefined): Record<string, number> | null {
  const kv = parseFlatKeyed(text);
  return kv === null ? null : Object.fromEntries(kv);
}

/** v2 memory.events / memory.events.local. `oom_group_kill` exists since kernel 5.17; absent keys are null. */
export function parseMemoryEvents(text: string | null | undefined): MemoryEvents | null {
  const kv = parseFlatKeyed(text);
  if (kv === null) return null;
  const events: MemoryEvents = {
    low: kv.get('low') ?? null,
    high: kv.get('high') ?? null,
    max: kv.get('max') ?? null,
    oom: kv.get('oom') ?? null,
    oomKill: kv.get('oom_kill') ?? null,
    oomGroupKill: kv.get('oom_group_kill') ?? null,
  };
  return Object.values(events).some((v) => v !== null) ? events : null;
}

/** `0`/`1` → boolean; anything else → null. */
function toFlag(value: number | null | undefined): boolean | null {
  return value === 0 ? false : value === 1 ? true : null;
}

/** v1 memory.oom_control: `oom_kill_disable`, `under_oom`, and `oom_kill` (a counter, kernel 4.13+). */
export function parseOomControl(text: string | null | undefined): OomControl | null {
  const kv = parseFlatKeyed(text);
  if (kv === null) return null;
  const oc: OomControl = {
    oomKillDisable: toFlag(kv.get('oom_kill_disable')),
    underOom: toFlag(kv.get('under_oom')),
    oomKill: kv.get('oom_kill') ?? null,
  };
  return oc.oomKillDisable !== null || oc.underOom !== null || oc.oomKill !== null ? oc : null;
}

const PSI_AVG = /^\d+(?:\.\d+)?$/;

/** One PSI line after its `some`/`full` word: `avg10=0.00 avg60=0.00 avg300=0.00 total=123`. */
function parsePsiFields(fields: string[]): PsiLine | null {
  const values = new Map<string, string>();
  for (const field of fields) {
    const eq = field.indexOf('=');
    if (eq > 0) values.set(field.slice(0, eq), field.slice(eq + 1));
  }
  const avg = (name: string): number | null => {
    const v = values.get(name);
    return v !== undefined && PSI_AVG.test(v) ? Number(v) : null;
  };
  const avg10 = avg('avg10');
  const avg60 = avg('avg60');
  const avg300 = avg('avg300');
  const total = parseKernelInt(values.get('total'));
  if (avg10 === null || avg60 === null || avg300 === null || total === null || total < 0) return null;
  return { avg10, avg60, avg300, totalUsec: total };
}

/**
 * memory.pressure (PSI; same format as /proc/pressure/memory): a `some` and a `full` line. Averages are
 * percentages of wall time, `total` is cumulative stall time in microseconds. A line that does not parse
 * completely is null; null when neither parses.
 */
export function parsePsi(text: string | null | undefined): Psi | null {
  if (typeof text !== 'string') return null;
  const psi: Psi = { some: null, full: null };
  for (const line of text.split('\n')) {
    const [kind, ...fields] = line.trim().split(/\s+/);
    if ((kind === 'some' || kind === 'full') && psi[kind] === null) psi[kind] = parsePsiFields(fields);
  }
  return psi.some !== null || psi.full !== null ? psi : null;
}

/**
 * A limit file (memory.max, memory.high, memory.swap.max, v1 *.limit_in_bytes, soft_limit_in_bytes).
 * v2 writes `max` for no limit; v1 writes PAGE_COUNTER_MAX in bytes (9223372036854771712 with 4K pages),
 * so any value at or above UNLIMITED_THRESHOLD is "unlimited" too. Absent or garbage → both null.
 */
export function parseLimit(text: string | null | undefined): { bytes: number | null; unlimited: boolean | null } {
  if (typeof text !== 'string') return { bytes: null, unlimited: null };
  if (text.trim() === 'max') return { bytes: null, unlimited: true };
  const n = parseKernelInt(text);
  if (n === null || n < 0) return { bytes: null, unlimited: null };
  if (n >= UNLIMITED_THRESHOLD) return { bytes: null, unlimited: true };
  return { bytes: n, unlimited: false };
}

/** A single-value byte/count file (memory.current, usage_in_bytes, failcnt …); sentinels and negatives → null. */
function parseCount(text: string | null | undefined): number | null {
  const n = parseKernelInt(text);
  return n !== null && n >= 0 && n < UNLIMITED_THRESHOLD ? n : null;
}

// ---------------------------------------------------------------------------------------------
// Version detection and reading one directory

const V2_ONLY = V2_ONLY_CGROUP_FILES;
const V1_FILES = V1_CGROUP_FILE_SET;

function baseName(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/**
 * v2 when the unified root's `cgroup.controllers` is there or any v2-only memory file is; v1 when there are v1
 * memory files under `memory/`; v2 again for a lone `memory.stat` outside `memory/` (the v2 root directory has
 * memory.stat but no memory.current). null when nothing is memory-related.
 * (A hybrid host's `unified/cgroup.controllers` is not at the top, and its memory controller is v1.)
 */
export function detectCgroupVersion(files: CgroupFiles): CgroupVersion | null {
  const keys = Object.keys(files);
  if (keys.includes('cgroup.controllers')) return 'v2';
  if (keys.some((k) => V2_ONLY.has(baseName(k)))) return 'v2';
  if (keys.some((k) => k.startsWith('memory/') && V1_FILES.has(baseName(k)))) return 'v1';
  if (keys.some((k) => baseName(k) === 'memory.stat')) return 'v2';
  return null;
}

function trimSlashes(path: string): string {
  return path.replace(/^\/+|\/+$/g, '');
}

/** The key prefix of a cgroup directory's files: `<path>/`, under `memory/` on v1; '' for the v2 root. */
function filePrefix(path: string, version: CgroupVersion): string {
  const rel = path === '' ? '' : `${path}/`;
  return version === 'v1' ? `memory/${rel}` : rel;
}

function fileText(files: CgroupFiles, key: string): string | null {
  const text = Object.hasOwn(files, key) ? files[key] : undefined;
  return typeof text === 'string' ? text : null;
}

function hasMemoryFile(files: CgroupFiles, prefix: string): boolean {
  const start = `${prefix}memory.`;
  return Object.keys(files).some((k) => k.startsWith(start) && !k.includes('/', start.length));
}

/** Keys every memory.stat has (v2 since 4.5 / v1 always): without them the file was cut short. */
const STAT_KEYS = {
  v2: ['anon', 'file', 'active_file', 'inactive_file'],
  v1: ['total_rss', 'total_cache', 'total_active_file', 'total_inactive_file'],
} as const;
const EVENT_KEYS = ['max', 'oom', 'oom_kill'];
/** Files holding one number (or a limit, `max` allowed). */
const COUNT_FILES = [
  'memory.current',
  'memory.peak',
  'memory.swap.current',
  'memory.usage_in_bytes',
  'memory.max_usage_in_bytes',
  'memory.failcnt',
  'memory.memsw.usage_in_bytes',
  'memory.kmem.usage_in_bytes',
];
const LIMIT_FILES = [
  'memory.max',
  'memory.high',
  'memory.low',
  'memory.min',
  'memory.swap.max',
  'memory.limit_in_bytes',
  'memory.soft_limit_in_bytes',
  'memory.memsw.limit_in_bytes',
];

function quoted(text: string): string {
  const t = text.trim();
  return t.length > 24 ? `"${t.slice(0, 24)}…"` : `"${t}"`;
}

/** What is wrong with a flat-keyed file (memory.stat, memory.events), or null when it is usable. */
function flatKeyedProblem(text: string, required: readonly string[]): string | null {
  if (text.trim() === '') return 'empty file';
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const bad = lines.findIndex((l) => !/^[a-z][a-z0-9_]* -?\d+$/i.test(l.trim()));
  if (bad >= 0)
    return `line ${bad + 1} is not "key value": ${quoted(lines[bad] as string)}${bad === lines.length - 1 ? ' (cut short?)' : ''}`;
  const keys = new Set(lines.map((l) => l.trim().split(/\s+/)[0]));
  const absent = required.filter((k) => !keys.has(k));
  return absent.length
    ? `truncated: no ${absent.join(', ')} key${absent.length > 1 ? 's' : ''} (the kernel always writes them)`
    : null;
}

/** Every file of the directory that is present but unusable, with the reason. */
function levelProblems(read: (name: string) => string | null, version: CgroupVersion, where: string): UnreadableFile[] {
  const out: UnreadableFile[] = [];
  const note = (name: string, problem: string | null) => {
    if (problem) out.push({ file: `${where}/${name}`, problem });
  };
  for (const name of COUNT_FILES) {
    const t = read(name);
    if (t !== null)
      note(name, t.trim() === '' ? 'empty file' : parseCount(t) === null ? `not a byte count: ${quoted(t)}` : null);
  }
  for (const name of LIMIT_FILES) {
    const t = read(name);
    if (t !== null)
      note(
        name,
        t.trim() === '' ? 'empty file' : parseLimit(t).unlimited === null ? `not a limit: ${quoted(t)}` : null,
      );
  }
  const stat = read('memory.stat');
  if (stat !== null) note('memory.stat', flatKeyedProblem(stat, STAT_KEYS[version]));
  for (const name of version === 'v2' ? ['memory.events', 'memory.events.local'] : []) {
    const t = read(name);
    if (t !== null) note(name, flatKeyedProblem(t, EVENT_KEYS));
  }
  const oc = read('memory.oom_control');
  if (oc !== null)
    note(
      'memory.oom_control',
      parseOomControl(oc) === null
        ? oc.trim() === ''
          ? 'empty file'
          : `no oom_kill_disable/under_oom/oom_kill: ${quoted(oc)}`
        : null,
    );
  const group = read('memory.oom.group');
  if (group !== null)
    note(
      'memory.oom.group',
      toFlag(parseKernelInt(group)) === null
        ? group.trim() === ''
          ? 'empty file'
          : `not 0 or 1: ${quoted(group)}`
        : null,
    );
  const psi = read('memory.pressure');
  if (psi !== null && psi.trim() !== '')
    note('memory.pressure', parsePsi(psi) === null ? `no some/full line: ${quoted(psi)}` : null);
  return out;
}

/**
 * Reads one cgroup directory. `path` is relative to the memory controller root (v1: without `memory/`;
 * '' = root). null when the directory has no memory.* file at all.
 */
export function readLevel(files: CgroupFiles, path: string, version: CgroupVersion): CgroupLevel | null {
  const dir = trimSlashes(path);
  const prefix = filePrefix(dir, version);
  if (!hasMemoryFile(files, prefix)) return null;
  const read = (name: string): string | null => fileText(files, prefix + name);
  const unreadable = levelProblems(read, version, `cgroup/${prefix.replace(/\/$/, '')}`);
  const common = {
    path: dir,
    version,
    unreadable,
    // Kept even when cut short (the keys present are what the kernel wrote); figures that need the missing
    // keys become unknown (figuresFromLevel), and the file is listed in `unreadable`.
    stat: parseMemoryStat(read('memory.stat')),
    // PSI files are a v2 feature, but kernels booted with `psi=1` and cgroup v1 may show them too.
    psi: parsePsi(read('memory.pressure')),
  };

  if (version === 'v2') {
    const max = parseLimit(read('memory.max'));
    return {
      ...common,
      usageBytes: parseCount(read('memory.current')),
      limitBytes: max.bytes,
      unlimited: max.unlimited,
      // memory.peak exists since kernel 5.19.
      peakBytes: parseCount(read('memory.peak')),
      failcnt: null,
      events: parseMemoryEvents(read('memory.events')),
      eventsLocal: parseMemoryEvents(read('memory.events.local')),
      oomControl: null,
      // memory.high/low/min accept `max` as well; a `max` here reads as null (no number to state).
      highBytes: parseLimit(read('memory.high')).bytes,
      lowBytes: parseLimit(read('memory.low')).bytes,
      minBytes: parseLimit(read('memory.min')).bytes,
      // v2 accounts swap separately from memory: swap.current/swap.max are swap only.
      swapBytes: parseCount(read('memory.swap.current')),
      swapLimitBytes: parseLimit(read('memory.swap.max')).bytes,
      oomGroup: toFlag(parseKernelInt(read('memory.oom.group'))),
      kmemUsageBytes: null,
    };
  }

  const usage = parseCount(read('memory.usage_in_bytes'));
  const limit = parseLimit(read('memory.limit_in_bytes'));
  // v1 memsw.* count memory + swap together. Swap alone is the difference; both counters are read at different
  // moments (and usage_in_bytes is batched per CPU), so the difference is floored at 0.
  const memswUsage = parseCount(read('memory.memsw.usage_in_bytes'));
  const memswLimit = parseLimit(read('memory.memsw.limit_in_bytes'));
  return {
    ...common,
    usageBytes: usage,
    limitBytes: limit.bytes,
    unlimited: limit.unlimited,
    peakBytes: parseCount(read('memory.max_usage_in_bytes')),
    failcnt: parseCount(read('memory.failcnt')),
    events: null,
    eventsLocal: null,
    oomControl: parseOomControl(read('memory.oom_control')),
    highBytes: null,
    lowBytes: parseLimit(read('memory.soft_limit_in_bytes')).bytes,
    minBytes: null,
    swapBytes: usage !== null && memswUsage !== null ? Math.max(0, memswUsage - usage) : null,
    // Swap allowance = (memory+swap limit) − memory limit, like v2's swap.max; null when either is unlimited/absent.
    swapLimitBytes:
      limit.bytes !== null && memswLimit.bytes !== null ? Math.max(0, memswLimit.bytes - limit.bytes) : null,
    oomGroup: null,
    kmemUsageBytes: parseCount(read('memory.kmem.usage_in_bytes')),
  };
}

// ---------------------------------------------------------------------------------------------
// Container IDs and kubelet/runtime cgroup naming

const HEX_ID = /^[0-9a-f]{1,64}$/i;
const SCHEMES = new Map<string, ContainerRuntime>([
  ['containerd', 'containerd'],
  ['cri-o', 'cri-o'],
  ['docker', 'docker'],
]);

/**
 * `containerStatuses[].containerID` (`containerd://<64 hex>`, `cri-o://…`, `docker://…`) → runtime and ID.
 * A bare hex ID or an unknown scheme gives runtime null. null when the ID is not hex.
 */
export function parseContainerId(statusId: string): { runtime: ContainerRuntime | null; id: string } | null {
  if (typeof statusId !== 'string') return null;
  const m = /^(?:([a-z][a-z0-9+.-]*):\/\/)?([^/]*)$/i.exec(statusId.trim());
  if (!m || !HEX_ID.test(m[2] ?? '')) return null;
  return { runtime: SCHEMES.get((m[1] ?? '').toLowerCase()) ?? null, id: (m[2] as string).toLowerCase() };
}

/**
 * The container's directory name under the pod cgroup (docs/memory-facts.md §5):
 * containerd `cri-containerd-<id>.scope` (systemd) / `<id>` (cgroupfs); CRI-O `crio-<id>.scope` / `crio-<id>`;
 * docker `docker-<id>.scope` / `<id>`. CRI-O's monitor `crio-conmon-<id>[.scope]` is not a container and does not
 * match ("conmon-…" is not hex). The pause/sandbox container matches like any other container.
 */
const CONTAINER_DIRS: Array<[RegExp, ContainerRuntime | null]> = [
  [/^cri-containerd-([0-9a-f]{1,64})\.scope$/i, 'containerd'],
  [/^crio-([0-9a-f]{1,64})(?:\.scope)?$/i, 'cri-o'],
  [/^docker-([0-9a-f]{1,64})\.scope$/i, 'docker'],
  [/^([0-9a-f]{1,64})$/i, null],
];

function containerOfDir(name: string): { runtime: ContainerRuntime | null; id: string } | null {
  for (const [re, runtime] of CONTAINER_DIRS) {
    const m = re.exec(name);
    if (m) return { runtime, id: (m[1] as string).toLowerCase() };
  }
  return null;
}

/** systemd slice unit name without `.slice`, or null when the segment is not a slice. */
function sliceName(segment: string): string | null {
  return segment.endsWith('.slice') ? segment.slice(0, -'.slice'.length) : null;
}

/*
 * The kubelet's abstract cgroup names are `kubepods[/burstable|/besteffort]/pod<uid>` (Guaranteed pods have no QoS
 * level). cgroupfs uses them as directories. The systemd driver turns each level into a slice whose unit name is
 * its parent's name plus `-<component>`, with `-` inside a component escaped as `_`:
 * `kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod<uid_>.slice`. With `--cgroup-root=/kubelet`
 * the chain starts one level up (`kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-burstable.slice/…`),
 * which is why the checks below compare with the parent's name instead of fixed strings.
 */

function kubepodsDriver(segment: string): CgroupDriver | null {
  if (segment === 'kubepods') return 'cgroupfs';
  const name = sliceName(segment);
  return name === 'kubepods' || name?.endsWith('-kubepods') ? 'systemd' : null;
}

function qosOfDir(segment: string, parent: string, driver: CgroupDriver): QosLevel | null {
  for (const qos of ['burstable', 'besteffort'] as const) {
    if (driver === 'cgroupfs' ? segment === qos : sliceName(segment) === `${sliceName(parent)}-${qos}`) return qos;
  }
  return null;
}

/** The pod UID (lower case, with dashes) named by a pod directory, or null. */
function podUidOfDir(segment: string, parent: string, driver: CgroupDriver): string | null {
  if (driver === 'cgroupfs') {
    const m = /^pod([0-9a-f][0-9a-f-]*)$/i.exec(segment);
    return m ? (m[1] as string).toLowerCase() : null;
  }
  const name = sliceName(segment);
  const start = `${sliceName(parent)}-pod`;
  if (name === null || !name.startsWith(start)) return null;
  const escaped = name.slice(start.length);
  return /^[0-9a-f][0-9a-f_]*$/i.test(escaped) ? escaped.replace(/_/g, '-').toLowerCase() : null;
}

/** A cgroup path split along the kubelet's hierarchy. Paths are joined segments without leading slash. */
interface KubepodsPath {
  level: 'kubepods' | 'qos' | 'pod' | 'container' | 'other';
  driver: CgroupDriver;
  /** Everything before the kubepods directory ('' when none). */
  prefix: string;
  kubepodsPath: string;
  qos: QosLevel | null;
  qosPath: string | null;
  podUid: string | null;
  podPath: string | null;
  container: { runtime: ContainerRuntime | null; id: string } | null;
  containerPath: string | null;
}

/**
 * Splits a path into prefix / kubepods / QoS / pod / container. The last `kubepods` segment is used, so a
 * kubelet nested inside another pod's container (kind on a v1 host, no cgroup namespace) resolves to the inner
 * pod. null when the path has no kubepods directory.
 */
function parseKubepodsPath(segments: string[]): KubepodsPath | null {
  let k = segments.length - 1;
  while (k >= 0 && kubepodsDriver(segments[k] as string) === null) k--;
  if (k < 0) return null;
  const driver = kubepodsDriver(segments[k] as string) as CgroupDriver;
  const upTo = (i: number): string => segments.slice(0, i + 1).join('/');
  const found: KubepodsPath = {
    level: 'kubepods',
    driver,
    prefix: segments.slice(0, k).join('/'),
    kubepodsPath: upTo(k),
    qos: null,
    qosPath: null,
    podUid: null,
    podPath: null,
    container: null,
    containerPath: null,
  };
  let i = k + 1;
  if (i === segments.length) return found;

  const qos = qosOfDir(segments[i] as string, segments[i - 1] as string, driver);
  if (qos !== null) {
    Object.assign(found, { level: 'qos', qos, qosPath: upTo(i) });
    if (++i === segments.length) return found;
  }

  const podUid = podUidOfDir(segments[i] as string, segments[i - 1] as string, driver);
  if (podUid === null) return { ...found, level: 'other' };
  Object.assign(found, { level: 'pod', podUid, podPath: upTo(i) });
  if (++i === segments.length) return found;

  const container = containerOfDir(segments[i] as string);
  if (container === null) return { ...found, level: 'other' };
  Object.assign(found, { level: 'container', container, containerPath: upTo(i) });
  if (++i === segments.length) return found;
  // crun with the systemd driver may put the processes in a `container` sub-cgroup of the scope; the kernel then
  // prints that path (task_memcg), which still means this container.
  if (segments[i] === 'container' && i + 1 === segments.length) return found;
  return { ...found, level: 'other' };
}

function splitPath(path: string): string[] {
  return path.split('/').filter((s) => s !== '');
}

/**
 * Classifies a cgroup path as the kernel prints it (`oom_memcg=`, `task_memcg=`, `Memory cgroup stats for …`),
 * e.g. `/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod<uid_>.slice/cri-containerd-<id>.scope`
 * or `/kubepods/burstable/pod<uid>/<id>`, optionally behind a prefix (`/lxc.payload.…/`). `/` is the root.
 * `qos` is 'guaranteed' for a pod (or its containers) sitting directly under kubepods. `prefix` is what came
 * before kubepods ('' when nothing, null when the path is not under kubepods).
 */
export function classifyCgroupPath(path: string): {
  level: 'root' | 'kubepods' | 'qos' | 'pod' | 'container' | 'other';
  podUid: string | null;
  containerId: string | null;
  qos: QosLevel | 'guaranteed' | null;
  prefix: string | null;
} {
  const segments = typeof path === 'string' ? splitPath(path.trim()) : null;
  if (segments !== null && segments.length === 0)
    return { level: 'root', podUid: null, containerId: null, qos: null, prefix: '' };
  const parsed = segments === null ? null : parseKubepodsPath(segments);
  if (parsed === null) return { level: 'other', podUid: null, containerId: null, qos: null, prefix: null };
  return {
    level: parsed.level,
    podUid: parsed.podUid,
    containerId: parsed.container?.id ?? null,
    qos: parsed.podUid !== null ? (parsed.qos ?? 'guaranteed') : parsed.qos,
    prefix: parsed.prefix,
  };
}

// ---------------------------------------------------------------------------------------------
// Locating a pod

/** Every directory (relative to the memory controller root) that holds a file or a sub-directory with files. */
function listDirectories(files: CgroupFiles, version: CgroupVersion): string[] {
  const dirs = new Set<string>();
  for (const key of Object.keys(files)) {
    if (version === 'v1' && !key.startsWith('memory/')) continue; // other v1 controllers (cpu/, pids/ …)
    const segments = (version === 'v1' ? key.slice('memory/'.length) : key).split('/');
    segments.pop(); // the file name
    for (let i = 1; i <= segments.length; i++) dirs.add(segments.slice(0, i).join('/'));
  }
  return [...dirs].sort();
}

function normalisePodUid(uid: string): string | null {
  if (typeof uid !== 'string') return null;
  const u = uid.trim().toLowerCase().replace(/_/g, '-');
  return /^[0-9a-f][0-9a-f-]*$/.test(u) ? u : null;
}

/**
 * Finds the pod's cgroup directory (cgroupfs `pod<uid>`, systemd `…-pod<uid_>.slice`, anywhere in the tree, after
 * any prefix) and reads the levels above it and the given containers below it. `containerIds` may be status IDs
 * (`containerd://…`) or bare IDs; IDs not found as a child directory of the pod are left out of `containers`.
 * null when the files are not cgroup files or the pod directory is not there.
 */
export function locatePod(
  files: CgroupFiles,
  query: { podUid: string; containerIds: string[] },
): CgroupLocation | null {
  const version = detectCgroupVersion(files);
  const uid = normalisePodUid(query.podUid);
  if (version === null || uid === null) return null;
  const dirs = listDirectories(files, version);

  const candidates = dirs
    .map((dir) => parseKubepodsPath(dir.split('/')))
    .filter((p): p is KubepodsPath => p !== null && p.level === 'pod' && p.podUid === uid);
  if (candidates.length === 0) return null;
  // Normally exactly one. Otherwise prefer one with files, then the first in sorted order.
  const pod =
    candidates.find((p) => hasMemoryFile(files, filePrefix(p.podPath as string, version))) ??
    (candidates[0] as KubepodsPath);
  const podPath = pod.podPath as string;

  const wanted = new Map<string, ContainerRuntime | null>();
  for (const statusId of Array.isArray(query.containerIds) ? query.containerIds : []) {
    const parsed = parseContainerId(statusId);
    if (parsed !== null && !wanted.has(parsed.id)) wanted.set(parsed.id, parsed.runtime);
  }

  const containers: CgroupLocation['containers'] = {};
  for (const dir of dirs) {
    if (!dir.startsWith(`${podPath}/`) || dir.includes('/', podPath.length + 1)) continue; // direct children only
    const found = containerOfDir(dir.slice(podPath.length + 1));
    if (found === null || !wanted.has(found.id) || Object.hasOwn(containers, found.id)) continue;
    // Stats are read at the scope (hierarchical); its `container` sub-cgroup (crun) only when the scope has none.
    const level = readLevel(files, dir, version) ?? readLevel(files, `${dir}/container`, version);
    if (level !== null) containers[found.id] = { runtime: wanted.get(found.id) ?? found.runtime, level };
  }

  return {
    version,
    driver: pod.driver,
    prefix: pod.prefix,
    root: readLevel(files, pod.prefix, version),
    kubepods: readLevel(files, pod.kubepodsPath, version),
    qos: pod.qosPath === null ? null : readLevel(files, pod.qosPath, version),
    pod: readLevel(files, podPath, version),
    containers,
  };
}
