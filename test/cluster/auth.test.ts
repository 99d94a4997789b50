// Authentication (tokens, client certificates over HTTPS), RBAC denials and Pod Security Admission,
// with the API server's exact wording.
import assert from 'node:assert/strict';
import https from 'node:https';
import { after, before, describe, it } from 'node:test';
import { client, node } from './helpers.js';
import { startCluster, type Cluster } from './index.js';
import type { Obj } from './util.js';

function httpsGet(
  cluster: Cluster,
  path: string,
  auth: { token?: string; cert?: { cert: string; key: string } },
): Promise<{ status: number; json: Obj }> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      `${cluster.httpsUrl}${path}`,
      {
        ca: cluster.caPem,
        cert: auth.cert?.cert,
        key: auth.cert?.key,
        headers: auth.token ? { Authorization: `Bearer ${auth.token}` } : {},
      },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => (body += c.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, json: JSON.parse(body || '{}') as Obj }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

const reader = (name: string, ns = 'default'): Obj => ({
  metadata: { name, namespace: ns },
  spec: {
    restartPolicy: 'Never',
    nodeName: 'n1',
    containers: [
      {
        name: 'reader',
        image: 'busybox:1.36',
        command: ['cat', '/host/sys/fs/cgroup/memory.stat'],
        volumeMounts: [{ name: 'cgroup', mountPath: '/host/sys/fs/cgroup', readOnly: true }],
      },
    ],
    volumes: [{ name: 'cgroup', hostPath: { path: '/sys/fs/cgroup', type: 'Directory' } }],
  },
});

describe('authentication and RBAC', () => {
  let cluster: Cluster;
  before(async () => {
    cluster = await startCluster(
      {
        nodes: [node('n1')],
        pods: [
          {
            metadata: { name: 'app', namespace: 'default' },
            spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'nginx' }] },
            status: { phase: 'Running' },
          },
        ],
        podMetrics: [{ metadata: { name: 'app', namespace: 'default' }, containers: [] }],
        users: [
          { name: 'admin', groups: ['system:masters'] },
          {
            name: 'alice',
            rules: [{ verbs: ['get', 'list'], resources: ['pods'], apiGroups: [''], namespaces: ['default'] }],
          },
          {
            name: 'memwhy',
            rules: [
              { verbs: ['get', 'list'], resources: ['pods', 'pods/log'], apiGroups: [''] },
              { verbs: ['create', 'delete'], resources: ['pods'], apiGroups: [''], namespaces: ['memwhy-system'] },
              { verbs: ['get'], resources: ['nodes', 'nodes/proxy'], apiGroups: [''] },
              { verbs: ['list'], resources: ['events'], apiGroups: [''] },
              { verbs: ['get'], resources: ['pods'], apiGroups: ['metrics.k8s.io'] },
            ],
          },
          { name: 'only-app', rules: [{ verbs: ['get'], resources: ['pods'], resourceNames: ['app'] }] },
        ],
      },
      {},
    );
  });
  after(async () => {
    await cluster.close();
  });

  it('403 with the namespaced wording, per verb and resource', async () => {
    const alice = client(cluster, 'alice');
    assert.equal((await alice.get('/api/v1/namespaces/default/pods/app')).status, 200);
    const del = await alice.del('/api/v1/namespaces/default/pods/app');
    assert.equal(del.status, 403);
    assert.deepEqual(del.json, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message:
        'pods "app" is forbidden: User "alice" cannot delete resource "pods" in API group "" in the namespace "default"',
      reason: 'Forbidden',
      details: { name: 'app', kind: 'pods' },
      code: 403,
    });
    const other = await alice.get('/api/v1/namespaces/kube-system/pods');
    assert.equal(
      other.json.message,
      'pods is forbidden: User "alice" cannot list resource "pods" in API group "" in the namespace "kube-system"',
    );
    assert.deepEqual(other.json.details, { kind: 'pods' });
    const all = await alice.get('/api/v1/pods');
    assert.equal(
      all.json.message,
      'pods is forbidden: User "alice" cannot list resource "pods" in API group "" at the cluster scope',
    );
    const watch = await alice.get('/api/v1/namespaces/default/pods?watch=true');
    assert.equal(
      watch.json.message,
      'pods is forbidden: User "alice" cannot watch resource "pods" in API group "" in the namespace "default"',
    );
    const log = await alice.get('/api/v1/namespaces/default/pods/app/log');
    assert.equal(
      log.json.message,
      'pods "app" is forbidden: User "alice" cannot get resource "pods/log" in API group "" in the namespace "default"',
    );
    const create = await alice.post('/api/v1/namespaces/default/pods', reader('r'));
    assert.equal(
      create.json.message,
      'pods is forbidden: User "alice" cannot create resource "pods" in API group "" in the namespace "default"',
    );
  });

  it('403 at the cluster scope for nodes, nodes/proxy; metrics group named', async () => {
    const alice = client(cluster, 'alice');
    const n = await alice.get('/api/v1/nodes/n1');
    assert.equal(
      n.json.message,
      'nodes "n1" is forbidden: User "alice" cannot get resource "nodes" in API group "" at the cluster scope',
    );
    assert.deepEqual(n.json.details, { name: 'n1', kind: 'nodes' });
    const p = await alice.get('/api/v1/nodes/n1/proxy/stats/summary');
    assert.equal(
      p.json.message,
      'nodes "n1" is forbidden: User "alice" cannot get resource "nodes/proxy" in API group "" at the cluster scope',
    );
    const m = await alice.get('/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/app');
    assert.equal(
      m.json.message,
      'pods.metrics.k8s.io "app" is forbidden: User "alice" cannot get resource "pods" in API group "metrics.k8s.io" in the namespace "default"',
    );
    assert.deepEqual(m.json.details, { name: 'app', group: 'metrics.k8s.io', kind: 'pods' });
    const ns = await alice.get('/api/v1/namespaces/default');
    assert.equal(
      ns.json.message,
      'namespaces "default" is forbidden: User "alice" cannot get resource "namespaces" in API group "" in the namespace "default"',
    );
  });

  it('allows exactly what the rules grant (memwhy-like role, resourceNames)', async () => {
    const mw = client(cluster, 'memwhy');
    assert.equal((await mw.get('/api/v1/namespaces/default/pods/app')).status, 200);
    assert.equal((await mw.get('/api/v1/nodes/n1')).status, 200);
    assert.equal((await mw.get('/api/v1/nodes/n1/proxy/stats/summary')).status, 200);
    assert.equal((await mw.get('/api/v1/namespaces/default/events')).status, 200);
    assert.equal((await mw.get('/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/app')).status, 200);
    assert.equal((await mw.post('/api/v1/namespaces/default/pods', reader('r'))).status, 403);
    assert.equal((await mw.get('/api/v1/nodes')).status, 403);
    const only = client(cluster, 'only-app');
    assert.equal((await only.get('/api/v1/namespaces/default/pods/app')).status, 200);
    assert.equal((await only.get('/api/v1/namespaces/kube-system/pods/app')).status, 404);
    assert.equal((await only.get('/api/v1/namespaces/default/pods/other')).status, 403);
    assert.equal((await only.get('/api/v1/namespaces/default/pods')).status, 403);
    // Discovery is open to every authenticated user.
    assert.equal((await only.get('/api/v1')).status, 200);
  });

  it('authenticates client certificates and tokens over HTTPS; rejects anonymous', async () => {
    const cert = await httpsGet(cluster, '/api/v1/namespaces/default/pods/app', { cert: cluster.clientCert('alice') });
    assert.equal(cert.status, 200);
    const denied = await httpsGet(cluster, '/api/v1/nodes/n1', { cert: cluster.clientCert('alice') });
    assert.match(denied.json.message, /User "alice" cannot get resource "nodes"/);
    const admin = await httpsGet(cluster, '/api/v1/nodes/n1', { cert: cluster.clientCert('admin') });
    assert.equal(admin.status, 200, 'O=system:masters in the certificate');
    const tok = await httpsGet(cluster, '/api/v1/nodes/n1', { token: cluster.token('admin') });
    assert.equal(tok.status, 200);
    const anon = await httpsGet(cluster, '/api/v1/nodes/n1', {});
    assert.equal(anon.status, 401);
    assert.equal(anon.json.reason, 'Unauthorized');
    const log = cluster.requests.filter((r) => r.scheme === 'https').map((r) => r.user);
    assert.deepEqual(log.slice(-5), ['alice', 'alice', 'admin', 'admin', null]);
  });
});

describe('Pod Security Admission', () => {
  let cluster: Cluster;
  before(async () => {
    cluster = await startCluster({
      nodes: [node('n1')],
      namespaces: [
        { metadata: { name: 'base', labels: { 'pod-security.kubernetes.io/enforce': 'baseline' } } },
        {
          metadata: {
            name: 'strict',
            labels: {
              'pod-security.kubernetes.io/enforce': 'restricted',
              'pod-security.kubernetes.io/enforce-version': 'v1.32',
            },
          },
        },
        {
          metadata: {
            name: 'open',
            labels: {
              'pod-security.kubernetes.io/enforce': 'privileged',
              'pod-security.kubernetes.io/warn': 'baseline',
            },
          },
        },
      ],
    });
  });
  after(async () => {
    await cluster.close();
  });

  it('baseline rejects a hostPath reader pod with the upstream message', async () => {
    const r = await client(cluster).post('/api/v1/namespaces/base/pods?dryRun=All', reader('reader-x', 'base'));
    assert.equal(r.status, 403);
    assert.deepEqual(r.json, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message:
        'pods "reader-x" is forbidden: violates PodSecurity "baseline:latest": hostPath volumes (volume "cgroup")',
      reason: 'Forbidden',
      details: { name: 'reader-x', kind: 'pods' },
      code: 403,
    });
  });

  it('baseline names host namespaces, privileged containers and extra capabilities', async () => {
    const pod = {
      metadata: { name: 'dbg' },
      spec: {
        hostNetwork: true,
        hostPID: true,
        containers: [
          { name: 'a', image: 'busybox', securityContext: { privileged: true } },
          {
            name: 'b',
            image: 'busybox',
            securityContext: { privileged: true, capabilities: { add: ['SYS_ADMIN', 'CHOWN'] } },
          },
        ],
        volumes: [
          { name: 'root', hostPath: { path: '/' } },
          { name: 'cg', hostPath: { path: '/sys/fs/cgroup' } },
        ],
      },
    };
    const r = await client(cluster).post('/api/v1/namespaces/base/pods', pod);
    assert.equal(
      r.json.message,
      'pods "dbg" is forbidden: violates PodSecurity "baseline:latest": non-default capabilities (container "b" must not include "SYS_ADMIN" in securityContext.capabilities.add), host namespaces (hostNetwork=true, hostPID=true), hostPath volumes (volumes "root", "cg"), privileged (containers "a", "b" must not set securityContext.privileged=true)',
    );
  });

  it('restricted requires non-root, no escalation, drop ALL, seccomp', async () => {
    const pod = { metadata: { name: 'plain' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } };
    const r = await client(cluster).post('/api/v1/namespaces/strict/pods', pod);
    assert.equal(r.status, 403);
    assert.equal(
      r.json.message,
      'pods "plain" is forbidden: violates PodSecurity "restricted:v1.32": allowPrivilegeEscalation != false (container "c" must set securityContext.allowPrivilegeEscalation=false), unrestricted capabilities (container "c" must set securityContext.capabilities.drop=["ALL"]), runAsNonRoot != true (pod or container "c" must set securityContext.runAsNonRoot=true), seccompProfile (pod or container "c" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
    );
    const hp = await client(cluster).post('/api/v1/namespaces/strict/pods', reader('rd', 'strict'));
    assert.match(
      hp.json.message,
      /hostPath volumes \(volume "cgroup"\), restricted volume types \(volume "cgroup" uses restricted volume type "hostPath"\)/,
    );
    const ok = await client(cluster).post('/api/v1/namespaces/strict/pods?dryRun=All', {
      metadata: { name: 'good' },
      spec: {
        securityContext: { runAsNonRoot: true, runAsUser: 65534, seccompProfile: { type: 'RuntimeDefault' } },
        containers: [
          {
            name: 'c',
            image: 'busybox',
            securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
          },
        ],
      },
    });
    assert.equal(ok.status, 201, ok.text);
  });

  it('privileged admits anything; warn adds a Warning header', async () => {
    const r = await client(cluster).post('/api/v1/namespaces/open/pods?dryRun=All', reader('rd', 'open'));
    assert.equal(r.status, 201);
    assert.equal(
      r.headers.get('warning'),
      '299 - "would violate PodSecurity \\"baseline:latest\\": hostPath volumes (volume \\"cgroup\\")"',
    );
  });

  it('the cluster default applies to unlabelled namespaces', async () => {
    const c = await startCluster({}, { psaDefault: 'baseline' });
    try {
      const r = await client(c).post('/api/v1/namespaces/default/pods', reader('rd'));
      assert.equal(r.status, 403);
      assert.match(r.json.message, /violates PodSecurity "baseline:latest": hostPath volumes/);
    } finally {
      await c.close();
    }
  });
});
