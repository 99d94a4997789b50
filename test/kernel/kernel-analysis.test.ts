// memwhy's analysis of snapshot folders whose cgroup files the REAL kernel wrote (cgroup v1 lab in
// ./lab.ts): loadSnapshot → analyse, asserting what a user would see in the JSON. Skips where the lab
// cannot run (not root, no v1 memory controller, read-only cgroupfs).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test, type TestContext } from 'node:test';
import { loadSnapshot } from '../../src/app/snapshot.js';
import { analyse } from '../../src/core/analyse.js';
import type { Analysis, ContainerAnalysis, OomLevel } from '../../src/core/types.js';
import { cleanupAllLabs, MiB, mib, scenarioForTest, sweepStaleLabs, type ScenarioResult } from './lab.js';

before(() => {
  sweepStaleLabs();
});
after(() => {
  cleanupAllLabs();
});

async function analyseDir(dir: string): Promise<Analysis> {
  return analyse(await loadSnapshot(dir), { now: new Date().toISOString() });
}

function container(a: Analysis, name: string): ContainerAnalysis {
  const c = a.containers.find((x) => x.name === name);
  assert.ok(c, `no container ${name} in the analysis (have: ${a.containers.map((x) => x.name).join(', ')})`);
  return c;
}

function num(v: number | null, what: string): number {
  assert.notEqual(v, null, `${what} is null`);
  return v as number;
}

function verdictList(a: Analysis): string {
  return (
    a.verdicts
      .map((v) => `${v.kind}${v.level ? `/${v.level}` : ''}${v.container ? `(${v.container})` : ''}`)
      .join(', ') || 'none'
  );
}

/** A copy of the snapshot folder without kernel.log (most users have no node kernel log). */
function withoutKernelLog(t: TestContext, dir: string): string {
  const copy = `${dir}-no-kernel-log`;
  fs.cpSync(dir, copy, { recursive: true, filter: (src) => path.basename(src) !== 'kernel.log' });
  t.after(() => fs.rmSync(copy, { recursive: true, force: true }));
  return copy;
}

async function assertOomVerdict(t: TestContext, res: ScenarioResult, level: OomLevel): Promise<void> {
  const variants: Array<[string, string]> = [];
  if (fs.existsSync(path.join(res.outDir, 'kernel.log'))) variants.push(['with kernel.log', res.outDir]);
  else t.diagnostic(`snapshot has no kernel.log: ${res.snapshot.kernelLog.note}`);
  variants.push(['without kernel.log', withoutKernelLog(t, res.outDir)]);
  for (const [label, dir] of variants) {
    await t.test(label, async (st) => {
      const a = await analyseDir(dir);
      st.diagnostic(`verdicts: ${verdictList(a)}`);
      const v = a.verdicts.find((x) => x.kind === 'OOMKilled' && x.container === 'app');
      assert.ok(v, `no OOMKilled verdict for app; verdicts: ${verdictList(a)}`);
      st.diagnostic(`summary: ${v.summary}`);
      assert.equal(v.level, level, `OOMKilled level (summary: ${v.summary})`);
    });
  }
}

test('(a) page cache from reading 100 MiB twice: working set / kubectl top +100 MiB, docker stats (legacy) and rss flat, CacheDriven', async (t) => {
  const res = await scenarioForTest(t, 'page-cache');
  if (!res) return;
  const before = container(await analyseDir(res.baselineDir!), 'app');
  const a = await analyseDir(res.outDir);
  const now = container(a, 'app');
  const d = (f: (c: ContainerAnalysis) => number | null, what: string): number =>
    num(f(now), what) - num(f(before), `baseline ${what}`);
  const ws = d((c) => c.workingSetBytes, 'workingSetBytes');
  const top = d((c) => c.views.kubectlTopBytes, 'views.kubectlTopBytes');
  const legacy = d((c) => c.views.dockerStatsLegacyBytes, 'views.dockerStatsLegacyBytes');
  const rss = d((c) => c.rssBytes, 'rssBytes');
  t.diagnostic(
    `workingSet ${mib(before.workingSetBytes)} → ${mib(now.workingSetBytes)}; kubectl top +${mib(top)}; docker stats (usage − cache) ${mib(before.views.dockerStatsLegacyBytes)} → ${mib(now.views.dockerStatsLegacyBytes)}; docker stats (≥20.10) ${mib(now.views.dockerStatsBytes)}; rss ${mib(before.rssBytes)} → ${mib(now.rssBytes)}`,
  );
  t.diagnostic(`verdicts: ${verdictList(a)}`);
  assert.ok(Math.abs(ws - 100 * MiB) <= 15 * MiB, `workingSetBytes grew by ${mib(ws)}, expected ≈ 100 MiB`);
  assert.ok(Math.abs(top - 100 * MiB) <= 15 * MiB, `kubectlTopBytes grew by ${mib(top)}, expected ≈ 100 MiB`);
  assert.ok(Math.abs(legacy) <= 4 * MiB, `dockerStatsLegacyBytes moved by ${mib(legacy)}, expected flat`);
  assert.ok(Math.abs(rss) <= 4 * MiB, `rssBytes moved by ${mib(rss)}, expected flat`);
  assert.ok(
    a.verdicts.some((v) => v.kind === 'CacheDriven' && v.container === 'app'),
    `no CacheDriven verdict for app; verdicts: ${verdictList(a)}`,
  );
});

test('(b) 100 MiB of anonymous memory: breakdown.anonBytes is the largest part', async (t) => {
  const res = await scenarioForTest(t, 'anon');
  if (!res) return;
  const c = container(await analyseDir(res.outDir), 'app');
  const b = c.breakdown;
  t.diagnostic(
    `breakdown: anon ${mib(b.anonBytes)}, file ${mib(b.fileBytes)}, shmem ${mib(b.shmemBytes)}, kernel ${mib(b.kernelBytes)}, other ${mib(b.otherBytes)}; workingSet ${mib(c.workingSetBytes)}`,
  );
  const anon = num(b.anonBytes, 'breakdown.anonBytes');
  assert.ok(anon >= 98 * MiB && anon <= 115 * MiB, `anonBytes ${mib(anon)}, expected ≈ 100 MiB`);
  for (const [k, v] of Object.entries({
    fileBytes: b.fileBytes,
    shmemBytes: b.shmemBytes,
    kernelBytes: b.kernelBytes,
    otherBytes: b.otherBytes,
  })) {
    if (v !== null) assert.ok(anon > v, `anonBytes ${mib(anon)} is not larger than ${k} ${mib(v)}`);
  }
});

test('(c) 64 MiB in tmpfs: breakdown.shmemBytes ≈ 64 MiB and the working set includes it', async (t) => {
  const res = await scenarioForTest(t, 'tmpfs');
  if (!res) return;
  const a = await analyseDir(res.outDir);
  const c = container(a, 'app');
  t.diagnostic(
    `shmem ${mib(c.breakdown.shmemBytes)}, workingSet ${mib(c.workingSetBytes)}, file ${mib(c.breakdown.fileBytes)}, anon ${mib(c.breakdown.anonBytes)}, cache ${mib(c.cacheBytes)}; verdicts: ${verdictList(a)}`,
  );
  const shmem = num(c.breakdown.shmemBytes, 'breakdown.shmemBytes');
  assert.ok(Math.abs(shmem - 64 * MiB) <= 64 * MiB * 0.05, `shmemBytes ${mib(shmem)}, expected ≈ 64 MiB`);
  assert.ok(
    num(c.workingSetBytes, 'workingSetBytes') >= shmem,
    `workingSetBytes ${mib(c.workingSetBytes)} < shmem ${mib(shmem)}`,
  );
});

test('(d) container over its own limit (kubelet memsw = limit, failcnt 0): OOMKilled, level container', async (t) => {
  const res = await scenarioForTest(t, 'oom-container');
  if (!res) return;
  await assertOomVerdict(t, res, 'container');
});

test('(d) container over its own limit (no memsw limit, failcnt > 0): OOMKilled, level container', async (t) => {
  const res = await scenarioForTest(t, 'oom-container', { memswLimit: false });
  if (!res) return;
  await assertOomVerdict(t, res, 'container');
});

test('(d′) single-container pod, the pod cgroup fired (oom_memcg = pod): OOMKilled, level pod', async (t) => {
  const res = await scenarioForTest(t, 'oom-pod');
  if (!res) return;
  await assertOomVerdict(t, res, 'pod');
});

test('(e) container without a limit, kubepods limit fired: OOMKilled, level node-allocatable', async (t) => {
  const res = await scenarioForTest(t, 'oom-kubepods');
  if (!res) return;
  await assertOomVerdict(t, res, 'node-allocatable');
});
