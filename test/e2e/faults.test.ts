// The fault matrix (issue 14): the built CLI (`node dist/cli.js`) as a real process against the test cluster,
// through a proxy that delays, holds or forges answers (test/cluster/forge.ts). Every signal a terminal or
// supervisor sends × every stage of the reader pod's life; each trial asserts that no reader pod remains (for
// SIGKILL: that the next run removes it, and not another user's reader that is still running). Then what the
// proxy forges: a server that never answers, a slow create with --request-timeout, a silent watch, a damaged
// reader log, escape sequences from a non-validating server.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadSnapshotState, startCluster, type Cluster, type Obj } from '../cluster/index.js';
import { startForge, type Forge } from '../cluster/forge.js';

const ROOT = resolve(import.meta.dirname, '..', '..');
const DIST = join(ROOT, 'dist', 'cli.js');
const NOW = '2026-11-23T03:00:00Z';
const MANAGED_BY = 'app.kubernetes.io/managed-by';
const distSkip = existsSync(DIST) ? false : 'dist/cli.js is not built (npm run build)';
const scratch = mkdtempSync(join(tmpdir(), 'memwhy-faults-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** ms from the first signal sent (see send) to the exit. */
  afterSignalMs: number | null;
}

interface Cli {
  send(sig: NodeJS.Signals): void;
  done: Promise<Exit>;
}

function spawnCli(args: string[]): Cli {
  const child = spawn(process.execPath, [DIST, ...args], {
    cwd: scratch,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: scratch },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  let signalledAt: number | null = null;
  child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<Exit>((res, rej) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      rej(new Error(`dist/cli.js did not exit within 30 s; stderr: ${stderr}`));
    }, 30_000);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      res({ code, signal, stdout, stderr, afterSignalMs: signalledAt === null ? null : Date.now() - signalledAt });
    });
  });
  return {
    send(sig) {
      signalledAt ??= Date.now();
      child.kill(sig);
    },
    done,
  };
}

function readers(c: Cluster): string[] {
  return c.state.pods
    .filter((p) => p.metadata?.labels?.[MANAGED_BY] === 'kubectl-memwhy')
    .map((p) => `${p.metadata.namespace}/${p.metadata.name}`)
    .sort();
}

/** Calls `fn` when the API server stores a pod matching `pred` (before it answers the create). */
function onStored(c: Cluster, pred: (pod: Obj) => boolean, fn: (pod: Obj) => void): () => void {
  const pods = c.state.pods;
  const push = pods.push;
  pods.push = function (this: Obj[], ...items: Obj[]): number {
    const n = push.apply(this, items);
    for (const p of items) if (pred(p)) fn(p);
    return n;
  };
  return () => {
    delete (pods as { push?: unknown }).push;
  };
}
const isReader = (p: Obj): boolean => p.metadata?.labels?.[MANAGED_BY] === 'kubectl-memwhy';

/** A kubeconfig whose server is the forging proxy in front of the cluster's HTTP listener. */
function forgedKubeconfig(c: Cluster, forge: Forge): string {
  const direct = readFileSync(c.kubeconfig('admin', { server: 'http' }), 'utf8');
  assert.ok(direct.includes(c.httpUrl));
  const path = join(scratch, `kubeconfig-forge-${new URL(forge.url).port}.yaml`);
  writeFileSync(path, direct.split(c.httpUrl).join(forge.url));
  return path;
}

const WORDS: Record<string, RegExp> = {
  SIGINT: /interrupted: cleaning up/,
  SIGTERM: /terminated: cleaning up/,
  SIGHUP: /hung up: cleaning up/,
  SIGQUIT: /quit: cleaning up/,
};

describe('fault matrix: every signal × every stage of the reader pod, through a proxy', { skip: distSkip }, () => {
  let c: Cluster;
  let forge: Forge;
  let kc: string;
  before(async () => {
    // kubectl and memwhy send no credentials to an http:// server: the cluster maps those requests to admin.
    c = await startCluster(loadSnapshotState(join(ROOT, 'examples', 'cache-driven')), {
      kubelet: { stepMs: 5, pullMs: 5 },
      httpAnonymousUser: 'admin',
    });
    forge = await startForge(c.httpUrl);
    kc = forgedKubeconfig(c, forge);
  });
  after(async () => {
    await forge?.close();
    await c?.close();
  });

  /** Arms the stage's trigger: it calls `fire` once the run has reached the stage. Returns the disarm. */
  const stages: Record<string, (fire: () => void) => () => void> = {
    // An admission webhook holding the create for 1 s: the signal comes before the API server has answered.
    'create unanswered (slow webhook)': (fire) =>
      forge.add({
        method: 'POST',
        path: /^\/api\/v1\/namespaces\/default\/pods/,
        times: 1,
        delayMs: 1_000,
        onRequest: () => setTimeout(fire, 50),
      }),
    // Stored by the API server, the answer not yet seen by memwhy.
    'create answered, pod Pending': (fire) => onStored(c, isReader, fire),
    // Waiting for the pod to end (the watch is open; its events are slowed down).
    'waiting for the pod (watch open)': (fire) =>
      forge.add({ method: 'GET', path: /watch=true/, times: 1, delayMs: 300, onRequest: fire }),
    'reading the log': (fire) => forge.add({ method: 'GET', path: /\/log\?/, times: 1, delayMs: 300, onRequest: fire }),
    'deleting the pod': (fire) =>
      forge.add({ method: 'DELETE', path: /memwhy-reader-/, times: 1, delayMs: 300, onRequest: fire }),
  };

  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT'] as const) {
    for (const [stage, arm] of Object.entries(stages)) {
      test(`${sig} while ${stage} → exit 130, no reader pod left`, async () => {
        let cli: Cli | null = null;
        let fired = false;
        const disarm = arm(() => {
          if (fired) return;
          fired = true;
          cli?.send(sig);
        });
        try {
          cli = spawnCli(['busybox', '-o', 'json', '--kubeconfig', kc, '--now', NOW]);
          const res = await cli.done;
          assert.ok(fired, `the stage was reached; stderr: ${res.stderr}`);
          assert.equal(res.code, 130, `exit ${res.code ?? res.signal}; stderr: ${res.stderr}`);
          assert.match(res.stderr, WORDS[sig]!);
          assert.ok(
            res.afterSignalMs !== null && res.afterSignalMs < 2_500,
            `ended ${res.afterSignalMs} ms after the signal`,
          );
          assert.doesNotMatch(res.stderr, /internal error/);
          assert.deepEqual(readers(c), [], `reader pods left; stderr: ${res.stderr}`);
        } finally {
          disarm();
          forge.clear();
        }
      });
    }
  }

  test("SIGKILL leaves the pod; the next run removes it once its own deadline has passed, and not another user's running reader", async () => {
    let cli: Cli | null = null;
    let killed = '';
    const off = onStored(c, isReader, (p) => {
      killed = p.metadata.name;
      cli?.send('SIGKILL');
    });
    try {
      cli = spawnCli(['busybox', '-o', 'json', '--kubeconfig', kc, '--now', NOW, '--reader-timeout', '30']);
      const res = await cli.done;
      assert.equal(res.signal, 'SIGKILL');
    } finally {
      off();
    }
    assert.ok(killed);
    assert.deepEqual(readers(c), [`default/${killed}`], 'SIGKILL cannot clean up');
    // Its deadline (30 s) + the sweep's grace (60 s) have passed: as if created 2 minutes ago.
    c.store.update('pods', 'default', killed, (p) => {
      p.metadata.creationTimestamp = new Date(Date.now() - 120_000).toISOString().replace(/\.\d+Z$/, 'Z');
    });
    // Another user's reader, 10 minutes old but with a one-hour deadline: still in use, never swept.
    c.store.create('pods', {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'memwhy-reader-lab-node-1-bob11',
        namespace: 'default',
        creationTimestamp: new Date(Date.now() - 600_000).toISOString().replace(/\.\d+Z$/, 'Z'),
        labels: { [MANAGED_BY]: 'kubectl-memwhy', 'app.kubernetes.io/name': 'memwhy-reader' },
      },
      spec: {
        nodeName: 'lab-node-1',
        restartPolicy: 'Never',
        activeDeadlineSeconds: 3600,
        containers: [{ name: 'reader', image: 'busybox:1.36', command: ['sleep', '3600'] }],
      },
    });
    const next = await spawnCli(['busybox', '-o', 'json', '--kubeconfig', kc, '--now', NOW]).done;
    assert.equal(next.code, 0, next.stderr);
    assert.deepEqual(
      readers(c),
      ['default/memwhy-reader-lab-node-1-bob11'],
      'the expired one is gone, the running one stays',
    );
    c.store.remove('pods', 'default', 'memwhy-reader-lab-node-1-bob11');
  });

  test('a server that never answers: the first Ctrl-C ends the run within 2 s', async () => {
    const off = forge.add({ method: 'GET', path: /^\/api\/v1\/namespaces\/default\/pods\/busybox$/, hold: true });
    try {
      const cli = spawnCli(['busybox', '-o', 'json', '--kubeconfig', kc, '--now', NOW]);
      setTimeout(() => cli.send('SIGINT'), 500);
      const res = await cli.done;
      assert.equal(res.code, 130, res.stderr);
      assert.ok(res.afterSignalMs! < 2_000, `ended ${res.afterSignalMs} ms after Ctrl-C`);
      assert.match(res.stderr, /error: interrupted/);
      assert.doesNotMatch(res.stderr, /internal error/);
    } finally {
      off();
    }
  });

  test('a create held 2 s by a webhook, with --request-timeout 1s: memwhy deletes the pod once it appears, nothing left', async () => {
    const off = forge.add({ method: 'POST', path: /^\/api\/v1\/namespaces\/default\/pods/, times: 1, delayMs: 2_000 });
    let stored = '';
    const offStored = onStored(c, isReader, (p) => (stored = p.metadata.name));
    try {
      const res = await spawnCli(['busybox', '-o', 'json', '--kubeconfig', kc, '--now', NOW, '--request-timeout', '1s'])
        .done;
      assert.equal(res.code, 0, res.stderr);
      assert.ok(stored, 'the API server stored the pod after memwhy had given up on the answer');
      const notices = JSON.parse(res.stdout)
        .notices.map((n: { part: string; message: string }) => `${n.part}: ${n.message}`)
        .join('\n');
      assert.match(notices, /did not answer within 1s/);
      assert.doesNotMatch(notices, /deleted reader pod/);
      assert.deepEqual(readers(c), [], 'the late pod was deleted');
    } finally {
      off();
      offStored();
    }
  });

  test('a create answered after memwhy left (Ctrl-C, a 3 s webhook): it says it is not sure and names the cleanup command', async () => {
    let cli: Cli | null = null;
    const off = forge.add({
      method: 'POST',
      path: /^\/api\/v1\/namespaces\/default\/pods/,
      times: 1,
      delayMs: 3_000,
      onRequest: () => setTimeout(() => cli?.send('SIGINT'), 50),
    });
    try {
      cli = spawnCli(['busybox', '-o', 'json', '--kubeconfig', kc, '--now', NOW]);
      const res = await cli.done;
      assert.equal(res.code, 130, res.stderr);
      assert.match(res.stderr, /interrupted while the reader pod was being created/);
      assert.match(res.stderr, /kubectl memwhy cleanup -n default/);
      assert.doesNotMatch(res.stderr, /deleted reader pod/);
      // The pod appears after memwhy left; the command it named removes it.
      for (let i = 0; i < 60 && readers(c).length === 0; i++) await new Promise((r) => setTimeout(r, 100));
      assert.equal(readers(c).length, 1, 'the late create was stored');
      const cleanup = await spawnCli(['cleanup', '-n', 'default', '--kubeconfig', kc]).done;
      assert.equal(cleanup.code, 0, cleanup.stderr);
      assert.deepEqual(readers(c), []);
    } finally {
      off();
    }
  });

  test('a watch that never sends an event: polling takes over, the diagnosis completes', async () => {
    const off = forge.add({ method: 'GET', path: /watch=true/, times: 1, silentStream: true });
    try {
      const res = await spawnCli(['busybox', '-o', 'json', '--kubeconfig', kc, '--now', NOW]).done;
      assert.equal(res.code, 0, res.stderr);
      const a = JSON.parse(res.stdout);
      assert.ok(a.cgroup, 'the cgroup files were read');
      assert.deepEqual(
        a.notices.filter((n: { part: string }) => n.part === 'cgroup' || n.part === 'usage'),
        [],
      );
      assert.deepEqual(readers(c), []);
    } finally {
      off();
    }
  });

  /** The reader's log with one byte of the app container's memory.stat frame changed. */
  const flipStat = (log: Buffer): Buffer => {
    const text = log.toString('utf8');
    const at = text.search(/=== BEGIN memory\/kubepods\/[^\n]*c1176e8cb7ee[^\n]*\/memory\.stat \d+\n/);
    assert.ok(at >= 0, "the app container's memory.stat frame");
    const body = text.indexOf('\n', at) + 1;
    const copy = Buffer.from(log);
    const i = Buffer.byteLength(text.slice(0, body));
    copy[i] = (copy[i] ?? 0) ^ 0x01;
    return copy;
  };

  test("a byte of the container's memory.stat changed in transit: named in the output, working set unknown, no false verdict", async () => {
    const off = forge.add({ method: 'GET', path: /\/log\?container=reader/, times: 1, body: flipStat });
    try {
      const res = await spawnCli(['busybox', '-o', 'json', '--kubeconfig', kc, '--now', NOW]).done;
      assert.equal(res.code, 0, res.stderr);
      const a = JSON.parse(res.stdout);
      const notice = a.notices.find((n: { part: string }) => n.part === 'cgroup-files');
      assert.ok(notice, JSON.stringify(a.notices));
      assert.match(notice.message, /c1176e8cb7ee[^ ]*\/memory\.stat: checksum mismatch/);
      const app = a.containers.find((x: { name: string }) => x.name === 'app');
      assert.equal(app.workingSetBytes, null, 'unknown, not usage');
      assert.ok(!a.verdicts.some((v: { kind: string }) => v.kind === 'NearLimit' || v.kind === 'AboveRequest'));
      const text = await spawnCli(['busybox', '-o', 'text', '--kubeconfig', kc, '--now', NOW, '--color', 'never']).done;
      assert.equal(text.code, 0);
    } finally {
      off();
    }
  });

  test('the reader\'s log cut at 50 %: said so, not "No cgroup directory for container app"', async () => {
    const off = forge.add({
      method: 'GET',
      path: /\/log\?container=reader/,
      times: 1,
      body: (b) => b.subarray(0, Math.floor(b.length / 2)),
    });
    try {
      const res = await spawnCli(['busybox', '-o', 'json', '--kubeconfig', kc, '--now', NOW]).done;
      assert.equal(res.code, 0, res.stderr);
      const notices = JSON.parse(res.stdout)
        .notices.map((n: { part: string; message: string }) => `${n.part}: ${n.message}`)
        .join('\n');
      assert.doesNotMatch(notices, /No cgroup directory for container app/);
      assert.match(notices, /cgroup-files: Not used, the reader's output failed its checks: .*truncated/);
    } finally {
      off();
    }
  });

  test("escape sequences in a non-validating server's pod (status message, container name): -o text prints none raw", async () => {
    const hostile = '\u001b]0;pwned\u0007\u001b[2J';
    const off = forge.add({
      method: 'GET',
      path: /^\/api\/v1\/namespaces\/default\/pods\/busybox$/,
      body: (b) => {
        const pod = JSON.parse(b.toString('utf8'));
        pod.status.message = `hello ${hostile}`;
        pod.spec.containers[0].name = `app${hostile}`;
        pod.status.containerStatuses[0].name = `app${hostile}`;
        return JSON.stringify(pod);
      },
    });
    try {
      const res = await spawnCli(['busybox', '-o', 'text', '--color', 'never', '--kubeconfig', kc, '--now', NOW]).done;
      assert.equal(res.code, 0, res.stderr);
      assert.ok(!res.stdout.includes('\u001b') && !res.stdout.includes('\u0007'), 'no raw control character');
      assert.ok(res.stdout.includes('app\\e]0;pwned\\x07'), 'the name is shown with its escapes visible');
      assert.deepEqual(readers(c), []);
    } finally {
      off();
    }
  });
});
