// End to end in a real terminal: the BUILT CLI's overview list (`memwhy -A`) inside tmux, against the in-repo
// test cluster (whose kubelet really runs the reader pod): the list → Enter → the pod's drill-down (the reader
// pod starts only then) → Esc → the list, on the same row → n → the node screen → q. The screen is read as a
// user reads it (`tmux capture-pane -p`), keys are typed with `tmux send-keys`.
//
//   node_modules/.bin/node --test --import tsx test/e2e/views-tui.test.ts
//
// Needs tmux, a built dist/cli.js (npm run build) and root for the cluster's reader pod.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSnapshotState, startCluster, type Cluster, type Obj } from '../cluster/index.js';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const NODE = join(ROOT, 'node_modules/.bin/node');
const CLI = join(ROOT, 'dist/cli.js');
const EXIT_RE = /__EXIT__=(\d+)/;

function skipReason(): string | false {
  try {
    execFileSync('tmux', ['-V'], { stdio: 'pipe' });
  } catch {
    return 'tmux is not installed (apt-get install tmux)';
  }
  if (!existsSync(CLI)) return 'dist/cli.js is not built (npm run build)';
  if (!existsSync(NODE)) return 'the pinned node_modules/.bin/node is missing (npm ci)';
  return process.getuid?.() === 0
    ? false
    : 'the test cluster runs the reader pod with unshare/setpriv, which needs root';
}

let servers = 0;
const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function terminalEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, LANG: process.env.LANG || 'C.UTF-8' };
  for (const k of [
    'PS1',
    'CI',
    'NO_COLOR',
    'FORCE_COLOR',
    'TMUX',
    'TMUX_PANE',
    'MEMWHY_DEBUG',
    'KUBECONFIG',
    'COLUMNS',
    'LINES',
  ])
    delete env[k];
  return env;
}

/** One tmux server on its own socket with one pane running sh. */
class Terminal {
  readonly socket = `memwhy-views-${process.pid}-${++servers}`;
  private socketPath = '';
  constructor(
    readonly columns: number,
    readonly rows: number,
  ) {}

  tmux(args: string[]): Promise<string> {
    return new Promise((res, rej) => {
      // Async: the test cluster serves from this very process.
      execFile(
        'tmux',
        ['-L', this.socket, '-u', '-f', '/dev/null', ...args],
        { env: terminalEnv(), encoding: 'utf8', timeout: 10_000 },
        (err, out, stderr) => (err ? rej(new Error(`tmux ${args.join(' ')}: ${err.message} ${stderr}`)) : res(out)),
      );
    });
  }

  async start(): Promise<void> {
    await this.tmux([
      'new-session',
      '-d',
      '-s',
      'w',
      '-x',
      String(this.columns),
      '-y',
      String(this.rows),
      '-c',
      ROOT,
      '--',
      'sh',
    ]);
    this.socketPath = (await this.tmux(['display-message', '-p', '-t', 'w', '#{socket_path}'])).trim();
    await this.tmux(['set-option', '-t', 'w', 'status', 'off']);
    await this.waitFor((s) => s.trim() !== '', 'the first shell prompt');
  }

  async type(line: string): Promise<void> {
    await this.tmux(['send-keys', '-t', 'w', '-l', line]);
    await this.tmux(['send-keys', '-t', 'w', 'Enter']);
  }

  async keys(...keys: string[]): Promise<void> {
    for (const k of keys) await this.tmux(['send-keys', '-t', 'w', k]);
  }

  screen(): Promise<string> {
    return this.tmux(['capture-pane', '-p', '-t', 'w']);
  }

  async waitFor(pred: (screen: string) => boolean, what: string, timeoutMs = 20_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    while (Date.now() < deadline) {
      last = await this.screen();
      if (pred(last)) return last;
      await sleep(20);
    }
    throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; the screen was:\n${last}`);
  }

  async kill(): Promise<void> {
    await this.tmux(['kill-server']).catch(() => undefined);
    if (this.socketPath) rmSync(this.socketPath, { force: true });
  }
}

const header = (screen: string) => (screen.split('\n')[0] ?? '').trimEnd();
const selected = (screen: string) => screen.split('\n').find((l) => /^ ?› /.test(l)) ?? '';
const readerPods = (cluster: Cluster): Obj[] =>
  cluster.state.pods.filter((p) => p.metadata?.labels?.['app.kubernetes.io/managed-by'] === 'kubectl-memwhy');

describe('the overview list in a real terminal (tmux), against the test cluster', { skip: skipReason() }, () => {
  let cluster: Cluster;
  let dir: string;
  let kc: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'memwhy-e2e-views-'));
    cluster = await startCluster(loadSnapshotState(join(ROOT, 'examples/oomkilled-container')));
    kc = cluster.writeKubeconfig(join(dir, 'kubeconfig.yaml'), { user: 'admin' });
  });

  after(async () => {
    await cluster?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test(
    '120x30: -A list → Enter → the pod drill-down → Esc → the list → n → node → q; no reader pod left',
    { timeout: 90_000 },
    async () => {
      const t = new Terminal(120, 30);
      try {
        await t.start();
        await t.type(`${NODE} dist/cli.js -A --kubeconfig ${kc}; echo "__EXIT__=$?"`);
        const list = await t.waitFor((s) => /^ memwhy {2}Overview/.test(s) && s.includes('oom-container'), 'the list');
        assert.match(header(list), /^ memwhy {2}Overview +1\/1$/);
        assert.match(list, /^ {3}NAMESPACE +NAME +NODE +QOS +WSET +REQUEST +LIMIT +%LIMIT +RESTARTS +RISK +WHY$/m);
        // The pod's request and limit are the sums of its containers' (32 + 16 Mi, 64 + 32 Mi); one OOM kill.
        assert.match(
          selected(list),
          /^ › default +oom-container +lab-node-1 +Burstable +\? +48\.0Mi +96\.0Mi +\? +1 +OOM-KILLED /,
        );
        assert.match(list, /^ 1 row, 1 at risk$/m);
        assert.equal(readerPods(cluster).length, 0, 'no reader pod while the list is shown');
        const readsBefore = cluster.requests.length;

        // Enter: the drill-down; the reader pod runs only now, and its numbers are on the screen.
        await t.keys('Enter');
        const pod = await t.waitFor(
          (s) => s.includes('OOM-killed by its own memory limit'),
          'the pod drill-down',
          60_000,
        );
        assert.match(header(pod), /^ memwhy {2}default\/oom-container {2}› {2}Summary$/);
        assert.match(pod, /^ {2}Pod default\/oom-container {2}Burstable · node lab-node-1 · Running · cgroup v1/m);
        assert.match(pod, /^› app {11}32\.0Mi {3}64\.0Mi {4}256Ki\b/m);
        assert.ok(
          cluster.requests.slice(readsBefore).some((r) => r.method === 'POST' && /\/pods$/.test(r.path)),
          'the reader pod was created after Enter',
        );

        // Esc: back to the list, the row still selected, the list not read again.
        const podsListed = cluster.requests.filter((r) => r.method === 'GET' && r.path === '/api/v1/pods').length;
        await t.keys('Escape');
        const back = await t.waitFor((s) => /^ memwhy {2}Overview/.test(s), 'the list again');
        assert.match(selected(back), /^ › default +oom-container +lab-node-1 /);
        assert.equal(
          cluster.requests.filter((r) => r.method === 'GET' && r.path === '/api/v1/pods').length,
          podsListed,
        );

        // n: the pod's node; its figures and the eviction order.
        await t.keys('n');
        const node = await t.waitFor(
          (s) => /Overview › node\/lab-node-1/.test(header(s)) && s.includes('capacity'),
          'the node screen',
        );
        assert.match(node, /^ {3}capacity {21}\S+/m);
        assert.match(node, /^ › +1 +default\/oom-container +/m);
        await t.keys('Escape');
        await t.waitFor((s) => /^ memwhy {2}Overview +1\/1$/.test(header(s)), 'the list after the node');

        await t.keys('q');
        const end = await t.waitFor((s) => EXIT_RE.test(s), 'memwhy to exit');
        assert.equal(Number(EXIT_RE.exec(end)![1]), 0);
        // The reader pod is deleted by the time the drill-down is shown; nothing is left behind.
        await sleep(200);
        assert.deepEqual(
          readerPods(cluster).map((p) => p.metadata?.name),
          [],
        );
      } finally {
        await t.kill();
      }
    },
  );

  test(
    'node/<name> opens on the node screen; Enter on the pod it evicts first → its drill-down → Esc → q',
    { timeout: 90_000 },
    async () => {
      const t = new Terminal(120, 30);
      try {
        await t.start();
        await t.type(`${NODE} dist/cli.js node/lab-node-1 --kubeconfig ${kc}; echo "__EXIT__=$?"`);
        // The screen draws in more than one write: wait for the eviction order's first row, not the first line.
        const node = await t.waitFor(
          (s) => /default\/oom-container/.test(s) && s.includes('capacity'),
          'the node screen',
        );
        assert.match(header(node), /^ memwhy {2}node\/lab-node-1 +#1\/1$/);
        assert.match(node, /^ {3}capacity {21}23\.5Gi \(24105Mi\)$/m);
        assert.match(node, /^ {3}= allocatable {16}23\.4Gi \(24005Mi\)/m);
        assert.match(node, /^ › +1 +default\/oom-container +\? +48\.0Mi +\? +0 +/m);
        await t.keys('Enter');
        await t.waitFor((s) => s.includes('OOM-killed by its own memory limit'), 'the pod drill-down', 60_000);
        await t.keys('Escape');
        await t.waitFor((s) => /^ memwhy {2}node\/lab-node-1 +#1\/1$/.test(header(s)), 'the node screen again');
        await t.keys('q');
        const end = await t.waitFor((s) => EXIT_RE.test(s), 'memwhy to exit');
        assert.equal(Number(EXIT_RE.exec(end)![1]), 0);
        await sleep(200);
        assert.deepEqual(
          readerPods(cluster).map((p) => p.metadata?.name),
          [],
        );
      } finally {
        await t.kill();
      }
    },
  );
});
