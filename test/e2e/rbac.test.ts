// deploy/rbac.yaml holds exactly the verbs memwhy uses, least privilege: a read-only ClusterRole (bound
// cluster-wide) and a Role for the reader pod in the memwhy namespace (bound there). A user with exactly those runs
// a full live diagnosis (reader pod included, --reader-namespace memwhy) and nothing is forbidden; without one of
// its rules, the notice names it; and that user cannot create a pod anywhere else (kube-system, the workloads').
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadAll } from 'js-yaml';
import { run } from '../../src/cli/main.js';
import { client } from '../cluster/helpers.js';
import { loadSnapshotState, startCluster, type PolicyRule } from '../cluster/index.js';

const NOW = '2026-11-23T00:00:00.000Z';
const KUBELET = { stepMs: 5, pullMs: 5 };

interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

interface Doc {
  kind?: string;
  metadata?: { name?: string; namespace?: string; labels?: Record<string, string> };
  rules?: Rule[];
}

function deployDocs(): Doc[] {
  return loadAll(readFileSync('deploy/rbac.yaml', 'utf8')) as Doc[];
}

/** The ClusterRole bound cluster-wide (a ClusterRoleBinding) plus the Role bound in its namespace (a RoleBinding). */
function clusterRoleRules(): PolicyRule[] {
  const docs = deployDocs();
  const role = docs.find((d) => d?.kind === 'ClusterRole');
  assert.ok(role?.rules?.length, 'deploy/rbac.yaml has a ClusterRole with rules');
  const reader = docs.find((d) => d?.kind === 'Role');
  assert.ok(reader?.rules?.length && reader.metadata?.namespace, 'deploy/rbac.yaml has a namespaced Role with rules');
  for (const r of role.rules)
    assert.deepEqual(
      r.verbs.filter((v) => !['get', 'list'].includes(v)),
      [],
      `the ClusterRole is read-only: ${r.resources.join(',')} ${r.verbs.join(',')}`,
    );
  return [
    ...role.rules.map((r) => ({ verbs: r.verbs, resources: r.resources, apiGroups: r.apiGroups })),
    ...reader.rules.map((r) => ({
      verbs: r.verbs,
      resources: r.resources,
      apiGroups: r.apiGroups,
      namespaces: [reader.metadata!.namespace!],
    })),
  ];
}

/** The reader namespace deploy/rbac.yaml makes (with its Pod Security labels), as the test cluster's state. */
function readerNamespace(): { name: string; doc: Doc } {
  const ns = deployDocs().find((d) => d?.kind === 'Namespace');
  assert.ok(ns?.metadata?.name);
  assert.equal(
    ns.metadata.labels?.['pod-security.kubernetes.io/enforce'],
    'privileged',
    'the reader namespace admits the hostPath mount',
  );
  return { name: ns.metadata.name, doc: ns };
}

async function diagnoseAs(
  rules: PolicyRule[],
  extra: string[] = ['--reader-namespace', readerNamespace().name],
): Promise<{
  code: number;
  json: {
    notices: Array<{ part: string; message: string }>;
    cgroup: unknown;
    verdicts: Array<{ kind: string; level: string | null }>;
  };
  stderr: string;
  leftover: number;
  refused: string[];
}> {
  const state = loadSnapshotState('examples/oomkilled-container');
  state.users = [
    { name: 'admin', groups: ['system:masters'] },
    { name: 'alice', rules },
  ];
  state.namespaces = [...(state.namespaces ?? []), readerNamespace().doc as never];
  const c = await startCluster(state, { kubelet: KUBELET });
  const home = mkdtempSync(join(tmpdir(), 'memwhy-rbac-'));
  try {
    let out = '';
    let err = '';
    const code = await run(
      ['oom-container', '-n', 'default', '-o', 'json', '--kubeconfig', c.kubeconfig('alice'), '--now', NOW, ...extra],
      {},
      { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) }, cwd: home, home },
    );
    const leftover = c.state.pods.filter(
      (p) =>
        (p as { metadata?: { labels?: Record<string, string> } }).metadata?.labels?.['app.kubernetes.io/managed-by'] ===
        'kubectl-memwhy',
    ).length;
    const refused = c.requests.filter((q) => q.status === 403).map((q) => `${q.method} ${q.path}`);
    return { code, json: JSON.parse(out || '{}'), stderr: err, leftover, refused };
  } finally {
    await c.close();
    rmSync(home, { recursive: true, force: true });
  }
}

test('with exactly deploy/rbac.yaml (ClusterRole + Role) and --reader-namespace memwhy, a full live diagnosis reads everything: nothing is forbidden', async () => {
  const r = await diagnoseAs(clusterRoleRules());
  assert.equal(r.code, 0, r.stderr);
  const forbidden = r.json.notices.filter((n) => /forbidden|RBAC|cannot/i.test(n.message));
  assert.deepEqual(forbidden, []);
  assert.deepEqual(r.refused, [], 'the API server refused nothing');
  assert.ok(r.json.cgroup, 'the reader pod ran and its cgroup files were analysed');
  assert.deepEqual(
    { kind: r.json.verdicts[0]?.kind, level: r.json.verdicts[0]?.level },
    { kind: 'OOMKilled', level: 'container' },
  );
  assert.equal(r.leftover, 0);
});

test('without the nodes/proxy rule the kubelet summary is skipped with the missing permission named', async () => {
  const rules = clusterRoleRules().filter((r) => !r.resources.includes('nodes/proxy'));
  const r = await diagnoseAs(rules);
  assert.equal(r.code, 0, r.stderr);
  assert.ok(r.json.cgroup, 'the cgroup files still come from the reader');
  assert.equal(r.leftover, 0);
  // With cgroup files the figures do not need the summary, so no notice mentions it; the rule is needed
  // for exactly this request, which the API server now refuses.
  assert.deepEqual(
    r.refused.map((x) => x.split('?')[0]),
    ['GET /api/v1/nodes/lab-node-1/proxy/stats/summary'],
  );
});

test('without pods create the reader cannot run: the answer comes from the API and says which RBAC it needs', async () => {
  const rules = clusterRoleRules().map((r) =>
    r.resources.includes('pods') ? { ...r, verbs: r.verbs.filter((v) => v !== 'create') } : r,
  );
  const r = await diagnoseAs(rules);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.json.cgroup, null);
  const notice = r.json.notices.find((n) => n.part === 'cgroup' || n.part === 'usage');
  assert.match(JSON.stringify(r.json.notices), /create, get, delete pods and get pods\/log/);
  assert.ok(notice);
  assert.equal(r.json.verdicts[0]?.kind, 'OOMKilled', 'still known from the runtime status');
  assert.equal(r.leftover, 0);
});

/** A pod an attacker would want: privileged, host PID and network, the node's root file system. */
function privilegedPod(ns: string): object {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'pwn', namespace: ns },
    spec: {
      nodeName: 'lab-node-1',
      hostPID: true,
      hostNetwork: true,
      containers: [
        {
          name: 'x',
          image: 'busybox:1.36',
          command: ['sleep', '3600'],
          securityContext: { privileged: true },
          volumeMounts: [{ name: 'root', mountPath: '/host' }],
        },
      ],
      volumes: [{ name: 'root', hostPath: { path: '/' } }],
    },
  };
}

test("a user with exactly deploy/rbac.yaml cannot create a pod outside the reader namespace: kube-system, default, the target's", async () => {
  const state = loadSnapshotState('examples/oomkilled-container');
  state.users = [
    { name: 'admin', groups: ['system:masters'] },
    { name: 'alice', rules: clusterRoleRules() },
  ];
  state.namespaces = [
    ...(state.namespaces ?? []),
    readerNamespace().doc as never,
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } } as never,
  ];
  const c = await startCluster(state, { kubelet: KUBELET });
  try {
    const alice = client(c, 'alice');
    for (const ns of ['kube-system', 'default', 'shop']) {
      const r = await alice.post(`/api/v1/namespaces/${ns}/pods?dryRun=All`, privilegedPod(ns));
      assert.equal(r.status, 403, `${ns}: ${r.text}`);
      assert.match(
        String(r.json.message),
        new RegExp(`User "alice" cannot create resource "pods" in API group "" in the namespace "${ns}"`),
      );
      const del = await alice.del(`/api/v1/namespaces/${ns}/pods/oom-container`);
      assert.equal(del.status, 403, `${ns}: no delete either`);
    }
    // Nor any write at the cluster scope.
    const node = await alice.del('/api/v1/nodes/lab-node-1');
    assert.equal(node.status, 403);
  } finally {
    await c.close();
  }
});

test("with deploy/rbac.yaml but without --reader-namespace: the default (the target's namespace) is refused, and the hint names --reader-namespace", async () => {
  const r = await diagnoseAs(clusterRoleRules(), []);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.json.cgroup, null);
  assert.match(JSON.stringify(r.json.notices), /--reader-namespace memwhy/);
  assert.equal(r.leftover, 0);
});

test('with exactly the ClusterRole, the views read everything they need: `memwhy -A --deep` and `memwhy node/<name>` miss no part', async () => {
  const state = loadSnapshotState('examples/oomkilled-container');
  state.users = [
    { name: 'admin', groups: ['system:masters'] },
    { name: 'alice', rules: clusterRoleRules() },
  ];
  const c = await startCluster(state, { kubelet: KUBELET });
  const home = mkdtempSync(join(tmpdir(), 'memwhy-rbac-'));
  try {
    for (const argv of [
      ['-A', '--deep'],
      ['node/lab-node-1', '--no-reader'],
    ]) {
      let out = '';
      let err = '';
      const code = await run(
        [...argv, '-o', 'json', '--kubeconfig', c.kubeconfig('alice'), '--now', NOW],
        {},
        { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) }, cwd: home, home },
      );
      assert.equal(code, 0, err);
      const report = JSON.parse(out) as { missing: Array<{ part: string; reason: string }> };
      assert.deepEqual(
        report.missing.filter((m) => m.part !== 'cgroup'),
        [],
        `${argv.join(' ')}: ${JSON.stringify(report.missing)}`,
      );
    }
    assert.deepEqual(
      c.requests.filter((q) => q.status === 403).map((q) => `${q.method} ${q.path}`),
      [],
    );
    // The node reader is a pod like the pod reader: it needs the memwhy-reader Role where it runs. With the
    // ClusterRole alone, node/<name> still answers, names the cgroup part as forbidden, and leaves nothing.
    let out = '';
    const code = await run(
      ['node/lab-node-1', '-o', 'json', '--kubeconfig', c.kubeconfig('alice'), '--now', NOW],
      {},
      { stdout: { write: (s: string) => (out += s) }, stderr: { write: () => true }, cwd: home, home },
    );
    assert.equal(code, 0);
    const report = JSON.parse(out) as { missing: Array<{ part: string; reason: string }> };
    assert.deepEqual(
      report.missing.map((m) => m.part),
      ['cgroup'],
    );
    assert.match(report.missing[0]!.reason, /forbidden|cannot create/i);
    assert.deepEqual(
      c.requests.filter((q) => q.status === 403).map((q) => `${q.method} ${q.path}`),
      ['POST /api/v1/namespaces/default/pods'],
    );
    assert.equal(
      c.state.pods.filter((p) => p.metadata?.labels?.['app.kubernetes.io/managed-by'] === 'kubectl-memwhy').length,
      0,
    );
  } finally {
    await c.close();
    rmSync(home, { recursive: true, force: true });
  }
});
