// @kubernetes/client-node 2.0.1 against the test cluster, over HTTPS (CA data + token, client
// certificate, token file) and HTTP (only with insecure-skip-tls-verify: client-node refuses plain
// http otherwise), including a memwhy-style reader-pod round trip.
import { ApiException, CoreV1Api, KubeConfig, Log, Watch, type V1Pod } from '@kubernetes/client-node';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { node } from './helpers.js';
import { startCluster, type Cluster } from './index.js';

function load(path: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(path);
  return kc;
}

const readerPod = (): V1Pod => ({
  metadata: { generateName: 'memwhy-reader-', labels: { 'app.kubernetes.io/name': 'memwhy-reader' } },
  spec: {
    nodeName: 'n1',
    restartPolicy: 'Never',
    activeDeadlineSeconds: 20,
    securityContext: { runAsUser: 65534, runAsGroup: 65534, runAsNonRoot: true },
    tolerations: [{ operator: 'Exists' }],
    containers: [
      {
        name: 'reader',
        image: 'busybox:1.36',
        command: [
          'sh',
          '-c',
          'cd /host/sys/fs/cgroup && for f in memory/kubepods/memory.limit_in_bytes memory/kubepods/memory.usage_in_bytes; do echo "== $f"; cat "$f"; done',
        ],
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

describe('@kubernetes/client-node against the test cluster', () => {
  let cluster: Cluster;
  let fixture: string;
  before(async () => {
    fixture = mkdtempSync(join(tmpdir(), 'cg-'));
    mkdirSync(join(fixture, 'memory', 'kubepods'), { recursive: true });
    writeFileSync(join(fixture, 'memory', 'kubepods', 'memory.limit_in_bytes'), '7516192768\n');
    writeFileSync(join(fixture, 'memory', 'kubepods', 'memory.usage_in_bytes'), '1234567\n');
    for (const d of [fixture, join(fixture, 'memory'), join(fixture, 'memory', 'kubepods')]) chmodSync(d, 0o755);
    cluster = await startCluster(
      {
        nodes: [node('n1')],
        hostPaths: { n1: { '/sys/fs/cgroup': fixture } },
        pods: [
          {
            metadata: { name: 'app', namespace: 'default', labels: { app: 'x' } },
            spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'nginx' }] },
            status: { phase: 'Running' },
          },
        ],
      },
      { kubelet: { stepMs: 5, pullMs: 5 } },
    );
  });
  after(async () => {
    await cluster.close();
    rmSync(fixture, { recursive: true, force: true });
  });

  it('reads and lists pods over https (token, client certificate, token file) and http (insecure-skip-tls-verify)', async () => {
    for (const path of [
      cluster.kubeconfig('admin'),
      cluster.kubeconfig('admin', { auth: 'cert' }),
      cluster.kubeconfig('admin', { auth: 'tokenFile' }),
      cluster.kubeconfig('admin', { server: 'http' }),
    ]) {
      const core = load(path).makeApiClient(CoreV1Api);
      const pod = await core.readNamespacedPod({ name: 'app', namespace: 'default' });
      assert.equal(pod.metadata?.name, 'app', path);
      assert.ok(pod.metadata?.creationTimestamp instanceof Date);
      const list = await core.listNamespacedPod({ namespace: 'default', labelSelector: 'app=x' });
      assert.deepEqual(
        list.items.map((p) => p.metadata?.name),
        ['app'],
      );
    }
  });

  it('refuses a plain http server without insecure-skip-tls-verify (client-node quirk)', async () => {
    const core = load(cluster.kubeconfig('admin', { server: 'http', insecureSkipTlsVerify: false })).makeApiClient(
      CoreV1Api,
    );
    await assert.rejects(
      core.readNamespacedPod({ name: 'app', namespace: 'default' }),
      /HTTP protocol is not allowed when skipTLSVerify is not set or false/,
    );
  });

  it('surfaces 404 and 403 as ApiException with the Status body', async () => {
    const core = load(cluster.kubeconfig('admin')).makeApiClient(CoreV1Api);
    await assert.rejects(core.readNamespacedPod({ name: 'nope', namespace: 'default' }), (err: unknown) => {
      assert.ok(err instanceof ApiException);
      assert.equal(err.code, 404);
      const body = JSON.parse(err.body as string);
      assert.equal(body.reason, 'NotFound');
      assert.equal(body.message, 'pods "nope" not found');
      return true;
    });
  });

  it('runs a reader pod: create, watch to completion, read its log, delete', async () => {
    const kc = load(cluster.kubeconfig('admin'));
    const core = kc.makeApiClient(CoreV1Api);
    const before = cluster.requests.length;
    const created = await core.createNamespacedPod({ namespace: 'default', body: readerPod() });
    const name = created.metadata!.name!;
    assert.match(name, /^memwhy-reader-[a-z0-9]{5}$/);
    assert.equal(created.status?.phase, 'Pending');

    const phase = await new Promise<string>((resolve, reject) => {
      let ctl: AbortController | undefined;
      void new Watch(kc)
        .watch(
          '/api/v1/namespaces/default/pods',
          {
            fieldSelector: `metadata.name=${name}`,
            resourceVersion: created.metadata!.resourceVersion,
            allowWatchBookmarks: true,
          },
          (type, obj: V1Pod) => {
            const p = obj.status?.phase;
            if (type !== 'BOOKMARK' && (p === 'Succeeded' || p === 'Failed')) {
              ctl?.abort();
              resolve(p);
            }
          },
          (err) => {
            if (err && (err as Error).name !== 'AbortError') reject(err as Error);
          },
        )
        .then((c) => {
          ctl = c;
        }, reject);
    });
    assert.equal(phase, 'Succeeded');

    const chunks: string[] = [];
    const sink = new Writable({
      write(c: Buffer, _e, cb) {
        chunks.push(c.toString());
        cb();
      },
    });
    await new Promise<void>((resolve, reject) => {
      sink.on('finish', resolve);
      new Log(kc).log('default', name, 'reader', sink, { follow: false }).catch(reject);
    });
    assert.equal(
      chunks.join(''),
      '== memory/kubepods/memory.limit_in_bytes\n7516192768\n== memory/kubepods/memory.usage_in_bytes\n1234567\n',
    );

    const del = await core.deleteNamespacedPod({ name, namespace: 'default' });
    assert.equal(del.metadata?.name, name);
    await assert.rejects(
      core.readNamespacedPod({ name, namespace: 'default' }),
      (e: unknown) => e instanceof ApiException && e.code === 404,
    );

    const calls = cluster.requests
      .slice(before)
      .map((r) => `${r.verb} ${r.resource}${r.subresource ? `/${r.subresource}` : ''} ${r.status}`);
    assert.deepEqual(calls, [
      'create pods 201',
      'watch pods 200',
      'get pods/log 200',
      'delete pods 200',
      'get pods 404',
    ]);
  });

  it('follows a log with Log({ follow: true }) until the container ends', async () => {
    const kc = load(cluster.kubeconfig('admin', { server: 'http' }));
    const core = kc.makeApiClient(CoreV1Api);
    await core.createNamespacedPod({
      namespace: 'default',
      body: {
        metadata: { name: 'ticker' },
        spec: {
          nodeName: 'n1',
          restartPolicy: 'Never',
          containers: [
            { name: 'c', image: 'busybox', command: ['sh', '-c', 'for i in 1 2 3; do echo t$i; sleep 0.2; done'] },
          ],
        },
      },
    });
    await cluster.waitForPod('default', 'ticker', (p) => p?.status?.phase === 'Running');
    let text = '';
    await new Promise<void>((resolve, reject) => {
      const sink = new Writable({
        write(c: Buffer, _e, cb) {
          text += c.toString();
          cb();
        },
      });
      sink.on('finish', resolve);
      new Log(kc).log('default', 'ticker', 'c', sink, { follow: true }).catch(reject);
    });
    assert.equal(text, 't1\nt2\nt3\n');
  });
});
