// The snapshot loader (memwhy `--from` folders served live, cgroup/ as the node's /sys/fs/cgroup) and
// the by-hand entry point (main.ts).
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { client, processesWith } from './helpers.js';
import { loadSnapshotState, startCluster } from './index.js';
import type { Obj } from './util.js';

const ROOT = new URL('../..', import.meta.url).pathname;
const FOLDERS = [
  ...readdirSync(join(ROOT, 'examples')).map((d) => join(ROOT, 'examples', d)),
  ...readdirSync(join(ROOT, 'test/fixtures/cases')).map((d) => join(ROOT, 'test/fixtures/cases', d)),
].filter((d) => existsSync(join(d, 'pod.json')));

describe('snapshot folders as cluster state', () => {
  it('loads every example and fixture case, and serves its pod, node, events and summary', async () => {
    assert.ok(FOLDERS.length >= 10);
    for (const dir of FOLDERS) {
      const state = loadSnapshotState(dir);
      const pod = JSON.parse(readFileSync(join(dir, 'pod.json'), 'utf8')) as Obj;
      const cluster = await startCluster(state);
      try {
        const api = client(cluster);
        const ns = pod.metadata?.namespace ?? 'default';
        const got = await api.get(`/api/v1/namespaces/${ns}/pods/${pod.metadata.name}`);
        assert.equal(got.status, 200, dir);
        assert.deepEqual(got.json.status, pod.status, `${dir}: status served as in pod.json`);
        if (pod.spec?.nodeName) {
          const n = await api.get(`/api/v1/nodes/${pod.spec.nodeName}`);
          assert.equal(n.status, 200, dir);
          const s = await api.get(`/api/v1/nodes/${pod.spec.nodeName}/proxy/stats/summary`);
          if (existsSync(join(dir, 'summary.json')))
            assert.deepEqual(s.json, JSON.parse(readFileSync(join(dir, 'summary.json'), 'utf8')));
          const onNode = await api.get(`/api/v1/pods?fieldSelector=spec.nodeName%3D${pod.spec.nodeName}`);
          assert.ok(onNode.json.items.some((p: Obj) => p.metadata.name === pod.metadata.name));
        }
        if (existsSync(join(dir, 'events.json'))) {
          const want = (JSON.parse(readFileSync(join(dir, 'events.json'), 'utf8')) as Obj).items.length;
          const ev = await api.get(`/api/v1/namespaces/${ns}/events`);
          assert.equal(ev.json.items.length, want, dir);
        }
      } finally {
        await cluster.close();
      }
    }
  });

  it("serves cgroup/ as the node's /sys/fs/cgroup to a reader pod", async () => {
    const dir = join(ROOT, 'examples/oomkilled-container');
    const cluster = await startCluster(loadSnapshotState(dir), { kubelet: { stepMs: 5, pullMs: 5 } });
    try {
      const api = client(cluster);
      const r = await api.post('/api/v1/namespaces/default/pods', {
        metadata: { name: 'reader' },
        spec: {
          nodeName: 'lab-node-1',
          restartPolicy: 'Never',
          securityContext: { runAsUser: 65534, runAsGroup: 65534 },
          containers: [
            {
              name: 'r',
              image: 'busybox:1.36',
              command: ['cat', '/host/cgroup/memory/kubepods/memory.limit_in_bytes'],
              volumeMounts: [{ name: 'cg', mountPath: '/host/cgroup', readOnly: true }],
            },
          ],
          volumes: [{ name: 'cg', hostPath: { path: '/sys/fs/cgroup' } }],
        },
      });
      assert.equal(r.status, 201, r.text);
      await cluster.waitForPod('default', 'reader', (p) => p?.status?.phase === 'Succeeded');
      const log = await api.get('/api/v1/namespaces/default/pods/reader/log');
      assert.equal(log.text, readFileSync(join(dir, 'cgroup/memory/kubepods/memory.limit_in_bytes'), 'utf8'));
    } finally {
      await cluster.close();
    }
  });
});

describe('main.ts (npm run cluster)', () => {
  it('serves a snapshot folder until SIGINT and writes a kubeconfig', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'test-cluster-main-'));
    const kc = join(tmp, 'kc.yaml');
    const child = spawn(
      join(ROOT, 'node_modules/.bin/node'),
      [
        '--import',
        'tsx',
        'test/cluster/main.ts',
        '--from',
        'examples/oomkilled-container',
        '--port',
        '0',
        '--kubeconfig',
        kc,
      ],
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (out += c.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    try {
      const t0 = Date.now();
      while (!/Ctrl-C/.test(out)) {
        if (Date.now() - t0 > 20_000) throw new Error(`main.ts did not start:\n${out}`);
        await new Promise((r) => setTimeout(r, 50));
      }
      const http = /http:\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(out)![1]!;
      assert.match(out, /https:\s+https:\/\/127\.0\.0\.1:\d+/);
      const token = /token admin: (\S+)/.exec(out)![1]!;
      const r = await fetch(`${http}/api/v1/namespaces/default/pods/oom-container`, {
        headers: { Authorization: `Bearer ${token}` },
      });
      assert.equal(r.status, 200);
      const text = readFileSync(kc, 'utf8');
      assert.match(text, /certificate-authority-data: /);
      assert.match(text, new RegExp(`token: "${token}"`));
    } finally {
      child.kill('SIGINT');
      assert.equal(await exited, 0);
    }
    assert.match(out, /stopping \(\d+ requests served\)/);
    assert.deepEqual(processesWith('test/cluster/main.ts'), []);
    rmSync(tmp, { recursive: true, force: true });
  });
});
