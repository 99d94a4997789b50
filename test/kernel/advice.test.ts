// Sizing advice proven on the REAL kernel (cgroup v1 lab, ./lab.ts): run a workload, take memwhy's advice from
// what the kernel wrote, re-run the same workload in a fresh cgroup under the advised limit and measure that it
// is not OOM-killed; run it under krr's limit too and measure what happens. Skips where the lab cannot run.
// Every cgroup, tmpfs and file a lab makes is removed by lab.cleanup() (also on failure).
import assert from 'node:assert/strict';
import { after, before, test, type TestContext } from 'node:test';
import { loadSnapshot } from '../../src/app/snapshot.js';
import { analyse } from '../../src/core/analyse.js';
import type { SizingAdvice } from '../../src/core/types.js';
import { cleanupAllLabs, Lab, labSkipReason, MiB, mib, sweepStaleLabs } from './lab.js';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

before(() => {
  sweepStaleLabs();
});
after(() => {
  cleanupAllLabs();
});

const FILE_MIB = 200;
const HOLD_MIB = 16;
const SPIKE_MIB = 96;

interface Outcome {
  /** v1 memory.oom_control oom_kill of the container cgroup after the workload. */
  oomKills: number;
  /** memory.failcnt: how often usage reached the limit (0 with a memsw limit on this kernel: see kernel-raw.test.ts). */
  limitHits: number;
  maxUsage: number;
  /** What each step of the workload ended as. */
  steps: string[];
}

/** One lab with one container `app` of the given limit, a workload run in it, and what the kernel recorded. */
async function inLab(
  limitBytes: number,
  workload: (lab: Lab) => Promise<string[]>,
  snapshotTo?: string,
): Promise<Outcome> {
  const lab = Lab.create({
    podName: 'sizing',
    containers: [
      { name: 'app', requestBytes: 16 * MiB, limitBytes, image: 'node:22-alpine', command: ['node', '-e', 'workload'] },
    ],
  });
  try {
    await lab.startPause();
    const steps = await workload(lab);
    const c = lab.container('app');
    const n = (file: string, key?: string) => {
      const text = lab.readFile(c, file) ?? '';
      return Number(key ? new RegExp(`${key} (\\d+)`).exec(text)?.[1] : text.trim());
    };
    if (snapshotTo) lab.snapshot(snapshotTo);
    return {
      oomKills: n('memory.oom_control', 'oom_kill'),
      limitHits: n('memory.failcnt'),
      maxUsage: n('memory.max_usage_in_bytes'),
      steps,
    };
  } finally {
    lab.cleanup();
  }
}

/** Holds HOLD_MIB of anon in the main process and reads a FILE_MIB file three times: a cache-heavy working set. */
async function cacheHeavy(lab: Lab): Promise<string[]> {
  const holder = await lab.holdAnon('app', HOLD_MIB);
  const file = lab.createColdFile(FILE_MIB * MiB);
  const r = await lab.readFileIn('app', file, 3);
  return [
    `read exit ${r.exitCode}${r.signal ? ` ${r.signal}` : ''}`,
    `holder ${holder.exitCode === null && holder.signalCode === null ? 'alive' : `ended ${holder.exitCode ?? holder.signalCode}`}`,
  ];
}

/** Holds HOLD_MIB steadily, then a second process spikes SPIKE_MIB and frees it (exit 3 when nothing killed it). */
async function spiky(lab: Lab): Promise<string[]> {
  const holder = await lab.holdAnon('app', HOLD_MIB);
  const r = await lab.allocateUntilKilled('app', SPIKE_MIB);
  return [
    `spike ${r.signal ? `killed ${r.signal}` : `exit ${r.exitCode}`}`,
    `holder ${holder.exitCode === null && holder.signalCode === null ? 'alive' : `ended ${holder.exitCode ?? holder.signalCode}`}`,
  ];
}

async function adviceFrom(t: TestContext, dir: string): Promise<SizingAdvice> {
  const a = analyse(await loadSnapshot(dir), { now: new Date().toISOString() });
  const s = a.containers.find((c) => c.name === 'app')?.advice;
  assert.ok(s && s.limitBytes !== null, `no advice: ${s?.reasons.join(' ') ?? 'none'}`);
  t.diagnostic(
    `advice: request ${mib(s.requestBytes)} limit ${mib(s.limitBytes)} floor ${mib(s.floorBytes)} active cache ${mib(s.activeFileBytes)} peak ${mib(s.peakBytes)} spike ${mib(s.spikeBytes)} · krr ${mib(s.krrBytes)} · VPA ${mib(s.vpaTargetBytes)} · confidence ${s.confidence}`,
  );
  return s;
}

function tmpDir(t: TestContext, name: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `memwhy-sizing-${name}-`));
  t.after(() => fs.rmSync(dir, { recursive: true, force: true }));
  return path.join(dir, 'snapshot');
}

function report(t: TestContext, label: string, limit: number, o: Outcome): void {
  t.diagnostic(
    `${label}: limit ${mib(limit)} → ${o.steps.join(', ')}; oom_kill ${o.oomKills}, failcnt ${o.limitHits}, max usage ${mib(o.maxUsage)}`,
  );
}

test("cache-heavy workload: it runs under memwhy's limit without an OOM kill, a limit far below krr's", async (t) => {
  const skip = labSkipReason();
  if (skip) return t.skip(skip);
  const dir = tmpDir(t, 'cache');
  const first = await inLab(1024 * MiB, cacheHeavy, dir);
  report(t, 'first run', 1024 * MiB, first);
  assert.equal(first.oomKills, 0);
  const s = await adviceFrom(t, dir);
  assert.ok(
    s.activeFileBytes! > (FILE_MIB / 2) * MiB,
    `the file's pages should be on the active list: ${mib(s.activeFileBytes)}`,
  );
  const again = await inLab(s.limitBytes!, cacheHeavy);
  report(t, "re-run under memwhy's limit", s.limitBytes!, again);
  assert.equal(again.oomKills, 0, 'not OOM-killed under the advised limit');
  assert.deepEqual(again.steps, ['read exit 0', 'holder alive']);
  // (failcnt stays 0 with the lab's memsw limit = limit: see kernel-raw.test.ts; max_usage_in_bytes shows it.)
  assert.ok(
    again.maxUsage >= s.limitBytes! - 256 * 1024,
    `the limit did bind (max usage ${mib(again.maxUsage)}): the kernel reclaimed page cache to stay under it`,
  );
  assert.ok(
    s.krrBytes! > s.limitBytes! + (FILE_MIB / 2) * MiB,
    `krr's ${mib(s.krrBytes)} exceeds a limit the workload ran under (${mib(s.limitBytes)}) by more than half the file`,
  );
});

test("spiky workload: memwhy plans for the spike memory.max_usage_in_bytes saw; under krr's limit the kernel OOM-kills", async (t) => {
  const skip = labSkipReason();
  if (skip) return t.skip(skip);
  const dir = tmpDir(t, 'spike');
  const first = await inLab(1024 * MiB, spiky, dir);
  report(t, 'first run', 1024 * MiB, first);
  assert.deepEqual(first.steps, ['spike exit 3', 'holder alive']);
  const s = await adviceFrom(t, dir);
  assert.ok(s.spikeBytes! >= SPIKE_MIB * MiB, `peak − usage ${mib(s.spikeBytes)} covers the ${SPIKE_MIB} MiB spike`);
  const ours = await inLab(s.limitBytes!, spiky);
  report(t, "re-run under memwhy's limit", s.limitBytes!, ours);
  assert.equal(ours.oomKills, 0, 'not OOM-killed under the advised limit');
  assert.deepEqual(ours.steps, ['spike exit 3', 'holder alive']);
  const krr = await inLab(s.krrBytes!, spiky);
  report(t, "re-run under krr's limit", s.krrBytes!, krr);
  assert.ok(krr.oomKills >= 1, "krr's limit (working set × 1.15, blind to the spike) gets the workload OOM-killed");
});

/** A process that allocates SPIKE_MIB and exits 3, or is killed on the way. */
async function burst(lab: Lab): Promise<string[]> {
  const r = await lab.allocateUntilKilled('app', SPIKE_MIB);
  return [`burst ${r.signal ? `killed ${r.signal}` : `exit ${r.exitCode}`}`];
}

test('OOM-killed workload: the advice clears the usage at the kill, and the same workload then completes', async (t) => {
  const skip = labSkipReason();
  if (skip) return t.skip(skip);
  const dir = tmpDir(t, 'oom');
  const lab = Lab.create({
    podName: 'sizing-oom',
    containers: [
      {
        name: 'app',
        requestBytes: 16 * MiB,
        limitBytes: 64 * MiB,
        image: 'node:22-alpine',
        command: ['node', '-e', 'burst'],
      },
    ],
  });
  try {
    await lab.startPause();
    lab.markKernelLog();
    const r = await lab.allocateUntilKilled('app', SPIKE_MIB);
    t.diagnostic(`first run: limit 64 MiB → burst ${r.signal ?? `exit ${r.exitCode}`}`);
    assert.equal(r.signal, 'SIGKILL', 'the burst does not fit in 64Mi: OOM-killed');
    await lab.restartAfter('app', r, 'OOMKilled');
    const snap = lab.snapshot(dir, { kernelLog: true });
    t.diagnostic(`kernel.log: ${snap.kernelLog.note}`);
  } finally {
    lab.cleanup();
  }
  const s = await adviceFrom(t, dir);
  assert.ok(s.oomUsageBytes !== null && s.oomUsageBytes > 32 * MiB, `usage at the kill read: ${mib(s.oomUsageBytes)}`);
  assert.ok(s.limitBytes! >= s.oomUsageBytes! + 100 * MiB, 'the limit clears the kill by the bump');
  const ours = await inLab(s.limitBytes!, burst);
  report(t, "re-run under memwhy's limit", s.limitBytes!, ours);
  assert.deepEqual(ours.steps, ['burst exit 3']);
  assert.equal(ours.oomKills, 0);
  const krr = await inLab(Math.max(s.krrBytes!, 4 * MiB), burst);
  report(
    t,
    "re-run under krr's limit (the restarted container's working set × 1.15, raised to 4 MiB so the runtime can start)",
    Math.max(s.krrBytes!, 4 * MiB),
    krr,
  );
  assert.ok(
    krr.oomKills >= 1,
    "krr's limit, sized on the working set after the restart, gets the burst OOM-killed again",
  );
});
