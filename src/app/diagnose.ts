// The read-then-analyse flow: find the pod, gather every other fact in parallel, read the cgroups through
// the reader pod when that makes sense, and hand the facts to the pure analysis. A part that cannot be read
// (forbidden, unreachable, not applicable) becomes a `missing` entry with the reason; only the pod itself is
// required.
import { ExitCode, MemwhyError } from '../errors.js';
import type { Facts, KNode, KPod, OtherPod } from '../core/types.js';
import { visibleDeep } from '../core/visible.js';
import { isAbort, reasonOf as reason } from './settle.js';
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
  const pods = rankPods(await cluster.resolvePods(options.target, signal));
  const pod = pods[0];
  if (!pod)
    throw new MemwhyError(
      ExitCode.NotFound,
      `no pods match ${describeTarget(options.target)}`,
      'check the name, the namespace (-n) and the selector',
    );
  const namespace = pod.metadata?.namespace ?? options.target.namespace;
  const name = pod.metadata?.name ?? '';
  const nodeName = pod.spec?.nodeName ?? null;
  const missing: Record<string, string> = {};

  /** Settles one optional part: its value, or null with the reason in `missing`. */
  const part = async <T>(key: string, run: () => Promise<T>): Promise<T | null> => {
    try {
      return await run();
    } catch (e) {
      if (isAbort(e) || signal.aborted) throw e;
      missing[key] = reason(e);
      return null;
    }
  };
  const skip = (key: string, why: string) => {
    missing[key] = why;
    return Promise.resolve(null);
  };

  progress({ stage: 'facts', message: `reading ${namespace}/${name}${nodeName ? ` and node ${nodeName}` : ''}` });
  const nodeP = nodeName
    ? part('node', () => cluster.getNode(nodeName, signal))
    : skip('node', 'the pod is not scheduled');
  const unscheduled = !nodeName && pod.status?.phase === 'Pending';
  // The kubelet summary carries the working set metrics-server would report; PodMetrics is read only when
  // the summary cannot be (one request fewer per diagnosis).
  const usageP = (async () => {
    const summary = nodeName
      ? await part('summary', () => cluster.getNodeSummary(nodeName, signal))
      : await skip('summary', 'the pod has no node');
    const podMetrics =
      pod.status?.phase !== 'Running'
        ? await skip('podmetrics', 'the pod is not running')
        : summary
          ? await skip('podmetrics', 'not needed: the kubelet summary was read and carries the same working set')
          : await part('podmetrics', () => cluster.getPodMetrics({ namespace, name }, signal));
    return { summary, podMetrics };
  })();
  const [node, nodePods, events, { summary, podMetrics }, nodes, cgroups] = await Promise.all([
    nodeP,
    nodeName
      ? part('node-pods', () => cluster.listPodsOnNode(nodeName, signal))
      : unscheduled
        ? part('node-pods', () => cluster.listBoundPods(signal))
        : skip('node-pods', 'the pod has no node'),
    part('events', () => cluster.listEvents({ namespace, name }, nodeName, signal)),
    usageP,
    unscheduled ? part('nodes', () => cluster.listNodes(signal)) : Promise.resolve(null),
    (async () => {
      if (!options.reader.enabled) return skip('cgroup', 'the node reader was turned off (--no-reader)');
      const obstacle = readerObstacle(pod, await nodeP);
      if (obstacle) return skip('cgroup', obstacle);
      return part('cgroup', () =>
        cluster.readCgroups(
          {
            pod,
            namespace: options.reader.namespace ?? namespace,
            image: options.reader.image,
            deadlineSeconds: options.reader.deadlineSeconds,
            kernelLog: options.reader.kernelLog,
            signal,
          },
          progress,
        ),
      );
    })(),
  ]);
  // A read that finished just before the signal: the run still ends as interrupted.
  if (signal.aborted) throw new MemwhyError(ExitCode.Interrupted, 'interrupted');
  if (cgroups?.problems.length) missing['cgroup-files'] = cgroups.problems.join('; ');
  if (cgroups?.cleanup) missing['reader-cleanup'] = cgroups.cleanup;
  if (cgroups?.kernelLogMissing) missing['kernel.log'] = missing['kernel.log-failed'] = cgroups.kernelLogMissing;
  if (options.reader.enabled && !options.reader.kernelLog && !missing['kernel.log'])
    missing['kernel.log'] = 'not read (add --kernel-log to read the kernel OOM lines; it needs more privilege)';
  progress({ stage: 'done', message: 'analysing' });

  return {
    // Control characters from the cluster are made visible here, before any renderer sees them.
    facts: visibleFacts({
      pod,
      node,
      nodes,
      nodePods,
      events,
      summary,
      podMetrics,
      kernelLog: cgroups?.kernelLog ?? null,
      cgroupFiles: cgroups?.files ?? null,
      missing,
      ...(cgroups?.unreadable?.length ? { unreadable: cgroups.unreadable } : {}),
    }),
    others: pods.slice(1).map((p) =>
      visibleDeep({
        namespace: p.metadata?.namespace ?? null,
        name: p.metadata?.name ?? null,
        phase: p.status?.phase ?? null,
        why: trouble(p).why,
      }),
    ),
  };
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
