// `-l app=web` and workload targets against the test cluster: the worst-off pod is explained and the other
// matching pods are named with their state, in text and JSON (issue 13 item 4; they were dropped before).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { run } from '../../src/cli/main.js';
import type { Analysis } from '../../src/core/types.js';
import { startCluster, type Cluster, type Obj } from '../cluster/index.js';
import { node } from '../cluster/helpers.js';

const scratch = mkdtempSync(join(tmpdir(), 'memwhy-others-'));
let cluster: Cluster;

function webPod(name: string, status: Obj): Obj {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'shop', labels: { app: 'web' }, ownerReferences: [] },
    spec: {
      nodeName: 'node-a',
      containers: [
        { name: 'app', image: 'nginx', resources: { requests: { memory: '64Mi' }, limits: { memory: '128Mi' } } },
      ],
    },
    status,
  };
}
const running = (restarts: number, last?: Obj): Obj => ({
  phase: 'Running',
  qosClass: 'Burstable',
  containerStatuses: [
    {
      name: 'app',
      ready: true,
      restartCount: restarts,
      state: { running: { startedAt: '2026-11-23T00:00:00Z' } },
      ...(last ? { lastState: last } : {}),
    },
  ],
});

before(async () => {
  cluster = await startCluster(
    {
      nodes: [node('node-a')],
      pods: [
        webPod('web-a', running(0)),
        webPod(
          'web-b',
          running(3, { terminated: { reason: 'OOMKilled', exitCode: 137, finishedAt: '2026-11-23T00:00:00Z' } }),
        ),
        webPod('web-c', running(1)),
        { ...webPod('db-0', running(0)), metadata: { name: 'db-0', namespace: 'shop', labels: { app: 'db' } } },
      ],
    },
    { kubelet: { stepMs: 5, pullMs: 5 } },
  );
});
after(async () => {
  await cluster?.close();
  rmSync(scratch, { recursive: true, force: true });
});

async function memwhy(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await run(
    [...argv, '--kubeconfig', cluster.kubeconfig('admin'), '--no-reader', '--now', '2026-11-23T03:00:00Z'],
    {},
    {
      stdout: { write: (s: string) => (stdout += s) },
      stderr: { write: (s: string) => (stderr += s) },
      cwd: scratch,
      home: scratch,
    },
  );
  return { code, stdout, stderr };
}

test('-l app=web -o json: the worst off is explained, the others are in otherPods with their state', async () => {
  const r = await memwhy(['-l', 'app=web', '-n', 'shop', '-o', 'json']);
  assert.equal(r.code, 0, r.stderr);
  const a = JSON.parse(r.stdout) as Analysis;
  assert.equal(a.pod.name, 'web-b');
  assert.deepEqual(a.otherPods, [
    { namespace: 'shop', name: 'web-c', phase: 'Running', why: '1 restart(s)' },
    { namespace: 'shop', name: 'web-a', phase: 'Running', why: 'Running' },
  ]);
});

test('-l app=web -o text names the other pods under the container table', async () => {
  const r = await memwhy(['-l', 'app=web', '-n', 'shop', '-o', 'text']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^Pod shop\/web-b /);
  const below = r.stdout.slice(r.stdout.indexOf('  pod request'), r.stdout.indexOf('Verdicts'));
  assert.equal(
    below.replace(/\s+/g, ' ').trim(),
    "pod request 64.0Mi (scheduler's count) · pod limit 128Mi also matched 2 other pods (this one is the worst off): web-c (1 restart(s)), web-a (Running)",
  );
});

test('a single pod has no others, in JSON ([]) and text (no line)', async () => {
  const json = JSON.parse((await memwhy(['web-a', '-n', 'shop', '-o', 'json'])).stdout) as Analysis;
  assert.deepEqual(json.otherPods, []);
  assert.doesNotMatch((await memwhy(['web-a', '-n', 'shop', '-o', 'text'])).stdout, /also matched/);
});
