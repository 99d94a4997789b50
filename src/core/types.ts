// Domain and output types of kubectl-memwhy.
//
// `Analysis` (at the bottom) is the public JSON contract: `renderJson` serialises it as is.
// Convention everywhere: a number that is unknown is `null`, never 0. Bytes are plain numbers
// (values at or above 2^62 are "unlimited" and never appear as numbers).
import type { EvictionFacts } from './eviction.js';
import type { Missing, OtherPod } from './parts.js';

// ---------------------------------------------------------------------------------------------
// Kubernetes objects, structurally: only the fields memwhy reads. Everything is optional because
// the input is whatever a cluster (or a hand-made snapshot) gave us.

export interface KMeta {
  name?: string;
  namespace?: string;
  uid?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  creationTimestamp?: string;
  ownerReferences?: Array<{ kind?: string; name?: string }>;
}

export interface KResources {
  requests?: Record<string, string | number>;
  limits?: Record<string, string | number>;
}

export interface KContainer {
  name?: string;
  image?: string;
  resources?: KResources;
  /** `Always` on an init container marks a sidecar (restartable init container). */
  restartPolicy?: string;
}

export interface KContainerStateTerminated {
  reason?: string;
  exitCode?: number;
  signal?: number;
  message?: string;
  startedAt?: string | null;
  finishedAt?: string | null;
  containerID?: string;
}

export interface KContainerState {
  running?: { startedAt?: string };
  waiting?: { reason?: string; message?: string };
  terminated?: KContainerStateTerminated;
}

export interface KContainerStatus {
  name?: string;
  containerID?: string;
  image?: string;
  imageID?: string;
  ready?: boolean;
  restartCount?: number;
  started?: boolean;
  state?: KContainerState;
  lastState?: KContainerState;
  /** In-place resize (GA 1.35): the resources the runtime reports as applied — what the cgroup holds. */
  resources?: KResources;
  /** In-place resize: what the kubelet admitted (may differ from spec while a resize is pending). */
  allocatedResources?: Record<string, string | number>;
}

export interface KPodCondition {
  type?: string;
  status?: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
}

export interface KPod {
  apiVersion?: string;
  kind?: string;
  metadata?: KMeta;
  spec?: {
    nodeName?: string;
    containers?: KContainer[];
    initContainers?: KContainer[];
    /** Ephemeral (debug) containers: no resources of their own, charged to the pod cgroup. */
    ephemeralContainers?: KContainer[];
    overhead?: Record<string, string | number>;
    /** Pod-level resources (PodLevelResources feature). */
    resources?: KResources;
    priority?: number;
    priorityClassName?: string;
    volumes?: Array<{ name?: string; emptyDir?: { medium?: string; sizeLimit?: string } }>;
  };
  status?: {
    phase?: string;
    reason?: string;
    message?: string;
    qosClass?: string;
    startTime?: string;
    conditions?: KPodCondition[];
    containerStatuses?: KContainerStatus[];
    initContainerStatuses?: KContainerStatus[];
    ephemeralContainerStatuses?: KContainerStatus[];
    /** Before 1.33 the resize state was this field (Proposed, InProgress, Deferred, Infeasible), not conditions. */
    resize?: string;
  };
}

export interface KNode {
  apiVersion?: string;
  kind?: string;
  metadata?: KMeta;
  spec?: { unschedulable?: boolean; taints?: Array<{ key?: string; effect?: string }> };
  status?: {
    capacity?: Record<string, string>;
    allocatable?: Record<string, string>;
    conditions?: Array<{ type?: string; status?: string; reason?: string; message?: string }>;
    nodeInfo?: {
      kernelVersion?: string;
      containerRuntimeVersion?: string;
      kubeletVersion?: string;
      osImage?: string;
      operatingSystem?: string;
    };
  };
}

export interface KEvent {
  metadata?: KMeta;
  involvedObject?: { kind?: string; name?: string; namespace?: string; uid?: string; fieldPath?: string };
  reason?: string;
  message?: string;
  type?: string;
  count?: number;
  firstTimestamp?: string | null;
  lastTimestamp?: string | null;
  eventTime?: string | null;
  source?: { component?: string; host?: string };
}

export interface KList<T> {
  apiVersion?: string;
  kind?: string;
  items?: T[];
}

/** kubelet `/stats/summary` memory block (pkg/apis/stats/v1alpha1 MemoryStats). */
export interface SummaryMemory {
  time?: string;
  availableBytes?: number;
  usageBytes?: number;
  workingSetBytes?: number;
  rssBytes?: number;
  pageFaults?: number;
  majorPageFaults?: number;
  psi?: SummaryPsi;
}

/** kubelet `/stats/summary` swap block (stats/v1alpha1 SwapStats), at pod and container level. */
export interface SummarySwap {
  time?: string;
  swapAvailableBytes?: number;
  swapUsageBytes?: number;
}

export interface SummaryPsi {
  full?: { total?: number; avg10?: number; avg60?: number; avg300?: number };
  some?: { total?: number; avg10?: number; avg60?: number; avg300?: number };
}

export interface KubeletSummary {
  node?: {
    nodeName?: string;
    memory?: SummaryMemory;
    systemContainers?: Array<{ name?: string; memory?: SummaryMemory }>;
  };
  pods?: Array<{
    podRef?: { name?: string; namespace?: string; uid?: string };
    memory?: SummaryMemory;
    containers?: Array<{ name?: string; memory?: SummaryMemory; swap?: SummarySwap }>;
    swap?: SummarySwap;
  }>;
}

export interface PodMetrics {
  metadata?: KMeta;
  timestamp?: string;
  window?: string;
  containers?: Array<{ name?: string; usage?: Record<string, string> }>;
}

// ---------------------------------------------------------------------------------------------
// Facts: everything gathered about one pod. The live path and `--from <dir>` both produce this.

/**
 * Raw cgroup files, keyed by their path relative to the node's `/sys/fs/cgroup`
 * (v2: `kubepods.slice/…/memory.stat`, `cgroup.controllers`; v1: `memory/kubepods/…/memory.stat`).
 * Values are the files' text exactly as read.
 */
export type CgroupFiles = Record<string, string>;

export type { FactPart, Missing, OtherPod } from './parts.js';

export interface Facts {
  pod: KPod;
  /** The node the pod is bound to. */
  node: KNode | null;
  /** Other nodes (for Pending pods: the candidates the scheduler looked at). May include `node`. */
  nodes: KNode[] | null;
  /** Pods bound to the node (or, for a Pending pod, to the candidate nodes). */
  nodePods: KPod[] | null;
  events: KEvent[] | null;
  summary: KubeletSummary | null;
  podMetrics: PodMetrics | null;
  kernelLog: string | null;
  cgroupFiles: CgroupFiles | null;
  /** Why a part is missing, when the gatherer knows (e.g. "reader pod forbidden: …"): src/core/parts.ts. */
  missing: Missing;
  /** The other pods a workload or selector target matched (absent for a single pod and in snapshots). */
  otherPods?: OtherPod[];
  /**
   * Files that were there but could not be used, found before analyse() (a reader frame that failed its
   * checksum, a file over the size cap). analyse() adds the files it could not parse.
   */
  unreadable?: UnreadableFile[];
}

/** A file that was present but could not be used, and why. `file` is the snapshot path (e.g. `cgroup/…/memory.stat`). */
export interface UnreadableFile {
  file: string;
  problem: string;
}

// ---------------------------------------------------------------------------------------------
// Parsed cgroup data (src/core/cgroup.ts).

export type CgroupVersion = 'v1' | 'v2';
export type CgroupDriver = 'systemd' | 'cgroupfs';
export type ContainerRuntime = 'containerd' | 'cri-o' | 'docker';

export interface PsiLine {
  avg10: number;
  avg60: number;
  avg300: number;
  /** Cumulative stall time in microseconds. */
  totalUsec: number;
}

export interface Psi {
  some: PsiLine | null;
  full: PsiLine | null;
}

/** v2 memory.events / memory.events.local; v1 has no such file (see oomControl, failcnt). */
export interface MemoryEvents {
  low: number | null;
  high: number | null;
  max: number | null;
  oom: number | null;
  oomKill: number | null;
  oomGroupKill: number | null;
}

/** One cgroup directory's memory controller files, parsed. Absent file or key → null. */
export interface CgroupLevel {
  /** Path relative to the memory controller root, without leading slash ('' = root). */
  path: string;
  version: CgroupVersion;
  /** memory.current (v2) / memory.usage_in_bytes (v1). */
  usageBytes: number | null;
  /** memory.max / memory.limit_in_bytes; null when unlimited or unknown (see `unlimited`). */
  limitBytes: number | null;
  /** true when the file says "max" or holds v1's unlimited sentinel; null when the file is absent. */
  unlimited: boolean | null;
  /** memory.peak / memory.max_usage_in_bytes. */
  peakBytes: number | null;
  /** v1 memory.failcnt: how often usage hit the limit. */
  failcnt: number | null;
  /** memory.stat, every key as the kernel wrote it (v1 includes the `total_` keys). */
  stat: Record<string, number> | null;
  /** v2 memory.events (hierarchical). */
  events: MemoryEvents | null;
  /** v2 memory.events.local (this cgroup only). */
  eventsLocal: MemoryEvents | null;
  /** v1 memory.oom_control. */
  oomControl: { oomKillDisable: boolean | null; underOom: boolean | null; oomKill: number | null } | null;
  /** memory.pressure (v2 PSI). */
  psi: Psi | null;
  /** v2 memory.high / memory.low / memory.min; v1 soft limit in `low`. null when absent or "max" (no threshold). */
  highBytes: number | null;
  lowBytes: number | null;
  minBytes: number | null;
  /** v2 memory.swap.current, v1 memory.memsw.usage_in_bytes − usage. */
  swapBytes: number | null;
  swapLimitBytes: number | null;
  /** v2 memory.oom.group. */
  oomGroup: boolean | null;
  /** v1 memory.kmem.usage_in_bytes. */
  kmemUsageBytes: number | null;
  /** Files of this directory that were present but could not be used (`file` is the snapshot path `cgroup/…`). */
  unreadable: UnreadableFile[];
}

/** Where the pod's cgroups were found in the files. */
export interface CgroupLocation {
  version: CgroupVersion;
  driver: CgroupDriver | null;
  /** Everything before `kubepods` (e.g. an LXC payload), '' when none. */
  prefix: string;
  root: CgroupLevel | null;
  kubepods: CgroupLevel | null;
  qos: CgroupLevel | null;
  pod: CgroupLevel | null;
  /** Keyed by the container ID (without the `containerd://` scheme). */
  containers: Record<string, { runtime: ContainerRuntime | null; level: CgroupLevel }>;
}

// ---------------------------------------------------------------------------------------------
// Parsed messages (src/core/messages.ts).

/** One container (or, with PodLevelResources, the pod) the kubelet named as using more than its request. */
export interface EvictionUsage {
  name: string;
  usageBytes: number | null;
  requestBytes: number | null;
}

export interface EvictionMessage {
  resource: string | null;
  thresholdBytes: number | null;
  availableBytes: number | null;
  containers: EvictionUsage[];
  /** `Pod <name> was using <q>, request is <q>, …` (PodLevelResources), else null. */
  pod: EvictionUsage | null;
  format: 'threshold' | 'exceeds-request' | 'plain' | 'node-condition';
}

/**
 * The annotations of a kubelet `Evicted` event (`starved_resource`, `offending_containers`,
 * `offending_containers_usage`, `offending_pod`, `offending_pod_usage`). They carry no requests,
 * so every `requestBytes` is null.
 */
export interface EvictionAnnotations {
  resource: string | null;
  containers: EvictionUsage[];
  pod: EvictionUsage | null;
}

export interface SchedulingMessage {
  totalNodes: number | null;
  insufficientMemory: number | null;
  reasons: Array<{ count: number; reason: string }>;
}

export interface KernelOomEvent {
  /** The timestamp text as it appeared (syslog or dmesg), if any. */
  time: string | null;
  constraint: 'CONSTRAINT_MEMCG' | 'CONSTRAINT_NONE' | string | null;
  /** The cgroup whose limit was hit (`oom_memcg`), null for a global OOM. */
  oomMemcg: string | null;
  /** The cgroup of the killed task (`task_memcg`). */
  taskMemcg: string | null;
  global: boolean;
  task: string | null;
  pid: number | null;
  anonRssBytes: number | null;
  fileRssBytes: number | null;
  shmemRssBytes: number | null;
  oomScoreAdj: number | null;
  /** `memory: usage NkB, limit NkB, failcnt N` of the OOM cgroup, when printed. */
  memcgUsageBytes: number | null;
  memcgLimitBytes: number | null;
  memcgFailcnt: number | null;
  /**
   * cgroup v1 `memory+swap: usage NkB, limit NkB, failcnt N` (memsw, memory and swap together) of the OOM cgroup,
   * null when not printed (v2 prints `swap:` instead, which is swap alone). A limit at or above 2^62 is null.
   */
  memsw: { usageBytes: number | null; limitBytes: number | null; failcnt: number | null } | null;
  /**
   * `Memory cgroup stats for <path>: cache:…KB rss:…KB …` of the OOM cgroup in bytes (the legacy one-line form,
   * one per descendant, summed here). The multi-line form of newer kernels is not read (the live kernel-log
   * reader does not keep those lines). null when not printed.
   */
  memcgStats: Record<string, number> | null;
  /**
   * memory.oom.group (cgroup v2, set by the kubelet since 1.28): after killing the victim the kernel killed
   * every task of `memcg` (`Tasks in <memcg> are going to be killed due to memory.oom.group set`). `processes`
   * lists the `Killed process` lines that followed, as printed (the victim usually appears again).
   * null when no group kill was logged.
   */
  groupKill: { memcg: string; processes: Array<{ pid: number; task: string }> } | null;
}

// ---------------------------------------------------------------------------------------------
// Output: the analysis.

export type QosClass = 'Guaranteed' | 'Burstable' | 'BestEffort';
export type Severity = 'critical' | 'warning' | 'info';
export type VerdictKind =
  | 'OOMKilled'
  | 'Evicted'
  | 'Pending'
  | 'NearLimit'
  | 'CacheDriven'
  | 'ShmemHeavy'
  | 'KernelHeavy'
  | 'MemoryPressure'
  | 'ExitWithoutOOM'
  | 'AboveRequest'
  | 'NoLimit'
  | 'Unreadable';
export type OomLevel = 'container' | 'pod' | 'node-allocatable' | 'node';

export interface Evidence {
  /** A human sentence with the number in it. */
  text: string;
  /** Where it came from: a cgroup file path, `pod.status…`, `kernel.log`, `summary.json`, … */
  source: string;
  /** The number the sentence states, in bytes or as a count; null when the evidence is not a number. */
  value: number | null;
}

export interface Verdict {
  kind: VerdictKind;
  /** Only for OOMKilled: which limit fired. */
  level: OomLevel | null;
  severity: Severity;
  container: string | null;
  /** true when the level or cause is reasoned from what the spec allows, not read from a kernel counter or log line. */
  inferred: boolean;
  summary: string;
  evidence: Evidence[];
  nextSteps: string[];
}

export interface Breakdown {
  /** Anonymous memory: v2 `anon`, v1 `total_rss`. Excludes shmem. */
  anonBytes: number | null;
  /** The kernel's anon LRU lists; note they also hold shmem/tmpfs pages. */
  activeAnonBytes: number | null;
  inactiveAnonBytes: number | null;
  /** File-backed page cache on the file LRU: active_file + inactive_file (shmem excluded). */
  fileBytes: number | null;
  activeFileBytes: number | null;
  inactiveFileBytes: number | null;
  /** tmpfs / shm / memory-medium emptyDir. */
  shmemBytes: number | null;
  /** Kernel memory charged to the cgroup (v2 `kernel` or its parts; v1 memory.kmem.usage_in_bytes). */
  kernelBytes: number | null;
  kernelParts: Record<string, number>;
  /** usage − (anon + file + shmem + kernel): what the listed parts do not explain (may be negative: v1 usage is batched). */
  otherBytes: number | null;
}

export interface ToolViews {
  /** kubectl top / metrics-server / kubelet workingSetBytes: usage − inactive_file, floored at 0. */
  kubectlTopBytes: number | null;
  /** docker stats since 20.10: usage − inactive_file when inactive_file < usage, else usage. */
  dockerStatsBytes: number | null;
  /** docker stats 17.06 … 19.03: usage − cache (v1 `cache`, v2 `file`). */
  dockerStatsLegacyBytes: number | null;
  /** The cAdvisor metrics (Grafana / Prometheus) these figures equal, for this cgroup version. */
  prometheus: PrometheusView[];
}

/** One cAdvisor metric and the value it would show for this cgroup. */
export interface PrometheusView {
  metric: string;
  bytes: number | null;
  /** The file/key it is computed from on this cgroup version. */
  computedAs: string;
  /** Where cAdvisor computes it. */
  cadvisorSource: string;
}

/** Memory figures of one cgroup (container, pod, kubepods, root), with where each came from. */
export interface MemoryFigures {
  usageBytes: number | null;
  workingSetBytes: number | null;
  rssBytes: number | null;
  cacheBytes: number | null;
  peakBytes: number | null;
  /** The limit the kernel enforces at this level (memory.max / limit_in_bytes); null = none or unknown. */
  cgroupLimitBytes: number | null;
  breakdown: Breakdown;
  views: ToolViews;
  /** For each figure name above, the file or API field it was computed from. */
  sources: Record<string, string>;
}

export interface ContainerState {
  state: 'running' | 'waiting' | 'terminated' | 'unknown';
  reason: string | null;
  exitCode: number | null;
  startedAt: string | null;
  finishedAt: string | null;
}

export type LimitSource = 'container' | 'resized' | 'pod-level' | 'none';

export interface ContainerAnalysis extends MemoryFigures {
  name: string;
  kind: 'container' | 'init' | 'sidecar' | 'ephemeral';
  containerId: string | null;
  cgroupPath: string | null;
  /** The request in force: status.containerStatuses[].resources when the kubelet reports it, else the spec's. */
  requestBytes: number | null;
  /** The limit in force (what the container's memory.max holds): resized status, the container's own, or the pod-level limit. */
  limitBytes: number | null;
  /** Where limitBytes comes from. */
  limitSource: LimitSource;
  /** The spec's own values (pod.spec.containers[].resources), whatever is in force. */
  specLimitBytes: number | null;
  specRequestBytes: number | null;
  /** Swap in use by the cgroup (v2 memory.swap.current, v1 memsw − usage, else the Summary API); null when unknown. */
  swapBytes: number | null;
  /** v2 memory.swap.max (v1 memsw limit − memory limit); null when unlimited or unknown. */
  swapLimitBytes: number | null;
  /** Memory QoS: v2 memory.high (throttling threshold below memory.max); null when "max" or unknown. */
  memoryHighBytes: number | null;
  memoryMinBytes: number | null;
  memoryLowBytes: number | null;
  /** v2 memory.events `high`: times usage went over memory.high and was throttled. */
  highEvents: number | null;
  /** v2 memory.oom.group: one OOM kills every process of the container together. */
  oomGroup: boolean | null;
  /** v2 memory.events `oom_group_kill`: group kills (each one kills every process; oom_kill counts processes). */
  oomGroupKills: number | null;
  /** The oom_score_adj the kubelet gives this container (pkg/kubelet/qos/policy.go). */
  oomScoreAdj: number | null;
  restartCount: number | null;
  state: ContainerState;
  lastState: ContainerState | null;
  /** OOM counters read from the container's cgroup: processes killed (v1 oom_control oom_kill, v2 memory.events oom_kill). */
  oomKills: number | null;
  /** v1 memory.failcnt, v2 memory.events max: times usage reached the limit. */
  limitHits: number | null;
  /** v2 memory.events.local oom: times this cgroup's own limit ran out; null on v1. */
  localOoms: number | null;
  psi: Psi | null;
  /** What to set (null for plain init containers). Set by analyse() after the verdicts. */
  advice?: SizingAdvice | null;
  headroom: {
    /** usage / cgroup limit: what the kernel compares. */
    usageOfLimit: number | null;
    /** working set / spec limit. */
    workingSetOfLimit: number | null;
    /** working set / request: what eviction ranks by (above 1 = first in line). */
    workingSetOfRequest: number | null;
    /** limit − usage in bytes. */
    bytesToLimit: number | null;
  };
}

export type AdviceConfidence = 'high' | 'medium' | 'low';

/**
 * What to set (src/core/advice.ts): memwhy's request and limit from the breakdown, the numbers they rest on,
 * and what krr's and VPA's formulas give on the same numbers. Every byte figure is null where unknown.
 */
export interface SizingAdvice {
  requestBytes: number | null;
  limitBytes: number | null;
  /** What cannot be reclaimed now: anon + shmem + unreclaimable kernel memory. */
  floorBytes: number | null;
  /** The kernel's peak usage since the cgroup was created (memory.peak / memory.max_usage_in_bytes). */
  peakBytes: number | null;
  /** Memory in use at the last OOM kill (kernel log, or the limit the kernel killed at). */
  oomUsageBytes: number | null;
  /** krr `simple` on the same working set: max × 1.15, its request and limit. */
  krrBytes: number | null;
  /** VPA's target request on the same working set (and OOM). */
  vpaTargetBytes: number | null;
  confidence: AdviceConfidence | null;
  /** The command that applies it, printed for the user and never run; null when none can be given. */
  command: string | null;
  /** Page cache on the active list now: kept in the request, left to the kernel to trim under the limit. */
  activeFileBytes: number | null;
  /** peak − usage: memory held at the peak and released since. */
  spikeBytes: number | null;
  /** How long the current container (the peak's window) has run, in seconds, at the analysis time. */
  historySeconds: number | null;
  /** The reasoning, one sentence per step, each with its numbers. */
  reasons: string[];
  /** Why krr and VPA come out differently. */
  comparison: string[];
}

export interface RequestSummary {
  /** Sum over app containers and sidecars. */
  containersRequestBytes: number | null;
  /** The largest plain init container request. */
  maxInitRequestBytes: number | null;
  overheadBytes: number | null;
  /** max(sum(containers+sidecars), max(init + sidecars started before it)) + overhead: what the scheduler counts. */
  effectiveRequestBytes: number | null;
  /** Same aggregation of limits, null if any app container has no limit (then the pod cgroup has none either). */
  effectiveLimitBytes: number | null;
}

export interface LevelSummary extends MemoryFigures {
  path: string;
  /** The pod level only: sizing of pod-level resources (spec.resources), null when the pod has none. Set by analyse(). */
  advice?: SizingAdvice | null;
  oomKills: number | null;
  limitHits: number | null;
  localOoms: number | null;
  /** v2 memory.events.local `max`: times this cgroup's own limit was reached (not its descendants'). */
  localLimitHits: number | null;
  /** v2 memory.events `oom_group_kill`. */
  oomGroupKills: number | null;
  psi: Psi | null;
}

export interface NodeFit {
  node: string;
  allocatableBytes: number | null;
  requestedBytes: number | null;
  freeBytes: number | null;
  /** freeBytes − the pod's effective request (negative: does not fit). */
  marginBytes: number | null;
  fits: boolean | null;
  note: string | null;
}

export interface NodeAnalysis {
  name: string;
  capacityBytes: number | null;
  /** node.status.capacity.memory, or the kubelet summary's memory.available + node working set (node-capacity.ts). */
  capacitySource: string | null;
  allocatableBytes: number | null;
  /** Sum of effective requests of pods bound to the node (incl. this one), non-terminated only. */
  requestedBytes: number | null;
  podsCounted: number | null;
  memoryPressure: boolean | null;
  /** kubelet's memory.available = capacity − node working set. */
  memoryAvailableBytes: number | null;
  /** allocatableMemory.available = kubepods limit − kubepods working set. */
  allocatableAvailableBytes: number | null;
  /** capacity − allocatable (kube/system-reserved + hard eviction threshold), when both known. */
  reservedBytes: number | null;
  evictionThresholdBytes: number | null;
  kubepods: LevelSummary | null;
  root: LevelSummary | null;
  kernelVersion: string | null;
  runtime: string | null;
}

export interface Notice {
  /** The part it concerns: cgroup, summary, node, events, kernel.log, … */
  part: string;
  message: string;
}

export interface Analysis {
  schemaVersion: 1;
  /** The `now` given to analyse(), ISO 8601. */
  generatedAt: string;
  pod: {
    namespace: string | null;
    name: string | null;
    uid: string | null;
    qosClass: QosClass | null;
    /** In-place resize in flight (status.conditions PodResizePending / PodResizeInProgress), null when none. */
    resize: PodResize | null;
    node: string | null;
    phase: string | null;
    reason: string | null;
    message: string | null;
    priority: number | null;
    startTime: string | null;
  };
  requests: RequestSummary;
  cgroup: {
    version: CgroupVersion;
    driver: CgroupDriver | null;
    podPath: string | null;
  } | null;
  podLevel: LevelSummary | null;
  containers: ContainerAnalysis[];
  node: NodeAnalysis | null;
  /** Node fit table for Pending pods (and empty otherwise). */
  nodeFits: NodeFit[];
  kernelOoms: KernelOomEvent[];
  /** The kubelet's eviction message, parsed (src/core/eviction.ts); null when the pod has none. */
  eviction: EvictionFacts | null;
  events: Array<{
    type: string | null;
    reason: string | null;
    message: string | null;
    count: number | null;
    lastSeen: string | null;
    object: string | null;
  }>;
  verdicts: Verdict[];
  /** What is unknown and why (missing inputs, unreadable files). */
  notices: Notice[];
  /** The other pods the workload or selector matched, as ranked (this pod is the worst off); [] for one pod. */
  otherPods: OtherPod[];
  /** About the input itself. */
  facts: {
    /** Every file that was present but could not be used. */
    unreadable: UnreadableFile[];
  };
}

export interface PodResize {
  state: 'pending' | 'in-progress' | 'infeasible';
  message: string | null;
}
