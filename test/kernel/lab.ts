// A cgroup v1 memory lab: kubelet-shaped cgroup trees on the REAL kernel, real workloads in them,
// and snapshot folders (the `--from <dir>` input format) copied from what the kernel wrote.
//
// Layout it builds (cgroupfs driver, containerd naming):
//
//   /sys/fs/cgroup/memory/memwhy-lab-<pid>-<rand>/          plays the node's memory root
//     kubepods/                                            node-allocatable cgroup (limit = allocatable)
//       burstable/                                         QoS level (no limit; absent for Guaranteed)
//         pod<uid>/                                        pod limit = Σ container limits when all have one
//           <64-hex pause id>/                             sandbox ("pause": a `sleep`)
//           <64-hex container id>/                         one per container (limit, memsw limit = limit)
//
// The snapshot copies every readable memory.* file of each level to
// `<out>/cgroup/memory/<path relative to the lab root>/…`, so the lab root becomes the node root.
// Kernel OOM lines are taken from /dev/kmsg and the lab prefix is stripped from the cgroup paths
// they print, for the same reason.
//
// Everything created here is removed again (cgroups deepest first after their tasks are killed,
// tmpfs mounts, temp files) by `Lab.cleanup()`, which also runs from an `exit`/signal handler.
// `sweepStaleLabs()` removes what a crashed run left behind.
//
// Needs: root, cgroup v1 memory controller at /sys/fs/cgroup/memory with use_hierarchy=1, and the
// base system tools `sh`, `sleep`, `cat`, `dd`, `mount`, `umount` (coreutils/util-linux; GNU dd's
// `iflag=nocache` is used to drop one file's cache, with /proc/sys/vm/drop_caches as a fallback).
// Workloads that allocate anonymous memory run `process.execPath` (Node) so no compiler is needed.
//
// By hand:  node_modules/.bin/node --import tsx test/kernel/lab.ts <scenario|all> <outDir> [--baseline <dir>]
//           node_modules/.bin/node --import tsx test/kernel/lab.ts sweep

import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestContext } from 'node:test';
import { pathToFileURL } from 'node:url';
import type { KContainerStateTerminated, KNode, KPod, KList } from '../../src/core/types.js';

export const MEMORY_ROOT = '/sys/fs/cgroup/memory';
export const LAB_PREFIX = 'memwhy-lab-';
export const KiB = 1024;
export const MiB = 1024 * 1024;
export const GiB = 1024 * MiB;

const TMPFS_MAGIC = 0x01021994;
const RAMFS_MAGIC = 0x858458f6;

// ---------------------------------------------------------------------------------------------
// Small synchronous helpers (cleanup must work from a process 'exit' handler).

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

function readText(file: string): string | null {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

function pidsOf(dir: string): number[] {
  const text = readText(path.join(dir, 'cgroup.procs'));
  if (text === null) return [];
  return text
    .split('\n')
    .map((l) => Number.parseInt(l, 10))
    .filter((n) => Number.isInteger(n) && n > 0);
}

/** Sub-directories of a cgroup, deepest first (post-order). */
function cgroupDirsDeepestFirst(dir: string): string[] {
  const out: string[] = [];
  let entries: fs.Dirent[] = [];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return out;
  }
  for (const e of entries) if (e.isDirectory()) out.push(...cgroupDirsDeepestFirst(path.join(dir, e.name)));
  out.push(dir);
  return out;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Kill every task in the cgroup tree and remove it, deepest first. Tasks that do not die within
 * ~3 s are moved to the parent of `top` so that rmdir can proceed. Returns the problems met.
 */
function removeCgroupTree(top: string): string[] {
  const problems: string[] = [];
  if (!fs.existsSync(top)) return problems;
  const dirs = cgroupDirsDeepestFirst(top);
  for (const d of dirs)
    for (const pid of pidsOf(d))
      try {
        process.kill(pid, 'SIGKILL');
      } catch {
        /* gone */
      }
  const deadline = Date.now() + 3000;
  while (dirs.some((d) => pidsOf(d).length > 0) && Date.now() < deadline) sleepSync(20);
  const parentProcs = path.join(path.dirname(top), 'cgroup.procs');
  for (const d of dirs) {
    for (const pid of pidsOf(d)) {
      try {
        fs.writeFileSync(parentProcs, String(pid));
        problems.push(`pid ${pid} in ${d} did not die; moved to ${path.dirname(top)}`);
      } catch (e) {
        problems.push(`pid ${pid} in ${d}: cannot move: ${(e as Error).message}`);
      }
    }
  }
  for (const d of dirs) {
    // Reclaim what is still charged so the memcg does not linger as an offline zombie.
    try {
      fs.writeFileSync(path.join(d, 'memory.force_empty'), '0');
    } catch {
      /* best effort */
    }
    let removed = false;
    for (let i = 0; i < 50 && !removed; i++) {
      try {
        fs.rmdirSync(d);
        removed = true;
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'ENOENT') removed = true;
        else if (code === 'EBUSY') sleepSync(20);
        else {
          problems.push(`rmdir ${d}: ${(e as Error).message}`);
          break;
        }
      }
    }
    if (!removed && fs.existsSync(d)) problems.push(`rmdir ${d}: still busy`);
  }
  return problems;
}

function umountQuiet(mountpoint: string): void {
  const r = spawnSync('umount', [mountpoint], { stdio: 'ignore' });
  if (r.status !== 0) spawnSync('umount', ['-l', mountpoint], { stdio: 'ignore' });
}

function mountpointsUnder(prefix: string): string[] {
  const text = readText('/proc/self/mounts') ?? '';
  return text
    .split('\n')
    .map((l) => l.split(' ')[1] ?? '')
    .map((p) => p.replace(/\\040/g, ' '))
    .filter((p) => p.startsWith(prefix))
    .sort((a, b) => b.length - a.length);
}

/** A directory on a disk-backed file system (not tmpfs/ramfs), so that reads there create page cache. */
export function diskBackedTmpBase(): string {
  for (const cand of [os.tmpdir(), '/var/tmp', process.cwd()]) {
    try {
      const t = fs.statfsSync(cand).type;
      if (t !== TMPFS_MAGIC && t !== RAMFS_MAGIC) {
        fs.accessSync(cand, fs.constants.W_OK);
        return cand;
      }
    } catch {
      /* next */
    }
  }
  throw new Error('no disk-backed writable temp directory (tmpdir, /var/tmp, cwd are all tmpfs?)');
}

function parseStat(text: string | null): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of (text ?? '').split('\n')) {
    const [k, v] = line.trim().split(/\s+/);
    if (k && v !== undefined && /^-?\d+$/.test(v)) out[k] = Number(v);
  }
  return out;
}

/** Kubernetes quantity for a byte count: Gi/Mi/Ki when exact, plain bytes otherwise. */
export function quantity(bytes: number): string {
  if (bytes % GiB === 0) return `${bytes / GiB}Gi`;
  if (bytes % MiB === 0) return `${bytes / MiB}Mi`;
  if (bytes % KiB === 0) return `${bytes / KiB}Ki`;
  return String(bytes);
}

function memTotalBytes(): number {
  const m = /MemTotal:\s+(\d+) kB/.exec(readText('/proc/meminfo') ?? '');
  return m ? Number(m[1]) * KiB : 8 * GiB;
}

/** RFC 3339 with second precision, as the API server writes timestamps. */
function k8sTime(iso: string): string {
  return iso.replace(/\.\d+Z$/, 'Z');
}

function hex64(): string {
  return randomBytes(32).toString('hex');
}

// ---------------------------------------------------------------------------------------------
// Availability.

let skipReasonCache: string | null | undefined;

/** Why the lab cannot run here (null = it can). Checks root, the v1 memory controller, and that mkdir works. */
export function labSkipReason(): string | null {
  if (skipReasonCache !== undefined) return skipReasonCache;
  skipReasonCache = computeSkipReason();
  return skipReasonCache;
}

function computeSkipReason(): string | null {
  if (process.platform !== 'linux') return `not Linux (${process.platform})`;
  if (typeof process.getuid !== 'function' || process.getuid() !== 0)
    return 'not root (the kernel lab creates cgroups)';
  if (!fs.existsSync(path.join(MEMORY_ROOT, 'memory.stat')))
    return `no cgroup v1 memory controller at ${MEMORY_ROOT} (cgroup v2-only host?)`;
  const hier = readText(path.join(MEMORY_ROOT, 'memory.use_hierarchy'))?.trim();
  if (hier !== '1') return `${MEMORY_ROOT}/memory.use_hierarchy is ${hier ?? 'unreadable'}, need 1`;
  const probe = path.join(MEMORY_ROOT, `${LAB_PREFIX}${process.pid}-probe`);
  try {
    fs.mkdirSync(probe);
    fs.writeFileSync(path.join(probe, 'memory.limit_in_bytes'), String(64 * MiB));
  } catch (e) {
    return `${MEMORY_ROOT} is not writable: ${(e as Error).message}`;
  } finally {
    try {
      fs.rmdirSync(probe);
    } catch {
      /* absent */
    }
  }
  for (const tool of ['sh', 'sleep', 'cat', 'dd', 'mount', 'umount']) {
    const r = spawnSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    if (r.status !== 0) return `missing tool: ${tool}`;
  }
  return null;
}

// ---------------------------------------------------------------------------------------------
// Stale lab sweep and process-exit cleanup.

function labPidOf(name: string): number | null {
  const m = new RegExp(`^${LAB_PREFIX}(\\d+)-`).exec(name);
  return m ? Number(m[1]) : null;
}

/**
 * Removes `memwhy-lab-*` cgroups, tmpfs mounts and temp dirs left by crashed runs: those whose
 * creating process (the pid in the name) is gone. `force` also removes ones of live processes
 * other than this one (never this process's live labs). Returns what was removed.
 */
export function sweepStaleLabs(options: { force?: boolean } = {}): string[] {
  const removed: string[] = [];
  const stale = (name: string): boolean => {
    if (!name.startsWith(LAB_PREFIX)) return false;
    if ([...liveLabs].some((l) => l.name === name)) return false;
    const pid = labPidOf(name);
    if (pid === null) return true;
    if (pid === process.pid) return true; // ours but not live: left over by an earlier failure
    return options.force === true || !pidAlive(pid);
  };
  const bases = new Set<string>([os.tmpdir(), '/var/tmp']);
  try {
    bases.add(diskBackedTmpBase());
  } catch {
    /* none */
  }
  for (const base of bases) {
    let names: string[] = [];
    try {
      names = fs.readdirSync(base);
    } catch {
      continue;
    }
    for (const n of names.filter(stale)) {
      const dir = path.join(base, n);
      for (const mp of mountpointsUnder(dir + '/')) umountQuiet(mp);
      try {
        fs.rmSync(dir, { recursive: true, force: true });
        removed.push(dir);
      } catch {
        /* keep going */
      }
    }
  }
  let cgs: string[] = [];
  try {
    cgs = fs.readdirSync(MEMORY_ROOT);
  } catch {
    cgs = [];
  }
  for (const n of cgs.filter(stale)) {
    const dir = path.join(MEMORY_ROOT, n);
    removeCgroupTree(dir);
    if (!fs.existsSync(dir)) removed.push(dir);
  }
  return removed;
}

const liveLabs = new Set<Lab>();
let handlersInstalled = false;

function installExitHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  process.on('exit', () => cleanupAllLabs());
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(sig, () => {
      cleanupAllLabs();
      process.exit(128 + (os.constants.signals[sig] ?? 0));
    });
  }
}

/** Cleans up every lab of this process (synchronous; safe to call repeatedly). */
export function cleanupAllLabs(): string[] {
  const problems: string[] = [];
  for (const lab of [...liveLabs]) problems.push(...lab.cleanup());
  return problems;
}

// ---------------------------------------------------------------------------------------------
// /dev/kmsg.

export interface KmsgRecord {
  seq: number;
  usec: number;
  text: string;
}

/** All records currently in the kernel ring buffer, or null when /dev/kmsg cannot be read. */
export function readKmsg(): { records: KmsgRecord[] } | { error: string } {
  let fd: number;
  try {
    fd = fs.openSync('/dev/kmsg', fs.constants.O_RDONLY | fs.constants.O_NONBLOCK);
  } catch (e) {
    return { error: `cannot open /dev/kmsg: ${(e as Error).message}` };
  }
  const records: KmsgRecord[] = [];
  const buf = Buffer.alloc(16 * KiB);
  try {
    for (let i = 0; i < 1_000_000; i++) {
      let n: number;
      try {
        n = fs.readSync(fd, buf, 0, buf.length, null);
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        if (code === 'EAGAIN') break;
        if (code === 'EPIPE') continue; // overwritten while reading
        return { error: `reading /dev/kmsg: ${(e as Error).message}` };
      }
      if (n <= 0) break;
      const rec = buf.toString('utf8', 0, n);
      const semi = rec.indexOf(';');
      const [, seq, usec] = rec.slice(0, semi).split(',');
      const body = rec.slice(semi + 1).split('\n')[0] ?? '';
      records.push({
        seq: Number(seq),
        usec: Number(usec),
        text: body.replace(/\\x([0-9a-f]{2})/gi, (_m, h: string) => String.fromCharCode(Number.parseInt(h, 16))),
      });
    }
  } finally {
    fs.closeSync(fd);
  }
  return { records };
}

function dmesgLine(r: KmsgRecord): string {
  const s = Math.floor(r.usec / 1e6);
  const us = String(r.usec % 1e6).padStart(6, '0');
  return `[${String(s).padStart(5, ' ')}.${us}] ${r.text}`;
}

/**
 * The OOM reports (from "invoked oom-killer" to "Killed process"/"oom_reaper") after `afterSeq`
 * that mention `labName`, in dmesg format, with "/<labName>" stripped from cgroup paths.
 */
export function oomLinesFor(records: KmsgRecord[], afterSeq: number, labName: string): string[] {
  const blocks: KmsgRecord[][] = [];
  let block: KmsgRecord[] | null = null;
  let lastClosed: KmsgRecord[] | null = null;
  for (const r of records) {
    if (r.seq <= afterSeq) continue;
    if (/invoked oom-killer:/.test(r.text)) {
      block = [r];
      blocks.push(block);
      lastClosed = null;
    } else if (block) {
      block.push(r);
      if (/Killed process \d+/.test(r.text)) {
        lastClosed = block;
        block = null;
      }
    } else if (lastClosed && /oom_reaper: reaped process/.test(r.text)) {
      lastClosed.push(r);
      lastClosed = null;
    }
  }
  const esc = labName.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return blocks
    .filter((b) => b.some((r) => r.text.includes(labName)))
    .flat()
    .map(dmesgLine)
    .map((l) => l.replace(new RegExp(`/${esc}(?=/)`, 'g'), '').replace(new RegExp(`/${esc}\\b`, 'g'), '/'));
}

// ---------------------------------------------------------------------------------------------
// The lab.

export interface LabContainerSpec {
  name: string;
  requestBytes?: number | null;
  limitBytes?: number | null;
  image?: string;
  command?: string[];
  volumeMounts?: Array<{ name: string; mountPath: string }>;
}

export interface LabOptions {
  containers: LabContainerSpec[];
  /** kubepods memory.limit_in_bytes. undefined → node capacity (kubelet without reservations); null → unlimited. */
  kubepodsLimitBytes?: number | null;
  /** Node capacity for node.json; default MemTotal of this machine. */
  nodeCapacityBytes?: number;
  /** Hard eviction threshold (allocatable = kubepods limit − this); default 100Mi. */
  evictionHardBytes?: number;
  /** Write memory.memsw.limit_in_bytes = limit on containers, as the kubelet does on v1 (default true when the file exists). */
  memswLimit?: boolean;
  podName?: string;
  namespace?: string;
  nodeName?: string;
  volumes?: NonNullable<KPod['spec']>['volumes'];
}

export interface CgroupRef {
  /** Absolute path under /sys/fs/cgroup/memory. */
  dir: string;
  /** Path relative to the lab root ('' = the lab root). */
  rel: string;
}

export interface LabContainer extends CgroupRef {
  name: string;
  spec: LabContainerSpec;
  id: string;
  startedAt: string;
  restartCount: number;
  oomScoreAdj: number;
  lastTerminated: KContainerStateTerminated | null;
  /** Cgroups of earlier (killed) instances, kept as the kernel left them. */
  previous: Array<CgroupRef & { id: string }>;
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** What a runtime reports: the exit code, or 128 + signal number. */
  exitCode: number;
  stdout: string;
  stderr: string;
  startedAt: string;
  finishedAt: string;
}

export type QosClassName = 'Guaranteed' | 'Burstable' | 'BestEffort';

export class Lab {
  readonly name: string;
  readonly root: string;
  readonly tmp: string;
  readonly qos: QosClassName;
  readonly podUid: string;
  readonly podName: string;
  readonly namespace: string;
  readonly nodeName: string;
  readonly kubepods: CgroupRef;
  readonly qosLevel: CgroupRef | null;
  readonly pod: CgroupRef;
  readonly pause: CgroupRef & { id: string };
  readonly containers: LabContainer[] = [];
  readonly nodeCapacityBytes: number;
  readonly kubepodsLimitBytes: number | null;
  readonly evictionHardBytes: number;
  readonly podLimitBytes: number | null;
  readonly createdAt = new Date().toISOString();
  readonly notes: string[] = [];
  private readonly children = new Set<ChildProcess>();
  private readonly mounts: string[] = [];
  private readonly options: LabOptions;
  private kmsgStartSeq: number | null = null;
  private kmsgError: string | null = null;
  private cleaned = false;

  static create(options: LabOptions): Lab {
    const reason = labSkipReason();
    if (reason) throw new Error(`kernel lab unavailable: ${reason}`);
    const lab = new Lab(options);
    try {
      lab.setup();
    } catch (e) {
      lab.cleanup();
      throw e;
    }
    return lab;
  }

  private constructor(options: LabOptions) {
    this.options = options;
    this.name = `${LAB_PREFIX}${process.pid}-${randomBytes(4).toString('hex')}`;
    this.root = path.join(MEMORY_ROOT, this.name);
    this.tmp = path.join(diskBackedTmpBase(), this.name);
    this.podUid = randomUUID();
    this.podName = options.podName ?? 'memwhy-lab';
    this.namespace = options.namespace ?? 'default';
    this.nodeName = options.nodeName ?? 'lab-node-1';
    this.nodeCapacityBytes = options.nodeCapacityBytes ?? Math.floor(memTotalBytes() / MiB) * MiB;
    this.evictionHardBytes = options.evictionHardBytes ?? 100 * MiB;
    this.kubepodsLimitBytes =
      options.kubepodsLimitBytes === undefined ? this.nodeCapacityBytes : options.kubepodsLimitBytes;
    const specs = options.containers;
    const allGuaranteed = specs.every((c) => c.limitBytes != null && (c.requestBytes ?? c.limitBytes) === c.limitBytes);
    const none = specs.every((c) => c.limitBytes == null && c.requestBytes == null);
    this.qos = allGuaranteed ? 'Guaranteed' : none ? 'BestEffort' : 'Burstable';
    // kubelet ResourceConfigForPod: a pod limit only when every container has one.
    this.podLimitBytes = specs.every((c) => c.limitBytes != null)
      ? specs.reduce((s, c) => s + (c.limitBytes ?? 0), 0)
      : null;

    this.kubepods = this.ref('kubepods');
    this.qosLevel = this.qos === 'Guaranteed' ? null : this.ref(`kubepods/${this.qos.toLowerCase()}`);
    this.pod = this.ref(`${this.qosLevel?.rel ?? 'kubepods'}/pod${this.podUid}`);
    const pauseId = hex64();
    this.pause = { ...this.ref(`${this.pod.rel}/${pauseId}`), id: pauseId };
    for (const spec of specs) {
      const id = hex64();
      this.containers.push({
        ...this.ref(`${this.pod.rel}/${id}`),
        name: spec.name,
        spec,
        id,
        startedAt: new Date().toISOString(),
        restartCount: 0,
        oomScoreAdj: this.oomScoreAdjFor(spec),
        lastTerminated: null,
        previous: [],
      });
    }
  }

  private ref(rel: string): CgroupRef {
    return { dir: rel ? path.join(this.root, rel) : this.root, rel };
  }

  /** Creates the temp dir and the cgroup tree with the kubelet's limits. */
  private setup(): void {
    liveLabs.add(this);
    installExitHandlers();
    fs.mkdirSync(this.tmp, { recursive: true, mode: 0o700 });
    this.mkdirCg('');
    this.mkdirCg('kubepods', this.kubepodsLimitBytes);
    // The kubelet creates both QoS levels up front (no memory limit without QOSReserved).
    this.mkdirCg('kubepods/burstable');
    this.mkdirCg('kubepods/besteffort');
    this.mkdirCg(this.pod.rel, this.podLimitBytes);
    this.mkdirCg(this.pause.rel);
    for (const c of this.containers) this.mkdirCg(c.rel, c.spec.limitBytes ?? null, true);
  }

  /** kubelet pkg/kubelet/qos/policy.go GetContainerOOMScoreAdjust. */
  oomScoreAdjFor(spec: LabContainerSpec): number {
    if (this.qos === 'Guaranteed') return -997;
    if (this.qos === 'BestEffort') return 1000;
    const req = spec.requestBytes ?? 0;
    let adj = 1000 - Math.trunc((1000 * req) / this.nodeCapacityBytes);
    if (adj < 2) adj = 2;
    if (adj >= 1000) adj = 999;
    return adj;
  }

  private mkdirCg(rel: string, limit: number | null = null, memsw = false): CgroupRef {
    const dir = rel ? path.join(this.root, rel) : this.root;
    fs.mkdirSync(dir);
    if (limit !== null) {
      fs.writeFileSync(path.join(dir, 'memory.limit_in_bytes'), String(limit));
      const memswFile = path.join(dir, 'memory.memsw.limit_in_bytes');
      if (memsw && this.options.memswLimit !== false && fs.existsSync(memswFile)) {
        try {
          fs.writeFileSync(memswFile, String(limit));
        } catch (e) {
          this.notes.push(`memsw limit on ${rel}: ${(e as Error).message}`);
        }
      }
    }
    return { dir, rel };
  }

  container(name: string): LabContainer {
    const c = this.containers.find((x) => x.name === name);
    if (!c) throw new Error(`no container ${name} in the lab`);
    return c;
  }

  /** Path of a file of a level, relative to the snapshot's `cgroup/` folder (v1: `memory/...`). */
  snapshotRel(ref: CgroupRef, file?: string): string {
    return path.posix.join('memory', ref.rel, file ?? '');
  }

  readFile(ref: CgroupRef, file: string): string | null {
    return readText(path.join(ref.dir, file));
  }

  stat(ref: CgroupRef): Record<string, number> {
    return parseStat(this.readFile(ref, 'memory.stat'));
  }

  // -------------------------------------------------------------------------------------------
  // Processes.

  private track(child: ChildProcess): ChildProcess {
    this.children.add(child);
    child.once('exit', () => this.children.delete(child));
    return child;
  }

  /** Spawns argv inside a cgroup: the shell joins the cgroup, sets oom_score_adj, then execs argv. */
  spawnIn(ref: CgroupRef, argv: string[], oomScoreAdj = 0): ChildProcess {
    // oom_score_adj below 0 needs CAP_SYS_RESOURCE; without it the kernel keeps the inherited value
    // (checked in `joined()`), the workload still runs.
    const script =
      'echo $$ > "$1" || exit 125; { echo "$2" > /proc/self/oom_score_adj; } 2>/dev/null; shift 2 && exec "$@"';
    const child = spawn('sh', ['-c', script, 'sh', path.join(ref.dir, 'cgroup.procs'), String(oomScoreAdj), ...argv], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    return this.track(child);
  }

  /** Waits for a child to exit and collects its output. */
  static wait(child: ChildProcess, timeoutMs = 30_000): Promise<RunResult> {
    const startedAt = new Date().toISOString();
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`workload timed out after ${timeoutMs} ms; stderr: ${stderr}`));
      }, timeoutMs);
      child.once('error', (e) => {
        clearTimeout(timer);
        reject(e);
      });
      child.once('close', (code, signal) => {
        clearTimeout(timer);
        const sig = signal ?? null;
        const num = sig ? (os.constants.signals[sig] ?? 0) : 0;
        resolve({
          code,
          signal: sig,
          exitCode: sig ? 128 + num : (code ?? -1),
          stdout,
          stderr,
          startedAt,
          finishedAt: new Date().toISOString(),
        });
      });
    });
  }

  async run(ref: CgroupRef, argv: string[], oomScoreAdj = 0, timeoutMs = 30_000): Promise<RunResult> {
    return Lab.wait(this.spawnIn(ref, argv, oomScoreAdj), timeoutMs);
  }

  /** Waits until the child's pid shows in the cgroup (the wrapper shell has joined). */
  private async joined(child: ChildProcess, ref: CgroupRef): Promise<void> {
    for (let i = 0; i < 200; i++) {
      if (child.pid !== undefined && pidsOf(ref.dir).includes(child.pid)) {
        this.checkOomScoreAdj(child.pid, ref);
        return;
      }
      if (child.exitCode !== null || child.signalCode !== null)
        throw new Error(`process exited before joining ${ref.rel}`);
      await new Promise((r) => setTimeout(r, 10));
    }
    throw new Error(`process did not join ${ref.rel}`);
  }

  private checkOomScoreAdj(pid: number, ref: CgroupRef): void {
    const want = ref === this.pause ? -998 : this.containers.find((c) => c.dir === ref.dir)?.oomScoreAdj;
    const got = readText(`/proc/${pid}/oom_score_adj`)?.trim();
    if (want !== undefined && got !== undefined && got !== String(want)) {
      const note = `oom_score_adj ${want} refused (kept ${got}; lowering needs CAP_SYS_RESOURCE)`;
      if (!this.notes.includes(note)) this.notes.push(note);
    }
  }

  /** Starts the sandbox's pause process (a `sleep`, oom_score_adj −998 as the kubelet sets). */
  async startPause(): Promise<void> {
    const child = this.spawnIn(this.pause, ['sleep', '3600'], -998);
    await this.joined(child, this.pause);
  }

  /** Starts a container's main process (default `sleep 3600`, like `busybox sleep`). */
  async startMain(name: string, argv: string[] = ['sleep', '3600']): Promise<ChildProcess> {
    const c = this.container(name);
    const child = this.spawnIn(c, argv, c.oomScoreAdj);
    await this.joined(child, c);
    return child;
  }

  /**
   * A Node process that first moves itself into the container's cgroup (so its own start-up
   * stays charged where it was spawned) and then allocates anonymous memory in 1 MiB buffers
   * filled with 1s. mode 'hold': allocate `mib` MiB, print "ready", wait. mode 'grow': allocate
   * up to `mib` MiB and exit 3 if nothing killed it.
   */
  spawnAllocator(name: string, mode: 'hold' | 'grow', mib: number): ChildProcess {
    const c = this.container(name);
    const script = [
      "const fs = require('fs');",
      'const [procs, adj, mib, mode] = process.argv.slice(1);',
      "try { fs.writeFileSync('/proc/self/oom_score_adj', adj); } catch {}",
      'fs.writeFileSync(procs, String(process.pid));',
      "process.stdout.write('joined\\n');",
      'const keep = [];',
      'for (let i = 0; i < Number(mib); i++) { const b = Buffer.allocUnsafeSlow(1 << 20); b.fill(1); keep.push(b); }',
      "if (mode === 'hold') { process.stdout.write('ready\\n'); setInterval(() => keep.length, 1 << 30); }",
      'else process.exit(3);',
    ].join('\n');
    const child = spawn(
      process.execPath,
      ['-e', script, path.join(c.dir, 'cgroup.procs'), String(c.oomScoreAdj), String(mib), mode],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    return this.track(child);
  }

  /** Holds `mib` MiB of anonymous memory in the container; resolves once allocated. */
  async holdAnon(name: string, mib: number): Promise<ChildProcess> {
    const child = this.spawnAllocator(name, 'hold', mib);
    await new Promise<void>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error('anon holder not ready after 20 s')), 20_000);
      child.stdout?.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.includes('ready')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code, sig) => {
        clearTimeout(timer);
        reject(new Error(`anon holder exited early (${code ?? sig})`));
      });
    });
    return child;
  }

  /** Allocates in the container until something kills it (or `maxMiB` is reached: exit 3). */
  async allocateUntilKilled(name: string, maxMiB: number): Promise<RunResult> {
    return Lab.wait(this.spawnAllocator(name, 'grow', maxMiB), 60_000);
  }

  /** Creates a file of `bytes` zeros on disk and drops its page cache, so a later read charges the reader. */
  createColdFile(bytes: number): string {
    const file = path.join(this.tmp, 'data.bin');
    const mib = Math.ceil(bytes / MiB);
    const w = spawnSync('dd', ['if=/dev/zero', `of=${file}`, 'bs=1M', `count=${mib}`, 'conv=fsync', 'status=none']);
    if (w.status !== 0) throw new Error(`dd write failed: ${w.stderr.toString()}`);
    dropFileCache(file, this.notes);
    return file;
  }

  /** Reads `file` `times` times with `cat` inside the container's cgroup (one shell, then it exits). */
  async readFileIn(name: string, file: string, times = 2): Promise<RunResult> {
    const c = this.container(name);
    const loop = Array.from({ length: times }, () => 'cat "$0" > /dev/null').join(' && ');
    return this.run(c, ['sh', '-c', loop, file], c.oomScoreAdj);
  }

  /** Mounts a tmpfs of `sizeBytes` in the lab's private temp dir. */
  mountTmpfs(sizeBytes: number): string {
    const mp = path.join(this.tmp, `tmpfs-${this.mounts.length}`);
    fs.mkdirSync(mp, { mode: 0o700 });
    const r = spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${sizeBytes},mode=0700`, 'memwhy-lab', mp]);
    if (r.status !== 0) throw new Error(`mount tmpfs failed: ${r.stderr.toString()}`);
    this.mounts.push(mp);
    return mp;
  }

  /** Writes `mib` MiB into the tmpfs from inside the container's cgroup (dd, then exits). */
  async writeTmpfs(name: string, mountpoint: string, mib: number): Promise<RunResult> {
    const c = this.container(name);
    return this.run(
      c,
      ['dd', 'if=/dev/zero', `of=${path.join(mountpoint, 'data')}`, 'bs=1M', `count=${mib}`, 'status=none'],
      c.oomScoreAdj,
    );
  }

  /**
   * Records a container's death as the runtime would report it (lastState.terminated, restartCount+1)
   * and "restarts" it: a new container id and cgroup with a fresh main process. The killed
   * instance's cgroup is kept (as the kernel left it) and listed in `previous`.
   */
  async restartAfter(name: string, result: RunResult, reason: string): Promise<void> {
    const c = this.container(name);
    c.lastTerminated = {
      exitCode: result.exitCode,
      reason,
      startedAt: k8sTime(c.startedAt),
      finishedAt: k8sTime(result.finishedAt),
      containerID: `containerd://${c.id}`,
    };
    // (kubelet leaves `signal` unset with containerd: the API shows exitCode 137 only.)
    c.previous.push({ dir: c.dir, rel: c.rel, id: c.id });
    const id = hex64();
    const ref = this.mkdirCg(`${this.pod.rel}/${id}`, c.spec.limitBytes ?? null, true);
    c.id = id;
    c.dir = ref.dir;
    c.rel = ref.rel;
    c.restartCount += 1;
    c.startedAt = new Date().toISOString();
    await this.startMain(name);
  }

  // -------------------------------------------------------------------------------------------
  // Kernel log.

  /** Remembers the newest kernel log record, so that `snapshot()` takes only later OOM reports. */
  markKernelLog(): void {
    const r = readKmsg();
    if ('error' in r) {
      this.kmsgError = r.error;
      return;
    }
    this.kmsgStartSeq = r.records.length ? (r.records[r.records.length - 1]?.seq ?? -1) : -1;
  }

  kernelOomLines(): { lines: string[] } | { error: string } {
    if (this.kmsgError) return { error: this.kmsgError };
    if (this.kmsgStartSeq === null) return { error: 'markKernelLog() was not called' };
    const r = readKmsg();
    if ('error' in r) return { error: r.error };
    return { lines: oomLinesFor(r.records, this.kmsgStartSeq, this.name) };
  }

  // -------------------------------------------------------------------------------------------
  // Snapshot.

  levels(): Array<CgroupRef & { role: string }> {
    const out: Array<CgroupRef & { role: string }> = [
      { dir: this.root, rel: '', role: 'root' },
      { ...this.kubepods, role: 'kubepods' },
    ];
    if (this.qosLevel) out.push({ ...this.qosLevel, role: 'qos' });
    out.push({ ...this.pod, role: 'pod' }, { dir: this.pause.dir, rel: this.pause.rel, role: 'pause' });
    for (const c of this.containers) {
      for (const p of c.previous) out.push({ dir: p.dir, rel: p.rel, role: `container:${c.name}:previous` });
      out.push({ dir: c.dir, rel: c.rel, role: `container:${c.name}` });
    }
    return out;
  }

  /** Copies every readable memory.* file of every level to `<outDir>/cgroup/memory/<rel>/`. */
  copyCgroupFiles(outDir: string): { files: number; skipped: string[] } {
    let files = 0;
    const skipped: string[] = [];
    for (const level of this.levels()) {
      const dest = path.join(outDir, 'cgroup', 'memory', level.rel);
      fs.mkdirSync(dest, { recursive: true });
      for (const f of fs
        .readdirSync(level.dir)
        .filter((n) => n.startsWith('memory.'))
        .sort()) {
        let text: string;
        try {
          text = fs.readFileSync(path.join(level.dir, f), 'utf8');
        } catch {
          skipped.push(path.posix.join(level.rel, f));
          continue;
        }
        fs.writeFileSync(path.join(dest, f), text);
        files++;
      }
    }
    return { files, skipped };
  }

  podObject(phase = 'Running'): KPod {
    const pod = this.podObjectCore(phase);
    // Fields the API returns that the KPod type does not list.
    Object.assign(pod.spec ?? {}, {
      restartPolicy: 'Always',
      terminationGracePeriodSeconds: 30,
      dnsPolicy: 'ClusterFirst',
      schedulerName: 'default-scheduler',
    });
    Object.assign(pod.status ?? {}, { hostIP: '10.0.0.11', podIP: '10.244.1.23' });
    return pod;
  }

  private podObjectCore(phase: string): KPod {
    const mem = (b: number | null | undefined): Record<string, string> => (b == null ? {} : { memory: quantity(b) });
    const statuses = this.containers.map((c) => ({
      name: c.name,
      state: { running: { startedAt: k8sTime(c.startedAt) } },
      lastState: c.lastTerminated ? { terminated: c.lastTerminated } : {},
      ready: true,
      restartCount: c.restartCount,
      image: `docker.io/library/${c.spec.image ?? 'busybox:1.36'}`,
      imageID: `docker.io/library/${(c.spec.image ?? 'busybox:1.36').split(':')[0]}@sha256:${createHash('sha256')
        .update(c.spec.image ?? 'busybox:1.36')
        .digest('hex')}`,
      containerID: `containerd://${c.id}`,
      started: true,
    }));
    return {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: this.podName,
        namespace: this.namespace,
        uid: this.podUid,
        creationTimestamp: k8sTime(this.createdAt),
        labels: { run: this.podName },
      },
      spec: {
        nodeName: this.nodeName,
        containers: this.containers.map((c) => ({
          name: c.name,
          image: c.spec.image ?? 'busybox:1.36',
          command: c.spec.command ?? ['sleep', '3600'],
          resources: {
            ...(c.spec.requestBytes != null || c.spec.limitBytes != null
              ? { requests: { cpu: '10m', ...mem(c.spec.requestBytes ?? c.spec.limitBytes) } }
              : {}),
            ...(c.spec.limitBytes != null ? { limits: mem(c.spec.limitBytes) } : {}),
          },
          ...(c.spec.volumeMounts ? { volumeMounts: c.spec.volumeMounts } : {}),
        })),
        ...(this.options.volumes ? { volumes: this.options.volumes } : {}),
      },
      status: {
        phase,
        qosClass: this.qos,
        startTime: k8sTime(this.createdAt),
        conditions: ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map(
          (type) => ({
            type,
            status: 'True',
            lastTransitionTime: k8sTime(this.createdAt),
          }),
        ),
        containerStatuses: statuses,
      },
    };
  }

  nodeObject(): KNode & Record<string, unknown> {
    const kubepods = this.kubepodsLimitBytes ?? this.nodeCapacityBytes;
    const allocatable = Math.max(0, kubepods - this.evictionHardBytes);
    const ki = (b: number): string => `${Math.floor(b / KiB)}Ki`;
    return {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name: this.nodeName,
        labels: { 'kubernetes.io/hostname': this.nodeName, 'kubernetes.io/os': 'linux' },
      },
      spec: {},
      status: {
        capacity: {
          cpu: String(os.cpus().length),
          memory: ki(this.nodeCapacityBytes),
          pods: '110',
          'ephemeral-storage': '61202244Ki',
        },
        allocatable: {
          cpu: String(os.cpus().length),
          memory: ki(allocatable),
          pods: '110',
          'ephemeral-storage': '56403987978',
        },
        conditions: [
          {
            type: 'MemoryPressure',
            status: 'False',
            reason: 'KubeletHasSufficientMemory',
            message: 'kubelet has sufficient memory available',
          },
          {
            type: 'DiskPressure',
            status: 'False',
            reason: 'KubeletHasNoDiskPressure',
            message: 'kubelet has no disk pressure',
          },
          {
            type: 'PIDPressure',
            status: 'False',
            reason: 'KubeletHasSufficientPID',
            message: 'kubelet has sufficient PID available',
          },
          { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' },
        ],
        nodeInfo: {
          kernelVersion: os.release(),
          containerRuntimeVersion: 'containerd://1.7.24',
          kubeletVersion: 'v1.31.4',
          osImage: 'memwhy kernel lab (cgroup v1)',
          operatingSystem: 'linux',
        },
      },
    };
  }

  /**
   * Writes a snapshot folder: cgroup files, pod.json, node.json, node-pods.json and (when OOM
   * reports about this lab are in the kernel log) kernel.log.
   */
  snapshot(outDir: string, options: { kernelLog?: boolean; phase?: string } = {}): SnapshotInfo {
    fs.mkdirSync(outDir, { recursive: true });
    const { files, skipped } = this.copyCgroupFiles(outDir);
    const pod = this.podObject(options.phase);
    fs.writeFileSync(path.join(outDir, 'pod.json'), JSON.stringify(pod, null, 2) + '\n');
    fs.writeFileSync(path.join(outDir, 'node.json'), JSON.stringify(this.nodeObject(), null, 2) + '\n');
    const list: KList<KPod> = { apiVersion: 'v1', kind: 'PodList', items: [pod] };
    fs.writeFileSync(path.join(outDir, 'node-pods.json'), JSON.stringify(list, null, 2) + '\n');
    let kernelLog: SnapshotInfo['kernelLog'] = { written: false, lines: 0, note: 'not requested' };
    if (options.kernelLog) {
      const k = this.kernelOomLines();
      if ('error' in k) kernelLog = { written: false, lines: 0, note: k.error };
      else if (k.lines.length === 0)
        kernelLog = { written: false, lines: 0, note: 'no OOM report about this lab in /dev/kmsg' };
      else {
        fs.writeFileSync(path.join(outDir, 'kernel.log'), k.lines.join('\n') + '\n');
        kernelLog = {
          written: true,
          lines: k.lines.length,
          note: 'from /dev/kmsg, lab prefix stripped from cgroup paths',
        };
      }
    }
    return { outDir, files, skipped, kernelLog };
  }

  // -------------------------------------------------------------------------------------------
  // Cleanup.

  /** Kills the lab's processes, unmounts its tmpfs, deletes temp files and removes its cgroups. Synchronous, idempotent. */
  cleanup(): string[] {
    if (this.cleaned) return [];
    this.cleaned = true;
    const problems: string[] = [];
    for (const child of this.children)
      try {
        child.kill('SIGKILL');
      } catch {
        /* gone */
      }
    for (const mp of [...this.mounts, ...mountpointsUnder(this.tmp + '/')].reverse()) umountQuiet(mp);
    const data = path.join(this.tmp, 'data.bin');
    if (fs.existsSync(data)) dropFileCache(data, []);
    try {
      fs.rmSync(this.tmp, { recursive: true, force: true });
    } catch (e) {
      problems.push(`rm ${this.tmp}: ${(e as Error).message}`);
    }
    problems.push(...removeCgroupTree(this.root));
    liveLabs.delete(this);
    return problems;
  }
}

export interface SnapshotInfo {
  outDir: string;
  files: number;
  skipped: string[];
  kernelLog: { written: boolean; lines: number; note: string };
}

/** Bytes of `file` in the page cache (util-linux fincore), or null when fincore cannot tell. */
function residentBytes(file: string): number | null {
  const r = spawnSync('fincore', ['--bytes', '--noheadings', '--output', 'RES', file], { encoding: 'utf8' });
  const n = Number(r.stdout?.trim());
  return r.status === 0 && r.stdout.trim() !== '' && Number.isFinite(n) ? n : null;
}

/**
 * Drops one file's page cache: GNU dd's fadvise(DONTNEED), falling back to the global drop_caches. fadvise skips
 * the pages it cannot take at that moment (still in another CPU's LRU batch, say): on a loaded machine a few MiB of
 * a file just written stayed cached (and so charged to the writer, not to the container that reads it next), so
 * the drop is repeated until fincore sees none of the file cached.
 */
export function dropFileCache(file: string, notes: string[]): void {
  for (let attempt = 1; attempt <= 5; attempt++) {
    const r = spawnSync('dd', [`if=${file}`, 'iflag=nocache', 'count=0', 'status=none']);
    if (r.status !== 0) {
      notes.push(`dd iflag=nocache failed (${r.stderr.toString().trim()}); used /proc/sys/vm/drop_caches`);
      spawnSync('sync');
      fs.writeFileSync('/proc/sys/vm/drop_caches', '1');
      return;
    }
    const left = residentBytes(file);
    if (left === null || left === 0) return;
    if (attempt === 5) notes.push(`${left} bytes of ${file} stayed in the page cache after 5 drops`);
    else spawnSync('sleep', ['0.05']);
  }
}

// ---------------------------------------------------------------------------------------------
// Scenarios.

export const SCENARIOS = ['page-cache', 'anon', 'tmpfs', 'oom-container', 'oom-pod', 'oom-kubepods'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];

export interface ScenarioContainerInfo {
  name: string;
  id: string;
  /** Relative to the snapshot's `cgroup/` folder, e.g. `memory/kubepods/burstable/pod…/<id>`. */
  cgroup: string;
  previous: Array<{ id: string; cgroup: string }>;
  requestBytes: number | null;
  limitBytes: number | null;
}

export interface ScenarioResult {
  scenario: ScenarioName;
  outDir: string;
  baselineDir: string | null;
  labName: string;
  pod: { name: string; namespace: string; uid: string; qosClass: QosClassName };
  /** Snapshot-relative cgroup folders of the levels (`memory`, `memory/kubepods`, …). */
  levels: { root: string; kubepods: string; qos: string | null; pod: string; pause: string };
  containers: ScenarioContainerInfo[];
  /** The scenario's size parameter in bytes (file size, anon size, tmpfs data, limit). */
  bytes: number;
  /** Exit of the workload that was killed, for OOM scenarios. */
  exit: RunResult | null;
  kubepodsLimitBytes: number | null;
  snapshot: SnapshotInfo;
  baseline: SnapshotInfo | null;
  notes: string[];
  cleanupProblems: string[];
}

export interface ScenarioOptions {
  /** page-cache: also write a snapshot taken before the read to this folder. */
  baselineDir?: string;
  /**
   * oom-container / oom-pod: write memory.memsw.limit_in_bytes = limit on the containers, as
   * containerd/kubelet do on v1 when swap accounting exists (default true). false = an old
   * setup without memsw limits.
   */
  memswLimit?: boolean;
}

/** Lets the app allocate until the kernel kills it, then records the death and restarts it. */
async function oomAndRestart(lab: Lab, name: string, maxMiB: number): Promise<RunResult> {
  lab.markKernelLog();
  const r = await lab.allocateUntilKilled(name, maxMiB);
  if (r.signal !== 'SIGKILL') throw new Error(`expected an OOM kill, got exit ${r.code ?? r.signal}: ${r.stderr}`);
  await lab.restartAfter(name, r, 'OOMKilled');
  return r;
}

/**
 * Builds one scenario on the real kernel and writes its snapshot folder to `outDir`:
 *  - page-cache:   100 MiB file (cache dropped first) read twice with `cat` in the container; busybox-like `sleep` main.
 *  - anon:         the container's main process holds 100 MiB of anonymous memory.
 *  - tmpfs:        64 MiB written into a tmpfs (like an emptyDir medium: Memory) from the container.
 *  - oom-container: app (limit 64Mi) + sidecar (32Mi); app allocates until the kernel kills it; restarted.
 *  - oom-pod:      the same app alone: the pod cgroup (limit = 64Mi too) fires first; restarted.
 *  - oom-kubepods: kubepods limited to 256Mi, container without a limit allocates until killed; restarted.
 * The lab is removed before this returns (also on failure).
 */
export async function buildScenario(
  name: ScenarioName,
  outDir: string,
  options: ScenarioOptions = {},
): Promise<ScenarioResult> {
  if (!SCENARIOS.includes(name)) throw new Error(`unknown scenario ${name}; one of ${SCENARIOS.join(', ')}`);
  const app = 'app';
  let lab: Lab | null = null;
  const res: Partial<ScenarioResult> & { notes: string[] } = {
    scenario: name,
    outDir,
    baselineDir: null,
    exit: null,
    baseline: null,
    notes: [],
  };
  try {
    switch (name) {
      case 'page-cache': {
        lab = Lab.create({
          podName: 'busybox',
          containers: [{ name: app, requestBytes: 64 * MiB, limitBytes: 256 * MiB, command: ['sleep', '99999999'] }],
        });
        res.bytes = 100 * MiB;
        const file = lab.createColdFile(res.bytes);
        await lab.startPause();
        await lab.startMain(app);
        if (options.baselineDir) {
          res.baseline = lab.snapshot(options.baselineDir);
          res.baselineDir = options.baselineDir;
        }
        const c = lab.container(app);
        const cacheBefore = lab.stat(c).total_cache ?? 0;
        const r = await lab.readFileIn(app, file, 2);
        if (r.exitCode !== 0) throw new Error(`reading the file failed: ${r.stderr}`);
        // The charge must land in the container: it does only if the file's pages were not cached before.
        const charged = (lab.stat(c).total_cache ?? 0) - cacheBefore;
        if (charged < res.bytes * 0.85) {
          res.notes.push(
            `only ${(charged / MiB).toFixed(1)} MiB of the ${res.bytes / MiB} MiB read was charged to the container (was the file still cached elsewhere?)`,
          );
        }
        const lruGen = readText('/sys/kernel/mm/lru_gen/enabled')?.trim();
        if (lruGen && lruGen !== '0x0000') {
          res.notes.push(
            `MGLRU is enabled (lru_gen ${lruGen}): re-read pages may stay in the older generations, i.e. on inactive_file`,
          );
        }
        res.snapshot = lab.snapshot(outDir);
        break;
      }
      case 'anon': {
        lab = Lab.create({
          podName: 'anon-holder',
          containers: [
            {
              name: app,
              requestBytes: 128 * MiB,
              limitBytes: 256 * MiB,
              image: 'node:22-alpine',
              command: ['node', '-e', 'hold 100 MiB'],
            },
          ],
        });
        res.bytes = 100 * MiB;
        await lab.startPause();
        await lab.holdAnon(app, res.bytes / MiB);
        res.snapshot = lab.snapshot(outDir);
        break;
      }
      case 'tmpfs': {
        lab = Lab.create({
          podName: 'tmpfs-writer',
          containers: [
            {
              name: app,
              requestBytes: 64 * MiB,
              limitBytes: 256 * MiB,
              volumeMounts: [{ name: 'scratch', mountPath: '/scratch' }],
            },
          ],
          volumes: [{ name: 'scratch', emptyDir: { medium: 'Memory' } }],
        });
        res.bytes = 64 * MiB;
        await lab.startPause();
        await lab.startMain(app);
        const mp = lab.mountTmpfs(128 * MiB);
        const r = await lab.writeTmpfs(app, mp, res.bytes / MiB);
        if (r.exitCode !== 0) throw new Error(`writing to tmpfs failed: ${r.stderr}`);
        res.snapshot = lab.snapshot(outDir);
        break;
      }
      case 'oom-container': {
        // Two containers, so the pod limit (Σ = 96Mi) sits above app's 64Mi and app's own limit fires.
        // (With a single container the pod limit equals the container limit and the pause
        // container's charge makes the *pod* level fire first: see 'oom-pod'.)
        lab = Lab.create({
          podName: 'oom-container',
          memswLimit: options.memswLimit ?? true,
          containers: [
            {
              name: app,
              requestBytes: 32 * MiB,
              limitBytes: 64 * MiB,
              image: 'node:22-alpine',
              command: ['node', '-e', 'grow until killed'],
            },
            { name: 'sidecar', requestBytes: 16 * MiB, limitBytes: 32 * MiB, command: ['sleep', '99999999'] },
          ],
        });
        res.bytes = 64 * MiB;
        await lab.startPause();
        await lab.startMain('sidecar');
        res.exit = await oomAndRestart(lab, app, 512);
        res.snapshot = lab.snapshot(outDir, { kernelLog: true });
        break;
      }
      case 'oom-pod': {
        lab = Lab.create({
          podName: 'oom-pod',
          memswLimit: options.memswLimit ?? true,
          containers: [
            {
              name: app,
              requestBytes: 32 * MiB,
              limitBytes: 64 * MiB,
              image: 'node:22-alpine',
              command: ['node', '-e', 'grow until killed'],
            },
          ],
        });
        res.bytes = 64 * MiB;
        await lab.startPause();
        res.exit = await oomAndRestart(lab, app, 512);
        res.snapshot = lab.snapshot(outDir, { kernelLog: true });
        break;
      }
      case 'oom-kubepods': {
        lab = Lab.create({
          podName: 'oom-kubepods',
          kubepodsLimitBytes: 256 * MiB,
          nodeCapacityBytes: 1 * GiB,
          containers: [
            {
              name: app,
              requestBytes: 64 * MiB,
              limitBytes: null,
              image: 'node:22-alpine',
              command: ['node', '-e', 'grow until killed'],
            },
          ],
        });
        res.bytes = 256 * MiB;
        await lab.startPause();
        res.exit = await oomAndRestart(lab, app, 1024);
        res.snapshot = lab.snapshot(outDir, { kernelLog: true });
        break;
      }
    }
    const l: Lab = lab;
    res.labName = l.name;
    res.pod = { name: l.podName, namespace: l.namespace, uid: l.podUid, qosClass: l.qos };
    res.levels = {
      root: 'memory',
      kubepods: l.snapshotRel(l.kubepods),
      qos: l.qosLevel ? l.snapshotRel(l.qosLevel) : null,
      pod: l.snapshotRel(l.pod),
      pause: l.snapshotRel(l.pause),
    };
    res.containers = l.containers.map((c) => ({
      name: c.name,
      id: c.id,
      cgroup: l.snapshotRel(c),
      previous: c.previous.map((p) => ({ id: p.id, cgroup: l.snapshotRel(p) })),
      requestBytes: c.spec.requestBytes ?? null,
      limitBytes: c.spec.limitBytes ?? null,
    }));
    res.kubepodsLimitBytes = l.kubepodsLimitBytes;
    res.notes.push(...l.notes);
  } finally {
    res.cleanupProblems = lab ? lab.cleanup() : [];
  }
  return res as ScenarioResult;
}

// ---------------------------------------------------------------------------------------------
// Test helpers.

/**
 * Builds a scenario for a test into a fresh temp folder (removed after the test unless
 * MEMWHY_LAB_KEEP=1), or skips the test with the reason when the lab cannot run here.
 * page-cache also gets a baseline snapshot (`result.baselineDir`).
 */
export async function scenarioForTest(
  t: TestContext,
  name: ScenarioName,
  options: Omit<ScenarioOptions, 'baselineDir'> = {},
): Promise<ScenarioResult | null> {
  const reason = labSkipReason();
  if (reason) {
    t.skip(reason);
    return null;
  }
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `memwhy-snap-${name}-`));
  if (process.env.MEMWHY_LAB_KEEP) t.diagnostic(`snapshot kept in ${tmp}`);
  else t.after(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const res = await buildScenario(name, path.join(tmp, 'snapshot'), {
    ...options,
    ...(name === 'page-cache' ? { baselineDir: path.join(tmp, 'baseline') } : {}),
  });
  for (const n of res.notes) t.diagnostic(`lab note: ${n}`);
  for (const p of res.cleanupProblems) t.diagnostic(`lab cleanup: ${p}`);
  return res;
}

/** A file of a snapshot folder's cgroup copy; `cgroupRel` as in ScenarioResult (`memory/kubepods/…`). */
export function snapshotFile(outDir: string, cgroupRel: string, file: string): string | null {
  return readText(path.join(outDir, 'cgroup', cgroupRel, file));
}

export function snapshotStat(outDir: string, cgroupRel: string): Record<string, number> {
  const text = snapshotFile(outDir, cgroupRel, 'memory.stat');
  if (text === null) throw new Error(`no memory.stat for ${cgroupRel} in ${outDir}`);
  return parseStat(text);
}

/** A single-number file (memory.failcnt, memory.usage_in_bytes, …) or a key of a key/value file (memory.oom_control). */
export function snapshotNumber(outDir: string, cgroupRel: string, file: string, key?: string): number {
  const text = snapshotFile(outDir, cgroupRel, file);
  if (text === null) throw new Error(`no ${file} for ${cgroupRel} in ${outDir}`);
  const v = key === undefined ? Number(text.trim()) : parseStat(text)[key];
  if (v === undefined || !Number.isFinite(v))
    throw new Error(`${cgroupRel}/${file}${key ? ` ${key}` : ''} is not a number: ${text}`);
  return v;
}

export function mib(bytes: number | null | undefined): string {
  return bytes == null ? 'null' : `${(bytes / MiB).toFixed(2)} MiB`;
}

// ---------------------------------------------------------------------------------------------
// By hand.

async function main(argv: string[]): Promise<number> {
  const [what, out, ...rest] = argv;
  if (what === 'sweep') {
    console.log(
      sweepStaleLabs({ force: rest.includes('--force') || out === '--force' }).join('\n') || 'nothing to sweep',
    );
    return 0;
  }
  if (!what || !out) {
    console.error(
      `usage: lab.ts <${SCENARIOS.join('|')}|all> <outDir> [--baseline <dir>]\n       lab.ts sweep [--force]`,
    );
    return 2;
  }
  const reason = labSkipReason();
  if (reason) {
    console.error(`kernel lab unavailable: ${reason}`);
    return 1;
  }
  sweepStaleLabs();
  const names: ScenarioName[] = what === 'all' ? [...SCENARIOS] : [what as ScenarioName];
  const bi = rest.indexOf('--baseline');
  for (const n of names) {
    const dir = what === 'all' ? path.join(out, n) : out;
    const baselineDir =
      bi >= 0 ? rest[bi + 1] : what === 'all' && n === 'page-cache' ? path.join(out, `${n}-baseline`) : undefined;
    const r = await buildScenario(n, dir, baselineDir ? { baselineDir } : {});
    console.log(
      JSON.stringify({
        scenario: n,
        outDir: r.outDir,
        baselineDir: r.baselineDir,
        kernelLog: r.snapshot.kernelLog,
        exit: r.exit && { signal: r.exit.signal, exitCode: r.exit.exitCode },
        notes: r.notes,
        cleanupProblems: r.cleanupProblems,
      }),
    );
  }
  return 0;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (e: unknown) => {
      console.error(e);
      process.exit(1);
    },
  );
}
