// The ranked overview: one row per pod (optionally per container) with its memory against its request and
// the limit the kernel enforces, and a risk with its reason, worst first.
//
// Risks, from worst:
//   oom        the working set (or, with --deep, the usage the kernel compares) is ≥ 90 % of the limit in
//              force, or the pod was OOM-killed and is still near its limit
//   eviction   the working set is above the request on a node under memory pressure or near its threshold
//              (the kubelet evicts such pods first: rankMemoryPressure)
//   unbounded  no memory limit, on a node under memory pressure or near its threshold
//   restarts   the last termination was OOMKilled (the pod has room now)
//   evicted    the pod was evicted (phase Failed, reason Evicted); other finished pods are left out, as
//              kubectl top pods leaves them out
//   waste      the request reserves ≥ 2× what the pod uses and at least 256 MiB more
//   none       nothing above
import { formatBytes as mib, formatPercent as pct, parseBytes } from '../quantity.js';
import { containerSpecs, flattenState, holdsResources, qosClass, requestSummary } from '../ladder.js';
import type { KNode, KPod, KubeletSummary, PodMetrics, QosClass } from '../types.js';
import { indexPodMetrics, indexSummaryPods, podKey, podUsage, type SummaryPod } from './pod-stats.js';

export type Risk = 'oom' | 'eviction' | 'unbounded' | 'restarts' | 'evicted' | 'waste' | 'none';
export type OverviewSort = 'risk' | 'working-set' | 'usage' | 'request' | 'limit' | 'name' | 'restarts';

export const RISK_ORDER: Risk[] = ['oom', 'eviction', 'unbounded', 'restarts', 'evicted', 'waste', 'none'];
/** Share of the limit at which a pod is at OOM risk. */
export const OOM_RISK_RATIO = 0.9;
/** A node is "near its threshold" when memory.available is below threshold + this share of capacity. */
export const NODE_NEAR_SHARE = 0.1;
export const WASTE_RATIO = 2;
export const WASTE_MIN_BYTES = 256 * 1024 * 1024;

export interface NodeContext {
  name: string;
  memoryPressure: boolean | null;
  /** memory.available (capacity − node working set), when known. */
  availableBytes: number | null;
  capacityBytes: number | null;
  /** The hard eviction threshold (100Mi unless the kubelet config says otherwise). */
  thresholdBytes: number;
}

export interface OverviewRow {
  namespace: string | null;
  name: string | null;
  /** Set for --containers rows. */
  container: string | null;
  node: string | null;
  qosClass: QosClass | null;
  workingSetBytes: number | null;
  usageBytes: number | null;
  requestBytes: number | null;
  limitBytes: number | null;
  /** request − working set when positive: what the request reserves beyond what the pod uses now. */
  unusedRequestBytes: number | null;
  restarts: number;
  lastOomKilledAt: string | null;
  risk: Risk;
  reason: string;
  source: 'summary' | 'metrics' | null;
}

export interface OverviewInput {
  pods: KPod[];
  podMetrics: PodMetrics[];
  /** --deep: the Summary API of each node. */
  summaries: KubeletSummary[];
  nodes: KNode[];
  /** Per-container rows instead of per-pod rows. */
  containers?: boolean;
  sort?: OverviewSort;
}

export function nodeContext(
  node: KNode,
  thresholdBytes = 100 * 1048576,
  nodeWorkingSet: number | null = null,
): NodeContext {
  const capacityBytes = parseBytes(node.status?.capacity?.memory ?? null);
  const cond = node.status?.conditions?.find((c) => c.type === 'MemoryPressure');
  return {
    name: node.metadata?.name ?? '?',
    memoryPressure: cond ? cond.status === 'True' : null,
    availableBytes: capacityBytes !== null && nodeWorkingSet !== null ? capacityBytes - nodeWorkingSet : null,
    capacityBytes,
    thresholdBytes,
  };
}

/** Under pressure, or memory.available below threshold + 10 % of capacity. */
export function nodeNearThreshold(n: NodeContext | undefined): boolean {
  if (!n) return false;
  if (n.memoryPressure) return true;
  if (n.availableBytes === null || n.capacityBytes === null) return false;
  return n.availableBytes < n.thresholdBytes + NODE_NEAR_SHARE * n.capacityBytes;
}

interface Measured {
  workingSetBytes: number | null;
  usageBytes: number | null;
  requestBytes: number | null;
  limitBytes: number | null;
  restarts: number;
  lastOomKilledAt: string | null;
}

function classify(m: Measured, node: NodeContext | undefined, pod: KPod): { risk: Risk; reason: string } {
  if (isEvicted(pod)) return { risk: 'evicted', reason: `evicted: ${pod.status?.message ?? 'no message'}` };
  const near = nodeNearThreshold(node);
  const used = m.usageBytes ?? m.workingSetBytes;
  const usedName = m.usageBytes !== null ? 'usage' : 'working set';
  if (used !== null && m.limitBytes !== null && m.limitBytes > 0 && used >= OOM_RISK_RATIO * m.limitBytes) {
    return {
      risk: 'oom',
      reason: `${usedName} ${mib(used)} is ${pct(used / m.limitBytes)} of the ${mib(m.limitBytes)} limit the kernel enforces`,
    };
  }
  const ws = m.workingSetBytes;
  const where = node?.memoryPressure
    ? `node ${node.name} has MemoryPressure`
    : `node ${node?.name} is near its eviction threshold`;
  if (near && ws !== null && ws > (m.requestBytes ?? 0)) {
    return {
      risk: 'eviction',
      reason: `working set ${mib(ws)} above its request ${mib(m.requestBytes ?? 0)}; ${where}: evicted first`,
    };
  }
  if (near && m.limitBytes === null) return { risk: 'unbounded', reason: `no memory limit; ${where}` };
  if (m.lastOomKilledAt !== null)
    return { risk: 'restarts', reason: `last terminated OOMKilled (${m.restarts} restarts)` };
  if (
    ws !== null &&
    m.requestBytes !== null &&
    m.requestBytes >= WASTE_RATIO * ws &&
    m.requestBytes - ws >= WASTE_MIN_BYTES
  ) {
    return {
      risk: 'waste',
      reason: `request ${mib(m.requestBytes)} is ${(m.requestBytes / Math.max(ws, 1)).toFixed(1)}× the working set ${mib(ws)}`,
    };
  }
  return { risk: 'none', reason: '' };
}

function lastOom(pod: KPod, container?: string): { restarts: number; at: string | null } {
  const statuses = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])].filter(
    (s) => container === undefined || s.name === container,
  );
  let at: string | null = null;
  for (const s of statuses) {
    const last = flattenState(s.lastState);
    if (last?.reason === 'OOMKilled' && (at === null || (last.finishedAt ?? '') > at)) at = last.finishedAt ?? '?';
  }
  return { restarts: statuses.reduce((n, s) => n + (s.restartCount ?? 0), 0), at };
}

function row(
  pod: KPod,
  m: Measured,
  node: NodeContext | undefined,
  container: string | null,
  source: OverviewRow['source'],
): OverviewRow {
  const { risk, reason } = classify(m, node, pod);
  const unused = m.requestBytes !== null && m.workingSetBytes !== null ? m.requestBytes - m.workingSetBytes : null;
  return {
    namespace: pod.metadata?.namespace ?? null,
    name: pod.metadata?.name ?? null,
    container,
    node: pod.spec?.nodeName ?? null,
    qosClass: qosClass(pod),
    ...m,
    unusedRequestBytes: unused !== null && unused > 0 ? unused : null,
    risk,
    reason,
    source,
  };
}

function podRow(
  pod: KPod,
  sp: SummaryPod | undefined,
  pm: PodMetrics | undefined,
  node: NodeContext | undefined,
): OverviewRow {
  const usage = podUsage(sp, pm);
  const oom = lastOom(pod);
  const summary = requestSummary(pod); // once: effectiveRequest and podLimit would each build it
  const measured: Measured = {
    workingSetBytes: usage.workingSetBytes,
    usageBytes: usage.usageBytes,
    requestBytes: summary.effectiveRequestBytes ?? 0,
    limitBytes: summary.effectiveLimitBytes,
    restarts: oom.restarts,
    lastOomKilledAt: oom.at,
  };
  return row(pod, measured, node, null, usage.source);
}

function containerRows(
  pod: KPod,
  sp: SummaryPod | undefined,
  pm: PodMetrics | undefined,
  node: NodeContext | undefined,
): OverviewRow[] {
  const podLevelLimit = parseBytes(pod.spec?.resources?.limits?.memory ?? null);
  return containerSpecs(pod)
    .filter((c) => c.kind !== 'init')
    .map((c) => {
      const sc = sp?.containers?.find((x) => x.name === c.name)?.memory;
      const mc = parseBytes(pm?.containers?.find((x) => x.name === c.name)?.usage?.memory ?? null);
      const ws = typeof sc?.workingSetBytes === 'number' ? sc.workingSetBytes : mc;
      const oom = lastOom(pod, c.name);
      const measured: Measured = {
        workingSetBytes: ws,
        usageBytes: typeof sc?.usageBytes === 'number' ? sc.usageBytes : null,
        requestBytes: c.requestBytes,
        limitBytes: c.limitBytes ?? podLevelLimit,
        restarts: oom.restarts,
        lastOomKilledAt: oom.at,
      };
      return row(pod, measured, node, c.name, sc ? 'summary' : mc !== null ? 'metrics' : null);
    });
}

const num = (v: number | null) => v ?? -1;
const SORTS: Record<OverviewSort, (a: OverviewRow, b: OverviewRow) => number> = {
  risk: (a, b) => RISK_ORDER.indexOf(a.risk) - RISK_ORDER.indexOf(b.risk) || riskWeight(b) - riskWeight(a),
  'working-set': (a, b) => num(b.workingSetBytes) - num(a.workingSetBytes),
  usage: (a, b) => num(b.usageBytes) - num(a.usageBytes),
  request: (a, b) => num(b.requestBytes) - num(a.requestBytes),
  limit: (a, b) => num(b.limitBytes) - num(a.limitBytes),
  restarts: (a, b) => b.restarts - a.restarts,
  name: () => 0,
};

/** Within one risk: how far into it (share of the limit, bytes over request, bytes unused). */
function riskWeight(r: OverviewRow): number {
  const used = r.usageBytes ?? r.workingSetBytes ?? 0;
  if (r.risk === 'oom' && r.limitBytes) return used / r.limitBytes;
  if (r.risk === 'eviction') return used - (r.requestBytes ?? 0);
  if (r.risk === 'waste') return r.unusedRequestBytes ?? 0;
  return used;
}

// The same order as `${namespace}/${name}/${container}`.localeCompare(…), with one collator and each key built once.
const collator = new Intl.Collator();
const nameKey = (r: OverviewRow) => `${r.namespace}/${r.name}/${r.container ?? ''}`;

const isEvicted = (pod: KPod) => pod.status?.phase === 'Failed' && pod.status?.reason === 'Evicted';
/** Running or pending pods, and evicted ones; other Succeeded or Failed pods hold no memory. */
const shown = (pod: KPod) => holdsResources(pod) || isEvicted(pod);

/** Rows for every pod (or container), sorted worst first by default; ties by namespace/name. */
export function overview(input: OverviewInput, nodes: Map<string, NodeContext> = new Map()): OverviewRow[] {
  const summaries = indexSummaryPods(input.summaries);
  const metrics = indexPodMetrics(input.podMetrics);
  const rows = input.pods.filter(shown).flatMap((pod) => {
    const k = podKey(pod);
    const node = nodes.get(pod.spec?.nodeName ?? '');
    return input.containers
      ? containerRows(pod, summaries.get(k), metrics.get(k), node)
      : [podRow(pod, summaries.get(k), metrics.get(k), node)];
  });
  const sort = SORTS[input.sort ?? 'risk'];
  const keys = new Map(rows.map((r) => [r, nameKey(r)]));
  return rows.sort((a, b) => sort(a, b) || collator.compare(keys.get(a)!, keys.get(b)!));
}
