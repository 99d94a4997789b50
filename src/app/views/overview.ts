// The ranked overview of a namespace (-n), of every namespace (-A) or of a selector: the pod list and the
// metrics API by default (as `kubectl top pods`), plus the kubelet Summary API of each node with --deep.
import { ExitCode, MemwhyError } from '../../errors.js';
import {
  nodeContext,
  overview,
  type NodeContext,
  type OverviewRow,
  type OverviewSort,
} from '../../core/views/overview.js';
import type { KubeletSummary } from '../../core/types.js';
import { visibleDeep } from '../../core/visible.js';
import type { MissingPart, ViewsSource } from './ports.js';
import { mapBounded, partReader } from '../settle.js';

/** Summary API reads in flight at once with --deep. */
export const DEEP_CONCURRENCY = 8;

export interface OverviewRequest {
  namespace: string | null;
  labelSelector: string | null;
  deep: boolean;
  containers: boolean;
  sort: OverviewSort;
  signal: AbortSignal;
  now: string;
}

export interface OverviewReport {
  schemaVersion: 1;
  kind: 'Overview';
  generatedAt: string;
  scope: { namespace: string | null; allNamespaces: boolean; labelSelector: string | null; deep: boolean };
  pods: OverviewRow[];
  nodes: NodeContext[];
  missing: MissingPart[];
}

export async function gatherOverview(source: ViewsSource, req: OverviewRequest): Promise<OverviewReport> {
  const { signal } = req;
  const missing: MissingPart[] = [];
  const part = partReader(missing, signal);
  const [pods, podMetrics, nodes, nodeMetrics] = await Promise.all([
    source.listPods({ namespace: req.namespace, labelSelector: req.labelSelector, fieldSelector: null }, signal),
    part('podmetrics', () => source.listPodMetrics(req.namespace, req.labelSelector, signal)),
    part('nodes', () => source.listNodes(signal)),
    part('nodemetrics', () => source.listNodeMetrics(signal)),
  ]);
  if (pods.length === 0) {
    const where = req.namespace === null ? 'in any namespace' : `in namespace "${req.namespace}"`;
    throw new MemwhyError(
      ExitCode.NotFound,
      `no pods ${req.labelSelector ? `match -l ${req.labelSelector} ` : ''}${where}`,
      'check -n, -A and -l',
    );
  }
  const summaries = req.deep
    ? await deepSummaries(
        source,
        pods.map((p) => p.spec?.nodeName),
        part,
        signal,
      )
    : [];
  const contexts = new Map<string, NodeContext>();
  for (const n of nodes ?? []) {
    const name = n.metadata?.name ?? '';
    const summaryWs = summaries.find((s) => s?.node?.nodeName === name)?.node?.memory?.workingSetBytes;
    contexts.set(
      name,
      nodeContext(n, undefined, typeof summaryWs === 'number' ? summaryWs : (nodeMetrics?.get(name) ?? null)),
    );
  }
  const rows = overview(
    {
      pods,
      podMetrics: podMetrics ?? [],
      summaries: summaries.filter((s): s is KubeletSummary => s !== null),
      nodes: nodes ?? [],
      containers: req.containers,
      sort: req.sort,
    },
    contexts,
  );
  // What came from the cluster (names from a server that does not validate them, node names) is made visible
  // here, before any renderer sees it (src/core/visible.ts).
  return visibleDeep<OverviewReport>({
    schemaVersion: 1,
    kind: 'Overview',
    generatedAt: req.now,
    scope: {
      namespace: req.namespace,
      allNamespaces: req.namespace === null,
      labelSelector: req.labelSelector,
      deep: req.deep,
    },
    pods: rows,
    nodes: [...contexts.values()],
    missing,
  });
}

async function deepSummaries(
  source: ViewsSource,
  nodeNames: Array<string | undefined>,
  part: ReturnType<typeof partReader>,
  signal: AbortSignal,
) {
  const unique = [...new Set(nodeNames.filter((n): n is string => !!n))].sort();
  return mapBounded(unique, DEEP_CONCURRENCY, (node) =>
    part(`summary/${node}`, () => source.getNodeSummary(node, signal)),
  );
}
