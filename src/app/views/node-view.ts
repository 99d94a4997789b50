// `memwhy node/<name>`: the node, its pods, the kubelet's Summary API and configuration, its events and,
// when a node reader ran, its cgroup files and /proc/meminfo; then the pure node view.
import { parseKubeletConfigz } from '../../core/views/kubelet-config.js';
import { nodeMemory, type NodeMemoryView } from '../../core/views/node-memory.js';
import { parseBytes } from '../../core/quantity.js';
import { visibleDeep } from '../../core/visible.js';
import type { CgroupFiles } from '../../core/types.js';
import type { MissingPart, ViewsSource } from './ports.js';
import { allSettledFirst, partReader } from '../settle.js';

/** Reads the node's own cgroups (root, kubepods, QoS tiers, system slices) and /proc/meminfo. */
export type NodeReader = (node: string, signal: AbortSignal) => Promise<{ files: CgroupFiles; meminfo: string | null }>;

export interface NodeViewRequest {
  name: string;
  /** null: --no-reader, or no node reader available (`readerMissing` says which). */
  reader: NodeReader | null;
  readerMissing?: string;
  signal: AbortSignal;
  now: string;
}

export interface NodeReport extends NodeMemoryView {
  schemaVersion: 1;
  kind: 'NodeMemory';
  generatedAt: string;
  missing: MissingPart[];
}

export async function gatherNodeView(source: ViewsSource, req: NodeViewRequest): Promise<NodeReport> {
  const { signal, name } = req;
  const missing: MissingPart[] = [];
  const part = partReader(missing, signal);
  const node = await source.getNode(name, signal);
  const [pods, summary, configz, events, read] = await allSettledFirst([
    part('node-pods', () =>
      source.listPods({ namespace: null, labelSelector: null, fieldSelector: `spec.nodeName=${name}` }, signal),
    ),
    part('summary', () => source.getNodeSummary(name, signal)),
    part('configz', () => source.getKubeletConfigz(name, signal)),
    part('events', () => source.listNodeEvents(name, signal)),
    req.reader ? part('cgroup', () => (req.reader as NodeReader)(name, signal)) : Promise.resolve(null),
  ]);
  if (!req.reader)
    missing.push({ part: 'cgroup', reason: req.readerMissing ?? 'the node reader was turned off (--no-reader)' });
  // The metrics API only when the Summary API could not be read (one request fewer otherwise).
  const nodeMetrics = summary ? null : await part('nodemetrics', () => source.listNodeMetrics(signal));
  const capacity = parseBytes(node.status?.capacity?.memory ?? null);
  const view = nodeMemory({
    node,
    pods: pods ?? [],
    summary,
    nodeMetricsWorkingSetBytes: nodeMetrics?.get(name) ?? null,
    kubeletConfig: configz === null ? null : parseKubeletConfigz(configz, capacity),
    cgroupFiles: read?.files ?? null,
    meminfo: read?.meminfo ?? null,
    events,
  });
  if (configz !== null && view.node.reservedSource !== 'configz')
    missing.push({ part: 'configz', reason: 'the kubelet answered configz without a kubeletconfig object' });
  // Control characters from the cluster (an event's message, a condition's) are made visible here, before any
  // renderer sees them (src/core/visible.ts), as the pod path's facts are (src/app/visible-facts.ts).
  return visibleDeep({ schemaVersion: 1, kind: 'NodeMemory', generatedAt: req.now, ...view, missing } as NodeReport);
}
