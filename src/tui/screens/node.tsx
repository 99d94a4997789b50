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

export function nodeLines(a: Analysis, width: number): Line[] {
  const n = a.node;
  const lines: Line[] = [];
  if (!n) {
    if (a.pod.phase === 'Pending' || a.nodeFits.length) {
      lines.push(
        line(seg('Not scheduled', { bold: true }), seg(': the pod is bound to no node yet.', { dim: true })),
        BLANK,
      );
      lines.push(...fitLines(a, width));
    } else {
      lines.push(...para(`The node is unknown (?): ${reasonFor(a, 'node') ?? 'the pod names no node'}.`, width));
    }
    return lines;
  }
  const facts = [
    n.memoryPressure === null ? 'MemoryPressure ?' : n.memoryPressure ? 'MemoryPressure: yes' : 'MemoryPressure: no',
    n.kernelVersion ? `kernel ${n.kernelVersion}` : null,
    n.runtime,
  ]
    .filter(Boolean)
    .join(' · ');
  const factStyle = { dim: !n.memoryPressure, color: n.memoryPressure ? ('red' as const) : undefined };
  lines.push(...titled(`Node ${n.name}`, facts, width, factStyle));
  lines.push(BLANK);
  const nodeWhy = reasonFor(a, 'node');
  const podsWhy = reasonFor(a, 'node-pods');
  const cgWhy = reasonFor(a, 'cgroup') ?? 'no kubepods cgroup files were read';
  const requestedShare = n.requestedBytes !== null && n.allocatableBytes ? n.requestedBytes / n.allocatableBytes : null;
  lines.push(line(seg('Scheduler (requests)', { color: 'cyan', bold: true })));
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
          unknown: podsWhy,
        },
      ],
      width,
    ),
  );
  const mw = Math.max(10, Math.min(50, width - 10));
  if (requestedShare !== null)
    lines.push(
      line(
        ' '.repeat(2),
        seg(meter(n.requestedBytes, n.allocatableBytes, mw), { color: requestedShare > 0.9 ? 'red' : 'green' }),
        ` ${formatPercent(requestedShare)} requested`,
      ),
    );
  lines.push(BLANK);
  const k = n.kubepods;
  lines.push(line(seg('Kernel (kubepods cgroup)', { color: 'cyan', bold: true })));
  const kubepodsShare = k?.usageBytes != null && k.cgroupLimitBytes ? k.usageBytes / k.cgroupLimitBytes : null;
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
        seg(meter(k?.usageBytes ?? null, k?.cgroupLimitBytes ?? null, mw), {
          color: kubepodsShare > 0.9 ? 'red' : 'magenta',
        }),
        ` ${formatPercent(kubepodsShare)} of kubepods limit`,
      ),
    );
  lines.push(BLANK);
  lines.push(line(seg('Kubelet (eviction)', { color: 'cyan', bold: true })));
  const available = n.memoryAvailableBytes ?? a.eviction?.availableBytes ?? null;
  const threshold = n.evictionThresholdBytes ?? a.eviction?.thresholdBytes ?? null;
  const room = available !== null && threshold !== null ? available - threshold : null;
  lines.push(
    ...rowLines(
      [
        n.memoryAvailableBytes === null && a.eviction?.availableBytes != null
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
            },
        {
          label: 'eviction threshold',
          value: n.evictionThresholdBytes ?? a.eviction?.thresholdBytes ?? null,
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
  );
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
