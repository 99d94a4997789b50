// The installed kubectl (1.32) against the test cluster: discovery, server-side tables, describe,
// logs, top, raw proxy paths, create/delete (openapi v3 + watch), errors; over token, client
// certificate, token file and plain HTTP kubeconfigs.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { busyboxPod, client, kubectl, node } from './helpers.js';
import { loadSnapshotState, startCluster, type Cluster } from './index.js';

const EXAMPLE = new URL('../../examples/oomkilled-container', import.meta.url).pathname;

describe('kubectl against the test cluster', () => {
  let cluster: Cluster;
  let kc: string;
  let cache: string;
  const k = (...args: string[]) => kubectl(kc, args, cache);
  before(async () => {
    const state = loadSnapshotState(EXAMPLE);
    state.nodes!.push(node('n2'));
    state.podMetrics = [
      {
        metadata: { name: 'oom-container', namespace: 'default' },
        timestamp: '2026-11-23T02:40:00Z',
        window: '15s',
        containers: [
          { name: 'app', usage: { cpu: '12m', memory: '61236Ki' } },
          { name: 'sidecar', usage: { cpu: '1m', memory: '512Ki' } },
        ],
      },
    ];
    state.nodeMetrics = [
      {
        metadata: { name: 'lab-node-1' },
        timestamp: '2026-11-23T02:40:00Z',
        window: '15s',
        usage: { cpu: '420m', memory: '3Gi' },
      },
    ];
    state.logs = {
      'default/oom-container/app': 'allocating 10MiB\nallocating 20MiB\n',
      'default/oom-container/app/previous': 'allocating 60MiB\nKilled\n',
    };
    state.users = [
      { name: 'admin', groups: ['system:masters'] },
      { name: 'alice', rules: [{ verbs: ['get', 'list'], resources: ['pods'], namespaces: ['default'] }] },
    ];
    // kubectl sends no credentials to http:// servers: the HTTP listener maps those requests to admin.
    cluster = await startCluster(state, { kubelet: { stepMs: 5, pullMs: 5 }, httpAnonymousUser: 'admin' });
    kc = cluster.kubeconfig('admin');
    cache = join(cluster.workDir, 'kube-cache');
    const r = await client(cluster).post(
      '/api/v1/namespaces/default/pods',
      busyboxPod('echoer', ['sh', '-c', 'echo line one; echo line two'], { spec: { nodeName: 'n2' } }),
    );
    assert.equal(r.status, 201);
    await cluster.waitForPod('default', 'echoer', (p) => p?.status?.phase === 'Succeeded');
  });
  after(async () => {
    await cluster.close();
  });

  it('kubectl version and api-resources use discovery', async () => {
    const v = await k('version', '-o', 'json');
    assert.equal(v.code, 0, v.stderr);
    assert.equal(JSON.parse(v.stdout).serverVersion.gitVersion, 'v1.32.4');
    const r = await k('api-resources');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^pods\s+po\s+v1\s+true\s+Pod$/m);
    assert.match(r.stdout, /^nodes\s+no\s+v1\s+false\s+Node$/m);
    assert.match(r.stdout, /^pods\s+metrics\.k8s\.io\/v1beta1\s+true\s+PodMetrics$/m);
  });

  it('kubectl get pods -o wide prints the server-side table', async () => {
    const r = await k('get', 'pods', '-o', 'wide');
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trim().split('\n');
    assert.match(lines[0]!, /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES$/);
    assert.match(r.stdout, /^echoer\s+0\/1\s+Completed\s+0\s+\S+\s+10\.244\.\d+\.\d+\s+n2\s+<none>\s+<none>$/m);
    assert.match(
      r.stdout,
      /^oom-container\s+2\/2\s+Running\s+1 \(\S+ ago\)\s+\S+\s+10\.244\.1\.23\s+lab-node-1\s+<none>\s+<none>$/m,
    );
    const all = await k('get', 'pods', '-A', '--show-labels');
    assert.match(all.stdout, /^NAMESPACE\s+NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+LABELS$/m);
    assert.match(all.stdout, /^default\s+oom-container\s+.*run=oom-container$/m);
    const sel = await k('get', 'pods', '-l', 'app=echoer', '--field-selector', 'status.phase=Succeeded', '-o', 'name');
    assert.equal(sel.stdout, 'pod/echoer\n');
  });

  it('kubectl get nodes', async () => {
    const r = await k('get', 'nodes', '-o', 'wide');
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      /^lab-node-1\s+Ready\s+<none>\s+\S+\s+v1\.31\.4\s+<none>\s+<none>\s+memwhy kernel lab \(cgroup v1\)\s+6\.18\.44-fc-v782\s+containerd:\/\/1\.7\.24$/m,
    );
    assert.match(
      r.stdout,
      /^n2\s+Ready\s+<none>\s+\S+\s+v1\.32\.4\s+10\.0\.0\.5\s+<none>\s+Debian GNU\/Linux 12 \(bookworm\)/m,
    );
  });

  it('kubectl describe pod', async () => {
    const r = await k('describe', 'pod', 'oom-container');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Name:\s+oom-container$/m);
    assert.match(r.stdout, /^Node:\s+lab-node-1\/10\.0\.0\.11$/m);
    assert.match(r.stdout, /^Status:\s+Running$/m);
    assert.match(r.stdout, /^QoS Class:\s+Burstable$/m);
    assert.match(r.stdout, /Last State:\s+Terminated\n\s+Reason:\s+OOMKilled\n\s+Exit Code:\s+137/);
    assert.match(r.stdout, /Limits:\n\s+memory:\s+64Mi/);
    const e = await k('describe', 'pod', 'echoer');
    assert.equal(e.code, 0, e.stderr);
    assert.match(e.stdout, /State:\s+Terminated\n\s+Reason:\s+Completed\n\s+Exit Code:\s+0/);
    assert.match(e.stdout, /Events:\n\s+Type\s+Reason\s+Age\s+From\s+Message/);
    assert.match(e.stdout, /Normal\s+Pulling\s+\S+\s+kubelet\s+Pulling image "busybox:1\.36"/);
    assert.match(e.stdout, /Normal\s+Started\s+\S+\s+kubelet\s+Started container main/);
  });

  it('kubectl logs: live pod, static pod (with container default and --previous), tail', async () => {
    const live = await k('logs', 'echoer');
    assert.equal(live.code, 0, live.stderr);
    assert.equal(live.stdout, 'line one\nline two\n');
    const stat = await k('logs', 'oom-container');
    assert.equal(stat.stdout, 'allocating 10MiB\nallocating 20MiB\n');
    assert.match(stat.stderr, /Defaulted container "app" out of: app, sidecar/);
    const prev = await k('logs', 'oom-container', '-c', 'app', '--previous');
    assert.equal(prev.stdout, 'allocating 60MiB\nKilled\n');
    const tail = await k('logs', 'echoer', '--tail=1');
    assert.equal(tail.stdout, 'line two\n');
  });

  it('kubectl top pod / node', async () => {
    const r = await k('top', 'pod', 'oom-container');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^NAME\s+CPU\(cores\)\s+MEMORY\(bytes\)\s*\noom-container\s+13m\s+60Mi\s*$/);
    const c = await k('top', 'pod', 'oom-container', '--containers');
    assert.match(c.stdout, /^oom-container\s+app\s+12m\s+59Mi\s*$/m);
    const n = await k('top', 'node', 'lab-node-1');
    assert.equal(n.code, 0, n.stderr);
    assert.match(n.stdout, /^lab-node-1\s+420m\s+\d+%\s+3072Mi\s+\d+%\s*$/m);
    const missing = await k('top', 'pod', 'echoer');
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /podmetrics\.metrics\.k8s\.io "default\/echoer" not found/);
  });

  it('kubectl get --raw reaches the kubelet summary and metrics', async () => {
    const r = await k('get', '--raw', '/api/v1/nodes/lab-node-1/proxy/stats/summary');
    assert.equal(r.code, 0, r.stderr);
    assert.equal(JSON.parse(r.stdout).node.nodeName, 'lab-node-1');
    const m = await k('get', '--raw', '/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/oom-container');
    assert.equal(JSON.parse(m.stdout).kind, 'PodMetrics');
  });

  it('kubectl get events', async () => {
    const r = await k('get', 'events', '--field-selector', 'involvedObject.name=echoer');
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^LAST SEEN\s+TYPE\s+REASON\s+OBJECT\s+MESSAGE$/m);
    assert.match(r.stdout, /Normal\s+Created\s+pod\/echoer\s+Created container: main/);
  });

  it('kubectl create -f, logs -f, delete (waits on a watch)', async () => {
    const file = join(cluster.workDir, 'pod.json');
    writeFileSync(
      file,
      JSON.stringify(
        busyboxPod('made-by-kubectl', ['sh', '-c', 'sleep 30'], {
          spec: { nodeName: 'n2', terminationGracePeriodSeconds: 1 },
        }),
      ),
    );
    const c = await k('create', '-f', file);
    assert.equal(c.code, 0, c.stderr);
    assert.equal(c.stdout, 'pod/made-by-kubectl created\n');
    await cluster.waitForPod('default', 'made-by-kubectl', (p) => p?.status?.phase === 'Running');
    const w = await k('wait', '--for=condition=Ready', 'pod/made-by-kubectl', '--timeout=10s');
    assert.equal(w.code, 0, w.stderr);
    assert.equal(w.stdout, 'pod/made-by-kubectl condition met\n');
    const tick = join(cluster.workDir, 'ticker.json');
    writeFileSync(
      tick,
      JSON.stringify(
        busyboxPod('ticker', ['sh', '-c', 'for i in 1 2 3; do echo n$i; sleep 0.3; done'], {
          spec: { nodeName: 'n2' },
        }),
      ),
    );
    assert.equal((await k('create', '-f', tick)).code, 0);
    // Like a real kubelet, logs of a container still being created are a 400 ("waiting to start").
    await cluster.waitForPod('default', 'ticker', (p) => p?.status?.phase === 'Running');
    const f = await k('logs', '-f', 'ticker');
    assert.equal(f.code, 0, f.stderr);
    assert.equal(f.stdout, 'n1\nn2\nn3\n');
    assert.ok(cluster.requests.some((x) => x.subresource === 'log' && x.query.follow === 'true'));
    const d = await k('delete', 'pod', 'made-by-kubectl', '--wait=true');
    assert.equal(d.code, 0, d.stderr);
    assert.equal(d.stdout, 'pod "made-by-kubectl" deleted\n');
    assert.equal(cluster.store.get('pods', 'default', 'made-by-kubectl'), undefined);
    const req = cluster.requests.filter((x) => x.verb === 'watch' && x.resource === 'pods');
    assert.ok(req.length > 0, 'kubectl delete --wait watched the pod');
  });

  it('kubectl prints API errors: NotFound, Forbidden', async () => {
    const nf = await k('get', 'pod', 'nope');
    assert.notEqual(nf.code, 0);
    assert.equal(nf.stderr.trim(), 'Error from server (NotFound): pods "nope" not found');
    const alice = cluster.kubeconfig('alice');
    const f = await kubectl(alice, ['get', 'nodes'], cache);
    assert.equal(
      f.stderr.trim(),
      'Error from server (Forbidden): nodes is forbidden: User "alice" cannot list resource "nodes" in API group "" at the cluster scope',
    );
    const ok = await kubectl(alice, ['get', 'pods', '-o', 'name'], cache);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /pod\/oom-container/);
  });

  it('kubectl with client certificate, token file and plain HTTP kubeconfigs', async () => {
    for (const cfg of [
      cluster.kubeconfig('admin', { auth: 'cert' }),
      cluster.kubeconfig('admin', { auth: 'tokenFile' }),
      cluster.kubeconfig('admin', { server: 'http' }),
      cluster.kubeconfig('admin', { server: 'https', insecureSkipTlsVerify: true, namespace: 'kube-system' }),
    ]) {
      const r = await kubectl(cfg, ['get', 'pods', '-n', 'default', '-o', 'name'], cache);
      assert.equal(r.code, 0, `${cfg}: ${r.stderr}`);
      assert.match(r.stdout, /pod\/oom-container/);
    }
    const certUser = cluster.requests.filter((x) => x.scheme === 'https').at(-1);
    assert.equal(certUser?.user, 'admin');
    assert.ok(cluster.requests.some((x) => x.scheme === 'http' && x.user === 'admin'));
  });
});
