import { test, describe } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';

import {
  classifyCgroupPath,
  detectCgroupVersion,
  locatePod,
  parseContainerId,
  parseLimit,
  parseMemoryEvents,
  parseMemoryStat,
  parseOomControl,
  parsePsi,
  readLevel,
} from '../../src/core/cgroup.js';
import type { CgroupFiles, CgroupLevel, CgroupVersion } from '../../src/core/types.js';

const RAW = join(import.meta.dirname, '..', 'fixtures', 'raw');
const ELASTIC_DIR = join(RAW, 'cgroupv2-elastic-docker2-session-520.scope');
const RUNC_STAT = readFileSync(join(RAW, 'cgroupv2-memory.stat.runc-fs2-test.txt'), 'utf8');
const V1_ROOT = '/sys/fs/cgroup/memory';

const UID = '5931aa75-4603-4e65-b552-7c71cf55cfb5';
const UID_ = UID.replace(/-/g, '_');
const ID = 'ec9ee26695deb4cc72bc665efff1cf3a03fdfb12f1303e02fe9252985e084a95'; // sorts after `crio-conmon-`
const SANDBOX = '9192cb33411ff69d015a3577db136757f5b145064a1703efea3d0e12e8a64987';
const MISSING = '25a38b5b8d556d7983d975577f5ac75ebbcfb4b269e6deaa0a0440c1ffc969ca';
const OTHER_UID = 'a5d8fdd1-1369-469e-8a7d-2c1047529435';

/** The elastic fixture's memory files (and cgroup.controllers), as name → text. */
function elasticFiles(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of readdirSync(ELASTIC_DIR)) {
    if (name.startsWith('memory.') || name === 'cgroup.controllers')
      out[name] = readFileSync(join(ELASTIC_DIR, name), 'utf8');
  }
  return out;
}

function placeUnder(dir: string, named: Record<string, string>): CgroupFiles {
  return Object.fromEntries(Object.entries(named).map(([name, text]) => [`${dir}/${name}`, text]));
}

/** Every number field of a level must be null or a finite number (never NaN, never undefined). */
function assertWellFormed(level: CgroupLevel): void {
  for (const [key, value] of Object.entries(level)) {
    assert.notEqual(value, undefined, `${key} is undefined`);
    if (typeof value === 'number') assert.ok(Number.isFinite(value) && value >= 0, `${key} = ${value}`);
  }
  if (level.unlimited === true) assert.equal(level.limitBytes, null);
  if (level.limitBytes !== null) assert.equal(level.unlimited, false);
}

// ---------------------------------------------------------------------------------------------

describe('single-file parsers', () => {
  test('memory.stat from runc (older v2 key set, no trailing newline)', () => {
    const stat = parseMemoryStat(RUNC_STAT);
    assert.ok(stat);
    assert.equal(Object.keys(stat).length, 40);
    assert.equal(stat.anon, 790425600);
    assert.equal(stat.file, 6502666240);
    assert.equal(stat.inactive_file, 5307346944);
    assert.equal(stat.active_file, 1179316224);
    assert.equal(stat.shmem, 6721536);
    assert.equal(stat.slab, 358966048);
    assert.equal(stat.swapcached, 10);
    assert.equal(stat.thp_collapse_alloc, 443); // the last line, no newline after it
    assert.equal(stat.kernel, undefined); // absent key: not there, not 0
  });

  test('memory.stat skips malformed lines and keeps the rest', () => {
    assert.deepEqual(parseMemoryStat('anon 5\nfile\nbad line here\nx 1.5\n__proto__ 3\nshmem -1\r\nfile 7\n\n'), {
      anon: 5,
      shmem: -1,
      file: 7,
    });
    assert.equal(parseMemoryStat(''), null);
    assert.equal(parseMemoryStat('garbage'), null);
    assert.equal(parseMemoryStat(null), null);
  });

  test('memory.events: absent keys are null (kernel < 5.17 has no oom_group_kill)', () => {
    assert.deepEqual(parseMemoryEvents('low 1\nhigh 2\nmax 3\noom 4\noom_kill 5\n'), {
      low: 1,
      high: 2,
      max: 3,
      oom: 4,
      oomKill: 5,
      oomGroupKill: null,
    });
    assert.equal(parseMemoryEvents('sock_throttled 3\n'), null);
    assert.equal(parseMemoryEvents('max'), null);
  });

  test('memory.pressure', () => {
    assert.deepEqual(
      parsePsi('some avg10=1.50 avg60=0.25 avg300=0.00 total=42\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=7\n'),
      {
        some: { avg10: 1.5, avg60: 0.25, avg300: 0, totalUsec: 42 },
        full: { avg10: 0, avg60: 0, avg300: 0, totalUsec: 7 },
      },
    );
    // A truncated `full` line is null, the `some` line still counts.
    assert.deepEqual(parsePsi('some avg10=0.00 avg60=0.00 avg300=0.00 total=9\nfull avg10=0.00 avg6'), {
      some: { avg10: 0, avg60: 0, avg300: 0, totalUsec: 9 },
      full: null,
    });
    assert.equal(parsePsi('some avg10=x'), null);
  });

  test('memory.oom_control', () => {
    assert.deepEqual(parseOomControl('oom_kill_disable 0\nunder_oom 1\noom_kill 3\n'), {
      oomKillDisable: false,
      underOom: true,
      oomKill: 3,
    });
    // Kernels before 4.13 have no oom_kill line.
    assert.deepEqual(parseOomControl('oom_kill_disable 1\nunder_oom 0\n'), {
      oomKillDisable: true,
      underOom: false,
      oomKill: null,
    });
    assert.equal(parseOomControl('nothing here'), null);
  });

  test('limits: max and the v1 sentinel are unlimited, absent is unknown', () => {
    assert.deepEqual(parseLimit('max\n'), { bytes: null, unlimited: true });
    assert.deepEqual(parseLimit('9223372036854771712\n'), { bytes: null, unlimited: true });
    assert.deepEqual(parseLimit('104857600\n'), { bytes: 104857600, unlimited: false });
    assert.deepEqual(parseLimit('0'), { bytes: 0, unlimited: false });
    assert.deepEqual(parseLimit(null), { bytes: null, unlimited: null });
    assert.deepEqual(parseLimit('10485'.concat('x')), { bytes: null, unlimited: null });
  });

  test('parseContainerId', () => {
    assert.deepEqual(parseContainerId(`containerd://${ID}`), { runtime: 'containerd', id: ID });
    assert.deepEqual(parseContainerId(`cri-o://${ID}`), { runtime: 'cri-o', id: ID });
    assert.deepEqual(parseContainerId(`docker://${ID.toUpperCase()}`), { runtime: 'docker', id: ID });
    assert.deepEqual(parseContainerId(ID), { runtime: null, id: ID });
    assert.deepEqual(parseContainerId(`other://${ID}`), { runtime: null, id: ID });
    assert.equal(parseContainerId('containerd://not-hex'), null);
    assert.equal(parseContainerId('containerd://'), null);
    assert.equal(parseContainerId(`containerd://${ID}0`), null); // 65 characters
    assert.equal(parseContainerId(`containerd://../${ID}`), null);
  });
});

// ---------------------------------------------------------------------------------------------

describe('readLevel', () => {
  const containerDir = `kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${UID_}.slice/cri-containerd-${ID}.scope`;

  test('the real elastic v2 memory directory', () => {
    const { 'cgroup.controllers': controllers, ...memory } = elasticFiles();
    const files: CgroupFiles = { 'cgroup.controllers': controllers as string, ...placeUnder(containerDir, memory) };
    assert.equal(detectCgroupVersion(files), 'v2');
    const level = readLevel(files, containerDir, 'v2');
    assert.ok(level);
    assertWellFormed(level);
    const zeroEvents = { low: 0, high: 0, max: 0, oom: 0, oomKill: 0, oomGroupKill: 0 };
    const { stat, ...rest } = level;
    assert.deepEqual(rest, {
      path: containerDir,
      version: 'v2',
      usageBytes: 10498404352,
      limitBytes: null,
      unlimited: true,
      peakBytes: 18772946944,
      failcnt: null,
      events: zeroEvents,
      eventsLocal: zeroEvents,
      oomControl: null,
      psi: {
        some: { avg10: 0, avg60: 0, avg300: 0, totalUsec: 1736583 },
        full: { avg10: 0, avg60: 0, avg300: 0, totalUsec: 1677369 },
      },
      highBytes: null, // `max`
      lowBytes: 0,
      minBytes: 0,
      swapBytes: 17715200,
      swapLimitBytes: null, // `max`
      oomGroup: false,
      kmemUsageBytes: null,
      unreadable: [],
    });
    assert.ok(stat);
    assert.equal(Object.keys(stat).length, 53);
    assert.equal(stat.anon, 1411100672);
    assert.equal(stat.file, 8621432832);
    assert.equal(stat.kernel, 195010560);
    assert.equal(stat.shmem, 20480);
    assert.equal(stat.inactive_file, 6685749248);
    assert.equal(stat.slab, 175160424);
    assert.equal(stat.pgmajfault, 14299);
  });

  test('a leading or trailing slash in the path is ignored', () => {
    const files = placeUnder(containerDir, { 'memory.current': '5\n' });
    assert.equal(readLevel(files, `/${containerDir}/`, 'v2')?.usageBytes, 5);
    assert.equal(readLevel(files, `/${containerDir}/`, 'v2')?.path, containerDir);
  });

  test('absent files are null, never 0; a directory without memory files is null', () => {
    const files = placeUnder(containerDir, { 'memory.stat': 'anon 1\n', 'cpu.max': 'max 100000\n' });
    const level = readLevel(files, containerDir, 'v2');
    assert.ok(level);
    assertWellFormed(level);
    for (const [key, value] of Object.entries(level)) {
      if (!['path', 'version', 'stat', 'unreadable'].includes(key)) assert.equal(value, null, key);
    }
    // A memory.stat without file/active_file/inactive_file is reported as cut short, never taken as whole.
    assert.deepEqual(
      level.unreadable.map((u) => u.file),
      [`cgroup/${containerDir}/memory.stat`],
    );
    assert.equal(readLevel(files, 'kubepods.slice', 'v2'), null);
    assert.equal(readLevel({ 'kubepods.slice/cpu.max': 'max' }, 'kubepods.slice', 'v2'), null);
  });

  test('the v2 root directory (memory.stat and memory.pressure, no memory.current)', () => {
    const files: CgroupFiles = {
      'cgroup.controllers': 'cpu memory\n',
      'memory.stat': RUNC_STAT,
      'memory.pressure':
        'some avg10=0.00 avg60=0.00 avg300=0.00 total=1\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n',
    };
    const root = readLevel(files, '', 'v2');
    assert.ok(root);
    assert.equal(root.path, '');
    assert.equal(root.usageBytes, null);
    assert.equal(root.unlimited, null);
    assert.equal(root.stat?.anon, 790425600);
    assert.equal(root.psi?.some?.totalUsec, 1);
  });

  test('v1 files of a pod with a limit, swap and an OOM kill', () => {
    const dir = `kubepods/burstable/pod${UID}/${ID}`;
    const files = placeUnder(`memory/${dir}`, {
      'memory.usage_in_bytes': '104853504\n',
      'memory.limit_in_bytes': '104857600\n',
      'memory.max_usage_in_bytes': '104857600\n',
      'memory.failcnt': '6402\n',
      'memory.oom_control': 'oom_kill_disable 0\nunder_oom 0\noom_kill 1\n',
      'memory.soft_limit_in_bytes': '9223372036854771712\n',
      'memory.memsw.usage_in_bytes': '110000000\n',
      'memory.memsw.limit_in_bytes': '209715200\n',
      'memory.kmem.usage_in_bytes': '2097152\n',
    });
    assert.equal(detectCgroupVersion(files), 'v1');
    const level = readLevel(files, dir, 'v1');
    assert.ok(level);
    assertWellFormed(level);
    assert.equal(level.path, dir);
    assert.equal(level.usageBytes, 104853504);
    assert.equal(level.limitBytes, 104857600);
    assert.equal(level.unlimited, false);
    assert.equal(level.peakBytes, 104857600);
    assert.equal(level.failcnt, 6402);
    assert.deepEqual(level.oomControl, { oomKillDisable: false, underOom: false, oomKill: 1 });
    assert.equal(level.lowBytes, null); // soft limit unlimited
    assert.equal(level.swapBytes, 110000000 - 104853504);
    assert.equal(level.swapLimitBytes, 209715200 - 104857600);
    assert.equal(level.kmemUsageBytes, 2097152);
    assert.equal(level.events, null);
    assert.equal(level.stat, null); // no memory.stat given
  });

  test('v1: swap needs both memsw and usage', () => {
    const files = { 'memory/x/memory.memsw.usage_in_bytes': '5\n' };
    assert.equal(readLevel(files, 'x', 'v1')?.swapBytes, null);
  });

  test(
    "v1 tree from this machine's real /sys/fs/cgroup/memory files",
    { skip: existsSync(join(V1_ROOT, 'memory.stat')) ? false : 'no cgroup v1 memory controller on this machine' },
    () => {
      const names = [
        'memory.stat',
        'memory.usage_in_bytes',
        'memory.limit_in_bytes',
        'memory.max_usage_in_bytes',
        'memory.failcnt',
        'memory.oom_control',
        'memory.soft_limit_in_bytes',
        'memory.memsw.usage_in_bytes',
        'memory.memsw.limit_in_bytes',
        'memory.kmem.usage_in_bytes',
        'memory.use_hierarchy',
      ];
      const real: Record<string, string> = {};
      for (const name of names) {
        try {
          real[name] = readFileSync(join(V1_ROOT, name), 'utf8');
        } catch {
          // not every kernel has every file (memsw needs swap accounting); the assertions below follow what was read
        }
      }
      const podDir = `kubepods/burstable/pod${UID}`;
      const dir = `${podDir}/${ID}`;
      const files: CgroupFiles = { ...placeUnder('memory', real), ...placeUnder(`memory/${dir}`, real) };
      assert.equal(detectCgroupVersion(files), 'v1');

      const level = readLevel(files, dir, 'v1');
      assert.ok(level);
      assertWellFormed(level);
      const num = (name: string): number | null => (real[name] === undefined ? null : Number(real[name].trim()));

      assert.equal(real['memory.limit_in_bytes']?.trim(), '9223372036854771712'); // the root is never limited
      assert.equal(level.limitBytes, null);
      assert.equal(level.unlimited, true);
      assert.equal(level.usageBytes, num('memory.usage_in_bytes'));
      assert.equal(level.peakBytes, num('memory.max_usage_in_bytes'));
      assert.equal(level.failcnt, num('memory.failcnt'));
      assert.equal(level.kmemUsageBytes, num('memory.kmem.usage_in_bytes'));
      const memsw = num('memory.memsw.usage_in_bytes');
      const usage = num('memory.usage_in_bytes');
      assert.equal(level.swapBytes, memsw === null || usage === null ? null : Math.max(0, memsw - usage));
      // Unlimited memory limit → no swap allowance number, whatever memsw says.
      assert.equal(level.swapLimitBytes, null);
      if (real['memory.soft_limit_in_bytes']?.trim() === '9223372036854771712') assert.equal(level.lowBytes, null);

      const oc = real['memory.oom_control'] ?? '';
      const ocValue = (key: string): number => Number(new RegExp(`^${key} (\\d+)$`, 'm').exec(oc)?.[1]);
      assert.deepEqual(level.oomControl, {
        oomKillDisable: ocValue('oom_kill_disable') === 1,
        underOom: ocValue('under_oom') === 1,
        oomKill: /^oom_kill /m.test(oc) ? ocValue('oom_kill') : null,
      });

      const stat = level.stat;
      assert.ok(stat);
      const statLines = (real['memory.stat'] ?? '').trim().split('\n');
      assert.equal(Object.keys(stat).length, statLines.length);
      for (const line of statLines) {
        const [key, value] = line.split(' ') as [string, string];
        assert.equal(stat[key], Number(value), key);
      }
      for (const key of ['total_rss', 'total_cache', 'total_shmem', 'total_inactive_file', 'total_active_file']) {
        assert.equal(typeof stat[key], 'number', key);
      }
      assert.ok(stat.hierarchical_memory_limit !== undefined && stat.hierarchical_memory_limit >= 2 ** 62);

      // The same tree through locatePod: root = the controller root, pod and container found.
      const loc = locatePod(files, { podUid: UID, containerIds: [`containerd://${ID}`] });
      assert.ok(loc);
      assert.equal(loc.version, 'v1');
      assert.equal(loc.driver, 'cgroupfs');
      assert.equal(loc.root?.path, '');
      assert.equal(loc.root?.usageBytes, usage);
      assert.equal(loc.kubepods, null); // no files at memory/kubepods in this tree
      assert.equal(loc.pod, null);
      assert.equal(loc.containers[ID]?.level.path, dir);
      assert.equal(loc.containers[ID]?.runtime, 'containerd');
    },
  );
});

// ---------------------------------------------------------------------------------------------

describe('locatePod', () => {
  interface Case {
    name: string;
    version: CgroupVersion;
    prefix: string;
    kubepods: string;
    qos: string | null;
    pod: string;
    /** The container's directory name under the pod, and the status ID's scheme. */
    container: string;
    scheme: 'containerd' | 'cri-o' | 'docker';
    /** Sibling directories under the pod that must not be taken for the container. */
    siblings?: string[];
    /** Sub-directories of the container directory. */
    nested?: string[];
    driver: 'systemd' | 'cgroupfs';
  }

  const sd = (p: string) => `${p}kubepods.slice`;
  const cases: Case[] = [
    {
      name: 'v2 systemd containerd Burstable',
      version: 'v2',
      prefix: '',
      kubepods: sd(''),
      qos: 'kubepods.slice/kubepods-burstable.slice',
      pod: `kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${UID_}.slice`,
      container: `cri-containerd-${ID}.scope`,
      scheme: 'containerd',
      siblings: [`cri-containerd-${SANDBOX}.scope`],
      driver: 'systemd',
    },
    {
      name: 'v2 systemd containerd BestEffort',
      version: 'v2',
      prefix: '',
      kubepods: sd(''),
      qos: 'kubepods.slice/kubepods-besteffort.slice',
      pod: `kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-pod${UID_}.slice`,
      container: `cri-containerd-${ID}.scope`,
      scheme: 'containerd',
      driver: 'systemd',
    },
    {
      name: 'v2 systemd containerd Guaranteed',
      version: 'v2',
      prefix: '',
      kubepods: sd(''),
      qos: null,
      pod: `kubepods.slice/kubepods-pod${UID_}.slice`,
      container: `cri-containerd-${ID}.scope`,
      scheme: 'containerd',
      driver: 'systemd',
    },
    {
      name: 'v2 systemd CRI-O Burstable (conmon sibling, crun container/ sub-cgroup)',
      version: 'v2',
      prefix: '',
      kubepods: sd(''),
      qos: 'kubepods.slice/kubepods-burstable.slice',
      pod: `kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${UID_}.slice`,
      container: `crio-${ID}.scope`,
      scheme: 'cri-o',
      siblings: [`crio-conmon-${ID}.scope`],
      nested: ['container'],
      driver: 'systemd',
    },
    {
      name: 'v2 systemd docker Guaranteed',
      version: 'v2',
      prefix: '',
      kubepods: sd(''),
      qos: null,
      pod: `kubepods.slice/kubepods-pod${UID_}.slice`,
      container: `docker-${ID}.scope`,
      scheme: 'docker',
      driver: 'systemd',
    },
    {
      name: 'v2 cgroupfs containerd Burstable',
      version: 'v2',
      prefix: '',
      kubepods: 'kubepods',
      qos: 'kubepods/burstable',
      pod: `kubepods/burstable/pod${UID}`,
      container: ID,
      scheme: 'containerd',
      siblings: [SANDBOX],
      driver: 'cgroupfs',
    },
    {
      name: 'v2 cgroupfs CRI-O BestEffort',
      version: 'v2',
      prefix: '',
      kubepods: 'kubepods',
      qos: 'kubepods/besteffort',
      pod: `kubepods/besteffort/pod${UID}`,
      container: `crio-${ID}`,
      scheme: 'cri-o',
      siblings: [`crio-conmon-${ID}`],
      driver: 'cgroupfs',
    },
    {
      name: 'v2 cgroupfs docker Guaranteed',
      version: 'v2',
      prefix: '',
      kubepods: 'kubepods',
      qos: null,
      pod: `kubepods/pod${UID}`,
      container: ID,
      scheme: 'docker',
      driver: 'cgroupfs',
    },
    {
      name: 'v2 systemd containerd under a test root prefix',
      version: 'v2',
      prefix: 'memwhy-lab-123',
      kubepods: sd('memwhy-lab-123/'),
      qos: 'memwhy-lab-123/kubepods.slice/kubepods-burstable.slice',
      pod: `memwhy-lab-123/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${UID_}.slice`,
      container: `cri-containerd-${ID}.scope`,
      scheme: 'containerd',
      driver: 'systemd',
    },
    {
      name: 'v2 systemd containerd inside LXC',
      version: 'v2',
      prefix: 'lxc.payload.ny2g2r5hh3-lxc',
      kubepods: sd('lxc.payload.ny2g2r5hh3-lxc/'),
      qos: null,
      pod: `lxc.payload.ny2g2r5hh3-lxc/kubepods.slice/kubepods-pod${UID_}.slice`,
      container: `cri-containerd-${ID}.scope`,
      scheme: 'containerd',
      driver: 'systemd',
    },
    {
      name: 'v2 systemd with --cgroup-root=/kubelet (kind)',
      version: 'v2',
      prefix: 'kubelet.slice',
      kubepods: 'kubelet.slice/kubelet-kubepods.slice',
      qos: 'kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-besteffort.slice',
      pod: `kubelet.slice/kubelet-kubepods.slice/kubelet-kubepods-besteffort.slice/kubelet-kubepods-besteffort-pod${UID_}.slice`,
      container: `cri-containerd-${ID}.scope`,
      scheme: 'containerd',
      driver: 'systemd',
    },
    {
      name: 'v2 cgroupfs containerd under a prefix',
      version: 'v2',
      prefix: 'memwhy-lab-123/node',
      kubepods: 'memwhy-lab-123/node/kubepods',
      qos: 'memwhy-lab-123/node/kubepods/burstable',
      pod: `memwhy-lab-123/node/kubepods/burstable/pod${UID}`,
      container: ID,
      scheme: 'containerd',
      driver: 'cgroupfs',
    },
    {
      name: 'v1 systemd containerd Burstable (EKS)',
      version: 'v1',
      prefix: '',
      kubepods: sd(''),
      qos: 'kubepods.slice/kubepods-burstable.slice',
      pod: `kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${UID_}.slice`,
      container: `cri-containerd-${ID}.scope`,
      scheme: 'containerd',
      siblings: [`cri-containerd-${SANDBOX}.scope`],
      driver: 'systemd',
    },
    {
      name: 'v1 systemd docker Burstable',
      version: 'v1',
      prefix: '',
      kubepods: sd(''),
      qos: 'kubepods.slice/kubepods-burstable.slice',
      pod: `kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${UID_}.slice`,
      container: `docker-${ID}.scope`,
      scheme: 'docker',
      driver: 'systemd',
    },
    {
      name: 'v1 systemd CRI-O Guaranteed',
      version: 'v1',
      prefix: '',
      kubepods: sd(''),
      qos: null,
      pod: `kubepods.slice/kubepods-pod${UID_}.slice`,
      container: `crio-${ID}.scope`,
      scheme: 'cri-o',
      siblings: [`crio-conmon-${ID}.scope`],
      driver: 'systemd',
    },
    {
      name: 'v1 cgroupfs containerd Guaranteed',
      version: 'v1',
      prefix: '',
      kubepods: 'kubepods',
      qos: null,
      pod: `kubepods/pod${UID}`,
      container: ID,
      scheme: 'containerd',
      driver: 'cgroupfs',
    },
    {
      name: 'v1 cgroupfs docker BestEffort',
      version: 'v1',
      prefix: '',
      kubepods: 'kubepods',
      qos: 'kubepods/besteffort',
      pod: `kubepods/besteffort/pod${UID}`,
      container: ID,
      scheme: 'docker',
      siblings: [SANDBOX],
      driver: 'cgroupfs',
    },
    {
      name: 'v1 cgroupfs CRI-O Burstable',
      version: 'v1',
      prefix: '',
      kubepods: 'kubepods',
      qos: 'kubepods/burstable',
      pod: `kubepods/burstable/pod${UID}`,
      container: `crio-${ID}`,
      scheme: 'cri-o',
      siblings: [`crio-conmon-${ID}`],
      driver: 'cgroupfs',
    },
    {
      name: 'v1 cgroupfs containerd BestEffort inside LXC',
      version: 'v1',
      prefix: 'lxc.payload.x',
      kubepods: 'lxc.payload.x/kubepods',
      qos: 'lxc.payload.x/kubepods/besteffort',
      pod: `lxc.payload.x/kubepods/besteffort/pod${UID}`,
      container: ID,
      scheme: 'containerd',
      driver: 'cgroupfs',
    },
  ];

  /** Memory files of one directory, with a usage value that identifies it. */
  function memoryDir(version: CgroupVersion, dir: string, usage: number): CgroupFiles {
    const named: Record<string, string> =
      version === 'v2'
        ? { 'memory.current': `${usage}\n`, 'memory.max': 'max\n', 'memory.stat': `anon ${usage}\n` }
        : {
            'memory.usage_in_bytes': `${usage}\n`,
            'memory.limit_in_bytes': '9223372036854771712\n',
            'memory.stat': `rss ${usage}\ntotal_rss ${usage}\n`,
          };
    const base = version === 'v1' ? (dir === '' ? 'memory' : `memory/${dir}`) : dir;
    if (base === '') return named;
    return placeUnder(base, named);
  }

  function tree(c: Case): CgroupFiles {
    const files: CgroupFiles = {};
    if (c.version === 'v2') {
      files['cgroup.controllers'] = 'cpuset cpu io memory pids\n';
      // The v2 root has memory.stat but no memory.current.
      files[c.prefix === '' ? 'memory.stat' : `${c.prefix}/memory.stat`] = 'anon 1\n';
    } else {
      Object.assign(files, memoryDir('v1', c.prefix, 1000));
      files['cpu,cpuacct/kubepods/cpu.shares'] = '1024\n'; // another v1 controller: ignored
    }
    Object.assign(files, memoryDir(c.version, c.kubepods, 900));
    if (c.qos !== null) Object.assign(files, memoryDir(c.version, c.qos, 800));
    Object.assign(files, memoryDir(c.version, c.pod, 700));
    Object.assign(files, memoryDir(c.version, `${c.pod}/${c.container}`, 600));
    for (const sub of c.nested ?? []) Object.assign(files, memoryDir(c.version, `${c.pod}/${c.container}/${sub}`, 590));
    for (const sibling of c.siblings ?? []) Object.assign(files, memoryDir(c.version, `${c.pod}/${sibling}`, 50));
    // Another pod next to ours, with a container of the missing ID.
    const otherPod = c.pod.replace(
      c.driver === 'systemd' ? UID_ : UID,
      c.driver === 'systemd' ? OTHER_UID.replace(/-/g, '_') : OTHER_UID,
    );
    Object.assign(files, memoryDir(c.version, otherPod, 300));
    Object.assign(files, memoryDir(c.version, `${otherPod}/${c.container.replace(ID, MISSING)}`, 200));
    return files;
  }

  for (const c of cases) {
    test(c.name, () => {
      const files = tree(c);
      assert.equal(detectCgroupVersion(files), c.version);
      const loc = locatePod(files, { podUid: UID, containerIds: [`${c.scheme}://${ID}`, `${c.scheme}://${MISSING}`] });
      assert.ok(loc);
      assert.equal(loc.version, c.version);
      assert.equal(loc.driver, c.driver);
      assert.equal(loc.prefix, c.prefix);
      if (c.version === 'v1') {
        assert.equal(loc.root?.path, c.prefix);
        assert.equal(loc.root?.usageBytes, 1000);
      } else {
        assert.equal(loc.root?.path, c.prefix);
        assert.equal(loc.root?.usageBytes, null);
        assert.equal(loc.root?.stat?.anon, 1);
      }
      assert.equal(loc.kubepods?.path, c.kubepods);
      assert.equal(loc.kubepods?.usageBytes, 900);
      if (c.qos === null) assert.equal(loc.qos, null);
      else {
        assert.equal(loc.qos?.path, c.qos);
        assert.equal(loc.qos?.usageBytes, 800);
      }
      assert.equal(loc.pod?.path, c.pod);
      assert.equal(loc.pod?.usageBytes, 700);
      assert.equal(loc.pod?.unlimited, true);
      // The missing ID (it exists only under the other pod) is left out; siblings are not taken.
      assert.deepEqual(Object.keys(loc.containers), [ID]);
      assert.equal(loc.containers[ID]?.runtime, c.scheme);
      assert.equal(loc.containers[ID]?.level.path, `${c.pod}/${c.container}`);
      assert.equal(loc.containers[ID]?.level.usageBytes, 600);
      assert.equal(loc.containers[ID]?.level.version, c.version);
    });
  }

  test('the pod UID may be given with underscores or upper case', () => {
    const files = tree(cases[0] as Case);
    assert.equal(locatePod(files, { podUid: UID_.toUpperCase(), containerIds: [] })?.pod?.path, (cases[0] as Case).pod);
  });

  test('bare container IDs: runtime from the directory name', () => {
    const crio = tree(cases[3] as Case);
    assert.equal(locatePod(crio, { podUid: UID, containerIds: [ID] })?.containers[ID]?.runtime, 'cri-o');
    const cgroupfs = tree(cases[5] as Case);
    assert.equal(locatePod(cgroupfs, { podUid: UID, containerIds: [ID] })?.containers[ID]?.runtime, null);
  });

  test('invalid container IDs are ignored', () => {
    const files = tree(cases[0] as Case);
    const loc = locatePod(files, { podUid: UID, containerIds: ['containerd://', 'nope', `containerd://${ID}`] });
    assert.deepEqual(Object.keys(loc?.containers ?? {}), [ID]);
  });

  test('a crun scope without files of its own is read through its container/ sub-cgroup', () => {
    const pod = `kubepods.slice/kubepods-pod${UID_}.slice`;
    const files: CgroupFiles = {
      'cgroup.controllers': 'memory\n',
      [`${pod}/crio-${ID}.scope/container/memory.current`]: '42\n',
    };
    const loc = locatePod(files, { podUid: UID, containerIds: [`cri-o://${ID}`] });
    assert.ok(loc);
    assert.equal(loc.pod, null); // the pod directory exists (it has a child) but has no memory files here
    assert.equal(loc.containers[ID]?.level.path, `${pod}/crio-${ID}.scope/container`);
    assert.equal(loc.containers[ID]?.level.usageBytes, 42);
  });

  test('pod not there, or not cgroup files at all → null', () => {
    const files = tree(cases[0] as Case);
    assert.equal(locatePod(files, { podUid: '00000000-0000-0000-0000-000000000000', containerIds: [] }), null);
    assert.equal(locatePod(files, { podUid: 'not a uid', containerIds: [] }), null);
    assert.equal(locatePod({}, { podUid: UID, containerIds: [] }), null);
    assert.equal(locatePod({ 'cpu.max': 'max' }, { podUid: UID, containerIds: [] }), null);
    assert.equal(detectCgroupVersion({ 'cpu.max': 'max' }), null);
  });

  test('a static pod (hash UID without dashes)', () => {
    const hash = '4b5bd5d0c6f1e1b3d7d1b2b0c8d0c9a1';
    const files = memoryDir('v2', `kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod${hash}.slice`, 7);
    assert.equal(locatePod(files, { podUid: hash, containerIds: [] })?.pod?.usageBytes, 7);
  });
});

// ---------------------------------------------------------------------------------------------

describe('classifyCgroupPath', () => {
  const oomLogs = readdirSync(RAW)
    .filter((f) => f.startsWith('kernel-oom.'))
    .map((f) => readFileSync(join(RAW, f), 'utf8'))
    .join('\n');

  /** Every cgroup path the kernel printed in the fixture logs, with what it is. */
  const expected: Record<string, ReturnType<typeof classifyCgroupPath>> = {
    '/kubepods.slice': { level: 'kubepods', podUid: null, containerId: null, qos: null, prefix: '' },
    '/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod5931aa75_4603_4e65_b552_7c71cf55cfb5.slice': {
      level: 'pod',
      podUid: '5931aa75-4603-4e65-b552-7c71cf55cfb5',
      containerId: null,
      qos: 'burstable',
      prefix: '',
    },
    '/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod5931aa75_4603_4e65_b552_7c71cf55cfb5.slice/cri-containerd-25a38b5b8d556d7983d975577f5ac75ebbcfb4b269e6deaa0a0440c1ffc969ca.scope':
      {
        level: 'container',
        podUid: '5931aa75-4603-4e65-b552-7c71cf55cfb5',
        containerId: '25a38b5b8d556d7983d975577f5ac75ebbcfb4b269e6deaa0a0440c1ffc969ca',
        qos: 'burstable',
        prefix: '',
      },
    '/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-poda5d8fdd1_1369_469e_8a7d_2c1047529435.slice/cri-containerd-9192cb33411ff69d015a3577db136757f5b145064a1703efea3d0e12e8a64987.scope':
      {
        level: 'container',
        podUid: 'a5d8fdd1-1369-469e-8a7d-2c1047529435',
        containerId: '9192cb33411ff69d015a3577db136757f5b145064a1703efea3d0e12e8a64987',
        qos: 'besteffort',
        prefix: '',
      },
    '/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod06d44939_d15e_491f_84a3_2dbba9fc0440.slice/cri-containerd-f6b09caae6cfa22cd45491888e0e7001c0b690f8b3c9b47e1bc20d69315e722c.scope':
      {
        level: 'container',
        podUid: '06d44939-d15e-491f-84a3-2dbba9fc0440',
        containerId: 'f6b09caae6cfa22cd45491888e0e7001c0b690f8b3c9b47e1bc20d69315e722c',
        qos: 'burstable',
        prefix: '',
      },
    '/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod0330b2c1_a15b_4cdd_b5e5_72d4a90bee82.slice/docker-b27201334a41cd0749d053b18378d7ea65617b8e26277197ea25c974da1a5a8a.scope':
      {
        level: 'container',
        podUid: '0330b2c1-a15b-4cdd-b5e5-72d4a90bee82',
        containerId: 'b27201334a41cd0749d053b18378d7ea65617b8e26277197ea25c974da1a5a8a',
        qos: 'burstable',
        prefix: '',
      },
    '/kubepods/burstable/podfbdfe8e3-1c87-4ff2-907c-b2ec8e25d012': {
      level: 'pod',
      podUid: 'fbdfe8e3-1c87-4ff2-907c-b2ec8e25d012',
      containerId: null,
      qos: 'burstable',
      prefix: '',
    },
    '/kubepods/burstable/podfbdfe8e3-1c87-4ff2-907c-b2ec8e25d012/ef807430361e6e82b45db92e2e9b6fbec98f419b12c591e655c1a725565e73a8':
      {
        level: 'container',
        podUid: 'fbdfe8e3-1c87-4ff2-907c-b2ec8e25d012',
        containerId: 'ef807430361e6e82b45db92e2e9b6fbec98f419b12c591e655c1a725565e73a8',
        qos: 'burstable',
        prefix: '',
      },
    '/kubepods/pod95387fa4-da9c-11e7-9d36-5254b24cbf5e/6895a3e13439535852d3184ac2aadd26d7363cc035f171545ec7d4ce74073b0b':
      {
        level: 'container',
        podUid: '95387fa4-da9c-11e7-9d36-5254b24cbf5e',
        containerId: '6895a3e13439535852d3184ac2aadd26d7363cc035f171545ec7d4ce74073b0b',
        qos: 'guaranteed',
        prefix: '',
      },
    '/lxc.payload....-lxc/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-podeded8c65_6e8e_4c6e_a889_3e427565c740.slice':
      {
        level: 'pod',
        podUid: 'eded8c65-6e8e-4c6e-a889-3e427565c740',
        containerId: null,
        qos: 'burstable',
        prefix: 'lxc.payload....-lxc',
      },
    '/lxc.payload.ny2g2r5hh3-lxc/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-podeded8c65_6e8e_4c6e_a889_3e427565c740.slice/cri-containerd-ec9ee26695deb4cc72bc665efff1cf3a03fdfb12f1303e02fe9252985e084a95.scope':
      {
        level: 'container',
        podUid: 'eded8c65-6e8e-4c6e-a889-3e427565c740',
        containerId: 'ec9ee26695deb4cc72bc665efff1cf3a03fdfb12f1303e02fe9252985e084a95',
        qos: 'burstable',
        prefix: 'lxc.payload.ny2g2r5hh3-lxc',
      },
    // Plain docker containers and hand-made cgroups in the cadvisor test data are not Kubernetes cgroups.
    '/docker/2e088fe462e25e60be1dafafe2c05c47bda1a97978648d10ad2b7484fc0b8f50': {
      level: 'other',
      podUid: null,
      containerId: null,
      qos: null,
      prefix: null,
    },
    '/docker/6c6fcab8562fd3150854986b78552c732f234fd405b624207b8843528a145e70': {
      level: 'other',
      podUid: null,
      containerId: null,
      qos: null,
      prefix: null,
    },
    '/mem2': { level: 'other', podUid: null, containerId: null, qos: null, prefix: null },
    '/mem3': { level: 'other', podUid: null, containerId: null, qos: null, prefix: null },
  };

  test('every cgroup path in the real kernel OOM logs', () => {
    const found = new Set<string>();
    const patterns = [
      /(?:oom_memcg|task_memcg)=(\/[^,\s]*)/g,
      /Tasks? in (\/\S*)/g,
      /killed as a result of limit of (\/\S*)/g,
      /Memory cgroup stats for (\/[^\s:]*)/g,
    ];
    for (const re of patterns) for (const m of oomLogs.matchAll(re)) found.add(m[1] as string);
    assert.deepEqual([...found].sort(), Object.keys(expected).sort());
    for (const path of found) assert.deepEqual(classifyCgroupPath(path), expected[path], path);
  });

  test('other shapes', () => {
    const c = (p: string) => classifyCgroupPath(p);
    assert.equal(c('/').level, 'root');
    assert.deepEqual(c('/kubepods'), { level: 'kubepods', podUid: null, containerId: null, qos: null, prefix: '' });
    assert.deepEqual(c('/kubepods/besteffort'), {
      level: 'qos',
      podUid: null,
      containerId: null,
      qos: 'besteffort',
      prefix: '',
    });
    assert.deepEqual(c('/kubepods.slice/kubepods-burstable.slice/'), {
      level: 'qos',
      podUid: null,
      containerId: null,
      qos: 'burstable',
      prefix: '',
    });
    assert.deepEqual(c(`/kubepods.slice/kubepods-pod${UID_}.slice`), {
      level: 'pod',
      podUid: UID,
      containerId: null,
      qos: 'guaranteed',
      prefix: '',
    });
    assert.deepEqual(c(`/kubepods.slice/kubepods-pod${UID_}.slice/crio-${ID}.scope/container`), {
      level: 'container',
      podUid: UID,
      containerId: ID,
      qos: 'guaranteed',
      prefix: '',
    });
    assert.deepEqual(c(`/kubepods.slice/kubepods-pod${UID_}.slice/crio-conmon-${ID}.scope`), {
      level: 'other',
      podUid: UID,
      containerId: null,
      qos: 'guaranteed',
      prefix: '',
    });
    assert.deepEqual(c(`/kubepods/pod${UID}/${ID}/deeper`), {
      level: 'other',
      podUid: UID,
      containerId: ID,
      qos: 'guaranteed',
      prefix: '',
    });
    // A slice named after a different parent is not a pod of this hierarchy.
    assert.equal(c(`/kubepods.slice/kubepods-burstable.slice/kubepods-besteffort-pod${UID_}.slice`).level, 'other');
    // kind on a v1 host without a cgroup namespace: the innermost kubelet's pod wins.
    assert.deepEqual(c(`/kubepods/burstable/pod${OTHER_UID}/${SANDBOX}/kubepods/besteffort/pod${UID}/${ID}`), {
      level: 'container',
      podUid: UID,
      containerId: ID,
      qos: 'besteffort',
      prefix: `kubepods/burstable/pod${OTHER_UID}/${SANDBOX}`,
    });
    assert.equal(c('/system.slice/containerd.service').level, 'other');
    assert.equal(c('/../../user-1000.slice/session-520.scope').level, 'other');
  });
});

// ---------------------------------------------------------------------------------------------

describe('garbage never throws', () => {
  const realTexts = [...Object.values(elasticFiles()), RUNC_STAT];
  /** Arbitrary text: random strings, real file texts cut anywhere, or real texts with random bytes spliced in. */
  const text = fc.oneof(
    fc.string(),
    fc.string({ unit: 'binary' }),
    fc.tuple(fc.constantFrom(...realTexts), fc.nat()).map(([t, n]) => t.slice(0, n % (t.length + 1))),
    fc.tuple(fc.constantFrom(...realTexts), fc.nat(), fc.string()).map(([t, n, s]) => {
      const at = n % (t.length + 1);
      return t.slice(0, at) + s + t.slice(at);
    }),
  );

  test('parsers', () => {
    fc.assert(
      fc.property(text, (t) => {
        parseMemoryStat(t);
        parseMemoryEvents(t);
        parseOomControl(t);
        parsePsi(t);
        parseLimit(t);
        parseContainerId(t);
        classifyCgroupPath(t);
      }),
      { numRuns: 2000 },
    );
  });

  test('readLevel on the elastic directory with every file mangled', () => {
    const names = Object.keys(elasticFiles());
    const dir = `kubepods/pod${UID}/${ID}`;
    fc.assert(
      fc.property(
        fc.array(text, { minLength: names.length, maxLength: names.length }),
        fc.constantFrom<CgroupVersion>('v1', 'v2'),
        (texts, version) => {
          const named = Object.fromEntries(names.map((n, i) => [n, texts[i] as string]));
          const files = placeUnder(version === 'v1' ? `memory/${dir}` : dir, named);
          const level = readLevel(files, dir, version);
          assert.ok(level);
          assertWellFormed(level);
        },
      ),
      { numRuns: 500 },
    );
  });

  test('locatePod on random trees', () => {
    let located = 0;
    const segment = fc.constantFrom(
      '',
      'memory',
      'kubepods',
      'kubepods.slice',
      'burstable',
      'kubepods-burstable.slice',
      `pod${UID}`,
      `kubepods-pod${UID_}.slice`,
      `kubepods-burstable-pod${UID_}.slice`,
      `cri-containerd-${ID}.scope`,
      `crio-conmon-${ID}`,
      ID,
      'container',
      '..',
      '__proto__',
      'constructor',
    );
    const fileName = fc.constantFrom(
      'memory.current',
      'memory.max',
      'memory.stat',
      'memory.usage_in_bytes',
      'memory.limit_in_bytes',
      'cgroup.controllers',
      'memory.oom_control',
      'memory.pressure',
    );
    const key = fc.tuple(fc.array(segment, { maxLength: 6 }), fileName).map(([segs, f]) => [...segs, f].join('/'));
    fc.assert(
      fc.property(
        fc.dictionary(key, text, { maxKeys: 20 }),
        fc.array(fc.oneof(fc.constant(`containerd://${ID}`), fc.string()), { maxLength: 3 }),
        (files, ids) => {
          const loc = locatePod(files, { podUid: UID, containerIds: ids });
          if (loc === null) return;
          located++;
          for (const level of [
            loc.root,
            loc.kubepods,
            loc.qos,
            loc.pod,
            ...Object.values(loc.containers).map((c) => c.level),
          ]) {
            if (level !== null) assertWellFormed(level);
          }
          assert.ok(Object.keys(loc.containers).every((id) => id === ID));
        },
      ),
      { numRuns: 1000 },
    );
    assert.ok(located > 0, 'the generator should sometimes build a tree with the pod in it');
  });
});
