import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import {
  describeExitCode,
  parseEvictionAnnotations,
  parseEvictionMessage,
  parseKernelOomLog,
  parseSchedulingMessage,
} from '../../src/core/messages.js';
import type { KernelOomEvent } from '../../src/core/types.js';

const KI = 1024;
const MI = 1024 ** 2;
const GI = 1024 ** 3;

/** The fields of the first OOM parser, without those added since (asserted on their own). */
function firstFields(
  e: KernelOomEvent | undefined,
): Omit<KernelOomEvent, 'memcgFailcnt' | 'memsw' | 'memcgStats'> | undefined {
  if (!e) return e;
  const { memcgFailcnt: _f, memsw: _m, memcgStats: _s, ...rest } = e;
  return rest;
}

function fixture(name: string): string {
  return readFileSync(new URL(`../fixtures/raw/${name}`, import.meta.url), 'utf8');
}

/** Splits an excerpt file at its separator lines (`### …`, or `# --- …` in YAML files; see SOURCES.md). */
function sections(text: string): string[] {
  return text.split(/^(?=### |# --- )/m).filter((s) => s.startsWith('### ') || s.startsWith('# --- '));
}

function sectionAbout(text: string, needle: string, nth = 0): string {
  const found = sections(text).filter((s) => (s.split('\n')[0] ?? '').includes(needle));
  const s = found[nth];
  assert.ok(s, `no section about ${needle}`);
  return s;
}

function lineWith(text: string, needle: string): string {
  const line = text.split('\n').find((l) => l.includes(needle));
  assert.ok(line, `no line with ${needle}`);
  return line;
}

/**
 * The `message:` scalars of a YAML excerpt, unfolded: plain, '…' (with '' escapes) or `>-` block, continued on
 * more-indented lines. Enough for the fixtures; not a YAML parser.
 */
function yamlMessages(text: string): string[] {
  const lines = text.split('\n');
  const out: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const m = /^(\s*)message: ?(.*)$/.exec(lines[i] ?? '');
    if (!m) continue;
    const indent = (m[1] ?? '').length;
    const parts = [m[2] ?? ''];
    while (
      i + 1 < lines.length &&
      /^\s*/.exec(lines[i + 1] ?? '')![0].length > indent &&
      !/^\s*- /.test(lines[i + 1] ?? '')
    ) {
      parts.push((lines[++i] ?? '').trim());
    }
    let value = parts.join(' ').trim();
    if (value.startsWith('>-') || value.startsWith('>')) value = value.replace(/^>-?/, '').trim();
    else if (value.startsWith("'")) value = value.slice(1, value.lastIndexOf("'")).replace(/''/g, "'");
    out.push(value);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------

describe('parseEvictionMessage', () => {
  test('AKS describe: new format with threshold and container (status message and Evicted event agree)', () => {
    const text = fixture('pod-evicted.aks-memory-pressure.kubectl-describe.txt');
    const status = lineWith(text, 'Message:          The node was low').replace(/^Message:\s+/, '');
    const event = lineWith(text, 'Warning  Evicted');
    const expected = {
      resource: 'memory',
      thresholdBytes: 786432000, // 750Mi
      availableBytes: 231219200, // 225800Ki
      containers: [{ name: 'nginx', usageBytes: 4395616 * KI, requestBytes: 0 }],
      pod: null,
      format: 'threshold',
    };
    assert.deepEqual(parseEvictionMessage(status), expected);
    assert.deepEqual(parseEvictionMessage(event), expected);
  });

  test('flanksource: threshold only, message folded over two YAML lines', () => {
    const [message] = yamlMessages(fixture('pod-evicted.flanksource-is-healthy.yaml'));
    assert.ok(message);
    assert.deepEqual(parseEvictionMessage(message), {
      resource: 'memory',
      thresholdBytes: 750 * MI,
      availableBytes: 179968 * KI,
      containers: [],
      pod: null,
      format: 'threshold',
    });
    // The Ready condition's message of the same pod is not an eviction message.
    assert.equal(parseEvictionMessage('The pod was evicted due to low memory on the node.'), null);
  });

  test('neonKUBE: old "which exceeds its request of" format, three containers in order', () => {
    const text = sectionAbout(fixture('pod-evicted-status.issue-excerpts.yaml'), 'neonKUBE');
    const messages = yamlMessages(text).map(parseEvictionMessage);
    // The condition messages ("containers with unready status: …") are not eviction messages.
    assert.equal(messages.filter((m) => m === null).length, 2);
    const evicted = messages.find((m) => m !== null);
    assert.deepEqual(evicted, {
      resource: 'memory',
      thresholdBytes: null,
      availableBytes: null,
      containers: [
        { name: 'cstor-pool-mgmt', usageBytes: 27484 * KI, requestBytes: 0 },
        { name: 'maya-exporter', usageBytes: 9736 * KI, requestBytes: 0 },
        { name: 'cstor-pool', usageBytes: 51480 * KI, requestBytes: 0 },
      ],
      pod: null,
      format: 'exceeds-request',
    });
  });

  test('cosmos-operator: request of 12Gi', () => {
    const [message] = yamlMessages(sectionAbout(fixture('pod-evicted-status.issue-excerpts.yaml'), 'cosmos-operator'));
    const parsed = parseEvictionMessage(message ?? '');
    assert.deepEqual(parsed?.containers, [{ name: 'node', usageBytes: 35505620 * KI, requestBytes: 12 * GI }]);
    assert.equal(parsed?.format, 'exceeds-request');
  });

  test('kubernetes#48632: the 1.6.1 "Pod The node was low on resource: [MemoryPressure]." bug and the 1.6.4 plain form', () => {
    const [buggy, plain] = yamlMessages(sectionAbout(fixture('pod-evicted-status.issue-excerpts.yaml'), '48632'));
    assert.deepEqual(parseEvictionMessage(buggy ?? ''), {
      resource: 'memory',
      thresholdBytes: null,
      availableBytes: null,
      containers: [],
      pod: null,
      format: 'plain',
    });
    assert.deepEqual(parseEvictionMessage(plain ?? ''), {
      resource: 'memory',
      thresholdBytes: null,
      availableBytes: null,
      containers: [],
      pod: null,
      format: 'plain',
    });
  });

  test('events excerpts: kubectl get events lines, admission rejection, PR 111597 before/after, PR 63415, k9s', () => {
    const text = fixture('eviction-events.issue-excerpts.txt');
    const egg = parseEvictionMessage(lineWith(text, 'Container egg was using'));
    assert.deepEqual(egg?.containers, [{ name: 'egg', usageBytes: 5053216 * KI, requestBytes: 0 }]);
    assert.equal(egg?.format, 'exceeds-request');

    assert.deepEqual(parseEvictionMessage(lineWith(text, 'pod/egg-<id2 here>    The node had condition')), {
      resource: 'memory',
      thresholdBytes: null,
      availableBytes: null,
      containers: [],
      pod: null,
      format: 'node-condition',
    });

    const before = parseEvictionMessage(lineWith(text, "which exceeds its request of 0. '"));
    const after = parseEvictionMessage(lineWith(text, 'has larger consumption of ephemeral-storage'));
    const hello = [{ name: 'hello-pod', usageBytes: 20977608 * KI, requestBytes: 0 }];
    assert.equal(before?.resource, 'ephemeral-storage');
    assert.equal(after?.resource, 'ephemeral-storage');
    assert.deepEqual(before?.containers, hello);
    assert.deepEqual(after?.containers, hello);
    assert.equal(before?.format, 'exceeds-request');
    assert.equal(after?.format, 'threshold');

    const hog = parseEvictionMessage(lineWith(text, 'high-priority-memory-hog'));
    assert.deepEqual(hog?.containers, [
      { name: 'high-priority-memory-hog', usageBytes: 166088 * KI, requestBytes: 10 * MI },
    ]);

    const crawler = parseEvictionMessage(lineWith(text, 'proprietary-crawler'));
    assert.deepEqual(crawler?.containers, [
      { name: 'proprietary-crawler', usageBytes: 9402820 * KI, requestBytes: 7e9 },
    ]);

    assert.equal(parseEvictionMessage(lineWith(text, 'Stopping container egg')), null);
    assert.equal(parseEvictionMessage(lineWith(text, 'ExceededGracePeriod')), null);
  });

  test('PodLevelResources "Pod X was using" part (format of docs/memory-facts.md §3, no real sample)', () => {
    const parsed = parseEvictionMessage(
      'The node was low on resource: memory. Threshold quantity: 100Mi, available: 51200Ki. ' +
        'Pod web-0 was using 900Mi, request is 512Mi, has larger consumption of memory. ' +
        'Container app was using 800Mi, request is 256Mi, has larger consumption of memory. ',
    );
    assert.deepEqual(parsed, {
      resource: 'memory',
      thresholdBytes: 100 * MI,
      availableBytes: 50 * MI,
      containers: [{ name: 'app', usageBytes: 800 * MI, requestBytes: 256 * MI }],
      pod: { name: 'web-0', usageBytes: 900 * MI, requestBytes: 512 * MI },
      format: 'threshold',
    });
  });

  test('non-eviction text and non-strings give null', () => {
    for (const text of ['', 'OOMKilled', 'Back-off restarting failed container', 'The node was low']) {
      assert.equal(parseEvictionMessage(text), null, text);
    }
    assert.equal(parseEvictionMessage(undefined as unknown as string), null);
    assert.equal(parseEvictionMessage(42 as unknown as string), null);
  });
});

describe('parseEvictionAnnotations', () => {
  test('offending containers and their usage as parallel lists', () => {
    assert.deepEqual(
      parseEvictionAnnotations({
        offending_containers: 'nginx,sidecar',
        offending_containers_usage: '4395616Ki,1Mi',
        starved_resource: 'memory',
      }),
      {
        resource: 'memory',
        containers: [
          { name: 'nginx', usageBytes: 4395616 * KI, requestBytes: null },
          { name: 'sidecar', usageBytes: MI, requestBytes: null },
        ],
        pod: null,
      },
    );
  });

  test('empty lists, missing usage, pod-level keys', () => {
    assert.deepEqual(
      parseEvictionAnnotations({
        offending_containers: '',
        offending_containers_usage: '',
        starved_resource: 'memory',
      }),
      {
        resource: 'memory',
        containers: [],
        pod: null,
      },
    );
    assert.deepEqual(parseEvictionAnnotations({ offending_containers: 'a,b', offending_containers_usage: '1Ki' }), {
      resource: null,
      containers: [
        { name: 'a', usageBytes: KI, requestBytes: null },
        { name: 'b', usageBytes: null, requestBytes: null },
      ],
      pod: null,
    });
    assert.deepEqual(
      parseEvictionAnnotations({ offending_pod: 'web-0', offending_pod_usage: '900Mi', starved_resource: 'memory' })
        ?.pod,
      {
        name: 'web-0',
        usageBytes: 900 * MI,
        requestBytes: null,
      },
    );
  });

  test('no eviction annotations → null', () => {
    assert.equal(parseEvictionAnnotations({}), null);
    assert.equal(parseEvictionAnnotations({ 'kubernetes.io/eviction': 'true' }), null);
    assert.equal(parseEvictionAnnotations(null as unknown as Record<string, string>), null);
  });
});

// ---------------------------------------------------------------------------------------------

describe('parseSchedulingMessage', () => {
  const text = fixture('scheduler-failedscheduling-messages.txt');

  test('nri-kubernetes 1.35 condition: node affinity, "no new claims to deallocate" and preemption parts not counted', () => {
    const [message] = yamlMessages(sectionAbout(text, 'nri-kubernetes'));
    assert.deepEqual(parseSchedulingMessage(message ?? ''), {
      totalNodes: 1,
      insufficientMemory: null,
      reasons: [{ count: 1, reason: "node(s) didn't match Pod's node affinity/selector" }],
    });
  });

  test('harvester: Insufficient memory before preemption:', () => {
    assert.deepEqual(parseSchedulingMessage(lineWith(text, '1 Insufficient memory. preemption')), {
      totalNodes: 1,
      insufficientMemory: 1,
      reasons: [{ count: 1, reason: 'Insufficient memory' }],
    });
  });

  test('kubernetes#86942 event line and #120293 scheduler log line', () => {
    assert.deepEqual(parseSchedulingMessage(lineWith(text, 'FailedScheduling  48s')), {
      totalNodes: 12,
      insufficientMemory: 3,
      reasons: [
        { count: 3, reason: 'Insufficient memory' },
        { count: 9, reason: "node(s) didn't match node selector" },
      ],
    });
    assert.deepEqual(parseSchedulingMessage(lineWith(text, 'Unable to schedule pod')), {
      totalNodes: 254,
      insufficientMemory: 33,
      reasons: [
        { count: 1, reason: 'Too many pods' },
        { count: 154, reason: "node(s) didn't match the requested hostname" },
        { count: 33, reason: 'Insufficient memory' },
        { count: 69, reason: 'Insufficient cpu' },
      ],
    });
  });

  test('pre-1.9 predicates form (argo-workflows#190, kubernetes#52166)', () => {
    assert.deepEqual(parseSchedulingMessage(lineWith(text, 'Insufficient cpu (9)')), {
      totalNodes: null,
      insufficientMemory: 15,
      reasons: [
        { count: 9, reason: 'Insufficient cpu' },
        { count: 15, reason: 'Insufficient memory' },
        { count: 18, reason: 'MatchNodeSelector' },
      ],
    });
    const [message] = yamlMessages(sectionAbout(text, '52166'));
    assert.deepEqual(parseSchedulingMessage(message ?? ''), {
      totalNodes: null,
      insufficientMemory: null,
      reasons: [{ count: 1, reason: 'NodeUnderMemoryPressure' }],
    });
  });

  test('taints in braces, commas inside braces, and the old ", that the pod didn\'t tolerate" tail', () => {
    assert.deepEqual(
      parseSchedulingMessage(
        '0/3 nodes are available: 1 Insufficient memory, 2 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }. ' +
          'preemption: 0/3 nodes are available: 1 No preemption victims found for incoming pod, 2 Preemption is not helpful for scheduling.',
      ),
      {
        totalNodes: 3,
        insufficientMemory: 1,
        reasons: [
          { count: 1, reason: 'Insufficient memory' },
          { count: 2, reason: 'node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }' },
        ],
      },
    );
    assert.deepEqual(
      parseSchedulingMessage(
        "0/5 nodes are available: 2 node(s) had taint {dedicated: a,b}, that the pod didn't tolerate, 3 Insufficient memory.",
      ),
      {
        totalNodes: 5,
        insufficientMemory: 3,
        reasons: [
          { count: 2, reason: "node(s) had taint {dedicated: a,b}, that the pod didn't tolerate" },
          { count: 3, reason: 'Insufficient memory' },
        ],
      },
    );
    // A dotted resource name is not a sentence end.
    assert.deepEqual(parseSchedulingMessage('0/2 nodes are available: 2 Insufficient nvidia.com/gpu.')?.reasons, [
      { count: 2, reason: 'Insufficient nvidia.com/gpu' },
    ]);
  });

  test('other text → null', () => {
    assert.equal(parseSchedulingMessage('Successfully assigned default/nginx to node-1'), null);
    assert.equal(parseSchedulingMessage(''), null);
    assert.equal(parseSchedulingMessage(null as unknown as string), null);
  });
});

// ---------------------------------------------------------------------------------------------

describe('parseKernelOomLog', () => {
  test('AKS node-allocatable OOM: oom_memcg /kubepods.slice, one event with the memory.oom.group kill', () => {
    const events = parseKernelOomLog(fixture('kernel-oom.aks-5.15-cgroupv2.allocatable-kubepods.slice.syslog.log'));
    // node-problem-detector quotes the kill lines, but only kernel lines count.
    assert.equal(events.length, 1);
    const [e] = events;
    const scope =
      '/kubepods.slice/kubepods-besteffort.slice/kubepods-besteffort-poda5d8fdd1_1369_469e_8a7d_2c1047529435.slice/' +
      'cri-containerd-9192cb33411ff69d015a3577db136757f5b145064a1703efea3d0e12e8a64987.scope';
    assert.equal(e?.memcgFailcnt, 1133);
    assert.equal(e?.memsw, null, 'v2 prints swap:, not memory+swap:');
    assert.equal(e?.memcgStats, null, 'multi-line stats are not read: the live reader does not keep those lines');
    assert.deepEqual(firstFields(e), {
      time: 'May 19 18:14:43',
      constraint: 'CONSTRAINT_MEMCG',
      oomMemcg: '/kubepods.slice',
      taskMemcg: scope,
      global: false,
      task: 'bash',
      pid: 7788,
      anonRssBytes: 7165824 * KI,
      fileRssBytes: 956 * KI,
      shmemRssBytes: 0,
      oomScoreAdj: 1000,
      memcgUsageBytes: 7464436 * KI,
      memcgLimitBytes: 7464436 * KI,
      groupKill: {
        memcg: scope,
        processes: [
          { pid: 7620, task: 'nginx' },
          { pid: 7656, task: 'nginx' },
          { pid: 7657, task: 'nginx' },
          { pid: 7712, task: 'bash' },
          { pid: 7788, task: 'bash' },
        ],
      },
    });
  });

  test('AKS pod-limit OOM: oom_memcg is the pod slice; the trailing second invocation is a truncated event', () => {
    const events = parseKernelOomLog(fixture('kernel-oom.aks-5.15-cgroupv2.pod-limit-100Mi.syslog.log'));
    assert.equal(events.length, 2);
    const pod =
      '/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod5931aa75_4603_4e65_b552_7c71cf55cfb5.slice';
    assert.equal(events[0]?.memcgFailcnt, 6402);
    assert.deepEqual(firstFields(events[0]), {
      time: 'Oct 12 19:00:20',
      constraint: 'CONSTRAINT_MEMCG',
      oomMemcg: pod,
      taskMemcg: `${pod}/cri-containerd-25a38b5b8d556d7983d975577f5ac75ebbcfb4b269e6deaa0a0440c1ffc969ca.scope`,
      global: false,
      task: 'stress-ng-vm',
      pid: 183960,
      anonRssBytes: 93176 * KI,
      fileRssBytes: 316 * KI,
      shmemRssBytes: 12 * KI,
      oomScoreAdj: 1000,
      memcgUsageBytes: 102400 * KI,
      memcgLimitBytes: 102400 * KI,
      groupKill: null,
    });
    assert.equal(events[1]?.time, 'Oct 12 19:00:20');
    assert.equal(events[1]?.pid, null);
    assert.equal(events[1]?.oomMemcg, null);
  });

  describe('cadvisor oomparser testdata', () => {
    const text = fixture('kernel-oom.cadvisor-oomparser-testdata.log');

    test('whole file: seven reports in order', () => {
      assert.deepEqual(
        parseKernelOomLog(text).map((e) => [e.task, e.pid]),
        [
          ['evil-program2', 19667], // the startLine constant "ruby invoked oom-killer" ended by the endLine constant
          [null, null], // the lone legacy "Task in" line
          ['manager', 966], // the lone summary line
          ['memorymonster', 13536],
          ['badsysprogram', 1532],
          ['gunpowder-memho', 1381],
          ['gunpowder-memho', 1667],
        ],
      );
    });

    test('v1 cgroupfs Kubernetes summary line: pod-level oom_memcg', () => {
      const [e] = parseKernelOomLog(sectionAbout(text, 'const containerLine'));
      assert.equal(e?.constraint, 'CONSTRAINT_MEMCG');
      assert.equal(e?.oomMemcg, '/kubepods/burstable/podfbdfe8e3-1c87-4ff2-907c-b2ec8e25d012');
      assert.equal(
        e?.taskMemcg,
        '/kubepods/burstable/podfbdfe8e3-1c87-4ff2-907c-b2ec8e25d012/ef807430361e6e82b45db92e2e9b6fbec98f419b12c591e655c1a725565e73a8',
      );
      assert.equal(e?.global, false);
    });

    test('legacy "Task in … killed as a result of limit of …" (3.13), oom_score_adj from the task table', () => {
      const [legacy] = parseKernelOomLog(sectionAbout(text, 'lines 187-217'));
      assert.equal(legacy?.memcgFailcnt, 4152239);
      assert.equal(
        legacy?.memcgStats?.inactive_anon,
        560 * KI,
        'v1 inline stats in kB, summed over the blocks printed',
      );
      assert.deepEqual(parseKernelOomLog(sectionAbout(text, 'lines 187-217')).map(firstFields), [
        {
          time: null,
          constraint: null,
          oomMemcg: '/mem2',
          taskMemcg: '/mem2',
          global: false,
          task: 'memorymonster',
          pid: 13536,
          anonRssBytes: 920 * KI,
          fileRssBytes: 452 * KI,
          shmemRssBytes: null,
          oomScoreAdj: 0,
          memcgUsageBytes: 980 * KI,
          memcgLimitBytes: 980 * KI,
          groupKill: null,
        },
      ]);
      const [lone] = parseKernelOomLog(sectionAbout(text, 'legacyContainerLine'));
      assert.equal(lone?.taskMemcg, '/mem2');
      assert.equal(lone?.oomMemcg, '/mem3');
    });

    test('global OOM (out_of_memory from the page allocator, "Out of memory: Kill process")', () => {
      const events = parseKernelOomLog(sectionAbout(text, 'lines 232-312'));
      assert.equal(events.length, 1);
      assert.equal(events[0]?.global, true);
      assert.equal(events[0]?.oomMemcg, null);
      assert.equal(events[0]?.task, 'badsysprogram');
      assert.equal(events[0]?.pid, 1532);
      assert.equal(events[0]?.anonRssBytes, 1595164 * KI);
      assert.equal(events[0]?.memcgUsageBytes, null);
    });

    test('legacy docker cgroup (4.8): memory+swap and kmem lines are not the memcg usage', () => {
      const [e] = parseKernelOomLog(sectionAbout(text, 'lines 387-431'));
      const docker = '/docker/6c6fcab8562fd3150854986b78552c732f234fd405b624207b8843528a145e70';
      assert.equal(e?.oomMemcg, docker);
      assert.equal(e?.taskMemcg, docker);
      assert.equal(e?.memcgUsageBytes, 307112 * KI);
      assert.equal(e?.memcgLimitBytes, 307200 * KI);
      assert.deepEqual(
        e?.memsw,
        { usageBytes: 614400 * KI, limitBytes: 614400 * KI, failcnt: 11 },
        'memory+swap is its own counter',
      );
      assert.equal(e?.memcgStats?.swap, 307288 * KI);
      assert.equal(e?.anonRssBytes, 248180 * KI);
      assert.equal(e?.shmemRssBytes, 0);
      assert.equal(e?.pid, 1667);
    });
  });

  describe('issue excerpts', () => {
    const text = fixture('kernel-oom.issue-excerpts.log');

    test('LXC-prefixed cgroup paths kept verbatim, syslog time with microseconds', () => {
      assert.deepEqual(parseKernelOomLog(sectionAbout(text, 'gpud')).map(firstFields), [
        {
          time: 'Aug 30 06:58:55.050705',
          constraint: 'CONSTRAINT_MEMCG',
          oomMemcg:
            '/lxc.payload....-lxc/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-podeded8c65_6e8e_4c6e_a889_3e427565c740.slice',
          taskMemcg:
            '/lxc.payload.ny2g2r5hh3-lxc/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-podeded8c65_6e8e_4c6e_a889_3e427565c740.slice/' +
            'cri-containerd-ec9ee26695deb4cc72bc665efff1cf3a03fdfb12f1303e02fe9252985e084a95.scope',
          global: false,
          task: 'pt_main_thread',
          pid: 461754,
          anonRssBytes: null,
          fileRssBytes: null,
          shmemRssBytes: null,
          oomScoreAdj: null,
          memcgUsageBytes: null,
          memcgLimitBytes: null,
          groupKill: null,
        },
      ]);
    });

    test('Guaranteed pod killed by its own limit (-997), dmesg times; a report cut after its first line', () => {
      const events = parseKernelOomLog(sectionAbout(text, 'aws-efs-csi-driver', 1));
      assert.deepEqual(
        events.map((e) => [e.time, e.task, e.pid, e.oomScoreAdj, e.global]),
        [
          ['18149.128628', 'openssl', 142321, -997, false],
          ['18149.131532', 'python3', 142327, -997, false],
          ['18272.017624', null, null, null, false],
        ],
      );
      assert.equal(events[0]?.anonRssBytes, 484 * KI);
      assert.equal(events[0]?.fileRssBytes, 2028 * KI);
    });

    test('istio: v1 systemd + docker legacy line with syslog prefix, report cut before the kill', () => {
      const [e] = parseKernelOomLog(sectionAbout(text, 'istio'));
      const scope =
        '/kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod0330b2c1_a15b_4cdd_b5e5_72d4a90bee82.slice/' +
        'docker-b27201334a41cd0749d053b18378d7ea65617b8e26277197ea25c974da1a5a8a.scope';
      assert.equal(e?.time, 'Jan  5 02:12:02');
      assert.equal(e?.oomMemcg, scope);
      assert.equal(e?.taskMemcg, scope);
      assert.equal(e?.memcgUsageBytes, GI);
      assert.equal(e?.memcgLimitBytes, GI);
      assert.equal(e?.pid, null);
    });

    test('kubernetes#56891: dmesg -T times, "Kill process … or sacrifice child" then the killed child, -998 from the task table', () => {
      const events = parseKernelOomLog(sectionAbout(text, '56891'));
      assert.equal(events.length, 2);
      assert.equal(events[0]?.time, 'Thu Dec  7 00:05:15 2017');
      assert.equal(events[0]?.task, 'java');
      assert.equal(events[0]?.pid, 28438);
      assert.equal(events[0]?.oomScoreAdj, -998);
      assert.equal(events[0]?.anonRssBytes, 466160 * KI);
      assert.equal(events[0]?.global, false);
      assert.equal(events[1]?.time, 'Thu Dec  7 00:13:22 2017');
      assert.equal(events[1]?.pid, null);
    });
  });

  test('global OOM summary of current kernels (format of dump_oom_summary(), no real sample): global_oom, oom_memcg null', () => {
    const log = [
      '[ 5000.000001] stress invoked oom-killer: gfp_mask=0x140cca(GFP_HIGHUSER_MOVABLE|__GFP_COMP), order=0, oom_score_adj=1000',
      '[ 5000.000002] oom-kill:constraint=CONSTRAINT_NONE,nodemask=(null),cpuset=/,mems_allowed=0,global_oom,task_memcg=/kubepods/besteffort/pod1/abc,task=stress,pid=42,uid=0',
      '[ 5000.000003] Out of memory: Killed process 42 (stress) total-vm:2000kB, anon-rss:1000kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:40kB oom_score_adj:1000',
    ].join('\n');
    const [e] = parseKernelOomLog(log);
    assert.equal(e?.global, true);
    assert.equal(e?.constraint, 'CONSTRAINT_NONE');
    assert.equal(e?.oomMemcg, null);
    assert.equal(e?.taskMemcg, '/kubepods/besteffort/pod1/abc');
    assert.equal(e?.time, '5000.000003');
    assert.equal(e?.anonRssBytes, 1000 * KI);
  });

  test('/dev/kmsg records and non-kernel syslog lines', () => {
    const log = [
      '3,1001,139201482,-;Memory cgroup out of memory: Killed process 7 (app) total-vm:10kB, anon-rss:8kB, file-rss:0kB, shmem-rss:0kB, UID:0 pgtables:4kB oom_score_adj:-997',
      'May 19 18:14:43 host containerd[1]: Memory cgroup out of memory: Killed process 8 (x) total-vm:1kB, anon-rss:1kB, file-rss:0kB',
    ].join('\n');
    assert.deepEqual(
      parseKernelOomLog(log).map((e) => [e.time, e.pid, e.oomScoreAdj]),
      [['139201482', 7, -997]],
    );
  });

  test('truncated logs: cut before the kill line, cut before the summary', () => {
    const lines = fixture('kernel-oom.aks-5.15-cgroupv2.pod-limit-100Mi.syslog.log').split('\n');
    const summaryAt = lines.findIndex((l) => l.includes('oom-kill:constraint'));
    const beforeKill = parseKernelOomLog(lines.slice(0, summaryAt + 1).join('\n'));
    assert.equal(beforeKill.length, 1);
    assert.equal(beforeKill[0]?.pid, 183960); // from the summary's pid=
    assert.equal(beforeKill[0]?.task, 'stress-ng-vm');
    assert.equal(beforeKill[0]?.anonRssBytes, null);

    const fromKill = parseKernelOomLog(lines.slice(summaryAt + 1).join('\n'));
    assert.equal(fromKill[0]?.pid, 183960);
    assert.equal(fromKill[0]?.oomMemcg, null);
    assert.equal(fromKill[0]?.global, false); // "Memory cgroup out of memory" prefix

    assert.deepEqual(parseKernelOomLog(''), []);
    assert.deepEqual(parseKernelOomLog('no oom here\njust text'), []);
    assert.deepEqual(parseKernelOomLog(undefined as unknown as string), []);
  });
});

// ---------------------------------------------------------------------------------------------

describe('describeExitCode', () => {
  test('signals by 128 + n, and the explicit signal', () => {
    assert.match(describeExitCode(137), /128 \+ 9.*SIGKILL.*OOM killer/);
    assert.match(describeExitCode(143), /128 \+ 15.*SIGTERM/);
    assert.match(describeExitCode(139), /SIGSEGV.*not a memory limit/);
    assert.match(describeExitCode(134), /SIGABRT/);
    assert.match(describeExitCode(null, 9), /^signal 9, SIGKILL/);
    assert.match(describeExitCode(137, 9), /^exit code 137, signal 9, SIGKILL/);
  });

  test('plain codes', () => {
    assert.match(describeExitCode(0), /exited successfully.*child process/);
    assert.match(describeExitCode(1), /general application error/);
    assert.match(describeExitCode(127), /command not found/);
    assert.match(describeExitCode(42), /exit code 42: application-specific/);
    assert.match(describeExitCode(-1073741819), /not a Unix exit status/);
    assert.equal(describeExitCode(null), 'exit code unknown');
    assert.equal(describeExitCode(Number.NaN), 'exit code unknown');
  });
});

// ---------------------------------------------------------------------------------------------

describe('never throws (fast-check)', () => {
  const fixtures = [
    'kernel-oom.aks-5.15-cgroupv2.allocatable-kubepods.slice.syslog.log',
    'kernel-oom.aks-5.15-cgroupv2.pod-limit-100Mi.syslog.log',
    'kernel-oom.cadvisor-oomparser-testdata.log',
    'kernel-oom.issue-excerpts.log',
    'pod-evicted.aks-memory-pressure.kubectl-describe.txt',
    'pod-evicted-status.issue-excerpts.yaml',
    'eviction-events.issue-excerpts.txt',
    'scheduler-failedscheduling-messages.txt',
  ].map(fixture);

  /** Every number in the output is null or finite; nothing is undefined. */
  function wellFormed(value: unknown): boolean {
    if (value === undefined) return false;
    if (typeof value === 'number') return Number.isFinite(value);
    if (Array.isArray(value)) return value.every(wellFormed);
    if (value !== null && typeof value === 'object') return Object.values(value).every(wellFormed);
    return true;
  }

  function parseAll(text: string): void {
    assert.ok(wellFormed(parseKernelOomLog(text)));
    assert.ok(wellFormed(parseEvictionMessage(text)));
    assert.ok(wellFormed(parseSchedulingMessage(text)));
  }

  // Pieces of the real formats, so that random input reaches the parsers' branches.
  const token = fc.constantFrom(
    ' invoked oom-killer: ',
    'oom-kill:constraint=CONSTRAINT_MEMCG,',
    ',global_oom',
    ',oom_memcg=/a',
    ',task_memcg=/b,task=x,pid=1,uid=0',
    'Task in /a killed as a result of limit of /b',
    'memory: usage 1kB, limit 2kB, failcnt 3',
    'Memory cgroup out of memory: Killed process 1 (x) total-vm:1kB, anon-rss:1kB, file-rss:1kB, shmem-rss:1kB',
    'Out of memory: Kill process 2 (y) score 9 or sacrifice child',
    'Tasks in /a are going to be killed due to memory.oom.group set',
    '[ 1.5] ',
    'May 19 18:14:43 h kernel: ',
    '[  12]   0  12  3  4  5  0  -998 z',
    ' out_of_memory+0x1/0x2',
    '\n',
    'The node was low on resource: ',
    'Threshold quantity: 1Gi, available: ',
    'Container c was using 1Ki, request is 0, has larger consumption of memory. ',
    'which exceeds its request of ',
    '0/3 nodes are available: ',
    '1 Insufficient memory, ',
    '{a: b, c}',
    '(',
    '}',
    '. ',
    'predicates:: ',
  );

  test('random strings', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 400 }), (s) => {
        parseAll(s);
        assert.equal(typeof describeExitCode(s.length - 200, s.length % 70), 'string');
        assert.equal(
          parseEvictionAnnotations({ offending_containers: s, offending_containers_usage: s, starved_resource: s }) !==
            undefined,
          true,
        );
      }),
    );
  });

  test('random mixes of format fragments', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(token, fc.string({ maxLength: 8 })), { maxLength: 40 }), (parts) =>
        parseAll(parts.join('')),
      ),
    );
  });

  test('randomly truncated fixture text', () => {
    fc.assert(
      fc.property(fc.constantFrom(...fixtures), fc.nat(), fc.nat(), (text, a, b) => {
        const start = a % (text.length + 1);
        const end = start + (b % (text.length - start + 1));
        parseAll(text.slice(start, end));
      }),
    );
  });

  test('describeExitCode accepts anything', () => {
    fc.assert(
      fc.property(
        fc.oneof(fc.integer(), fc.double(), fc.constant(null)),
        fc.oneof(fc.integer(), fc.constant(null), fc.constant(undefined)),
        (code, sig) => {
          assert.ok(describeExitCode(code, sig).length > 0);
        },
      ),
    );
  });
});
