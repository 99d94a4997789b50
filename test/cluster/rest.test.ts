// REST semantics of the test cluster with plain fetch: discovery, Status bodies, selectors, pagination,
// tables, create/delete, watch, events, nodes/proxy, metrics, faults, request log.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { client, node } from './helpers.js';
import { startCluster, type Cluster } from './index.js';
import type { Obj } from './util.js';

const staticPod = (name: string, ns: string, labels: Record<string, string>, nodeName: string, phase: string): Obj => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: ns, labels, creationTimestamp: '2026-01-01T00:00:00Z' },
  spec: { nodeName, containers: [{ name: 'c', image: 'nginx:1.27' }] },
  status: {
    phase,
    podIP: '10.244.0.9',
    containerStatuses: [
      {
        name: 'c',
        ready: phase === 'Running',
        restartCount: 0,
        state:
          phase === 'Running'
            ? { running: { startedAt: '2026-01-01T00:00:01Z' } }
            : { terminated: { exitCode: 0, reason: 'Completed' } },
      },
    ],
  },
});

function state(): Obj {
  return {
    nodes: [node('n1'), node('n2', { ready: false })],
    pods: [
      staticPod('web-1', 'default', { app: 'web', tier: 'front' }, 'n1', 'Running'),
      staticPod('web-2', 'default', { app: 'web', tier: 'back' }, 'n1', 'Running'),
      staticPod('job-1', 'default', { app: 'job' }, 'n2', 'Succeeded'),
      staticPod('dns', 'kube-system', { 'k8s-app': 'kube-dns' }, 'n1', 'Running'),
    ],
    events: [
      {
        metadata: { name: 'web-1.1', namespace: 'default' },
        involvedObject: { kind: 'Pod', name: 'web-1', namespace: 'default', uid: 'u-web-1' },
        reason: 'Pulled',
        message: 'pulled',
        type: 'Normal',
        count: 1,
      },
      {
        metadata: { name: 'web-2.1', namespace: 'default' },
        involvedObject: { kind: 'Pod', name: 'web-2', namespace: 'default', uid: 'u-web-2' },
        reason: 'OOMKilling',
        message: 'oom',
        type: 'Warning',
        count: 2,
      },
      {
        metadata: { name: 'n1.1', namespace: 'default' },
        involvedObject: { kind: 'Node', name: 'n1', uid: 'n1' },
        reason: 'SystemOOM',
        message: 'System OOM encountered',
        type: 'Warning',
        count: 1,
      },
    ],
    podMetrics: [
      {
        metadata: { name: 'web-1', namespace: 'default' },
        timestamp: '2026-01-01T00:00:00Z',
        window: '30s',
        containers: [{ name: 'c', usage: { cpu: '5m', memory: '12Mi' } }],
      },
    ],
    nodeMetrics: [
      {
        metadata: { name: 'n1' },
        timestamp: '2026-01-01T00:00:00Z',
        window: '30s',
        usage: { cpu: '250m', memory: '2Gi' },
      },
    ],
    summaries: { n1: { node: { nodeName: 'n1', memory: { workingSetBytes: 123 } }, pods: [] } },
    namespaces: [{ metadata: { name: 'locked', labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } } }],
  };
}

describe('test cluster REST API', () => {
  let cluster: Cluster;
  let api: ReturnType<typeof client>;
  before(async () => {
    cluster = await startCluster(state(), { kubelet: { stepMs: 5, pullMs: 5 } });
    api = client(cluster);
  });
  after(async () => {
    await cluster.close();
  });

  it('serves discovery documents', async () => {
    const v = await api.get('/version');
    assert.equal(v.status, 200);
    assert.equal(v.json.gitVersion, 'v1.32.4');
    const a = await api.get('/api');
    assert.deepEqual(a.json.versions, ['v1']);
    const r = await api.get('/api/v1');
    assert.equal(r.json.kind, 'APIResourceList');
    const pods = r.json.resources.find((x: Obj) => x.name === 'pods');
    assert.deepEqual(pods.shortNames, ['po']);
    assert.equal(pods.namespaced, true);
    assert.ok(pods.verbs.includes('watch') && pods.verbs.includes('deletecollection'));
    assert.ok(r.json.resources.some((x: Obj) => x.name === 'pods/log' && x.verbs.includes('get')));
    assert.ok(r.json.resources.some((x: Obj) => x.name === 'nodes/proxy'));
    assert.equal(r.json.resources.find((x: Obj) => x.name === 'nodes').namespaced, false);
    const g = await api.get('/apis');
    assert.equal(g.json.kind, 'APIGroupList');
    assert.equal(g.json.groups[0].preferredVersion.groupVersion, 'metrics.k8s.io/v1beta1');
    const m = await api.get('/apis/metrics.k8s.io/v1beta1');
    assert.deepEqual(m.json.resources.map((x: Obj) => x.kind).sort(), ['NodeMetrics', 'PodMetrics']);
    const o = await api.get('/openapi/v3');
    assert.ok(o.json.paths['api/v1']);
    const nf = await api.get('/nope');
    assert.equal(nf.status, 404);
  });

  it('rejects anonymous and unknown tokens with 401 Unauthorized', async () => {
    for (const r of [
      await client(cluster, null).get('/api/v1/pods'),
      await fetch(`${cluster.httpUrl}/version`, { headers: { Authorization: 'Bearer nope' } }).then(async (x) => ({
        status: x.status,
        json: (await x.json()) as Obj,
      })),
    ]) {
      assert.equal(r.status, 401);
      assert.deepEqual(r.json, {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'Unauthorized',
        reason: 'Unauthorized',
        code: 401,
      });
    }
  });

  it('gets a pod, 404 with a NotFound Status', async () => {
    const r = await api.get('/api/v1/namespaces/default/pods/web-1');
    assert.equal(r.status, 200);
    assert.equal(r.json.kind, 'Pod');
    assert.equal(r.json.metadata.name, 'web-1');
    assert.match(r.json.metadata.resourceVersion, /^\d+$/);
    const nf = await api.get('/api/v1/namespaces/default/pods/nope');
    assert.equal(nf.status, 404);
    assert.deepEqual(nf.json, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'pods "nope" not found',
      reason: 'NotFound',
      details: { name: 'nope', kind: 'pods' },
      code: 404,
    });
  });

  it('lists pods with label and field selectors', async () => {
    const names = async (q: string, ns = 'namespaces/default/'): Promise<string[]> => {
      const r = await api.get(`/api/v1/${ns}pods${q}`);
      assert.equal(r.status, 200, r.text);
      assert.equal(r.json.kind, 'PodList');
      assert.match(r.json.metadata.resourceVersion, /^\d+$/);
      return r.json.items.map((p: Obj) => p.metadata.name);
    };
    assert.deepEqual(await names(''), ['job-1', 'web-1', 'web-2']);
    assert.deepEqual(await names('', ''), ['job-1', 'web-1', 'web-2', 'dns'], 'etcd key order: namespace, then name');
    const r = await api.get('/api/v1/namespaces/default/pods');
    assert.equal(r.json.items[0].kind, undefined, 'list items carry no kind');
    const enc = encodeURIComponent;
    assert.deepEqual(await names(`?labelSelector=${enc('app=web')}`), ['web-1', 'web-2']);
    assert.deepEqual(await names(`?labelSelector=${enc('app==web,tier!=back')}`), ['web-1']);
    assert.deepEqual(await names(`?labelSelector=${enc('app in (web,job),tier notin (front)')}`), ['job-1', 'web-2']);
    assert.deepEqual(await names(`?labelSelector=${enc('tier')}`), ['web-1', 'web-2']);
    assert.deepEqual(await names(`?labelSelector=${enc('!tier')}`), ['job-1']);
    assert.deepEqual(await names(`?fieldSelector=${enc('spec.nodeName=n1')}`, ''), ['web-1', 'web-2', 'dns']);
    assert.deepEqual(await names(`?fieldSelector=${enc('status.phase!=Running')}`, ''), ['job-1']);
    assert.deepEqual(await names(`?fieldSelector=${enc('metadata.name=web-2,metadata.namespace=default')}`, ''), [
      'web-2',
    ]);
    const bad = await api.get(`/api/v1/pods?fieldSelector=${enc('spec.foo=x')}`);
    assert.equal(bad.status, 400);
    assert.equal(bad.json.reason, 'BadRequest');
    assert.equal(bad.json.message, 'field label not supported: spec.foo');
  });

  it('paginates with limit and continue', async () => {
    const p1 = await api.get('/api/v1/pods?limit=3');
    assert.equal(p1.json.items.length, 3);
    assert.equal(p1.json.metadata.remainingItemCount, 1);
    const p2 = await api.get(`/api/v1/pods?limit=3&continue=${encodeURIComponent(p1.json.metadata.continue)}`);
    assert.deepEqual(
      p2.json.items.map((p: Obj) => p.metadata.name),
      ['dns'],
    );
    assert.equal(p2.json.metadata.continue, undefined);
  });

  it('answers Table requests like the server-side printers', async () => {
    const r = await api.get('/api/v1/namespaces/default/pods', {
      Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json',
    });
    assert.equal(r.json.kind, 'Table');
    assert.equal(r.json.apiVersion, 'meta.k8s.io/v1');
    assert.deepEqual(
      r.json.columnDefinitions.map((c: Obj) => c.name),
      ['Name', 'Ready', 'Status', 'Restarts', 'Age', 'IP', 'Node', 'Nominated Node', 'Readiness Gates'],
    );
    const web1 = r.json.rows.find((x: Obj) => x.cells[0] === 'web-1');
    assert.deepEqual(web1.cells.slice(0, 4), ['web-1', '1/1', 'Running', '0']);
    assert.equal(web1.cells[6], 'n1');
    assert.equal(web1.object.kind, 'PartialObjectMetadata');
    const job = r.json.rows.find((x: Obj) => x.cells[0] === 'job-1');
    assert.equal(job.cells[2], 'Completed');
    const n = await api.get('/api/v1/nodes', { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' });
    assert.deepEqual(
      n.json.rows.map((x: Obj) => x.cells.slice(0, 2)),
      [
        ['n1', 'Ready'],
        ['n2', 'NotReady'],
      ],
    );
  });

  it('creates pods: defaults, AlreadyExists, Invalid, namespace checks, generateName, dryRun', async () => {
    const pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'made', labels: { made: 'yes' } },
      spec: {
        containers: [
          {
            name: 'c',
            image: 'busybox:1.36',
            command: ['sleep', '30'],
            resources: { limits: { memory: '64Mi', cpu: '100m' } },
          },
        ],
      },
    };
    const r = await api.post('/api/v1/namespaces/default/pods?dryRun=All', pod);
    assert.equal(r.status, 201);
    assert.equal((await api.get('/api/v1/namespaces/default/pods/made')).status, 404, 'dry run stores nothing');
    const c = await api.post('/api/v1/namespaces/default/pods', { ...pod, spec: { ...pod.spec, nodeName: 'n2' } });
    assert.equal(c.status, 201, c.text);
    assert.match(c.json.metadata.uid, /^[0-9a-f-]{36}$/);
    assert.match(c.json.metadata.resourceVersion, /^\d+$/);
    assert.match(c.json.metadata.creationTimestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal(c.json.status.phase, 'Pending');
    assert.equal(c.json.status.qosClass, 'Guaranteed');
    assert.equal(c.json.spec.restartPolicy, 'Always');
    assert.equal(c.json.spec.containers[0].imagePullPolicy, 'IfNotPresent');
    assert.deepEqual(c.json.spec.containers[0].resources.requests, { memory: '64Mi', cpu: '100m' });
    const dup = await api.post('/api/v1/namespaces/default/pods', pod);
    assert.equal(dup.status, 409);
    assert.deepEqual(dup.json, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'pods "made" already exists',
      reason: 'AlreadyExists',
      details: { name: 'made', kind: 'pods' },
      code: 409,
    });
    const inv = await api.post('/api/v1/namespaces/default/pods', {
      metadata: { name: 'bad' },
      spec: { containers: [{ name: 'c' }] },
    });
    assert.equal(inv.status, 422);
    assert.equal(inv.json.reason, 'Invalid');
    assert.equal(inv.json.message, 'Pod "bad" is invalid: spec.containers[0].image: Required value');
    assert.deepEqual(inv.json.details.causes, [
      { reason: 'FieldValueRequired', message: 'Required value', field: 'spec.containers[0].image' },
    ]);
    const two = await api.post('/api/v1/namespaces/default/pods', {
      metadata: { name: 'Bad_Name' },
      spec: { containers: [] },
    });
    assert.equal(two.status, 422);
    assert.match(
      two.json.message,
      /^Pod "Bad_Name" is invalid: \[metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain .*, spec.containers: Required value\]$/,
    );
    const mism = await api.post('/api/v1/namespaces/default/pods', {
      ...pod,
      metadata: { name: 'x', namespace: 'other' },
    });
    assert.equal(mism.status, 400);
    assert.equal(
      mism.json.message,
      'the namespace of the provided object does not match the namespace sent on the request',
    );
    const nons = await api.post('/api/v1/namespaces/ghost/pods', pod);
    assert.equal(nons.status, 404);
    assert.equal(nons.json.message, 'namespaces "ghost" not found');
    const gen = await api.post('/api/v1/namespaces/default/pods', {
      ...pod,
      metadata: { generateName: 'reader-' },
      spec: { ...pod.spec, nodeName: 'n2' },
    });
    assert.equal(gen.status, 201);
    assert.match(gen.json.metadata.name, /^reader-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    const badJson = await fetch(`${cluster.httpUrl}/api/v1/namespaces/default/pods`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${cluster.token('admin')}`, 'Content-Type': 'application/json' },
      body: '{nope',
    });
    assert.equal(badJson.status, 400);
  });

  it('deletes: graceful on a node, immediate when unbound, 404 when gone, uid precondition', async () => {
    // Bound to n2 (NotReady): no kubelet confirms the deletion, the pod stays Terminating.
    const d = await api.del('/api/v1/namespaces/default/pods/made');
    assert.equal(d.status, 200);
    assert.equal(d.json.kind, 'Pod');
    assert.ok(d.json.metadata.deletionTimestamp);
    assert.equal(d.json.metadata.deletionGracePeriodSeconds, 30);
    const still = await api.get('/api/v1/namespaces/default/pods/made', {
      Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io',
    });
    assert.equal(still.json.rows[0].cells[2], 'Terminating');
    const pre = await api.del('/api/v1/namespaces/default/pods/made', {
      kind: 'DeleteOptions',
      apiVersion: 'v1',
      preconditions: { uid: 'wrong' },
    });
    assert.equal(pre.status, 409);
    assert.equal(pre.json.reason, 'Conflict');
    assert.match(
      pre.json.message,
      /^Operation cannot be fulfilled on pods "made": Precondition failed: UID in precondition: wrong, UID in object meta: /,
    );
    const force = await api.del('/api/v1/namespaces/default/pods/made?gracePeriodSeconds=0');
    assert.equal(force.status, 200);
    assert.equal((await api.get('/api/v1/namespaces/default/pods/made')).status, 404);
    const gone = await api.del('/api/v1/namespaces/default/pods/made');
    assert.equal(gone.status, 404);
    assert.equal(gone.json.message, 'pods "made" not found');
    // Unbound pods go at once.
    await api.post('/api/v1/namespaces/default/pods', {
      metadata: { name: 'unbound' },
      spec: { nodeSelector: { nowhere: 'x' }, containers: [{ name: 'c', image: 'busybox' }] },
    });
    const u = await api.del('/api/v1/namespaces/default/pods/unbound');
    assert.equal(u.status, 200);
    assert.equal((await api.get('/api/v1/namespaces/default/pods/unbound')).status, 404);
  });

  it('deletecollection with a labelSelector returns the deleted pods', async () => {
    for (const n of ['dc-1', 'dc-2']) {
      const r = await api.post('/api/v1/namespaces/default/pods', {
        metadata: { name: n, labels: { batch: 'dc' } },
        spec: { nodeName: 'n2', containers: [{ name: 'c', image: 'busybox' }] },
      });
      assert.equal(r.status, 201);
    }
    const r = await api.del('/api/v1/namespaces/default/pods?labelSelector=batch%3Ddc&gracePeriodSeconds=0');
    assert.equal(r.status, 200);
    assert.equal(r.json.kind, 'PodList');
    assert.deepEqual(
      r.json.items.map((p: Obj) => p.metadata.name),
      ['dc-1', 'dc-2'],
    );
    const left = await api.get('/api/v1/namespaces/default/pods?labelSelector=batch%3Ddc');
    assert.equal(left.json.items.length, 0);
  });

  it('watches: ADDED, MODIFIED, DELETED from a resourceVersion; timeoutSeconds ends cleanly', async () => {
    const list = await api.get('/api/v1/namespaces/default/pods');
    const rv = list.json.metadata.resourceVersion;
    const w = await api.stream(
      `/api/v1/namespaces/default/pods?watch=true&resourceVersion=${rv}&labelSelector=w%3D1&timeoutSeconds=2`,
    );
    assert.equal(w.res.status, 200);
    assert.equal(w.res.headers.get('content-type'), 'application/json');
    await api.post('/api/v1/namespaces/default/pods', {
      metadata: { name: 'watched', labels: { w: '1' } },
      spec: { nodeName: 'n2', containers: [{ name: 'c', image: 'busybox' }] },
    });
    await api.del('/api/v1/namespaces/default/pods/watched'); // graceful: MODIFIED (deletionTimestamp)
    await api.del('/api/v1/namespaces/default/pods/watched?gracePeriodSeconds=0'); // DELETED
    await w.until((s) => s.events.length >= 3);
    const ev = w.events;
    assert.deepEqual(
      ev.map((e) => e.type),
      ['ADDED', 'MODIFIED', 'DELETED'],
    );
    assert.equal(ev[0]!.object.kind, 'Pod');
    assert.equal(ev[0]!.object.metadata.name, 'watched');
    assert.ok(Number(ev[1]!.object.metadata.resourceVersion) > Number(ev[0]!.object.metadata.resourceVersion));
    const t0 = Date.now();
    await w.until((s) => s.ended, 5000);
    assert.equal(w.error, null, 'ends cleanly');
    assert.ok(Date.now() - t0 < 3000);
  });

  it('watch without resourceVersion starts with ADDED for existing objects; selector changes become ADDED/DELETED', async () => {
    const w = await api.stream('/api/v1/namespaces/default/pods?watch=1&labelSelector=app%3Dweb');
    await w.until((s) => s.events.length >= 2);
    assert.deepEqual(
      w.events.map((e) => `${e.type} ${e.object.metadata.name}`),
      ['ADDED web-1', 'ADDED web-2'],
    );
    cluster.store.update('pods', 'default', 'web-2', (p) => {
      p.metadata.labels.app = 'other';
    });
    cluster.store.update('pods', 'default', 'web-2', (p) => {
      p.metadata.labels.app = 'web';
    });
    await w.until((s) => s.events.length >= 4);
    assert.deepEqual(
      w.events.slice(2).map((e) => `${e.type} ${e.object.metadata.name}`),
      ['DELETED web-2', 'ADDED web-2'],
    );
    w.close();
  });

  it('a too old resourceVersion gets an ERROR 410 Expired event', async () => {
    const w = await api.stream('/api/v1/pods?watch=true&resourceVersion=1');
    await w.until((s) => s.ended);
    const [e] = w.events;
    assert.equal(e!.type, 'ERROR');
    assert.equal(e!.object.code, 410);
    assert.equal(e!.object.reason, 'Expired');
    assert.match(e!.object.message, /^too old resource version: 1 \(\d+\)$/);
  });

  it('lists events with involvedObject field selectors', async () => {
    const r = await api.get('/api/v1/namespaces/default/events?fieldSelector=involvedObject.name%3Dweb-2');
    assert.deepEqual(
      r.json.items.map((e: Obj) => e.reason),
      ['OOMKilling'],
    );
    const k = await api.get('/api/v1/events?fieldSelector=involvedObject.kind%3DNode');
    assert.deepEqual(
      k.json.items.map((e: Obj) => e.reason),
      ['SystemOOM'],
    );
    const u = await api.get(
      '/api/v1/namespaces/default/events?fieldSelector=involvedObject.uid%3Du-web-1,involvedObject.namespace%3Ddefault',
    );
    assert.deepEqual(
      u.json.items.map((e: Obj) => e.reason),
      ['Pulled'],
    );
    assert.equal(k.json.kind, 'EventList');
  });

  it('serves nodes and the kubelet summary through nodes/proxy; NotReady node → 503', async () => {
    assert.equal((await api.get('/api/v1/nodes/n1')).json.metadata.name, 'n1');
    const nf = await api.get('/api/v1/nodes/zz');
    assert.equal(nf.json.message, 'nodes "zz" not found');
    const s = await api.get('/api/v1/nodes/n1/proxy/stats/summary');
    assert.equal(s.status, 200);
    assert.equal(s.json.node.memory.workingSetBytes, 123);
    const down = await api.get('/api/v1/nodes/n2/proxy/stats/summary');
    assert.equal(down.status, 503);
    assert.equal(down.json.reason, 'ServiceUnavailable');
  });

  it('serves metrics.k8s.io pods and nodes', async () => {
    const m = await api.get('/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/web-1');
    assert.equal(m.json.kind, 'PodMetrics');
    assert.equal(m.json.containers[0].usage.memory, '12Mi');
    assert.deepEqual(m.json.metadata.labels, { app: 'web', tier: 'front' });
    const l = await api.get('/apis/metrics.k8s.io/v1beta1/pods?labelSelector=tier%3Dfront');
    assert.equal(l.json.kind, 'PodMetricsList');
    assert.equal(l.json.items.length, 1);
    const nf = await api.get('/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/web-2');
    assert.equal(nf.status, 404);
    assert.equal(nf.json.message, 'podmetrics.metrics.k8s.io "default/web-2" not found');
    const n = await api.get('/apis/metrics.k8s.io/v1beta1/nodes/n1');
    assert.equal(n.json.usage.memory, '2Gi');
  });

  it('serves namespaces with their Pod Security labels', async () => {
    const r = await api.get('/api/v1/namespaces/locked');
    assert.equal(r.json.metadata.labels['pod-security.kubernetes.io/enforce'], 'restricted');
    assert.equal(r.json.metadata.labels['kubernetes.io/metadata.name'], 'locked');
    assert.equal(r.json.status.phase, 'Active');
    const l = await api.get('/api/v1/namespaces');
    assert.deepEqual(
      l.json.items.map((n: Obj) => n.metadata.name),
      ['default', 'kube-node-lease', 'kube-public', 'kube-system', 'locked'],
    );
  });

  it('injects faults: latency, 5xx, 409 on create, limited times', async () => {
    const off1 = cluster.fault('GET /api/v1/namespaces/*/pods/web-1', { latencyMs: 150 });
    const t0 = Date.now();
    assert.equal((await api.get('/api/v1/namespaces/default/pods/web-1')).status, 200);
    assert.ok(Date.now() - t0 >= 140);
    off1();
    const off2 = cluster.fault({ resource: 'nodes', verb: 'get' }, { status: 503, times: 1 });
    const f = await api.get('/api/v1/nodes/n1');
    assert.equal(f.status, 503);
    assert.equal(f.json.reason, 'ServiceUnavailable');
    assert.equal((await api.get('/api/v1/nodes/n1')).status, 200, 'times: 1');
    off2();
    cluster.fault({ method: 'GET', path: '/api/v1/namespaces/default/events' }, { status: 500, times: 1 });
    const e = await api.get('/api/v1/namespaces/default/events');
    assert.equal(e.status, 500);
    assert.deepEqual(e.json, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Internal error occurred: injected fault',
      reason: 'InternalError',
      details: { causes: [{ message: 'injected fault' }] },
      code: 500,
    });
    cluster.fault({ method: 'POST', resource: 'pods' }, { status: 409, times: 1 });
    const c = await api.post('/api/v1/namespaces/default/pods', {
      metadata: { name: 'conflicted' },
      spec: { containers: [{ name: 'c', image: 'busybox' }] },
    });
    assert.equal(c.status, 409);
    assert.equal(c.json.reason, 'AlreadyExists');
    assert.equal(c.json.message, 'pods "conflicted" already exists');
    assert.equal((await api.get('/api/v1/namespaces/default/pods/conflicted')).status, 404);
    cluster.fault({ method: 'GET', resource: 'namespaces' }, { status: 429, retryAfterSeconds: 2, times: 1 });
    const t = await api.get('/api/v1/namespaces');
    assert.equal(t.status, 429);
    assert.equal(t.headers.get('retry-after'), '2');
  });

  it('drops watch connections on request', async () => {
    cluster.fault({ verb: 'watch', resource: 'pods' }, { dropWatchAfterEvents: 1, times: 1 });
    const w = await api.stream('/api/v1/namespaces/default/pods?watch=true');
    await w.until((s) => s.ended);
    assert.equal(w.events.length, 1);
    assert.ok(w.error, 'the stream breaks instead of ending cleanly');
    cluster.fault({ verb: 'watch', resource: 'nodes' }, { dropWatchAfterMs: 100, times: 1 });
    const w2 = await api.stream('/api/v1/nodes?watch=true');
    await w2.until((s) => s.ended);
    assert.ok(w2.error);
  });

  it('keeps a request log', async () => {
    const before = cluster.requests.length;
    await api.get('/api/v1/namespaces/default/pods/web-1');
    await client(cluster, null).get('/api/v1/namespaces/default/pods/web-1');
    const [a, b] = cluster.requests.slice(before);
    assert.deepEqual(
      {
        method: a!.method,
        path: a!.path,
        user: a!.user,
        status: a!.status,
        verb: a!.verb,
        resource: a!.resource,
        namespace: a!.namespace,
        name: a!.name,
        scheme: a!.scheme,
      },
      {
        method: 'GET',
        path: '/api/v1/namespaces/default/pods/web-1',
        user: 'admin',
        status: 200,
        verb: 'get',
        resource: 'pods',
        namespace: 'default',
        name: 'web-1',
        scheme: 'http',
      },
    );
    assert.equal(b!.user, null);
    assert.equal(b!.status, 401);
  });
});

describe('test cluster without metrics-server', () => {
  it('does not advertise or serve metrics.k8s.io', async () => {
    const cluster = await startCluster({}, { metrics: false });
    try {
      const api = client(cluster);
      assert.deepEqual((await api.get('/apis')).json.groups, []);
      assert.equal((await api.get('/apis/metrics.k8s.io/v1beta1/pods')).status, 404);
    } finally {
      await cluster.close();
    }
  });
});
