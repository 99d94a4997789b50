// The cgroup v2 lab: boots a Debian kernel in QEMU (TCG) with a pure cgroup v2 hierarchy, runs the experiments
// of PLAN inside it (./guest/init.sh), and brings back what the kernel wrote: every memory.* file of each
// kubelet-shaped level, the node reader script's framed output, and the kernel log.
//
// Assets (downloaded by .ci/run or by hand with `test/kernel-v2/fetch-assets.sh`, into .cache/v2lab/):
//   kernel/   `apt-get download` of the package linux-image-cloud-amd64 depends on, unpacked with dpkg-deb -x
//   busybox/  busybox-static, unpacked the same way (not installed: it would replace the busybox package)
// plus qemu-system-x86_64 (apt), gcc (builds ./guest/memhog.c statically), mkfs.ext4 (the page-cache disk).
//
// By hand:  node_modules/.bin/node --import tsx test/kernel-v2/vm.ts <outDir>

import { spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { NODE_READER_SCRIPT } from '../../src/kube/reader-node-script.js';
import { READER_SCRIPT } from '../../src/kube/reader-script.js';

export const MiB = 1024 * 1024;
const REPO = path.resolve(import.meta.dirname, '../..');
export const CACHE_DIR = process.env.MEMWHY_V2LAB_CACHE ?? path.join(REPO, '.cache', 'v2lab');
const GUEST_DIR = path.join(import.meta.dirname, 'guest');
const MODULES = ['virtio_ring', 'virtio', 'virtio_pci_modern_dev', 'virtio_pci_legacy_dev', 'virtio_pci', 'virtio_blk'];
const DATA_FILE = 'random-100MiB.bin';
const VM_TIMEOUT_MS = 300_000;
export const SIDECAR_REQUEST_BYTES = 16 * MiB;

export type ExperimentKind = 'cache' | 'anon' | 'tmpfs' | 'oom';
export type CgroupDriver = 'systemd' | 'cgroupfs';

export interface Experiment {
  /** Folder name in the results; a shell identifier. */
  name: string;
  kind: ExperimentKind;
  driver: CgroupDriver;
  /** For kind oom: the level whose limit is meant to fire. */
  level: 'container' | 'pod' | 'kubepods' | null;
  /** memory.oom.group of the container scopes. */
  oomGroup: 0 | 1;
  podUid: string;
  pauseId: string;
  appId: string;
  /** The app's new container after its OOM kill (the restart). */
  app2Id: string | null;
  sidecarId: string | null;
  appRequestBytes: number;
  appLimitBytes: number | null;
  sidecarLimitBytes: number | null;
  /** The pod slice's memory.max: Σ container limits when every container has one (kubelet), else null. */
  podLimitBytes: number | null;
  /** kubepods memory.max; null = the node's capacity (no reservations). */
  kubepodsLimitBytes: number | null;
}

const hex64 = (): string => randomBytes(32).toString('hex');

/** One experiment of a plan (exported for a second run, e.g. a workload re-run under an advised limit). */
export function experiment(
  name: string,
  kind: ExperimentKind,
  driver: CgroupDriver,
  o: Partial<Experiment> = {},
): Experiment {
  const appLimitBytes = o.appLimitBytes === undefined ? 256 * MiB : o.appLimitBytes;
  const sidecarLimitBytes = o.sidecarLimitBytes ?? null;
  const podLimitBytes = appLimitBytes === null ? null : appLimitBytes + (sidecarLimitBytes ?? 0);
  return {
    name,
    kind,
    driver,
    level: null,
    oomGroup: 1,
    podUid: randomUUID(),
    pauseId: hex64(),
    appId: hex64(),
    app2Id: kind === 'oom' ? hex64() : null,
    sidecarId: sidecarLimitBytes === null ? null : hex64(),
    appRequestBytes: 64 * MiB,
    appLimitBytes,
    sidecarLimitBytes,
    podLimitBytes,
    kubepodsLimitBytes: null,
    ...o,
  };
}

/** The experiments, in the order the guest runs them (the page-cache one first: the data disk is cold). */
export function makePlan(): Experiment[] {
  const oom = (
    name: string,
    level: 'container' | 'pod' | 'kubepods',
    oomGroup: 0 | 1,
    driver: CgroupDriver = 'systemd',
  ): Experiment =>
    experiment(name, 'oom', driver, {
      level,
      oomGroup,
      appLimitBytes: level === 'kubepods' ? null : 100 * MiB,
      // A sidecar lifts the pod limit (Σ limits) above the app's, so the container's own limit fires.
      sidecarLimitBytes: level === 'container' ? 32 * MiB : null,
      kubepodsLimitBytes: level === 'kubepods' ? 200 * MiB : null,
    });
  return [
    experiment('cache', 'cache', 'systemd'),
    experiment('anon', 'anon', 'systemd'),
    experiment('tmpfs', 'tmpfs', 'systemd'),
    oom('oom_container_g1', 'container', 1),
    oom('oom_container_g0', 'container', 0),
    oom('oom_pod_g1', 'pod', 1),
    oom('oom_pod_g0', 'pod', 0),
    oom('oom_kubepods_g1', 'kubepods', 1),
    oom('oom_kubepods_g0', 'kubepods', 0),
    experiment('cgroupfs_anon', 'anon', 'cgroupfs'),
    oom('cgroupfs_oom_container_g1', 'container', 1, 'cgroupfs'),
  ];
}

/** The plan as shell assignments for the guest (/plan.sh). */
function planScript(plan: Experiment[]): string {
  const v = (n: number | null): string => (n === null ? 'max' : String(n));
  const lines = [`experiments='${plan.map((e) => e.name).join(' ')}'`];
  for (const e of plan) {
    const vars: Record<string, string> = {
      kind: e.kind,
      driver: e.driver,
      uid: e.podUid,
      pause: e.pauseId,
      app: e.appId,
      app2: e.app2Id ?? '',
      side: e.sidecarId ?? '',
      app_max: v(e.appLimitBytes),
      side_max: v(e.sidecarLimitBytes),
      pod_max: v(e.podLimitBytes),
      kubepods_max: e.kubepodsLimitBytes === null ? 'node' : String(e.kubepodsLimitBytes),
      group: String(e.oomGroup),
      app_req: String(e.appRequestBytes),
      side_req: String(SIDECAR_REQUEST_BYTES),
    };
    for (const [k, val] of Object.entries(vars)) lines.push(`${e.name}_${k}='${val}'`);
  }
  return lines.join('\n') + '\n';
}

// ---------------------------------------------------------------------------------------------
// Assets

export interface Assets {
  qemu: string;
  vmlinuz: string;
  modulesDir: string;
  busybox: string;
}

function which(cmd: string): string | null {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : null;
}

/** The assets, or why the lab cannot run here. */
export function findAssets(): Assets | { skip: string } {
  const fetchHint = 'run test/kernel-v2/fetch-assets.sh as root (CI does it in .ci/run)';
  const qemu = which('qemu-system-x86_64');
  if (!qemu) return { skip: `qemu-system-x86_64 not installed: ${fetchHint}` };
  for (const tool of ['gcc', 'mkfs.ext4', 'tar']) if (!which(tool)) return { skip: `${tool} not installed` };
  const boot = path.join(CACHE_DIR, 'kernel', 'boot');
  const vmlinuz = fs.existsSync(boot) ? fs.readdirSync(boot).find((f) => f.startsWith('vmlinuz-')) : undefined;
  if (!vmlinuz) return { skip: `no kernel in ${boot}: ${fetchHint}` };
  const release = vmlinuz.slice('vmlinuz-'.length);
  const modulesDir = path.join(CACHE_DIR, 'kernel', 'lib', 'modules', release, 'kernel');
  const busybox = path.join(CACHE_DIR, 'busybox', 'bin', 'busybox');
  if (!fs.existsSync(busybox)) return { skip: `no busybox-static in ${busybox}: ${fetchHint}` };
  return { qemu, vmlinuz: path.join(boot, vmlinuz), modulesDir, busybox };
}

function findModule(modulesDir: string, name: string): string {
  const r = spawnSync('find', [modulesDir, '-name', `${name}.ko`], { encoding: 'utf8' });
  const file = r.stdout.split('\n').find(Boolean);
  if (!file) throw new Error(`kernel module ${name}.ko not found under ${modulesDir}`);
  return file;
}

function run(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr || r.error?.message}`);
}

function buildMemhog(): string {
  const src = path.join(GUEST_DIR, 'memhog.c');
  const hash = createHash('sha256').update(fs.readFileSync(src)).digest('hex').slice(0, 12);
  const out = path.join(CACHE_DIR, `memhog-${hash}`);
  if (!fs.existsSync(out)) run('gcc', ['-static', '-O2', '-o', out, src]);
  return out;
}

/** A read-only ext4 image holding 100 MiB of random bytes (zeros would be stored sparse: no page cache). */
function dataDisk(): string {
  const img = path.join(CACHE_DIR, 'data-ext4.img');
  if (fs.existsSync(img)) return img;
  const dir = fs.mkdtempSync(path.join(CACHE_DIR, 'data-'));
  try {
    const fd = fs.openSync(path.join(dir, DATA_FILE), 'w');
    for (let i = 0; i < 100; i++) fs.writeSync(fd, randomBytes(MiB));
    fs.closeSync(fd);
    run('mkfs.ext4', ['-q', '-F', '-d', dir, `${img}.tmp`, '128M']);
    fs.renameSync(`${img}.tmp`, img);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  return img;
}

// ---------------------------------------------------------------------------------------------
// Initramfs: an uncompressed cpio "newc" archive (boots faster under TCG than a compressed one)

interface CpioEntry {
  name: string;
  mode: number;
  data?: Buffer;
  rdev?: [number, number];
}

function cpioNewc(entries: CpioEntry[]): Buffer {
  const parts: Buffer[] = [];
  const pad4 = (n: number): Buffer => Buffer.alloc((4 - (n % 4)) % 4);
  const hex = (n: number): string => n.toString(16).padStart(8, '0');
  let ino = 1;
  for (const e of [...entries, { name: 'TRAILER!!!', mode: 0 }]) {
    const data = 'data' in e && e.data ? e.data : Buffer.alloc(0);
    const [maj, min] = 'rdev' in e && e.rdev ? e.rdev : [0, 0];
    const name = Buffer.from(`${e.name}\0`);
    const fields = [ino++, e.mode, 0, 0, 1, 0, data.length, 0, 0, maj, min, name.length, 0];
    const header = Buffer.from('070701' + fields.map(hex).join(''));
    parts.push(header, name, pad4(header.length + name.length), data, pad4(data.length));
  }
  return Buffer.concat(parts);
}

function initramfs(assets: Assets, plan: Experiment[]): Buffer {
  const dir = (name: string): CpioEntry => ({ name, mode: 0o040755 });
  const file = (name: string, data: Buffer | string, mode = 0o100644): CpioEntry => ({
    name,
    mode,
    data: Buffer.from(data),
  });
  return cpioNewc([
    dir('bin'),
    dir('dev'),
    dir('proc'),
    dir('sys'),
    dir('lib'),
    dir('lib/modules'),
    { name: 'dev/console', mode: 0o020600, rdev: [5, 1] },
    file('bin/busybox', fs.readFileSync(assets.busybox), 0o100755),
    { name: 'bin/sh', mode: 0o120777, data: Buffer.from('busybox') }, // /init's interpreter
    file('bin/memhog', fs.readFileSync(buildMemhog()), 0o100755),
    file('init', fs.readFileSync(path.join(GUEST_DIR, 'init.sh')), 0o100755),
    file('plan.sh', planScript(plan)),
    file('reader.sh', READER_SCRIPT),
    file('node-reader.sh', NODE_READER_SCRIPT),
    ...MODULES.map((m) => file(`lib/modules/${m}.ko`, fs.readFileSync(findModule(assets.modulesDir, m)))),
  ]);
}

// ---------------------------------------------------------------------------------------------
// Running the VM

export interface LabRun {
  /** Where the guest's /out was unpacked: <experiment>/cgroup/…, reader.txt, dmesg, … and guest.txt. */
  dir: string;
  plan: Experiment[];
  /** Host time the guest started (ISO). */
  startedAt: string;
  /** Seconds from QEMU start to the guest's "cgroup2 mounted" line, and to QEMU's exit. */
  bootSeconds: number | null;
  totalSeconds: number;
  console: string;
}

function qemuArgs(assets: Assets, initrd: string, data: string, out: string): string[] {
  return [
    '-accel',
    'tcg',
    '-m',
    '512',
    '-smp',
    '1',
    '-nographic',
    '-no-reboot',
    '-nodefaults',
    '-serial',
    'stdio',
    '-kernel',
    assets.vmlinuz,
    '-initrd',
    initrd,
    '-append',
    'console=ttyS0 quiet loglevel=1 panic=-1 cgroup_no_v1=all systemd.unified_cgroup_hierarchy=1 rdinit=/init',
    '-drive',
    `file=${data},format=raw,if=virtio,readonly=on`,
    '-drive',
    `file=${out},format=raw,if=virtio`,
  ];
}

function runQemu(
  args: string[],
  qemu: string,
): Promise<{ console: string; code: number | null; bootMs: number | null; ms: number }> {
  return new Promise((resolve, reject) => {
    const t0 = Date.now();
    let bootMs: number | null = null;
    let text = '';
    const child = spawn(qemu, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    // The VM never outlives the test process (nor the timeout).
    const stop = (): void => void child.kill('SIGKILL');
    process.once('exit', stop);
    const timer = setTimeout(stop, VM_TIMEOUT_MS);
    const onData = (b: Buffer): void => {
      text += b.toString('utf8');
      if (bootMs === null && text.includes('cgroup2 mounted')) bootMs = Date.now() - t0;
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      process.off('exit', stop);
      resolve({ console: text, code, bootMs, ms: Date.now() - t0 });
    });
  });
}

/** Boots the VM once, runs every experiment, and unpacks the results into `outDir` (created). */
export async function runLab(assets: Assets, outDir: string, plan: Experiment[] = makePlan()): Promise<LabRun> {
  fs.mkdirSync(outDir, { recursive: true });
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'memwhy-v2lab-'));
  try {
    const initrd = path.join(work, 'initrd.cpio');
    fs.writeFileSync(initrd, initramfs(assets, plan));
    const out = path.join(work, 'out.img');
    fs.writeFileSync(out, Buffer.alloc(0));
    fs.truncateSync(out, 32 * MiB);
    const startedAt = new Date().toISOString();
    const r = await runQemu(qemuArgs(assets, initrd, dataDisk(), out), assets.qemu);
    const tar = spawnSync('tar', ['-xf', out, '-C', outDir], { encoding: 'utf8' });
    if (tar.status !== 0 || !fs.existsSync(path.join(outDir, 'guest.txt'))) {
      throw new Error(
        `the VM wrote no results (qemu exit ${r.code}; tar: ${tar.stderr.trim()}); console:\n${r.console.slice(-3000)}`,
      );
    }
    fs.writeFileSync(path.join(outDir, 'console.txt'), r.console);
    fs.writeFileSync(path.join(outDir, 'plan.json'), JSON.stringify({ startedAt, plan }, null, 2) + '\n');
    return {
      dir: outDir,
      plan,
      startedAt,
      bootSeconds: r.bootMs === null ? null : r.bootMs / 1000,
      totalSeconds: r.ms / 1000,
      console: r.console,
    };
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** A run unpacked earlier by runLab (its plan.json and console.txt). */
export function loadRun(dir: string): LabRun {
  const { startedAt, plan } = JSON.parse(fs.readFileSync(path.join(dir, 'plan.json'), 'utf8')) as {
    startedAt: string;
    plan: Experiment[];
  };
  return {
    dir,
    plan,
    startedAt,
    bootSeconds: null,
    totalSeconds: 0,
    console: fs.readFileSync(path.join(dir, 'console.txt'), 'utf8'),
  };
}

async function main(argv: string[]): Promise<number> {
  const outDir = argv[0];
  if (!outDir) {
    console.error('usage: vm.ts <outDir>');
    return 2;
  }
  const assets = findAssets();
  if ('skip' in assets) {
    console.error(assets.skip);
    return 1;
  }
  const r = await runLab(assets, path.resolve(outDir));
  console.log(`boot ${r.bootSeconds}s, total ${r.totalSeconds}s → ${r.dir}`);
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.exitCode = await main(process.argv.slice(2));
}
