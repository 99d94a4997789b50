import { test } from 'node:test';
import assert from 'node:assert/strict';
import { closeNames, labelSelector, rbacFor } from '../../src/kube/cluster.js';
import { statusError } from '../../src/kube/http.js';
import { ExitCode } from '../../src/cli/exit-codes.js';

test('did-you-mean: prefixes and near misses first, unrelated names never', () => {
  const names = ['web-7d9c4-abcde', 'web-7d9c4-fghij', 'worker-0', 'postgres-0', 'redis-master-0'];
  assert.deepEqual(closeNames('web', names), ['web-7d9c4-abcde', 'web-7d9c4-fghij']);
  assert.deepEqual(closeNames('worker-1', names), ['worker-0']);
  assert.deepEqual(closeNames('elasticsearch', names), []);
});

test('the RBAC rule a 403 needs, named from the request path', () => {
  assert.equal(rbacFor('get', '/api/v1/namespaces/shop/pods/web-0'), 'get pods in namespace shop');
  assert.equal(rbacFor('list', '/api/v1/namespaces/shop/events'), 'list events in namespace shop');
  assert.equal(rbacFor('get', '/api/v1/nodes/n1/proxy/stats/summary'), 'get nodes/proxy (cluster-wide)');
  assert.equal(rbacFor('get', '/api/v1/nodes/n1'), 'get nodes (cluster-wide)');
  assert.equal(
    rbacFor('get', '/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods/web-0'),
    'get pods (API group metrics.k8s.io) in namespace shop',
  );
  assert.equal(
    rbacFor('get', '/apis/apps/v1/namespaces/shop/deployments/web'),
    'get deployments (API group apps) in namespace shop',
  );
});

test('label selectors from workload specs', () => {
  assert.equal(labelSelector({ matchLabels: { app: 'web', tier: 'fe' } }), 'app=web,tier=fe');
  assert.equal(
    labelSelector({
      matchExpressions: [
        { key: 'env', operator: 'In', values: ['a', 'b'] },
        { key: 'x', operator: 'Exists' },
        { key: 'y', operator: 'DoesNotExist' },
      ],
    }),
    'env in (a,b),x,!y',
  );
  assert.equal(labelSelector(undefined), '');
});

test('API Status errors become one-line errors with the right exit code', () => {
  const nf = statusError(
    404,
    JSON.stringify({ kind: 'Status', status: 'Failure', message: 'pods "x" not found', reason: 'NotFound', code: 404 }),
    'GET /api/v1/namespaces/default/pods/x',
  );
  assert.equal(nf.code, ExitCode.NotFound);
  assert.equal(nf.message, 'pods "x" not found');
  const fb = statusError(
    403,
    JSON.stringify({
      message: 'pods is forbidden: User "alice" cannot list resource "pods"',
      reason: 'Forbidden',
      code: 403,
    }),
    'GET',
  );
  assert.equal(fb.code, ExitCode.Forbidden);
  const psa = statusError(
    403,
    JSON.stringify({
      message: 'pods "r" is forbidden: violates PodSecurity "baseline:latest": hostPath volumes (volume "cgroup")',
      reason: 'Forbidden',
    }),
    'POST',
  );
  assert.equal(psa.hint, null, 'the reader adds its own hint for Pod Security');
  assert.equal(statusError(401, '{"message":"Unauthorized"}', 'GET').code, ExitCode.Forbidden);
  const down = statusError(503, 'service unavailable', 'GET /api/v1/nodes');
  assert.equal(down.code, ExitCode.Unreachable);
  assert.match(down.message, /service unavailable/);
});
