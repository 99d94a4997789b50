import { test } from 'node:test';
import assert from 'node:assert/strict';
import { diagnose, rankPods, readerObstacle, type DiagnoseOptions } from '../../src/app/diagnose.js';
import type { Cluster, ProgressEvent, ReaderRequest } from '../../src/app/ports.js';
import { loadSnapshot } from '../../src/app/snapshot.js';
import { analyse } from '../../src/core/analyse.js';
import { ExitCode, MemwhyError } from '../../src/cli/exit-codes.js';
import type { Facts, KPod } from '../../src/core/types.js';

const NOW = '2026-11-23T00:00:00.000Z';

/** A cluster that serves one snapshot's facts; `fail` makes chosen methods throw. */
class FakeCluster implements Cluster {
  calls: string[] = [];
  readerRequests: ReaderRequest[] = [];
  constructor(
    private facts: Facts,
    private fail: Partial<Record<keyof Cluster, MemwhyError>> = {},
  ) {}
  private async call<T>(name: keyof Cluster, value: T | null): Promise<T> {
    this.calls.push(name);
    const f = this.fail[name];
    if (f) throw f;
    if (value === null) throw new MemwhyError(ExitCode.NotFound, `${name}: not found`);
    return value;
  }
  resolvePods() {
    return this.call('resolvePods', [this.facts.pod]);
  }
  getNode() {
    return this.call('getNode', this.facts.node);
  }
  listNodes() {
    return this.call('listNodes', this.facts.nodes);
  }
  listPodsOnNode() {
    return this.call('listPodsOnNode', this.facts.nodePods);
  }
  listBoundPods() {
    return this.call('listBoundPods', this.facts.nodePods);
  }
  listEvents() {
    return this.call('listEvents', this.facts.events ?? []);
  }
  getPodMetrics() {
    return this.call('getPodMetrics', this.facts.podMetrics);
  }
  getNodeSummary() {
    return this.call('getNodeSummary', this.facts.summary);
  }
  async readCgroups(request: ReaderRequest) {
    this.readerRequests.push(request);
    return this.call(
      'readCgroups',
      this.facts.cgroupFiles ? { files: this.facts.cgroupFiles, kernelLog: this.facts.kernelLog, problems: [] } : null,
    );
  }
}

function options(
  facts: Facts,
  over: Partial<DiagnoseOptions['reader']> = {},
  events: ProgressEvent[] = [],
): DiagnoseOptions {
  return {
    target: {
      kind: 'pod',
      namespace: facts.pod.metadata?.namespace ?? 'default',
      name: facts.pod.metadata?.name ?? '',
    },
    reader: { enabled: true, namespace: null, image: 'busybox:1.36', deadlineSeconds: 60, kernelLog: true, ...over },
    signal: new AbortController().signal,
    progress: (e) => events.push(e),
  };
}

test('live facts give the same answer as the snapshot they were served from', async () => {
  const facts = await loadSnapshot('examples/oomkilled-container');
  const events: ProgressEvent[] = [];
  const cluster = new FakeCluster(facts);
  const d = await diagnose(cluster, options(facts, {}, events));
  assert.deepEqual(d.facts.cgroupFiles, facts.cgroupFiles);
  assert.equal(d.facts.kernelLog, facts.kernelLog);
  const live = analyse(d.facts, { now: NOW });
  const offline = analyse(facts, { now: NOW });
  assert.deepEqual(live.verdicts, offline.verdicts);
  assert.deepEqual(live.containers, offline.containers);
  assert.equal(cluster.readerRequests[0]?.namespace, 'default', 'the reader runs in the target namespace by default');
  assert.deepEqual(
    events.map((e) => e.stage),
    ['pod', 'facts', 'done'],
  );
});

test('a forbidden read is skipped with the reason; the rest goes on', async () => {
  const facts = await loadSnapshot('examples/oomkilled-container');
  const forbidden = new MemwhyError(
    ExitCode.Forbidden,
    'events is forbidden: User "alice" cannot list resource "events" in API group "" in the namespace "default"',
    'grant list on events',
  );
  const d = await diagnose(new FakeCluster(facts, { listEvents: forbidden }), options(facts));
  assert.equal(d.facts.events, null);
  assert.match(d.facts.missing.events ?? '', /cannot list resource "events".*grant list on events/);
  const a = analyse(d.facts, { now: NOW });
  assert.equal(a.verdicts[0]?.kind, 'OOMKilled');
  assert.ok(a.notices.some((n) => n.part === 'events' && /forbidden/.test(n.message)));
});

test('the reader failing degrades to the API-level answer with the reason', async () => {
  const facts = await loadSnapshot('examples/oomkilled-container');
  const psa = new MemwhyError(
    ExitCode.Forbidden,
    'pods "memwhy-reader-x" is forbidden: violates PodSecurity "baseline:latest": hostPath volumes (volume "cgroup")',
    'use --reader-namespace with a namespace that allows hostPath',
  );
  const d = await diagnose(new FakeCluster(facts, { readCgroups: psa }), options(facts));
  assert.equal(d.facts.cgroupFiles, null);
  assert.match(d.facts.missing.cgroup ?? '', /violates PodSecurity.*--reader-namespace/);
  const a = analyse(d.facts, { now: NOW });
  assert.equal(a.verdicts[0]?.kind, 'OOMKilled', 'still known from the runtime status');
});

test('a Pending pod needs no reader: nodes and bound pods are read for the fit table', async () => {
  const facts = await loadSnapshot('examples/pending');
  const cluster = new FakeCluster(facts);
  const d = await diagnose(cluster, options(facts));
  assert.ok(!cluster.calls.includes('readCgroups'));
  assert.ok(cluster.calls.includes('listNodes') && cluster.calls.includes('listBoundPods'));
  assert.match(d.facts.missing.cgroup ?? '', /not scheduled/);
  const a = analyse(d.facts, { now: NOW });
  assert.equal(a.verdicts[0]?.kind, 'Pending');
  assert.equal(a.nodeFits[0]?.fits, false);
});

test('an evicted pod has no cgroups left: the reader is not started', async () => {
  const facts = await loadSnapshot('examples/evicted');
  const cluster = new FakeCluster(facts);
  const d = await diagnose(cluster, options(facts));
  assert.ok(!cluster.calls.includes('readCgroups'));
  assert.match(d.facts.missing.cgroup ?? '', /has ended \(Evicted\)/);
});

test('reader obstacles: Windows, virtual and NotReady nodes', () => {
  const pod: KPod = { spec: { nodeName: 'n1' }, status: { phase: 'Running' } };
  assert.match(readerObstacle(pod, { metadata: { labels: { 'kubernetes.io/os': 'windows' } } }) ?? '', /Windows/);
  assert.match(readerObstacle(pod, { metadata: { labels: { type: 'virtual-kubelet' } } }) ?? '', /virtual/);
  assert.match(readerObstacle(pod, { status: { conditions: [{ type: 'Ready', status: 'False' }] } }) ?? '', /NotReady/);
  assert.equal(readerObstacle(pod, { status: { conditions: [{ type: 'Ready', status: 'True' }] } }), null);
});

test('--no-reader and the kernel log switch are recorded as reasons', async () => {
  const facts = await loadSnapshot('examples/cache-driven');
  const cluster = new FakeCluster(facts);
  const d = await diagnose(cluster, options(facts, { enabled: false }));
  assert.ok(!cluster.calls.includes('readCgroups'));
  assert.match(d.facts.missing.cgroup ?? '', /--no-reader/);
  const d2 = await diagnose(new FakeCluster(facts), options(facts, { kernelLog: false }));
  assert.match(d2.facts.missing['kernel.log'] ?? '', /--kernel-log/);
});

test('the pod itself is required: not found and interrupted are fatal', async () => {
  const facts = await loadSnapshot('examples/cache-driven');
  await assert.rejects(
    diagnose(
      new FakeCluster(facts, { resolvePods: new MemwhyError(ExitCode.NotFound, 'pods "x" not found') }),
      options(facts),
    ),
    (e: MemwhyError) => e.code === ExitCode.NotFound,
  );
  await assert.rejects(
    diagnose(
      new FakeCluster(facts, { readCgroups: new MemwhyError(ExitCode.Interrupted, 'interrupted') }),
      options(facts),
    ),
    (e: MemwhyError) => e.code === ExitCode.Interrupted,
  );
});

test('workload pods: the worst off first, the others listed with why', () => {
  const ok: KPod = { metadata: { name: 'ok' }, status: { phase: 'Running', containerStatuses: [{ restartCount: 0 }] } };
  const restarts: KPod = {
    metadata: { name: 'restarts' },
    status: { phase: 'Running', containerStatuses: [{ restartCount: 3 }] },
  };
  const oom: KPod = {
    metadata: { name: 'oom' },
    status: {
      phase: 'Running',
      containerStatuses: [{ restartCount: 1, lastState: { terminated: { reason: 'OOMKilled' } } }],
    },
  };
  const evicted: KPod = { metadata: { name: 'evicted' }, status: { phase: 'Failed', reason: 'Evicted' } };
  assert.deepEqual(
    rankPods([ok, restarts, oom, evicted]).map((p) => p.metadata?.name),
    ['evicted', 'oom', 'restarts', 'ok'],
  );
});

test('PodMetrics is read only when the kubelet summary cannot be', async () => {
  const facts = await loadSnapshot('test/fixtures/cases/running-k8s135-summary');
  facts.podMetrics = { containers: [{ name: 'compute-pi-digits', usage: { memory: '10Mi' } }] };
  const withSummary = new FakeCluster(facts);
  await diagnose(withSummary, options(facts));
  assert.ok(!withSummary.calls.includes('getPodMetrics'));
  const forbidden = new MemwhyError(
    ExitCode.Forbidden,
    'nodes "datagen-1-35" is forbidden: cannot get resource "nodes/proxy"',
  );
  const noSummary = new FakeCluster(facts, { getNodeSummary: forbidden });
  const d = await diagnose(noSummary, options(facts));
  assert.ok(noSummary.calls.includes('getPodMetrics'));
  assert.equal(analyse(d.facts, { now: NOW }).containers[0]?.workingSetBytes, 10 * 2 ** 20);
});

test("every read gets the run's abort signal, so Ctrl-C ends a request the API server never answers", async () => {
  const facts = await loadSnapshot('examples/cache-driven');
  const seen: Array<[string, AbortSignal | undefined]> = [];
  const record =
    <T>(name: string, value: T) =>
    (...args: unknown[]): Promise<T> => {
      seen.push([name, args.find((a): a is AbortSignal => a instanceof AbortSignal)]);
      return Promise.resolve(value);
    };
  const cluster: Cluster = {
    resolvePods: record('resolvePods', [facts.pod]),
    getNode: record('getNode', facts.node!),
    listNodes: record('listNodes', []),
    listPodsOnNode: record('listPodsOnNode', facts.nodePods ?? []),
    listBoundPods: record('listBoundPods', []),
    listEvents: record('listEvents', []),
    getPodMetrics: record('getPodMetrics', { containers: [] }),
    getNodeSummary: record('getNodeSummary', {}),
    readCgroups: async (request: ReaderRequest) => {
      seen.push(['readCgroups', request.signal]);
      return { files: facts.cgroupFiles ?? {}, kernelLog: null, problems: [] };
    },
  };
  const ac = new AbortController();
  await diagnose(cluster, { ...options(facts), signal: ac.signal });
  assert.ok(seen.length >= 5, seen.map(([n]) => n).join());
  for (const [name, signal] of seen) assert.equal(signal, ac.signal, `${name} got the run's signal`);
});

test('a reader that could not be deleted, damaged frames, and a kernel log that could not be mounted reach the facts', async () => {
  const facts = await loadSnapshot('examples/cache-driven');
  const cluster = new FakeCluster(facts);
  (cluster as Cluster).readCgroups = async () => ({
    files: facts.cgroupFiles ?? {},
    kernelLog: null,
    problems: ['x: checksum mismatch'],
    unreadable: [{ file: 'x', problem: 'checksum mismatch' }],
    cleanup: 'could not delete reader pod default/r (run kubectl memwhy cleanup -n default)',
    kernelLogMissing: "the node's /var/log could not be mounted for --kernel-log: FailedMount",
  });
  const d = await diagnose(cluster, options(facts));
  assert.deepEqual(d.facts.unreadable, [{ file: 'x', problem: 'checksum mismatch' }]);
  const a = analyse(d.facts, { now: NOW });
  const text = a.notices.map((n) => `${n.part}: ${n.message}`).join('\n');
  assert.match(text, /reader: could not delete reader pod default\/r/);
  assert.match(text, /kernel\.log: the node's \/var\/log could not be mounted/);
  assert.match(text, /cgroup-files: Not used, the reader's output failed its checks: x: checksum mismatch/);
});

test('--image and --reader-namespace are checked before the first read', async () => {
  const facts = await loadSnapshot('examples/cache-driven');
  const cluster = new FakeCluster(facts);
  const checked: unknown[] = [];
  (cluster as Cluster).checkReader = (s) => {
    checked.push(s);
    throw new MemwhyError(ExitCode.Usage, 'bad image');
  };
  await assert.rejects(diagnose(cluster, options(facts, { image: 'busybox;rm -rf /' })), /bad image/);
  assert.deepEqual(checked, [{ image: 'busybox;rm -rf /', namespace: null }]);
  assert.deepEqual(cluster.calls, [], 'nothing was read');
});
