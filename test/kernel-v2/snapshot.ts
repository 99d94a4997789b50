// Turns one experiment of a v2 lab run (./vm.ts) into a snapshot folder (the `--from <dir>` input): the cgroup
// files exactly as the guest kernel wrote them, the kernel's OOM report, and pod/node objects as the API server
// would show them for that tree (same uid, container IDs, limits, restart after an OOM kill).

import fs from 'node:fs';
import path from 'node:path';
import type { KNode, KPod } from '../../src/core/types.js';
import { MiB, SIDECAR_REQUEST_BYTES, type Experiment, type LabRun } from './vm.js';

const NODE_NAME = 'v2lab-node-1';
/** kubelet's default eviction-hard memory.available threshold; allocatable = kubepods limit − this. */
const EVICTION_HARD_BYTES = 100 * MiB;

export interface GuestInfo {
  kernel: string;
  memTotalBytes: number;
}

export function guestInfo(run: LabRun): GuestInfo {
  const text = fs.readFileSync(path.join(run.dir, 'guest.txt'), 'utf8');
  const get = (k: string): string => new RegExp(`^${k}=(.*)$`, 'm').exec(text)?.[1] ?? '';
  return { kernel: get('kernel'), memTotalBytes: Number(get('memtotal_kib')) * 1024 };
}

/** Guest uptime (seconds) of a console line `v2lab <uptime> <what>`. */
function uptimeAt(run: LabRun, what: string): number {
  const m = new RegExp(`^v2lab ([\\d.]+) ${what}\\r?$`, 'm').exec(run.console);
  return m ? Number(m[1]) : 0;
}

const k8sTime = (ms: number): string => new Date(ms).toISOString().replace(/\.\d+Z$/, 'Z');
const quantity = (bytes: number): string => (bytes % MiB === 0 ? `${bytes / MiB}Mi` : String(bytes));

function containerSpec(name: string, requestBytes: number, limitBytes: number | null): Record<string, unknown> {
  return {
    name,
    image: name === 'app' ? 'docker.io/library/memhog:v2lab' : 'docker.io/library/busybox:1.36',
    command: name === 'app' ? ['memhog'] : ['sleep', '100000'],
    resources: {
      requests: { cpu: '10m', memory: quantity(requestBytes) },
      ...(limitBytes === null ? {} : { limits: { memory: quantity(limitBytes) } }),
    },
  };
}

function containerStatus(
  name: string,
  id: string,
  startedAt: string,
  last: Record<string, unknown> | null,
): Record<string, unknown> {
  return {
    name,
    state: { running: { startedAt } },
    lastState: last ? { terminated: last } : {},
    ready: true,
    restartCount: last ? 1 : 0,
    image: name === 'app' ? 'docker.io/library/memhog:v2lab' : 'docker.io/library/busybox:1.36',
    containerID: `containerd://${id}`,
    started: true,
  };
}

/** The pod as the API server shows it after the experiment (after the restart, for an OOM kill). */
export function podObject(run: LabRun, e: Experiment): KPod {
  const t0 = Date.parse(run.startedAt);
  const begin = k8sTime(t0 + uptimeAt(run, `begin ${e.name}`) * 1000);
  const end = k8sTime(t0 + uptimeAt(run, `end ${e.name}`) * 1000);
  const appLast = e.app2Id
    ? { exitCode: 137, reason: 'OOMKilled', startedAt: begin, finishedAt: end, containerID: `containerd://${e.appId}` }
    : null;
  const statuses = [containerStatus('app', e.app2Id ?? e.appId, e.app2Id ? end : begin, appLast)];
  const specs = [containerSpec('app', e.appRequestBytes, e.appLimitBytes)];
  if (e.sidecarId) {
    specs.push(containerSpec('sidecar', SIDECAR_REQUEST_BYTES, e.sidecarLimitBytes));
    statuses.push(containerStatus('sidecar', e.sidecarId, begin, null));
  }
  const name = e.name.replace(/_/g, '-');
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'default', uid: e.podUid, creationTimestamp: begin, labels: { run: name } },
    spec: { nodeName: NODE_NAME, containers: specs, restartPolicy: 'Always' },
    status: {
      phase: 'Running',
      qosClass: 'Burstable',
      startTime: begin,
      conditions: ['Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map((type) => ({
        type,
        status: 'True',
        lastTransitionTime: begin,
      })),
      containerStatuses: statuses,
    },
  } as KPod;
}

/** The node: capacity = the guest's MemTotal; allocatable = kubepods' memory.max − eviction-hard. */
export function nodeObject(run: LabRun, e: Experiment): KNode {
  const g = guestInfo(run);
  const kubepods = e.kubepodsLimitBytes ?? g.memTotalBytes;
  const ki = (b: number): string => `${Math.floor(b / 1024)}Ki`;
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: NODE_NAME, labels: { 'kubernetes.io/hostname': NODE_NAME, 'kubernetes.io/os': 'linux' } },
    spec: {},
    status: {
      capacity: { cpu: '1', memory: ki(g.memTotalBytes), pods: '110' },
      allocatable: { cpu: '1', memory: ki(Math.max(0, kubepods - EVICTION_HARD_BYTES)), pods: '110' },
      conditions: [
        {
          type: 'MemoryPressure',
          status: 'False',
          reason: 'KubeletHasSufficientMemory',
          message: 'kubelet has sufficient memory available',
        },
        { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' },
      ],
      nodeInfo: {
        kernelVersion: g.kernel,
        containerRuntimeVersion: 'containerd://2.1.4',
        kubeletVersion: 'v1.35.0',
        osImage: 'memwhy cgroup v2 lab (Debian kernel in QEMU)',
        operatingSystem: 'linux',
      },
    },
  } as KNode;
}

/** The guest's dmesg for an OOM experiment (cleared just before the app started), else null. */
export function kernelLog(run: LabRun, e: Experiment): string | null {
  if (e.kind !== 'oom') return null;
  const text = fs.readFileSync(path.join(run.dir, e.name, 'dmesg'), 'utf8');
  return text.trim() === '' ? null : text;
}

/** Writes the snapshot folder of experiment `name` (a cache experiment's first read: `cache-once`). */
export function writeSnapshot(run: LabRun, name: string, outDir: string): string {
  const e = run.plan.find((x) => x.name === name || `${x.name}-once` === name);
  if (!e) throw new Error(`no experiment ${name} in the plan`);
  fs.mkdirSync(outDir, { recursive: true });
  fs.cpSync(path.join(run.dir, name, 'cgroup'), path.join(outDir, 'cgroup'), { recursive: true });
  const pod = podObject(run, e);
  const json = (o: unknown): string => JSON.stringify(o, null, 2) + '\n';
  fs.writeFileSync(path.join(outDir, 'pod.json'), json(pod));
  fs.writeFileSync(path.join(outDir, 'node.json'), json(nodeObject(run, e)));
  fs.writeFileSync(path.join(outDir, 'node-pods.json'), json({ apiVersion: 'v1', kind: 'PodList', items: [pod] }));
  const log = kernelLog(run, e);
  if (log !== null) fs.writeFileSync(path.join(outDir, 'kernel.log'), log);
  return outDir;
}
