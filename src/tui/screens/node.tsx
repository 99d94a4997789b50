// Node: allocatable, what is requested on it, kubepods usage against its limit, the eviction threshold and
// memory.available. A Pending pod has no node: its candidates' fit table is shown instead.
import { formatBytes, formatPercent } from '../../core/quantity.js';
import type { Analysis } from '../../core/types.js';
import {
  BLANK,
  line,
  titled,
  meter,
  pad,
  padLeft,
  para,
  reasonFor,
  seg,
  wrapText,
  type Line,
  type Tone,
} from '../format.js';
import type { ScreenModel, ScreenProps } from './model.js';
import { fitLines } from './verdicts.js';
import { ScreenView } from './view.js';

const f = formatBytes;

/** Why the kubepods limit is not allocatable (memory-facts: node_container_manager_linux.go). */
export const KUBEPODS_LIMIT_NOTE =
  "the pods' cgroup: capacity − kube/system-reserved (allocatable also subtracts the eviction threshold); the kernel OOM-kills pods when it is full";

interface Row {
  label: string;
  value: number | null;
  note: string;
  /** Why it is unknown, shown instead of the note when the value is null. */
  unknown?: string | null;
  tone?: Tone;
}

function rowLines(rows: Row[], width: number): Line[] {
  const labelW = 22;
  const numW = 9;
  const out: Line[] = [];
  let lastUnknown: string | null = null;
  for (const r of rows) {
    // One reason said once: the rows below it that are unknown for the same reason say so in two words.
    const why = r.value === null ? (r.unknown ?? r.note) : null;
    const note = why === null ? r.note : why === lastUnknown ? 'unknown: as above' : `unknown: ${why}`;
    lastUnknown = why;
    const wrapped = wrapText(note, width - labelW - numW - 2);
    out.push(
      line(
        seg(pad(r.label, labelW), { bold: true }),
        seg(padLeft(f(r.value), numW), { color: r.tone, bold: true }),
        '  ',
        seg(wrapped[0] ?? '', { dim: true }),
      ),
    );
    for (const w of wrapped.slice(1)) out.push(line(' '.repeat(labelW + numW + 2), seg(w, { dim: true })));
  }
  return out;
}

type NodeInfo = NonNullable<Analysis['node']>;

/** A pod with no node: Pending (its candidates' fit table) or a node nobody could read. */
function noNodeLines(a: Analysis, width: number): Line[] {
  if (a.pod.phase === 'Pending' || a.nodeFits.length)
    return [
      line(seg('Not scheduled', { bold: true }), seg(': the pod is bound to no node yet.', { dim: true })),
      BLANK,
      ...fitLines(a, width),
    ];
  return para(`The node is unknown (?): ${reasonFor(a, 'node') ?? 'the pod names no node'}.`, width);
}

/** The node's name, its MemoryPressure condition, kernel and runtime. */
function nodeHeading(n: NodeInfo, width: number): Line[] {
  const facts = [
    n.memoryPressure === null ? 'MemoryPressure ?' : n.memoryPressure ? 'MemoryPressure: yes' : 'MemoryPressure: no',
    n.kernelVersion ? `kernel ${n.kernelVersion}` : null,
    n.runtime,
  ]
    .filter(Boolean)
    .join(' · ');
  const factStyle = { dim: !n.memoryPressure, color: n.memoryPressure ? ('red' as const) : undefined };
  return titled(`Node ${n.name}`, facts, width, factStyle);
}

/** A section's heading line. */
function sectionTitle(text: string): Line {
  return line(seg(text, { color: 'cyan', bold: true }));
}

/** The meter's width for a screen this wide. */
function meterWidth(width: number): number {
  return Math.max(10, Math.min(50, width - 10));
}

/** What the scheduler sees: capacity, reserved, allocatable, and the pods' requests against it. */
function schedulerLines(a: Analysis, n: NodeInfo, width: number): Line[] {
  const nodeWhy = reasonFor(a, 'node');
  const requestedShare = n.requestedBytes !== null && n.allocatableBytes ? n.requestedBytes / n.allocatableBytes : null;
  const lines = [sectionTitle('Scheduler (requests)')];
  lines.push(
    ...rowLines(
      [
        {
          label: 'capacity',
          value: n.capacityBytes,
          note: n.capacitySource ?? 'node.status.capacity.memory',
          unknown: nodeWhy,
        },
        {
          label: 'reserved',
          value: n.reservedBytes,
          note: 'capacity − allocatable: kube-reserved + system-reserved + eviction threshold',
          unknown: nodeWhy,
        },
        {
          label: 'allocatable',
          value: n.allocatableBytes,
          note: 'what the scheduler hands out to pods',
          unknown: nodeWhy,
        },
        {
          label: 'requested',
          value: n.requestedBytes,
          note: `sum of the requests of ${n.podsCounted ?? '?'} pod(s) on the node: ${formatPercent(requestedShare)} of allocatable`,
          unknown: reasonFor(a, 'node-pods'),
        },
      ],
      width,
    ),
  );
  if (requestedShare !== null)
    lines.push(
      line(
        ' '.repeat(2),
        seg(meter(n.requestedBytes, n.allocatableBytes, meterWidth(width)), {
          color: requestedShare > 0.9 ? 'red' : 'green',
        }),
        ` ${formatPercent(requestedShare)} requested`,
      ),
    );
  return lines;
}

/** What the kernel sees: the kubepods cgroup's usage and working set against its limit. */
function kubepodsLines(a: Analysis, n: NodeInfo, width: number): Line[] {
  const cgWhy = reasonFor(a, 'cgroup') ?? 'no kubepods cgroup files were read';
  const k = n.kubepods;
  const kubepodsShare = k?.usageBytes != null && k.cgroupLimitBytes ? k.usageBytes / k.cgroupLimitBytes : null;
  const lines = [sectionTitle('Kernel (kubepods cgroup)')];
  lines.push(
    ...rowLines(
      [
        {
          label: 'kubepods usage',
          value: k?.usageBytes ?? null,
          note: `all pods' memory as the kernel counts it${kubepodsShare !== null ? `: ${formatPercent(kubepodsShare)} of the limit` : ''}`,
          unknown: cgWhy,
        },
        {
          label: 'kubepods working set',
          value: k?.workingSetBytes ?? null,
          note: 'usage − inactive_file of all pods',
          unknown: cgWhy,
        },
        { label: 'kubepods limit', value: k?.cgroupLimitBytes ?? null, note: KUBEPODS_LIMIT_NOTE, unknown: cgWhy },
        {
          label: 'allocatable available',
          value: n.allocatableAvailableBytes,
          note: 'kubepods limit − kubepods working set (allocatableMemory.available)',
          unknown: cgWhy,
        },
      ],
      width,
    ),
  );
  if (kubepodsShare !== null)
    lines.push(
      line(
        ' '.repeat(2),
        seg(meter(k?.usageBytes ?? null, k?.cgroupLimitBytes ?? null, meterWidth(width)), {
          color: kubepodsShare > 0.9 ? 'red' : 'magenta',
        }),
        ` ${formatPercent(kubepodsShare)} of kubepods limit`,
      ),
    );
  return lines;
}

/** memory.available now, or as the kubelet saw it when it evicted the pod. */
function memoryAvailableRow(a: Analysis, n: NodeInfo): Row {
  return n.memoryAvailableBytes === null && a.eviction?.availableBytes != null
    ? {
        label: 'memory.available',
        value: a.eviction.availableBytes,
        note: `capacity − node working set when the kubelet evicted the pod (${a.eviction.source}); now unknown`,
      }
    : {
        label: 'memory.available',
        value: n.memoryAvailableBytes,
        note: 'capacity − node working set',
        unknown: reasonFor(a, 'summary', 'cgroup', 'node'),
      };
}

/** What the kubelet sees: memory.available against the eviction threshold, and the room between them. */
function kubeletLines(a: Analysis, n: NodeInfo, width: number): Line[] {
  const available = n.memoryAvailableBytes ?? a.eviction?.availableBytes ?? null;
  const threshold = n.evictionThresholdBytes ?? a.eviction?.thresholdBytes ?? null;
  const room = available !== null && threshold !== null ? available - threshold : null;
  return [
    sectionTitle('Kubelet (eviction)'),
    ...rowLines(
      [
        memoryAvailableRow(a, n),
        {
          label: 'eviction threshold',
          value: threshold,
          note: 'eviction-hard memory.available: below it the kubelet evicts',
          unknown: 'the kubelet configuration was not read (default 100Mi)',
        },
        {
          label: 'room before eviction',
          value: room,
          note: 'memory.available − threshold',
          unknown: 'needs memory.available and the threshold',
          tone: room !== null && room < 0 ? 'red' : undefined,
        },
      ],
      width,
    ),
  ];
}

export function nodeLines(a: Analysis, width: number): Line[] {
  const n = a.node;
  if (!n) return noNodeLines(a, width);
  const lines = [
    ...nodeHeading(n, width),
    BLANK,
    ...schedulerLines(a, n, width),
    BLANK,
    ...kubepodsLines(a, n, width),
    BLANK,
    ...kubeletLines(a, n, width),
  ];
  if (a.nodeFits.length) lines.push(BLANK, ...fitLines(a, width));
  return lines;
}

export function nodeModel({ analysis: a, width }: ScreenProps): ScreenModel {
  return { subtitle: a.node?.name ?? (a.nodeFits.length ? 'not scheduled' : undefined), lines: nodeLines(a, width) };
}

export function NodeScreen(props: ScreenProps & { color: boolean }) {
  return (
    <ScreenView model={nodeModel(props)} height={props.height} selected={props.nav.selected.node} color={props.color} />
  );
}
