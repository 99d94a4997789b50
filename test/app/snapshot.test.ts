import assert from 'node:assert/strict';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import {
  loadSnapshot,
  locateJsonError,
  MAX_CGROUP_FILE_BYTES,
  NOT_IN_SNAPSHOT,
  saveSnapshot,
} from '../../src/app/snapshot.js';
import { ExitCode, MemwhyError } from '../../src/cli/exit-codes.js';
import type { Facts, KPod } from '../../src/core/types.js';

const RAW = new URL('../fixtures/raw/', import.meta.url);
const raw = (name: string): Promise<string> => readFile(new URL(name, RAW), 'utf8');

let tmp: string;
let n = 0;
before(async () => {
  tmp = await mkdtemp(join(tmpdir(), 'memwhy-snapshot-'));
});
after(async () => {
  await rm(tmp, { recursive: true, force: true });
});

/** A fresh folder with the given files (path → text; a nested path creates its folders). */
async function folder(files: Record<string, string | Buffer> = {}): Promise<string> {
  const dir = join(tmp, `s${n++}`);
  await mkdir(dir);
  for (const [rel, body] of Object.entries(files)) {
    await mkdir(join(dir, rel, '..'), { recursive: true });
    await writeFile(join(dir, rel), body);
  }
  return dir;
}

const POD: KPod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name: 'web-0', namespace: 'shop', uid: '0b9e0d5e-1c1b-4a53-9a57-4cfb0e8e7f10' },
  spec: {
    nodeName: 'node-a',
    containers: [{ name: 'app', resources: { requests: { memory: '100Mi' }, limits: { memory: '200Mi' } } }],
  },
  status: {
    phase: 'Running',
    qosClass: 'Burstable',
    containerStatuses: [
      {
        name: 'app',
        containerID: 'containerd://5f1c0d6c',
        restartCount: 3,
        lastState: { terminated: { reason: 'OOMKilled', exitCode: 137, finishedAt: '2026-01-02T03:04:05Z' } },
      },
    ],
  },
};
const podJson = (pod: unknown = POD): string => JSON.stringify(pod, null, 2);

async function fullFacts(): Promise<Facts> {
  const cgroupDir = new URL('cgroupv2-elastic-docker2-session-520.scope/', RAW);
  const cgroupFiles: Record<string, string> = {};
  const podPath = 'kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod0b9e0d5e.slice';
  cgroupFiles['cgroup.controllers'] = 'cpuset cpu io memory hugetlb pids rdma misc\n';
  for (const name of (await readdir(cgroupDir)).sort()) {
    if (name.startsWith('memory.'))
      cgroupFiles[`${podPath}/cri-containerd-5f1c0d6c.scope/${name}`] = await readFile(
        new URL(name, cgroupDir),
        'utf8',
      );
  }
  cgroupFiles[`${podPath}/memory.max`] = '209715200\n';
  return {
    pod: POD,
    node: {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'node-a' },
      status: { capacity: { memory: '8024304Ki' }, allocatable: { memory: '7921904Ki' } },
    },
    nodes: [
      { kind: 'Node', metadata: { name: 'node-a' } },
      { kind: 'Node', metadata: { name: 'node-b' } },
    ],
    nodePods: [POD, { kind: 'Pod', metadata: { name: 'other', namespace: 'shop' }, spec: { nodeName: 'node-a' } }],
    events: [
      {
        metadata: { name: 'web-0.1', namespace: 'shop' },
        involvedObject: { kind: 'Pod', name: 'web-0', namespace: 'shop' },
        reason: 'BackOff',
        message: 'Back-off restarting failed container app',
        type: 'Warning',
        count: 12,
        lastTimestamp: '2026-01-02T03:05:00Z',
      },
    ],
    summary: JSON.parse(await raw('kubelet-stats-summary.k8s-1.35-containerd-2.2.1-cgroupv2.json')),
    podMetrics: JSON.parse(await raw('metrics.k8s.io-podmetrics.k8s-docs-minikube.json')),
    kernelLog: await raw('kernel-oom.aks-5.15-cgroupv2.pod-limit-100Mi.syslog.log'),
    cgroupFiles,
    missing: {},
  };
}

/** Asserts that `promise` rejects with a MemwhyError of `code` whose message is exactly `message`. */
async function rejects(
  promise: Promise<unknown>,
  code: number,
  message: string | RegExp,
  hint?: RegExp,
): Promise<MemwhyError> {
  let caught: unknown;
  try {
    await promise;
  } catch (err) {
    caught = err;
  }
  assert.ok(caught instanceof MemwhyError, `expected a MemwhyError, got ${String(caught)}`);
  if (typeof message === 'string') assert.equal(caught.message, message);
  else assert.match(caught.message, message);
  assert.equal(caught.code, code);
  assert.ok(!caught.message.includes('\n'), 'the message is one line');
  assert.ok(caught.hint, 'there is a hint');
  if (hint) assert.match(caught.hint, hint);
  return caught;
}

describe('saveSnapshot + loadSnapshot', () => {
  test('round trip of every part', async () => {
    const facts = await fullFacts();
    const dir = join(tmp, `save${n++}`);
    await saveSnapshot(dir, facts);
    assert.deepEqual((await readdir(dir)).sort(), [
      'cgroup',
      'events.json',
      'kernel.log',
      'node-pods.json',
      'node.json',
      'nodes.json',
      'pod.json',
      'podmetrics.json',
      'summary.json',
    ]);
    const loaded = await loadSnapshot(dir);
    assert.deepEqual(loaded, facts);
    assert.deepEqual(Object.keys(loaded.cgroupFiles!), Object.keys(facts.cgroupFiles!).sort());
    // The lists are written as typed lists, readable by kubectl-minded people.
    const nodes = JSON.parse(await readFile(join(dir, 'nodes.json'), 'utf8'));
    assert.equal(nodes.kind, 'NodeList');
    assert.ok((await readFile(join(dir, 'pod.json'), 'utf8')).endsWith('}\n'));
  });

  test('round trip of a pod alone: every optional part is missing', async () => {
    const dir = join(tmp, `save${n++}`);
    const facts: Facts = {
      pod: POD,
      node: null,
      nodes: null,
      nodePods: null,
      events: null,
      summary: null,
      podMetrics: null,
      kernelLog: null,
      cgroupFiles: null,
      missing: { node: 'reader pod forbidden' },
    };
    await saveSnapshot(dir, facts);
    assert.deepEqual(await readdir(dir), ['pod.json']);
    const loaded = await loadSnapshot(dir);
    assert.deepEqual(loaded, {
      ...facts,
      missing: {
        node: NOT_IN_SNAPSHOT,
        nodes: NOT_IN_SNAPSHOT,
        'node-pods': NOT_IN_SNAPSHOT,
        events: NOT_IN_SNAPSHOT,
        summary: NOT_IN_SNAPSHOT,
        podmetrics: NOT_IN_SNAPSHOT,
        'kernel.log': NOT_IN_SNAPSHOT,
        cgroup: NOT_IN_SNAPSHOT,
      },
    });
  });

  test('empty lists, an empty kernel log and an empty cgroup tree survive as empty, not missing', async () => {
    const dir = join(tmp, `save${n++}`);
    const facts: Facts = {
      ...(await fullFacts()),
      nodes: [],
      nodePods: [],
      events: [],
      kernelLog: '',
      cgroupFiles: {},
    };
    await saveSnapshot(dir, facts);
    assert.deepEqual(await loadSnapshot(dir), facts);
  });

  test('save refuses a folder that is not empty, or a file', async () => {
    const dir = await folder({ 'notes.txt': 'x' });
    await rejects(saveSnapshot(dir, await fullFacts()), ExitCode.Usage, `${dir} already exists and is not empty`);
    const file = join(dir, 'notes.txt');
    await rejects(saveSnapshot(file, await fullFacts()), ExitCode.Usage, `${file} exists and is not a folder`);
  });

  test('save into an existing empty folder works', async () => {
    const dir = await folder();
    await saveSnapshot(dir, await fullFacts());
    assert.equal((await loadSnapshot(dir)).pod.metadata?.name, 'web-0');
  });

  test('save refuses cgroup keys that would escape the folder, before writing anything', async () => {
    for (const key of ['../evil', '/etc/passwd', 'a//b', 'a/./b', 'a\\b', '']) {
      const dir = join(tmp, `save${n++}`);
      const facts = { ...(await fullFacts()), cgroupFiles: { [key]: 'x' } };
      await assert.rejects(saveSnapshot(dir, facts), /unsafe path/);
      await assert.rejects(stat(dir), { code: 'ENOENT' });
    }
  });
});

describe('loadSnapshot: the folder', () => {
  test('folder missing → NotFound', async () => {
    const dir = join(tmp, 'no-such-folder');
    await rejects(
      loadSnapshot(dir),
      ExitCode.NotFound,
      `snapshot folder ${dir} does not exist`,
      /--from takes a snapshot folder/,
    );
  });

  test('a file instead of a folder → NotFound', async () => {
    const dir = await folder({ 'pod.json': podJson() });
    const file = join(dir, 'pod.json');
    await rejects(loadSnapshot(file), ExitCode.NotFound, `snapshot folder ${file} is not a folder`, /not a file/);
  });

  test('no pod.json → NotFound, the hint names the required file and the layout', async () => {
    const dir = await folder({ 'node.json': '{}' });
    await rejects(
      loadSnapshot(dir),
      ExitCode.NotFound,
      `no pod.json in snapshot folder ${dir}`,
      /pod\.json \(required: kubectl get pod <name> -n <namespace> -o json > pod\.json\).*events\.json.*cgroup\//,
    );
  });

  test('no pod.json but a pod.yaml → the hint says JSON', async () => {
    const dir = await folder({ 'pod.yaml': 'apiVersion: v1\nkind: Pod\n' });
    await rejects(loadSnapshot(dir), ExitCode.NotFound, `no pod.json in snapshot folder ${dir}`, /YAML.*-o json/);
  });

  test('pod.json is a folder → BadInput', async () => {
    const dir = await folder({ 'pod.json/x': '' });
    await rejects(loadSnapshot(dir), ExitCode.BadInput, `${join(dir, 'pod.json')} is a folder, not a file`);
  });

  test('cgroup is a file → BadInput', async () => {
    const dir = await folder({ 'pod.json': podJson(), cgroup: 'x' });
    await rejects(loadSnapshot(dir), ExitCode.BadInput, `${join(dir, 'cgroup')} is not a folder`);
  });
});

describe('loadSnapshot: pod.json', () => {
  test('invalid JSON → BadInput with line, column and position', async () => {
    const dir = await folder({ 'pod.json': '{\n  "kind": "Pod",\n  "metadata": {"name": "web-0",}\n}\n' });
    await rejects(
      loadSnapshot(dir),
      ExitCode.BadInput,
      `${join(dir, 'pod.json')}: invalid JSON at line 3, column 32 (position 50): expected a property name in double quotes, found '}'`,
      /fix the file or re-create it with `kubectl get pod <name> -n <namespace> -o json > pod\.json`/,
    );
  });

  test('truncated JSON → BadInput at the end of the file', async () => {
    const dir = await folder({ 'pod.json': '{"kind": "Pod", "metadata": {"name": "web-0"' });
    await rejects(
      loadSnapshot(dir),
      ExitCode.BadInput,
      `${join(dir, 'pod.json')}: invalid JSON at line 1, column 45 (position 44): expected ',' or '}' after a property value, found the end of the file`,
    );
  });

  test('YAML instead of JSON → BadInput, the hint says so', async () => {
    const dir = await folder({ 'pod.json': 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: web-0\n' });
    await rejects(
      loadSnapshot(dir),
      ExitCode.BadInput,
      `${join(dir, 'pod.json')}: invalid JSON at line 1, column 1 (position 0): unexpected 'a', expected a value`,
      /looks like YAML/,
    );
  });

  test('empty file → BadInput', async () => {
    const dir = await folder({ 'pod.json': ' \n' });
    await rejects(loadSnapshot(dir), ExitCode.BadInput, `${join(dir, 'pod.json')} is empty`);
  });

  test('not an object → BadInput', async () => {
    const dir = await folder({ 'pod.json': '[]' });
    await rejects(
      loadSnapshot(dir),
      ExitCode.BadInput,
      `${join(dir, 'pod.json')}: expected a Pod object, found an array`,
    );
  });

  test('another kind → BadInput', async () => {
    const dir = await folder({ 'pod.json': JSON.stringify({ apiVersion: 'v1', kind: 'List', items: [POD] }) });
    await rejects(
      loadSnapshot(dir),
      ExitCode.BadInput,
      `${join(dir, 'pod.json')}: expected a Pod, found kind "List"`,
      /one Pod/,
    );
    const dir2 = await folder({ 'pod.json': JSON.stringify({ kind: 'Deployment', metadata: { name: 'web' } }) });
    await rejects(
      loadSnapshot(dir2),
      ExitCode.BadInput,
      `${join(dir2, 'pod.json')}: expected a Pod, found kind "Deployment"`,
    );
  });

  test('no metadata.name → BadInput', async () => {
    const dir = await folder({ 'pod.json': JSON.stringify({ kind: 'Pod', metadata: { namespace: 'x' } }) });
    await rejects(loadSnapshot(dir), ExitCode.BadInput, `${join(dir, 'pod.json')}: the Pod has no metadata.name`);
    const dir2 = await folder({ 'pod.json': JSON.stringify({ spec: {} }) });
    await rejects(loadSnapshot(dir2), ExitCode.BadInput, `${join(dir2, 'pod.json')}: the Pod has no metadata.name`);
  });

  test('a kind-less pod with a name is accepted', async () => {
    const dir = await folder({ 'pod.json': JSON.stringify({ metadata: { name: 'x' } }) });
    assert.equal((await loadSnapshot(dir)).pod.metadata?.name, 'x');
  });

  test('a UTF-8 BOM and UTF-16LE (Windows PowerShell redirect) are read', async () => {
    const bom = await folder({ 'pod.json': `\uFEFF${podJson()}` });
    assert.deepEqual((await loadSnapshot(bom)).pod, POD);
    const utf16 = await folder({
      'pod.json': Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(podJson(), 'utf16le')]),
    });
    assert.deepEqual((await loadSnapshot(utf16)).pod, POD);
  });
});

describe('loadSnapshot: optional parts', () => {
  const withPod = (files: Record<string, string>): Promise<string> => folder({ 'pod.json': podJson(), ...files });

  test('an optional file with invalid JSON is an error, not ignored', async () => {
    const dir = await withPod({ 'node.json': '{"kind": "Node",, }' });
    await rejects(
      loadSnapshot(dir),
      ExitCode.BadInput,
      `${join(dir, 'node.json')}: invalid JSON at line 1, column 17 (position 16): expected a property name in double quotes, found ','`,
      /or delete it to go on without it/,
    );
    const dir2 = await withPod({ 'summary.json': '' });
    await rejects(loadSnapshot(dir2), ExitCode.BadInput, `${join(dir2, 'summary.json')} is empty`, /stats\/summary/);
  });

  test('node.json of the wrong kind → BadInput', async () => {
    const dir = await withPod({ 'node.json': JSON.stringify({ kind: 'Pod', metadata: { name: 'x' } }) });
    await rejects(loadSnapshot(dir), ExitCode.BadInput, `${join(dir, 'node.json')}: expected a Node, found kind "Pod"`);
    const dir2 = await withPod({ 'node.json': JSON.stringify({ kind: 'List', items: [] }) });
    await rejects(
      loadSnapshot(dir2),
      ExitCode.BadInput,
      `${join(dir2, 'node.json')}: expected a Node, found kind "List"`,
      /nodes\.json/,
    );
  });

  test('nodes.json of the wrong kind, or with a wrong item → BadInput', async () => {
    const dir = await withPod({ 'nodes.json': JSON.stringify({ kind: 'PodList', items: [] }) });
    await rejects(
      loadSnapshot(dir),
      ExitCode.BadInput,
      `${join(dir, 'nodes.json')}: expected a NodeList, a List or an array, found kind "PodList"`,
    );
    const dir2 = await withPod({
      'nodes.json': JSON.stringify({ kind: 'List', items: [{ kind: 'Node' }, { kind: 'Pod' }] }),
    });
    await rejects(
      loadSnapshot(dir2),
      ExitCode.BadInput,
      `${join(dir2, 'nodes.json')}: items[1] is not a Node: found kind "Pod"`,
    );
  });

  test('node-pods.json: PodList, List, bare array and kind-less {items} are accepted', async () => {
    for (const body of [
      { apiVersion: 'v1', kind: 'PodList', items: [POD] },
      { apiVersion: 'v1', kind: 'List', items: [POD] },
      [POD],
      { items: [POD] },
    ]) {
      const dir = await withPod({ 'node-pods.json': JSON.stringify(body) });
      assert.deepEqual((await loadSnapshot(dir)).nodePods, [POD]);
    }
    const empty = await withPod({ 'node-pods.json': JSON.stringify({ kind: 'PodList', items: null }) });
    assert.deepEqual((await loadSnapshot(empty)).nodePods, []);
  });

  test('node-pods.json with a wrong item or items not an array → BadInput', async () => {
    const dir = await withPod({ 'node-pods.json': JSON.stringify([POD, 'web-1']) });
    await rejects(
      loadSnapshot(dir),
      ExitCode.BadInput,
      `${join(dir, 'node-pods.json')}: items[1] is not a Pod: found a string`,
    );
    const dir2 = await withPod({ 'node-pods.json': JSON.stringify({ kind: 'PodList', items: {} }) });
    await rejects(
      loadSnapshot(dir2),
      ExitCode.BadInput,
      `${join(dir2, 'node-pods.json')}: items is an object without kind, not an array`,
    );
    const dir3 = await withPod({ 'node-pods.json': JSON.stringify(POD) });
    await rejects(
      loadSnapshot(dir3),
      ExitCode.BadInput,
      `${join(dir3, 'node-pods.json')}: expected a PodList, a List or an array, found kind "Pod"`,
    );
  });

  test('events.json: EventList, List and bare array are accepted; wrong kinds are not', async () => {
    const event = {
      kind: 'Event',
      reason: 'OOMKilling',
      message: 'Memory cgroup out of memory',
      involvedObject: { kind: 'Node', name: 'node-a' },
    };
    for (const body of [{ kind: 'EventList', items: [event] }, { kind: 'List', items: [event] }, [event]]) {
      const dir = await withPod({ 'events.json': JSON.stringify(body) });
      assert.deepEqual((await loadSnapshot(dir)).events, [event]);
    }
    const dir = await withPod({ 'events.json': JSON.stringify(event) });
    await rejects(
      loadSnapshot(dir),
      ExitCode.BadInput,
      `${join(dir, 'events.json')}: expected a EventList, a List or an array, found kind "Event"`,
    );
    const dir2 = await withPod({ 'events.json': JSON.stringify({ kind: 'PodList', items: [] }) });
    await rejects(
      loadSnapshot(dir2),
      ExitCode.BadInput,
      `${join(dir2, 'events.json')}: expected a EventList, a List or an array, found kind "PodList"`,
    );
  });

  test('events.k8s.io/v1 events are mapped to the core/v1 fields', async () => {
    const e = {
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      regarding: { kind: 'Pod', name: 'web-0', namespace: 'shop' },
      note: 'Killing container with id containerd://x',
      reason: 'Killing',
      type: 'Normal',
      series: { count: 4, lastObservedTime: '2026-01-02T03:04:05.000000Z' },
      reportingController: 'kubelet',
    };
    const dir = await withPod({ 'events.json': JSON.stringify({ kind: 'List', items: [e] }) });
    const [loaded] = (await loadSnapshot(dir)).events!;
    assert.deepEqual(loaded?.involvedObject, e.regarding);
    assert.equal(loaded?.message, e.note);
    assert.equal(loaded?.count, 4);
    assert.equal(loaded?.lastTimestamp, '2026-01-02T03:04:05.000000Z');
    assert.deepEqual(loaded?.source, { component: 'kubelet' });
  });

  test('summary.json that is not a kubelet summary → BadInput', async () => {
    const dir = await withPod({ 'summary.json': JSON.stringify({ kind: 'NodeList', items: [] }) });
    await rejects(
      loadSnapshot(dir),
      ExitCode.BadInput,
      `${join(dir, 'summary.json')}: expected a kubelet stats summary (an object with "node" and "pods"), found kind "NodeList"`,
    );
    const dir2 = await withPod({ 'summary.json': JSON.stringify({ foo: 1 }) });
    await rejects(
      loadSnapshot(dir2),
      ExitCode.BadInput,
      `${join(dir2, 'summary.json')}: expected a kubelet stats summary (an object with "node" and "pods"), found an object without "node" or "pods"`,
    );
  });

  test('podmetrics.json of the wrong kind → BadInput', async () => {
    const dir = await withPod({ 'podmetrics.json': await raw('metrics.k8s.io-nodemetrics.k8s-docs-minikube.json') });
    await rejects(
      loadSnapshot(dir),
      ExitCode.BadInput,
      `${join(dir, 'podmetrics.json')}: expected a PodMetrics, found kind "NodeMetrics"`,
      /metrics\.k8s\.io/,
    );
  });
});

describe('loadSnapshot: cgroup/', () => {
  test('a nested tree is read recursively, keyed by "/" paths, sorted; symlinks and big files skipped', async () => {
    const pod = 'kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod0b9e0d5e.slice';
    const ctr = `${pod}/cri-containerd-5f1c0d6c.scope`;
    const stat = await raw('cgroupv2-memory.stat.runc-fs2-test.txt');
    const dir = await folder({
      'pod.json': podJson(),
      'cgroup/cgroup.controllers': 'cpuset cpu io memory pids\n',
      [`cgroup/${ctr}/memory.stat`]: stat,
      [`cgroup/${ctr}/memory.max`]: 'max\n',
      [`cgroup/${pod}/memory.max`]: '209715200\n',
      [`cgroup/${pod}/memory.events`]: 'low 0\nhigh 0\nmax 14\noom 2\noom_kill 2\noom_group_kill 0\n',
      'cgroup/kubepods.slice/memory.current': '1234\n',
      [`cgroup/${pod}/huge.txt`]: 'x'.repeat(MAX_CGROUP_FILE_BYTES + 1),
      [`cgroup/${pod}/exactly-1MiB`]: 'y'.repeat(MAX_CGROUP_FILE_BYTES),
    });
    await mkdir(join(dir, 'cgroup', 'empty', 'deeper'), { recursive: true });
    await symlink('kubepods.slice', join(dir, 'cgroup', 'cpu,cpuacct'));
    await symlink(join(dir, 'cgroup', 'cgroup.controllers'), join(dir, 'cgroup', 'link-to-file'));

    const facts = await loadSnapshot(dir);
    const keys = Object.keys(facts.cgroupFiles!);
    assert.deepEqual(keys, [
      'cgroup.controllers',
      'kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod0b9e0d5e.slice/cri-containerd-5f1c0d6c.scope/memory.max',
      'kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod0b9e0d5e.slice/cri-containerd-5f1c0d6c.scope/memory.stat',
      'kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod0b9e0d5e.slice/exactly-1MiB',
      'kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod0b9e0d5e.slice/memory.events',
      'kubepods.slice/kubepods-burstable.slice/kubepods-burstable-pod0b9e0d5e.slice/memory.max',
      'kubepods.slice/memory.current',
    ]);
    assert.equal(facts.cgroupFiles![`${ctr}/memory.stat`], stat, 'text exactly as in the file');
    assert.equal(facts.cgroupFiles![`${ctr}/memory.max`], 'max\n');
    assert.deepEqual(
      facts.missing[`cgroup/${pod}/huge.txt`],
      `skipped: ${MAX_CGROUP_FILE_BYTES + 1} bytes, larger than 1 MiB`,
    );
    assert.equal(facts.missing.cgroup, undefined);
  });

  test('the missing map names each absent part once', async () => {
    const dir = await folder({ 'pod.json': podJson(), 'kernel.log': 'line\n', 'cgroup/memory.stat': 'anon 1\n' });
    const facts = await loadSnapshot(dir);
    assert.equal(facts.kernelLog, 'line\n');
    assert.deepEqual(facts.cgroupFiles, { 'memory.stat': 'anon 1\n' });
    assert.deepEqual(Object.keys(facts.missing), ['node', 'nodes', 'node-pods', 'events', 'summary', 'podmetrics']);
  });
});

describe('locateJsonError', () => {
  test('names the place and the problem', () => {
    assert.deepEqual(locateJsonError('{"a":1,}'), {
      pos: 7,
      problem: "expected a property name in double quotes, found '}'",
    });
    assert.deepEqual(locateJsonError('[1,2'), {
      pos: 4,
      problem: "expected ',' or ']' after an array element, found the end of the file",
    });
    assert.deepEqual(locateJsonError('{"a": "x\ny"}'), { pos: 8, problem: 'control character U+000A inside a string' });
    assert.deepEqual(locateJsonError('{"a": "abc'), { pos: 6, problem: 'unterminated string' });
    assert.deepEqual(locateJsonError('{} x'), { pos: 3, problem: "unexpected 'x' after the end of the JSON value" });
    assert.deepEqual(locateJsonError('{"a": 01}'), {
      pos: 7,
      problem: "expected ',' or '}' after a property value, found '1'",
    });
    assert.deepEqual(locateJsonError('{"a": "\\x"}'), { pos: 7, problem: 'bad escape in a string' });
    assert.deepEqual(locateJsonError('{"a": tru}'), { pos: 6, problem: "unexpected 't', expected a value" });
    assert.equal(locateJsonError('{"a": [1, -2.5e3, true, null, "\\u00e9"]}'), null);
  });

  test('agrees with JSON.parse on what is valid (property)', () => {
    const valid = (s: string): boolean => {
      try {
        JSON.parse(s);
        return true;
      } catch {
        return false;
      }
    };
    const jsonText = fc.json();
    const mutated = fc
      .tuple(
        jsonText,
        fc.nat(),
        fc.nat(3),
        fc.constantFrom(',', '}', ']', '"', ':', '\\', '\n', 'x', '0', '-', ' ', '{', '['),
      )
      .map(([s, at, cut, ch]) => {
        const i = s.length === 0 ? 0 : at % s.length;
        return s.slice(0, i) + ch + s.slice(i + cut);
      });
    fc.assert(
      fc.property(fc.oneof(jsonText, mutated, fc.string()), (s) => {
        const found = locateJsonError(s);
        if (valid(s)) return found === null;
        return found !== null && found.pos >= 0 && found.pos <= s.length;
      }),
      { numRuns: 3000 },
    );
  });
});
