// End to end in a real terminal: the BUILT CLI (dist/cli.js on the pinned Node) runs inside tmux, against the
// in-repo test cluster (whose kubelet really runs the reader pod on this machine). The test reads the screen
// the way a user does (`tmux capture-pane -p`) and types the keys a user types (`tmux send-keys`).
//
//   node_modules/.bin/node --test --import tsx test/e2e/tmux.test.ts
//
// Needs tmux (skipped with the reason when missing), a built dist/cli.js (npm run build) and root for the
// cluster's reader pod (unshare/setpriv). Every tmux server has its own socket (-L memwhy-test-<pid>-<n>)
// and is killed in `finally`; the cluster is closed in `after`. Tests: the full drill-down at 100x30 with
// the reader pod; Ctrl-C while gathering at 80x24; every screen of --from examples/cache-driven at 80x24.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadSnapshotState, startCluster, type Cluster, type Obj } from '../cluster/index.js';
import { KEY_MAP } from '../../src/tui/use-keys.js';

const ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const NODE = join(ROOT, 'node_modules/.bin/node');
const CLI = join(ROOT, 'dist/cli.js');
const MANAGED_BY_KEY = 'app.kubernetes.io/managed-by';
const MANAGED_BY_VALUE = 'kubectl-memwhy';
const PROMPT = 'memwhy-e2e$ ';
const EXIT_RE = /__EXIT__=(\d+)/;
/** The shell line that runs memwhy and then prints its exit code where the test can read it. */
const commandLine = (args: string) => `${NODE} dist/cli.js ${args}; echo "__EXIT__=$?"`;

function tmuxMissing(): string | false {
  try {
    execFileSync('tmux', ['-V'], { stdio: 'pipe' });
    return false;
  } catch {
    return 'tmux is not installed (apt-get install tmux)';
  }
}

const skipTmux = tmuxMissing();
const skipDist = existsSync(CLI) ? false : 'dist/cli.js is not built (npm run build)';
const skipNode = existsSync(NODE) ? false : 'the pinned node_modules/.bin/node is missing (npm ci)';
const skipRoot =
  process.getuid?.() === 0 ? false : 'the test cluster runs the reader pod with unshare/setpriv, which needs root';
const skipAll = skipTmux || skipDist || skipNode;
const skipCluster = skipAll || skipRoot;

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The terminal's environment: no CI (it would turn `-o auto` into text), no NO_COLOR, not nested in a tmux. */
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

let serverCount = 0;

/** One tmux server on its own socket, one session (`w`) with one pane running a plain sh. */
class Terminal {
  readonly socket = `memwhy-test-${process.pid}-${++serverCount}`;
  readonly target = 'w';
  /** Every distinct screen seen while polling, in order (for failure messages and "first frame" checks). */
  readonly seen: string[] = [];
  private socketPath = '';

  constructor(
    readonly columns: number,
    readonly rows: number,
  ) {}

  tmux(args: string[]): Promise<string> {
    return new Promise((res, rej) => {
      // Async: the test cluster serves from this very process, so the event loop must keep turning.
      execFile(
        'tmux',
        ['-L', this.socket, '-u', '-f', '/dev/null', ...args],
        { env: terminalEnv(), encoding: 'utf8', timeout: 10_000 },
        (err, stdout, stderr) =>
          err ? rej(new Error(`tmux ${args.join(' ')}: ${err.message} ${stderr}`)) : res(stdout),
      );
    });
  }

  async start(): Promise<void> {
    await this.tmux([
      'new-session',
      '-d',
      '-s',
      this.target,
      '-x',
      String(this.columns),
      '-y',
      String(this.rows),
      '-c',
      ROOT,
      '--',
      'sh',
    ]);
    this.socketPath = (await this.tmux(['display-message', '-p', '-t', this.target, '#{socket_path}'])).trim();
    await this.tmux(['set-option', '-t', this.target, 'status', 'off']);
    // dash takes no PS1 from the environment when run as root: set it, then wait for it.
    await this.waitFor((s) => s.trim() !== '', 'the first shell prompt');
    await this.type(`PS1='${PROMPT}'`);
    await this.waitFor((s) => s.trimEnd().endsWith(PROMPT.trimEnd()), 'the shell prompt');
  }

  /** Runs a shell line in the pane. */
  async type(line: string): Promise<void> {
    await this.tmux(['send-keys', '-t', this.target, '-l', line]);
    await this.tmux(['send-keys', '-t', this.target, 'Enter']);
  }

  /** tmux key names, one send-keys each: Down, Enter, Escape, Tab, BTab, C-c. */
  async keys(...keys: string[]): Promise<void> {
    for (const k of keys) await this.tmux(['send-keys', '-t', this.target, k]);
  }

  async literal(text: string): Promise<void> {
    await this.tmux(['send-keys', '-t', this.target, '-l', text]);
  }

  /** The visible screen, one string; `join`: lines the terminal wrapped are joined (trailing spaces kept). */
  async screen(join = false): Promise<string> {
    const s = await this.tmux(['capture-pane', '-p', ...(join ? ['-J'] : []), '-t', this.target]);
    if (!join && this.seen[this.seen.length - 1] !== s) this.seen.push(s);
    return s;
  }

  async alternateScreen(): Promise<boolean> {
    return (await this.tmux(['display-message', '-p', '-t', this.target, '#{alternate_on}'])).trim() === '1';
  }

  /** Polls the screen every few ms until `pred` holds; fails with the last screen after `timeoutMs`. */
  async waitFor(pred: (screen: string) => boolean, what: string, timeoutMs = 15_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    let last = '';
    for (let i = 0; i < 5000 && Date.now() < deadline; i++) {
      last = await this.screen();
      if (pred(last)) return last;
      await sleep(10);
    }
    throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; the screen was:\n${last}`);
  }

  /** Waits for the shell's line `__EXIT__=<code>`; returns the code. */
  async exitCode(timeoutMs = 15_000): Promise<number> {
    const s = await this.waitFor((x) => EXIT_RE.test(x), 'memwhy to exit', timeoutMs);
    return Number(EXIT_RE.exec(s)![1]);
  }

  async kill(): Promise<void> {
    await this.tmux(['kill-server']).catch(() => undefined);
    // tmux 3.3 leaves the socket file behind.
    if (this.socketPath) rmSync(this.socketPath, { force: true });
  }
}

const lines = (screen: string) => screen.split('\n');
const header = (screen: string) => (lines(screen)[0] ?? '').trimEnd();

/** The current TUI screen's title, from the header's breadcrumbs: "Summary › Chain · app 1/2". */
function crumbs(screen: string): string {
  const h = header(screen);
  const i = h.indexOf('›  ');
  return i < 0
    ? ''
    : h
        .slice(i + 3)
        .replace(/\s{2,}\S.*$/, '')
        .trim();
}

/** Every line of the frame fits the terminal: nothing wrapped, header on the first row, footer on the last. */
async function assertFits(t: Terminal, where: string): Promise<void> {
  const plain = lines(await t.screen());
  const joined = lines(await t.screen(true));
  assert.equal(joined.length, plain.length, `${where}: a line was wrapped by the terminal:\n${plain.join('\n')}`);
  for (const [i, l] of joined.entries()) {
    const width = [...l.trimEnd()].length;
    assert.ok(
      width <= t.columns,
      `${where}: line ${i + 1} is ${width} columns wide (> ${t.columns}): ${JSON.stringify(l)}`,
    );
  }
  const visible = plain.slice(0, t.rows);
  assert.match(visible[0] ?? '', /^ memwhy /, `${where}: the header is not on the first row:\n${plain.join('\n')}`);
  assert.match(
    visible[t.rows - 1] ?? '',
    /q quit/,
    `${where}: the footer is not on the last row:\n${plain.join('\n')}`,
  );
}

/** Lines of a screen matching a pattern (for readable failures). */
function assertLine(screen: string, re: RegExp, what: string): void {
  assert.ok(
    lines(screen).some((l) => re.test(l)),
    `${what}: no line matches ${re}; the screen was:\n${screen}`,
  );
}

const readerPods = (cluster: Cluster): Obj[] =>
  cluster.state.pods.filter((p) => p.metadata?.labels?.[MANAGED_BY_KEY] === MANAGED_BY_VALUE);

describe('the TUI in a real terminal (tmux), against the test cluster', { skip: skipCluster }, () => {
  let cluster: Cluster;
  let dir: string;
  let kc: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'memwhy-e2e-'));
    cluster = await startCluster(loadSnapshotState(join(ROOT, 'examples/oomkilled-container')));
    kc = cluster.writeKubeconfig(join(dir, 'kubeconfig.yaml'), { user: 'admin' });
  });

  after(async () => {
    await cluster?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  test(
    '100x30: gathering, the answer, a full drill-down, help, q: exit 0, terminal restored, no reader pod left',
    { timeout: 60_000 },
    async () => {
      const t = new Terminal(100, 30);
      const before = cluster.requests.length;
      try {
        await t.start();
        await t.type(commandLine(`oom-container -n default --kubeconfig ${kc}`));

        // The first frame: progress while the reader pod runs.
        await t.waitFor((s) => s.includes('gathering…'), 'the first frame (gathering…)');
        const summary = await t.waitFor((s) => s.includes('OOM-killed by its own memory limit'), 'the answer');
        assert.ok(
          t.seen.some((s) => /gathering…/.test(s) && /^\s+(… |✔ )/m.test(s)),
          `a progress line was shown while gathering; screens seen:\n${t.seen.join('\n-----\n')}`,
        );
        assert.equal(await t.alternateScreen(), true, 'the TUI draws on the alternate screen');
        assert.match(header(summary), /^ memwhy {2}default\/oom-container {2}› {2}Summary$/);
        assertLine(
          summary,
          /^ {2}Pod default\/oom-container {2}Burstable · node lab-node-1 · Running · cgroup v1/,
          'pod line (cgroup v1: the reader pod read the node)',
        );
        assertLine(summary, /^ {2}✖ Container app was OOM-killed by its own memory limit of 64\.0Mi\b/, 'main verdict');
        assertLine(
          summary,
          /^› app {11}32\.0Mi {3}64\.0Mi {4}256Ki\b.*running, 1 restart, last: OOMKi/,
          'container row app (cursor on it)',
        );
        assertLine(summary, /^ {2}sidecar {7}16\.0Mi {3}32\.0Mi {4}256Ki\b.*running/, 'container row sidecar');
        assertLine(summary, /pod request 48\.0Mi .*pod limit 96\.0Mi/, 'pod totals');
        await assertFits(t, 'summary');

        // Down (sidecar), k (back up to app), Enter on the container row: the chain of container app.
        await t.keys('Down');
        await t.waitFor((s) => /^› sidecar /m.test(s), 'the cursor on sidecar');
        await t.literal('k');
        await t.waitFor((s) => /^› app /m.test(s), 'the cursor back on app');
        await t.keys('Enter');
        const chain = await t.waitFor((s) => crumbs(s).startsWith('Summary › Chain'), 'the chain screen');
        assert.match(crumbs(chain), /^Summary › Chain · app 1\/2$/);
        assertLine(chain, /^ {2}Container app {2}running, 1 restart, last: OOMKilled exit 137/, 'chain title');
        assertLine(chain, /^ {2}requests {8}32\.0Mi {2}spec {9}resources\.requests\.memory/, 'chain: request');
        assertLine(chain, /^ {2}limits {10}64\.0Mi {2}spec {9}resources\.limits\.memory/, 'chain: limit');
        assertLine(chain, /^ {2}usage {12}256Ki {2}cgroup file {2}memory\.usage_in_bytes/, 'chain: usage');
        assertLine(
          chain,
          /^ {2}working set {6}256Ki {2}kubelet rule memory\.usage_in_bytes − memory\.stat total_inactive_file/,
          'chain: working set',
        );
        assertLine(
          chain,
          /^ {2}breakdown .*anon 112Ki · file 0 · shmem 0 · kernel 64\.0Ki · other 80\.0Ki/,
          'chain: breakdown line',
        );
        await assertFits(t, 'chain');
        // Tab: the next container's chain; Shift-Tab: back to app.
        await t.keys('Tab');
        const sidecar = await t.waitFor((s) => crumbs(s) === 'Summary › Chain · sidecar 2/2', 'the chain of sidecar');
        assertLine(sidecar, /^ {2}limits {10}32\.0Mi /, 'chain of sidecar: limit');
        await t.keys('BTab');
        await t.waitFor((s) => crumbs(s) === 'Summary › Chain · app 1/2', 'the chain of app again');

        // Esc: back to the summary, cursor still on app.
        await t.keys('Escape');
        await t.waitFor((s) => crumbs(s) === 'Summary' && /^› app /m.test(s), 'the summary again');

        // Down ×3 (sidecar, Chain, Breakdown), Enter: the breakdown.
        await t.keys('Down', 'Down', 'Down');
        await t.waitFor((s) => /^› Breakdown /m.test(s), 'the cursor on Breakdown');
        await t.keys('Enter');
        const breakdown = await t.waitFor((s) => crumbs(s).startsWith('Summary › Breakdown'), 'the breakdown screen');
        assert.match(crumbs(breakdown), /^Summary › Breakdown · app 1\/2$/);
        assertLine(
          breakdown,
          /^ {2}Container app {2}usage 256Ki = anon \+ file \+ shmem \+ kernel \+ other/,
          'breakdown title',
        );
        assertLine(breakdown, /CATEGORY +BYTES +% USAGE +IN WSET +RECLAIMABLE/, 'breakdown table header');
        for (const [cat, bytes, pct] of [
          ['█ anon', '112Ki', '44%'],
          ['▓ file active', '0', '0%'],
          ['░ file inactive', '0', '0%'],
          ['▒ shmem', '0', '0%'],
          ['■ kernel', '64.0Ki', '25%'],
          ['· other', '80.0Ki', '31%'],
        ] as const) {
          assertLine(
            breakdown,
            new RegExp(`^.{2}${cat.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} +${bytes.replace('.', '\\.')} +${pct} `),
            `breakdown: ${cat}`,
          );
        }
        await assertFits(t, 'breakdown');

        // Esc, Down (Tools), Enter: what the other tools show.
        await t.keys('Escape');
        await t.waitFor((s) => crumbs(s) === 'Summary' && /^› Breakdown /m.test(s), 'the summary, cursor on Breakdown');
        await t.keys('Down');
        await t.waitFor((s) => /^› Tools /m.test(s), 'the cursor on Tools');
        await t.keys('Enter');
        const tools = await t.waitFor((s) => crumbs(s).startsWith('Summary › Tools'), 'the tools screen');
        assertLine(
          tools,
          /kubectl top reports the kubelet's working set: usage 256Ki − inactive_file 0 = 256Ki/,
          'tools: why',
        );
        assertLine(tools, /^ {2}kubectl top {9}256Ki {2}usage − inactive_file = 256Ki − 0/, 'tools: kubectl top');
        assertLine(
          tools,
          /^ {2}docker stats {8}256Ki {2}docker ≥ 20\.10: usage − inactive_file = 256Ki − 0/,
          'tools: docker stats',
        );
        assertLine(tools, /^ {2}docker ≤ 19\.03 {6}256Ki {2}usage − cache = 256Ki − 0/, 'tools: docker ≤ 19.03');
        assertLine(tools, /^ {2}kubelet rss {9}112Ki /, 'tools: kubelet rss');
        assertLine(
          tools,
          /kubectl top pod shows the sum of the containers' working sets: 512Ki/,
          'tools: kubectl top pod',
        );
        await assertFits(t, 'tools');

        // Esc, Down (Verdicts), Enter, Enter: the OOMKilled verdict with its level and evidence.
        await t.keys('Escape');
        await t.waitFor((s) => crumbs(s) === 'Summary' && /^› Tools /m.test(s), 'the summary, cursor on Tools');
        await t.keys('Down');
        await t.waitFor((s) => /^› Verdicts \(1\) /m.test(s), 'the cursor on Verdicts');
        await t.keys('Enter');
        const verdicts = await t.waitFor((s) => crumbs(s) === 'Summary › Verdicts', 'the verdicts list');
        assertLine(verdicts, /^› ✖ OOMKilled \(container\) · app {2}critical$/, 'verdicts: the OOMKilled row');
        await t.keys('Enter');
        const verdict = await t.waitFor(
          (s) => crumbs(s).startsWith('Summary › Verdicts › Verdict'),
          'the verdict screen',
        );
        assert.match(crumbs(verdict), /· OOMKilled$/);
        assertLine(verdict, /^ {2}Which limit fired {2}level: container$/, 'verdict: level');
        assertLine(
          verdict,
          /^ {2}▶ container {5}64\.0Mi {2}app's memory\.max {2}◀ fired$/,
          'verdict: the limit that fired',
        );
        assertLine(verdict, /^ {4}pod {11}96\.0Mi /, 'verdict: the pod level');
        assertLine(verdict, /^ {2}Evidence chain$/, 'verdict: evidence heading');
        assertLine(
          verdict,
          /^ {2}1\. The runtime reported reason OOMKilled with exit code 137/,
          'verdict: first evidence',
        );
        assertLine(
          verdict,
          /\[pod\.status\.containerStatuses\[app\]\.lastState\.terminated\]/,
          'verdict: evidence source',
        );
        assertLine(verdict, /^ {2}Next steps$/, 'verdict: next steps');
        await assertFits(t, 'verdict');

        // ?: help, with every key.
        await t.literal('?');
        const help = await t.waitFor((s) => crumbs(s).endsWith('› Help'), 'the help overlay');
        assertLine(help, /^ {2}Keys$/, 'help: keys heading');
        for (const k of KEY_MAP)
          assertLine(
            help,
            new RegExp(
              `^ {2}${k.keys.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} +${k.text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`,
            ),
            `help: ${k.keys}`,
          );
        for (const k of ['↑ ↓  j k', 'Enter  →', 'Esc  ←  Backspace', 'Tab  Shift-Tab', '?', 'q  Ctrl-C'])
          assert.ok(
            KEY_MAP.some((m) => m.keys === k),
            `the key map lists ${k}`,
          );
        await assertFits(t, 'help');

        // q: leaves at once, exit 0, the shell is back on the normal screen.
        await t.literal('q');
        assert.equal(await t.exitCode(), 0);
        const after = await t.waitFor(
          (s) => EXIT_RE.test(s) && s.trimEnd().endsWith(PROMPT.trimEnd()),
          'the shell prompt after memwhy',
        );
        assert.equal(await t.alternateScreen(), false, 'the alternate screen was left');
        assert.ok(!after.includes('OOM-killed'), `the TUI's frame is not left on the normal screen:\n${after}`);

        // The reader pod ran (created, its log read) and is gone.
        const mine = cluster.requests.slice(before);
        assert.ok(
          mine.some((r) => r.verb === 'create' && r.resource === 'pods' && r.status === 201),
          'a reader pod was created',
        );
        assert.ok(
          mine.some((r) => r.resource === 'pods' && r.subresource === 'log' && r.status === 200),
          "the reader pod's log was read",
        );
        assert.ok(
          mine.some((r) => r.verb === 'delete' && r.resource === 'pods' && r.status === 200),
          'the reader pod was deleted',
        );
        assert.deepEqual(
          readerPods(cluster).map((p) => p.metadata?.name),
          [],
          'no reader pod left in the cluster',
        );
      } finally {
        await t.kill();
      }
    },
  );

  test('80x24: Ctrl-C while gathering exits 130 and leaves no reader pod', { timeout: 60_000 }, async () => {
    const t = new Terminal(80, 24);
    // Hold the reader pod's watch for a while, so Ctrl-C surely lands while the reader pod exists.
    const removeFault = cluster.fault(
      { method: 'GET', verb: 'watch', resource: 'pods' },
      { latencyMs: 4000, times: 1 },
    );
    try {
      await t.start();
      await t.type(commandLine(`oom-container -n default --kubeconfig ${kc}`));
      await t.waitFor(
        (s) => s.includes('gathering…') && s.includes('starting reader pod'),
        'gathering, reader pod starting',
      );
      const deadline = Date.now() + 10_000;
      while (readerPods(cluster).length === 0 && Date.now() < deadline) await sleep(10);
      assert.equal(readerPods(cluster).length, 1, 'the reader pod exists when Ctrl-C is pressed');
      const gathering = await t.screen();
      assert.ok(
        gathering.includes('gathering…') && !gathering.includes('OOM-killed'),
        `still gathering:\n${gathering}`,
      );

      await t.keys('C-c');
      assert.equal(await t.exitCode(), 130);
      await t.waitFor((s) => s.trimEnd().endsWith(PROMPT.trimEnd()), 'the shell prompt after memwhy');
      assert.equal(await t.alternateScreen(), false, 'the alternate screen was left');
      assert.deepEqual(
        readerPods(cluster).map((p) => p.metadata?.name),
        [],
        'no reader pod left in the cluster',
      );
    } finally {
      removeFault();
      await t.kill();
    }
  });
});

describe(
  'the TUI in a real terminal (tmux): a closed terminal (SIGHUP) cleans up the 300 s watch reader',
  { skip: skipCluster },
  () => {
    test(
      'w starts the live watch, then tmux kill-session: the watch reader pod is deleted',
      { timeout: 60_000 },
      async () => {
        const dir = mkdtempSync(join(tmpdir(), 'memwhy-e2e-hup-'));
        const cluster = await startCluster(loadSnapshotState(join(ROOT, 'examples/oomkilled-container')));
        const t = new Terminal(100, 30);
        try {
          const kc = cluster.writeKubeconfig(join(dir, 'kubeconfig.yaml'), { user: 'admin' });
          await t.start();
          await t.type(commandLine(`oom-container -n default --kubeconfig ${kc}`));
          await t.waitFor((s) => s.includes('OOM-killed by its own memory limit'), 'the answer');
          const deadline = Date.now() + 10_000;
          while (readerPods(cluster).length > 0 && Date.now() < deadline) await sleep(10);
          await t.literal('w');
          const started = Date.now() + 15_000;
          while (readerPods(cluster).length === 0 && Date.now() < started) await sleep(20);
          assert.equal(readerPods(cluster).length, 1, 'the watch reader pod runs');
          assert.equal(readerPods(cluster)[0]?.spec?.activeDeadlineSeconds, 300);
          // The terminal goes away, as with a dropped SSH session: memwhy gets SIGHUP.
          await t.tmux(['kill-session', '-t', t.target]);
          const gone = Date.now() + 6_000;
          while (readerPods(cluster).length > 0 && Date.now() < gone) await sleep(20);
          assert.deepEqual(
            readerPods(cluster).map((p) => p.metadata?.name),
            [],
            'no reader pod left after the terminal closed',
          );
        } finally {
          await t.kill();
          await cluster.close();
          rmSync(dir, { recursive: true, force: true });
        }
      },
    );
  },
);

describe('the TUI in a real terminal (tmux), from a snapshot', { skip: skipAll }, () => {
  test(
    '80x24, --from examples/cache-driven: every line of every screen fits; q exits 0',
    { timeout: 60_000 },
    async () => {
      const t = new Terminal(80, 24);
      try {
        await t.start();
        await t.type(commandLine('--from examples/cache-driven'));
        const summary = await t.waitFor((s) => crumbs(s) === 'Summary', 'the answer');
        assertLine(summary, /100% of container app's working set \(100Mi\) is active page cache/, 'main verdict');
        assertLine(summary, /^› app {11}64\.0Mi {4}256Mi {4}100Mi\b/, 'container row');
        await assertFits(t, 'summary');

        // Enter: chain; scroll it to the end; Enter: breakdown (the chain's last row).
        await t.keys('Enter');
        await t.waitFor((s) => crumbs(s).startsWith('Summary › Chain'), 'the chain');
        await assertFits(t, 'chain');
        await t.keys('End');
        await t.waitFor((s) => /\d+–(\d+)\/\1\s*$/.test(header(s)), 'the chain scrolled to its end');
        await assertFits(t, 'chain, end');
        await t.keys('Enter');
        const breakdown = await t.waitFor((s) => crumbs(s).startsWith('Summary › Chain › Breakdown'), 'the breakdown');
        assertLine(breakdown, /▓ file active +100Mi /, 'breakdown: active page cache');
        await assertFits(t, 'breakdown');
        await t.keys('Down', 'Down', 'Down');
        await sleep(100);
        await assertFits(t, 'breakdown, row 4');

        // Back twice, then every menu screen in turn.
        // One Esc at a time: two ESC bytes in one read are one key to Ink (meta+Esc).
        await t.keys('Escape');
        await t.waitFor((s) => /^Summary › Chain · app$/.test(crumbs(s)), 'the chain again');
        await t.keys('Escape');
        await t.waitFor((s) => crumbs(s) === 'Summary', 'the summary');
        const menu = ['Chain', 'Breakdown', 'Tools', 'Verdicts', 'Node', 'Events', 'Help'];
        for (const [i, item] of menu.entries()) {
          await t.keys('Down');
          await t.waitFor((s) => new RegExp(`^› ${item}\\b`, 'm').test(s), `the cursor on ${item} (${i + 1})`);
          await t.keys('Enter');
          const s = await t.waitFor((x) => crumbs(x) !== 'Summary', `the ${item} screen`);
          assert.match(crumbs(s), new RegExp(`^Summary › ${item}\\b`));
          await assertFits(t, item);
          if (item === 'Tools') {
            assertLine(s, /docker stats 17\.06–19\.03 shows 432Ki/, 'tools: docker ≤ 19.03 leaves out the page cache');
            await t.keys('End');
            const end = await t.waitFor((x) => /\d+–(\d+)\/\1\s*$/.test(header(x)), 'tools scrolled to its end');
            assertLine(end, /^ {2}docker ≤ 19\.03 +432Ki /, 'tools: the docker ≤ 19.03 row');
            await assertFits(t, 'tools, end');
          }
          if (item === 'Verdicts') {
            await t.keys('Enter');
            const v = await t.waitFor((x) => crumbs(x).startsWith('Summary › Verdicts › Verdict'), 'the verdict');
            assertLine(v, /CacheDriven/, 'verdict: CacheDriven');
            await assertFits(t, 'verdict');
            await t.keys('End');
            await sleep(100);
            await assertFits(t, 'verdict, end');
            await t.keys('Escape');
            await t.waitFor((x) => crumbs(x) === 'Summary › Verdicts', 'the verdicts list');
          }
          if (item === 'Help') {
            await t.keys('End');
            await t.waitFor((x) => /\d+–(\d+)\/\1\s*$/.test(header(x)), 'help scrolled to its end');
            await assertFits(t, 'help, end');
          }
          await t.keys('Escape');
          await t.waitFor((x) => crumbs(x) === 'Summary', 'the summary again');
        }

        await t.literal('q');
        assert.equal(await t.exitCode(), 0);
        await t.waitFor((s) => s.trimEnd().endsWith(PROMPT.trimEnd()), 'the shell prompt after memwhy');
        assert.equal(await t.alternateScreen(), false, 'the alternate screen was left');
      } finally {
        await t.kill();
      }
    },
  );

  test(
    "the TUI's layout engine starts without Node's fetch: undici is never loaded (scripts/build-sea-bundle.mjs yogaWithoutFetch)",
    { timeout: 60_000 },
    async () => {
      const dir = mkdtempSync(join(tmpdir(), 'memwhy-tui-undici-'));
      const t = new Terminal(80, 24);
      try {
        // At exit, the built-in modules Node loaded that belong to undici (fetch, WebSocket, EventSource …).
        const preload = join(dir, 'undici-loaded.cjs');
        const out = join(dir, 'undici-loaded.json');
        writeFileSync(
          preload,
          `process.on('exit', () => require('fs').writeFileSync(${JSON.stringify(out)}, ` +
            `JSON.stringify(process.moduleLoadList.filter((m) => /undici/.test(m)))));`,
        );
        await t.start();
        await t.type(
          `${NODE} --require ${preload} dist/cli.js --from examples/oomkilled-container; echo "__EXIT__=$?"`,
        );
        await t.waitFor((s) => s.includes('OOM-killed by its own memory limit'), 'the answer');
        await t.literal('q');
        assert.equal(await t.exitCode(), 0);
        assert.deepEqual(JSON.parse(readFileSync(out, 'utf8')), []);
      } finally {
        await t.kill();
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  test(
    '80x24: -c sidecar starts on sidecar; --color always beats NO_COLOR; Enter on Events opens the event',
    { timeout: 60_000 },
    async () => {
      const t = new Terminal(80, 24);
      try {
        await t.start();
        await t.type(`NO_COLOR=1 ${commandLine('--from examples/oomkilled-container -c sidecar --color always')}`);
        const summary = await t.waitFor((s) => crumbs(s) === 'Summary', 'the answer');
        assertLine(summary, /^› sidecar {7,}16\.0Mi {3}32\.0Mi/, 'the cursor on sidecar (-c)');
        assertLine(summary, /^ {2}Chain {9}sidecar: requests → limits/, 'the menu names sidecar');
        const coloured = await t.tmux(['capture-pane', '-p', '-e', '-t', t.target]);
        assert.match(
          coloured,
          /\u001b\[(?:[0-9;]*;)?3[1-7](?:;[0-9;]*)?m/,
          'colour codes on screen with --color always and NO_COLOR=1',
        );
        await t.keys('Enter');
        await t.waitFor((s) => crumbs(s) === 'Summary › Chain · sidecar 2/2', 'the chain of sidecar');
        await t.literal('q');
        assert.equal(await t.exitCode(), 0);

        await t.type(commandLine('--from examples/evicted'));
        await t.waitFor((s) => crumbs(s) === 'Summary', 'the evicted answer');
        for (let i = 0; i < 6; i++) await t.keys('Down');
        await t.waitFor((s) => /^› Events \(2\)/m.test(s), 'the cursor on Events');
        await t.keys('Enter');
        await t.waitFor((s) => crumbs(s).startsWith('Summary › Events'), 'the events list');
        await t.keys('Enter');
        const event = await t.waitFor((s) => crumbs(s).startsWith('Summary › Events › Event'), 'one event, whole');
        const text = lines(event).slice(1, -1).join(' ').replace(/\s+/g, ' ');
        assert.match(
          text,
          /The node was low on resource: memory\. Threshold quantity: 750Mi, available: 225800Ki\. Container nginx was using 4395616Ki, request is 0, has larger consumption of memory\./,
        );
        await assertFits(t, 'event');
        await t.literal('q');
        assert.equal(await t.exitCode(), 0);
      } finally {
        await t.kill();
      }
    },
  );
});
