// The reader pod: a short-lived, least-privilege pod on the target's node that runs the reader script
// (reader-script.ts) against the node's /sys/fs/cgroup, mounted read-only. Plain JSON (a V1Pod as the API takes
// it); creating, watching and deleting it is someone else's job.
//
// Privilege it needs, and nothing more (docs/memory-facts.md §8): a read-only hostPath of /sys/fs/cgroup (which Pod
// Security `baseline` forbids, so the reader namespace must allow `privileged`), on a node chosen by nodeName,
// tolerating every taint. No host namespaces, no service account token, no capabilities, non-root (65534),
// read-only root file system, RuntimeDefault seccomp, small CPU/memory limits, a deadline.
//
// Every input is validated before anything is built: readerArgs() rejects any pod UID, container ID or QoS
// that is not exactly of its shape, and the names/labels below are checked or sanitised.

import { DEFAULT_READER_ROOT, READER_ARGV0, READER_SCRIPT, ReaderArgError, readerArgs } from './reader-script.js';

export const READER_LABELS = {
  managedBy: 'app.kubernetes.io/managed-by',
  name: 'app.kubernetes.io/name',
  targetPod: 'memwhy.io/target-pod',
  targetNamespace: 'memwhy.io/target-namespace',
} as const;
export const READER_ANNOTATIONS = {
  targetUid: 'memwhy.io/target-uid',
  /** `<namespace>/<name>` in full (the label may be shortened to 63 characters). */
  target: 'memwhy.io/target',
} as const;
export const READER_MANAGED_BY = 'kubectl-memwhy';
export const READER_APP_NAME = 'memwhy-reader';
export const READER_CONTAINER_NAME = 'reader';
export const READER_VOLUME_NAME = 'host-cgroup';
export const READER_NAME_PREFIX = 'memwhy-reader-';
import { DEFAULT_READER_IMAGE } from './reader-image.js';

export { DEFAULT_READER_IMAGE };
export const READER_UID = 65534;

export interface ReaderTarget {
  namespace: string;
  name: string;
  /** metadata.uid, or the 32-hex config hash for a static pod (annotation `kubernetes.io/config.mirror`). */
  uid: string;
  nodeName: string;
  /** status.qosClass: Guaranteed | Burstable | BestEffort. */
  qosClass: string;
  /** status IDs (`containerd://<64 hex>`) or bare 64-hex IDs. Empty: the reader reads every container directory. */
  containerIds: readonly string[];
}

export interface ReaderPodOptions {
  target: ReaderTarget;
  /** Where the reader pod is created. */
  readerNamespace: string;
  image?: string;
  /** Random lower-case letters/digits that make the name unique (the caller draws them). */
  nameSuffix: string;
  /** activeDeadlineSeconds: the kubelet stops the pod after this long. */
  deadlineSeconds?: number;
  /** once: one frame set and exit. watch: a frame set every `intervalSeconds` until the deadline. */
  mode: 'once' | 'watch';
  /** watch only: seconds between frame sets (default 2). */
  intervalSeconds?: number;
}

/** The V1Pod fields this builds (structurally compatible with @kubernetes/client-node's V1Pod). */
export interface ReaderPod {
  apiVersion: 'v1';
  kind: 'Pod';
  metadata: { name: string; namespace: string; labels: Record<string, string>; annotations: Record<string, string> };
  spec: Record<string, unknown> & {
    nodeName: string;
    containers: Array<Record<string, unknown> & { command: string[] }>;
  };
}

const DNS1123_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(?:[A-Za-z0-9](?:[-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;
/** An image reference (distribution/reference grammar): [registry[:port]/]path[:tag][@sha256:digest]. */
const IMAGE_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const IMAGE = new RegExp(
  `^(?:[A-Za-z0-9-]+(?:\\.[A-Za-z0-9-]+)*(?::\\d{1,5})?/)?${IMAGE_COMPONENT}(?:/${IMAGE_COMPONENT})*(?::\\w[\\w.-]{0,127})?(?:@sha256:[0-9a-f]{64})?$`,
);

/** Whether `image` is an image reference the reader pod may use ([registry[:port]/]path[:tag][@sha256:digest]). */
export function isImageReference(image: string): boolean {
  return typeof image === 'string' && image.length <= 512 && IMAGE.test(image);
}

/** A Kubernetes name is a DNS-1123 label (63 characters at most). */
export function isDns1123Label(name: string): boolean {
  return typeof name === 'string' && DNS1123_LABEL.test(name);
}

/** A label value: at most 63 characters of [A-Za-z0-9-_.], starting and ending alphanumeric (or empty). */
export function isLabelValue(value: string): boolean {
  return typeof value === 'string' && LABEL_VALUE.test(value);
}

/** Shortens a value into a valid label value (keeps the start; trims non-alphanumerics at the cut). */
export function toLabelValue(value: string): string {
  const cleaned = value.replace(/[^A-Za-z0-9_.-]/g, '-').slice(0, 63);
  return cleaned.replace(/^[^A-Za-z0-9]+/, '').replace(/[^A-Za-z0-9]+$/, '');
}

/**
 * `memwhy-reader-<node-ish>-<suffix>`: a DNS-1123 label of 63 characters at most. The node name is lower-cased,
 * anything but [a-z0-9-] becomes `-` (dots of FQDN node names too), and it is shortened to fit.
 */
export function readerPodName(nodeName: string, nameSuffix: string): string {
  if (typeof nameSuffix !== 'string' || !/^[a-z0-9]{1,16}$/.test(nameSuffix)) {
    throw new ReaderArgError(
      `name suffix must be 1 to 16 lower-case letters or digits, got ${JSON.stringify(String(nameSuffix).slice(0, 40))}`,
    );
  }
  const room = 63 - READER_NAME_PREFIX.length - 1 - nameSuffix.length;
  const nodeish = String(nodeName)
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .slice(0, room)
    .replace(/^-+|-+$/g, '');
  const name = nodeish ? `${READER_NAME_PREFIX}${nodeish}-${nameSuffix}` : `${READER_NAME_PREFIX}${nameSuffix}`;
  if (!isDns1123Label(name))
    throw new ReaderArgError(`could not make a valid pod name from ${JSON.stringify(nodeName)}`);
  return name;
}

/** `containerd://<id>` (any scheme) → `<id>`; a bare ID is returned as is. readerArgs() validates the result. */
function bareContainerId(statusId: string): string {
  if (typeof statusId !== 'string') throw new ReaderArgError('container ID must be a string');
  const m = /^[a-z][a-z0-9+.-]*:\/\/(.*)$/s.exec(statusId);
  return m ? (m[1] as string) : statusId;
}

export const KERNEL_LOG_CONTAINER_NAME = 'kernel-log';
export const KERNEL_LOG_VOLUME_NAME = 'host-var-log';
export const KERNEL_LOG_ROOT = '/host/var/log';

/**
 * The kernel-log container's script (constant; no arguments): the lines of the kernel's OOM reports from the
 * node's classic log files. journald-only nodes keep them in binary journals, which it cannot read; it says so.
 */
export const KERNEL_LOG_SCRIPT = `files=''
for f in ${KERNEL_LOG_ROOT}/kern.log ${KERNEL_LOG_ROOT}/syslog ${KERNEL_LOG_ROOT}/messages; do
  [ -r "$f" ] && files="$files $f"
done
[ -n "$files" ] || { echo "memwhy-kernel-log: no readable kern.log, syslog or messages under /var/log (journald-only node?)" >&2; exit 3; }
grep -h -E 'invoked oom-killer|oom-kill:|Killed process|memory: usage|memory\\+swap: usage|Memory cgroup out of memory|Memory cgroup stats for|Out of memory|Task in .* killed as a result of limit of|Tasks in .* are going to be killed' $files | tail -n 4000
exit 0`;

/**
 * Adds the opt-in kernel-log container (--kernel-log). It needs more privilege than the cgroup reader, and the
 * pod says so: it runs as root (the node's log files are root:adm 0640) with every capability dropped, no
 * privilege escalation and a read-only mount of the node's /var/log. Pod Security `baseline` or
 * `privileged` admits it (hostPath needs `privileged` anyway); `restricted` would refuse the root user.
 */
export function withKernelLog(pod: ReaderPod): ReaderPod {
  const spec = pod.spec as ReaderPod['spec'] & { securityContext: Record<string, unknown>; volumes: unknown[] };
  const reader = spec.containers[0]!;
  return {
    ...pod,
    spec: {
      ...spec,
      // runAsNonRoot moves from the pod to the cgroup reader, which keeps uid 65534.
      securityContext: { seccompProfile: { type: 'RuntimeDefault' } },
      volumes: [...spec.volumes, { name: KERNEL_LOG_VOLUME_NAME, hostPath: { path: '/var/log', type: 'Directory' } }],
      containers: [
        {
          ...reader,
          securityContext: {
            ...(reader.securityContext as object),
            runAsNonRoot: true,
            runAsUser: READER_UID,
            runAsGroup: READER_UID,
          },
        },
        {
          name: KERNEL_LOG_CONTAINER_NAME,
          image: reader.image,
          imagePullPolicy: 'IfNotPresent',
          command: ['sh', '-c', KERNEL_LOG_SCRIPT],
          securityContext: {
            runAsNonRoot: false,
            runAsUser: 0,
            runAsGroup: 0,
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            privileged: false,
            capabilities: { drop: ['ALL'] },
          },
          resources: { requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '200m', memory: '32Mi' } },
          volumeMounts: [{ name: KERNEL_LOG_VOLUME_NAME, mountPath: KERNEL_LOG_ROOT, readOnly: true }],
          terminationMessagePolicy: 'FallbackToLogsOnError',
        },
      ],
    },
  };
}

/**
 * Builds the reader pod for `target`. Throws ReaderArgError (before building anything) when an input is not of
 * the expected shape: the pod UID, container IDs and QoS go through readerArgs(), names through DNS-1123 checks.
 */
export function buildReaderPod(options: ReaderPodOptions): ReaderPod {
  const { target, readerNamespace, nameSuffix, mode } = options;
  if (target === null || typeof target !== 'object') throw new ReaderArgError('target missing');
  const deadlineSeconds = options.deadlineSeconds ?? 60;
  if (!Number.isInteger(deadlineSeconds) || deadlineSeconds < 1 || deadlineSeconds > 86_400) {
    throw new ReaderArgError(`deadlineSeconds must be a whole number from 1 to 86400, got ${String(deadlineSeconds)}`);
  }
  if (mode !== 'once' && mode !== 'watch') throw new ReaderArgError(`mode must be once or watch, got ${String(mode)}`);
  const intervalSeconds = options.intervalSeconds ?? 2;

  // Validate everything that goes into the command first.
  const args = readerArgs({
    podUid: target.uid,
    containerIds: Array.isArray(target.containerIds)
      ? target.containerIds.map(bareContainerId)
      : (target.containerIds as never),
    qosClass: target.qosClass,
    root: DEFAULT_READER_ROOT,
    mode,
    ...(mode === 'watch' ? { intervalSeconds, count: Math.ceil(deadlineSeconds / intervalSeconds) } : {}),
  });

  if (!isDns1123Label(readerNamespace))
    throw new ReaderArgError(`reader namespace ${JSON.stringify(readerNamespace)} is not a valid namespace name`);
  if (!isDns1123Label(target.namespace))
    throw new ReaderArgError(`target namespace ${JSON.stringify(target.namespace)} is not a valid namespace name`);
  if (typeof target.name !== 'string' || !DNS1123_SUBDOMAIN.test(target.name)) {
    throw new ReaderArgError(`target pod name ${JSON.stringify(target.name)} is not a valid pod name`);
  }
  if (typeof target.nodeName !== 'string' || !DNS1123_SUBDOMAIN.test(target.nodeName)) {
    throw new ReaderArgError(`node name ${JSON.stringify(target.nodeName)} is not a valid node name`);
  }
  const image = options.image ?? DEFAULT_READER_IMAGE;
  if (!isImageReference(image))
    throw new ReaderArgError(`image ${JSON.stringify(image)} is not a valid image reference`);
  return readerPodShell({
    name: readerPodName(target.nodeName, nameSuffix),
    namespace: readerNamespace,
    nodeName: target.nodeName,
    image,
    deadlineSeconds,
    command: ['sh', '-c', READER_SCRIPT, READER_ARGV0, ...args],
    labels: {
      [READER_LABELS.targetPod]: toLabelValue(target.name),
      [READER_LABELS.targetNamespace]: target.namespace,
    },
    annotations: {
      [READER_ANNOTATIONS.targetUid]: target.uid,
      [READER_ANNOTATIONS.target]: `${target.namespace}/${target.name}`,
    },
  });
}

/**
 * One of memwhy's own reader pods (both kinds carry these two labels). They are left out of the pods memwhy
 * analyses: a reader started by this run (or a parallel one) is not part of the node's incident, and counting it
 * made the node's sum of requests depend on whether the list was served before the reader was scheduled.
 */
export function isReaderPod(p: { metadata?: { labels?: Record<string, string> } }): boolean {
  const labels = p.metadata?.labels;
  return labels?.[READER_LABELS.managedBy] === READER_MANAGED_BY && labels?.[READER_LABELS.name] === READER_APP_NAME;
}

export interface ReaderPodShell {
  name: string;
  namespace: string;
  nodeName: string;
  image: string;
  deadlineSeconds: number;
  command: string[];
  /** Beside the managed-by and name labels every reader carries (what `memwhy cleanup` selects on). */
  labels: Record<string, string>;
  annotations: Record<string, string>;
}

/**
 * The least-privilege pod every reader runs in (the pod reader and the node reader): on `nodeName`, tolerating
 * every taint, the node's /sys/fs/cgroup mounted read-only, uid 65534, no capabilities, a deadline.
 * Its inputs are validated by the callers.
 */
export function readerPodShell(p: ReaderPodShell): ReaderPod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: p.name,
      namespace: p.namespace,
      labels: { [READER_LABELS.managedBy]: READER_MANAGED_BY, [READER_LABELS.name]: READER_APP_NAME, ...p.labels },
      annotations: p.annotations,
    },
    spec: {
      nodeName: p.nodeName,
      tolerations: [{ operator: 'Exists' }],
      restartPolicy: 'Never',
      activeDeadlineSeconds: p.deadlineSeconds,
      // The script traps SIGTERM in watch mode; once mode ends by itself in well under a second.
      terminationGracePeriodSeconds: 5,
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      hostNetwork: false,
      hostPID: false,
      hostIPC: false,
      securityContext: {
        runAsNonRoot: true,
        runAsUser: READER_UID,
        runAsGroup: READER_UID,
        seccompProfile: { type: 'RuntimeDefault' },
      },
      volumes: [{ name: READER_VOLUME_NAME, hostPath: { path: '/sys/fs/cgroup', type: 'Directory' } }],
      containers: [
        {
          name: READER_CONTAINER_NAME,
          image: p.image,
          imagePullPolicy: 'IfNotPresent',
          command: p.command,
          securityContext: {
            allowPrivilegeEscalation: false,
            readOnlyRootFilesystem: true,
            privileged: false,
            capabilities: { drop: ['ALL'] },
          },
          resources: {
            requests: { cpu: '10m', memory: '16Mi' },
            limits: { cpu: '200m', memory: '32Mi' },
          },
          volumeMounts: [{ name: READER_VOLUME_NAME, mountPath: DEFAULT_READER_ROOT, readOnly: true }],
          terminationMessagePolicy: 'FallbackToLogsOnError',
        },
      ],
    },
  };
}
