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
  return process.getuid?.() === 0 ? false : 'the test cluster runs the reader pod with unshare/setpriv, which needs root';
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function terminalEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, LANG: process.env.LANG || 'C.UTF-8' };
  for (const k of ['PS1', 'CI', 'NO_COLOR', 'FORCE_COLOR', 'TMUX', 'TMUX_PANE', 'MEMWHY_DEBUG', 'KUBECONFIG', 'COLUMNS', 'LINES'])
    delete env[k];
  return env;
}

/** One tmux server on its own socket with one pane running sh. */
class Terminal {
  readonly socket = `memwhy-views-${process.pid}`;
  private socketPath = '';
  constructor(
    readonly columns: number,
    readonly rows: number,
  ) {}

  tmux(args: string[]): Promise<string> {
    return new Promise((res, rej) => {
      // Async: the test cluster serves from this very process.
      execFile('tmux', ['-L', this.socket, '-u', '-f', '/dev/null', ...args], { env: terminalEnv(), encoding: 'utf8', timeout: 10_000 }, (err, out, stderr) =>
        err ? rej(new Error(`tmux ${args.join(' ')}: ${err.message} ${stderr}`)) : res(out),
      );
    });
  }

  async start(): Promise<void> {
    await this.tmux(['new-session', '-d', '-s', 'w', '-x', String(this.columns), '-y', String(this.rows), '-c', ROOT, '--', 'sh']);
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

  test('120x30: -A list → Enter → the pod drill-down → Esc → the list → n → node → q; no reader pod left', { timeout: 90_000 }, async () => {
    const t = new Terminal(120, 30);
    try {
      await t.start();
      await t.type(`${NODE} dist/cli.js -A --kubeconfig ${kc}; echo "__EXIT__=$?"`);
      const list = await t.waitFor((s) => /^ memwhy {2}Overview/.test(s) && s.includes('oom-container'), 'the list');
      console.log(list);
      assert.equal(readerPods(cluster).length, 0, 'no reader pod while the list is shown');
    } finally {
      await t.kill();
    }
  });
});
