// The reader script, run for real: under busybox sh (with busybox's own awk/sleep, as in the busybox image) and
// under dash (with the host's awk), against
//  (a) a REAL cgroup v1 tree built by the kernel lab (test/kernel/lab.ts) with real workloads in it,
//  (b) a cgroup v2 tree copied from test/fixtures/cases/cgroupv2-elastic-relocated/cgroup,
//  (c) synthetic trees for every layout of docs/memory-facts.md §5 (systemd/cgroupfs, containerd/CRI-O/docker,
//      prefixes, Guaranteed directly under kubepods, CRI-O's container/ child, a static pod),
//  (d) a pod that is not there, no cgroup at all, and arguments the script must refuse,
//  (e) uid 65534 via setpriv (no privilege beyond read access) and strace (nothing opened for writing),
//  (f) timing on the lab tree.
// Every parsed result is checked byte for byte against the real files, and locatePod() must find the pod in it.
// Skips (with the reason) where a shell or the lab is not available. UPDATE_GOLDEN=1 rewrites the recorded
// outputs under test/kube/golden/.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test, type TestContext } from 'node:test';
import { locatePod } from '../../src/core/cgroup.js';
import { parseFrames, parseFrameSets, type ParsedFrames } from '../../src/core/frames.js';
import type { CgroupFiles, ContainerRuntime } from '../../src/core/types.js';
import {
  READER_ARGV0,
  READER_EXIT,
  READER_SCRIPT,
  V1_READER_FILES,
  V2_READER_FILES,
  readerArgs,
  type ReaderArgsInput,
} from '../../src/kube/reader-script.js';
import { Lab, labSkipReason, MiB, sweepStaleLabs } from '../kernel/lab.js';

const GOLDEN_DIR = path.join(import.meta.dirname, 'golden');
const UPDATE = process.env.UPDATE_GOLDEN === '1';
const V2_FIXTURE = path.join(import.meta.dirname, '../fixtures/cases/cgroupv2-elastic-relocated/cgroup');
const FIXTURE_UID = '5e5613d6-fccb-40d6-967b-447697d4d871';
const FIXTURE_ID = 'fe888b5a90a7d62f7b6ab92186e0a2c79e21d75bc864a94c0d64ef170290273f';

// ---------------------------------------------------------------------------------------------
// Shells

type Shell = 'busybox' | 'dash';

/** Absolute path of a command (spawn looks commands up in the child's PATH, which the tests set to busybox only). */
function which(cmd: string): string {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' }).stdout.trim() || cmd;
}
const BIN = { busybox: which('busybox'), dash: which('dash'), setpriv: which('setpriv'), strace: which('strace') };

function works(cmd: string, args: string[]): boolean {
  const r = spawnSync(cmd, args, { stdio: 'ignore' });
  return r.status === 0;
}

const tmpBase = fs.mkdtempSync(path.join(os.tmpdir(), 'memwhy-reader-test-'));
fs.chmodSync(tmpBase, 0o755);
after(() => fs.rmSync(tmpBase, { recursive: true, force: true }));

/** A PATH directory with busybox applet links only, so `busybox sh` runs busybox awk and sleep like the image does. */
const busyboxBin = path.join(tmpBase, 'busybox-bin');
const HAVE = {
  busybox: works('busybox', ['sh', '-c', 'true']) && works('busybox', ['awk', 'BEGIN{}']),
  dash: works('dash', ['-c', 'true']) && works('awk', ['BEGIN{}']),
  setpriv: works('setpriv', ['--reuid', '65534', '--regid', '65534', '--clear-groups', 'true']),
  strace: works('strace', ['-o', '/dev/null', 'true']),
};
if (HAVE.busybox) {
  fs.mkdirSync(busyboxBin);
  for (const applet of ['sh', 'awk', 'sleep']) fs.symlinkSync(BIN.busybox, path.join(busyboxBin, applet));
}
const SHELLS: Shell[] = (['busybox', 'dash'] as const).filter((s) => HAVE[s]);
const skipShell = (shell: Shell): string | false => (HAVE[shell] ? false : `${shell} (with an awk) is not installed`);

interface Run {
  status: number | null;
  stdout: Buffer;
  stderr: string;
  ms: number;
}

interface RunOptions {
  /** Run as uid/gid 65534 without supplementary groups (setpriv). */
  nobody?: boolean;
  /** Wrap in `strace -f -o <file>` with these syscalls traced. */
  strace?: { out: string; trace: string };
}

function shellArgv(shell: Shell, args: string[]): string[] {
  const sh = shell === 'busybox' ? [BIN.busybox, 'sh'] : [BIN.dash];
  return [...sh, '-c', READER_SCRIPT, READER_ARGV0, ...args];
}

function runReader(shell: Shell, args: string[], options: RunOptions = {}): Run {
  let argv = shellArgv(shell, args);
  if (options.nobody) argv = [BIN.setpriv, '--reuid', '65534', '--regid', '65534', '--clear-groups', '--', ...argv];
  if (options.strace)
    argv = [BIN.strace, '-f', '-qq', '-o', options.strace.out, '-e', `trace=${options.strace.trace}`, ...argv];
  const env = { PATH: shell === 'busybox' ? busyboxBin : '/usr/local/bin:/usr/bin:/bin', LANG: 'C.UTF-8' };
  const t0 = process.hrtime.bigint();
  const r = spawnSync(argv[0] as string, argv.slice(1), { env, maxBuffer: 64 * MiB, cwd: '/' });
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr.toString(), ms };
}

function args(input: Partial<ReaderArgsInput> & { podUid: string; root: string }): string[] {
  return readerArgs({ containerIds: [], qosClass: 'Burstable', ...input });
}

function parsedOk(run: Run, what: string): ParsedFrames {
  assert.equal(run.stderr, '', `${what}: nothing on stderr (kubectl logs would mix it into the frames)`);
  const parsed = parseFrames(run.stdout);
  assert.deepEqual(parsed.problems, [], `${what}: frame problems`);
  assert.equal(parsed.complete, true, `${what}: complete`);
  return parsed;
}

function hex64(): string {
  return randomBytes(32).toString('hex');
}

// ---------------------------------------------------------------------------------------------
// Reading the real files for comparison

/** Files of the listed directories (relative to the memory root) that the reader should print, read now. */
function readExpected(root: string, version: 'v1' | 'v2', dirs: string[]): CgroupFiles {
  const out: CgroupFiles = {};
  const names = version === 'v1' ? V1_READER_FILES : V2_READER_FILES;
  if (version === 'v2' && fs.existsSync(path.join(root, 'cgroup.controllers'))) {
    out['cgroup.controllers'] = fs.readFileSync(path.join(root, 'cgroup.controllers'), 'utf8');
  }
  for (const dir of dirs) {
    const keyDir = version === 'v1' ? path.posix.join('memory', dir) : dir;
    for (const name of names) {
      const file = path.join(root, keyDir, name);
      if (!fs.existsSync(file)) continue;
      out[keyDir ? `${keyDir}/${name}` : name] = fs.readFileSync(file, 'utf8');
    }
  }
  return out;
}

/**
 * Runs the reader between two reads of the real files and checks every printed file byte for byte against them.
 * Live cgroup files may change while the reader runs; a file counts as right when it equals the read before or
 * the one after, and the whole run is retried (up to 6 times) until every file does.
 */
function runAgainstLiveFiles(
  t: TestContext,
  shell: Shell,
  runArgs: string[],
  root: string,
  dirs: string[],
  options: RunOptions = {},
): { parsed: ParsedFrames; expected: CgroupFiles; run: Run } {
  let last = '';
  for (let attempt = 1; attempt <= 6; attempt++) {
    const before = readExpected(root, 'v1', dirs);
    const run = runReader(shell, runArgs, options);
    const afterRead = readExpected(root, 'v1', dirs);
    assert.equal(run.status, READER_EXIT.ok, `exit status; stderr: ${run.stderr}`);
    const parsed = parsedOk(run, `${shell} run`);
    const wanted = Object.keys(before).sort();
    const got = Object.keys(parsed.files)
      .filter((k) => wanted.includes(k) || dirs.some((d) => k.startsWith(`memory/${d}/`)))
      .sort();
    assert.deepEqual(got, wanted, 'the reader printed exactly the memory files of the levels');
    const wrong = wanted.filter((k) => parsed.files[k] !== before[k] && parsed.files[k] !== afterRead[k]);
    if (wrong.length === 0) {
      const changed = wanted.filter((k) => before[k] !== afterRead[k]).length;
      if (attempt > 1 || changed > 0)
        t.diagnostic(`${shell}: attempt ${attempt}, ${changed} file(s) changed while reading`);
      return { parsed, expected: before, run };
    }
    last = wrong.join(', ');
  }
  assert.fail(`files kept changing while the reader ran (last: ${last})`);
}

// ---------------------------------------------------------------------------------------------
// (a) The real cgroup v1 lab

describe(
  'reader on the real cgroup v1 kernel lab',
  { skip: labSkipReason() ?? (SHELLS.length === 0 ? 'no shell' : false) },
  () => {
    let lab: Lab;
    let root: string; // a cgroup root whose memory/ is the lab: the lab looks like a whole node
    let dirs: string[];
    let ids: string[];

    before(async () => {
      sweepStaleLabs();
      lab = Lab.create({
        podName: 'reader-lab',
        containers: [
          {
            name: 'app',
            requestBytes: 64 * MiB,
            limitBytes: 256 * MiB,
            image: 'node:22-alpine',
            command: ['node', '-e', 'hold'],
          },
          { name: 'sidecar', requestBytes: 16 * MiB, limitBytes: 128 * MiB, command: ['sleep', '3600'] },
        ],
      });
      await lab.startPause();
      await lab.holdAnon('app', 48);
      await lab.startMain('sidecar');
      const mp = lab.mountTmpfs(32 * MiB);
      const w = await lab.writeTmpfs('sidecar', mp, 16);
      assert.equal(w.exitCode, 0, `tmpfs write: ${w.stderr}`);
      const file = lab.createColdFile(16 * MiB);
      const r = await lab.readFileIn('sidecar', file, 1);
      assert.equal(r.exitCode, 0, `page cache read: ${r.stderr}`);
      root = path.join(tmpBase, 'lab-root');
      fs.mkdirSync(root);
      fs.symlinkSync(lab.root, path.join(root, 'memory'));
      dirs = [
        '',
        lab.kubepods.rel,
        (lab.qosLevel as { rel: string }).rel,
        lab.pod.rel,
        ...lab.containers.map((c) => c.rel),
      ];
      ids = lab.containers.map((c) => c.id);
    });
    after(() => {
      const problems = lab?.cleanup() ?? [];
      assert.deepEqual(problems, [], 'lab cleanup');
    });

    for (const shell of ['busybox', 'dash'] as const) {
      test(
        `${shell}: every memory file of root, kubepods, QoS, pod and containers, byte for byte; locatePod finds them`,
        { skip: skipShell(shell) },
        (t) => {
          const runArgs = args({ podUid: lab.podUid, containerIds: ids, qosClass: lab.qos, root });
          const { parsed, expected } = runAgainstLiveFiles(t, shell, runArgs, root, dirs);
          assert.deepEqual(Object.keys(parsed.files).sort(), Object.keys(expected).sort());
          assert.equal(parsed.cgroupVersion, 'v1');
          assert.equal(parsed.podPath, `memory/${lab.pod.rel}`);
          assert.equal(parsed.notFound, false);
          assert.deepEqual(parsed.errors, []);
          // The real workloads are visible in what was read.
          const stat = (rel: string): string => parsed.files[`memory/${rel}/memory.stat`] ?? '';
          const num = (text: string, key: string): number =>
            Number(new RegExp(`^${key} (\\d+)$`, 'm').exec(text)?.[1] ?? NaN);
          assert.ok(num(stat(lab.container('app').rel), 'total_rss') >= 40 * MiB, 'app holds ~48 MiB anonymous memory');
          assert.ok(
            num(stat(lab.container('sidecar').rel), 'total_shmem') >= 15 * MiB,
            'sidecar wrote 16 MiB into tmpfs',
          );

          const loc = locatePod(parsed.files, {
            podUid: lab.podUid,
            containerIds: ids.map((id) => `containerd://${id}`),
          });
          assert.ok(loc, 'locatePod finds the pod in the reader output');
          assert.equal(loc.version, 'v1');
          assert.equal(loc.driver, 'cgroupfs');
          assert.equal(loc.prefix, '');
          assert.equal(loc.pod?.path, lab.pod.rel);
          assert.equal(loc.qos?.path, 'kubepods/burstable');
          assert.equal(loc.kubepods?.path, 'kubepods');
          assert.equal(loc.root?.path, '');
          assert.deepEqual(Object.keys(loc.containers).sort(), [...ids].sort());
          assert.equal(loc.pod?.limitBytes, 384 * MiB, 'pod limit = Σ container limits, as the lab set it');
          assert.equal(loc.containers[lab.container('app').id]?.level.limitBytes, 256 * MiB);

          if (shell === 'busybox' && (UPDATE || !fs.existsSync(path.join(GOLDEN_DIR, 'reader-output-v1-lab.txt')))) {
            fs.mkdirSync(GOLDEN_DIR, { recursive: true });
            fs.writeFileSync(path.join(GOLDEN_DIR, 'reader-output-v1-lab.txt'), runReader(shell, runArgs).stdout);
          }
        },
      );

      test(
        `${shell}: the real /sys/fs/cgroup as root, the lab directory as a prefix before kubepods`,
        { skip: skipShell(shell) },
        (t) => {
          const realRoot = path.dirname(path.dirname(lab.root)); // /sys/fs/cgroup
          const runArgs = args({ podUid: lab.podUid, containerIds: ids, qosClass: lab.qos, root: realRoot });
          const labDirs = dirs.map((d) => path.posix.join(lab.name, d));
          // The node's root memory files change all the time; only the lab's levels are compared byte for byte.
          const { parsed } = runAgainstLiveFiles(t, shell, runArgs, realRoot, labDirs);
          for (const name of ['memory.stat', 'memory.usage_in_bytes'])
            assert.ok(parsed.files[`memory/${name}`], `the node root's ${name} is printed`);
          const loc = locatePod(parsed.files, { podUid: lab.podUid, containerIds: ids });
          assert.ok(loc);
          assert.equal(loc.prefix, lab.name);
          assert.equal(
            loc.root?.path,
            lab.name,
            'the level above kubepods is printed (locatePod reads it as the root)',
          );
          assert.equal(loc.pod?.path, `${lab.name}/${lab.pod.rel}`);
          assert.deepEqual(Object.keys(loc.containers).sort(), [...ids].sort());
        },
      );

      test(
        `${shell}: no container IDs → every container directory of the pod, the sandbox too`,
        { skip: skipShell(shell) },
        (t) => {
          const runArgs = args({ podUid: lab.podUid, containerIds: [], qosClass: lab.qos, root });
          const { parsed } = runAgainstLiveFiles(t, shell, runArgs, root, [...dirs, lab.pause.rel]);
          const loc = locatePod(parsed.files, { podUid: lab.podUid, containerIds: [...ids, lab.pause.id] });
          assert.deepEqual(Object.keys(loc?.containers ?? {}).sort(), [...ids, lab.pause.id].sort());
        },
      );

      test(
        `${shell}: as uid 65534 (setpriv, no groups): reads everything, needs nothing else`,
        { skip: skipShell(shell) || (HAVE.setpriv ? false : 'setpriv missing') },
        (t) => {
          const runArgs = args({ podUid: lab.podUid, containerIds: ids, qosClass: lab.qos, root });
          const { parsed, expected } = runAgainstLiveFiles(t, shell, runArgs, root, dirs, { nobody: true });
          assert.deepEqual(Object.keys(parsed.files).sort(), Object.keys(expected).sort());
          assert.deepEqual(parsed.errors, []);
        },
      );

      test(`${shell}: timing on the lab tree`, { skip: skipShell(shell) }, (t) => {
        const runArgs = args({ podUid: lab.podUid, containerIds: ids, qosClass: lab.qos, root });
        const realArgs = args({
          podUid: lab.podUid,
          containerIds: ids,
          qosClass: lab.qos,
          root: path.dirname(path.dirname(lab.root)),
        });
        const notFound = args({
          podUid: randomUUID(),
          containerIds: [],
          qosClass: 'BestEffort',
          root: path.dirname(path.dirname(lab.root)),
        });
        const median = (a: string[]): { ms: number; bytes: number } => {
          const runs = Array.from({ length: 7 }, () => runReader(shell, a));
          const ms = runs.map((r) => r.ms).sort((x, y) => x - y);
          return { ms: ms[3] as number, bytes: runs[0]?.stdout.length ?? 0 };
        };
        const m1 = median(runArgs);
        const m2 = median(realArgs);
        const m3 = median(notFound);
        t.diagnostic(
          `${shell}: lab as node root ${m1.ms.toFixed(1)} ms (${m1.bytes} bytes out); real /sys/fs/cgroup with prefix ${m2.ms.toFixed(1)} ms; pod not found (full search) ${m3.ms.toFixed(1)} ms — medians of 7, incl. process start`,
        );
        assert.ok(m1.ms < 1000 && m2.ms < 1000 && m3.ms < 1000, 'well under a second even on a slow CI machine');
      });
    }

    test(
      'nothing is opened for writing, nothing created or removed (strace)',
      { skip: !HAVE.strace ? 'strace missing' : SHELLS.length === 0 ? 'no shell' : false },
      () => {
        for (const shell of SHELLS) {
          const out = path.join(tmpBase, `strace-${shell}.txt`);
          const run = runReader(shell, args({ podUid: lab.podUid, containerIds: ids, qosClass: lab.qos, root }), {
            strace: {
              out,
              trace:
                'open,openat,openat2,creat,mkdir,mkdirat,unlink,unlinkat,rename,renameat,renameat2,truncate,ftruncate,link,linkat,symlink,symlinkat,mknod,mknodat,chmod,fchmodat',
            },
          });
          assert.equal(run.status, 0);
          const calls = fs
            .readFileSync(out, 'utf8')
            .split('\n')
            .filter((l) => l.trim() !== '' && !l.includes('+++') && !l.includes('---'));
          const opens = calls.filter((l) => /\bopen(at2?)?\(/.test(l));
          assert.ok(opens.length > 10, `strace saw the reads (${opens.length} opens)`);
          const writes = calls.filter(
            (l) => !/\bopen(at2?)?\(/.test(l) || /O_WRONLY|O_RDWR|O_CREAT|O_TRUNC|O_APPEND/.test(l),
          );
          const allowed = writes.filter((l) => !/"\/dev\/null"/.test(l));
          assert.deepEqual(allowed, [], `${shell}: only /dev/null may be opened for writing`);
        }
      },
    );
  },
);

// ---------------------------------------------------------------------------------------------
// (b) cgroup v2 tree from the fixture

function copyTree(from: string, to: string): void {
  fs.cpSync(from, to, { recursive: true });
  const fix = (p: string): void => {
    fs.chmodSync(p, fs.statSync(p).isDirectory() ? 0o755 : 0o644);
    if (fs.statSync(p).isDirectory()) for (const e of fs.readdirSync(p)) fix(path.join(p, e));
  };
  fix(to);
}

describe('reader on a cgroup v2 tree (fixture cgroupv2-elastic-relocated)', () => {
  const root = path.join(tmpBase, 'v2-fixture');
  before(() => copyTree(V2_FIXTURE, root));
  const podDir = `kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${FIXTURE_UID.replace(/-/g, '_')}.slice`;
  const runArgs = (): string[] =>
    args({ podUid: FIXTURE_UID, containerIds: [FIXTURE_ID], qosClass: 'Burstable', root });

  for (const shell of ['busybox', 'dash'] as const) {
    for (const nobody of [false, true]) {
      test(
        `${shell}${nobody ? ' as uid 65534' : ''}: cgroup.controllers and the container's memory files, byte for byte`,
        { skip: skipShell(shell) || (nobody && !HAVE.setpriv ? 'setpriv missing' : false) },
        () => {
          const run = runReader(shell, runArgs(), { nobody });
          assert.equal(run.status, READER_EXIT.ok, run.stderr);
          const parsed = parsedOk(run, shell);
          const expected = readExpected(root, 'v2', [
            '',
            'kubepods.slice',
            'kubepods.slice/kubepods-burstable.slice',
            podDir,
            `${podDir}/cri-containerd-${FIXTURE_ID}.scope`,
          ]);
          assert.ok(Object.keys(expected).length >= 13, 'the fixture has the files');
          assert.deepEqual(parsed.files, expected);
          assert.equal(parsed.cgroupVersion, 'v2');
          assert.equal(parsed.podPath, podDir);
          const loc = locatePod(parsed.files, { podUid: FIXTURE_UID, containerIds: [`containerd://${FIXTURE_ID}`] });
          assert.ok(loc);
          assert.equal(loc.driver, 'systemd');
          assert.equal(loc.containers[FIXTURE_ID]?.runtime, 'containerd');
          assert.equal(loc.containers[FIXTURE_ID]?.level.usageBytes, 10498404352);
        },
      );
    }
  }

  test(
    'busybox and dash print the same bytes; recorded in test/kube/golden/reader-output-v2.txt',
    { skip: SHELLS.length === 0 ? 'no shell' : false },
    () => {
      const outputs = SHELLS.map((s) => runReader(s, runArgs()).stdout.toString('utf8').split(root).join('<root>'));
      for (const o of outputs) assert.equal(o, outputs[0]);
      const golden = path.join(GOLDEN_DIR, 'reader-output-v2.txt');
      if (UPDATE || !fs.existsSync(golden)) {
        fs.mkdirSync(GOLDEN_DIR, { recursive: true });
        fs.writeFileSync(golden, outputs[0] as string);
      }
      assert.equal(outputs[0], fs.readFileSync(golden, 'utf8'), 'UPDATE_GOLDEN=1 rewrites it');
    },
  );

  for (const shell of ['busybox', 'dash'] as const) {
    test(
      `${shell}: watch mode prints a verified frame set per interval, then stops; SIGTERM ends it at once`,
      { skip: skipShell(shell), timeout: 30_000 },
      async () => {
        const watchArgs = readerArgs({
          podUid: FIXTURE_UID,
          containerIds: [FIXTURE_ID],
          qosClass: 'Burstable',
          root,
          mode: 'watch',
          intervalSeconds: 1,
          count: 3,
        });
        const run = runReader(shell, watchArgs);
        assert.equal(run.status, 0, run.stderr);
        assert.ok(run.ms >= 1900, `two 1 s pauses between three sets (${run.ms.toFixed(0)} ms)`);
        const { sets, rest } = parseFrameSets(run.stdout.toString('utf8'));
        assert.equal(rest, '');
        assert.deepEqual(
          sets.map((s) => [s.complete, s.header?.mode, s.header?.seq]),
          [
            [true, 'watch', 1],
            [true, 'watch', 2],
            [true, 'watch', 3],
          ],
        );
        for (const s of sets) assert.equal(Object.keys(s.files).length, Object.keys(sets[0]?.files ?? {}).length);

        // Until stopped: the pod's deletion sends SIGTERM to the shell (PID 1 in the container); it must not wait.
        const forever = readerArgs({
          podUid: FIXTURE_UID,
          containerIds: [FIXTURE_ID],
          qosClass: 'Burstable',
          root,
          mode: 'watch',
          intervalSeconds: 30,
          count: 0,
        });
        const argv = shellArgv(shell, forever);
        const child = spawn(argv[0] as string, argv.slice(1), {
          env: { PATH: shell === 'busybox' ? busyboxBin : '/usr/bin:/bin' },
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let out = '';
        child.stdout.on('data', (d: Buffer) => (out += d.toString()));
        await new Promise<void>((resolve) => {
          const check = (): void => (out.includes('=== DONE') ? resolve() : void setTimeout(check, 10));
          check();
        });
        const t0 = Date.now();
        child.kill('SIGTERM');
        const code = await new Promise<number | null>((resolve) => child.once('close', (c) => resolve(c)));
        assert.equal(code, 143);
        assert.ok(Date.now() - t0 < 2000, `ended ${Date.now() - t0} ms after SIGTERM`);
        assert.equal(parseFrameSets(out).sets[0]?.complete, true);
      },
    );
  }
});

// ---------------------------------------------------------------------------------------------
// (c) Synthetic layouts

interface Layout {
  title: string;
  version: 'v1' | 'v2';
  uid: string;
  qos: string;
  ids: string[];
  /** Directories (relative to the memory root) whose files must be printed, root '' first. */
  levels: string[];
  /** Directories with memory files that must not be printed. */
  decoys: string[];
  pod: string;
  driver: 'systemd' | 'cgroupfs';
  prefix: string;
  containers: Record<string, ContainerRuntime | null>;
}

function layouts(): Layout[] {
  const out: Layout[] = [];
  const u = (): { uid: string; uidu: string } => {
    const uid = randomUUID();
    return { uid, uidu: uid.replace(/-/g, '_') };
  };
  {
    const { uid, uidu } = u();
    const [id, sandbox] = [hex64(), hex64()];
    const q = 'kubepods.slice/kubepods-burstable.slice';
    const pod = `${q}/kubepods-burstable-pod${uidu}.slice`;
    out.push({
      title: 'v2, systemd, containerd, Burstable',
      version: 'v2',
      uid,
      qos: 'Burstable',
      ids: [id],
      levels: ['', 'kubepods.slice', q, pod, `${pod}/cri-containerd-${id}.scope`],
      decoys: [
        `${pod}/cri-containerd-${sandbox}.scope`,
        `${q}/kubepods-burstable-pod${u().uidu}.slice`,
        'system.slice',
        'kubepods.slice/kubepods-besteffort.slice',
      ],
      pod,
      driver: 'systemd',
      prefix: '',
      containers: { [id]: 'containerd' },
    });
  }
  {
    const { uid, uidu } = u();
    const id = hex64();
    const q = 'kubepods.slice/kubepods-besteffort.slice';
    const pod = `${q}/kubepods-besteffort-pod${uidu}.slice`;
    out.push({
      title: "v2, systemd, CRI-O with crun's container/ child, BestEffort",
      version: 'v2',
      uid,
      qos: 'BestEffort',
      ids: [id],
      levels: ['', 'kubepods.slice', q, pod, `${pod}/crio-${id}.scope`, `${pod}/crio-${id}.scope/container`],
      decoys: [`${pod}/crio-conmon-${id}.scope`, `${pod}/crio-${hex64()}.scope`],
      pod,
      driver: 'systemd',
      prefix: '',
      containers: { [id]: 'cri-o' },
    });
  }
  {
    const { uid, uidu } = u();
    const id = hex64();
    const pod = `kubepods.slice/kubepods-pod${uidu}.slice`;
    out.push({
      title: 'v2, systemd, docker, Guaranteed directly under kubepods',
      version: 'v2',
      uid,
      qos: 'Guaranteed',
      ids: [id],
      levels: ['', 'kubepods.slice', pod, `${pod}/docker-${id}.scope`],
      decoys: ['kubepods.slice/kubepods-burstable.slice', 'kubepods.slice/kubepods-besteffort.slice'],
      pod,
      driver: 'systemd',
      prefix: '',
      containers: { [id]: 'docker' },
    });
  }
  {
    const { uid } = u();
    const [a, b] = [hex64(), hex64()];
    const pod = `kubepods/pod${uid}`;
    out.push({
      title: 'v1, cgroupfs, containerd, Guaranteed directly under kubepods, two containers',
      version: 'v1',
      uid,
      qos: 'Guaranteed',
      ids: [a, b],
      levels: ['', 'kubepods', pod, `${pod}/${a}`, `${pod}/${b}`],
      decoys: ['kubepods/burstable', `kubepods/burstable/pod${randomUUID()}`, `${pod}/${hex64()}`],
      pod,
      driver: 'cgroupfs',
      prefix: '',
      containers: { [a]: null, [b]: null },
    });
  }
  {
    const { uid, uidu } = u();
    const id = hex64();
    const pre = 'lxc.payload.node-1';
    const q = `${pre}/kubepods.slice/kubepods-burstable.slice`;
    const pod = `${q}/kubepods-burstable-pod${uidu}.slice`;
    out.push({
      title: 'v2, systemd, containerd, behind an LXC prefix',
      version: 'v2',
      uid,
      qos: 'Burstable',
      ids: [id],
      levels: ['', pre, `${pre}/kubepods.slice`, q, pod, `${pod}/cri-containerd-${id}.scope`],
      decoys: [`${pre}/system.slice`, 'init.scope'],
      pod,
      driver: 'systemd',
      prefix: pre,
      containers: { [id]: 'containerd' },
    });
  }
  {
    const { uid } = u();
    const id = hex64();
    const pod = `kubepods/burstable/pod${uid}`;
    out.push({
      title: 'v1, cgroupfs, CRI-O, Burstable',
      version: 'v1',
      uid,
      qos: 'Burstable',
      ids: [id],
      levels: ['', 'kubepods', 'kubepods/burstable', pod, `${pod}/crio-${id}`],
      decoys: [`${pod}/crio-conmon-${id}`, 'kubepods/besteffort'],
      pod,
      driver: 'cgroupfs',
      prefix: '',
      containers: { [id]: 'cri-o' },
    });
  }
  {
    const { uid, uidu } = u();
    const id = hex64();
    const q = 'kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-besteffort.slice';
    const pod = `${q}/kubelet-kubepods-besteffort-pod${uidu}.slice`;
    out.push({
      title: 'v1, systemd, containerd, --cgroup-root=/kubelet',
      version: 'v1',
      uid,
      qos: 'BestEffort',
      ids: [id],
      levels: [
        '',
        'kubelet.slice',
        'kubelet.slice/kubelet-kubepods.slice',
        q,
        pod,
        `${pod}/cri-containerd-${id}.scope`,
      ],
      decoys: ['system.slice', 'kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-burstable.slice'],
      pod,
      driver: 'systemd',
      prefix: 'kubelet.slice',
      containers: { [id]: 'containerd' },
    });
  }
  {
    const { uid } = u();
    const id = hex64();
    const pre = `kubepods/burstable/pod${randomUUID()}/${hex64()}`;
    const pod = `${pre}/kubepods/besteffort/pod${uid}`;
    out.push({
      title: "v1, cgroupfs, docker, a kubelet nested in another node's pod (prefix 4 levels deep)",
      version: 'v1',
      uid,
      qos: 'BestEffort',
      ids: [id],
      levels: ['', pre, `${pre}/kubepods`, `${pre}/kubepods/besteffort`, pod, `${pod}/${id}`],
      decoys: ['kubepods', 'kubepods/burstable', `${pre}/kubepods/burstable`],
      pod,
      driver: 'cgroupfs',
      prefix: pre,
      containers: { [id]: null },
    });
  }
  {
    const uid = randomBytes(16).toString('hex');
    const id = hex64();
    const pod = `kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${uid}.slice`;
    out.push({
      title: 'v2, systemd, a static pod (32-hex config hash as UID)',
      version: 'v2',
      uid,
      qos: 'Burstable',
      ids: [id],
      levels: [
        '',
        'kubepods.slice',
        'kubepods.slice/kubepods-burstable.slice',
        pod,
        `${pod}/cri-containerd-${id}.scope`,
      ],
      decoys: [],
      pod,
      driver: 'systemd',
      prefix: '',
      containers: { [id]: 'containerd' },
    });
  }
  {
    const { uid, uidu } = u();
    const id = hex64();
    const q = 'kubepods.slice/kubepods-besteffort.slice';
    const pod = `${q}/kubepods-besteffort-pod${uidu}.slice`;
    out.push({
      title: 'v2, the QoS argument is wrong (Burstable given, the pod is BestEffort): found anyway',
      version: 'v2',
      uid,
      qos: 'Burstable',
      ids: [id],
      levels: ['', 'kubepods.slice', q, pod, `${pod}/cri-containerd-${id}.scope`],
      decoys: ['kubepods.slice/kubepods-burstable.slice'],
      pod,
      driver: 'systemd',
      prefix: '',
      containers: { [id]: 'containerd' },
    });
  }
  {
    const { uid, uidu } = u();
    const [a, b, c] = [hex64(), hex64(), hex64()];
    const q = 'kubepods.slice/kubepods-burstable.slice';
    const pod = `${q}/kubepods-burstable-pod${uidu}.slice`;
    out.push({
      title: 'v2, no container IDs given: every container-shaped directory of the pod',
      version: 'v2',
      uid,
      qos: 'Burstable',
      ids: [],
      levels: [
        '',
        'kubepods.slice',
        q,
        pod,
        `${pod}/cri-containerd-${a}.scope`,
        `${pod}/cri-containerd-${b}.scope`,
        `${pod}/cri-containerd-${b}.scope/container`,
        `${pod}/crio-${c}.scope`,
      ],
      decoys: [`${pod}/crio-conmon-${c}.scope`, `${pod}/not-a-container`],
      pod,
      driver: 'systemd',
      prefix: '',
      containers: { [a]: 'containerd', [b]: 'containerd', [c]: 'cri-o' },
    });
  }
  {
    const { uid } = u();
    const id = hex64();
    const pre = 'my node';
    const pod = `${pre}/kubepods/burstable/pod${uid}`;
    out.push({
      title: 'v1, cgroupfs, a prefix directory with a space in its name',
      version: 'v1',
      uid,
      qos: 'Burstable',
      ids: [id],
      levels: ['', pre, `${pre}/kubepods`, `${pre}/kubepods/burstable`, pod, `${pod}/${id}`],
      decoys: [],
      pod,
      driver: 'cgroupfs',
      prefix: pre,
      containers: { [id]: null },
    });
  }
  return out;
}

let fileSerial = 0;
/** Writes every memory file name of the version (and some that must not be read) into `dir`. */
function fillDir(dir: string, version: 'v1' | 'v2'): void {
  fs.mkdirSync(dir, { recursive: true });
  const names = version === 'v1' ? V1_READER_FILES : V2_READER_FILES;
  for (const [i, name] of names.entries()) {
    const n = ++fileSerial;
    // Exactness: one file without a final newline, one empty, one with non-ASCII bytes, one with blank lines.
    const text =
      i === 1
        ? `${n * 4096}`
        : i === 2
          ? ''
          : i === 3
            ? `café ${n}\n`
            : i === 4
              ? `anon ${n}\nfile ${n * 7}\n\n\nkernel 0\n`
              : `${n}\n`;
    fs.writeFileSync(path.join(dir, name), text);
  }
  fs.writeFileSync(path.join(dir, 'memory.numa_stat'), 'not read\n');
  fs.writeFileSync(path.join(dir, 'cgroup.procs'), '1\n');
}

function buildLayout(l: Layout): string {
  const root = fs.mkdtempSync(path.join(tmpBase, 'layout-'));
  fs.chmodSync(root, 0o755);
  const memRoot = l.version === 'v1' ? path.join(root, 'memory') : root;
  if (l.version === 'v2')
    fs.writeFileSync(path.join(root, 'cgroup.controllers'), 'cpuset cpu io memory hugetlb pids rdma misc\n');
  else fs.mkdirSync(path.join(root, 'cpu', 'kubepods'), { recursive: true }); // other v1 controllers are not read
  for (const d of [...l.levels, ...l.decoys]) fillDir(path.join(memRoot, d), l.version);
  return root;
}

describe('reader on every cgroup layout', () => {
  for (const l of layouts()) {
    for (const shell of ['busybox', 'dash'] as const) {
      test(`${shell}: ${l.title}`, { skip: skipShell(shell) }, () => {
        const root = buildLayout(l);
        const run = runReader(shell, args({ podUid: l.uid, containerIds: l.ids, qosClass: l.qos, root }));
        assert.equal(run.status, READER_EXIT.ok, run.stdout.toString());
        const parsed = parsedOk(run, l.title);
        assert.deepEqual(
          parsed.files,
          readExpected(root, l.version, l.levels),
          "exactly the levels' files, byte for byte",
        );
        assert.equal(parsed.podPath, l.version === 'v1' ? `memory/${l.pod}` : l.pod);
        const loc = locatePod(parsed.files, { podUid: l.uid, containerIds: Object.keys(l.containers) });
        assert.ok(loc, 'locatePod finds the pod');
        assert.equal(loc.version, l.version);
        assert.equal(loc.driver, l.driver);
        assert.equal(loc.prefix, l.prefix);
        assert.equal(loc.pod?.path, l.pod);
        assert.equal(loc.root?.path, l.prefix);
        assert.deepEqual(
          Object.fromEntries(Object.entries(loc.containers).map(([id, c]) => [id, c.runtime])),
          l.containers,
        );
      });
    }
  }
});

describe('reader at its limits', () => {
  for (const shell of ['busybox', 'dash'] as const) {
    test(
      `${shell}: 64 containers with container/ children behind a long prefix — all read, in bounded time`,
      { skip: skipShell(shell) },
      (t) => {
        const uid = randomUUID();
        const ids = Array.from({ length: 64 }, hex64);
        const pre = `lxc.payload.${'n'.repeat(100)}/${'p'.repeat(100)}`;
        const q = `${pre}/kubepods.slice/kubepods-burstable.slice`;
        const pod = `${q}/kubepods-burstable-pod${uid.replace(/-/g, '_')}.slice`;
        const containers = ids.flatMap((id) => [
          `${pod}/cri-containerd-${id}.scope`,
          `${pod}/cri-containerd-${id}.scope/container`,
        ]);
        const l: Layout = {
          title: 'many',
          version: 'v2',
          uid,
          qos: 'Burstable',
          ids,
          levels: ['', `lxc.payload.${'n'.repeat(100)}`, pre, `${pre}/kubepods.slice`, q, pod, ...containers].filter(
            (d) => d !== `lxc.payload.${'n'.repeat(100)}`,
          ),
          decoys: [`lxc.payload.${'n'.repeat(100)}`],
          pod,
          driver: 'systemd',
          prefix: pre,
          containers: Object.fromEntries(ids.map((id) => [id, 'containerd' as const])),
        };
        const root = buildLayout(l);
        const run = runReader(shell, args({ podUid: uid, containerIds: ids, qosClass: 'Burstable', root }));
        assert.equal(run.status, READER_EXIT.ok, run.stdout.toString().slice(0, 500));
        const parsed = parsedOk(run, 'many containers');
        assert.deepEqual(parsed.files, readExpected(root, 'v2', l.levels));
        assert.equal(
          Object.keys(locatePod(parsed.files, { podUid: uid, containerIds: ids })?.containers ?? {}).length,
          64,
        );
        t.diagnostic(
          `${shell}: ${Object.keys(parsed.files).length} files, ${run.stdout.length} bytes in ${run.ms.toFixed(0)} ms`,
        );
      },
    );
  }
});

// ---------------------------------------------------------------------------------------------
// (d) Not found, no cgroup, refused arguments; unreadable files

describe('reader failures', () => {
  for (const shell of ['busybox', 'dash'] as const) {
    test(
      `${shell}: pod not found → exit 3, NOTFOUND, the root and kubepods levels still printed`,
      { skip: skipShell(shell) },
      () => {
        const l = layouts()[0] as Layout;
        const root = buildLayout(l);
        const run = runReader(
          shell,
          args({ podUid: randomUUID(), containerIds: [hex64()], qosClass: 'Burstable', root }),
        );
        assert.equal(run.status, READER_EXIT.podNotFound);
        const parsed = parsedOk(run, 'not found');
        assert.equal(parsed.notFound, true);
        assert.equal(parsed.podPath, null);
        assert.deepEqual(parsed.files, readExpected(root, 'v2', ['', 'kubepods.slice']));
      },
    );

    test(`${shell}: no memory cgroup at the root → exit 4, FATAL`, { skip: skipShell(shell) }, () => {
      const root = fs.mkdtempSync(path.join(tmpBase, 'empty-'));
      const run = runReader(shell, args({ podUid: randomUUID(), root }));
      assert.equal(run.status, READER_EXIT.noMemoryCgroup);
      const parsed = parseFrames(run.stdout);
      assert.match(parsed.fatal ?? '', /^no-memory-cgroup /);
      assert.equal(parsed.complete, false);
      assert.deepEqual(parsed.files, {});
    });

    test(
      `${shell}: arguments that readerArgs would refuse are refused by the script too (exit 2), and never run`,
      { skip: skipShell(shell) },
      () => {
        const marker = path.join(tmpBase, `pwned-${shell}`);
        const good = args({ podUid: randomUUID(), containerIds: [hex64()], root: tmpBase });
        const evil = [
          `$(touch ${marker})`,
          `\`touch ${marker}\``,
          `x; touch ${marker}`,
          `a\ntouch ${marker}`,
          '../../etc',
          '*',
          '',
        ];
        const cases: Array<[string, string[]]> = [
          ...evil.map((e): [string, string[]] => ['pod-uid', [...good.slice(0, 5), e]]),
          ...evil.map((e): [string, string[]] => ['container-id', [...good.slice(0, 6), e]]),
          ...evil
            .filter((e) => e !== '')
            .map((e): [string, string[]] => ['root', [...good.slice(0, 3), `/x/${e}`, ...good.slice(4)]]),
          ['root', [...good.slice(0, 3), 'relative/path', ...good.slice(4)]],
          ['root', [...good.slice(0, 3), '/', ...good.slice(4)]],
          ['qos', [...good.slice(0, 4), 'Burstable', ...good.slice(5)]],
          ['mode', ['sometimes', ...good.slice(1)]],
          ['interval', ['watch', '0', ...good.slice(2)]],
          ['count', good.slice(0, 5)],
        ];
        for (const [what, argv] of cases) {
          const run = runReader(shell, argv);
          assert.equal(run.status, READER_EXIT.badArguments, `${what} ${JSON.stringify(argv)}: ${run.stdout}`);
          const parsed = parseFrames(run.stdout);
          assert.match(parsed.fatal ?? '', /^bad-argument /, JSON.stringify(argv));
          assert.equal(run.stderr, '');
        }
        assert.equal(fs.existsSync(marker), false, 'no argument was executed');
      },
    );

    test(
      `${shell}: an unreadable file is an ERROR frame, not the end (uid 65534)`,
      { skip: skipShell(shell) || (HAVE.setpriv ? false : 'setpriv missing') },
      () => {
        const l = layouts()[0] as Layout;
        const root = buildLayout(l);
        const key = `${l.pod}/memory.stat`;
        fs.chmodSync(path.join(root, key), 0o000);
        const run = runReader(shell, args({ podUid: l.uid, containerIds: l.ids, qosClass: l.qos, root }), {
          nobody: true,
        });
        assert.equal(run.status, READER_EXIT.ok);
        const parsed = parsedOk(run, 'unreadable');
        assert.deepEqual(parsed.errors, [{ path: key, reason: 'permission-denied' }]);
        const expected = readExpected(root, 'v2', l.levels);
        delete expected[key];
        assert.deepEqual(parsed.files, expected);
      },
    );
  }
});
