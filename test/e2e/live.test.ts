// End to end: `kubectl memwhy <pod>` through the live path (kubeconfig → KubeHttp → reader pod → analysis)
// against the in-repo test cluster (test/cluster), whose pods really run on this machine. The CLI is called
// in-process through run(argv, env, io), and as the built `node dist/cli.js` where a real process matters
// (signals). Every run asserts that no reader pod (label app.kubernetes.io/managed-by=kubectl-memwhy) is left
// in the cluster afterwards.
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { run } from '../../src/cli/main.js';
import type { Analysis } from '../../src/core/types.js';
import { V1_READER_FILES, V2_READER_FILES } from '../../src/kube/reader-script.js';
import {
  loadSnapshotState,
  startCluster,
  writeKubeconfigFile,
  type Cluster,
  type Obj,
  type RequestLog,
  type StateInput,
} from '../cluster/index.js';
import { node } from '../cluster/helpers.js';
import { cleanupAllLabs, Lab, labSkipReason, MiB } from '../kernel/lab.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const DIST = join(ROOT, 'dist', 'cli.js');
const NOW = '2026-11-23T03:00:00Z';
const MANAGED_BY = 'app.kubernetes.io/managed-by';
const KUBELET = { stepMs: 5, pullMs: 5 };

const scratch = mkdtempSync(join(tmpdir(), 'memwhy-e2e-'));
after(() => rmSync(scratch, { recursive: true, force: true }));
let scratchN = 0;
/** A fresh, not yet existing path under the scratch folder. */
const fresh = (what: string): string => join(scratch, `${what}-${++scratchN}`);

// ---------------------------------------------------------------------------------------------
// Helpers.

/** `namespace/name` of every memwhy reader pod stored in the cluster. */
function readers(c: Cluster): string[] {
  return c.state.pods
    .filter((p) => p.metadata?.labels?.[MANAGED_BY] === 'kubectl-memwhy')
    .map((p) => `${p.metadata.namespace}/${p.metadata.name}`)
    .sort();
}

function assertNoReaders(c: Cluster, allowed: string[] = []): void {
  assert.deepEqual(readers(c), [...allowed].sort(), 'reader pods left in the cluster');
}

/** One request as a line (`GET /api/v1/… ?q → 200`). */
function line(r: RequestLog): string {
  const q = new URLSearchParams(r.query).toString();
  return `${r.method} ${r.path}${q ? `?${decodeURIComponent(q)}` : ''} → ${r.status}`;
}

interface Result {
  code: number;
  stdout: string;
  stderr: string;
  json: Analysis | null;
  /** Requests the cluster answered while the run went on. */
  requests: RequestLog[];
  /** Progress lines (only when a progress hook was given). */
  progress: string[];
  ms: number;
}

interface RunOptions {
  user?: string;
  kubeconfig?: string;
  signal?: AbortSignal;
  /** Called with each progress line ("starting reader pod …"); makes stderr a terminal so they are printed. */
  progress?: (line: string) => void;
  /** Reader pods that may remain afterwards (planted by the test, not made by this run). */
  readersAfter?: string[];
}

/** `kubectl memwhy …` in-process against the cluster; asserts that no reader pod remains. */
async function memwhy(c: Cluster | null, argv: string[], o: RunOptions = {}): Promise<Result> {
  const first = c?.requests.length ?? 0;
  let stdout = '';
  let stderr = '';
  const progress: string[] = [];
  const t0 = Date.now();
  const kubeconfig = o.kubeconfig ?? c!.kubeconfig(o.user ?? 'admin');
  const code = await run(
    [...argv, '--kubeconfig', kubeconfig, '--now', NOW],
    {},
    {
      stdout: { write: (s: string) => (stdout += s) },
      // A terminal stderr gets the progress lines: the hook for the Ctrl-C tests.
      stderr: {
        isTTY: o.progress !== undefined,
        write: (s: string) => {
          stderr += s;
          if (o.progress && s.startsWith('\u001b[2m… ')) {
            const text = s
              .replace(/\u001b\[[0-9;]*m/g, '')
              .replace(/^… /, '')
              .trim();
            progress.push(text);
            o.progress(text);
          }
          return true;
        },
      },
      signal: o.signal,
      cwd: scratch,
      home: scratch,
    },
  );
  const ms = Date.now() - t0;
  let json: Analysis | null = null;
  if (stdout.trim().startsWith('{')) json = JSON.parse(stdout) as Analysis;
  const requests = c ? c.requests.slice(first) : [];
  if (c) assertNoReaders(c, o.readersAfter);
  return { code, stdout, stderr, json, requests, progress, ms };
}

/** `--from <dir> -o json` (offline). */
async function offline(dir: string): Promise<Analysis> {
  let out = '';
  let err = '';
  const code = await run(
    ['--from', dir, '-o', 'json', '--now', NOW],
    {},
    {
      stdout: { write: (s: string) => (out += s) },
      stderr: { write: (s: string) => (err += s) },
      cwd: scratch,
      home: scratch,
    },
  );
  assert.equal(code, 0, `--from ${dir} failed: ${err}`);
  return JSON.parse(out) as Analysis;
}

/** Every notice as `part: message`, one a line. */
function notices(a: Analysis | null): string {
  return (a?.notices ?? []).map((n) => `${n.part}: ${n.message}`).join('\n');
}

function verdicts(
  a: Analysis,
): Array<{ kind: string; level: string | null; container: string | null; summary: string }> {
  return a.verdicts.map((v) => ({
    kind: v.kind,
    level: v.level ?? null,
    container: v.container ?? null,
    summary: v.summary,
  }));
}

function container(a: Analysis, name: string): Analysis['containers'][number] {
  const c = a.containers.find((x) => x.name === name);
  assert.ok(c, `no container ${name} (have ${a.containers.map((x) => x.name).join(', ')})`);
  return c;
}

/** The reader's own requests: create, watch, log, delete (and any other request that names a reader). */
function readerRequests(requests: RequestLog[]): RequestLog[] {
  return requests.filter(
    (r) =>
      r.resource === 'pods' &&
      r.namespace !== null &&
      (r.method === 'POST' || r.query.labelSelector?.includes(MANAGED_BY) || /^memwhy-reader-/.test(r.name ?? '')),
  );
}

/** Calls `fn` synchronously when the API server stores a pod matching `pred` (before it answers the create). */
function onStored(c: Cluster, pred: (pod: Obj) => boolean, fn: (pod: Obj) => void): () => void {
  const pods = c.state.pods;
  const push = pods.push;
  pods.push = function (this: Obj[], ...items: Obj[]): number {
    const n = push.apply(this, items);
    for (const p of items) if (pred(p)) fn(p);
    return n;
  };
  return () => {
    delete (pods as { push?: unknown }).push; // back to Array.prototype.push
  };
}
const isReader = (p: Obj): boolean => p.metadata?.labels?.[MANAGED_BY] === 'kubectl-memwhy';

/** Spawns `node dist/cli.js …`; the cluster runs in this process, so never spawnSync. */
function spawnCli(args: string[]): {
  child: ReturnType<typeof spawn>;
  done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>;
} {
  const child = spawn(process.execPath, [DIST, ...args], {
    cwd: scratch,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: scratch },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string }>(
    (res, rej) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        rej(new Error(`dist/cli.js did not exit within 30 s; stderr: ${stderr}`));
      }, 30_000);
      child.once('close', (code, signal) => {
        clearTimeout(timer);
        res({ code, signal, stdout, stderr });
      });
    },
  );
  return { child, done };
}
const distSkip = existsSync(DIST) ? false : 'dist/cli.js is not built (npm run build)';

/** The installed kubectl against a kubeconfig, asynchronously (the server runs in this process). */
function kubectl(kubeconfig: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const cache = join(scratch, 'kubectl-home');
  mkdirSync(cache, { recursive: true });
  return new Promise((res) => {
    execFile(
      'kubectl',
      ['--kubeconfig', kubeconfig, '--request-timeout=20s', ...args],
      {
        env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: cache, KUBECACHEDIR: join(cache, 'cache') },
        timeout: 30_000,
        encoding: 'utf8',
      },
      (err, stdout, stderr) => res({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
  });
}
const hasKubectl = ((): boolean => {
  for (const dir of (process.env.PATH ?? '').split(':')) if (dir && existsSync(join(dir, 'kubectl'))) return true;
  return false;
})();

async function waitFor<T>(what: string, get: () => T | undefined | null | false, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = get();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

/** Files under a folder, relative, sorted. */
function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => statSync(join(dir, f)).isFile())
    .sort();
}

function readJson<T = Obj>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

/** A port nothing listens on (bound, then released). */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', () => r()));
  const port = (srv.address() as { port: number }).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}

// ---------------------------------------------------------------------------------------------
// 1. The live path gives the same answer as --from on the same data.

describe('live = --from: the bundled examples served by the test cluster', () => {
  const EXAMPLES = [
    'v2-oomkilled-container',
    'v2-cache-driven',
    'oomkilled-container',
    'cache-driven',
    'shmem-tmpfs',
    'oomkilled-node-allocatable',
    'evicted',
    'pending',
  ];

  for (const ex of EXAMPLES) {
    test(ex, async (t) => {
      const dir = join(ROOT, 'examples', ex);
      const pod = readJson(join(dir, 'pod.json'));
      const name: string = pod.metadata.name;
      const ns: string = pod.metadata.namespace ?? 'default';
      const nodeName: string | undefined = pod.spec?.nodeName;
      // cgroup/ → the node's /sys/fs/cgroup (loadSnapshotState); kernel.log → the node's /var/log/kern.log.
      const state = loadSnapshotState(dir);
      const hasKernelLog = existsSync(join(dir, 'kernel.log'));
      if (hasKernelLog) {
        const varlog = fresh('var-log');
        mkdirSync(varlog);
        copyFileSync(join(dir, 'kernel.log'), join(varlog, 'kern.log'));
        state.hostPaths![nodeName!] = { ...(state.hostPaths![nodeName!] ?? {}), '/var/log': varlog };
      }
      const c = await startCluster(state, { kubelet: KUBELET });
      try {
        const saved = fresh(`saved-${ex}`);
        const live = await memwhy(c, [
          name,
          '-n',
          ns,
          '-o',
          'json',
          ...(hasKernelLog ? ['--kernel-log'] : []),
          '--save',
          saved,
        ]);
        assert.equal(live.code, 0, live.stderr);
        assert.ok(live.json);
        const from = await offline(dir);
        const ranReader = readerRequests(live.requests).some((r) => r.method === 'POST');
        t.diagnostic(
          `${live.requests.length} requests, reader ${ranReader ? 'ran' : 'not started'}, ${live.ms} ms; verdicts: ${live.json.verdicts.map((v) => `${v.kind}${v.level ? `/${v.level}` : ''}`).join(', ')}`,
        );
        // Pods with cgroups on a node get a reader; ended and unscheduled ones do not.
        assert.equal(ranReader, existsSync(join(dir, 'cgroup')), `reader started: ${ranReader}`);

        // The headline first, for a readable failure.
        assert.deepEqual(verdicts(live.json), verdicts(from), 'verdicts (kind, level, summary)');
        for (const c2 of from.containers) {
          const l = container(live.json, c2.name);
          for (const k of [
            'usageBytes',
            'workingSetBytes',
            'rssBytes',
            'cacheBytes',
            'peakBytes',
            'cgroupLimitBytes',
            'requestBytes',
            'limitBytes',
            'breakdown',
            'views',
            'oomKills',
            'limitHits',
          ] as const) {
            assert.deepEqual(l[k], c2[k], `${c2.name}.${k}`);
          }
        }

        // Where they legitimately differ, said explicitly.
        const l = structuredClone(live.json);
        const f = structuredClone(from);
        const fromOnly: string[] = [];
        if (!existsSync(join(dir, 'events.json'))) {
          // The folder has no events.json ("not in the snapshot"); the API answered with an empty list.
          fromOnly.push('events');
        }
        if (ex === 'evicted') {
          // The folder has no node.json / node-pods.json; the cluster has the pod's node (the test cluster adds a
          // minimal Ready node for it, no capacity) and lists the pods bound to it (only the evicted one, which ends
          // up not counted). So live knows the node's name and that 0 bytes are requested there, --from knows nothing.
          fromOnly.push('node', 'node-pods');
          assert.equal(l.node?.name, nodeName);
          assert.deepEqual([f.node?.requestedBytes, f.node?.podsCounted], [null, null]);
          assert.deepEqual([l.node?.requestedBytes, l.node?.podsCounted], [0, 0]);
          l.node!.requestedBytes = null;
          l.node!.podsCounted = null;
        }
        if (ex === 'pending') {
          // The folder's pod.json has no metadata.uid; the API server gives every stored object one.
          assert.equal(f.pod.uid, null);
          assert.match(l.pod.uid ?? '', /^[0-9a-f-]{36}$/);
          l.pod.uid = null;
        }
        for (const part of fromOnly) assert.match(notices(f), new RegExp(`^${part}: not in the snapshot`, 'm'));
        f.notices = f.notices.filter((n) => !fromOnly.includes(n.part));
        assert.deepEqual(l.notices, f.notices, 'notices');
        assert.deepEqual(l, f, 'the whole analysis, once the differences above are set aside');

        if (existsSync(join(dir, 'cgroup'))) {
          // What the reader read is a subset of the example's cgroup/ copy, byte for byte: only its list of memory
          // files, and only the directories of the pod's levels and its current containers, not the pause container's
          // nor a killed instance's (a real runtime removes those; the analysis does not use them).
          const readerFiles: readonly string[] = [...V1_READER_FILES, ...V2_READER_FILES, 'cgroup.controllers'];
          const exampleFiles = filesUnder(join(dir, 'cgroup'));
          const savedFiles = filesUnder(join(saved, 'cgroup'));
          const savedDirs = new Set(savedFiles.map((f) => dirname(f)));
          const current = ((pod.status?.containerStatuses ?? []) as Obj[]).map((s) =>
            String(s.containerID ?? '').replace(/^[a-z]+:\/\//, ''),
          );
          for (const f of savedFiles) {
            assert.ok(exampleFiles.includes(f), `${f} read but not in the example`);
            assert.ok(readerFiles.includes(basename(f)), `${f} is not a file the reader reads`);
            assert.equal(
              readFileSync(join(saved, 'cgroup', f), 'utf8'),
              readFileSync(join(dir, 'cgroup', f), 'utf8'),
              f,
            );
          }
          // cgroupfs names a container's directory <id>, the systemd driver cri-containerd-<id>.scope.
          const idOf = (d: string): string => basename(d).replace(/^cri-containerd-(.*)\.scope$/, '$1');
          for (const id of current)
            assert.ok(
              [...savedDirs].some((d) => idOf(d) === id),
              `container ${id} read`,
            );
          for (const f of exampleFiles.filter((x) => !savedFiles.includes(x))) {
            const skippedDir = !savedDirs.has(dirname(f)) && !current.includes(idOf(dirname(f)));
            assert.ok(!readerFiles.includes(basename(f)) || skippedDir, `${f} was not read`);
          }
          t.diagnostic(`the reader read ${savedFiles.length} of the example's ${exampleFiles.length} cgroup files`);
        }

        // --save then --from: exactly the live answer.
        assert.deepEqual(await offline(saved), live.json, '--from the --save folder');
        if (hasKernelLog)
          assert.ok(existsSync(join(saved, 'kernel.log')), '--save keeps the kernel log read by --kernel-log');

        if (hasKernelLog) {
          // Without --kernel-log the reader does not read /var/log: no kernel OOM lines, so the OOM level comes from
          // the cgroup counters or, failing those, the spec ("(inferred)"); the level itself must not change.
          const bare = await memwhy(c, [name, '-n', ns, '-o', 'json']);
          assert.equal(bare.code, 0, bare.stderr);
          assert.ok(bare.json);
          assert.deepEqual(bare.json.kernelOoms, []);
          assert.ok(from.kernelOoms.length > 0, 'the example has kernel OOM lines');
          // The sizing advice does depend on it (the usage at the kill comes from the kernel's report): compared apart.
          const figures = (cs: Analysis['containers']) => cs.map(({ advice: _advice, ...rest }) => rest);
          assert.deepEqual(
            figures(bare.json.containers),
            figures(live.json.containers),
            'the cgroup figures do not depend on --kernel-log',
          );
          for (const c2 of bare.json.containers.filter(
            (x) => x.advice?.oomUsageBytes === null && x.lastState?.reason === 'OOMKilled',
          )) {
            assert.ok(
              c2.advice?.reasons.some((r) => /memory in use at the kill is unknown/.test(r)),
              `${c2.name}: the advice says the kill's usage is unknown`,
            );
          }
          assert.deepEqual(
            bare.json.verdicts.map((v) => [v.kind, v.level]),
            from.verdicts.map((v) => [v.kind, v.level]),
          );
          bare.json.verdicts.forEach((v, i) => {
            const want = from.verdicts[i]!.summary;
            assert.ok(
              v.summary === want || v.summary === want.replace(/\.$/, ' (inferred).'),
              `summary ${JSON.stringify(v.summary)} vs ${JSON.stringify(want)}`,
            );
          });
          assert.match(notices(bare.json), /^kernel\.log: not read \(add --kernel-log/m);
          assert.ok(
            !readerRequests(bare.requests).some((r) => r.query.container === 'kernel-log'),
            'no kernel-log container read without --kernel-log',
          );
          assert.ok(
            readerRequests(live.requests).some((r) => r.query.container === 'kernel-log'),
            'the kernel-log container read with --kernel-log',
          );
        }
      } finally {
        await c.close();
      }
    });
  }
});

// ---------------------------------------------------------------------------------------------
// 2. The real kernel: the reader reads live cgroup v1 files the kernel is writing.

describe('real kernel (cgroup v1 lab) through the live path', { skip: labSkipReason() ?? false }, () => {
  after(() => {
    cleanupAllLabs();
  });

  test('page cache read twice: the reader finds the lab under the REAL /sys/fs/cgroup, CacheDriven', async (t) => {
    const lab = Lab.create({
      podName: 'busybox',
      containers: [{ name: 'app', requestBytes: 64 * MiB, limitBytes: 256 * MiB, command: ['sleep', '99999999'] }],
    });
    let c: Cluster | null = null;
    try {
      const file = lab.createColdFile(100 * MiB);
      await lab.startPause();
      await lab.startMain('app');
      const r = await lab.readFileIn('app', file, 2);
      assert.equal(r.exitCode, 0, r.stderr);
      // The node's /sys/fs/cgroup is this machine's: the reader searches memory/*/kubepods and finds the lab's pod.
      c = await startCluster(
        {
          pods: [lab.podObject()],
          nodes: [lab.nodeObject()],
          hostPaths: { [lab.nodeName]: { '/sys/fs/cgroup': '/sys/fs/cgroup' } },
        },
        { kubelet: KUBELET },
      );
      const live = await memwhy(c, ['busybox', '-o', 'json']);
      assert.equal(live.code, 0, live.stderr);
      const a = live.json!;
      const app = container(a, 'app');
      t.diagnostic(
        `live: workingSet ${(app.workingSetBytes! / MiB).toFixed(1)} MiB, active_file ${(app.breakdown.activeFileBytes! / MiB).toFixed(1)} MiB, rss ${(app.rssBytes! / MiB).toFixed(2)} MiB, docker ≤19.03 ${(app.views.dockerStatsLegacyBytes! / MiB).toFixed(2)} MiB; verdicts ${a.verdicts.map((v) => v.kind).join(', ')}`,
      );
      assert.ok(
        a.cgroup?.podPath?.includes(`${lab.name}/kubepods/burstable/pod${lab.podUid}`),
        `pod path ${a.cgroup?.podPath}`,
      );
      assert.equal(a.cgroup?.version, 'v1');
      assert.ok(app.workingSetBytes! >= 95 * MiB, `working set ${app.workingSetBytes}`);
      assert.equal(app.views.kubectlTopBytes, app.workingSetBytes);
      assert.ok(
        app.breakdown.activeFileBytes! + app.breakdown.inactiveFileBytes! >= 95 * MiB,
        'the 100 MiB file is charged as page cache',
      );
      assert.ok(app.rssBytes! < 8 * MiB, `rss ${app.rssBytes}`);
      assert.ok(app.views.dockerStatsLegacyBytes! < 8 * MiB, `docker ≤ 19.03 ${app.views.dockerStatsLegacyBytes}`);
      const v = a.verdicts.find((x) => x.kind === 'CacheDriven' && x.container === 'app');
      assert.ok(v, `no CacheDriven verdict: ${a.verdicts.map((x) => x.kind).join(', ')}`);

      // The same lab copied offline right after: the same verdicts, the same page cache (±2 MiB: the kernel moves on).
      const snap = fresh('lab-page-cache');
      lab.snapshot(snap);
      const off = await offline(snap);
      assert.deepEqual(
        off.verdicts.map((x) => [x.kind, x.container]),
        a.verdicts.map((x) => [x.kind, x.container]),
      );
      const offApp = container(off, 'app');
      assert.ok(
        Math.abs(offApp.breakdown.fileBytes! - app.breakdown.fileBytes!) <= 2 * MiB,
        `file ${offApp.breakdown.fileBytes} offline vs ${app.breakdown.fileBytes} live`,
      );
    } finally {
      await c?.close();
      assert.deepEqual(lab.cleanup(), []);
    }
  });

  test('a real OOM kill by the container limit: level container, from the live cgroups and the live kernel log', async (t) => {
    // Two containers so the pod limit (96Mi) sits above app's 64Mi (see lab.ts oom-container).
    const lab = Lab.create({
      podName: 'oom-container',
      memswLimit: true,
      containers: [
        {
          name: 'app',
          requestBytes: 32 * MiB,
          limitBytes: 64 * MiB,
          image: 'node:22-alpine',
          command: ['node', '-e', 'grow until killed'],
        },
        { name: 'sidecar', requestBytes: 16 * MiB, limitBytes: 32 * MiB, command: ['sleep', '99999999'] },
      ],
    });
    let c: Cluster | null = null;
    try {
      await lab.startPause();
      await lab.startMain('sidecar');
      lab.markKernelLog();
      const killed = await lab.allocateUntilKilled('app', 512);
      assert.equal(killed.signal, 'SIGKILL', `expected an OOM kill: ${killed.stderr}`);
      await lab.restartAfter('app', killed, 'OOMKilled');
      const kernel = lab.kernelOomLines();
      const varlog = fresh('lab-var-log');
      mkdirSync(varlog);
      const kernelLines = 'lines' in kernel ? kernel.lines : [];
      if (kernelLines.length) writeFileSync(join(varlog, 'kern.log'), `${kernelLines.join('\n')}\n`);
      else t.diagnostic(`no kernel OOM lines for the lab: ${'error' in kernel ? kernel.error : 'none found'}`);
      // The lab root served as the node's /sys/fs/cgroup/memory (kernel.log paths have the lab prefix stripped too).
      c = await startCluster(
        {
          pods: [lab.podObject()],
          nodes: [lab.nodeObject()],
          hostPaths: { [lab.nodeName]: { '/sys/fs/cgroup/memory': lab.root, '/var/log': varlog } },
        },
        { kubelet: KUBELET },
      );
      const bare = await memwhy(c, ['oom-container', '-o', 'json']);
      assert.equal(bare.code, 0, bare.stderr);
      const v = bare.json!.verdicts.find((x) => x.kind === 'OOMKilled' && x.container === 'app');
      assert.ok(v, `no OOMKilled verdict for app: ${bare.json!.verdicts.map((x) => x.kind).join(', ')}`);
      t.diagnostic(`without --kernel-log: ${v.summary}`);
      assert.equal(v.level, 'container');
      assert.ok(
        container(bare.json!, 'app').cgroupLimitBytes === 64 * MiB,
        'read the live limit of the restarted container',
      );

      const snap = fresh('lab-oom');
      lab.snapshot(snap, { kernelLog: kernelLines.length > 0 });
      const off = await offline(snap);
      if (kernelLines.length) {
        const withLog = await memwhy(c, ['oom-container', '-o', 'json', '--kernel-log']);
        assert.equal(withLog.code, 0, withLog.stderr);
        const kv = withLog.json!.verdicts.find((x) => x.kind === 'OOMKilled' && x.container === 'app');
        assert.ok(kv);
        t.diagnostic(`with --kernel-log: ${kv.summary}`);
        assert.equal(kv.level, 'container');
        assert.ok(withLog.json!.kernelOoms.length >= 1, 'the kernel OOM report was read from the node');
        assert.doesNotMatch(kv.summary, /inferred/);
        assert.deepEqual(verdicts(withLog.json!), verdicts(off), 'live --kernel-log = the offline copy');
      } else {
        assert.deepEqual(verdicts(bare.json!), verdicts(off), 'live = the offline copy');
      }
    } finally {
      await c?.close();
      assert.deepEqual(lab.cleanup(), []);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// 3. The failure matrix, on one cluster: the cache-driven pod plus awkward nodes, users and namespaces.

function failureState(): StateInput {
  const state = loadSnapshotState(join(ROOT, 'examples', 'cache-driven'));
  const base = state.pods![0]!;
  const on = (name: string, nodeName: string): Obj => {
    const p = structuredClone(base);
    p.metadata.name = name;
    p.metadata.uid = crypto.randomUUID();
    p.spec.nodeName = nodeName;
    return p;
  };
  state.nodes!.push(
    node('win-1', { labels: { 'kubernetes.io/os': 'windows' } }),
    node('vk-1', { labels: { type: 'virtual-kubelet' } }),
    node('nr-1', { ready: false }),
  );
  // ghost-node does not exist: no kubelet will ever run a pod there.
  state.pods!.push(on('on-win', 'win-1'), on('on-vk', 'vk-1'), on('on-nr', 'nr-1'), on('on-ghost', 'ghost-node'));
  state.namespaces = [
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'readers', labels: { 'pod-security.kubernetes.io/enforce': 'privileged' } },
    },
  ];
  state.users = [
    { name: 'admin', groups: ['system:masters'] },
    // Everything but creating pods.
    { name: 'nocreate', rules: [{ verbs: ['get', 'list', 'watch', 'delete'], resources: ['*'] }] },
    // Everything but nodes/proxy (the kubelet summary).
    { name: 'noproxy', rules: [{ verbs: ['*'], resources: ['pods', 'pods/log', 'nodes', 'events', 'namespaces'] }] },
  ];
  state.images = { deny: ['registry.invalid/*'] };
  return state;
}

describe('failure matrix', () => {
  let c: Cluster;
  before(async () => {
    c = await startCluster(failureState(), { kubelet: KUBELET });
  });
  after(() => c?.close());

  test('Pod Security baseline on the namespace: the API-level answer, a notice naming baseline and --reader-namespace; then --reader-namespace works', async () => {
    c.store.update('namespaces', null, 'default', (n) => {
      n.metadata.labels['pod-security.kubernetes.io/enforce'] = 'baseline';
    });
    try {
      const r = await memwhy(c, ['busybox', '-o', 'json']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(notices(r.json), /violates PodSecurity "baseline:latest": hostPath volumes/);
      assert.match(
        notices(r.json),
        /namespace default enforces Pod Security level baseline, which forbids hostPath volumes: use --reader-namespace/,
      );
      assert.deepEqual(readerRequests(r.requests).map(line), ['POST /api/v1/namespaces/default/pods → 403']);
      assert.equal(container(r.json!, 'app').breakdown.activeFileBytes, null, 'no cgroup figures without the reader');

      const ok = await memwhy(c, ['busybox', '-o', 'json', '--reader-namespace', 'readers']);
      assert.equal(ok.code, 0, ok.stderr);
      assert.deepEqual(
        readerRequests(ok.requests).map((x) => `${x.method} ${x.namespace} ${x.status}`),
        ['POST readers 201', 'GET readers 200', 'GET readers 200', 'DELETE readers 200'],
      );
      assert.ok(
        ok.json!.verdicts.some((v) => v.kind === 'CacheDriven'),
        'the cgroup figures are back',
      );
      assert.ok(container(ok.json!, 'app').breakdown.activeFileBytes! > 0);
    } finally {
      c.store.update('namespaces', null, 'default', (n) => {
        delete n.metadata.labels['pod-security.kubernetes.io/enforce'];
      });
    }
  });

  test('RBAC: no create on pods → a notice naming the verb and the rule memwhy needs; exit 0', async () => {
    const r = await memwhy(c, ['busybox', '-o', 'json'], { user: 'nocreate' });
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      notices(r.json),
      /User "nocreate" cannot create resource "pods" in API group "" in the namespace "default"/,
    );
    assert.match(notices(r.json), /memwhy needs RBAC: create, get, delete pods and get pods\/log in namespace default/);
    assert.deepEqual(readerRequests(r.requests).map(line), ['POST /api/v1/namespaces/default/pods → 403']);
  });

  test('RBAC: 403 on nodes/proxy (the kubelet summary) → still explained from the cgroups', async () => {
    const r = await memwhy(c, ['busybox', '-o', 'json'], { user: 'noproxy' });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(
      r.requests.some((x) => x.subresource === 'proxy' && x.status === 403),
      'the summary was refused',
    );
    const app = container(r.json!, 'app');
    assert.match(app.sources.workingSetBytes ?? '', /^cgroup\//, 'the working set comes from the cgroup files');
    assert.ok(r.json!.verdicts.some((v) => v.kind === 'CacheDriven'));
  });

  test('reader image on the deny list → "cannot be started", suggesting --image; the pod is deleted', async () => {
    const r = await memwhy(c, ['busybox', '-o', 'json', '--image', 'registry.invalid/busybox:1.36']);
    assert.equal(r.code, 0, r.stderr);
    // The reader gives up at the first pull failure: ErrImagePull (the kubelet's ImagePullBackOff comes after it).
    assert.match(
      notices(r.json),
      /the reader image registry\.invalid\/busybox:1\.36 cannot be started: (ErrImagePull|ImagePullBackOff)/,
    );
    assert.match(notices(r.json), /pass --image <registry>\/busybox:1\.36/);
    assert.ok(readerRequests(r.requests).some((x) => x.method === 'DELETE' && x.status === 200));
  });

  test('reader that never starts (its node has no kubelet) with --reader-timeout 5 → notice, exit 0, pod deleted', async (t) => {
    const r = await memwhy(c, ['on-ghost', '-o', 'json', '--reader-timeout', '5']);
    t.diagnostic(`gave up after ${r.ms} ms`);
    assert.equal(r.code, 0, r.stderr);
    assert.match(notices(r.json), /reader pod default\/memwhy-reader-ghost-node-\w+ did not finish within 5s/);
    assert.ok(r.ms < 15_000, `took ${r.ms} ms`);
    assert.deepEqual(
      readerRequests(r.requests).map((x) => `${x.method} ${x.status}`),
      ['POST 201', 'GET 200', 'DELETE 200'],
    );
  });

  for (const [pod, why] of [
    ['on-win', /node win-1 runs Windows: there are no Linux cgroups to read/],
    ['on-vk', /node vk-1 is a virtual node \(virtual-kubelet\)/],
    ['on-nr', /node nr-1 is NotReady: a reader pod cannot start there/],
  ] as const) {
    test(`${pod}: no reader pod is created at all`, async () => {
      const r = await memwhy(c, [pod, '-o', 'json']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(notices(r.json), why);
      assert.deepEqual(readerRequests(r.requests), [], 'no reader request');
    });
  }

  test('pod not found → exit 3, the hint names close pod names', async () => {
    const r = await memwhy(c, ['busybo', '-o', 'json']);
    assert.equal(r.code, 3);
    assert.equal(r.stdout, '');
    assert.match(
      r.stderr,
      /^error: pod "busybo" not found in namespace "default"\nhint: did you mean busybox\? \(kubectl get pods -n default\)\n$/,
    );
  });

  test('unknown --context → exit 5 (kubeconfig unusable, as the README says; it was 2), no request', async () => {
    const r = await memwhy(c, ['busybox', '--context', 'nope']);
    assert.equal(r.code, 5);
    assert.match(
      r.stderr,
      /^error: context "nope" does not exist in the kubeconfig\nhint: available contexts: admin@test-cluster/,
    );
    assert.deepEqual(r.requests, []);
  });

  test("API server down (closed port) → exit 5 with kubectl's wording", async () => {
    const port = await closedPort();
    const kc = writeKubeconfigFile(fresh('down.yaml'), {
      server: `https://127.0.0.1:${port}`,
      user: 'admin',
      token: 'x',
      insecureSkipTlsVerify: true,
    });
    const r = await memwhy(c, ['busybox'], { kubeconfig: kc });
    assert.equal(r.code, 5);
    const wording = `The connection to the server 127.0.0.1:${port} was refused - did you specify the right host or port?`;
    assert.match(r.stderr, new RegExp(`^error: ${wording.replace(/[.?]/g, '\\$&')}\nhint: `));
    if (hasKubectl) {
      const k = await kubectl(kc, ['get', 'pods']);
      assert.notEqual(k.code, 0);
      assert.ok(k.stderr.includes(wording), `kubectl says: ${k.stderr}`);
    }
  });

  // 503 is retried (GETs are idempotent; issue 14 item 7): it takes three 503s in a row to fail the run.
  for (const [status, times] of [
    [500, 1],
    [503, 3],
  ] as const) {
    test(`${status} on the pod GET${times > 1 ? ` ${times} times` : ''} → exit 5`, async () => {
      const remove = c.fault('GET /api/v1/namespaces/default/pods/busybox', { status, times });
      try {
        const r = await memwhy(c, ['busybox', '-o', 'json']);
        assert.equal(r.code, 5);
        assert.match(
          r.stderr,
          /^error: the API server failed GET \/api\/v1\/namespaces\/default\/pods\/busybox: .+\nhint: try again/,
        );
        assert.deepEqual(readerRequests(r.requests), []);
      } finally {
        remove();
      }
    });
  }

  for (const [what, spec] of [
    ['503 once', { status: 503, times: 1 }],
    ['429 with Retry-After: 1 once', { status: 429, retryAfterSeconds: 1, times: 1 }],
  ] as const) {
    test(`${what} on the pod GET → retried, the diagnosis completes (exit 0)`, async () => {
      const remove = c.fault('GET /api/v1/namespaces/default/pods/busybox', spec);
      try {
        const r = await memwhy(c, ['busybox', '-o', 'json']);
        assert.equal(r.code, 0, r.stderr);
        const gets = r.requests.filter(
          (x) => x.method === 'GET' && x.path === '/api/v1/namespaces/default/pods/busybox',
        );
        assert.deepEqual(
          gets.map((x) => x.status),
          [spec.status, 200],
        );
        if (spec.status === 429)
          assert.ok(
            Date.parse(gets[1]!.time) - Date.parse(gets[0]!.time) >= 950,
            `waited for Retry-After: ${gets[1]!.time} after ${gets[0]!.time}`,
          );
      } finally {
        remove();
      }
    });
  }

  test('a bad label selector → a usage error (exit 2) with a hint, not "bug in memwhy": before any request, or from the API server\'s 400', async () => {
    // kubectl's grammar refuses it: said before a request is made.
    const local = await memwhy(c, ['-l', 'app in (web', '-o', 'json']);
    assert.equal(local.code, 2, local.stderr);
    assert.match(local.stderr, /^error: -l "app in \(web" is not a label selector: .+\nhint: write it as kubectl does/);
    assert.deepEqual(local.requests, []);
    // One the grammar lets through but the server refuses (a 400 on the list): the API's word, as a usage error.
    const remove = c.fault(
      { method: 'GET', path: '/api/v1/namespaces/default/pods' },
      {
        status: 400,
        reason: 'BadRequest',
        message: 'unable to parse requirement: values[0][app]: Invalid value: "-web"',
        times: 1,
      },
    );
    try {
      const server = await memwhy(c, ['-l', 'app=web', '-o', 'json']);
      assert.equal(server.code, 2, server.stderr);
      assert.match(
        server.stderr,
        /^error: the API server refused the label selector "app=web": .*unable to parse requirement.*\nhint: write it as kubectl get -l takes it/,
      );
    } finally {
      remove();
    }
  });

  test("the reader's watch breaks once → watched again, the answer is complete", async () => {
    const remove = c.fault(
      { method: 'GET', path: '/api/v1/namespaces/default/pods', verb: 'watch' },
      { dropWatchAfterEvents: 1, times: 1 },
    );
    try {
      const r = await memwhy(c, ['busybox', '-o', 'json']);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(notices(r.json), '');
      assert.equal(r.requests.filter((x) => x.verb === 'watch').length, 2, 'watched twice');
      assert.ok(r.json!.verdicts.some((v) => v.kind === 'CacheDriven'));
    } finally {
      remove();
    }
  });

  test('the reader\'s watch keeps breaking → a notice that says so (not "cannot connect"), the pod deleted, exit 0', async () => {
    const remove = c.fault(
      { method: 'GET', path: '/api/v1/namespaces/default/pods', verb: 'watch' },
      { dropWatchAfterEvents: 1 },
    );
    try {
      const r = await memwhy(c, ['busybox', '-o', 'json']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(
        notices(r.json),
        /the API server at https:\/\/127\.0\.0\.1:\d+ broke off the watch of \/api\/v1\/namespaces\/default\/pods: /,
      );
      assert.doesNotMatch(notices(r.json), /Unable to connect/);
      assert.equal(r.requests.filter((x) => x.verb === 'watch').length, 3, 'three watches, then it gives up');
      assert.ok(r.requests.some((x) => x.method === 'DELETE' && x.status === 200));
    } finally {
      remove();
    }
  });

  test('DELETE of the reader fails once with 500 → tried again, nothing left behind', async () => {
    const remove = c.fault({ method: 'DELETE', path: '/api/v1/namespaces/default/pods/*' }, { status: 500, times: 1 });
    try {
      const r = await memwhy(c, ['busybox', '-o', 'json']);
      assert.equal(r.code, 0, r.stderr);
      assert.equal(notices(r.json), '');
      assert.deepEqual(
        r.requests.filter((x) => x.method === 'DELETE').map((x) => x.status),
        [500, 200],
      );
    } finally {
      remove();
    }
  });

  test('--kernel-log on a node without /var/log: FailedMount noticed at once, said so, the cgroups still read (issue 13 item 2)', async () => {
    const t0 = Date.now();
    const r = await memwhy(c, ['busybox', '-o', 'json', '--kernel-log', '--reader-timeout', '60']);
    assert.equal(r.code, 0, r.stderr);
    assert.ok(Date.now() - t0 < 15_000, `not the whole 60 s deadline: ${Date.now() - t0} ms`);
    assert.ok(r.json!.cgroup, 'the cgroup reader ran without the kernel-log container');
    assert.ok(r.json!.verdicts.some((v) => v.kind === 'CacheDriven'));
    assert.match(
      notices(r.json),
      /kernel\.log: the node's \/var\/log could not be mounted for --kernel-log: MountVolume\.SetUp failed for volume "host-var-log"/,
    );
    assert.equal(
      readerRequests(r.requests).filter((x) => x.method === 'POST').length,
      2,
      'a second reader, without the kernel-log container',
    );
  });

  test("--image 'busybox;rm -rf /' → refused up front as a usage error (exit 2), no request made", async () => {
    const r = await memwhy(c, ['busybox', '-o', 'json', '--image', 'busybox;rm -rf /']);
    assert.equal(r.code, 2, r.stderr);
    assert.equal(
      r.stderr,
      'error: --image "busybox;rm -rf /" is not an image reference\nhint: give a reference such as busybox:1.36 or registry.example.com/mirror/busybox:1.36\n',
    );
    assert.deepEqual(r.requests, []);
  });

  test('DELETE of the reader keeps failing → the cgroup data already read is kept, a notice names the pod and the cleanup command', async () => {
    const remove = c.fault({ method: 'DELETE', path: '/api/v1/namespaces/default/pods/*' }, { status: 500, times: 3 });
    // The pod that cannot be deleted is expected to remain (filled in when it is stored).
    const left: string[] = [];
    const off = onStored(c, isReader, (p) => left.push(`default/${p.metadata.name}`));
    try {
      const r = await memwhy(c, ['busybox', '-o', 'json'], { readersAfter: left });
      assert.equal(r.code, 0, r.stderr);
      assert.ok(r.json!.cgroup, 'the cgroup files read before the failed delete are analysed');
      assert.ok(r.json!.verdicts.some((v) => v.kind === 'CacheDriven'));
      assert.match(
        notices(r.json),
        /reader: could not delete reader pod default\/memwhy-reader-\S+: .*kubectl memwhy cleanup -n default/,
      );
      assert.equal(left.length, 1);
    } finally {
      off();
      remove();
      for (const p of left) c.store.remove('pods', 'default', p.split('/')[1]!);
    }
  });

  test('409 AlreadyExists on the reader create → one retry with a new name', async () => {
    const remove = c.fault({ method: 'POST', path: '/api/v1/namespaces/*/pods' }, { status: 409, times: 1 });
    try {
      const r = await memwhy(c, ['busybox', '-o', 'json'], { progress: () => undefined });
      assert.equal(r.code, 0, r.stderr);
      const names = r.progress
        .filter((p) => p.startsWith('starting reader pod'))
        .map((p) => /default\/(\S+)/.exec(p)![1]);
      assert.equal(names.length, 2);
      assert.notEqual(names[0], names[1], 'a new name for the second try');
      assert.deepEqual(readerRequests(r.requests).map(line), [
        'POST /api/v1/namespaces/default/pods → 409',
        'POST /api/v1/namespaces/default/pods → 201',
        `GET /api/v1/namespaces/default/pods?labelSelector=${MANAGED_BY}=kubectl-memwhy&watch=true → 200`,
        `GET /api/v1/namespaces/default/pods/${names[1]}/log?container=reader → 200`,
        `DELETE /api/v1/namespaces/default/pods/${names[1]}?gracePeriodSeconds=0 → 200`,
      ]);
      assert.ok(
        r.json!.verdicts.some((v) => v.kind === 'CacheDriven'),
        'the retried reader read the cgroups',
      );
    } finally {
      remove();
    }
  });

  test('409 twice → a clear notice, nothing deleted that is not ours, exit 0', async () => {
    const remove = c.fault({ method: 'POST', path: '/api/v1/namespaces/*/pods' }, { status: 409, times: 2 });
    try {
      const r = await memwhy(c, ['busybox', '-o', 'json']);
      assert.equal(r.code, 0, r.stderr);
      assert.match(
        notices(r.json),
        /could not create the reader pod: a pod named memwhy-reader-lab-node-1-\w+ already exists in namespace default/,
      );
      assert.deepEqual(readerRequests(r.requests).map(line), [
        'POST /api/v1/namespaces/default/pods → 409',
        'POST /api/v1/namespaces/default/pods → 409',
      ]);
    } finally {
      remove();
    }
  });
});

// ---------------------------------------------------------------------------------------------
// 4. Ctrl-C at each stage of the reader's lifecycle, signals to the real process, leftovers, cleanup.

describe('interruption and cleanup', () => {
  let c: Cluster;
  before(async () => {
    const state = loadSnapshotState(join(ROOT, 'examples', 'cache-driven'));
    state.namespaces = [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'readers' } }];
    c = await startCluster(state, { kubelet: KUBELET });
  });
  after(() => c?.close());

  for (const [stage, prefix] of [
    ['reader-create', 'starting reader pod'],
    ['reader-pulling', 'pulling image'],
    ['reader-running', 'reader pod running'],
    ['reader-read', 'reading cgroup files'],
  ] as const) {
    test(`Ctrl-C at ${stage} → exit 130, the reader pod deleted`, async () => {
      const ac = new AbortController();
      const r = await memwhy(c, ['busybox', '-o', 'json'], {
        signal: ac.signal,
        progress: (p) => p.startsWith(prefix) && ac.abort(),
      });
      assert.equal(r.code, 130, r.stderr);
      assert.match(r.stderr, /error: interrupted\n$/);
      assert.equal(r.stdout, '');
      assert.ok(
        r.progress.some((p) => p.startsWith(prefix)),
        `stage reached: ${r.progress.join(' | ')}`,
      );
      const name = /default\/(\S+)/.exec(r.progress.find((p) => p.startsWith('starting reader pod'))!)![1]!;
      const own = readerRequests(r.requests);
      if (stage === 'reader-create') {
        // Aborted before the create left: nothing to delete.
        assert.deepEqual(own, []);
      } else {
        assert.ok(
          own.some((x) => x.method === 'DELETE' && x.name === name && x.status === 200),
          `deleted ${name}: ${own.map(line).join('; ')}`,
        );
      }
    });
  }

  test('Ctrl-C while the API reads run, with --no-reader → exit 130, no analysis printed', async () => {
    const ac = new AbortController();
    const r = await memwhy(c, ['busybox', '-o', 'json', '--no-reader'], {
      signal: ac.signal,
      progress: (p) => p.startsWith('reading default/busybox') && ac.abort(),
    });
    assert.equal(r.code, 130, r.stderr);
    assert.equal(r.stdout, '');
    assert.deepEqual(readerRequests(r.requests), []);
  });

  test('Ctrl-C while the create is answered (the API server stored the pod, memwhy has not seen the answer) → the pod is deleted all the same', async () => {
    const ac = new AbortController();
    let stored = '';
    const off = onStored(c, isReader, (p) => {
      stored = p.metadata.name;
      ac.abort();
    });
    try {
      const r = await memwhy(c, ['busybox', '-o', 'json'], { signal: ac.signal });
      assert.equal(r.code, 130, r.stderr);
      assert.ok(stored, 'the reader pod was stored');
      assert.ok(
        r.requests.some((x) => x.method === 'DELETE' && x.name === stored),
        `DELETE ${stored} sent: ${readerRequests(r.requests).map(line).join('; ')}`,
      );
    } finally {
      off();
    }
  });

  for (const sig of ['SIGTERM', 'SIGINT'] as const) {
    test(
      `${sig} to node dist/cli.js while the reader pod exists → exit 130, the pod is gone`,
      { skip: distSkip },
      async () => {
        const kc = c.kubeconfig('admin');
        let stored = '';
        let cli: ReturnType<typeof spawnCli> | null = null;
        const off = onStored(c, isReader, (p) => {
          stored = p.metadata.name;
          cli?.child.kill(sig);
        });
        try {
          cli = spawnCli(['busybox', '-o', 'json', '--kubeconfig', kc, '--now', NOW]);
          const res = await cli.done;
          assert.ok(stored, `the reader pod was created; stderr: ${res.stderr}`);
          assert.equal(res.code, 130, `exit ${res.code ?? res.signal}; stderr: ${res.stderr}`);
          assert.match(res.stderr, sig === 'SIGINT' ? /interrupted: cleaning up/ : /terminated: cleaning up/);
          assert.equal(res.stdout, '');
          assertNoReaders(c);
        } finally {
          off();
          cli?.child.kill('SIGKILL');
        }
      },
    );
  }

  test('node dist/cli.js gives the same JSON as run() in-process', { skip: distSkip }, async () => {
    const inProcess = await memwhy(c, ['busybox', '-o', 'json']);
    const cli = spawnCli(['busybox', '-o', 'json', '--kubeconfig', c.kubeconfig('admin'), '--now', NOW]);
    const res = await cli.done;
    assert.equal(res.code, 0, res.stderr);
    assert.equal(res.stderr, '');
    assert.deepEqual(JSON.parse(res.stdout), inProcess.json);
    assertNoReaders(c);
  });

  /** A reader pod as an earlier, killed run would have left it, created `ageMs` ago. */
  const leftover = (ns: string, name: string, ageMs: number): Obj => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: ns,
      creationTimestamp: new Date(Date.now() - ageMs).toISOString().replace(/\.\d+Z$/, 'Z'),
      labels: { [MANAGED_BY]: 'kubectl-memwhy', 'app.kubernetes.io/name': 'memwhy-reader' },
    },
    spec: {
      nodeName: 'lab-node-1',
      restartPolicy: 'Never',
      containers: [{ name: 'reader', image: 'busybox:1.36', command: ['sleep', '1'] }],
    },
    status: { phase: 'Running' },
  });

  test("a leftover reader pod older than 5 minutes is deleted by the next run; a younger one (another run's) is not", async () => {
    c.store.create('pods', leftover('default', 'memwhy-reader-lab-node-1-old11', 10 * 60_000));
    c.store.create('pods', leftover('default', 'memwhy-reader-lab-node-1-new11', 60_000));
    const r = await memwhy(c, ['busybox', '-o', 'json'], { readersAfter: ['default/memwhy-reader-lab-node-1-new11'] });
    assert.equal(r.code, 0, r.stderr);
    assert.ok(
      r.requests.some((x) => x.method === 'DELETE' && x.name === 'memwhy-reader-lab-node-1-old11' && x.status === 200),
    );
    assert.ok(!r.requests.some((x) => x.name === 'memwhy-reader-lab-node-1-new11'));
  });

  test('kubectl memwhy cleanup -n ns deletes the readers there and prints them; -A the rest', async () => {
    // The young one from the test above is still there; one more in another namespace.
    if (!readers(c).includes('default/memwhy-reader-lab-node-1-new11'))
      c.store.create('pods', leftover('default', 'memwhy-reader-lab-node-1-new11', 60_000));
    c.store.create('pods', leftover('readers', 'memwhy-reader-lab-node-1-other', 60_000));
    const r = await memwhy(c, ['cleanup', '-n', 'default'], {
      readersAfter: ['readers/memwhy-reader-lab-node-1-other'],
    });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'pod/memwhy-reader-lab-node-1-new11 deleted (namespace default)\n');
    const again = await memwhy(c, ['cleanup', '-n', 'default'], {
      readersAfter: ['readers/memwhy-reader-lab-node-1-other'],
    });
    assert.equal(again.stdout, 'no memwhy reader pods in namespace default\n');
    const all = await memwhy(c, ['cleanup', '-A']);
    assert.equal(all.code, 0, all.stderr);
    assert.equal(all.stdout, 'pod/memwhy-reader-lab-node-1-other deleted (namespace readers)\n');
  });
});

// ---------------------------------------------------------------------------------------------
// 5 and 6. The request budget of one diagnosis, and what kubectl sees meanwhile.

describe('request budget and kubectl fidelity', () => {
  let c: Cluster;
  before(async () => {
    const state = loadSnapshotState(join(ROOT, 'examples', 'cache-driven'));
    // A /var/log for --kernel-log (without one the hostPath cannot mount and the reader pod never starts).
    const varlog = fresh('budget-var-log');
    mkdirSync(varlog);
    writeFileSync(join(varlog, 'kern.log'), '');
    state.hostPaths!['lab-node-1'] = { ...state.hostPaths!['lab-node-1'], '/var/log': varlog };
    c = await startCluster(state, { kubelet: KUBELET });
  });
  after(() => c?.close());

  test('one live diagnosis with the reader: at most 10 API requests', async (t) => {
    const r = await memwhy(c, ['busybox', '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const made = r.requests.filter((x) => x.path !== '/version');
    for (const x of made) t.diagnostic(line(x));
    assert.ok(made.length <= 10, `${made.length} requests:\n${made.map(line).join('\n')}`);
    assert.deepEqual(
      readerRequests(made).map((x) => `${x.method} ${x.subresource ?? x.query.watch ?? ''}`),
      ['POST ', 'GET true', 'GET log', 'DELETE '],
    );
    assert.ok(
      made.every((x) => x.status < 400),
      'every request succeeded',
    );

    // --kernel-log: one more, the second container's log (pods/log is per container).
    const kl = await memwhy(c, ['busybox', '-o', 'json', '--kernel-log']);
    assert.equal(kl.code, 0, kl.stderr);
    const klMade = kl.requests.filter((x) => x.path !== '/version');
    t.diagnostic(`with --kernel-log: ${klMade.length} requests`);
    assert.equal(notices(kl.json), '', 'the reader and its kernel-log container both ran');
    assert.ok(klMade.length <= 11, klMade.map(line).join('\n'));
    assert.equal(klMade.filter((x) => x.subresource === 'log').length, 2);
  });

  test(
    'the installed kubectl lists the reader pod while a diagnosis runs, and none after it',
    { skip: hasKubectl ? false : 'kubectl is not installed' },
    async () => {
      const kc = c.kubeconfig('admin');
      const selector = `${MANAGED_BY}=kubectl-memwhy`;
      const before = await kubectl(kc, ['get', 'pods', '-n', 'default', '-l', selector]); // also warms kubectl's discovery cache
      assert.equal(before.code, 0, before.stderr);
      assert.match(before.stderr, /No resources found in default namespace/);
      // Hold the diagnosis at its log read long enough for kubectl to look.
      const remove = c.fault(
        { method: 'GET', path: '/api/v1/namespaces/default/pods/*/log' },
        { latencyMs: 2500, times: 1 },
      );
      try {
        const running = memwhy(c, ['busybox', '-o', 'json']);
        const name = await waitFor('the reader pod', () => readers(c)[0]);
        const during = await kubectl(kc, ['get', 'pods', '-n', 'default', '-l', selector]);
        assert.equal(during.code, 0, during.stderr);
        assert.match(during.stdout, /^NAME\s+READY\s+STATUS/);
        assert.ok(during.stdout.includes(name.split('/')[1]!), `kubectl lists ${name}:\n${during.stdout}`);
        const r = await running;
        assert.equal(r.code, 0, r.stderr);
        assert.ok(readers(c).length === 0);
      } finally {
        remove();
      }
      const afterwards = await kubectl(kc, ['get', 'pods', '-n', 'default', '-l', selector]);
      assert.equal(afterwards.code, 0, afterwards.stderr);
      assert.equal(afterwards.stdout, '');
      assert.match(afterwards.stderr, /No resources found in default namespace/);
    },
  );
});
