// The read-then-analyse flow: find the pod, gather every other fact in parallel, read the cgroups through
// the reader pod when that makes sense, and hand the facts to the pure analysis. A part that cannot be read
// (forbidden, unreachable, not applicable) becomes a `missing` entry with the reason; only the pod itself is
// required.
import { ExitCode, MemwhyError } from '../errors.js';
import type { Facts, KNode, KPod, OtherPod } from '../core/types.js';
import { visibleDeep } from '../core/visible.js';
import { allSettledFirst, isAbort, reasonOf as reason } from './settle.js';
import type { Cluster, ProgressSink, Target } from './ports.js';
import { visibleFacts } from './visible-facts.js';

export interface ReaderOptions {
  enabled: boolean;
  /** null = the target pod's namespace. */
  namespace: string | null;
  image: string;
  deadlineSeconds: number;
  kernelLog: boolean;
}

export interface DiagnoseOptions {
  target: Target;
  reader: ReaderOptions;
  signal: AbortSignal;
  progress: ProgressSink;
}

export type { OtherPod } from '../core/parts.js';

export interface Diagnosis {
  facts: Facts;
  /** The target's other pods (workload or selector), best first after the one diagnosed. */
  others: OtherPod[];
}

/** How badly off a pod looks from its status alone: higher is worse. */
export function trouble(pod: KPod): { score: number; why: string } {
  const st = pod.status ?? {};
  const statuses = [...(st.initContainerStatuses ?? []), ...(st.containerStatuses ?? [])];
  const restarts = statuses.reduce((n, s) => n + (s.restartCount ?? 0), 0);
  const oom = statuses.some(
    (s) => s.state?.terminated?.reason === 'OOMKilled' || s.lastState?.terminated?.reason === 'OOMKilled',
  );
  if (st.reason === 'Evicted') return { score: 400, why: 'evicted' };
  if (oom) return { score: 300 + Math.min(restarts, 99), why: `OOMKilled, ${restarts} restart(s)` };
  if (st.phase === 'Pending' && !pod.spec?.nodeName) return { score: 200, why: 'pending (unscheduled)' };
  if (st.phase === 'Failed') return { score: 150, why: `failed${st.reason ? `: ${st.reason}` : ''}` };
  if (restarts > 0) return { score: 100 + Math.min(restarts, 99), why: `${restarts} restart(s)` };
  return { score: 0, why: st.phase ?? 'unknown phase' };
}

/** Worst off first; ties keep the API's order. */
export function rankPods(pods: KPod[]): KPod[] {
  return pods
    .map((p, i) => ({ p, i, s: trouble(p).score }))
    .sort((a, b) => b.s - a.s || a.i - b.i)
    .map((x) => x.p);
}

/** Why the reader pod cannot or need not run on this pod's node, or null when it can. */
export function readerObstacle(pod: KPod, node: KNode | null): string | null {
  if (!pod.spec?.nodeName) return 'the pod is not scheduled: it has no node and no cgroups yet';
  const phase = pod.status?.phase;
  if (phase === 'Succeeded' || phase === 'Failed')
    return `the pod has ended (${pod.status?.reason ?? phase}): the kubelet removed its cgroups`;
  if (!node) return null;
  const labels = node.metadata?.labels ?? {};
  if (labels['kubernetes.io/os'] === 'windows' || node.status?.nodeInfo?.operatingSystem === 'windows')
    return `node ${pod.spec.nodeName} runs Windows: there are no Linux cgroups to read`;
  if (labels['type'] === 'virtual-kubelet' || /virtual-kubelet/i.test(node.status?.nodeInfo?.kubeletVersion ?? ''))
    return `node ${pod.spec.nodeName} is a virtual node (virtual-kubelet): its pods have no kubelet cgroups`;
  const ready = node.status?.conditions?.find((c) => c.type === 'Ready');
  if (ready && ready.status !== 'True') return `node ${pod.spec.nodeName} is NotReady: a reader pod cannot start there`;
  return null;
}

export async function diagnose(cluster: Cluster, options: DiagnoseOptions): Promise<Diagnosis> {
  const { progress, signal } = options;
  if (options.reader.enabled)
    cluster.checkReader?.({ image: options.reader.image, namespace: options.reader.namespace });
  progress({ stage: 'pod', message: 'finding the pod' });
  const pods = await findPods(cluster, options.target, signal);
  const pod = pods[0]!;
  const namespace = pod.metadata?.namespace ?? options.target.namespace;
  const nodeName = pod.spec?.nodeName ?? null;
  const parts = new Parts(signal);
  progress({
    stage: 'facts',
    message: `reading ${namespace}/${pod.metadata?.name ?? ''}${nodeName ? ` and node ${nodeName}` : ''}`,
  });
  const facts = await gatherFacts(cluster, pod, namespace, parts, options);
  // A read that finished just before the signal: the run still ends as interrupted.
  if (signal.aborted) throw new MemwhyError(ExitCode.Interrupted, 'interrupted');
  noteReaderParts(parts.missing, facts.cgroups, options.reader);
  progress({ stage: 'done', message: 'analysing' });
  const { cgroups, ...read } = facts;
  return {
    // Control characters from the cluster are made visible here, before any renderer sees them.
    facts: visibleFacts({
      pod,
      ...read,
      kernelLog: cgroups?.kernelLog ?? null,
      cgroupFiles: cgroups?.files ?? null,
      missing: parts.missing,
      ...(cgroups?.unreadable?.length ? { unreadable: cgroups.unreadable } : {}),
    }),
    others: pods.slice(1).map(otherPod),
  };
}

/** The target's pods, worst off first; none is a NotFound error. */
async function findPods(cluster: Cluster, target: Target, signal: AbortSignal): Promise<KPod[]> {
  const pods = rankPods(await cluster.resolvePods(target, signal));
  if (pods.length === 0)
    throw new MemwhyError(
      ExitCode.NotFound,
      `no pods match ${describeTarget(target)}`,
      'check the name, the namespace (-n) and the selector',
    );
  return pods;
}

/** The optional parts of a diagnosis: each settles to its value, or to null with the reason in `missing`. */
class Parts {
  readonly missing: Record<string, string> = {};
  constructor(private readonly signal: AbortSignal) {}

  async read<T>(key: string, run: () => Promise<T>): Promise<T | null> {
    try {
      return await run();
    } catch (e) {
      if (isAbort(e) || this.signal.aborted) throw e;
      this.missing[key] = reason(e);
      return null;
    }
  }

  skip(key: string, why: string): Promise<null> {
    this.missing[key] = why;
    return Promise.resolve(null);
  }
}

type CgroupRead = Awaited<ReturnType<Cluster['readCgroups']>>;

/** Every fact beside the pod, read in parallel. */
async function gatherFacts(cluster: Cluster, pod: KPod, namespace: string, parts: Parts, options: DiagnoseOptions) {
  const { signal } = options;
  const name = pod.metadata?.name ?? '';
  const nodeName = pod.spec?.nodeName ?? null;
  const unscheduled = !nodeName && pod.status?.phase === 'Pending';
  const nodeP = nodeName
    ? parts.read('node', () => cluster.getNode(nodeName, signal))
    : parts.skip('node', 'the pod is not scheduled');
  const usageP = readUsage(cluster, pod, namespace, parts, signal);
  const [node, nodePods, events, { summary, podMetrics }, nodes, cgroups] = await allSettledFirst([
    nodeP,
    nodeName
      ? parts.read('node-pods', () => cluster.listPodsOnNode(nodeName, signal))
      : unscheduled
        ? parts.read('node-pods', () => cluster.listBoundPods(signal))
        : parts.skip('node-pods', 'the pod has no node'),
    parts.read('events', () => cluster.listEvents({ namespace, name }, nodeName, signal)),
    usageP,
    unscheduled ? parts.read('nodes', () => cluster.listNodes(signal)) : Promise.resolve(null),
    readPodCgroups(cluster, pod, namespace, nodeP, parts, options),
  ]);
  return { node, nodePods, events, summary, podMetrics, nodes, cgroups };
}

/**
 * The kubelet summary carries the working set metrics-server would report; PodMetrics is read only when the
 * summary cannot be (one request fewer per diagnosis).
 */
async function readUsage(cluster: Cluster, pod: KPod, namespace: string, parts: Parts, signal: AbortSignal) {
  const nodeName = pod.spec?.nodeName ?? null;
  const name = pod.metadata?.name ?? '';
  const summary = nodeName
    ? await parts.read('summary', () => cluster.getNodeSummary(nodeName, signal))
    : await parts.skip('summary', 'the pod has no node');
  const podMetrics =
    pod.status?.phase !== 'Running'
      ? await parts.skip('podmetrics', 'the pod is not running')
      : summary
        ? await parts.skip('podmetrics', 'not needed: the kubelet summary was read and carries the same working set')
        : await parts.read('podmetrics', () => cluster.getPodMetrics({ namespace, name }, signal));
  return { summary, podMetrics };
}

/** The reader pod's read of the pod's cgroups, when it is on and the pod's node can run it. */
async function readPodCgroups(
  cluster: Cluster,
  pod: KPod,
  namespace: string,
  nodeP: Promise<KNode | null>,
  parts: Parts,
  options: DiagnoseOptions,
): Promise<CgroupRead | null> {
  const { reader, signal, progress } = options;
  if (!reader.enabled) return parts.skip('cgroup', 'the node reader was turned off (--no-reader)');
  const obstacle = readerObstacle(pod, await nodeP);
  if (obstacle) return parts.skip('cgroup', obstacle);
  return parts.read('cgroup', () =>
    cluster.readCgroups(
      {
        pod,
        namespace: reader.namespace ?? namespace,
        image: reader.image,
        deadlineSeconds: reader.deadlineSeconds,
        kernelLog: reader.kernelLog,
        signal,
      },
      progress,
    ),
  );
}

/** What the reader could not read, its cleanup trouble, and the kernel log it did not read. */
function noteReaderParts(missing: Record<string, string>, cgroups: CgroupRead | null, reader: ReaderOptions): void {
  if (cgroups?.problems.length) missing['cgroup-files'] = cgroups.problems.join('; ');
  if (cgroups?.cleanup) missing['reader-cleanup'] = cgroups.cleanup;
  if (cgroups?.kernelLogMissing) missing['kernel.log'] = missing['kernel.log-failed'] = cgroups.kernelLogMissing;
  if (reader.enabled && !reader.kernelLog && !missing['kernel.log'])
    missing['kernel.log'] = 'not read (add --kernel-log to read the kernel OOM lines; it needs more privilege)';
}

function otherPod(p: KPod): OtherPod {
  return visibleDeep({
    namespace: p.metadata?.namespace ?? null,
    name: p.metadata?.name ?? null,
    phase: p.status?.phase ?? null,
    why: trouble(p).why,
  });
}

export function describeTarget(t: Target): string {
  switch (t.kind) {
    case 'pod':
      return `pod ${t.namespace}/${t.name}`;
    case 'workload':
      return `${t.resource} ${t.namespace}/${t.name}`;
    case 'selector':
      return `selector ${t.selector} in namespace ${t.namespace}`;
  }
}
