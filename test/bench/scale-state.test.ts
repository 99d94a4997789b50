// The scale benchmark's generated state (bench/scale-state.ts), served by the in-repo test cluster at 100 pods:
// the CLI's overview lists each pod once, worst first, with the numbers the generator put in. Not timed.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { BIG_NODE, scaleState, type ExpectedPod } from '../../bench/scale-state.js';
import { run } from '../../src/cli/main.js';
import { RISK_ORDER, type OverviewRow } from '../../src/core/views/overview.js';
import { startCluster, type Cluster } from '../cluster/index.js';

const NOW = '2026-11-20T09:00:00Z';

describe('scale state: 100 generated pods through the overview', () => {
  const gen = scaleState({ pods: 100 });
  let cluster: Cluster;
  let rows: OverviewRow[];
  before(async () => {
    cluster = await startCluster(gen.state, { kubelet: { stepMs: 5 } });
    let stdout = '';
    let stderr = '';
    const code = await run(
      ['-A', '-o', 'json', '--kubeconfig', cluster.kubeconfig('admin'), '--now', NOW],
      {},
      { stdout: { write: (s: string) => (stdout += s) }, stderr: { write: (s: string) => (stderr += s) } },
    );
    assert.equal(code, 0, stderr);
    rows = (JSON.parse(stdout) as { pods: OverviewRow[] }).pods;
  });
  after(() => cluster?.close());

  test('the generator is deterministic and varied (every QoS class, OOMKilled, evicted, finished pods, a big node)', () => {
    // (gen.state is now the cluster's live state, which fills in metadata: compare two fresh ones.)
    assert.equal(JSON.stringify(scaleState({ pods: 100 }).state), JSON.stringify(scaleState({ pods: 100 }).state));
    assert.notEqual(
      JSON.stringify(scaleState({ pods: 100, seed: 2 }).state),
      JSON.stringify(scaleState({ pods: 100 }).state),
    );
    const has = (f: (e: ExpectedPod) => boolean) => gen.expect.some(f);
    for (const q of ['Guaranteed', 'Burstable', 'BestEffort'])
      assert.ok(
        has((e) => e.qosClass === q),
        q,
      );
    assert.ok(has((e) => e.oomKilled) && has((e) => e.evicted) && has((e) => e.phase === 'Succeeded'));
    assert.equal(gen.expect.filter((e) => e.node === BIG_NODE).length, 25);
    assert.equal(new Set(gen.expect.map((e) => `${e.namespace}/${e.name}`)).size, 100);
  });

  test('each running or evicted pod is listed once; finished jobs are left out', () => {
    const want = gen.expect.filter((e) => e.phase === 'Running' || e.evicted).map((e) => `${e.namespace}/${e.name}`);
    const got = rows.map((r) => `${r.namespace}/${r.name}`);
    assert.equal(got.length, new Set(got).size, 'a pod listed twice');
    assert.deepEqual([...got].sort(), [...want].sort());
    assert.ok(want.length < 100 && want.length > 80, `${want.length} shown of 100`);
  });

  test('sorted worst first: risk classes in order', () => {
    const ranks = rows.map((r) => RISK_ORDER.indexOf(r.risk));
    assert.deepEqual(
      ranks,
      [...ranks].sort((a, b) => a - b),
    );
    assert.ok(new Set(rows.map((r) => r.risk)).size >= 3, 'several risks');
  });

  test('the generated numbers: node, QoS, request, limit, working set, restarts', () => {
    const byKey = new Map(gen.expect.map((e) => [`${e.namespace}/${e.name}`, e]));
    for (const r of rows) {
      const e = byKey.get(`${r.namespace}/${r.name}`)!;
      const at = `${r.namespace}/${r.name}`;
      assert.equal(r.node, e.node, at);
      assert.equal(r.qosClass, e.qosClass, at);
      assert.equal(r.requestBytes, e.requestBytes, at);
      assert.equal(r.limitBytes, e.limitBytes, at);
      assert.equal(r.workingSetBytes, e.workingSetBytes, at);
      assert.equal(r.restarts, e.restarts, at);
      assert.equal(r.lastOomKilledAt !== null, e.oomKilled, at);
      if (e.evicted) assert.equal(r.risk, 'evicted', at);
    }
  });
});
