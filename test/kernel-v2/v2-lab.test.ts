// memwhy on a REAL cgroup v2 kernel: the lab (./vm.ts) boots the Debian cloud kernel in QEMU once for this file,
// runs every experiment, and the tests analyse what the kernel wrote through the path a user gets
// (snapshot folder → loadSnapshot → analyse → JSON/text), asserting that the numbers shown equal the kernel's files.
// The node reader script itself ran inside the VM against the real tree; its output is parsed with the project's
// frame parser and must carry the same files. Skips (with the reason) where qemu or the assets are missing.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';
import { loadSnapshot } from '../../src/app/snapshot.js';
import { analyse } from '../../src/core/analyse.js';
import { V2_CGROUP_FILES } from '../../src/core/cgroup-files.js';
import { parseFrames } from '../../src/core/frames.js';
import { parseNodeFrames } from '../../src/core/views/node-frames.js';
import { nodeMemory } from '../../src/core/views/node-memory.js';
import { formatBytes } from '../../src/core/quantity.js';
import type { Analysis, CgroupFiles, Facts } from '../../src/core/types.js';
import { renderJson } from '../../src/render/json.js';
import { renderText } from '../../src/render/text.js';
import { writeSnapshot } from './snapshot.js';
import { experiment, findAssets, MiB, runLab, type Experiment, type LabRun } from './vm.js';

const NOW = '2026-12-02T12:00:00.000Z';
const assets = findAssets();
const SKIP = 'skip' in assets ? assets.skip : false;
let work = '';
let lab: LabRun | null = null;

before(async () => {
  if (SKIP || 'skip' in assets) return;
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'memwhy-v2lab-test-'));
  lab = await runLab(assets, path.join(work, 'run'));
  const boot = lab.bootSeconds === null ? '?' : lab.bootSeconds.toFixed(1);
  console.log(
    `v2 lab: boot to cgroup2 ${boot} s, whole VM ${lab.totalSeconds.toFixed(1)} s, ${lab.plan.length} experiments`,
  );
});
after(() => {
  if (work && process.env.MEMWHY_LAB_KEEP !== '1') fs.rmSync(work, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------------
// What the kernel wrote (the guest's copies of the cgroup files)

function run(): LabRun {
  assert.ok(lab, 'the lab did not run');
  return lab;
}

function exp(name: string): Experiment {
  const e = run().plan.find((x) => x.name === name);
  assert.ok(e, `no experiment ${name}`);
  return e;
}

interface Tree {
  kubepods: string;
  pod: string;
  scope: (id: string) => string;
}

function tree(e: Experiment): Tree {
  if (e.driver === 'cgroupfs') {
    const pod = `kubepods/burstable/pod${e.podUid}`;
    return { kubepods: 'kubepods', pod, scope: (id) => `${pod}/${id}` };
  }
  const pod = `kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${e.podUid.replace(/-/g, '_')}.slice`;
  return { kubepods: 'kubepods.slice', pod, scope: (id) => `${pod}/cri-containerd-${id}.scope` };
}

/** A cgroup file as the guest copied it (`folder` = experiment name, or `cache-once`). */
function kfile(folder: string, rel: string, file: string): string {
  return fs.readFileSync(path.join(run().dir, folder, 'cgroup', rel, file), 'utf8');
}

function knum(folder: string, rel: string, file: string): number {
  const n = Number(kfile(folder, rel, file).trim());
  assert.ok(Number.isInteger(n), `${rel}/${file} is not a number`);
  return n;
}

/** One key of a flat keyed file (memory.stat, memory.events, memory.events.local). */
function kkey(folder: string, rel: string, file: string, key: string): number {
  const m = new RegExp(`^${key} (\\d+)$`, 'm').exec(kfile(folder, rel, file));
  assert.ok(m, `${rel}/${file} has no ${key}`);
  return Number(m[1]);
}

// ---------------------------------------------------------------------------------------------
// What a user sees

const analyses = new Map<string, { a: Analysis; json: Record<string, any>; text: string; dir: string }>();

/** The folder written as a snapshot and analysed as `kubectl memwhy --from <dir> -o json|text` would. */
async function seen(
  folder: string,
  options: { kernelLog?: boolean } = {},
): Promise<{ a: Analysis; json: Record<string, any>; text: string; dir: string }> {
  const key = `${folder}:${options.kernelLog ?? true}`;
  const cached = analyses.get(key);
  if (cached) return cached;
  const dir = writeSnapshot(run(), folder, path.join(work, 'snapshots', key.replace(':', '-')));
  if (options.kernelLog === false) fs.rmSync(path.join(dir, 'kernel.log'), { force: true });
  const a = analyse(await loadSnapshot(dir), { now: NOW });
  const out = {
    a,
    json: JSON.parse(renderJson(a)) as Record<string, any>,
    text: renderText(a, { color: false, width: 100 }),
    dir,
  };
  analyses.set(key, out);
  return out;
}

function jsonContainer(json: Record<string, any>, name: string): Record<string, any> {
  const c = (json.containers as Array<Record<string, any>>).find((x) => x.name === name);
  assert.ok(c, `no container ${name} in the JSON`);
  return c;
}

/** The figures a user sees for one level equal that level's files. */
function assertFiguresEqualKernel(shown: Record<string, any>, folder: string, rel: string, what: string): void {
  const current = knum(folder, rel, 'memory.current');
  const stat = (k: string): number => kkey(folder, rel, 'memory.stat', k);
  assert.equal(shown.usageBytes, current, `${what} usageBytes = ${rel}/memory.current`);
  assert.equal(
    shown.workingSetBytes,
    current - stat('inactive_file'),
    `${what} workingSetBytes = memory.current − inactive_file`,
  );
  assert.equal(shown.breakdown.anonBytes, stat('anon'), `${what} anonBytes = memory.stat anon`);
  // The breakdown's file part is the file LRU (shmem is shown apart); cacheBytes is memory.stat file (shmem included).
  assert.equal(
    shown.breakdown.fileBytes,
    stat('active_file') + stat('inactive_file'),
    `${what} fileBytes = active_file + inactive_file`,
  );
  assert.equal(shown.cacheBytes, stat('file'), `${what} cacheBytes = memory.stat file`);
  assert.equal(shown.rssBytes, stat('anon'), `${what} rssBytes = memory.stat anon`);
  assert.equal(shown.breakdown.activeFileBytes, stat('active_file'), `${what} activeFileBytes`);
  assert.equal(shown.breakdown.inactiveFileBytes, stat('inactive_file'), `${what} inactiveFileBytes`);
  assert.equal(shown.breakdown.shmemBytes, stat('shmem'), `${what} shmemBytes`);
  assert.equal(shown.peakBytes, knum(folder, rel, 'memory.peak'), `${what} peakBytes = memory.peak`);
  assert.equal(shown.views.kubectlTopBytes, shown.workingSetBytes, `${what} kubectl top = working set`);
}

/** The counters a user sees for one level equal memory.events / memory.events.local. */
function assertCountersEqualKernel(shown: Record<string, any>, folder: string, rel: string, what: string): void {
  assert.equal(shown.limitHits, kkey(folder, rel, 'memory.events', 'max'), `${what} limitHits = memory.events max`);
  assert.equal(
    shown.localOoms,
    kkey(folder, rel, 'memory.events.local', 'oom'),
    `${what} localOoms = memory.events.local oom`,
  );
}

function textRow(text: string, name: string): string {
  const row = text.split('\n').find((l) => l.trimStart().startsWith(`${name} `));
  assert.ok(row, `no row for ${name} in the text output`);
  return row;
}

const mib = (n: number): string => `${(n / MiB).toFixed(1)} MiB`;

// ---------------------------------------------------------------------------------------------

describe('cgroup v2 lab (Debian 6.1 kernel in QEMU)', { skip: SKIP }, () => {
  test('seed 000 on v2: read once the 100 MiB stay inactive_file (small working set); read twice they are active_file and kubectl top shows them', async (t) => {
    const e = exp('cache');
    const rel = tree(e).scope(e.appId);
    const once = await seen('cache-once');
    const twice = await seen('cache');
    assertFiguresEqualKernel(jsonContainer(once.json, 'app'), 'cache-once', rel, 'read once:');
    assertFiguresEqualKernel(jsonContainer(twice.json, 'app'), 'cache', rel, 'read twice:');
    const ws1 = jsonContainer(once.json, 'app').workingSetBytes as number;
    const ws2 = jsonContainer(twice.json, 'app').workingSetBytes as number;
    t.diagnostic(
      `working set ${mib(ws1)} → ${mib(ws2)}; inactive_file read once ${mib(kkey('cache-once', rel, 'memory.stat', 'inactive_file'))}`,
    );
    assert.ok(
      kkey('cache-once', rel, 'memory.stat', 'inactive_file') >= 95 * MiB,
      'read once: the file sits on inactive_file',
    );
    assert.ok(ws1 < 5 * MiB, `read once: working set ${mib(ws1)} stays small`);
    assert.ok(
      kkey('cache', rel, 'memory.stat', 'active_file') >= 95 * MiB,
      'read twice: the file moved to active_file',
    );
    assert.ok(ws2 - ws1 >= 95 * MiB, `read twice: working set grew by ${mib(ws2 - ws1)}`);
    assert.ok(
      twice.a.verdicts.some((v) => v.kind === 'CacheDriven' && v.container === 'app'),
      'CacheDriven verdict',
    );
    assert.match(
      textRow(twice.text, 'app'),
      new RegExp(` ${formatBytes(ws2).replace('.', '\\.')} `),
      'the text WORKSET column shows the kernel number',
    );
  });

  test('80 MiB of anonymous memory: anon shown = memory.stat anon ≈ 80 MiB, the largest part', async () => {
    for (const name of ['anon', 'cgroupfs_anon']) {
      const e = exp(name);
      const rel = tree(e).scope(e.appId);
      const c = jsonContainer((await seen(name)).json, 'app');
      assertFiguresEqualKernel(c, name, rel, `${name}:`);
      const anon = c.breakdown.anonBytes as number;
      assert.ok(anon >= 80 * MiB && anon <= 84 * MiB, `${name}: anon ${mib(anon)} ≈ 80 MiB`);
      assert.ok(anon > 0.9 * (c.usageBytes as number), `${name}: anon is most of usage`);
    }
  });

  test('64 MiB in tmpfs: shmem (and file) shown = memory.stat, none of it inactive_file, all of it in the working set', async () => {
    const e = exp('tmpfs');
    const rel = tree(e).scope(e.appId);
    const c = jsonContainer((await seen('tmpfs')).json, 'app');
    assertFiguresEqualKernel(c, 'tmpfs', rel, 'tmpfs:');
    const shmem = c.breakdown.shmemBytes as number;
    assert.ok(Math.abs(shmem - 64 * MiB) <= MiB, `shmem ${mib(shmem)} ≈ 64 MiB`);
    assert.ok((c.cacheBytes as number) >= shmem, 'tmpfs pages are counted in memory.stat file too');
    assert.ok((c.breakdown.inactiveFileBytes as number) < MiB, 'none of the tmpfs pages are on the file LRU');
    assert.ok((c.workingSetBytes as number) >= shmem, 'tmpfs stays in the working set');
  });

  const OOMS: Array<[string, 'container' | 'pod' | 'node-allocatable']> = [
    ['oom_container_g1', 'container'],
    ['oom_container_g0', 'container'],
    ['cgroupfs_oom_container_g1', 'container'],
    ['oom_pod_g1', 'pod'],
    ['oom_pod_g0', 'pod'],
    ['oom_kubepods_g1', 'node-allocatable'],
    ['oom_kubepods_g0', 'node-allocatable'],
  ];

  for (const [name, level] of OOMS) {
    test(`${name}: the kernel's memory.events.local names the level; OOMKilled (${level}) with kernel.log; figures and counters = the kernel's files`, async () => {
      const e = exp(name);
      const tr = tree(e);
      const fired = level === 'container' ? tr.scope(e.appId) : level === 'pod' ? tr.pod : tr.kubepods;
      assert.equal(
        Number(fs.readFileSync(path.join(run().dir, name, 'app.exit'), 'utf8')),
        137,
        'the app was SIGKILLed',
      );
      assert.ok(kkey(name, fired, 'memory.events.local', 'oom') >= 1, `${fired}: local oom ≥ 1 (its limit fired)`);
      assert.ok(
        kkey(name, tr.scope(e.appId), 'memory.events.local', 'oom_kill') >= 1,
        'the killed process was in the app scope',
      );
      const { a, json, text } = await seen(name);
      const v = a.verdicts.find((x) => x.kind === 'OOMKilled' && x.container === 'app');
      assert.ok(v, 'OOMKilled verdict for app');
      assert.equal(v.level, level);
      assertFiguresEqualKernel(jsonContainer(json, 'app'), name, tr.scope(e.app2Id!), 'restarted app:');
      assertFiguresEqualKernel(json.podLevel, name, tr.pod, 'pod:');
      assertCountersEqualKernel(json.podLevel, name, tr.pod, 'pod:');
      assertFiguresEqualKernel(json.node.kubepods, name, tr.kubepods, 'kubepods:');
      assert.equal(json.podLevel.cgroupLimitBytes, e.podLimitBytes, 'pod limit shown = the pod slice memory.max');
      const podMax = kfile(name, tr.pod, 'memory.max').trim();
      assert.equal(
        String(json.podLevel.cgroupLimitBytes ?? 'max'),
        podMax,
        'pod limit shown = the pod slice memory.max',
      );
      const podLimitText = podMax === 'max' ? 'pod limit none' : `pod limit ${formatBytes(Number(podMax))}`;
      assert.ok(text.includes(podLimitText), `the text says "${podLimitText}"`);
    });
  }

  for (const [name, level] of OOMS) {
    test(`${name}: without kernel.log the level still comes from memory.events.local: ${level}`, async () => {
      const { a } = await seen(name, { kernelLog: false });
      const v = a.verdicts.find((x) => x.kind === 'OOMKilled' && x.container === 'app');
      assert.ok(v, 'OOMKilled verdict for app');
      assert.equal(v.level, level, v.summary);
    });
  }

  for (const name of ['oom_container_g1', 'oom_pod_g1', 'oom_kubepods_g1']) {
    test(`${name}: memory.oom.group 1 — the kernel counts oom_kill 2, oom_group_kill 1 for one group kill of one process`, () => {
      const e = exp(name);
      const app = tree(e).scope(e.appId);
      assert.equal(kfile(name, app, 'memory.oom.group').trim(), '1');
      assert.equal(kkey(name, app, 'memory.events', 'oom_kill'), 2);
      assert.equal(kkey(name, app, 'memory.events', 'oom_group_kill'), 1);
      const log = fs.readFileSync(path.join(run().dir, name, 'dmesg'), 'utf8');
      assert.match(log, /are going to be killed due to memory\.oom\.group set/);
      const pids = new Set([...log.matchAll(/Killed process (\d+)/g)].map((m) => m[1]));
      assert.equal(pids.size, 1, 'one process was killed');
    });
    test(`${name}: a user is told of ONE group kill, never two kills`, async () => {
      const { a, json } = await seen(name);
      // The counters stay the kernel's (oom_kill counts processes); the group-kill counter and the words say one OOM.
      assert.equal(json.podLevel.oomGroupKills, 1, 'pod oom_group_kill: one group kill');
      const v = a.verdicts.find((x) => x.kind === 'OOMKilled' && x.container === 'app');
      assert.ok(
        v?.evidence.some((ev) => /group kill/i.test(ev.text)),
        'the OOMKilled evidence says it was a group kill',
      );
      assert.ok(
        !a.verdicts.some((x) =>
          /\b2 (OOM )?kills\b/i.test(
            `${x.summary} ${x.evidence.map((ev) => ev.text).join(' ')}`.replace(/not 2 separate kills/g, ''),
          ),
        ),
        'never "2 kills"',
      );
    });
  }

  test('memory.oom.group 0: one kill, no group kill', () => {
    for (const name of ['oom_container_g0', 'oom_pod_g0', 'oom_kubepods_g0']) {
      const e = exp(name);
      const app = tree(e).scope(e.appId);
      assert.equal(kfile(name, app, 'memory.oom.group').trim(), '0');
      assert.equal(kkey(name, app, 'memory.events', 'oom_kill'), 1, name);
      assert.equal(kkey(name, app, 'memory.events', 'oom_group_kill'), 0, name);
    }
  });

  test('sizing on the real v2 kernel: the cache-heavy workload re-run under the advised limit is not OOM-killed, and krr sizes it far above what it needed', async (t) => {
    const { json } = await seen('cache');
    const advice = jsonContainer(json, 'app').advice as { limitBytes: number; krrBytes: number; floorBytes: number };
    assert.ok(advice.limitBytes > 0 && advice.krrBytes > advice.limitBytes, 'krr counts the active page cache');
    // A second boot: the same workload (the 100 MiB file read twice) in a container limited to the advice.
    const rerun = await runLab(assets as Exclude<typeof assets, { skip: string }>, path.join(work, 'rerun'), [
      experiment('rerun_cache', 'cache', 'systemd', { appLimitBytes: advice.limitBytes }),
    ]);
    const e = rerun.plan[0]!;
    const rel = tree(e).scope(e.appId);
    const file = (name: string) => fs.readFileSync(path.join(rerun.dir, 'rerun_cache', 'cgroup', rel, name), 'utf8');
    const events = Object.fromEntries(
      file('memory.events')
        .trim()
        .split('\n')
        .map((l) => l.split(' ') as [string, string]),
    );
    t.diagnostic(
      `advised limit ${mib(advice.limitBytes)} (floor ${mib(advice.floorBytes)}), krr ${mib(advice.krrBytes)}; ` +
        `re-run: memory.max ${file('memory.max').trim()}, peak ${mib(Number(file('memory.peak')))}, oom_kill ${events.oom_kill}`,
    );
    assert.equal(Number(file('memory.max')), advice.limitBytes, 'the re-run ran under the advised limit');
    assert.equal(Number(events.oom_kill), 0, 'not OOM-killed under the advised limit');
    // 100 MiB were read (twice) through a 16-odd MiB limit: the kernel reclaimed the page cache instead of killing.
    const stat = Object.fromEntries(
      file('memory.stat')
        .trim()
        .split('\n')
        .map((l) => l.split(' ') as [string, string]),
    );
    const stolen = Number(stat.pgsteal) * 4096;
    t.diagnostic(`re-run: pgsteal ${mib(stolen)}, file now ${mib(Number(stat.file))}`);
    assert.ok(
      stolen >= 100 * MiB - advice.limitBytes,
      `the kernel reclaimed ${mib(stolen)} of page cache in the cgroup`,
    );
    assert.ok(Number(file('memory.peak')) <= advice.limitBytes, 'it never held more than the advised limit');
    assert.ok(
      advice.krrBytes >= 4 * advice.limitBytes,
      `krr's ${mib(advice.krrBytes)} is far above the ${mib(advice.limitBytes)} that sufficed`,
    );
  });

  test('the node reader script, run inside the VM under busybox sh, prints the real v2 tree and the frame parser verifies it', async () => {
    for (const folder of ['cache-once', ...run().plan.map((e) => e.name)]) {
      const e = run().plan.find((x) => x.name === folder || `${x.name}-once` === folder)!;
      const parsed = assertReaderOutput(folder, e);
      await assertSameAnalysis(folder, parsed.files);
    }
  });
});

describe('the node reader on the real v2 kernel', () => {
  test(
    'the node reader script, run inside the VM under busybox sh: the node view shows kubepods.slice memory.max/current, its tiers and system.slice as the kernel wrote them',
    { skip: SKIP },
    () => {
      const dir = path.join(run().dir, 'node');
      assert.equal(fs.readFileSync(path.join(dir, 'node-reader.rc'), 'utf8').trim(), '0');
      const frames = parseNodeFrames(fs.readFileSync(path.join(dir, 'node-reader.txt'), 'utf8'));
      assert.deepEqual(frames.problems, []);
      assert.ok(frames.complete);
      assert.match(frames.meminfo ?? '', /^MemTotal: +\d+ kB$/m);
      const view = nodeMemory({
        node: { metadata: { name: 'v2-guest' }, status: {} },
        pods: [],
        summary: null,
        nodeMetricsWorkingSetBytes: null,
        kubeletConfig: null,
        cgroupFiles: frames.files,
        meminfo: frames.meminfo,
        events: null,
      });
      const before = copiedFiles(path.join(run().dir, 'node-before', 'cgroup'));
      const after = copiedFiles(path.join(dir, 'cgroup'));
      const num = (files: CgroupFiles, key: string) => Number((files[key] ?? '').trim());
      const near = (actual: number | null, key: string) => {
        const a = num(before, key);
        const b = num(after, key);
        assert.ok(
          actual !== null && actual >= Math.min(a, b) - 2 * MiB && actual <= Math.max(a, b) + 2 * MiB,
          `${key}: ${actual} shown, the kernel wrote ${a} before and ${b} after`,
        );
      };
      assert.equal(view.node.cgroupVersion, 'v2');
      assert.equal(view.node.kubepodsLimitBytes, 512 * MiB);
      assert.equal(view.node.kubepodsLimitBytes, num(after, 'kubepods.slice/memory.max'));
      near(view.node.kubepodsUsageBytes, 'kubepods.slice/memory.current');
      assert.ok(view.node.kubepodsUsageBytes! >= (24 + 12 + 16) * MiB);
      const tier = (q: string) => view.tiers.find((t) => t.qosClass === q)!.cgroupUsageBytes;
      assert.equal(tier('Guaranteed'), null);
      near(tier('Burstable'), 'kubepods.slice/kubepods-burstable.slice/memory.current');
      near(tier('BestEffort'), 'kubepods.slice/kubepods-besteffort.slice/memory.current');
      assert.ok(tier('Burstable')! >= 24 * MiB && tier('BestEffort')! >= 12 * MiB);
      const sys = view.outsideKubepods.parts.find((p) => p.path === 'system.slice');
      near(sys?.usageBytes ?? null, 'system.slice/memory.current');
      assert.ok(sys!.usageBytes! >= 8 * MiB);
    },
  );
});

/** The reader's frames verify, and carry every listed file of every level the guest copied, with equal content. */
function assertReaderOutput(folder: string, e: Experiment): ReturnType<typeof parseFrames> {
  const dir = path.join(run().dir, folder);
  assert.equal(fs.readFileSync(path.join(dir, 'reader.rc'), 'utf8').trim(), '0', `${folder}: reader exit code`);
  const parsed = parseFrames(fs.readFileSync(path.join(dir, 'reader.txt')));
  assert.deepEqual(parsed.problems, [], `${folder}: frame problems`);
  assert.ok(parsed.complete, `${folder}: frame set complete`);
  assert.equal(parsed.cgroupVersion, 'v2');
  assert.equal(parsed.podPath, tree(e).pod);
  const copied = copiedFiles(path.join(dir, 'cgroup'));
  for (const [k, text] of Object.entries(copied))
    assert.notEqual(text, '', `${folder}: ${k} was copied empty (unreadable?)`);
  const listed = Object.keys(copied).filter(
    (k) => k === 'cgroup.controllers' || (V2_CGROUP_FILES as readonly string[]).includes(path.posix.basename(k)),
  );
  assert.deepEqual(
    Object.keys(parsed.files).sort(),
    listed.sort(),
    `${folder}: the reader read exactly the listed files of every level`,
  );
  // Files that do not move while nothing runs are byte-identical; memory.current/stat/pressure are re-read later.
  const steady = [
    'memory.max',
    'memory.high',
    'memory.low',
    'memory.min',
    'memory.events',
    'memory.events.local',
    'memory.oom.group',
    'memory.swap.max',
    'cgroup.controllers',
  ];
  for (const k of listed.filter((x) => steady.includes(path.posix.basename(x))))
    assert.equal(parsed.files[k], copied[k], `${folder}: ${k}`);
  return parsed;
}

function copiedFiles(root: string, rel = ''): CgroupFiles {
  const out: CgroupFiles = {};
  for (const d of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
    const key = rel ? `${rel}/${d.name}` : d.name;
    if (d.isDirectory()) Object.assign(out, copiedFiles(root, key));
    else out[key] = fs.readFileSync(path.join(root, key), 'utf8');
  }
  return out;
}

/** The analysis of the reader's files gives the user the same verdicts and limits as that of the copied files. */
async function assertSameAnalysis(folder: string, readerFiles: CgroupFiles): Promise<void> {
  const { a, dir } = await seen(folder);
  const facts: Facts = { ...(await loadSnapshot(dir)), cgroupFiles: readerFiles };
  const r = analyse(facts, { now: NOW });
  const brief = (x: Analysis): unknown => ({
    verdicts: x.verdicts.map((v) => `${v.kind}/${v.level ?? '-'}/${v.container ?? '-'}`),
    limits: x.containers.map((c) => [c.name, c.cgroupLimitBytes, c.cgroupPath]),
    pod: [x.podLevel?.cgroupLimitBytes, x.podLevel?.limitHits, x.podLevel?.localOoms],
  });
  assert.deepEqual(brief(r), brief(a), `${folder}: reader files and copied files analyse alike`);
}
