// Runs a container's command for real on this machine, the way a container runtime would, within
// what a root process can do without an engine:
//
//   setpriv --pdeathsig=KILL unshare --mount --propagation private --pid --fork --kill-child --uts --ipc
//     /bin/sh -c <setup>            pid 1 of a new pid namespace, private mount namespace:
//       tmpfs at <rootDir>          the container's root file system (writable, like an overlay)
//       userland                    host: /bin /sbin /usr /lib* /etc bind-mounted read-only
//                                   busybox: /bin = busybox + applet links, /usr/lib* (its libc) read-only
//       /proc (new pid ns), /dev (null zero full random urandom tty, shm), /sys read-only, /tmp 1777
//       volumes                     hostPath (from the node's hostPaths map), emptyDir; `readOnly` → ro
//                                   (recursively: every submount of the source is remounted ro too)
//       hostname = pod name
//     exec env -i <pod env> unshare --root=<rootDir> --wd=<workingDir>
//       /.test-cluster/setpriv --reuid --regid --clear-groups|--groups [--no-new-privs] [--bounding-set]
//         <command> <args>          execvp with the pod's PATH inside the new root
//
// The command ends up as pid 1 of its pid namespace, like in a container: SIGTERM is ignored unless it
// installs a handler; when it exits every other process of the namespace is killed by the kernel. The
// outer `unshare` is the leader of its own process group; killing it (SIGKILL) kills the child through
// --kill-child. Mounts exist only in the private namespace and vanish with its last process. The network
// namespace is the host's (pods can reach the test API server on 127.0.0.1).
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { join, posix } from 'node:path';

export type Userland = 'host' | 'busybox';

export interface MountSpec {
  /** Path inside the container. */
  target: string;
  /** A real directory or file on this machine… */
  source?: string;
  /** …or a read-only skeleton (tmpfs) with real directories bind-mounted below it (relative path → source). */
  skeleton?: Array<{ rel: string; source: string }>;
  readOnly: boolean;
}

export interface RunSpec {
  /** Shown as the hostname. */
  hostname: string;
  argv: string[];
  env: Record<string, string>;
  workingDir?: string;
  userland: Userland;
  uid: number;
  gid: number;
  /** Supplementary groups (fsGroup, supplementalGroups); empty = cleared. */
  groups: number[];
  noNewPrivs: boolean;
  /** Capability bounding set: 'all' (privileged), or a list (lowercase names, e.g. 'chown'). */
  capabilities: 'all' | string[];
  readOnlyRootFilesystem: boolean;
  mounts: MountSpec[];
  /** An empty directory on the host used as the root's mount point (removed after the run). */
  rootDir: string;
}

export interface RunResult {
  /** Exit code; 128+signal when killed by a signal. */
  exitCode: number;
  signal: NodeJS.Signals | null;
  /** The setup failed or the command could not be executed (runtime StartError); message says why. */
  startError: string | null;
}

export interface Running {
  pid: number;
  /** Resolves when the setup is done and the command is being exec'd (never, if the setup fails). */
  started: Promise<void>;
  /** Resolves when the process (and with it the whole pid namespace) is gone. */
  done: Promise<RunResult>;
  /** Signals the process group of the outer unshare (the container's pid 1 included). */
  kill(signal: NodeJS.Signals): void;
}

/** Default capabilities of containerd/runc containers. */
export const DEFAULT_CAPS = [
  'chown',
  'dac_override',
  'fsetid',
  'fowner',
  'mknod',
  'net_raw',
  'setgid',
  'setuid',
  'setfcap',
  'setpcap',
  'net_bind_service',
  'sys_chroot',
  'kill',
  'audit_write',
];

const START_ERROR_EXIT = 203;
const sq = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

function which(cmd: string): string | null {
  for (const d of ['/usr/bin', '/bin', '/usr/sbin', '/sbin']) if (existsSync(join(d, cmd))) return join(d, cmd);
  return null;
}

export interface Tools {
  unshare: string;
  setpriv: string;
  env: string;
  busybox: string | null;
  /** Folder with busybox + one symlink per applet, bind-mounted as /bin of busybox containers. */
  busyboxBin: string | null;
}

/** Finds the host tools and prepares the busybox /bin (once per cluster, under workDir). */
export function prepareTools(workDir: string): Tools {
  const unshare = which('unshare');
  const setpriv = which('setpriv');
  const env = which('env');
  if (!unshare || !setpriv || !env)
    throw new Error('test cluster: needs util-linux unshare and setpriv, and coreutils env');
  const busybox = which('busybox');
  let busyboxBin: string | null = null;
  if (busybox) {
    busyboxBin = join(workDir, 'busybox-bin');
    mkdirSync(busyboxBin, { recursive: true });
    const list = spawnSync(busybox, ['--list'], { encoding: 'utf8' }).stdout.split('\n').filter(Boolean);
    writeFileSync(join(busyboxBin, 'busybox'), '');
    for (const applet of list) {
      if (applet === 'busybox' || applet.includes('/')) continue;
      symlinkSync('busybox', join(busyboxBin, applet));
    }
  }
  return { unshare, setpriv, env, busybox, busyboxBin };
}

/** Mount points at or below `dir` in this (host) mount namespace, as paths relative to `dir`. */
function submounts(dir: string): string[] {
  const out: string[] = [];
  let info = '';
  try {
    info = readFileSync('/proc/self/mountinfo', 'utf8');
  } catch {
    return out;
  }
  for (const line of info.split('\n')) {
    const mp = line.split(' ')[4];
    if (!mp) continue;
    const p = mp.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
    if (p.startsWith(`${dir}/`)) out.push(p.slice(dir.length + 1));
  }
  return [...new Set(out)].sort();
}

function bindLines(src: string, dst: string, readOnly: boolean): string[] {
  const lines: string[] = [];
  const real = realpathSync(src);
  const isDir = statSync(real).isDirectory();
  lines.push(isDir ? `mkdir -p ${sq(dst)}` : `mkdir -p ${sq(posix.dirname(dst))}; [ -e ${sq(dst)} ] || : > ${sq(dst)}`);
  lines.push(`mount --rbind ${sq(real)} ${sq(dst)}`);
  if (readOnly) {
    lines.push(`mount -o remount,bind,ro ${sq(dst)}`);
    if (isDir)
      for (const rel of submounts(real))
        lines.push(`mount -o remount,bind,ro ${sq(`${dst}/${rel}`)} 2>/dev/null || true`);
  }
  return lines;
}

function rootLines(spec: RunSpec, tools: Tools): string[] {
  const R = spec.rootDir;
  const L: string[] = [];
  L.push(`mount -t tmpfs -o mode=755 tmpfs ${sq(R)}`);
  L.push(
    `mkdir -p ${sq(`${R}/proc`)} ${sq(`${R}/dev`)} ${sq(`${R}/sys`)} ${sq(`${R}/etc`)} ${sq(`${R}/.test-cluster`)} ${sq(`${R}/root`)}`,
  );
  L.push(`mkdir -m 1777 ${sq(`${R}/tmp`)}`);
  const roBind = (src: string, rel: string): void => {
    const st = lstatSync(src);
    if (st.isSymbolicLink()) {
      L.push(`ln -s ${sq(readlinkSync(src))} ${sq(`${R}${rel}`)}`);
      return;
    }
    L.push(
      `mkdir -p ${sq(`${R}${rel}`)}`,
      `mount --rbind ${sq(src)} ${sq(`${R}${rel}`)}`,
      `mount -o remount,bind,ro ${sq(`${R}${rel}`)}`,
    );
  };
  if (spec.userland === 'busybox' && tools.busyboxBin && tools.busybox) {
    // busybox is dynamically linked on Debian: it needs the host's libc, nothing else.
    L.push(`mkdir -p ${sq(`${R}/bin`)} ${sq(`${R}/usr`)}`);
    L.push(`mount --bind ${sq(tools.busyboxBin)} ${sq(`${R}/bin`)}`);
    L.push(`mount --bind ${sq(tools.busybox)} ${sq(`${R}/bin/busybox`)}`);
    L.push(`mount -o remount,bind,ro ${sq(`${R}/bin`)}`);
    for (const d of ['/usr/lib', '/usr/lib64', '/lib', '/lib64']) if (existsSync(d)) roBind(d, d);
    L.push(`ln -s ../bin ${sq(`${R}/usr/bin`)}`, `ln -s bin ${sq(`${R}/sbin`)}`);
    L.push(
      `printf '%s\\n' 'root:x:0:0:root:/root:/bin/sh' 'nobody:x:65534:65534:nobody:/home:/bin/false' > ${sq(`${R}/etc/passwd`)}`,
    );
    L.push(`printf '%s\\n' 'root:x:0:' 'nobody:x:65534:' > ${sq(`${R}/etc/group`)}`);
    L.push(`mkdir -p ${sq(`${R}/home`)}`);
  } else {
    for (const d of ['/bin', '/sbin', '/usr', '/lib', '/lib32', '/lib64', '/libx32', '/etc'])
      if (existsSync(d)) roBind(d, d);
  }
  L.push(
    `: > ${sq(`${R}/.test-cluster/setpriv`)}`,
    `mount --bind ${sq(tools.setpriv)} ${sq(`${R}/.test-cluster/setpriv`)}`,
  );
  L.push(`mount -t proc proc ${sq(`${R}/proc`)}`);
  L.push(`mount -t tmpfs -o mode=755,nosuid tmpfs ${sq(`${R}/dev`)}`);
  for (const d of ['null', 'zero', 'full', 'random', 'urandom', 'tty']) {
    L.push(`: > ${sq(`${R}/dev/${d}`)}`, `mount --bind /dev/${d} ${sq(`${R}/dev/${d}`)}`);
  }
  L.push(
    `mkdir -p ${sq(`${R}/dev/shm`)} ${sq(`${R}/dev/pts`)}`,
    `mount -t tmpfs -o mode=1777,nosuid,nodev shm ${sq(`${R}/dev/shm`)}`,
  );
  L.push(
    `ln -s /proc/self/fd ${sq(`${R}/dev/fd`)}`,
    `ln -s /proc/self/fd/0 ${sq(`${R}/dev/stdin`)}`,
    `ln -s /proc/self/fd/1 ${sq(`${R}/dev/stdout`)}`,
    `ln -s /proc/self/fd/2 ${sq(`${R}/dev/stderr`)}`,
  );
  // Non-recursive: the host's cgroup mounts under /sys/fs/cgroup stay out (an empty directory remains).
  L.push(`mount --bind /sys ${sq(`${R}/sys`)}`, `mount -o remount,bind,ro,nosuid,nodev,noexec ${sq(`${R}/sys`)}`);
  const mounts = [...spec.mounts].sort((a, b) => a.target.split('/').length - b.target.split('/').length);
  for (const m of mounts) {
    const dst = `${R}${posix.normalize(`/${m.target}`)}`;
    if (m.source !== undefined) {
      L.push(...bindLines(m.source, dst, m.readOnly));
    } else {
      L.push(`mkdir -p ${sq(dst)}`, `mount -t tmpfs -o mode=755 tmpfs ${sq(dst)}`);
      for (const c of m.skeleton ?? []) L.push(`mkdir -p ${sq(`${dst}/${c.rel}`)}`);
      for (const c of m.skeleton ?? [])
        L.push(...bindLines(c.source, `${dst}/${c.rel}`, m.readOnly).filter((l) => !l.startsWith('mkdir')));
      if (m.readOnly) L.push(`mount -o remount,ro ${sq(dst)}`);
    }
  }
  L.push(`echo ${sq(spec.hostname.slice(0, 63))} > /proc/sys/kernel/hostname`);
  if (spec.workingDir) L.push(`mkdir -p ${sq(`${R}${posix.normalize(`/${spec.workingDir}`)}`)}`);
  if (spec.readOnlyRootFilesystem) L.push(`mount -o remount,ro ${sq(R)}`);
  return L;
}

/** The setup script: every step must succeed, else the run is a StartError. */
function script(spec: RunSpec, tools: Tools): string {
  const steps = rootLines(spec, tools);
  return [
    // A stop request during setup must not kill the setup's own helpers (mkdir, mount): the kubelet
    // only signals a container that has started. Dispositions are reset before the exec.
    "trap '' TERM INT HUP",
    'fail() { echo "test-cluster: container setup failed: $1" >&2; exit ' + START_ERROR_EXIT + '; }',
    ...steps.map((s) => `${s} || fail ${sq(s.slice(0, 200))}`),
    'trap - TERM INT HUP',
    // Tell the kubelet the command is being started (fd 3), then close that pipe for the container.
    'printf started >&3',
    'exec 3>&-',
    'exec "$@"',
  ].join('\n');
}

function finalArgv(spec: RunSpec, tools: Tools): string[] {
  const env = Object.entries(spec.env).map(([k, v]) => `${k}=${v}`);
  const priv = ['/.test-cluster/setpriv', `--reuid=${spec.uid}`, `--regid=${spec.gid}`];
  priv.push(spec.groups.length ? `--groups=${spec.groups.join(',')}` : '--clear-groups');
  if (spec.noNewPrivs) priv.push('--no-new-privs');
  if (spec.capabilities !== 'all') {
    const caps = spec.capabilities.map((c) => `+${c.toLowerCase().replace(/^cap_/, '')}`);
    priv.push(`--bounding-set=-all${caps.length ? ',' + caps.join(',') : ''}`);
    if (spec.uid !== 0) priv.push('--inh-caps=-all');
  }
  priv.push('--');
  return [
    tools.env,
    '-i',
    ...env,
    tools.unshare,
    `--root=${spec.rootDir}`,
    `--wd=${spec.workingDir || '/'}`,
    '--',
    ...priv,
    ...spec.argv,
  ];
}

export interface Output {
  onData(chunk: Buffer, stream: 'stdout' | 'stderr'): void;
}

export function run(spec: RunSpec, tools: Tools, out: Output): Running {
  mkdirSync(spec.rootDir, { recursive: true });
  // setpriv --pdeathsig: if this Node process dies in any way (even SIGKILL), the kernel kills the outer
  // unshare, whose --kill-child then kills the container's pid 1, and with it the pid namespace.
  const child: ChildProcess = spawn(
    tools.setpriv,
    [
      '--pdeathsig=KILL',
      '--',
      tools.unshare,
      '--mount',
      '--propagation',
      'private',
      '--pid',
      '--fork',
      '--kill-child',
      '--uts',
      '--ipc',
      '--',
      '/bin/sh',
      '-c',
      script(spec, tools),
      'test-cluster-container',
      ...finalArgv(spec, tools),
    ],
    {
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
      env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', LC_ALL: 'C' },
    },
  );
  let stderrTail = '';
  const started = new Promise<void>((resolve) => {
    const fd3 = child.stdio[3] as NodeJS.ReadableStream | null;
    fd3?.on('data', () => resolve());
    fd3?.on('error', () => {});
  });
  child.stdout!.on('data', (c: Buffer) => out.onData(c, 'stdout'));
  child.stderr!.on('data', (c: Buffer) => {
    stderrTail = (stderrTail + c.toString('utf8')).slice(-4096);
    out.onData(c, 'stderr');
  });
  const done = new Promise<RunResult>((resolve) => {
    let finished = false;
    const finish = (code: number | null, signal: NodeJS.Signals | null): void => {
      if (finished) return;
      finished = true;
      try {
        rmSync(spec.rootDir, { recursive: false, force: true });
      } catch {
        /* busy only if something still holds it: the namespace is gone with the process */
      }
      const sigNum = signal ? (os_signals[signal] ?? 9) : 0;
      const exitCode = code ?? 128 + sigNum;
      let startError: string | null = null;
      if (code === START_ERROR_EXIT) {
        startError = /container setup failed: (.*)/.exec(stderrTail)?.[1] ?? 'container setup failed';
      } else if (
        (code === 126 || code === 127) &&
        /setpriv: (failed to execute|cannot execute) ([^:\n]+)/.test(stderrTail)
      ) {
        const cmd = /setpriv: (?:failed to execute|cannot execute) ([^:\n]+)/.exec(stderrTail)![1]!;
        startError = `failed to create containerd task: failed to create shim task: OCI runtime create failed: runc create failed: unable to start container process: exec: "${cmd}": executable file not found in $PATH: unknown`;
      }
      resolve({ exitCode, signal, startError });
    };
    // 'close' fires after the stdio streams ended, so every byte of output was delivered first.
    child.on('close', finish);
    child.on('error', () => finish(START_ERROR_EXIT, null));
  });
  return {
    pid: child.pid ?? -1,
    started,
    done,
    kill(signal: NodeJS.Signals): void {
      if (child.pid === undefined || child.pid <= 1 || child.exitCode !== null || child.signalCode !== null) return;
      try {
        process.kill(-child.pid, signal);
      } catch {
        /* already gone */
      }
    },
  };
}

const os_signals: Record<string, number> = {
  SIGHUP: 1,
  SIGINT: 2,
  SIGQUIT: 3,
  SIGABRT: 6,
  SIGKILL: 9,
  SIGUSR1: 10,
  SIGSEGV: 11,
  SIGUSR2: 12,
  SIGPIPE: 13,
  SIGALRM: 14,
  SIGTERM: 15,
};
