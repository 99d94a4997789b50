// What the REAL kernel (cgroup v1) writes into a kubelet-shaped cgroup tree when real workloads run
// in it: these tests read the copied files of the snapshot folders built by ./lab.ts and assert the
// kernel's own numbers, not memwhy's analysis. They skip where the lab cannot run (not root, no v1
// memory controller, read-only cgroupfs).
//
// Observed on Linux 6.18 (cgroup v1, use_hierarchy=1, no swap, memsw accounting on), 2026-11:
//  - page cache: `cat` of a cold 100 MiB file twice → +100.0 MiB total_active_file, +0 inactive_file
//    (the second read activates every page), total_rss unchanged (~0.1 MiB).
//  - anon: 100 MiB touched by Node → total_rss 101.5 MiB, ALL on total_inactive_anon (new anonymous
//    pages start on the inactive list since 5.9), total_active_anon ~0.
//  - tmpfs: 64 MiB written → total_shmem 64.0 MiB, counted in total_cache too, sitting on
//    total_inactive_anon; the file LRU stays at 0.
//  - oom_kill (memory.oom_control) is counted ONLY in the killed task's own cgroup: not in the cgroup
//    whose limit fired, not in any ancestor (v1 memcg_memory_event() does not propagate).
//  - failcnt is counted at the level whose counter refused the charge. With the kubelet/containerd v1
//    setting memory.memsw.limit_in_bytes = memory.limit_in_bytes, the memsw counter is charged first
//    and refuses first, so the container's memory.failcnt stays 0 on a container OOM; and on this
//    kernel memory.memsw.failcnt stays 0 as well (only the v1 memory counter tracks failcnt since
//    the page_counter `track_failcnt` change). The kernel log line "memory+swap: usage X, limit X"
//    and max_usage_in_bytes == limit are what remain. Without a memsw limit, memory.failcnt > 0.
//  - single-container pod: pod limit = container limit, and the pause container's charge makes the
//    POD level reach it first: pod failcnt > 0, container failcnt 0, oom_memcg = the pod cgroup
//    (as in cAdvisor's oomparser test line).
//  - kubepods limit: kubepods failcnt > 0, oom_kill 1 in the killed container's cgroup, 0 elsewhere.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { cleanupAllLabs, MiB, mib, scenarioForTest, snapshotNumber, snapshotStat, sweepStaleLabs } from './lab.js';

before(() => {
  sweepStaleLabs();
});
after(() => {
  cleanupAllLabs();
});

const fileLru = (s: Record<string, number>): number => (s.total_active_file ?? 0) + (s.total_inactive_file ?? 0);
const anonLru = (s: Record<string, number>): number => (s.total_active_anon ?? 0) + (s.total_inactive_anon ?? 0);

function approx(actual: number, expected: number, tolerance: number, what: string): void {
  assert.ok(
    Math.abs(actual - expected) <= expected * tolerance,
    `${what}: ${mib(actual)}, expected ${mib(expected)} ± ${Math.round(tolerance * 100)}%`,
  );
}

const kernelLog = (outDir: string): string | null =>
  fs.existsSync(path.join(outDir, 'kernel.log')) ? fs.readFileSync(path.join(outDir, 'kernel.log'), 'utf8') : null;

/** The `oom-kill:` line of kernel.log, if the snapshot has one: [oom_memcg, task_memcg]. */
function oomKillLine(outDir: string): { oomMemcg: string; taskMemcg: string; text: string } | null {
  const log = kernelLog(outDir);
  const line = log?.split('\n').find((l) => l.includes('oom-kill:'));
  if (!line) return null;
  const oomMemcg = /oom_memcg=([^,]*)/.exec(line)?.[1] ?? '';
  const taskMemcg = /task_memcg=([^,]*)/.exec(line)?.[1] ?? '';
  return { oomMemcg, taskMemcg, text: line };
}

const abs = (cgroupRel: string): string => cgroupRel.replace(/^memory/, '') || '/';

test('(a) reading a cold 100 MiB file twice charges ~100 MiB of file LRU to the container, rss flat', async (t) => {
  const res = await scenarioForTest(t, 'page-cache');
  if (!res) return;
  const app = res.containers[0]!;
  const before = snapshotStat(res.baselineDir!, app.cgroup);
  const after = snapshotStat(res.outDir, app.cgroup);
  const grew = fileLru(after) - fileLru(before);
  const activeGrew = (after.total_active_file ?? 0) - (before.total_active_file ?? 0);
  const inactiveGrew = (after.total_inactive_file ?? 0) - (before.total_inactive_file ?? 0);
  t.diagnostic(`file LRU +${mib(grew)}: active_file +${mib(activeGrew)}, inactive_file +${mib(inactiveGrew)}`);
  t.diagnostic(
    `total_cache ${mib(before.total_cache)} → ${mib(after.total_cache)}, total_rss ${mib(before.total_rss)} → ${mib(after.total_rss)}`,
  );
  t.diagnostic(
    `usage_in_bytes ${mib(snapshotNumber(res.baselineDir!, app.cgroup, 'memory.usage_in_bytes'))} → ${mib(snapshotNumber(res.outDir, app.cgroup, 'memory.usage_in_bytes'))}`,
  );
  approx(grew, 100 * MiB, 0.15, 'total_active_file + total_inactive_file growth');
  assert.ok(
    Math.abs((after.total_rss ?? 0) - (before.total_rss ?? 0)) <= 4 * MiB,
    `total_rss moved by ${mib((after.total_rss ?? 0) - (before.total_rss ?? 0))}`,
  );
  // The charge is the container's, and it shows at every ancestor (use_hierarchy=1).
  for (const level of [res.levels.pod, res.levels.kubepods, res.levels.root]) {
    const s = snapshotStat(res.outDir, level);
    assert.ok(
      fileLru(s) >= fileLru(after),
      `${level} total file LRU ${mib(fileLru(s))} < container's ${mib(fileLru(after))}`,
    );
  }
});

test('(b) holding 100 MiB of anonymous memory shows as total_rss ≈ 100 MiB', async (t) => {
  const res = await scenarioForTest(t, 'anon');
  if (!res) return;
  const s = snapshotStat(res.outDir, res.containers[0]!.cgroup);
  t.diagnostic(
    `total_rss ${mib(s.total_rss)} (rss_huge ${mib(s.total_rss_huge)}), active_anon ${mib(s.total_active_anon)}, inactive_anon ${mib(s.total_inactive_anon)}, cache ${mib(s.total_cache)}`,
  );
  const rss = s.total_rss ?? 0;
  assert.ok(
    rss >= 100 * MiB * 0.98 && rss <= 100 * MiB * 1.15,
    `total_rss ${mib(rss)}, expected 100 MiB (+ the allocator's own few MiB)`,
  );
  assert.ok(anonLru(s) >= rss * 0.95, `anon LRU ${mib(anonLru(s))} should hold the rss ${mib(rss)}`);
  assert.ok(fileLru(s) < 8 * MiB, `file LRU ${mib(fileLru(s))}`);
});

test('(c) 64 MiB written to tmpfs is total_shmem, on the anon LRU, not the file LRU', async (t) => {
  const res = await scenarioForTest(t, 'tmpfs');
  if (!res) return;
  const s = snapshotStat(res.outDir, res.containers[0]!.cgroup);
  t.diagnostic(
    `total_shmem ${mib(s.total_shmem)}, total_cache ${mib(s.total_cache)}, active_anon ${mib(s.total_active_anon)}, inactive_anon ${mib(s.total_inactive_anon)}, active_file ${mib(s.total_active_file)}, inactive_file ${mib(s.total_inactive_file)}, rss ${mib(s.total_rss)}`,
  );
  approx(s.total_shmem ?? 0, 64 * MiB, 0.05, 'total_shmem');
  // Pages just written can still wait in a CPU's lru_add folio batch (up to 31 per CPU): charged and
  // counted as shmem, not yet on an LRU. CI once saw 63.99 MiB of anon LRU for 64.00 MiB of shmem.
  const lruBatchSlack = 1 * MiB;
  assert.ok(
    anonLru(s) >= (s.total_shmem ?? 0) - lruBatchSlack,
    `anon LRU ${mib(anonLru(s))} < shmem ${mib(s.total_shmem)} (less the per-CPU batch slack)`,
  );
  assert.ok(fileLru(s) < 8 * MiB, `file LRU ${mib(fileLru(s))} should not hold the tmpfs pages`);
  assert.ok((s.total_cache ?? 0) >= (s.total_shmem ?? 0), `v1 total_cache ${mib(s.total_cache)} includes shmem`);
  assert.ok((s.total_rss ?? 0) < 4 * MiB, `total_rss ${mib(s.total_rss)} excludes shmem`);
});

test('(d) container over its own limit (kubelet memsw = limit): SIGKILL, oom_kill in the container, failcnt stays 0', async (t) => {
  const res = await scenarioForTest(t, 'oom-container');
  if (!res) return;
  const app = res.containers.find((c) => c.name === 'app')!;
  const killed = app.previous[0]!.cgroup;
  const sidecar = res.containers.find((c) => c.name === 'sidecar')!;
  const n = (rel: string, file: string, key?: string): number => snapshotNumber(res.outDir, rel, file, key);
  t.diagnostic(`exit: signal ${res.exit?.signal}, exit code ${res.exit?.exitCode}`);
  t.diagnostic(
    `killed container: oom_kill ${n(killed, 'memory.oom_control', 'oom_kill')}, failcnt ${n(killed, 'memory.failcnt')}, memsw.failcnt ${n(killed, 'memory.memsw.failcnt')}, max_usage ${mib(n(killed, 'memory.max_usage_in_bytes'))}, memsw.limit ${mib(n(killed, 'memory.memsw.limit_in_bytes'))}`,
  );
  t.diagnostic(
    `pod: failcnt ${n(res.levels.pod, 'memory.failcnt')}, oom_kill ${n(res.levels.pod, 'memory.oom_control', 'oom_kill')}; kubepods oom_kill ${n(res.levels.kubepods, 'memory.oom_control', 'oom_kill')}`,
  );
  assert.equal(res.exit?.signal, 'SIGKILL');
  assert.equal(res.exit?.exitCode, 137);
  assert.ok(n(killed, 'memory.oom_control', 'oom_kill') >= 1, 'oom_kill in the killed container');
  assert.equal(n(killed, 'memory.memsw.limit_in_bytes'), 64 * MiB, 'memsw limit set like the kubelet does');
  // The memsw counter is charged (and refuses) first, so the memory counter never fails.
  assert.equal(n(killed, 'memory.failcnt'), 0, 'memory.failcnt of the container');
  assert.ok(n(killed, 'memory.max_usage_in_bytes') >= 64 * MiB - 512 * 1024, 'max_usage reached the limit');
  // Not propagated on v1, and the pod (limit 96Mi) did not fire.
  assert.equal(n(res.levels.pod, 'memory.oom_control', 'oom_kill'), 0, 'pod oom_kill');
  assert.equal(n(res.levels.pod, 'memory.failcnt'), 0, 'pod failcnt');
  assert.equal(n(sidecar.cgroup, 'memory.oom_control', 'oom_kill'), 0, 'sidecar untouched');
  const k = oomKillLine(res.outDir);
  if (!k) t.diagnostic(`no kernel.log: ${res.snapshot.kernelLog.note}`);
  else {
    t.diagnostic(k.text);
    assert.equal(k.oomMemcg, abs(killed));
    assert.equal(k.taskMemcg, abs(killed));
    assert.match(kernelLog(res.outDir) ?? '', /memory\+swap: usage 65536kB, limit 65536kB/);
  }
});

test('(d) container over its own limit without a memsw limit: SIGKILL, oom_kill ≥ 1 and failcnt > 0 in the container', async (t) => {
  const res = await scenarioForTest(t, 'oom-container', { memswLimit: false });
  if (!res) return;
  const killed = res.containers.find((c) => c.name === 'app')!.previous[0]!.cgroup;
  const n = (rel: string, file: string, key?: string): number => snapshotNumber(res.outDir, rel, file, key);
  t.diagnostic(
    `killed container: oom_kill ${n(killed, 'memory.oom_control', 'oom_kill')}, failcnt ${n(killed, 'memory.failcnt')}, max_usage ${mib(n(killed, 'memory.max_usage_in_bytes'))}`,
  );
  assert.equal(res.exit?.signal, 'SIGKILL');
  assert.equal(res.exit?.exitCode, 137);
  assert.ok(n(killed, 'memory.oom_control', 'oom_kill') >= 1, 'oom_kill in the container');
  assert.ok(n(killed, 'memory.failcnt') > 0, 'failcnt in the container');
  assert.equal(n(res.levels.pod, 'memory.failcnt'), 0, 'pod failcnt');
  const k = oomKillLine(res.outDir);
  if (k) assert.equal(k.oomMemcg, abs(killed));
});

test('(d′) single-container pod: the pod level (same limit + the pause charge) fires; oom_kill only in the container', async (t) => {
  const res = await scenarioForTest(t, 'oom-pod');
  if (!res) return;
  const killed = res.containers[0]!.previous[0]!.cgroup;
  const n = (rel: string, file: string, key?: string): number => snapshotNumber(res.outDir, rel, file, key);
  t.diagnostic(
    `pod: failcnt ${n(res.levels.pod, 'memory.failcnt')}, oom_kill ${n(res.levels.pod, 'memory.oom_control', 'oom_kill')}, limit ${mib(n(res.levels.pod, 'memory.limit_in_bytes'))}; container: failcnt ${n(killed, 'memory.failcnt')}, oom_kill ${n(killed, 'memory.oom_control', 'oom_kill')}; pause usage ${mib(n(res.levels.pause, 'memory.usage_in_bytes'))}`,
  );
  assert.equal(res.exit?.signal, 'SIGKILL');
  assert.ok(n(res.levels.pod, 'memory.failcnt') > 0, 'pod failcnt');
  assert.equal(n(killed, 'memory.failcnt'), 0, 'container failcnt');
  assert.ok(n(killed, 'memory.oom_control', 'oom_kill') >= 1, 'oom_kill in the killed container');
  assert.equal(n(res.levels.pod, 'memory.oom_control', 'oom_kill'), 0, 'pod oom_kill (v1 does not propagate)');
  const k = oomKillLine(res.outDir);
  if (!k) t.diagnostic(`no kernel.log: ${res.snapshot.kernelLog.note}`);
  else {
    t.diagnostic(k.text);
    assert.equal(k.oomMemcg, abs(res.levels.pod));
    assert.equal(k.taskMemcg, abs(killed));
  }
});

test('(e) container without a limit under a limited kubepods: kubepods failcnt > 0, oom_kill only in the killed container', async (t) => {
  const res = await scenarioForTest(t, 'oom-kubepods');
  if (!res) return;
  const killed = res.containers[0]!.previous[0]!.cgroup;
  const n = (rel: string, file: string, key?: string): number => snapshotNumber(res.outDir, rel, file, key);
  const levels = { kubepods: res.levels.kubepods, qos: res.levels.qos!, pod: res.levels.pod, container: killed };
  for (const [name, rel] of Object.entries(levels)) {
    t.diagnostic(
      `${name}: failcnt ${n(rel, 'memory.failcnt')}, oom_kill ${n(rel, 'memory.oom_control', 'oom_kill')}, max_usage ${mib(n(rel, 'memory.max_usage_in_bytes'))}, limit ${n(rel, 'memory.limit_in_bytes')}`,
    );
  }
  assert.equal(res.exit?.signal, 'SIGKILL');
  assert.equal(res.exit?.exitCode, 137);
  assert.equal(n(res.levels.kubepods, 'memory.limit_in_bytes'), 256 * MiB);
  assert.ok(n(res.levels.kubepods, 'memory.failcnt') > 0, 'kubepods failcnt');
  assert.ok(n(killed, 'memory.oom_control', 'oom_kill') >= 1, "oom_kill in the killed process's own container cgroup");
  // Observed: failcnt only where the limit is, oom_kill only where the victim is.
  assert.equal(n(killed, 'memory.failcnt'), 0, 'container failcnt');
  assert.equal(n(res.levels.pod, 'memory.failcnt'), 0, 'pod failcnt');
  assert.equal(n(res.levels.kubepods, 'memory.oom_control', 'oom_kill'), 0, 'kubepods oom_kill');
  assert.equal(n(res.levels.pod, 'memory.oom_control', 'oom_kill'), 0, 'pod oom_kill');
  const k = oomKillLine(res.outDir);
  if (!k) t.diagnostic(`no kernel.log: ${res.snapshot.kernelLog.note}`);
  else {
    t.diagnostic(k.text);
    assert.equal(k.oomMemcg, '/kubepods');
    assert.equal(k.taskMemcg, abs(killed));
  }
});
