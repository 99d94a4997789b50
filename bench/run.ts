// Benchmarks of the built CLI, measured from outside (wall time of the process, the test cluster's request
// log and pod states, the terminal's screen). `npm run bench` prints a table and writes bench/RESULTS.md.
//
//   npm run bench                      # all of it (~1–2 min)
//   npm run bench -- --runs 10         # fewer runs per series
//   npm run bench -- --no-hyperfine    # time the runs here even when hyperfine is installed
//   npm run bench -- --no-write        # print only
//
// What is measured (goals in GOALS below):
//  1. API-only diagnosis of one pod (`dist/cli.js <pod> --no-reader -o text`) vs `kubectl describe pod <pod>`,
//     both against the in-repo test cluster (loopback HTTPS) serving examples/oomkilled-container.
//  2. With the reader pod: memwhy's own time = wall time − the reader pod's time in the cluster (from the
//     create request to the pod's terminal phase, seen in the cluster's state); API requests per diagnosis.
//  3. Start-up: out/kubectl-memwhy --help vs kubectl version --client; node dist/cli.js --help.
//  4. TUI time to first frame: inside tmux, `date +%s%N` in the pane's shell just before `exec node …`, to
//     the first non-empty `capture-pane -p` (polled through one tmux control-mode client).
// Every loop is bounded in count and time; all traffic stays on 127.0.0.1. A missed goal is reported as
// MISS and does not fail the command; errors (a command failing, a tool missing that is needed) do.
import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { loadSnapshotState, startCluster, type Cluster, type RequestLog } from '../test/cluster/index.js';
import { busyNode } from './busy-node.js';
import { rssMethod, runWithRss } from './rss.js';

const ROOT = resolve(fileURLToPath(new URL('..', import.meta.url)));
const NODE = join(ROOT, 'node_modules/.bin/node');
const CLI = join(ROOT, 'dist/cli.js');
const BINARY = join(ROOT, 'out/kubectl-memwhy');
const EXAMPLE = 'examples/oomkilled-container';
const POD = 'oom-container';
const NAMESPACE = 'default';
const MANAGED_BY = ['app.kubernetes.io/managed-by', 'kubectl-memwhy'] as const;

/**
 * Two floors beside the API-only diagnosis: Node doing only its GETs (bench/api-floor.mjs), and memwhy up to
 * its parsed command line (an invalid -o: yargs has parsed and validated everything, nothing is read; exit 2).
 */
function apiFloorCommands(
  memwhyApi: string[],
  server: string,
  token: string,
  caFile: string,
): { plainNode: string[]; parsedArgs: string[] } {
  return {
    plainNode: [NODE, join(ROOT, 'bench/api-floor.mjs'), server, token, caFile, 'pod', NAMESPACE, POD],
    parsedArgs: memwhyApi.map((a) => (a === 'text' ? 'bogus' : a)),
  };
}

/** The API-only diagnosis of the example pod (dist/cli.js and the binary) and its kubectl peer, on one kubeconfig. */
function apiOnlyCommands(kc: string, kubectlCache: string): { dist: string[]; binary: string[]; describe: string[] } {
  const dist = [NODE, CLI, POD, '-n', NAMESPACE, '--kubeconfig', kc, '--no-reader', '-o', 'text'];
  const describe = [
    'kubectl',
    '--kubeconfig',
    kc,
    '--cache-dir',
    kubectlCache,
    'describe',
    'pod',
    POD,
    '-n',
    NAMESPACE,
  ];
  return { dist, binary: [BINARY, ...dist.slice(2)], describe };
}

/**
 * Runs a command as a first run would (`env` adds about a millisecond): without the V8 code that memwhy keeps of
 * its chunks in ~/.cache/kubectl-memwhy/v8, which the warm-up runs have filled for every other series.
 */
const NO_CODE_CACHE = ['env', 'NODE_DISABLE_COMPILE_CACHE=1'];

const GOALS = {
  apiRatio: 1.5, // memwhy --no-reader median / kubectl describe median (issue 12), on the example and on a busy node
  busyRssMiB: 70, // peak RSS of memwhy --no-reader on the busy node (500 pods, 5,000 events)
  fromRssMiB: 50, // peak RSS of --from <example> -o text
  ownMs: 250, // memwhy's own time beyond the reader pod, median
  requests: 10, // API requests per diagnosis (with the reader), max
  startupRatio: 1.0, // out/kubectl-memwhy --help median / kubectl version --client median
  firstFrameMs: 150, // TUI: process start → first frame, median
};

// ---------------------------------------------------------------------------------------------- options

interface Options {
  runs: number;
  readerRuns: number;
  tuiRuns: number;
  warmup: number;
  hyperfine: boolean;
  write: boolean;
  /** Sections to run (all by default); a partial run never writes RESULTS.md. */
  only: Set<Section>;
  /** TUI: pause between two capture-pane polls, ms. */
  pollGapMs: number;
}

const SECTIONS = ['api', 'busy', 'reader', 'startup', 'tui'] as const;
type Section = (typeof SECTIONS)[number];

function parseOptions(argv: string[]): Options {
  const o: Options = {
    runs: 20,
    readerRuns: 15,
    tuiRuns: 9,
    warmup: 3,
    hyperfine: true,
    write: true,
    only: new Set(SECTIONS),
    pollGapMs: 2,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const num = (): number => {
      const v = Number(argv[++i]);
      if (!Number.isInteger(v) || v < 1 || v > 200) throw new Error(`${a} needs a whole number from 1 to 200`);
      return v;
    };
    if (a === '--runs') o.runs = num();
    else if (a === '--reader-runs') o.readerRuns = num();
    else if (a === '--tui-runs') o.tuiRuns = num();
    else if (a === '--warmup') o.warmup = num();
    else if (a === '--no-hyperfine') o.hyperfine = false;
    else if (a === '--no-write') o.write = false;
    else if (a === '--poll-gap') o.pollGapMs = num();
    else if (a === '--only') {
      const want = (argv[++i] ?? '').split(',');
      const bad = want.filter((w) => !(SECTIONS as readonly string[]).includes(w));
      if (bad.length || want.length === 0)
        throw new Error(`--only takes a comma-separated list of ${SECTIONS.join(', ')}`);
      o.only = new Set(want as Section[]);
      o.write = false;
    } else if (a === '-h' || a === '--help') {
      console.log(
        'npm run bench -- [--runs N] [--reader-runs N] [--tui-runs N] [--warmup N] [--poll-gap MS] [--no-hyperfine] [--no-write] [--only api,busy,reader,startup,tui]',
      );
      process.exit(0);
    } else throw new Error(`unknown option ${a}`);
  }
  return o;
}

// ---------------------------------------------------------------------------------------------- helpers

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Runs a command to completion (async: the test cluster serves from this process). */
function run(
  cmd: string,
  args: string[],
  opts: { timeoutMs?: number; env?: NodeJS.ProcessEnv; cwd?: string } = {},
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((res) => {
    execFile(
      cmd,
      args,
      {
        cwd: opts.cwd ?? ROOT,
        env: opts.env ?? process.env,
        timeout: opts.timeoutMs ?? 60_000,
        maxBuffer: 64 << 20,
        encoding: 'utf8',
      },
      (err, stdout, stderr) => {
        const code = err
          ? typeof (err as { code?: unknown }).code === 'number'
            ? (err as { code: number }).code
            : 1
          : 0;
        res({ code, stdout, stderr: stderr || (err && code === 1 ? String(err.message) : '') });
      },
    );
  });
}

async function has(cmd: string, args: string[] = ['--version']): Promise<string | null> {
  const r = await run(cmd, args, { timeoutMs: 10_000 });
  return r.code === 0 ? ((r.stdout || r.stderr).trim().split('\n')[0] ?? '') : null;
}

/** Wall time of one run, from spawn to exit, in ms; throws when it fails (exits other than `exitCode`). */
function timeOnce(
  argv: string[],
  timeoutMs = 60_000,
  exitCode = 0,
): Promise<{ ms: number; startedAt: number; stdout: string }> {
  return new Promise((res, rej) => {
    const startedAt = Date.now();
    const t0 = performance.now();
    const child = spawn(argv[0]!, argv.slice(1), { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (e) => {
      clearTimeout(timer);
      rej(e);
    });
    child.on('exit', (code, signal) => {
      const ms = performance.now() - t0;
      clearTimeout(timer);
      // Let the pipes drain ('close') for the output, without counting it.
      child.on('close', () => {
        if (code === exitCode) res({ ms, startedAt, stdout });
        else
          rej(
            new Error(
              `${argv.join(' ')} exited ${code ?? signal}: ${stderr.trim().split('\n').slice(0, 3).join(' | ')}`,
            ),
          );
      });
    });
  });
}

interface Stats {
  n: number;
  median: number;
  p90: number;
  mean: number;
  min: number;
  max: number;
}

function stats(xs: number[]): Stats {
  if (xs.length === 0) throw new Error('no samples');
  const s = [...xs].sort((a, b) => a - b);
  const q = (p: number) => {
    // Linear interpolation between closest ranks (as numpy's default).
    const pos = (s.length - 1) * p;
    const lo = Math.floor(pos);
    const hi = Math.ceil(pos);
    return s[lo]! + (s[hi]! - s[lo]!) * (pos - lo);
  };
  return {
    n: s.length,
    median: q(0.5),
    p90: q(0.9),
    mean: s.reduce((a, b) => a + b, 0) / s.length,
    min: s[0]!,
    max: s[s.length - 1]!,
  };
}

const ms = (x: number) => `${x.toFixed(x < 10 ? 1 : 0)} ms`;
const verdict = (ok: boolean) => (ok ? 'PASS' : 'MISS');
const mib = (kib: number) => `${(kib / 1024).toFixed(0)} MiB`;

/** A row of a timed series. */
function timeRow(measure: string, x: Stats, goalMs?: number): Row {
  return {
    measure,
    median: ms(x.median),
    p90: ms(x.p90),
    n: String(x.n),
    goal: goalMs === undefined ? '' : `≤ ${goalMs} ms`,
    result: goalMs === undefined ? '' : verdict(x.median <= goalMs),
  };
}

/** A ratio row: medians and p90s of `a` over `b`, against `goal` (≤). */
function ratioRow(measure: string, a: Stats, b: Stats, goal?: number): Row {
  const r = a.median / b.median;
  return {
    measure,
    median: `${r.toFixed(2)}×`,
    p90: `${(a.p90 / b.p90).toFixed(2)}×`,
    n: '',
    goal: goal === undefined ? '' : `≤ ${goal.toFixed(1)}×`,
    result: goal === undefined ? '' : verdict(r <= goal),
  };
}

/** Peak RSS of `runs` runs of each command (the largest, and the median): a row each, against `goalMiB` when set. */
async function rssRows(
  cmds: Array<{ name: string; argv: string[]; goalMiB?: number; exit?: number }>,
  runs: number,
): Promise<Row[]> {
  const rows: Row[] = [];
  for (const c of cmds) {
    const kib: number[] = [];
    for (let i = 0; i < runs; i++) kib.push((await runWithRss(c.argv, { cwd: ROOT, exitCode: c.exit })).rssKiB);
    const st = stats(kib);
    rows.push({
      measure: `  peak RSS: ${c.name}`,
      median: mib(st.median),
      p90: `${mib(st.max)} (max)`,
      n: String(st.n),
      goal: c.goalMiB === undefined ? '' : `≤ ${c.goalMiB} MiB (max)`,
      result: c.goalMiB === undefined ? '' : verdict(st.max / 1024 <= c.goalMiB),
    });
  }
  return rows;
}

interface Series {
  name: string;
  command: string;
  times: number[];
  tool: string;
}

type StatsTuple<N extends number, R extends Stats[] = []> = R['length'] extends N ? R : StatsTuple<N, [...R, Stats]>;

/** The stats of `n` measured series, in their order. */
function statsOf<N extends number>(series: Series[], n: N): StatsTuple<N> {
  if (series.length !== n) throw new Error(`expected ${n} series, measured ${series.length}`);
  return series.map((x) => stats(x.times)) as StatsTuple<N>;
}

/** Times each command `runs` times: with hyperfine (-N, no shell) when wanted and present, else here. */
async function measure(
  cmds: Array<{ name: string; argv: string[]; exit?: number }>,
  o: Options,
  hyperfine: string | null,
): Promise<Series[]> {
  const plain = cmds.every((c) => !c.exit && c.argv.every((a) => /^[\w./=:@,+-]+$/.test(a)));
  if (o.hyperfine && hyperfine && plain) {
    const dir = mkdtempSync(join(os.tmpdir(), 'memwhy-bench-hf-'));
    try {
      const json = join(dir, 'out.json');
      const args = [
        '-N',
        '--style',
        'none',
        '--runs',
        String(o.runs),
        '--warmup',
        String(o.warmup),
        '--export-json',
        json,
      ];
      for (const c of cmds) args.push('-n', c.name, c.argv.join(' '));
      const r = await run('hyperfine', args, { timeoutMs: 10 * 60_000 });
      if (r.code !== 0) throw new Error(`hyperfine failed (${r.code}): ${r.stderr.trim()}`);
      const out = JSON.parse(readFileSync(json, 'utf8')) as { results: Array<{ command: string; times: number[] }> };
      return cmds.map((c, i) => ({
        name: c.name,
        command: c.argv.join(' '),
        times: out.results[i]!.times.map((t) => t * 1000),
        tool: `hyperfine -N, ${o.warmup} warm-up runs`,
      }));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
  // Paired: run i runs every command once, the order rotated each round, so a load spike on the machine falls
  // on all of them alike and the ratios compare like with like (issue 12).
  for (let i = 0; i < o.warmup; i++) for (const c of cmds) await timeOnce(c.argv, undefined, c.exit);
  const times: number[][] = cmds.map(() => []);
  for (let i = 0; i < o.runs; i++) {
    for (let k = 0; k < cmds.length; k++) {
      const j = (i + k) % cmds.length;
      times[j]!.push((await timeOnce(cmds[j]!.argv, undefined, cmds[j]!.exit)).ms);
    }
  }
  const series: Series[] = cmds.map((c, j) => ({
    name: c.name,
    command: c.argv.join(' '),
    times: times[j]!,
    tool: `timed here (spawn → exit), paired: the commands alternate, ${o.warmup} warm-up round(s)`,
  }));
  return series;
}

/** Waits until the request log stops growing (the server logs a closed watch a moment after the client left). */
async function settle(cluster: Cluster, maxMs = 1000): Promise<void> {
  const deadline = Date.now() + maxMs;
  let n = cluster.requests.length;
  let quiet = 0;
  while (Date.now() < deadline && quiet < 3) {
    await sleep(20);
    if (cluster.requests.length === n) quiet++;
    else {
      n = cluster.requests.length;
      quiet = 0;
    }
  }
}

const readers = (cluster: Cluster) =>
  cluster.state.pods.filter((p) => p.metadata?.labels?.[MANAGED_BY[0]] === MANAGED_BY[1]);
const describeRequest = (r: RequestLog) =>
  `${r.method} ${r.path}${Object.keys(r.query).length ? `?${new URLSearchParams(r.query).toString()}` : ''} → ${r.status}`;

// ---------------------------------------------------------------------------------------------- sections

interface Row {
  measure: string;
  median: string;
  p90: string;
  n: string;
  goal: string;
  result: string;
}

interface ReaderRun {
  wallMs: number;
  readerMs: number;
  createToLogMs: number;
  ownMs: number;
  requests: number;
  firstRequestMs: number;
  afterLastMs: number;
}

async function readerRuns(
  cluster: Cluster,
  kc: string,
  o: Options,
  program: string[] = [NODE, CLI],
): Promise<{ runs: ReaderRun[]; sample: RequestLog[] }> {
  const argv = [...program, POD, '-n', NAMESPACE, '--kubeconfig', kc, '-o', 'text'];
  const out: ReaderRun[] = [];
  let sample: RequestLog[] = [];
  for (let i = 0; i < o.readerRuns + 1; i++) {
    const before = cluster.requests.length;
    // The reader pod's life as the cluster stores it, sampled every millisecond.
    let seenAt: number | null = null;
    let endedAt: number | null = null;
    let name: string | null = null;
    const watch = setInterval(() => {
      for (const p of readers(cluster)) {
        name ??= p.metadata?.name ?? null;
        seenAt ??= Date.now();
        const phase = p.status?.phase;
        if (endedAt === null && (phase === 'Succeeded' || phase === 'Failed')) endedAt = Date.now();
      }
    }, 1);
    let r: Awaited<ReturnType<typeof timeOnce>>;
    try {
      r = await timeOnce(argv);
    } finally {
      clearInterval(watch);
    }
    await settle(cluster);
    const reqs = cluster.requests.slice(before);
    if (!r.stdout.includes('cgroup v1'))
      throw new Error(`the diagnosis did not read the cgroups through the reader pod:\n${r.stdout.slice(0, 500)}`);
    if (readers(cluster).length)
      throw new Error(
        `a reader pod was left in the cluster: ${readers(cluster)
          .map((p) => p.metadata?.name)
          .join(', ')}`,
      );
    const create = reqs.find((q) => q.verb === 'create' && q.resource === 'pods');
    const log = reqs.find((q) => q.subresource === 'log');
    if (!create || !log || endedAt === null)
      throw new Error(
        `run ${i + 1}: no reader pod seen (create ${!!create}, log ${!!log}, ended ${endedAt !== null}, pod ${name})`,
      );
    const createAt = Date.parse(create.time);
    const readerMs = endedAt - createAt;
    const ends = reqs.map((q) => Date.parse(q.time) + q.durationMs);
    const run: ReaderRun = {
      wallMs: r.ms,
      readerMs,
      createToLogMs: Date.parse(log.time) - createAt,
      ownMs: r.ms - readerMs,
      requests: reqs.length,
      firstRequestMs: Math.min(...reqs.map((q) => Date.parse(q.time))) - r.startedAt,
      afterLastMs: r.startedAt + r.ms - Math.max(...ends),
    };
    if (i === 0)
      sample = reqs; // the first run is the warm-up
    else out.push(run);
  }
  return { runs: out, sample };
}

/**
 * A tmux control-mode client (`tmux -C`): one long-lived process that takes commands on stdin and answers
 * each between %begin and %end, in order. Polling `capture-pane -p` through it costs no process start, so
 * the polling does not steal CPU from the process being measured (a fresh `tmux capture-pane` client per
 * poll slowed node's start-up by ~40 ms on 2 CPUs).
 */
class TmuxControl {
  private child: ReturnType<typeof spawn>;
  private buf = '';
  private block: string[] | null = null;
  private waiting: Array<{ resolve: (r: { ok: boolean; lines: string[] }) => void; reject: (e: Error) => void }> = [];
  private exited = false;

  constructor(socket: string, env: NodeJS.ProcessEnv, session: string) {
    this.child = spawn('tmux', ['-L', socket, '-u', '-f', '/dev/null', '-C', 'attach-session', '-t', session], {
      env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    this.child.stdout!.setEncoding('utf8').on('data', (d: string) => this.onData(d));
    this.child.on('exit', () => {
      this.exited = true;
      for (const w of this.waiting.splice(0)) w.reject(new Error('tmux control client exited'));
    });
  }

  private onData(d: string): void {
    this.buf += d;
    let nl: number;
    while ((nl = this.buf.indexOf('\n')) >= 0) {
      const line = this.buf.slice(0, nl).replace(/\r$/, '');
      this.buf = this.buf.slice(nl + 1);
      if (this.block === null) {
        if (line.startsWith('%begin ')) this.block = [];
        // Other lines are notifications (%output, %session-changed, …): not answers.
      } else if (line.startsWith('%end ') || line.startsWith('%error ')) {
        const lines = this.block;
        this.block = null;
        this.waiting.shift()?.resolve({ ok: line.startsWith('%end '), lines });
      } else this.block.push(line);
    }
  }

  /** Runs one tmux command (tmux syntax: quote arguments with spaces). */
  cmd(line: string, timeoutMs = 10_000): Promise<string[]> {
    if (this.exited) return Promise.reject(new Error('tmux control client exited'));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`tmux: no answer to ${line} within ${timeoutMs} ms`)), timeoutMs);
      this.waiting.push({
        resolve: (r) => {
          clearTimeout(timer);
          if (r.ok) resolve(r.lines);
          else reject(new Error(`tmux ${line}: ${r.lines.join(' ')}`));
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      this.child.stdin!.write(`${line}\n`);
    });
  }

  close(): void {
    if (!this.exited) this.child.kill('SIGTERM');
  }
}

/** TUI: from `date +%s%N` in the pane (just before exec node) to the first non-empty capture, in ms. */
async function firstFrames(
  o: Options,
): Promise<{ first: number[]; firstLow: number[]; answer: number[]; pollMs: number[] }> {
  const socket = `memwhy-bench-${process.pid}`;
  const env: NodeJS.ProcessEnv = { ...process.env, LANG: process.env.LANG || 'C.UTF-8' };
  for (const k of ['CI', 'NO_COLOR', 'TMUX', 'TMUX_PANE']) delete env[k];
  const tmux = (args: string[]) =>
    run('tmux', ['-L', socket, '-u', '-f', '/dev/null', ...args], { env, timeoutMs: 10_000 });
  const dir = mkdtempSync(join(os.tmpdir(), 'memwhy-bench-tui-'));
  const first: number[] = [];
  const firstLow: number[] = [];
  const answer: number[] = [];
  const pollMs: number[] = [];
  let socketPath = '';
  let control: TmuxControl | null = null;
  // Wall clock with sub-millisecond resolution, comparable with `date +%s%N`.
  const nowMs = () => performance.timeOrigin + performance.now();
  try {
    // A server (and its control client) that outlive the runs, so each run costs only a new session.
    const s = await tmux(['new-session', '-d', '-s', 'idle', '-x', '100', '-y', '30', '--', 'sleep', '600']);
    if (s.code !== 0) throw new Error(`tmux new-session failed: ${s.stderr}`);
    socketPath = (await tmux(['display-message', '-p', '-t', 'idle', '#{socket_path}'])).stdout.trim();
    control = new TmuxControl(socket, env, 'idle');
    await control.cmd('display-message -p ready');
    for (let i = 0; i < o.tuiRuns + 1; i++) {
      const t0file = join(dir, `t0-${i}`);
      const script = join(dir, `run-${i}.sh`);
      writeFileSync(script, `date +%s%N > ${t0file}\nexec ${NODE} dist/cli.js --from ${EXAMPLE} -o tui\n`);
      const name = `run${i}`;
      await control.cmd(`new-session -d -s ${name} -x 100 -y 30 -c ${ROOT} sh ${script}`);
      let t1: number | null = null;
      let t1low: number | null = null;
      let tAnswer: number | null = null;
      let prevStart = nowMs();
      const deadline = Date.now() + 15_000;
      for (let k = 0; k < 5000 && Date.now() < deadline && tAnswer === null; k++) {
        const start = nowMs();
        const screen = (await control.cmd(`capture-pane -p -t ${name}`)).join('\n');
        const end = nowMs();
        pollMs.push(end - start);
        if (t1 === null && screen.trim() !== '') {
          t1 = end;
          t1low = prevStart;
        }
        if (screen.includes('OOM-killed by its own memory limit')) tAnswer = end;
        prevStart = start;
        await sleep(o.pollGapMs);
      }
      await control.cmd(`kill-session -t ${name}`);
      if (t1 === null || tAnswer === null || t1low === null) throw new Error(`TUI run ${i + 1}: no frame within 15 s`);
      const t0 = Number(BigInt(readFileSync(t0file, 'utf8').trim()) / 1000n) / 1000;
      if (i === 0) continue; // warm-up (file cache)
      first.push(t1 - t0);
      firstLow.push(Math.max(0, t1low - t0));
      answer.push(tAnswer - t0);
    }
  } finally {
    control?.close();
    await tmux(['kill-server']);
    if (socketPath) rmSync(socketPath, { force: true });
    rmSync(dir, { recursive: true, force: true });
  }
  return { first, firstLow, answer, pollMs };
}

// ---------------------------------------------------------------------------------------------- main

async function machine(tools: Record<string, string | null>): Promise<string[]> {
  const cpus = os.cpus();
  let distro = '';
  try {
    distro = /PRETTY_NAME="?([^"\n]+)/.exec(readFileSync('/etc/os-release', 'utf8'))?.[1] ?? '';
  } catch {
    /* not Linux */
  }
  const commit = await run('git', ['rev-parse', '--short', 'HEAD'], { timeoutMs: 5000 });
  const dirty = await run('git', ['status', '--porcelain', '--untracked-files=no'], { timeoutMs: 5000 });
  return [
    `- date: ${new Date().toISOString()}`,
    `- commit: ${commit.code === 0 ? commit.stdout.trim() : '?'}${dirty.code === 0 && dirty.stdout.trim() ? ' (with uncommitted changes)' : ''}`,
    `- CPU: ${cpus[0]?.model ?? '?'} × ${cpus.length}; memory ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB; load ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' ')}`,
    `- OS: ${distro || os.type()} · kernel ${os.release()} · ${os.arch()}`,
    `- node (pinned, runs dist/cli.js): ${tools.node ?? '?'} · kubectl: ${tools.kubectl ?? 'missing'} · hyperfine: ${tools.hyperfine ?? 'not installed'} · tmux: ${tools.tmux ?? 'not installed'}`,
  ];
}

function table(rows: Row[]): string {
  const head: Row = { measure: 'measure', median: 'median', p90: 'p90', n: 'n', goal: 'goal', result: 'result' };
  const cols = Object.keys(head) as Array<keyof Row>;
  const width = Object.fromEntries(
    cols.map((c) => [c, Math.max(...[head, ...rows].map((r) => [...r[c]].length))]),
  ) as Record<keyof Row, number>;
  const line = (r: Row) =>
    `| ${cols.map((c) => (c === 'measure' || c === 'goal' ? r[c].padEnd(width[c]) : r[c].padStart(width[c]))).join(' | ')} |`;
  const rule = `|${cols.map((c) => (c === 'measure' || c === 'goal' ? `:${'-'.repeat(width[c] + 1)}` : `${'-'.repeat(width[c] + 1)}:`)).join('|')}|`;
  return [line(head), rule, ...rows.map(line)].join('\n');
}

async function ensureBuilt(): Promise<void> {
  if (!existsSync(NODE)) throw new Error('node_modules/.bin/node is missing: run npm ci');
  if (!existsSync(CLI)) {
    console.log('dist/cli.js is missing: npm run build');
    const r = await run('npm', ['run', 'build'], { timeoutMs: 5 * 60_000 });
    if (r.code !== 0) throw new Error(`npm run build failed: ${r.stderr}`);
  }
  if (!existsSync(BINARY)) {
    console.log('out/kubectl-memwhy is missing: npm run package (a few minutes the first time)');
    const r = await run('npm', ['run', 'package'], { timeoutMs: 15 * 60_000 });
    if (r.code !== 0 || !existsSync(BINARY))
      throw new Error(`npm run package failed: ${r.stderr.trim().split('\n').slice(-5).join('\n')}`);
  }
}

async function main(): Promise<void> {
  const o = parseOptions(process.argv.slice(2));
  await ensureBuilt();
  const tools = {
    node: await has(NODE),
    kubectl: (await has('kubectl', ['version', '--client']))?.replace(/^Client Version:\s*/, '') ?? null,
    hyperfine: await has('hyperfine'),
    tmux: await has('tmux', ['-V']),
  };
  if (!tools.kubectl) throw new Error('kubectl is not installed: it is the baseline of two comparisons');
  const rows: Row[] = [];
  const notes: string[] = [];
  const goals: string[] = [];

  const work = mkdtempSync(join(os.tmpdir(), 'memwhy-bench-'));
  const cluster = await startCluster(loadSnapshotState(join(ROOT, EXAMPLE)));
  try {
    const kc = cluster.writeKubeconfig(join(work, 'kubeconfig.yaml'), { user: 'admin' });
    const kubectlCache = join(work, 'kubectl-cache');

    // 1. API only: memwhy --no-reader vs kubectl describe pod.
    if (o.only.has('api')) {
      console.log(`1/4 API-only diagnosis vs kubectl describe pod (${o.runs} runs each)…`);
      const { dist: memwhyApi, binary: binaryApi, describe } = apiOnlyCommands(kc, kubectlCache);
      // Check each once (and count their requests) before timing them.
      for (const [label, argv, expect] of [
        ['memwhy', memwhyApi, 'OOM-killed by its own memory limit'],
        ['binary', binaryApi, 'OOM-killed by its own memory limit'],
        ['kubectl', describe, `Name:`],
      ] as const) {
        const before = cluster.requests.length;
        const r = await timeOnce([...argv]);
        await settle(cluster);
        if (!r.stdout.includes(expect))
          throw new Error(`${label} did not print the expected answer:\n${r.stdout.slice(0, 400)}`);
        if (label !== 'binary')
          notes.push(
            `- ${label === 'memwhy' ? '`memwhy --no-reader`' : '`kubectl describe pod` (first run, cold discovery cache)'}: ${cluster.requests.length - before} API requests`,
          );
      }
      const caFile = join(work, 'ca.pem');
      writeFileSync(caFile, cluster.caPem);
      const floors = apiFloorCommands(memwhyApi, cluster.httpsUrl, cluster.token('admin'), caFile);
      const api = await measure(
        [
          { name: 'memwhy --no-reader', argv: memwhyApi },
          { name: 'kubectl describe pod', argv: describe },
          { name: 'binary --no-reader', argv: binaryApi },
          { name: 'floor: plain Node, the same GETs', argv: floors.plainNode },
          { name: 'floor: memwhy to its parsed command line', argv: floors.parsedArgs, exit: 2 },
          { name: 'memwhy --no-reader, no code cache', argv: [...NO_CODE_CACHE, ...memwhyApi] },
          { name: 'binary --no-reader, no code cache', argv: [...NO_CODE_CACHE, ...binaryApi] },
        ],
        o,
        tools.hyperfine,
      );
      const [m, k, b, fn, fa, mc, bc] = statsOf(api, 7);
      const apiRatio = m.median / k.median;
      const binRatio = b.median / k.median;
      rows.push(timeRow('API-only: memwhy <pod> --no-reader -o text', m));
      rows.push(timeRow('API-only: kubectl describe pod <pod>', k));
      rows.push(ratioRow('  ratio memwhy / kubectl (median)', m, k, GOALS.apiRatio));
      rows.push(timeRow('API-only: out/kubectl-memwhy <pod> --no-reader', b));
      rows.push(ratioRow('  ratio binary / kubectl (median)', b, k, GOALS.apiRatio));
      rows.push(timeRow('  memwhy, no code cache (a first run: NODE_DISABLE_COMPILE_CACHE=1)', mc));
      rows.push(timeRow('  binary, no code cache (the same)', bc));
      rows.push(timeRow('  floor: plain Node https, the same 6 GETs, JSON parsed (bench/api-floor.mjs)', fn));
      rows.push(ratioRow('    ratio / kubectl (median)', fn, k));
      rows.push(timeRow('  floor: memwhy <pod> -o bogus (yargs parses, exit 2, no I/O)', fa));
      rows.push(ratioRow('    ratio / kubectl (median)', fa, k));
      goals.push(
        `API-only diagnosis vs kubectl describe: ${apiRatio.toFixed(2)}× dist/cli.js, ${binRatio.toFixed(2)}× binary (goal ≤ ${GOALS.apiRatio.toFixed(1)}×): ${verdict(apiRatio <= GOALS.apiRatio)} / ${verdict(binRatio <= GOALS.apiRatio)}`,
      );
      notes.push(`- API-only series timed with ${api[0]!.tool}.`);
      // Where memwhy's API-only time goes, from the request log: before the first request, and after the last.
      const firsts: number[] = [];
      const tails: number[] = [];
      for (let i = 0; i < Math.min(o.runs, 10); i++) {
        const before = cluster.requests.length;
        const r = await timeOnce(memwhyApi);
        await settle(cluster);
        const reqs = cluster.requests.slice(before);
        if (reqs.length === 0) throw new Error('memwhy --no-reader made no API request');
        firsts.push(Math.min(...reqs.map((q) => Date.parse(q.time))) - r.startedAt);
        tails.push(r.startedAt + r.ms - Math.max(...reqs.map((q) => Date.parse(q.time) + q.durationMs)));
      }
      const fs = stats(firsts);
      const ts = stats(tails);
      // Right below memwhy's own row.
      rows.splice(
        rows.findIndex((r) => r.measure === 'API-only: memwhy <pod> --no-reader -o text') + 1,
        0,
        {
          measure: '  memwhy: process start → first API request',
          median: ms(fs.median),
          p90: ms(fs.p90),
          n: String(fs.n),
          goal: '',
          result: '',
        },
        {
          measure: '  memwhy: last API response → process exit',
          median: ms(ts.median),
          p90: ms(ts.p90),
          n: String(ts.n),
          goal: '',
          result: '',
        },
      );
      notes.push(
        `- API-only split (${fs.n} more runs timed here, with the request log): process start → first API request, last API response → exit.`,
      );
    }

    // 1b. API only on a busy node: 500 pods and 5,000 node events (issue 12), wall time and peak RSS.
    if (o.only.has('busy')) {
      const size = { pods: 500, events: 5000 };
      console.log(`1b API-only on a node with ${size.pods} pods and ${size.events} events (${o.runs} runs each)…`);
      const busy = await startCluster(busyNode(loadSnapshotState(join(ROOT, EXAMPLE)), POD, size));
      try {
        const bkc = busy.writeKubeconfig(join(work, 'busy.yaml'), { user: 'admin' });
        const { dist, binary: bin, describe } = apiOnlyCommands(bkc, kubectlCache);
        const busyCa = join(work, 'busy-ca.pem');
        writeFileSync(busyCa, busy.caPem);
        const { plainNode } = apiFloorCommands(dist, busy.httpsUrl, busy.token('admin'), busyCa);
        const series = await measure(
          [
            { name: 'memwhy --no-reader (busy node)', argv: dist },
            { name: 'kubectl describe pod (busy node)', argv: describe },
            { name: 'binary --no-reader (busy node)', argv: bin },
            { name: 'floor: plain Node, the same GETs (busy node)', argv: plainNode },
          ],
          o,
          tools.hyperfine,
        );
        const [m, k, b, fn] = statsOf(series, 4);
        rows.push(timeRow(`busy node: memwhy <pod> --no-reader (${size.pods} pods, ${size.events} events)`, m));
        rows.push(timeRow('busy node: kubectl describe pod <pod>', k));
        rows.push(ratioRow('  ratio memwhy / kubectl (median)', m, k, GOALS.apiRatio));
        rows.push(timeRow('busy node: out/kubectl-memwhy <pod> --no-reader', b));
        rows.push(ratioRow('  ratio binary / kubectl (median)', b, k, GOALS.apiRatio));
        rows.push(timeRow('  floor: plain Node https, the same 6 GETs, JSON parsed (bench/api-floor.mjs)', fn));
        rows.push(ratioRow('    ratio / kubectl (median)', fn, k));
        const rss = await rssRows(
          [
            { name: 'memwhy (dist/cli.js)', argv: dist, goalMiB: GOALS.busyRssMiB },
            { name: 'out/kubectl-memwhy', argv: bin, goalMiB: GOALS.busyRssMiB },
            { name: 'kubectl describe pod', argv: describe },
            { name: 'floor: plain Node, the same GETs (bench/api-floor.mjs)', argv: plainNode },
          ],
          Math.min(o.runs, 5),
        );
        rows.push(...rss);
        const ratio = m.median / k.median;
        goals.push(
          `API-only on a busy node (${size.pods} pods, ${size.events} events): ${ratio.toFixed(2)}× kubectl describe pod (goal ≤ ${GOALS.apiRatio.toFixed(1)}×): ${verdict(ratio <= GOALS.apiRatio)}; peak RSS ${rss[0]!.p90} (goal ≤ ${GOALS.busyRssMiB} MiB): ${rss[0]!.result}`,
        );
        notes.push(
          `- Busy node: bench/busy-node.ts fills the example pod's node to ${size.pods} pods (copies of the pod) and ${size.events} Node events; a second test cluster serves it. Timed with ${series[0]!.tool}; peak RSS from ${rssMethod()}, ${Math.min(o.runs, 5)} runs each.`,
        );
      } finally {
        await busy.close();
      }
    }

    // 2. With the reader pod.
    if (o.only.has('reader')) {
      console.log(`2/4 diagnosis with the reader pod (${o.readerRuns} runs + 1 warm-up)…`);
      const { runs, sample } = await readerRuns(cluster, kc, o);
      const wall = stats(runs.map((r) => r.wallMs));
      const reader = stats(runs.map((r) => r.readerMs));
      const createToLog = stats(runs.map((r) => r.createToLogMs));
      const own = stats(runs.map((r) => r.ownMs));
      const ownByLog = stats(runs.map((r) => r.wallMs - r.createToLogMs));
      const reqs = stats(runs.map((r) => r.requests));
      const firstReq = stats(runs.map((r) => r.firstRequestMs));
      const afterLast = stats(runs.map((r) => r.afterLastMs));
      rows.push(timeRow('reader: wall time of memwhy <pod> -o text', wall));
      rows.push(timeRow('  reader pod in the cluster (create → Succeeded)', reader));
      rows.push(timeRow("  memwhy's own time (wall − reader pod)", own, GOALS.ownMs));
      rows.push(timeRow('  same, with create → log read as the pod time', ownByLog));
      rows.push(timeRow('  process start → first API request', firstReq));
      rows.push(timeRow('  last API response → process exit', afterLast));
      rows.push({
        measure: '  API requests per diagnosis',
        median: String(reqs.median),
        p90: String(reqs.p90),
        n: String(reqs.n),
        goal: `≤ ${GOALS.requests} (max)`,
        result: verdict(reqs.max <= GOALS.requests),
      });
      // The same with the binary krew installs, when it is built.
      const binOwn = existsSync(BINARY)
        ? stats((await readerRuns(cluster, kc, o, [BINARY])).runs.map((r) => r.ownMs))
        : null;
      if (binOwn)
        rows.splice(
          rows.findIndex((r) => r.measure === "  memwhy's own time (wall − reader pod)") + 1,
          0,
          timeRow('  out/kubectl-memwhy: its own time (wall − reader pod)', binOwn, GOALS.ownMs),
        );
      goals.push(
        `memwhy's own time beyond the reader pod: ${ms(own.median)} median dist/cli.js${binOwn ? `, ${ms(binOwn.median)} binary` : ''} (goal ≤ ${GOALS.ownMs} ms): ${verdict(own.median <= GOALS.ownMs)}${binOwn ? ` / ${verdict(binOwn.median <= GOALS.ownMs)}` : ''}`,
      );
      goals.push(
        `API requests per diagnosis: ${reqs.max} max (goal ≤ ${GOALS.requests}): ${verdict(reqs.max <= GOALS.requests)}`,
      );
      notes.push(
        `- Reader runs timed here (spawn → exit) after 1 warm-up run. The reader pod's time is from the create request's arrival (request log) to the first moment the cluster's stored pod has phase Succeeded/Failed (sampled every 1 ms in-process); create → log read uses the request log only (it also counts memwhy's reaction to the watch event). Median create → log read: ${ms(createToLog.median)}.`,
      );
      notes.push(`- The API requests of one diagnosis with the reader (${sample.length}):`);
      for (const q of sample) notes.push(`  - \`${describeRequest(q)}\` (${q.durationMs} ms)`);
    }

    // 3. Start-up.
    if (o.only.has('startup')) {
      console.log(`3/4 start-up (${o.runs} runs each)…`);
      const startup = await measure(
        [
          { name: 'out/kubectl-memwhy --help', argv: [BINARY, '--help'] },
          { name: 'kubectl version --client', argv: ['kubectl', 'version', '--client'] },
          { name: 'node dist/cli.js --help', argv: [NODE, CLI, '--help'] },
          { name: 'node -e 0 (the floor)', argv: [NODE, '-e', '0'] },
          { name: 'out/kubectl-memwhy --version', argv: [BINARY, '--version'] },
          { name: 'node dist/cli.js --version', argv: [NODE, CLI, '--version'] },
        ],
        o,
        tools.hyperfine,
      );
      const [bin, kv, dist, floor, binVersion, distVersion] = statsOf(startup, 6);
      const startupRatio = bin.median / kv.median;
      rows.push({
        measure: 'start-up: out/kubectl-memwhy --help',
        median: ms(bin.median),
        p90: ms(bin.p90),
        n: String(bin.n),
        goal: '',
        result: '',
      });
      rows.push({
        measure: 'start-up: kubectl version --client',
        median: ms(kv.median),
        p90: ms(kv.p90),
        n: String(kv.n),
        goal: '',
        result: '',
      });
      rows.push({
        measure: '  ratio binary / kubectl (median)',
        median: `${startupRatio.toFixed(2)}×`,
        p90: `${(bin.p90 / kv.p90).toFixed(2)}×`,
        n: '',
        goal: `≤ ${GOALS.startupRatio.toFixed(1)}×`,
        result: verdict(startupRatio <= GOALS.startupRatio),
      });
      for (const [measure, x] of [
        ['start-up: out/kubectl-memwhy --version', binVersion],
        ['start-up: node dist/cli.js --version', distVersion],
      ] as const) {
        const ratio = x.median / kv.median;
        rows.push({ measure, median: ms(x.median), p90: ms(x.p90), n: String(x.n), goal: '', result: '' });
        rows.push({
          measure: '  ratio / kubectl version --client (median)',
          median: `${ratio.toFixed(2)}×`,
          p90: `${(x.p90 / kv.p90).toFixed(2)}×`,
          n: '',
          goal: `≤ ${GOALS.startupRatio.toFixed(1)}×`,
          result: verdict(ratio <= GOALS.startupRatio),
        });
      }
      const distRatio = dist.median / kv.median;
      rows.push({
        measure: 'start-up: node dist/cli.js --help',
        median: ms(dist.median),
        p90: ms(dist.p90),
        n: String(dist.n),
        goal: '',
        result: '',
      });
      rows.push({
        measure: '  ratio / kubectl version --client (median)',
        median: `${distRatio.toFixed(2)}×`,
        p90: `${(dist.p90 / kv.p90).toFixed(2)}×`,
        n: '',
        goal: `≤ ${GOALS.startupRatio.toFixed(1)}×`,
        result: verdict(distRatio <= GOALS.startupRatio),
      });
      rows.push({
        measure: 'start-up: node -e 0 (pinned node, the floor)',
        median: ms(floor.median),
        p90: ms(floor.p90),
        n: String(floor.n),
        goal: '',
        result: '',
      });
      const from = ['--from', join(ROOT, EXAMPLE), '-o', 'text'];
      const fromRss = await rssRows(
        [
          { name: 'node dist/cli.js --from <example> -o text', argv: [NODE, CLI, ...from], goalMiB: GOALS.fromRssMiB },
          { name: 'out/kubectl-memwhy --from <example> -o text', argv: [BINARY, ...from], goalMiB: GOALS.fromRssMiB },
          { name: 'node -e 0 (the floor)', argv: [NODE, '-e', '0'] },
          {
            name: 'memwhy to its parsed command line (-o bogus, exit 2)',
            argv: [NODE, CLI, '--from', join(ROOT, EXAMPLE), '-o', 'bogus'],
            exit: 2,
          },
        ],
        Math.min(o.runs, 5),
      );
      rows.push(...fromRss);
      goals.push(
        `--from peak RSS: ${fromRss[0]!.p90} dist, ${fromRss[1]!.p90} binary (goal ≤ ${GOALS.fromRssMiB} MiB): ${fromRss[0]!.result} / ${fromRss[1]!.result}`,
      );
      goals.push(
        `start-up, binary --help vs kubectl version --client: ${startupRatio.toFixed(2)}× (goal ≤ ${GOALS.startupRatio.toFixed(1)}×): ${verdict(startupRatio <= GOALS.startupRatio)}`,
      );
      notes.push(
        `- Start-up series timed with ${startup[0]!.tool}. out/kubectl-memwhy is ${(readFileSync(BINARY).length / 2 ** 20).toFixed(0)} MiB; dist/cli.js is ${(readFileSync(CLI).length / 2 ** 20).toFixed(1)} MiB.`,
      );
    }

    // 4. TUI first frame.
    if (!o.only.has('tui')) {
      // not asked for
    } else if (tools.tmux) {
      console.log(`4/4 TUI time to first frame (${o.tuiRuns} runs + 1 warm-up, in tmux)…`);
      const f = await firstFrames(o);
      const first = stats(f.first);
      const low = stats(f.firstLow);
      const ans = stats(f.answer);
      const poll = stats(f.pollMs);
      rows.push({
        measure: 'TUI: process start → first frame',
        median: ms(first.median),
        p90: ms(first.p90),
        n: String(first.n),
        goal: `≤ ${GOALS.firstFrameMs} ms`,
        result: verdict(first.median <= GOALS.firstFrameMs),
      });
      rows.push({
        measure: '  lower bound (previous poll)',
        median: ms(low.median),
        p90: ms(low.p90),
        n: String(low.n),
        goal: '',
        result: '',
      });
      rows.push({
        measure: '  process start → the answer on screen',
        median: ms(ans.median),
        p90: ms(ans.p90),
        n: String(ans.n),
        goal: '',
        result: '',
      });
      goals.push(
        `TUI time to first frame: ${ms(first.median)} median (goal ≤ ${GOALS.firstFrameMs} ms): ${verdict(first.median <= GOALS.firstFrameMs)}`,
      );
      notes.push(
        `- TUI: a new detached 100x30 tmux session runs \`sh\` on \`date +%s%N > t0; exec node_modules/.bin/node dist/cli.js --from ${EXAMPLE} -o tui\`; \`capture-pane -p\` every ~${o.pollGapMs} ms through one tmux control-mode client (\`tmux -C\`, so polling starts no processes; each poll takes ${ms(poll.median)} median); the frame time is the end of the first poll that saw a non-empty screen (an upper bound; the lower bound is the start of the poll before it). 1 warm-up run not counted.`,
      );
    } else {
      rows.push({
        measure: 'TUI: process start → first frame',
        median: '–',
        p90: '–',
        n: '0',
        goal: `≤ ${GOALS.firstFrameMs} ms`,
        result: 'SKIP (no tmux)',
      });
      goals.push('TUI time to first frame: not measured (tmux is not installed)');
    }
  } finally {
    await cluster.close();
    rmSync(work, { recursive: true, force: true });
  }

  const info = await machine(tools);
  const tableText = table(rows);
  console.log(`\n${tableText}\n`);
  for (const g of goals) console.log(g);
  if (o.write) {
    const md = [
      '# Benchmarks',
      '',
      'Written by `npm run bench` (bench/run.ts); measured from outside the process: wall time, the test',
      "cluster's request log and pod states, and the terminal's screen. Test cluster: `test/cluster` serving",
      `\`${EXAMPLE}\` on 127.0.0.1 (HTTPS, bearer token), in the bench's own process.`,
      '',
      '## Machine',
      '',
      ...info,
      '',
      '## Results',
      '',
      tableText,
      '',
      '## Goals',
      '',
      ...goals.map((g) => `- ${g}`),
      '',
      '## How',
      '',
      ...notes,
      '',
    ].join('\n');
    writeFileSync(join(ROOT, 'bench/RESULTS.md'), md);
    console.log('\nwrote bench/RESULTS.md');
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(`bench: error: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
