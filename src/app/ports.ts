// What the diagnosis needs from a cluster. src/kube implements it with @kubernetes/client-node; tests
// implement it from snapshot folders. Every method throws MemwhyError (src/errors.ts) on failure,
// with ExitCode.NotFound, Forbidden or Unreachable, so the caller can tell a missing part from a broken one.
import type { CgroupFiles, KEvent, KNode, KPod, KubeletSummary, PodMetrics } from '../core/types.js';

export interface PodRef {
  namespace: string;
  name: string;
}

/** What the user asked about: a pod, a workload whose pods to examine, or a label selector. */
export type Target =
  | { kind: 'pod'; namespace: string; name: string }
  | {
      kind: 'workload';
      namespace: string;
      resource: 'deployment' | 'statefulset' | 'daemonset' | 'replicaset' | 'job';
      name: string;
    }
  | { kind: 'selector'; namespace: string; selector: string };

export interface ReaderRequest {
  pod: KPod;
  /** Namespace to create the reader pod in. */
  namespace: string;
  image: string;
  /** Seconds before the reader pod is ended by the kubelet (activeDeadlineSeconds) and we give up. */
  deadlineSeconds: number;
  /** Also read the kernel's OOM lines (needs more privilege; see README). */
  kernelLog: boolean;
  signal: AbortSignal;
}

export interface ReaderResult {
  files: CgroupFiles;
  kernelLog: string | null;
  /** Problems the reader reported without failing (unreadable files, truncated frames). */
  problems: string[];
  /** Files (keys) the reader's output named but that could not be used, with why (a failed checksum, a cut log). */
  unreadable?: Array<{ file: string; problem: string }>;
  /** The reader pod could not be deleted after its files were read: what to do (the files are kept). */
  cleanup?: string | null;
  /** --kernel-log was asked for but could not be read (the node's /var/log could not be mounted): why. */
  kernelLogMissing?: string;
}

export type ProgressStage =
  | 'pod'
  | 'facts'
  | 'reader-create'
  | 'reader-scheduled'
  | 'reader-pulling'
  | 'reader-running'
  | 'reader-read'
  | 'reader-deleted'
  | 'done';

export interface ProgressEvent {
  stage: ProgressStage;
  message: string;
}

export type ProgressSink = (event: ProgressEvent) => void;

/** Every read takes the run's abort signal: after Ctrl-C (or any signal) it ends at once with Interrupted. */
export interface Cluster {
  /** Pods of the target, the one worst off first (see diagnose.ts rankPods). */
  resolvePods(target: Target, signal?: AbortSignal): Promise<KPod[]>;
  getNode(name: string, signal?: AbortSignal): Promise<KNode>;
  listNodes(signal?: AbortSignal): Promise<KNode[]>;
  /** Pods bound to a node (fieldSelector spec.nodeName). */
  listPodsOnNode(node: string, signal?: AbortSignal): Promise<KPod[]>;
  /** Every pod bound to any node (for a Pending pod's fit table). */
  listBoundPods(signal?: AbortSignal): Promise<KPod[]>;
  /** Events of the pod (by name) and of its node. */
  listEvents(pod: PodRef, node: string | null, signal?: AbortSignal): Promise<KEvent[]>;
  getPodMetrics(pod: PodRef, signal?: AbortSignal): Promise<PodMetrics>;
  /** kubelet /stats/summary through the API server's nodes/proxy. */
  getNodeSummary(node: string, signal?: AbortSignal): Promise<KubeletSummary>;
  /**
   * Checks the reader's own settings (--image, --reader-namespace) before anything is read: a value the reader
   * pod could never be built with is the user's error (ExitCode.Usage), said up front.
   */
  checkReader?(settings: { image: string; namespace: string | null }): void;
  /** Runs the reader pod on the target's node and returns the cgroup files it printed. */
  readCgroups(request: ReaderRequest, progress: ProgressSink): Promise<ReaderResult>;
}
