// A seeded, deterministic cluster state for the scale benchmark (bench/scale.ts) and its test, in the
// format the in-repo test cluster serves (test/cluster: StateInput — nodes, pods, podMetrics, nodeMetrics,
// summaries). Same seed and sizes → byte-identical state.
//
//   const gen = scaleState({ pods: 10_000, nodes: 500 });   // gen.state for startCluster(), gen.expect per pod
//
// What is in it:
//  - nodes with capacity/allocatable (8, 16, 32 or 64 GiB; allocatable = capacity − 5 % − 100Mi), Ready,
//    some under MemoryPressure; one "big" node (BIG_NODE) holding up to 500 pods (pods capacity 520);
//  - pods spread over namespaces, 1–3 containers each, with requests/limits of each QoS class (Guaranteed,
//    Burstable, BestEffort), priorities (0, 1000, 100000, system-cluster-critical), restarts, some last
//    terminated OOMKilled, some evicted (phase Failed, reason Evicted), some Succeeded (jobs);
//  - metrics.k8s.io PodMetrics for running pods and NodeMetrics for each node; kubelet Summary API documents
//    per node (node and pod working set and usage) for --deep;
//  - pods the size of real ones (labels, annotations, ownerReferences, env, probes, volume mounts,
//    conditions, container statuses), so the lists weigh what they weigh on a real cluster (~3–4 KB a pod).
import type { StateInput } from '../test/cluster/index.js';

type Obj = Record<string, any>;

export const BIG_NODE = 'node-big-0';
export const BIG_NODE_PODS = 500;
const MI = 1024 * 1024;
const GI = 1024 * MI;
const BASE_TIME = Date.UTC(2026, 10, 20, 8, 0, 0);

export interface ScaleOptions {
  pods: number;
  /** Default: pods / 20, at least 3 (500 for 10,000 pods). */
  nodes?: number;
  /** Pods on BIG_NODE; default min(500, pods / 4). */
  bigNodePods?: number;
  seed?: number;
}

/** What the generator put in each pod, to check the CLI's numbers against. */
export interface ExpectedPod {
  namespace: string;
  name: string;
  node: string;
  qosClass: 'Guaranteed' | 'Burstable' | 'BestEffort';
  phase: 'Running' | 'Failed' | 'Succeeded';
  evicted: boolean;
  /** Sum of the containers' memory requests (no init containers, no overhead). */
  requestBytes: number;
  /** Sum of the limits when every container has one, else null. */
  limitBytes: number | null;
  /** PodMetrics: sum of the containers' usage.memory; null when the pod has no metrics. */
  workingSetBytes: number | null;
  /** Summary API pod usageBytes (--deep). */
  usageBytes: number | null;
  restarts: number;
  oomKilled: boolean;
  priority: number;
}

export interface ScaleState {
  state: StateInput;
  expect: ExpectedPod[];
  nodeNames: string[];
}

/** mulberry32: small, fast, good enough for test data. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const mi = (bytes: number) => `${Math.round(bytes / MI)}Mi`;

function uidFrom(r: () => number): string {
  const h = () =>
    Math.floor(r() * 0x10000)
      .toString(16)
      .padStart(4, '0');
  return `${h()}${h()}-${h()}-4${h().slice(1)}-a${h().slice(1)}-${h()}${h()}${h()}`;
}

function makeNode(name: string, capacityBytes: number, podsCap: number, pressure: boolean, i: number): Obj {
  const allocatable = Math.floor(capacityBytes * 0.95) - 100 * MI;
  const t = iso(BASE_TIME - 86400_000 * 30);
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      uid: `0000${String(i).padStart(4, '0')}-0000-4000-a000-000000000000`,
      creationTimestamp: t,
      labels: {
        'kubernetes.io/hostname': name,
        'kubernetes.io/os': 'linux',
        'kubernetes.io/arch': 'amd64',
        'node.kubernetes.io/instance-type': `m.${capacityBytes / GI}g`,
        'topology.kubernetes.io/zone': `zone-${i % 3}`,
      },
    },
    spec: { podCIDR: `10.${Math.floor(i / 256)}.${i % 256}.0/24` },
    status: {
      capacity: { cpu: String(capacityBytes / GI / 4), memory: `${capacityBytes / 1024}Ki`, pods: String(podsCap) },
      allocatable: {
        cpu: `${(capacityBytes / GI / 4) * 1000 - 100}m`,
        memory: `${allocatable / 1024}Ki`,
        pods: String(podsCap),
      },
      conditions: [
        {
          type: 'MemoryPressure',
          status: pressure ? 'True' : 'False',
          reason: pressure ? 'KubeletHasInsufficientMemory' : 'KubeletHasSufficientMemory',
          lastHeartbeatTime: t,
          lastTransitionTime: t,
        },
        {
          type: 'DiskPressure',
          status: 'False',
          reason: 'KubeletHasNoDiskPressure',
          lastHeartbeatTime: t,
          lastTransitionTime: t,
        },
        {
          type: 'PIDPressure',
          status: 'False',
          reason: 'KubeletHasSufficientPID',
          lastHeartbeatTime: t,
          lastTransitionTime: t,
        },
        {
          type: 'Ready',
          status: 'True',
          reason: 'KubeletReady',
          message: 'kubelet is posting ready status',
          lastHeartbeatTime: t,
          lastTransitionTime: t,
        },
      ],
      addresses: [
        { type: 'InternalIP', address: `10.250.${Math.floor(i / 256)}.${i % 256}` },
        { type: 'Hostname', address: name },
      ],
      nodeInfo: {
        kubeletVersion: 'v1.32.4',
        osImage: 'Debian GNU/Linux 12 (bookworm)',
        kernelVersion: '6.1.0-27-amd64',
        containerRuntimeVersion: 'containerd://1.7.24',
        operatingSystem: 'linux',
        architecture: 'amd64',
      },
    },
  };
}

interface ContainerPlan {
  name: string;
  request: number | null;
  limit: number | null;
  ws: number;
}

const PRIORITIES: Array<[number, string | null]> = [
  [0, null],
  [0, null],
  [1000, 'batch-low'],
  [100000, 'service-high'],
  [2000000000, 'system-cluster-critical'],
];

/** Containers of one pod, with requests/limits making the chosen QoS class. */
function planContainers(r: () => number, qos: ExpectedPod['qosClass']): ContainerPlan[] {
  const n = 1 + Math.floor(r() * r() * 3);
  const names = ['app', 'sidecar', 'proxy'];
  return names.slice(0, n).map((name) => {
    const base = (32 + Math.floor(r() * 96)) * 8 * MI; // 256 MiB … 1 GiB, in 8 MiB steps
    const limit = qos === 'BestEffort' ? null : qos === 'Guaranteed' ? base : base * 2;
    const request = qos === 'BestEffort' ? null : base;
    // Working set: mostly well under the request, some near the limit, some far above the request.
    const roll = r();
    const cap = limit ?? base * 2;
    const ws =
      roll < 0.08
        ? Math.floor(cap * (0.9 + r() * 0.09))
        : roll < 0.3
          ? Math.floor(base * (1.05 + r() * 0.5))
          : Math.floor(base * (0.05 + r() * 0.8));
    return { name, request, limit, ws: Math.min(ws, cap - MI) };
  });
}

function containerSpec(c: ContainerPlan, ns: string, podName: string): Obj {
  const resources: Obj = {};
  if (c.request !== null) resources.requests = { cpu: '100m', memory: mi(c.request) };
  if (c.limit !== null) resources.limits = { cpu: '500m', memory: mi(c.limit) };
  return {
    name: c.name,
    image: `registry.example/${ns}/${c.name}:1.${c.name.length}.0`,
    command: ['/bin/server'],
    args: ['--port=8080', `--name=${podName}`, '--log-level=info'],
    ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }],
    env: [
      { name: 'POD_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
      { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } } },
      { name: 'GOMAXPROCS', value: '2' },
    ],
    resources,
    volumeMounts: [
      { name: 'config', mountPath: '/etc/app', readOnly: true },
      { name: 'kube-api-access', mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true },
    ],
    livenessProbe: {
      httpGet: { path: '/healthz', port: 8080, scheme: 'HTTP' },
      initialDelaySeconds: 10,
      periodSeconds: 10,
      timeoutSeconds: 1,
      successThreshold: 1,
      failureThreshold: 3,
    },
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
    imagePullPolicy: 'IfNotPresent',
  };
}

interface PodPlan {
  ns: string;
  name: string;
  node: string;
  qos: ExpectedPod['qosClass'];
  phase: ExpectedPod['phase'];
  evicted: boolean;
  containers: ContainerPlan[];
  restarts: number[];
  oom: boolean;
  priority: [number, string | null];
  start: number;
  uid: string;
}

function containerStatus(c: ContainerPlan, p: PodPlan, k: number): Obj {
  const running = p.phase === 'Running';
  const last =
    p.oom && k === 0
      ? {
          terminated: {
            exitCode: 137,
            reason: 'OOMKilled',
            startedAt: iso(p.start + 60_000),
            finishedAt: iso(p.start + 3_600_000),
            containerID: `containerd://${p.uid.replace(/-/g, '')}${k}`,
          },
        }
      : {};
  const state = running
    ? { running: { startedAt: iso(p.start + 3_600_000) } }
    : {
        terminated: {
          exitCode: p.evicted ? 137 : 0,
          reason: p.evicted ? 'Error' : 'Completed',
          startedAt: iso(p.start),
          finishedAt: iso(p.start + 600_000),
        },
      };
  return {
    name: c.name,
    state,
    lastState: last,
    ready: running,
    restartCount: p.restarts[k] ?? 0,
    image: `registry.example/${p.ns}/${c.name}:1.${c.name.length}.0`,
    imageID: `registry.example/${p.ns}/${c.name}@sha256:${p.uid.replace(/-/g, '')}${p.uid.replace(/-/g, '')}`,
    containerID: `containerd://${p.uid.replace(/-/g, '')}${p.uid.replace(/-/g, '')}`,
    started: running,
  };
}

function podObject(p: PodPlan, i: number): Obj {
  const t = iso(p.start);
  const app = p.name.replace(/-[a-z0-9]+-[a-z0-9]+$/, '');
  const conditions = ['PodReadyToStartContainers', 'Initialized', 'Ready', 'ContainersReady', 'PodScheduled'].map(
    (type) => ({
      type,
      status: p.phase === 'Running' || type === 'Initialized' || type === 'PodScheduled' ? 'True' : 'False',
      lastProbeTime: null,
      lastTransitionTime: t,
    }),
  );
  const status: Obj = {
    phase: p.phase,
    conditions,
    hostIP: `10.250.0.${i % 250}`,
    podIP: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`,
    startTime: t,
    containerStatuses: p.containers.map((c, k) => containerStatus(c, p, k)),
    qosClass: p.qos,
  };
  if (p.evicted) {
    status.reason = 'Evicted';
    status.message = `The node was low on resource: memory. Threshold quantity: 100Mi, available: 91244Ki. Container ${p.containers[0]!.name} was using ${Math.round(p.containers[0]!.ws / 1024)}Ki, request is ${p.containers[0]!.request === null ? '0' : mi(p.containers[0]!.request)}, has larger consumption of memory. `;
  }
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: p.name,
      generateName: `${p.name.replace(/[a-z0-9]+$/, '')}`,
      namespace: p.ns,
      uid: p.uid,
      creationTimestamp: t,
      labels: {
        app,
        'app.kubernetes.io/name': app,
        'app.kubernetes.io/part-of': p.ns,
        'pod-template-hash': p.uid.slice(0, 10),
      },
      annotations: {
        'kubectl.kubernetes.io/restartedAt': t,
        'prometheus.io/scrape': 'true',
        'prometheus.io/port': '8080',
      },
      ownerReferences: [
        {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          name: `${app}-${p.uid.slice(0, 10)}`,
          uid: p.uid,
          controller: true,
          blockOwnerDeletion: true,
        },
      ],
    },
    spec: {
      volumes: [
        { name: 'config', configMap: { name: `${app}-config`, defaultMode: 420 } },
        {
          name: 'kube-api-access',
          projected: {
            defaultMode: 420,
            sources: [{ serviceAccountToken: { expirationSeconds: 3607, path: 'token' } }],
          },
        },
      ],
      containers: p.containers.map((c) => containerSpec(c, p.ns, p.name)),
      restartPolicy: p.phase === 'Succeeded' ? 'Never' : 'Always',
      terminationGracePeriodSeconds: 30,
      dnsPolicy: 'ClusterFirst',
      serviceAccountName: 'default',
      nodeName: p.node,
      securityContext: {},
      schedulerName: 'default-scheduler',
      tolerations: [
        { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
        { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
      ],
      priority: p.priority[0],
      ...(p.priority[1] ? { priorityClassName: p.priority[1] } : {}),
      enableServiceLinks: true,
      preemptionPolicy: 'PreemptLowerPriority',
    },
    status,
  };
}

function planPod(r: () => number, i: number, ns: string, node: string): PodPlan {
  const qr = r();
  const qos: ExpectedPod['qosClass'] = qr < 0.25 ? 'Guaranteed' : qr < 0.85 ? 'Burstable' : 'BestEffort';
  const fr = r();
  const phase: ExpectedPod['phase'] = fr < 0.03 ? 'Failed' : fr < 0.05 ? 'Succeeded' : 'Running';
  const containers = planContainers(r, qos);
  const oom = phase === 'Running' && r() < 0.06;
  const restarts = containers.map((_, k) =>
    oom && k === 0 ? 1 + Math.floor(r() * 12) : r() < 0.1 ? Math.floor(r() * 4) : 0,
  );
  const suffix = Math.floor(r() * 36 ** 5)
    .toString(36)
    .padStart(5, '0');
  return {
    ns,
    name: `svc-${String(i % 997).padStart(3, '0')}-${((i * 2654435761) >>> 0).toString(36).slice(0, 6)}-${suffix}`,
    node,
    qos,
    phase,
    evicted: phase === 'Failed',
    containers,
    restarts,
    oom,
    priority: PRIORITIES[Math.floor(r() * PRIORITIES.length)]!,
    start: BASE_TIME - Math.floor(r() * 86400_000 * 10),
    uid: uidFrom(r),
  };
}

const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);

function expected(p: PodPlan): ExpectedPod {
  const hasMetrics = p.phase === 'Running';
  return {
    namespace: p.ns,
    name: p.name,
    node: p.node,
    qosClass: p.qos,
    phase: p.phase,
    evicted: p.evicted,
    requestBytes: sum(p.containers.map((c) => c.request ?? 0)),
    limitBytes: p.containers.every((c) => c.limit !== null) ? sum(p.containers.map((c) => c.limit!)) : null,
    workingSetBytes: hasMetrics ? sum(p.containers.map((c) => c.ws)) : null,
    usageBytes: hasMetrics ? sum(p.containers.map((c) => usageOf(c))) : null,
    restarts: sum(p.restarts),
    oomKilled: p.oom,
    priority: p.priority[0],
  };
}

/** usage = working set + inactive file cache (a few MiB). */
const usageOf = (c: ContainerPlan) => c.ws + ((c.ws >> 20) % 16) * MI;

function metricsFor(p: PodPlan): Obj {
  return {
    metadata: { name: p.name, namespace: p.ns, creationTimestamp: iso(BASE_TIME) },
    timestamp: iso(BASE_TIME),
    window: '15.003s',
    containers: p.containers.map((c) => ({ name: c.name, usage: { cpu: '12345678n', memory: `${c.ws / 1024}Ki` } })),
  };
}

function summaryPod(p: PodPlan): Obj {
  const memory = (ws: number, usage: number) => ({
    time: iso(BASE_TIME),
    workingSetBytes: ws,
    usageBytes: usage,
    rssBytes: Math.floor(ws * 0.8),
    pageFaults: 1000,
    majorPageFaults: 0,
  });
  return {
    podRef: { name: p.name, namespace: p.ns, uid: p.uid },
    startTime: iso(p.start),
    containers: p.containers.map((c) => ({ name: c.name, startTime: iso(p.start), memory: memory(c.ws, usageOf(c)) })),
    memory: memory(sum(p.containers.map((c) => c.ws)), sum(p.containers.map(usageOf))),
  };
}

function nodeNames(count: number): string[] {
  return [BIG_NODE, ...Array.from({ length: count - 1 }, (_, i) => `node-${String(i + 1).padStart(4, '0')}`)];
}

/** Node per pod: the first `big` pods on BIG_NODE, the others spread over the rest at random. */
function placement(r: () => number, pods: number, names: string[], big: number): string[] {
  return Array.from({ length: pods }, (_, i) =>
    i < big || names.length === 1 ? BIG_NODE : names[1 + Math.floor(r() * (names.length - 1))]!,
  );
}

export function scaleState(opts: ScaleOptions): ScaleState {
  const r = prng(opts.seed ?? 20261120);
  const nodeCount = Math.max(3, opts.nodes ?? Math.round(opts.pods / 20));
  const big = Math.min(opts.bigNodePods ?? Math.min(BIG_NODE_PODS, Math.floor(opts.pods / 4)), opts.pods);
  const names = nodeNames(nodeCount);
  const sizes = [8, 16, 32, 64].map((g) => g * GI);
  const nodeCap = names.map((n, i) => (n === BIG_NODE ? 256 * GI : sizes[i % sizes.length]!));
  const pressure = names.map((n, i) => n !== BIG_NODE && i % 25 === 7);
  const nodes = names.map((n, i) => makeNode(n, nodeCap[i]!, n === BIG_NODE ? 520 : 110, pressure[i]!, i));
  const nsCount = Math.max(2, Math.round(opts.pods / 200));
  const where = placement(r, opts.pods, names, big);
  const plans = where.map((node, i) => planPod(r, i, `team-${String(i % nsCount).padStart(3, '0')}`, node));
  const running = plans.filter((p) => p.phase === 'Running');
  const byNode = new Map<string, PodPlan[]>(names.map((n) => [n, []]));
  for (const p of running) byNode.get(p.node)!.push(p);
  const nodeWs = names.map((n, i) => {
    const podsWs = sum(byNode.get(n)!.map((p) => sum(p.containers.map((c) => c.ws))));
    // Pressured nodes sit just above the threshold; the others have room.
    return pressure[i] ? nodeCap[i]! - 150 * MI : Math.min(podsWs + 1 * GI, Math.floor(nodeCap[i]! * 0.7));
  });
  const state: StateInput = {
    nodes,
    pods: plans.map(podObject),
    podMetrics: running.map(metricsFor),
    nodeMetrics: names.map((n, i) => ({
      metadata: { name: n, creationTimestamp: iso(BASE_TIME) },
      timestamp: iso(BASE_TIME),
      window: '20.005s',
      usage: { cpu: '1234567890n', memory: `${Math.floor(nodeWs[i]! / 1024)}Ki` },
    })),
    summaries: Object.fromEntries(
      names.map((n, i) => [
        n,
        {
          node: {
            nodeName: n,
            startTime: iso(BASE_TIME - 86400_000 * 30),
            memory: {
              time: iso(BASE_TIME),
              availableBytes: nodeCap[i]! - nodeWs[i]!,
              usageBytes: nodeWs[i]! + 2 * GI,
              workingSetBytes: nodeWs[i]!,
              rssBytes: Math.floor(nodeWs[i]! * 0.8),
              pageFaults: 100000,
              majorPageFaults: 10,
            },
            systemContainers: [],
          },
          pods: byNode.get(n)!.map(summaryPod),
        },
      ]),
    ),
  };
  return { state, expect: plans.map(expected), nodeNames: names };
}
