// `memwhy node/<name>` as text: the chain from capacity down to kubepods, what `kubectl top node` and `free`
// show and why, memory.available against the thresholds, and the eviction order if pressure came now.
import { formatBytes, formatPercent } from '../../core/quantity.js';
import type { NodeReport } from '../../app/views/node-view.js';
import type { EvictionRank } from '../../core/views/eviction-order.js';
import { table } from './table.js';

const b = formatBytes;

/** Exact to the MiB when a rounded figure would hide a difference (a 126Gi capacity beside a 125.8Gi allocatable). */
function mib(bytes: number | null): string {
  return bytes === null ? '?' : `${b(bytes)} (${Math.round(bytes / 1048576)}Mi)`;
}

function chainLines(r: NodeReport): string[] {
  const n = r.node;
  const reserved =
    n.reservedSource === 'configz'
      ? 'configz'
      : n.reservedSource === 'derived'
        ? 'not read: configz; capacity − allocatable − threshold'
        : 'unknown';
  const thresholdFrom = {
    configz: 'configz evictionHard',
    'assumed-default': "assumed: the kubelet's default",
    derived: 'derived: capacity − allocatable leaves no more',
  } as const;
  const lines = [
    `  capacity                     ${mib(n.capacityBytes)}`,
    n.reservedSource === 'configz'
      ? `  − kube-reserved              ${b(n.kubeReservedBytes)}\n  − system-reserved            ${b(n.systemReservedBytes)}`
      : `  − kube- + system-reserved    ${b(n.reservedBytes === null || n.evictionThresholdBytes === null ? null : n.reservedBytes - n.evictionThresholdBytes)}   (${reserved})`,
    `  − hard eviction threshold    ${b(n.evictionThresholdBytes)}   (${n.evictionThresholdSource ? thresholdFrom[n.evictionThresholdSource] : 'unknown'})`,
    `  = allocatable                ${mib(n.allocatableBytes)}   (what the scheduler fills with requests)`,
    `  kubepods cgroup limit        ${b(n.kubepodsLimitBytes)}   (= allocatable + the hard threshold: the kubelet does not subtract it from the cgroup)`,
    `  kubepods usage · working set ${b(n.kubepodsUsageBytes)} · ${b(n.kubepodsWorkingSetBytes)}`,
  ];
  for (const t of r.tiers)
    lines.push(
      `    ${t.qosClass.padEnd(11)} ${String(t.pods).padStart(3)} pods   requests ${b(t.requestBytes).padStart(7)}   working set ${b(t.workingSetBytes).padStart(7)}${t.cgroupUsageBytes !== null ? `   cgroup usage ${b(t.cgroupUsageBytes)}` : ''}`,
    );
  lines.push(
    `  outside kubepods             ${b(r.outsideKubepods.bytes)}   (system slices, the kernel, the host's own page cache)`,
  );
  for (const p of r.outsideKubepods.parts) lines.push(`    ${p.path.padEnd(26)} ${b(p.usageBytes)}`);
  return lines;
}

function pressureLines(r: NodeReport): string[] {
  const n = r.node;
  const lines = [
    `  memory.available             ${b(n.availableBytes)}   (${n.availableSource ?? 'unknown'})`,
    `  margin to the hard threshold ${b(n.marginBytes)}${n.marginBytes !== null && n.marginBytes <= 0 ? '   — at or past the threshold: the kubelet evicts' : ''}`,
  ];
  if (n.softEvictionThresholdBytes !== null)
    lines.push(
      `  soft threshold               ${b(n.softEvictionThresholdBytes)}   (margin ${b(n.availableBytes === null ? null : n.availableBytes - n.softEvictionThresholdBytes)})`,
    );
  lines.push(
    `  MemoryPressure               ${n.memoryPressure === null ? 'unknown' : n.memoryPressure ? 'True' : 'False'}`,
  );
  return lines;
}

function toolLines(r: NodeReport): string[] {
  const top = r.kubectlTopNode;
  const lines = [
    `  kubectl top node   ${b(top.workingSetBytes)} = ${formatPercent(top.percent)} of allocatable ${b(r.node.allocatableBytes)}   (${top.source ?? 'unknown'})`,
    '                     It divides the node working set (everything on the node, not only pods) by allocatable, not capacity, so it can pass 100 %.',
  ];
  if (r.free) {
    const f = r.free;
    lines.push(
      `  free               total ${b(f.totalBytes)} · used ${b(f.usedBytes)} · buff/cache ${b(f.buffCacheBytes)} · available ${b(f.availableBytes)}`,
    );
    lines.push(
      `                     "available" counts reclaimable page cache as room; the working set keeps active page cache (${b(f.activeFileBytes)} Active(file)) as used.`,
    );
  }
  return lines;
}

function orderLines(order: EvictionRank[]): string[] {
  if (order.length === 0) return ['  no pods hold memory on this node'];
  const rows = table(order, [
    { header: '#', cell: (x) => String(x.rank), align: 'right' },
    { header: 'POD', cell: (x) => `${x.namespace}/${x.name}` },
    { header: 'WSET', cell: (x) => b(x.workingSetBytes), align: 'right' },
    { header: 'REQUEST', cell: (x) => (x.requestBytes ? b(x.requestBytes) : 'none'), align: 'right' },
    { header: 'OVER', cell: (x) => (x.overRequestBytes === null ? '?' : b(x.overRequestBytes)), align: 'right' },
    { header: 'PRIORITY', cell: (x) => String(x.priority), align: 'right' },
    { header: 'WHY', cell: (x) => x.reason },
  ]);
  return rows.map((l) => `  ${l}`);
}

export function renderNodeText(r: NodeReport): string {
  const out = [
    `Node ${r.node.name}${r.node.cgroupVersion ? ` · cgroup ${r.node.cgroupVersion}` : ''}`,
    '',
    'Memory, from the top',
    ...chainLines(r),
    '',
    'Eviction',
    ...pressureLines(r),
    '',
    'What the tools show',
    ...toolLines(r),
    '',
    'Eviction order if memory pressure came now (kubelet rankMemoryPressure: above request first, then lower priority, then more over the request)',
    ...orderLines(r.evictionOrder),
  ];
  if (r.events.length) {
    out.push('', 'Recent memory events');
    for (const e of r.events)
      out.push(
        `  ${e.lastSeen ?? '?'}  ${e.reason}${e.count && e.count > 1 ? ` ×${e.count}` : ''}: ${e.message ?? ''}`,
      );
  }
  const consequence = new Map(r.notices.map((n) => [n.part, n.message]));
  const gaps = r.missing.map(
    (m) => `- ${m.part}: ${m.reason}${consequence.has(m.part) ? `; ${consequence.get(m.part)}` : ''}`,
  );
  for (const n of r.notices) if (!r.missing.some((m) => m.part === n.part)) gaps.push(`- ${n.part}: ${n.message}`);
  if (gaps.length) out.push('', 'Not known', ...gaps);
  return `${out.join('\n')}\n`;
}
