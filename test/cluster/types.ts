// Shapes of the test cluster's state, options and records.
import type { Obj } from './util.js';

/** One RBAC rule, already bound to its user (Role+RoleBinding or ClusterRole+ClusterRoleBinding in one). */
export interface PolicyRule {
  /** get, list, watch, create, update, patch, delete, deletecollection, or '*'. */
  verbs: string[];
  /** pods, pods/log, nodes, nodes/proxy, events, namespaces, '*' (`pods/*` matches every pods subresource). */
  resources: string[];
  /** '' (core), 'metrics.k8s.io', '*'. Default ['*']. */
  apiGroups?: string[];
  /**
   * Namespaces the rule applies in (a RoleBinding per namespace). Omitted: every namespace and the cluster
   * scope (a ClusterRoleBinding). Cluster-scoped resources (nodes, namespaces) need it omitted.
   */
  namespaces?: string[];
  /** Restricts get/delete/… to these object names (never applies to list/watch/create). */
  resourceNames?: string[];
}

export interface UserSpec {
  name: string;
  /** `system:masters` may do anything (the API server short-circuits RBAC for it). */
  groups?: string[];
  /** Bearer token; generated when absent. */
  token?: string;
  rules?: PolicyRule[];
}

/** Image behaviour of the fake container runtime. */
export interface ImagePolicy {
  /**
   * Images whose pull fails (ErrImagePull → ImagePullBackOff). Glob patterns on the image reference as
   * written in the pod (`*` matches anything): `registry.example/private/*`, `nonexistent:*`.
   */
  deny: string[];
  /**
   * Default command per image pattern, used when a container gives neither `command` nor `args`
   * (the image's ENTRYPOINT/CMD). Busybox images default to `sh`; anything else to `sleep infinity`.
   */
  defaults?: Record<string, string[]>;
}

/** The cluster's whole state. Live and mutable: the API reads it on every request. */
export interface ClusterState {
  namespaces: Obj[];
  nodes: Obj[];
  pods: Obj[];
  events: Obj[];
  /** Node name → kubelet `/stats/summary` document. */
  summaries: Record<string, Obj>;
  /** metrics.k8s.io PodMetrics objects. */
  podMetrics: Obj[];
  /** metrics.k8s.io NodeMetrics objects. */
  nodeMetrics: Obj[];
  users: UserSpec[];
  /**
   * Node name → { path on the node → real directory on this machine }. A hostPath volume of a pod on that
   * node is served from here (longest matching prefix; entries below the requested path are bind-mounted
   * into a read-only skeleton). A path with no entry fails the mount (FailedMount), it is never taken from
   * this machine's real file system unless mapped (`'/': '/'` maps everything).
   */
  hostPaths: Record<string, Record<string, string>>;
  images: ImagePolicy;
  /**
   * Logs of pods the cluster does not run (the initial, frozen ones): `namespace/pod/container` → text.
   * `namespace/pod/container/previous` holds the previous instance's log.
   */
  logs: Record<string, string>;
}

/** What `startCluster` accepts: every part optional. */
export type StateInput = Partial<ClusterState>;

export interface KubeletOptions {
  /** Delay between lifecycle steps (schedule, pull, create, start), ms. Default 20. */
  stepMs?: number;
  /** Time an image pull takes, ms. Default 30. */
  pullMs?: number;
  /** First back-off (image pull, crash loop) in ms; doubles up to maxBackoffMs. Defaults 200 / 5000 (real: 10s / 300s). */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** Run pods that came in the initial state with no status (otherwise initial pods are served frozen). */
  runInitialPods?: boolean;
  /** Emit `Scheduled` for pods bound by the built-in scheduler (true, as the real one). */
  scheduler?: boolean;
}

export interface ClusterOptions {
  /** Plain HTTP port (0 = random free port). Default 0. */
  port?: number;
  /** HTTPS port (0 = random). Default 0. */
  httpsPort?: number;
  /**
   * kubectl (client-go clientcmd) never sends credentials to an http:// server: it applies the
   * kubeconfig user only over TLS. Requests on the plain HTTP listener that carry no Authorization
   * header are taken as this user (like the removed insecure port, or a `kubectl proxy` in front).
   * Unset (default): they are anonymous → 401.
   */
  httpAnonymousUser?: string;
  /** Serve metrics.k8s.io (metrics-server installed). Default true. */
  metrics?: boolean;
  /** PSA enforce level for namespaces without the label (the admission config default). Default privileged. */
  psaDefault?: 'privileged' | 'baseline' | 'restricted';
  kubelet?: KubeletOptions;
  /** Interval of BOOKMARK events on watches that asked for them, ms. Default 5000. */
  bookmarkIntervalMs?: number;
  /** Folder for certificates, kubeconfigs, rootfs mount points; created and removed by the cluster. */
  workDir?: string;
  /** Server version reported by /version. Default 1.32.4. */
  version?: { major: string; minor: string; gitVersion: string };
}

export interface RequestLog {
  time: string;
  scheme: 'http' | 'https';
  method: string;
  /** URL path without the query. */
  path: string;
  query: Record<string, string>;
  /** Authenticated user name; null when anonymous / rejected before authentication. */
  user: string | null;
  status: number;
  /** Kubernetes verb (get, list, watch, create, delete, deletecollection, …); null for non-resource paths. */
  verb: string | null;
  resource: string | null;
  subresource: string | null;
  namespace: string | null;
  name: string | null;
  apiGroup: string | null;
  durationMs: number;
}

/** Which requests a fault applies to. All given fields must match. */
export interface RouteMatch {
  method?: string;
  /** Exact path, a glob (`*` = one path segment, `**` = any rest), or a RegExp. */
  path?: string | RegExp;
  verb?: string;
  resource?: string;
  subresource?: string;
  namespace?: string;
  name?: string;
  user?: string;
}

export interface FaultSpec {
  /** Delay before handling, ms. */
  latencyMs?: number;
  /** Answer with this status code instead of handling (500, 503, 504, 409, 429, …). */
  status?: number;
  /** Status reason; defaults from the code (409 on POST → AlreadyExists, else Conflict). */
  reason?: string;
  message?: string;
  /** Retry-After for 429/503. */
  retryAfterSeconds?: number;
  /** For watches: close the connection (without a clean end) after this many ms … */
  dropWatchAfterMs?: number;
  /** … or after this many events were sent. */
  dropWatchAfterEvents?: number;
  /** Only the first N matching requests (default: all). */
  times?: number;
}

/** The route + spec form taken by `cluster.fault()`: a string route is `"METHOD glob"` or `"glob"`. */
export type Route = string | RouteMatch;
