// A node's memory explained from the top: capacity → reservations → the hard eviction threshold →
// allocatable → the kubepods cgroup and its QoS tiers → each pod; what lives outside kubepods; what
// `kubectl top node` and `free` show and why they differ; memory.available against the thresholds; and the
// order in which the kubelet would evict if pressure came now.
//
//   allocatable          = capacity − kube-reserved − system-reserved − evictionHard[memory.available]
//                          (pkg/kubelet/cm/node_container_manager_linux.go GetNodeAllocatableReservation)
//   kubepods cgroup limit = capacity − kube-reserved − system-reserved (getNodeAllocatableAbsoluteImpl:
//                          "without eviction threshold"), i.e. allocatable + the hard threshold
//   memory.available     = capacity − node working set (eviction helpers makeMemoryAvailableSignalObservation)
//   kubectl top node %   = node working set ÷ allocatable (metrics-server; kubectl top node divides by
//                          allocatable, so it can pass 100 %: kubernetes#78621, metrics-server#1060)
import { figuresFromLevel } from '../figures.js';
import { effectiveRequest, holdsResources, qosClass } from '../ladder.js';
import { parseBytes } from '../quantity.js';
import type { CgroupFiles, KEvent, KNode, KPod, KubeletSummary, MemoryFigures, Notice, QosClass } from '../types.js';
import { evictionOrder, type EvictionRank } from './eviction-order.js';
import { DEFAULT_EVICTION_HARD_BYTES, type KubeletMemoryConfig } from './kubelet-config.js';
import { locateNodeLevels, rootUsage, type NodeLevels } from './node-levels.js';
import { parseMeminfo, freeView, type FreeView } from './meminfo.js';
import { evictionCandidates, indexSummaryPods, podKey, podUsage } from './pod-stats.js';

export interface NodeMemoryInput {
  node: KNode;
  /** Pods bound to the node. */
  pods: KPod[];
  summary: KubeletSummary | null;
  /** metrics.k8s.io NodeMetrics usage.memory: the node's working set as metrics-server reports it. */
  nodeMetricsWorkingSetBytes: number | null;
  /** From configz; null when it could not be read (then the reservations are derived). */
  kubeletConfig: KubeletMemoryConfig | null;
  /** Node-level cgroup files from the node reader; null when not read. */
  cgroupFiles: CgroupFiles | null;
  /** /proc/meminfo from the node reader; null when not read. */
  meminfo: string | null;
  events: KEvent[] | null;
}

export interface NodeChain {
  name: string;
  capacityBytes: number | null;
  /** capacity − allocatable: kube-reserved + system-reserved + the hard eviction threshold. */
  reservedBytes: number | null;
  kubeReservedBytes: number | null;
  systemReservedBytes: number | null;
  /** configz: read from the kubelet; derived: capacity − allocatable − the threshold; null: unknown. */
  reservedSource: 'configz' | 'derived' | null;
  evictionThresholdBytes: number | null;
  /** configz; assumed-default: the kubelet's 100Mi; derived: capacity − allocatable is smaller, so at most that. */
  evictionThresholdSource: 'configz' | 'assumed-default' | 'derived' | null;
  softEvictionThresholdBytes: number | null;
  allocatableBytes: number | null;
  /** capacity − node working set. */
  availableBytes: number | null;
  availableSource: string | null;
  /** memory.available − hard threshold: how far the node is from evicting. */
  marginBytes: number | null;
  kubepodsLimitBytes: number | null;
  kubepodsUsageBytes: number | null;
  kubepodsWorkingSetBytes: number | null;
  memoryPressure: boolean | null;
  cgroupVersion: 'v1' | 'v2' | null;
}

export interface QosTier {
  qosClass: QosClass;
  pods: number;
  requestBytes: number;
  workingSetBytes: number | null;
  /** The tier's own cgroup (burstable/besteffort); Guaranteed pods sit directly under kubepods. */
  cgroupUsageBytes: number | null;
}

export interface NodePodRow {
  namespace: string | null;
  name: string | null;
  qosClass: QosClass | null;
  requestBytes: number;
  workingSetBytes: number | null;
  usageBytes: number | null;
}

export interface NodeMemoryView {
  node: NodeChain;
  tiers: QosTier[];
  /** root usage − kubepods usage: the system slice, the kernel and the host's page cache. */
  outsideKubepods: { bytes: number | null; parts: Array<{ path: string; usageBytes: number | null }> };
  kubectlTopNode: { workingSetBytes: number | null; percent: number | null; source: string | null };
  free: FreeView | null;
  pods: NodePodRow[];
  evictionOrder: EvictionRank[];
  events: Array<{ reason: string | null; message: string | null; count: number | null; lastSeen: string | null }>;
  notices: Notice[];
}

const minus = (a: number | null, ...b: Array<number | null>) =>
  a === null || b.some((x) => x === null) ? null : b.reduce<number>((s, x) => s - (x as number), a);

/**
 * Without configz the kubelet's default 100Mi is assumed, but never more than capacity − allocatable (a node
 * whose allocatable equals its capacity, as kind's, has no hard memory threshold subtracted).
 */
function thresholds(config: KubeletMemoryConfig | null, capacity: number | null, allocatable: number | null) {
  if (config) return { hard: config.evictionHardBytes, hardSource: 'configz' as const, soft: config.evictionSoftBytes };
  const reserved = minus(capacity, allocatable);
  if (reserved !== null && reserved < DEFAULT_EVICTION_HARD_BYTES)
    return { hard: Math.max(0, reserved), hardSource: 'derived' as const, soft: null };
  return { hard: DEFAULT_EVICTION_HARD_BYTES, hardSource: 'assumed-default' as const, soft: null };
}

function reservations(
  capacity: number | null,
  allocatable: number | null,
  config: KubeletMemoryConfig | null,
  hard: number | null,
) {
  if (config)
    return { kube: config.kubeReservedBytes ?? 0, system: config.systemReservedBytes ?? 0, source: 'configz' as const };
  const derived = minus(capacity, allocatable, hard);
  return derived === null
    ? { kube: null, system: null, source: null }
    : { kube: null, system: null, source: 'derived' as const };
}

function nodeWorkingSet(
  input: NodeMemoryInput,
  levels: NodeLevels | null,
): { bytes: number | null; source: string | null } {
  const ws = input.summary?.node?.memory?.workingSetBytes;
  if (typeof ws === 'number') return { bytes: ws, source: 'summary.json node.memory.workingSetBytes' };
  if (input.nodeMetricsWorkingSetBytes !== null)
    return { bytes: input.nodeMetricsWorkingSetBytes, source: 'metrics.k8s.io NodeMetrics usage.memory' };
  const usage = rootUsage(levels?.root ?? null);
  const inactiveFile = levels?.root?.stat?.[levels.version === 'v1' ? 'total_inactive_file' : 'inactive_file'];
  if (usage.bytes === null || typeof inactiveFile !== 'number') return { bytes: null, source: null };
  return { bytes: Math.max(0, usage.bytes - inactiveFile), source: `cgroup root: ${usage.source} − inactive_file` };
}

function chain(input: NodeMemoryInput, levels: NodeLevels | null, kubepods: MemoryFigures | null): NodeChain {
  const capacity = parseBytes(input.node.status?.capacity?.memory ?? null);
  const allocatable = parseBytes(input.node.status?.allocatable?.memory ?? null);
  const t = thresholds(input.kubeletConfig, capacity, allocatable);
  const r = reservations(capacity, allocatable, input.kubeletConfig, t.hard);
  const ws = nodeWorkingSet(input, levels);
  const available =
    typeof input.summary?.node?.memory?.availableBytes === 'number'
      ? input.summary.node.memory.availableBytes
      : minus(capacity, ws.bytes);
  const pressure = input.node.status?.conditions?.find((c) => c.type === 'MemoryPressure');
  return {
    name: input.node.metadata?.name ?? '?',
    capacityBytes: capacity,
    reservedBytes: minus(capacity, allocatable),
    kubeReservedBytes: r.kube,
    systemReservedBytes: r.system,
    reservedSource: r.source,
    evictionThresholdBytes: t.hard,
    evictionThresholdSource: t.hard === null ? null : t.hardSource,
    softEvictionThresholdBytes: t.soft,
    allocatableBytes: allocatable,
    availableBytes: available,
    availableSource:
      typeof input.summary?.node?.memory?.availableBytes === 'number'
        ? 'summary.json node.memory.availableBytes'
        : ws.source && `capacity − ${ws.source}`,
    marginBytes: minus(available, t.hard),
    kubepodsLimitBytes: kubepods?.cgroupLimitBytes ?? null,
    kubepodsUsageBytes: kubepods?.usageBytes ?? null,
    kubepodsWorkingSetBytes: kubepods?.workingSetBytes ?? null,
    memoryPressure: pressure ? pressure.status === 'True' : null,
    cgroupVersion: levels?.version ?? null,
  };
}

function tiers(rows: NodePodRow[], levels: NodeLevels | null): QosTier[] {
  const tierLevel = { Guaranteed: null, Burstable: levels?.burstable ?? null, BestEffort: levels?.besteffort ?? null };
  return (['Guaranteed', 'Burstable', 'BestEffort'] as const).map((q) => {
    const of = rows.filter((p) => p.qosClass === q);
    const ws = of.map((p) => p.workingSetBytes);
    const level = tierLevel[q];
    return {
      qosClass: q,
      pods: of.length,
      requestBytes: of.reduce((s, p) => s + p.requestBytes, 0),
      workingSetBytes: ws.some((v) => v === null) ? null : ws.reduce<number>((s, v) => s + (v as number), 0),
      cgroupUsageBytes: level ? figuresFromLevel(level, level.path).usageBytes : null,
    };
  });
}

function outside(levels: NodeLevels | null, kubepodsUsage: number | null): NodeMemoryView['outsideKubepods'] {
  if (!levels) return { bytes: null, parts: [] };
  return {
    bytes: minus(rootUsage(levels.root).bytes, kubepodsUsage),
    parts: levels.others.map((l) => ({ path: l.path, usageBytes: figuresFromLevel(l, l.path).usageBytes })),
  };
}

function noticesFor(input: NodeMemoryInput, levels: NodeLevels | null, chain: NodeChain): Notice[] {
  const n: Notice[] = [];
  const expected = input.kubeletConfig
    ? (chain.kubeReservedBytes ?? 0) + (chain.systemReservedBytes ?? 0) + (chain.evictionThresholdBytes ?? 0)
    : null;
  if (expected !== null && chain.reservedBytes !== null && Math.abs(chain.reservedBytes - expected) > 1024 * 1024) {
    n.push({
      part: 'configz',
      message: `capacity − allocatable is ${chain.reservedBytes} bytes, but configz's kube-reserved + system-reserved + hard threshold add up to ${expected}: the node status and the kubelet configuration disagree (a kubelet restarted with other flags, or a reservation configz does not show).`,
    });
  }
  if (!input.kubeletConfig) {
    const threshold =
      chain.evictionThresholdSource === 'derived'
        ? 'taken as capacity − allocatable, which is less than the default 100Mi'
        : 'assumed to be the default 100Mi';
    n.push({
      part: 'configz',
      message: `kube-reserved and system-reserved are derived from capacity − allocatable, and the hard eviction threshold is ${threshold}.`,
    });
  }
  if (!input.summary)
    n.push({
      part: 'summary',
      message: "the pods' working sets and usage are unknown, so the eviction order cannot rank by them.",
    });
  if (input.cgroupFiles && !levels)
    n.push({ part: 'cgroup', message: 'The node cgroup files hold no kubepods cgroup.' });
  if (!input.cgroupFiles)
    n.push({
      part: 'cgroup',
      message: "the kubepods limit, its QoS tiers' cgroups and what lives outside kubepods are unknown.",
    });
  return n;
}

export function nodeMemory(input: NodeMemoryInput): NodeMemoryView {
  const levels = input.cgroupFiles ? locateNodeLevels(input.cgroupFiles) : null;
  const kubepods = levels?.kubepods ? figuresFromLevel(levels.kubepods, levels.kubepods.path) : null;
  const node = chain(input, levels, kubepods);
  const summaryPods = indexSummaryPods([input.summary]);
  const active = input.pods.filter(holdsResources);
  const pods: NodePodRow[] = active.map((pod) => {
    const u = podUsage(summaryPods.get(podKey(pod)), undefined);
    return {
      namespace: pod.metadata?.namespace ?? null,
      name: pod.metadata?.name ?? null,
      qosClass: qosClass(pod),
      requestBytes: effectiveRequest(pod),
      workingSetBytes: u.workingSetBytes,
      usageBytes: u.usageBytes,
    };
  });
  const ws = nodeWorkingSet(input, levels);
  const meminfo = input.meminfo ? parseMeminfo(input.meminfo) : null;
  return {
    node,
    tiers: tiers(pods, levels),
    outsideKubepods: outside(levels, node.kubepodsUsageBytes),
    kubectlTopNode: {
      workingSetBytes: ws.bytes,
      percent: ws.bytes !== null && node.allocatableBytes ? ws.bytes / node.allocatableBytes : null,
      source: ws.source,
    },
    free: meminfo ? freeView(meminfo) : null,
    pods: pods.sort((a, b) => (b.workingSetBytes ?? -1) - (a.workingSetBytes ?? -1)),
    evictionOrder: evictionOrder(evictionCandidates(active, summaryPods)),
    events: (input.events ?? [])
      .filter((e) => ['Evicted', 'EvictionThresholdMet', 'SystemOOM', 'OOMKilling'].includes(e.reason ?? ''))
      .map((e) => ({
        reason: e.reason ?? null,
        message: e.message ?? null,
        count: e.count ?? null,
        lastSeen: e.lastTimestamp ?? e.eventTime ?? null,
      })),
    notices: noticesFor(input, levels, node),
  };
}
