// Wires the live path together: kubeconfig (like kubectl) → raw API client → reader pod runner → Cluster.
// Imported lazily by the CLI, so `--help` and `--from` never load @kubernetes/client-node.
import { randomBytes } from 'node:crypto';
import { ExitCode, MemwhyError } from '../errors.js';
import type { ReaderRequest, ReaderResult } from '../app/ports.js';
import type { KPod } from '../core/types.js';
import { parseFrames } from '../core/frames.js';
import { visible } from '../core/visible.js';
import { KubeCluster } from './cluster.js';
import { explainConnectionError, loadKubeconfig, type TextSink } from './config.js';
import { KubeHttp } from './http.js';
import { openTransport } from './transport/open.js';
import {
  buildReaderPod,
  withKernelLog,
  type ReaderPod,
  type ReaderPodOptions,
  type ReaderTarget,
} from './reader-pod.js';
import { ReaderArgError } from './reader-script.js';
import { ReaderPodRunner } from './reader.js';

export { cleanupReaders } from './reader.js';

/** How to reach the cluster, as kubectl's flags say it (null: not given). */
export interface LiveConnection {
  namespace: string | null;
  context: string | null;
  kubeconfig: string | null;
  cluster: string | null;
  user: string | null;
  /** kubectl's --request-timeout text (`0`, `30s`, `1m`, seconds). */
  requestTimeout: string | null;
}

export interface Live {
  http: KubeHttp;
  cluster: KubeCluster;
  /** The namespace to use: -n, else the context's, else default. */
  namespace: string;
  server: string;
}

/** A DNS-safe random suffix for a reader pod's name. */
export function readerSuffix(): string {
  const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
  return [...randomBytes(5)].map((b) => alphabet[b % alphabet.length]).join('');
}

/** What the reader needs to know about the target pod (buildReaderPod validates every field). */
export function readerTarget(pod: KPod): ReaderTarget {
  const ids = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]
    .map((s) => s.containerID)
    .filter((id): id is string => !!id);
  return {
    namespace: pod.metadata?.namespace ?? '',
    name: pod.metadata?.name ?? '',
    // A static pod's cgroup is named after the kubelet's config hash, not the mirror pod's uid.
    uid: pod.metadata?.annotations?.['kubernetes.io/config.mirror'] ?? pod.metadata?.uid ?? '',
    nodeName: pod.spec?.nodeName ?? '',
    qosClass: pod.status?.qosClass ?? '',
    containerIds: ids,
  };
}

/** Builds a reader pod; invalid target data (uid, container ids) is refused, never escaped. */
export function buildReader(options: Omit<ReaderPodOptions, 'nameSuffix'>, what = 'the reader pod'): ReaderPod {
  try {
    return buildReaderPod({ ...options, nameSuffix: readerSuffix() });
  } catch (e) {
    if (e instanceof ReaderArgError || (e instanceof Error && /must|invalid|not a/i.test(e.message))) {
      throw new MemwhyError(
        ExitCode.BadInput,
        `cannot build ${what}: ${e.message}`,
        'the pod object has unexpected values; report it with the pod JSON',
      );
    }
    throw e;
  }
}

/** The one-shot reader pod for a diagnosis (with the kernel-log container when asked). */
export function readerPod(request: ReaderRequest): ReaderPod {
  const built = buildReader({
    target: readerTarget(request.pod),
    readerNamespace: request.namespace,
    image: request.image,
    deadlineSeconds: request.deadlineSeconds,
    mode: 'once',
  });
  return request.kernelLog ? withKernelLog(built) : built;
}

/** The reader's log → cgroup files, with what went wrong said plainly. */
export function readerResult(log: string): ReaderResult & { complete: boolean } {
  const parsed = parseFrames(log);
  const problems = [...parsed.problems, ...parsed.errors.map((e) => `${e.path}: ${e.reason}`)].map((p) => visible(p));
  if (parsed.notFound) {
    throw new MemwhyError(
      ExitCode.NotFound,
      'the reader found no cgroup directory for the pod on its node',
      'the pod may have just been deleted or restarted; run again',
    );
  }
  if (parsed.fatal) {
    throw new MemwhyError(
      ExitCode.Unreachable,
      `the reader pod could not read the node's cgroups: ${visible(parsed.fatal)}`,
      parsed.fatal.includes('memory') ? 'the node has no memory cgroup controller mounted' : null,
    );
  }
  return { files: parsed.files, kernelLog: null, problems, unreadable: parsed.unreadable, complete: parsed.complete };
}

/** What exec credential plugins see of the terminal: whether stdin is one, and where their stderr goes (default: no terminal, stderr dropped). */
export interface ExecTerminal {
  stdinIsTerminal: boolean;
  execStderr: TextSink | null;
}

export async function openLive(
  options: LiveConnection,
  env: Record<string, string | undefined>,
  cwd: string,
  home: string,
  terminal: ExecTerminal = { stdinIsTerminal: false, execStderr: null },
): Promise<Live> {
  const loaded = await loadKubeconfig({
    kubeconfig: options.kubeconfig ?? undefined,
    context: options.context ?? undefined,
    cluster: options.cluster ?? undefined,
    user: options.user ?? undefined,
    namespace: options.namespace ?? undefined,
    requestTimeout: options.requestTimeout ?? undefined,
    env,
    cwd,
    home,
    stdinIsTerminal: terminal.stdinIsTerminal,
    execStderr: terminal.execStderr,
  });
  const http = new KubeHttp(loaded.server, await openTransport(loaded.server, loaded.client), {
    timeoutMs: loaded.requestTimeoutMs,
    timeoutParam: loaded.requestTimeoutParam,
    explain: (e) => explainConnectionError(e, loaded),
  });
  const runner = new ReaderPodRunner({ http, build: readerPod, parse: readerResult, now: () => Date.now() });
  return { http, cluster: new KubeCluster(http, runner), namespace: loaded.namespace, server: loaded.server };
}
