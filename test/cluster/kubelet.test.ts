// The kubelet: real processes behind pods, phases, container states, events, logs, deletion,
// deadlines, image pull failures, awkward nodes, the scheduler; and nothing left behind.
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { busyboxPod, client, mountsUnder, node, processesWith } from './helpers.js';
import { startCluster, type Cluster } from './index.js';
import type { Obj } from './util.js';

const phase =
  (want: string) =>
  (p: Obj | undefined): boolean =>
    p?.status?.phase === want;
const waiting =
  (reason: string) =>
  (p: Obj | undefined): boolean =>
    p?.status?.containerStatuses?.[0]?.state?.waiting?.reason === reason;
const reasons = (cluster: Cluster, pod: string): string[] =>
  cluster.state.events.filter((e) => e.involvedObject?.name === pod).map((e) => e.reason as string);

describe('kubelet', () => {
  let cluster: Cluster;
  let api: ReturnType<typeof client>;
  let fixture: string;
  before(async () => {
    // A stand-in for the node's /sys/fs/cgroup: world-writable, so only the read-only mount can stop writes.
    fixture = mkdtempSync(join(tmpdir(), 'cgroup-fixture-'));
    mkdirSync(join(fixture, 'memory', 'kubepods'), { recursive: true });
    writeFileSync(join(fixture, 'memory', 'kubepods', 'memory.stat'), 'cache 4096\nrss 8192\n');
    writeFileSync(join(fixture, 'memory', 'kubepods', 'memory.usage_in_bytes'), '12288\n');
    for (const d of [fixture, join(fixture, 'memory'), join(fixture, 'memory', 'kubepods')]) chmodSync(d, 0o777);
    cluster = await startCluster(
      {
        nodes: [
          node('n1'),
          node('down', { ready: false }),
          node('win', { labels: { 'kubernetes.io/os': 'windows' } }),
          node('virtual', {
            labels: { type: 'virtual-kubelet' },
            spec: { taints: [{ key: 'virtual-kubelet.io/provider', value: 'azure', effect: 'NoSchedule' }] },
          }),
        ],
        hostPaths: { n1: { '/sys/fs/cgroup': fixture } },
        images: { deny: ['registry.invalid/*', 'nonexistent:*'] },
      },
      { kubelet: { stepMs: 5, pullMs: 5, backoffMs: 100, maxBackoffMs: 400 } },
    );
    api = client(cluster);
  });
  after(async () => {
    await cluster.close();
    rmSync(fixture, { recursive: true, force: true });
  });

  const create = async (pod: Obj, ns = 'default'): Promise<Obj> => {
    const r = await api.post(`/api/v1/namespaces/${ns}/pods`, pod);
    assert.equal(r.status, 201, r.text);
    return r.json;
  };

  it('runs a command: Pending → Running → Succeeded, with its real output as the log', async () => {
    await create(
      busyboxPod('hello', ['sh', '-c', 'echo hello from $(hostname) as $(id -u); echo to-stderr >&2; sleep 0.3'], {
        spec: { nodeName: 'n1' },
      }),
    );
    const running = await cluster.waitForPod('default', 'hello', phase('Running'));
    const cs = running!.status.containerStatuses[0];
    assert.ok(cs.state.running.startedAt);
    assert.equal(cs.ready, true);
    assert.match(cs.containerID, /^containerd:\/\/[0-9a-f]{64}$/);
    assert.equal(cs.image, 'docker.io/library/busybox:1.36');
    assert.equal(running!.status.conditions.find((c: Obj) => c.type === 'Ready').status, 'True');
    assert.match(running!.status.podIP, /^10\.244\./);
    const done = await cluster.waitForPod('default', 'hello', phase('Succeeded'));
    const t = done!.status.containerStatuses[0].state.terminated;
    assert.equal(t.exitCode, 0);
    assert.equal(t.reason, 'Completed');
    assert.equal(done!.status.conditions.find((c: Obj) => c.type === 'Ready').reason, 'PodCompleted');
    const log = await api.get('/api/v1/namespaces/default/pods/hello/log');
    assert.equal(log.status, 200);
    assert.equal(log.headers.get('content-type'), 'text/plain');
    assert.equal(log.text, 'hello from hello as 0\nto-stderr\n');
    assert.deepEqual(reasons(cluster, 'hello'), ['Pulling', 'Pulled', 'Created', 'Started']);
    const tail = await api.get('/api/v1/namespaces/default/pods/hello/log?tailLines=1&timestamps=true');
    assert.match(tail.text, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z to-stderr\n$/);
  });

  it('a failing command: Failed with its exit code', async () => {
    await create(busyboxPod('fails', ['sh', '-c', 'echo bye; exit 3'], { spec: { nodeName: 'n1' } }));
    const p = await cluster.waitForPod('default', 'fails', phase('Failed'));
    const t = p!.status.containerStatuses[0].state.terminated;
    assert.equal(t.exitCode, 3);
    assert.equal(t.reason, 'Error');
    const row = await api.get('/api/v1/namespaces/default/pods/fails', {
      Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io',
    });
    assert.equal(row.json.rows[0].cells[2], 'Error');
  });

  it('a reader pod: hostPath mounted read-only, run as 65534, reads the host dir and cannot write it', async () => {
    const script = [
      'id -u; id -g',
      'cat /host/sys/fs/cgroup/memory/kubepods/memory.stat',
      'if (echo x > /host/sys/fs/cgroup/memory/kubepods/written) 2>/dev/null; then echo WROTE; else echo write-refused; fi',
      'if touch /host/sys/fs/cgroup/new 2>/dev/null; then echo WROTE; else echo create-refused; fi',
      'touch /tmp/x 2>&1 | sed "s/.*Read-only.*/rootfs-read-only/"',
    ].join('; ');
    await create({
      metadata: { generateName: 'memwhy-reader-', labels: { 'app.kubernetes.io/managed-by': 'memwhy' } },
      spec: {
        nodeName: 'n1',
        restartPolicy: 'Never',
        activeDeadlineSeconds: 30,
        securityContext: { runAsUser: 65534, runAsGroup: 65534, runAsNonRoot: true },
        tolerations: [{ operator: 'Exists' }],
        containers: [
          {
            name: 'reader',
            image: 'busybox:1.36',
            command: ['sh', '-c', script],
            securityContext: {
              allowPrivilegeEscalation: false,
              readOnlyRootFilesystem: true,
              capabilities: { drop: ['ALL'] },
            },
            volumeMounts: [{ name: 'cgroup', mountPath: '/host/sys/fs/cgroup', readOnly: true }],
          },
        ],
        volumes: [{ name: 'cgroup', hostPath: { path: '/sys/fs/cgroup', type: 'Directory' } }],
      },
    });
    const name = cluster.state.pods.find((p) => p.metadata.generateName === 'memwhy-reader-')!.metadata.name as string;
    const p = await cluster.waitForPod(
      'default',
      name,
      (x) => x?.status?.phase === 'Succeeded' || x?.status?.phase === 'Failed',
    );
    const log = await api.get(`/api/v1/namespaces/default/pods/${name}/log?container=reader`);
    assert.equal(p!.status.phase, 'Succeeded', log.text);
    assert.equal(log.text, '65534\n65534\ncache 4096\nrss 8192\nwrite-refused\ncreate-refused\nrootfs-read-only\n');
    assert.deepEqual(
      readFileSync(join(fixture, 'memory', 'kubepods', 'memory.stat'), 'utf8'),
      'cache 4096\nrss 8192\n',
    );
    assert.throws(() => readFileSync(join(fixture, 'new')));
    assert.throws(() => readFileSync(join(fixture, 'memory', 'kubepods', 'written')));
    assert.deepEqual(mountsUnder(cluster.workDir), [], 'mounts live only in the pod mount namespace');
  });

  it('a writable hostPath mount is writable (so read-only above is the mount, not permissions)', async () => {
    await create({
      metadata: { name: 'writer' },
      spec: {
        nodeName: 'n1',
        restartPolicy: 'Never',
        containers: [
          {
            name: 'w',
            image: 'busybox',
            command: ['sh', '-c', 'echo hi > /data/memory/touched'],
            volumeMounts: [{ name: 'cg', mountPath: '/data' }],
          },
        ],
        volumes: [{ name: 'cg', hostPath: { path: '/sys/fs/cgroup' } }],
      },
    });
    await cluster.waitForPod('default', 'writer', phase('Succeeded'));
    assert.equal(readFileSync(join(fixture, 'memory', 'touched'), 'utf8'), 'hi\n');
    rmSync(join(fixture, 'memory', 'touched'));
  });

  it('a deny-listed image: ErrImagePull then ImagePullBackOff, never runs', async () => {
    await create(
      busyboxPod('nopull', ['sh', '-c', 'echo never'], {
        spec: { nodeName: 'n1' },
        container: { image: 'registry.invalid/tools/reader:1' },
      }),
    );
    const p1 = await cluster.waitForPod('default', 'nopull', waiting('ErrImagePull'));
    assert.match(
      p1!.status.containerStatuses[0].state.waiting.message,
      /failed to pull and unpack image "registry\.invalid\/tools\/reader:1"/,
    );
    const p2 = await cluster.waitForPod('default', 'nopull', waiting('ImagePullBackOff'));
    assert.equal(p2!.status.phase, 'Pending');
    assert.equal(
      p2!.status.containerStatuses[0].state.waiting.message,
      'Back-off pulling image "registry.invalid/tools/reader:1"',
    );
    const ev = cluster.state.events
      .filter((e) => e.involvedObject?.name === 'nopull')
      .map((e) => `${e.type} ${e.reason} ${e.message}`);
    assert.ok(ev.includes('Warning Failed Error: ErrImagePull'), ev.join('\n'));
    assert.ok(ev.includes('Normal BackOff Back-off pulling image "registry.invalid/tools/reader:1"'));
    assert.ok(ev.includes('Warning Failed Error: ImagePullBackOff'));
    const log = await api.get('/api/v1/namespaces/default/pods/nopull/log');
    assert.equal(log.status, 400);
    assert.equal(log.json.reason, 'BadRequest');
    assert.equal(
      log.json.message,
      'container "main" in pod "nopull" is waiting to start: trying and failing to pull image',
    );
    const row = await api.get('/api/v1/namespaces/default/pods/nopull', {
      Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io',
    });
    assert.equal(row.json.rows[0].cells[2], 'ImagePullBackOff');
  });

  it('deleting a running pod kills its processes, then the pod goes away', async () => {
    const marker = `sleep 4242.${process.pid}`;
    await create(
      busyboxPod('sleeper', ['sh', '-c', `trap 'echo got TERM; exit 0' TERM; ${marker} & wait`], {
        spec: { nodeName: 'n1', terminationGracePeriodSeconds: 5 },
      }),
    );
    await cluster.waitForPod('default', 'sleeper', phase('Running'));
    await new Promise((r) => setTimeout(r, 200));
    assert.ok(processesWith(marker).length > 0, 'the command runs on this machine');
    const d = await api.del('/api/v1/namespaces/default/pods/sleeper');
    assert.equal(d.status, 200);
    assert.ok(d.json.metadata.deletionTimestamp);
    await cluster.waitForPod('default', 'sleeper', (p) => p === undefined);
    assert.deepEqual(processesWith(marker), []);
    assert.ok(reasons(cluster, 'sleeper').includes('Killing'));
  });

  it('a container ignoring SIGTERM is SIGKILLed after the grace period', async () => {
    const marker = `sleep 4343.${process.pid}`;
    await create(
      busyboxPod('stubborn', [...marker.split(' ')], { spec: { nodeName: 'n1', terminationGracePeriodSeconds: 1 } }),
    );
    await cluster.waitForPod('default', 'stubborn', phase('Running'));
    const t0 = Date.now();
    await api.del('/api/v1/namespaces/default/pods/stubborn');
    await cluster.waitForPod('default', 'stubborn', (p) => p === undefined, 5000);
    assert.ok(Date.now() - t0 >= 900, 'pid 1 ignores SIGTERM, as in a container');
    assert.deepEqual(processesWith(marker), []);
  });

  it('activeDeadlineSeconds: Failed, DeadlineExceeded, process killed', async () => {
    const marker = `sleep 4444.${process.pid}`;
    await create(
      busyboxPod('deadline', [...marker.split(' ')], {
        spec: { nodeName: 'n1', activeDeadlineSeconds: 1, terminationGracePeriodSeconds: 0 },
      }),
    );
    const p = await cluster.waitForPod('default', 'deadline', phase('Failed'), 5000);
    assert.equal(p!.status.reason, 'DeadlineExceeded');
    assert.equal(p!.status.message, 'Pod was active on the node longer than the specified deadline');
    assert.equal(p!.status.containerStatuses[0].state.terminated.exitCode, 137);
    assert.deepEqual(processesWith(marker), []);
    assert.ok(reasons(cluster, 'deadline').includes('DeadlineExceeded'));
  });

  it('follows a log until the container ends', async () => {
    await create(
      busyboxPod('ticker', ['sh', '-c', 'for i in 1 2 3; do echo tick $i; sleep 0.2; done'], {
        spec: { nodeName: 'n1' },
      }),
    );
    await cluster.waitForPod('default', 'ticker', phase('Running'));
    const s = await api.stream('/api/v1/namespaces/default/pods/ticker/log?follow=true');
    assert.equal(s.res.status, 200);
    await s.until((x) => x.ended, 5000);
    assert.equal(s.error, null);
    assert.deepEqual(s.lines.filter(Boolean), ['tick 1', 'tick 2', 'tick 3']);
  });

  it('OnFailure restarts with back-off; previous=true serves the last instance', async () => {
    await create(
      busyboxPod('crashy', ['sh', '-c', 'echo run; exit 1'], { spec: { nodeName: 'n1', restartPolicy: 'OnFailure' } }),
    );
    const p = await cluster.waitForPod(
      'default',
      'crashy',
      (x) => (x?.status?.containerStatuses?.[0]?.restartCount ?? 0) >= 2,
      5000,
    );
    assert.equal(p!.status.phase, 'Running');
    assert.equal(p!.status.containerStatuses[0].lastState.terminated.exitCode, 1);
    const prev = await api.get('/api/v1/namespaces/default/pods/crashy/log?previous=true');
    assert.equal(prev.text, 'run\n');
    assert.ok(reasons(cluster, 'crashy').includes('BackOff'));
    await api.del('/api/v1/namespaces/default/pods/crashy?gracePeriodSeconds=0');
  });

  it('a command that does not exist: StartError with exit code 128', async () => {
    await create(busyboxPod('nocmd', ['no-such-binary'], { spec: { nodeName: 'n1' } }));
    const p = await cluster.waitForPod('default', 'nocmd', phase('Failed'));
    const t = p!.status.containerStatuses[0].state.terminated;
    assert.equal(t.reason, 'StartError');
    assert.equal(t.exitCode, 128);
    assert.match(t.message, /exec: "no-such-binary": executable file not found in \$PATH/);
  });

  it('runAsNonRoot without a user: CreateContainerConfigError', async () => {
    await create(
      busyboxPod('rootless', ['true'], { spec: { nodeName: 'n1', securityContext: { runAsNonRoot: true } } }),
    );
    const p = await cluster.waitForPod('default', 'rootless', waiting('CreateContainerConfigError'));
    assert.match(
      p!.status.containerStatuses[0].state.waiting.message,
      /^container has runAsNonRoot and image will run as root \(pod: "rootless_default\(/,
    );
    await api.del('/api/v1/namespaces/default/pods/rootless?gracePeriodSeconds=0');
  });

  it('an unmapped hostPath: FailedMount, stays ContainerCreating', async () => {
    await create({
      metadata: { name: 'nomount' },
      spec: {
        nodeName: 'n1',
        containers: [
          { name: 'c', image: 'busybox', command: ['true'], volumeMounts: [{ name: 'v', mountPath: '/x' }] },
        ],
        volumes: [{ name: 'v', hostPath: { path: '/var/log' } }],
      },
    });
    await new Promise((r) => setTimeout(r, 300));
    const p = cluster.store.get('pods', 'default', 'nomount')!;
    assert.equal(p.status.phase, 'Pending');
    assert.equal(p.status.containerStatuses[0].state.waiting.reason, 'ContainerCreating');
    const fm = cluster.state.events.find((e) => e.involvedObject?.name === 'nomount' && e.reason === 'FailedMount');
    assert.match(
      fm!.message,
      /^MountVolume.SetUp failed for volume "v" : hostPath "\/var\/log" does not exist on node "n1"/,
    );
    await api.del('/api/v1/namespaces/default/pods/nomount?gracePeriodSeconds=0');
  });

  it('awkward nodes: NotReady stays Pending, windows cannot pull, virtual-kubelet refuses hostPath, selector mismatch rejected', async () => {
    await create(busyboxPod('on-down', ['true'], { spec: { nodeName: 'down' } }));
    await create(busyboxPod('on-win', ['true'], { spec: { nodeName: 'win' } }));
    await create({
      ...busyboxPod('on-virtual', ['true'], { spec: { nodeName: 'virtual' } }),
      spec: {
        ...busyboxPod('x', ['true']).spec,
        nodeName: 'virtual',
        volumes: [{ name: 'cg', hostPath: { path: '/sys/fs/cgroup' } }],
      },
    });
    await create(
      busyboxPod('wrong-os', ['true'], { spec: { nodeName: 'n1', nodeSelector: { 'kubernetes.io/os': 'windows' } } }),
    );
    const win = await cluster.waitForPod('default', 'on-win', waiting('ErrImagePull'));
    assert.match(win!.status.containerStatuses[0].state.waiting.message, /no match for platform in manifest/);
    const virt = await cluster.waitForPod('default', 'on-virtual', phase('Failed'));
    assert.equal(virt!.status.reason, 'ProviderFailed');
    const wrong = await cluster.waitForPod('default', 'wrong-os', phase('Failed'));
    assert.equal(wrong!.status.reason, 'NodeAffinity');
    assert.equal(
      wrong!.status.message,
      "Pod was rejected: Predicate NodeAffinity failed: node(s) didn't match Pod's node affinity/selector",
    );
    const down = cluster.store.get('pods', 'default', 'on-down')!;
    assert.equal(down.status.phase, 'Pending');
    assert.equal(down.status.containerStatuses, undefined, 'no kubelet ever reported');
    const log = await api.get('/api/v1/namespaces/default/pods/on-down/log');
    assert.equal(log.status, 400);
    // Bring the node back: its kubelet picks the pod up.
    cluster.store.update('nodes', null, 'down', (n) => {
      n.status.conditions[0].status = 'True';
    });
    await cluster.waitForPod('default', 'on-down', phase('Succeeded'));
  });

  it('the scheduler binds pods without nodeName, or reports why it cannot', async () => {
    await create(busyboxPod('sched', ['true']));
    const p = await cluster.waitForPod('default', 'sched', phase('Succeeded'));
    assert.equal(p!.spec.nodeName, 'n1');
    const ev = cluster.state.events.find((e) => e.involvedObject?.name === 'sched' && e.reason === 'Scheduled')!;
    assert.equal(ev.message, 'Successfully assigned default/sched to n1');
    assert.equal(ev.reportingComponent, 'default-scheduler');
    assert.ok(ev.eventTime);
    await create(busyboxPod('huge', ['true'], { container: { resources: { requests: { memory: '64Gi' } } } }));
    const h = await cluster.waitForPod(
      'default',
      'huge',
      (x) => x?.status?.conditions?.[0]?.reason === 'Unschedulable',
    );
    assert.equal(
      h!.status.conditions[0].message,
      '0/4 nodes are available: 1 node(s) had untolerated taint {virtual-kubelet.io/provider: azure}, 3 Insufficient memory. preemption: 0/4 nodes are available: 1 Preemption is not helpful for scheduling, 3 No preemption victims found for incoming pod.',
    );
    const fs = cluster.state.events.find((e) => e.involvedObject?.name === 'huge' && e.reason === 'FailedScheduling')!;
    assert.equal(fs.type, 'Warning');
    cluster.store.update('nodes', null, 'down', (n) => {
      n.status.conditions[0].status = 'False';
    });
    await create(busyboxPod('picky', ['true'], { spec: { nodeSelector: { disk: 'ssd' } } }));
    const k = await cluster.waitForPod(
      'default',
      'picky',
      (x) => x?.status?.conditions?.[0]?.reason === 'Unschedulable',
    );
    assert.equal(
      k!.status.conditions[0].message,
      "0/4 nodes are available: 1 node(s) had untolerated taint {node.kubernetes.io/not-ready: }, 1 node(s) had untolerated taint {virtual-kubelet.io/provider: azure}, 2 node(s) didn't match Pod's node affinity/selector. preemption: 0/4 nodes are available: 4 Preemption is not helpful for scheduling.",
    );
    await api.del('/api/v1/namespaces/default/pods/huge');
    await api.del('/api/v1/namespaces/default/pods/picky');
  });
});

describe('kubelet shutdown', () => {
  it('close() kills every container and leaves no process, mount or folder behind', async () => {
    const cluster = await startCluster({ nodes: [node('n1')] }, { kubelet: { stepMs: 5, pullMs: 5 } });
    try {
      const api = client(cluster);
      const marker = `sleep 4545.${process.pid}`;
      for (const n of ['a', 'b']) {
        const r = await api.post(
          '/api/v1/namespaces/default/pods',
          busyboxPod(n, ['sh', '-c', `${marker} & ${marker} & wait`], {
            spec: { nodeName: 'n1', terminationGracePeriodSeconds: 30 },
          }),
        );
        assert.equal(r.status, 201);
      }
      await cluster.waitForPod('default', 'a', phase('Running'));
      await cluster.waitForPod('default', 'b', phase('Running'));
      await new Promise((r) => setTimeout(r, 200));
      assert.ok(processesWith(marker).length >= 4);
      const t0 = Date.now();
      await cluster.close();
      assert.ok(Date.now() - t0 < 3000, 'no grace period on close');
      assert.deepEqual(processesWith(marker), []);
      assert.deepEqual(mountsUnder(cluster.workDir), []);
      assert.throws(() => readFileSync(join(cluster.workDir, 'pki', 'ca.crt')), 'workDir removed');
      await cluster.close(); // idempotent
    } finally {
      await cluster.close();
    }
  });

  it('a test process that dies without closing (SIGKILL) leaves no container behind', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'test-cluster-orphan-'));
    const marker = `sleep 4646.${process.pid}`;
    const script = join(tmp, 'child.mts');
    const index = new URL('./index.ts', import.meta.url).pathname;
    const helpers = new URL('./helpers.ts', import.meta.url).pathname;
    writeFileSync(
      script,
      [
        `import { startCluster } from ${JSON.stringify(index)};`,
        `import { busyboxPod, client, node } from ${JSON.stringify(helpers)};`,
        `const c = await startCluster({ nodes: [node('n1')] }, { kubelet: { stepMs: 5, pullMs: 5 } });`,
        `await client(c).post('/api/v1/namespaces/default/pods', busyboxPod('p', ['sh', '-c', ${JSON.stringify(`${marker} & ${marker}`)}], { spec: { nodeName: 'n1' } }));`,
        `await c.waitForPod('default', 'p', (p) => p?.status?.phase === 'Running');`,
        `console.log('RUNNING', c.workDir);`,
        `setInterval(() => {}, 1000);`,
      ].join('\n'),
    );
    const { spawn } = await import('node:child_process');
    const child = spawn(process.execPath, ['--import', 'tsx', script], {
      cwd: new URL('../..', import.meta.url).pathname,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    const t0 = Date.now();
    while (!out.includes('RUNNING')) {
      if (Date.now() - t0 > 20_000) throw new Error(`child did not start: ${out}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    await new Promise((r) => setTimeout(r, 200));
    assert.ok(processesWith(marker).length > 0);
    child.kill('SIGKILL');
    await new Promise((r) => child.on('exit', r));
    const t1 = Date.now();
    while (processesWith(marker).length > 0 && Date.now() - t1 < 3000) await new Promise((r) => setTimeout(r, 50));
    assert.deepEqual(processesWith(marker), []);
    rmSync(out.split('RUNNING ')[1]!.trim(), { recursive: true, force: true });
    rmSync(tmp, { recursive: true, force: true });
  });
});
