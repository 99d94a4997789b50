// deploy/rbac.yaml holds exactly the verbs memwhy uses: a user with only that ClusterRole runs a full live
// diagnosis (reader pod included) and nothing is forbidden; without one of its rules, the notice names it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadAll } from 'js-yaml';
import { run } from '../../src/cli/main.js';
import { loadSnapshotState, startCluster, type PolicyRule } from '../cluster/index.js';

const NOW = '2026-11-23T00:00:00.000Z';
const KUBELET = { stepMs: 5, pullMs: 5 };

interface Rule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
}

function clusterRoleRules(): PolicyRule[] {
  const docs = loadAll(readFileSync('deploy/rbac.yaml', 'utf8')) as Array<{ kind?: string; rules?: Rule[] }>;
  const role = docs.find((d) => d?.kind === 'ClusterRole');
  assert.ok(role?.rules?.length, 'deploy/rbac.yaml has a ClusterRole with rules');
  // A ClusterRoleBinding: every namespace and the cluster scope.
  return role.rules.map((r) => ({ verbs: r.verbs, resources: r.resources, apiGroups: r.apiGroups }));
}

async function diagnoseAs(rules: PolicyRule[]): Promise<{ code: number; json: { notices: Array<{ part: string; message: string }>; cgroup: unknown; verdicts: Array<{ kind: string; level: string | null }> }; stderr: string; leftover: number; refused: string[] }> {
  const state = loadSnapshotState('examples/oomkilled-container');
  state.users = [{ name: 'admin', groups: ['system:masters'] }, { name: 'alice', rules }];
  const c = await startCluster(state, { kubelet: KUBELET });
  const home = mkdtempSync(join(tmpdir(), 'memwhy-rbac-'));
  try {
    let out = '';
    let err = '';
    const code = await run(['oom-container', '-n', 'default', '-o', 'json', '--kubeconfig', c.kubeconfig('alice'), '--now', NOW], {}, { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) }, cwd: home, home });
    const leftover = c.state.pods.filter((p) => (p as { metadata?: { labels?: Record<string, string> } }).metadata?.labels?.['app.kubernetes.io/managed-by'] === 'kubectl-memwhy').length;
    const refused = c.requests.filter((q) => q.status === 403).map((q) => `${q.method} ${q.path}`);
    return { code, json: JSON.parse(out || '{}'), stderr: err, leftover, refused };
  } finally {
    await c.close();
    rmSync(home, { recursive: true, force: true });
  }
}

test('with exactly deploy/rbac.yaml, a full live diagnosis reads everything: nothing is forbidden', async () => {
  const r = await diagnoseAs(clusterRoleRules());
  assert.equal(r.code, 0, r.stderr);
  const forbidden = r.json.notices.filter((n) => /forbidden|RBAC|cannot/i.test(n.message));
  assert.deepEqual(forbidden, []);
  assert.deepEqual(r.refused, [], 'the API server refused nothing');
  assert.ok(r.json.cgroup, 'the reader pod ran and its cgroup files were analysed');
  assert.deepEqual({ kind: r.json.verdicts[0]?.kind, level: r.json.verdicts[0]?.level }, { kind: 'OOMKilled', level: 'container' });
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
  assert.deepEqual(r.refused.map((x) => x.split('?')[0]), ['GET /api/v1/nodes/lab-node-1/proxy/stats/summary']);
});

test('without pods create the reader cannot run: the answer comes from the API and says which RBAC it needs', async () => {
  const rules = clusterRoleRules().map((r) => (r.resources.includes('pods') ? { ...r, verbs: r.verbs.filter((v) => v !== 'create') } : r));
  const r = await diagnoseAs(rules);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.json.cgroup, null);
  const notice = r.json.notices.find((n) => n.part === 'cgroup' || n.part === 'usage');
  assert.match(JSON.stringify(r.json.notices), /create, get, delete pods and get pods\/log/);
  assert.ok(notice);
  assert.equal(r.json.verdicts[0]?.kind, 'OOMKilled', 'still known from the runtime status');
  assert.equal(r.leftover, 0);
});
