// The live watch's data source (src/kube/watch.ts) against the test cluster: a real watch-mode reader pod runs
// on this machine over a copy of examples/cache-driven's cgroup tree served as the node's /sys/fs/cgroup, and the
// test rewrites the container's memory.usage_in_bytes / memory.stat between samples.
//
// A second suite drives the same code through a stand-in KubeHttp (no cluster) for what the test cluster cannot
// produce: a log stream cut while the pod runs, corrupt output, a reader that fails, a deletion that fails, a
// Pod Security refusal. Its frame sets are the real reader script's output (dash) over the same tree.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  cpSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readerObstacle } from '../../src/app/diagnose.js';
import { loadSnapshot } from '../../src/app/snapshot.js';
import { analyse } from '../../src/core/analyse.js';
import { ExitCode, MemwhyError } from '../../src/cli/exit-codes.js';
import type { Analysis, Facts } from '../../src/core/types.js';
import { parseFrameSets } from '../../src/core/frames.js';
import { statusError, type KubeHttp } from '../../src/kube/http.js';
import { openLive } from '../../src/kube/live.js';
import { READER_ARGV0, READER_SCRIPT, readerArgs } from '../../src/kube/reader-script.js';
import { watchAnalyses, type WatchOptions } from '../../src/kube/watch.js';
import { loadSnapshotState, startCluster, type Cluster } from '../cluster/index.js';

const EXAMPLE = 'examples/cache-driven';
const NODE = 'lab-node-1';
const POD_DIR = 'memory/kubepods/burstable/pod2c8cc6be-5423-4d53-b7c6-d1c9b31cfea9';
const CONTAINER_DIR = `${POD_DIR}/c1176e8cb7ee779f4863f5f49509d6901da33ec13f3897e543aa106be9be85ef`;
const MiB = 1024 * 1024;

describe('watchAnalyses (live watch over a watch-mode reader pod)', () => {
  let cluster: Cluster;
  let http: KubeHttp;
  let facts: Facts;
  let tree: string;
  let baseUsage: number;
  let baseStat: string;

  /** Memory grows by `delta` bytes of anonymous memory: usage and rss/total_rss move together. */
  const grow = (delta: number): void => {
    const dir = join(tree, CONTAINER_DIR);
    const stat = baseStat.replace(
      /^(total_rss|rss) (\d+)$/gm,
      (_, k: string, v: string) => `${k} ${Number(v) + delta}`,
    );
    // Written beside and renamed over, so that the reader never sees a half-written file.
    writeFileSync(join(dir, '.usage.tmp'), `${baseUsage + delta}\n`);
    writeFileSync(join(dir, '.stat.tmp'), stat);
    renameSync(join(dir, '.usage.tmp'), join(dir, 'memory.usage_in_bytes'));
    renameSync(join(dir, '.stat.tmp'), join(dir, 'memory.stat'));
  };

  /** The memwhy reader pods in the cluster (label app.kubernetes.io/managed-by=kubectl-memwhy). */
  const readers = (): string[] =>
    cluster.state.pods
      .filter((p) => p.metadata?.labels?.['app.kubernetes.io/managed-by'] === 'kubectl-memwhy')
      .map((p) => `${p.metadata.namespace}/${p.metadata.name}`);

  /** Processes of a pod (the test kubelet gives each container HOSTNAME=<pod name>). */
  const processesOf = (pod: string): number[] =>
    readdirSync('/proc')
      .filter((d) => /^\d+$/.test(d))
      .map(Number)
      .filter((pid) => {
        try {
          return readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').includes(`HOSTNAME=${pod}`);
        } catch {
          return false;
        }
      });

  const until = async (what: string, pred: () => boolean, ms = 5000): Promise<void> => {
    const end = Date.now() + ms;
    while (!pred()) {
      if (Date.now() > end) assert.fail(`timed out waiting: ${what}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  };

  const options = (extra: Partial<WatchOptions> = {}): WatchOptions => ({
    http,
    facts,
    analyse: (f, now) => analyse(f, { now }),
    obstacle: (f) => readerObstacle(f.pod, f.node),
    namespace: 'default',
    intervalSeconds: 1,
    deadlineSeconds: 60,
    ...extra,
  });
  const ws = (a: Analysis): number | null => a.containers[0]?.workingSetBytes ?? null;
  const posts = (): number => cluster.requests.filter((r) => r.method === 'POST' && r.resource === 'pods').length;

  before(async () => {
    tree = mkdtempSync(join(tmpdir(), 'memwhy-watch-cgroup-'));
    cpSync(join(EXAMPLE, 'cgroup'), tree, { recursive: true });
    chmodSync(tree, 0o755); // mkdtemp makes it 0700; the reader runs as uid 65534
    baseUsage = Number(readFileSync(join(tree, CONTAINER_DIR, 'memory.usage_in_bytes'), 'utf8'));
    baseStat = readFileSync(join(tree, CONTAINER_DIR, 'memory.stat'), 'utf8');
    const state = loadSnapshotState(EXAMPLE);
    state.hostPaths = { [NODE]: { '/sys/fs/cgroup': tree } };
    state.images = { deny: ['registry.invalid/*'] };
    cluster = await startCluster(state, { kubelet: { stepMs: 5, pullMs: 5, backoffMs: 100, maxBackoffMs: 400 } });
    const kubeconfig = cluster.kubeconfig('admin');
    const live = await openLive(
      { kubeconfig, namespace: null, context: null, cluster: null, user: null, requestTimeout: null },
      {},
      process.cwd(),
      homedir(),
    );
    http = live.http;
    facts = await loadSnapshot(EXAMPLE);
  });

  after(async () => {
    await cluster?.close();
    if (tree) rmSync(tree, { recursive: true, force: true });
  });

  it('yields an analysis per interval whose working set follows the changed files; return() deletes the pod at once', async () => {
    grow(0);
    const tracked: string[] = [];
    let clock = 0;
    const w = watchAnalyses(
      options({
        now: () => `2030-01-01T00:00:${String(clock++).padStart(2, '0')}.000Z`,
        track: (e, ns, name) => tracked.push(`${e} ${ns}/${name}`),
      }),
    );
    const it = w[Symbol.asyncIterator]();
    const seen: Array<{ at: number; ws: number | null; generatedAt: string }> = [];
    const written = [baseUsage - 0];
    for (let i = 0; i < 4; i++) {
      const r = await it.next();
      assert.equal(r.done, false);
      const a = r.value as Analysis;
      seen.push({ at: Date.now(), ws: ws(a), generatedAt: a.generatedAt });
      if (i === 0) {
        // While it runs: one watch-mode reader pod, bounded by the deadline, its script running on this machine.
        assert.ok(processesOf(tracked[0]!.split('/')[1]!).length > 0, 'the reader process runs');
        assert.equal(readers().length, 1);
        const pod = cluster.state.pods.find(
          (p) => p.metadata?.labels?.['app.kubernetes.io/managed-by'] === 'kubectl-memwhy',
        )!;
        assert.equal(pod.spec.activeDeadlineSeconds, 60);
        assert.ok(pod.spec.containers[0].command.includes('watch'), 'the reader runs in watch mode');
        assert.equal(pod.spec.nodeName, NODE);
      }
      const delta = (i + 1) * 16 * MiB;
      grow(delta);
      written.push(baseUsage + delta);
    }
    // The first sample is the tree as copied: the example's working set (usage − total_inactive_file, which is 0).
    assert.equal(seen[0]!.ws, baseUsage);
    const values = seen.map((s) => s.ws);
    for (const v of values) assert.ok(written.includes(v as number), `working set ${v} is one of the written usages`);
    for (let i = 1; i < values.length; i++)
      assert.ok(
        (values[i] as number) >= (values[i - 1] as number),
        `working set never goes back: ${values.join(', ')}`,
      );
    assert.ok(new Set(values).size >= 3, `the working set follows the files: ${values.join(', ')}`);
    const gaps = seen.slice(1).map((s, i) => s.at - seen[i]!.at);
    for (const g of gaps) assert.ok(g > 400 && g < 2500, `analyses arrive about 1 s apart: ${gaps.join(', ')} ms`);
    assert.deepEqual(
      seen.map((s) => s.generatedAt),
      ['00', '01', '02', '03'].map((s) => `2030-01-01T00:00:${s}.000Z`),
      'each analysis takes the clock',
    );

    // The TUI turns watch off while a next() is pending: return() must not wait for the next frame set.
    const pending = it.next();
    const t0 = Date.now();
    await it.return!();
    assert.ok(Date.now() - t0 < 1500, `return() took ${Date.now() - t0} ms`);
    assert.deepEqual(await pending, { done: true, value: undefined });
    assert.deepEqual(readers(), [], 'no reader pod left');
    assert.equal(tracked.length, 2);
    assert.match(tracked[0]!, /^created default\/memwhy-reader-lab-node-1-[a-z0-9]+$/);
    assert.equal(tracked[1], tracked[0]!.replace('created', 'deleted'));
    await until('the reader process has ended', () => processesOf(tracked[0]!.split('/')[1]!).length === 0, 3000);
    assert.deepEqual(await it.next(), { done: true, value: undefined });
  });

  it('a second watch start creates a new pod; close() deletes it', async () => {
    const names: string[] = [];
    const w = watchAnalyses(options({ track: (e, _ns, name) => e === 'created' && names.push(name) }));
    for (let round = 0; round < 2; round++) {
      const it = w[Symbol.asyncIterator]();
      assert.equal((await it.next()).done, false);
      if (round === 0) await it.return!();
      else await w.close();
      assert.deepEqual(readers(), []);
    }
    assert.equal(names.length, 2);
    assert.notEqual(names[0], names[1]);
  });

  it('abort (Ctrl-C) while a next() is pending: it throws Interrupted, after the pod is deleted', async () => {
    const ac = new AbortController();
    const it = watchAnalyses(options({ signal: ac.signal }))[Symbol.asyncIterator]();
    assert.equal((await it.next()).done, false);
    const pending = it.next();
    ac.abort();
    await assert.rejects(pending, (e: unknown) => e instanceof MemwhyError && e.code === ExitCode.Interrupted);
    assert.deepEqual(readers(), []);
    assert.deepEqual(await it.next(), { done: true, value: undefined });
  });

  it('abort while the consumer is not asking: the pod is deleted anyway, the next next() throws Interrupted', async () => {
    const ac = new AbortController();
    const it = watchAnalyses(options({ signal: ac.signal }))[Symbol.asyncIterator]();
    assert.equal((await it.next()).done, false);
    ac.abort();
    await until('the reader pod is deleted', () => readers().length === 0, 3000);
    await assert.rejects(it.next(), (e: unknown) => e instanceof MemwhyError && e.code === ExitCode.Interrupted);
    assert.deepEqual(await it.next(), { done: true, value: undefined });
  });

  it('an already aborted signal creates no pod', async () => {
    const before = posts();
    const it = watchAnalyses(options({ signal: AbortSignal.abort() }))[Symbol.asyncIterator]();
    await assert.rejects(it.next(), (e: unknown) => e instanceof MemwhyError && e.code === ExitCode.Interrupted);
    assert.equal(posts(), before);
  });

  it('the deadline ends the iteration (the pod ends) and the pod is deleted', async () => {
    const t0 = Date.now();
    const got: Analysis[] = [];
    for await (const a of watchAnalyses(options({ deadlineSeconds: 3 }))) got.push(a);
    const took = Date.now() - t0;
    assert.ok(got.length >= 2 && got.length <= 4, `${got.length} analyses in a 3 s watch at 1 s`);
    assert.ok(took < 6000, `ended after ${took} ms`);
    assert.deepEqual(readers(), []);
  });

  it('the deadline passing while the consumer is not asking still deletes the pod; the iteration is over', async () => {
    const it = watchAnalyses(options({ deadlineSeconds: 1 }))[Symbol.asyncIterator]();
    assert.equal((await it.next()).done, false);
    // The pod ends by itself after 1 s; its object stays until memwhy's own timer (deadline + 5 s) removes it.
    await until('the reader pod is deleted', () => readers().length === 0, 8000);
    assert.deepEqual(await it.next(), { done: true, value: undefined });
  });

  it('a deny-listed image: a one-line error with a hint, and no pod left', async () => {
    const it = watchAnalyses(options({ image: 'registry.invalid/library/busybox:1.36' }))[Symbol.asyncIterator]();
    await assert.rejects(it.next(), (e: unknown) => {
      assert.ok(e instanceof MemwhyError, String(e));
      assert.equal(e.code, ExitCode.Unreachable);
      assert.match(
        e.message,
        /^the reader image registry\.invalid\/library\/busybox:1\.36 cannot be started: (ErrImagePull|ImagePullBackOff)/,
      );
      assert.doesNotMatch(e.message, /\n/);
      assert.match(e.hint ?? '', /--image/);
      return true;
    });
    assert.deepEqual(readers(), []);
    assert.deepEqual(await it.next(), { done: true, value: undefined });
  });

  it("the pod's cgroup directory disappearing mid-watch: a NotFound error, and the pod is deleted", async () => {
    const it = watchAnalyses(options())[Symbol.asyncIterator]();
    assert.equal((await it.next()).done, false);
    const from = join(tree, POD_DIR);
    renameSync(from, `${from}.gone`);
    try {
      await assert.rejects(
        (async () => {
          for (let r = await it.next(); !r.done; r = await it.next());
        })(),
        (e: unknown) =>
          e instanceof MemwhyError &&
          e.code === ExitCode.NotFound &&
          /no longer finds a cgroup directory/.test(e.message),
      );
    } finally {
      renameSync(`${from}.gone`, from);
    }
    assert.deepEqual(readers(), []);
  });

  it('a pod that has ended cannot be watched: a clear error, no pod created', async () => {
    const before = posts();
    const ended: Facts = { ...facts, pod: { ...facts.pod, status: { ...facts.pod.status, phase: 'Succeeded' } } };
    const it = watchAnalyses(options({ facts: ended }))[Symbol.asyncIterator]();
    await assert.rejects(it.next(), /cannot watch: the pod has ended/);
    assert.equal(posts(), before);
  });
});

describe('watchAnalyses (stand-in API: cut streams, bad output, failures)', () => {
  let tree: string;
  let facts: Facts;
  /** Four real watch-mode frame sets (seq 1…4) of the example's tree. */
  let sets: string[];

  before(async () => {
    tree = mkdtempSync(join(tmpdir(), 'memwhy-watch-frames-'));
    cpSync(join(EXAMPLE, 'cgroup'), join(tree, 'cgroup'), { recursive: true });
    // The script pauses with `sleep`; a stand-in that returns at once keeps this fast.
    mkdirSync(join(tree, 'bin'));
    writeFileSync(join(tree, 'bin', 'sleep'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
    const args = readerArgs({
      podUid: '2c8cc6be-5423-4d53-b7c6-d1c9b31cfea9',
      containerIds: ['c1176e8cb7ee779f4863f5f49509d6901da33ec13f3897e543aa106be9be85ef'],
      qosClass: 'Burstable',
      root: join(tree, 'cgroup'),
      mode: 'watch',
      intervalSeconds: 1,
      count: 4,
    });
    const r = spawnSync('dash', ['-c', READER_SCRIPT, READER_ARGV0, ...args], {
      env: { PATH: `${join(tree, 'bin')}:/usr/bin:/bin` },
      encoding: 'utf8',
    });
    assert.equal(r.status, 0, r.stderr);
    sets = r.stdout.split(/(?=^memwhy-reader )/m);
    assert.deepEqual(
      parseFrameSets(r.stdout).sets.map((x) => [x.complete, x.header?.seq]),
      [
        [true, 1],
        [true, 2],
        [true, 3],
        [true, 4],
      ],
    );
    facts = await loadSnapshot(EXAMPLE);
  });

  after(() => {
    if (tree) rmSync(tree, { recursive: true, force: true });
  });

  interface Fake {
    http: KubeHttp;
    calls: string[];
  }

  /**
   * A KubeHttp stand-in: `logs` are the successive log streams (each a list of chunks), `after` the pod as a
   * watch shows it after each stream ('running': the watch ends without news).
   */
  function fake(spec: {
    logs: string[][];
    after: Array<'running' | 'succeeded' | { terminated: { reason: string; exitCode: number } }>;
    post?: () => never;
    del?: () => never;
  }): Fake {
    const calls: string[] = [];
    let name = '';
    let streams = 0;
    const http = {
      async postJson(path: string, body: { metadata: { name: string } }) {
        calls.push(`POST ${path}`);
        spec.post?.();
        name = body.metadata.name;
        return body;
      },
      async watch(_path: string, _q: unknown, onEvent: (type: string, pod: unknown) => boolean | void) {
        // Before the first stream: the pod runs. After stream n: spec.after[n - 1].
        const state = streams === 0 ? 'running' : spec.after[streams - 1];
        if (state === 'running')
          return onEvent('ADDED', { metadata: { name }, status: { phase: 'Running' } }) === true ? true : false;
        if (state === 'succeeded')
          return onEvent('MODIFIED', { metadata: { name }, status: { phase: 'Succeeded' } }) === true;
        return (
          onEvent('MODIFIED', {
            metadata: { name },
            status: {
              phase: 'Failed',
              containerStatuses: [{ name: 'reader', state: { terminated: state!.terminated } }],
            },
          }) === true
        );
      },
      async *streamText(path: string, query: Record<string, unknown>) {
        calls.push(`LOG ${path.split('/').pop()} follow=${String(query.follow)} container=${String(query.container)}`);
        for (const chunk of spec.logs[streams++] ?? []) yield chunk;
      },
      async delete(path: string, query: Record<string, unknown>) {
        calls.push(`DELETE ${path.split('/').pop()} grace=${String(query.gracePeriodSeconds)}`);
        spec.del?.();
      },
    };
    return { http: http as unknown as KubeHttp, calls };
  }

  const collect = async (iterable: AsyncIterable<Analysis>): Promise<Analysis[]> => {
    const out: Analysis[] = [];
    for await (const a of iterable) out.push(a);
    return out;
  };
  const opts = (f: Fake, extra: Partial<WatchOptions> = {}): WatchOptions => ({
    http: f.http,
    facts,
    analyse: (x, now) => analyse(x, { now }),
    obstacle: (x) => readerObstacle(x.pod, x.node),
    namespace: 'default',
    intervalSeconds: 1,
    deadlineSeconds: 60,
    ...extra,
  });

  it('a log stream cut while the pod runs is followed again; the sets it sends again are not repeated', async () => {
    const [s1, s2, s3, s4] = sets as [string, string, string, string];
    // Stream 1 is cut in the middle of set 3; stream 2 starts from the beginning of the log again.
    const f = fake({
      logs: [
        [s1, s2.slice(0, 100), s2.slice(100), s3.slice(0, s3.length >> 1)],
        [s1 + s2, s3, s4],
      ],
      after: ['running', 'succeeded'],
    });
    let clock = 0;
    const got = await collect(watchAnalyses(opts(f, { now: () => `2030-01-01T00:00:0${clock++}.000Z` })));
    assert.equal(got.length, 4, 'sets 1, 2, 3, 4 once each');
    assert.equal(got[0]!.containers[0]?.workingSetBytes, 105299968);
    assert.equal(f.calls.filter((c) => c.startsWith('LOG')).length, 2);
    assert.match(f.calls[1]!, /^LOG log follow=true container=reader$/);
    assert.match(f.calls.at(-1)!, /^DELETE memwhy-reader-lab-node-1-[a-z0-9]+ grace=0$/);
  });

  it('corrupt output: after three bad sets a one-line error, and the pod is deleted', async () => {
    const bad = (sets[0] as string).replace('=== DONE', 'x\n=== DONE');
    const f = fake({ logs: [[bad, bad, bad, sets[1] as string]], after: ['succeeded'] });
    await assert.rejects(
      collect(watchAnalyses(opts(f))),
      (e: unknown) =>
        e instanceof MemwhyError &&
        /^the watch reader's output was unusable: [^\n]+$/.test(e.message) &&
        e.code === ExitCode.Unreachable,
    );
    assert.match(f.calls.at(-1)!, /^DELETE /);
  });

  it('a reader that ends having printed nothing usable is an error, not an empty watch', async () => {
    const f = fake({ logs: [['memwhy-reader 1 watch 1\n=== CGROUP v1\n']], after: ['succeeded'] });
    await assert.rejects(collect(watchAnalyses(opts(f))), /ended without a usable sample/);
    assert.match(f.calls.at(-1)!, /^DELETE /);
  });

  it('the reader failing mid-watch (OOMKilled) ends it with the reason; the pod is deleted', async () => {
    const f = fake({
      logs: [[sets[0] as string, sets[1] as string]],
      after: [{ terminated: { reason: 'OOMKilled', exitCode: 137 } }],
    });
    const it = watchAnalyses(opts(f))[Symbol.asyncIterator]();
    assert.equal((await it.next()).done, false);
    assert.equal((await it.next()).done, false);
    await assert.rejects(
      it.next(),
      /^MemwhyError: reader pod default\/memwhy-reader-lab-node-1-[a-z0-9]+ failed: OOMKilled, exit code 137$/,
    );
    assert.match(f.calls.at(-1)!, /^DELETE /);
  });

  it('a deletion that fails is reported by return(), with the command to delete by hand', async () => {
    const f = fake({
      logs: [[sets[0] as string]],
      after: ['running'],
      del: () => {
        throw statusError(500, '{"message":"etcd is down"}', 'DELETE');
      },
    });
    const it = watchAnalyses(opts(f))[Symbol.asyncIterator]();
    assert.equal((await it.next()).done, false);
    await assert.rejects(
      it.return!(),
      (e: unknown) =>
        e instanceof MemwhyError &&
        /^could not delete reader pod default\/memwhy-reader-/.test(e.message) &&
        /kubectl delete pod -n default memwhy-reader-/.test(e.hint ?? ''),
    );
  });

  it('Ctrl-C while the consumer is not asking and the deletion fails: Interrupted comes first, nothing unhandled', async () => {
    const f = fake({
      logs: [[sets[0] as string]],
      after: ['running'],
      del: () => {
        throw statusError(500, '{"message":"etcd is down"}', 'DELETE');
      },
    });
    const ac = new AbortController();
    const it = watchAnalyses(opts(f, { signal: ac.signal }))[Symbol.asyncIterator]();
    assert.equal((await it.next()).done, false);
    ac.abort();
    await new Promise((r) => setTimeout(r, 50));
    assert.match(f.calls.at(-1)!, /^DELETE /, 'deleted without waiting for the consumer');
    await assert.rejects(it.next(), (e: unknown) => e instanceof MemwhyError && e.code === ExitCode.Interrupted);
    assert.deepEqual(await it.next(), { done: true, value: undefined });
  });

  it('a Pod Security refusal: Forbidden with the --reader-namespace hint, and no DELETE (nothing was created)', async () => {
    const psa = statusError(
      403,
      JSON.stringify({
        message:
          'pods "r" is forbidden: violates PodSecurity "baseline:latest": hostPath volumes (volume "host-cgroup")',
        reason: 'Forbidden',
        code: 403,
      }),
      'POST',
    );
    const f = fake({
      logs: [],
      after: [],
      post: () => {
        throw psa;
      },
    });
    await assert.rejects(
      collect(watchAnalyses(opts(f))),
      (e: unknown) =>
        e instanceof MemwhyError && e.code === ExitCode.Forbidden && /--reader-namespace/.test(e.hint ?? ''),
    );
    assert.deepEqual(
      f.calls.map((c) => c.split(' ')[0]),
      ['POST'],
    );
  });
});
