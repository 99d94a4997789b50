// The node reader: the pod reader's least-privilege pod (reader-pod.ts readerPodShell) on a node, running the
// node script (reader-node-script.ts) that prints the node's own cgroups — the root, kubepods, its QoS tiers and
// the system level beside kubepods — and /proc/meminfo. Its lifecycle is the pod reader's (reader.ts
// ReaderPodRunner: create → watch → log → delete on every exit path, leftovers swept, `memwhy cleanup` finds it
// by the same labels).
import type { NodeReader } from '../app/views/node-view.js';
import type { ReaderResult } from '../app/ports.js';
import type { KPod } from '../core/types.js';
import { parseNodeFrames, MEMINFO_KEY } from '../core/views/node-frames.js';
import { visible } from '../core/visible.js';
import { ExitCode, MemwhyError } from '../errors.js';
import type { KubeHttp } from './http.js';
import { readerSuffix } from './live.js';
import { isDns1123Label, isImageReference, readerPodName, readerPodShell, type ReaderPod } from './reader-pod.js';
import { nodeReaderCommand } from './reader-node-script.js';
import { ReaderPodRunner } from './reader.js';

export const NODE_READER_LABEL = 'memwhy.io/target-node';
const DNS1123_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*$/;

export interface NodeReaderSettings {
  /** Where the reader pod is created (the caller resolves --reader-namespace or the context's namespace). */
  namespace: string;
  image: string;
  deadlineSeconds: number;
}

/** The node reader's pod; throws MemwhyError(BadInput) on a name, namespace or image that is not of its shape. */
export function buildNodeReaderPod(node: string, s: NodeReaderSettings, suffix = readerSuffix()): ReaderPod {
  const bad = (what: string) => new MemwhyError(ExitCode.BadInput, `cannot build the node reader pod: ${what}`, null);
  if (typeof node !== 'string' || !DNS1123_SUBDOMAIN.test(node)) throw bad(`node name ${JSON.stringify(node)}`);
  if (!isDns1123Label(s.namespace)) throw bad(`reader namespace ${JSON.stringify(s.namespace)}`);
  if (!isImageReference(s.image)) throw bad(`image ${JSON.stringify(s.image)}`);
  if (!Number.isInteger(s.deadlineSeconds) || s.deadlineSeconds < 1 || s.deadlineSeconds > 86_400)
    throw bad(`deadline ${String(s.deadlineSeconds)}`);
  return readerPodShell({
    name: readerPodName(node, suffix),
    namespace: s.namespace,
    nodeName: node,
    image: s.image,
    deadlineSeconds: s.deadlineSeconds,
    command: nodeReaderCommand(),
    labels: { [NODE_READER_LABEL]: node.length <= 63 ? node : node.slice(0, 63).replace(/[^A-Za-z0-9]+$/, '') },
    annotations: { 'memwhy.io/target': `node/${node}` },
  });
}

/** The node reader's log → files (meminfo kept under its key until the runner hands it over). */
export function nodeReaderResult(log: string): ReaderResult & { complete: boolean } {
  const parsed = parseNodeFrames(log);
  if (parsed.fatal)
    throw new MemwhyError(
      ExitCode.Unreachable,
      `the node reader could not read the node's cgroups: ${visible(parsed.fatal)}`,
      parsed.fatal.includes('memory') ? 'the node has no memory cgroup controller mounted' : null,
    );
  const files = parsed.meminfo === null ? parsed.files : { ...parsed.files, [MEMINFO_KEY]: parsed.meminfo };
  return { files, kernelLog: null, problems: parsed.problems.map((p) => visible(p)), complete: parsed.complete };
}

/** A NodeReader (the port gatherNodeView takes) that runs the node reader pod through the pod reader's runner. */
export function kubeNodeReader(
  http: KubeHttp,
  settings: NodeReaderSettings,
  progress: (message: string) => void = () => undefined,
  track?: (event: 'created' | 'deleted', namespace: string, name: string) => void,
): NodeReader {
  return async (node, signal) => {
    const runner = new ReaderPodRunner({
      http,
      build: () => buildNodeReaderPod(node, settings),
      parse: nodeReaderResult,
      now: () => Date.now(),
      ...(track ? { track } : {}),
    });
    const pod = { metadata: { name: `node/${node}` }, spec: { nodeName: node } } as KPod;
    const result = await runner.run(
      {
        pod,
        namespace: settings.namespace,
        image: settings.image,
        deadlineSeconds: settings.deadlineSeconds,
        kernelLog: false,
        signal,
      },
      (e) => progress(e.message),
    );
    const { [MEMINFO_KEY]: meminfo, ...files } = result.files;
    return { files, meminfo: meminfo ?? null };
  };
}
