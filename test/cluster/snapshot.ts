// Cluster state from a memwhy snapshot folder (the `--from <dir>` layout, see src/app/snapshot.ts):
// the same objects memwhy analyses offline, served live, with `cgroup/` as the node's /sys/fs/cgroup.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { StateInput } from './types.js';
import type { Obj } from './util.js';

function readJson(file: string): Obj | null {
  if (!existsSync(file)) return null;
  let text = readFileSync(file, 'utf8');
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  return JSON.parse(text) as Obj;
}

const items = (v: Obj | null): Obj[] => (v === null ? [] : Array.isArray(v.items) ? v.items : [v]);

export interface SnapshotOptions {
  /**
   * When the pod is bound to a node the folder has no node.json for, add a minimal Ready node of
   * that name (a bound pod's node exists in a live cluster; the snapshot just did not keep it).
   * Default true.
   */
  synthesizeNode?: boolean;
}

export function loadSnapshotState(dir: string, opts: SnapshotOptions = {}): StateInput {
  const root = resolve(dir);
  const pod = readJson(join(root, 'pod.json'));
  if (!pod) throw new Error(`no pod.json in snapshot folder ${root}`);
  const pods: Obj[] = [pod];
  for (const p of items(readJson(join(root, 'node-pods.json')))) {
    const dup = pods.some(
      (x) =>
        x.metadata?.name === p.metadata?.name &&
        (x.metadata?.namespace ?? 'default') === (p.metadata?.namespace ?? 'default'),
    );
    if (!dup) pods.push(p);
  }
  for (const p of pods) {
    p.metadata ??= {};
    p.metadata.namespace ??= 'default';
  }
  const nodes: Obj[] = [];
  const addNode = (n: Obj): void => {
    if (!nodes.some((x) => x.metadata?.name === n.metadata?.name)) nodes.push(n);
  };
  const node = readJson(join(root, 'node.json'));
  if (node) addNode(node);
  for (const n of items(readJson(join(root, 'nodes.json')))) addNode(n);
  const nodeName: string | undefined = pod.spec?.nodeName ?? node?.metadata?.name;
  if (nodeName && !nodes.some((n) => n.metadata?.name === nodeName) && opts.synthesizeNode !== false) {
    nodes.push({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: nodeName, labels: { 'kubernetes.io/hostname': nodeName, 'kubernetes.io/os': 'linux' } },
      status: {
        conditions: [
          { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' },
        ],
      },
    });
  }
  const events = items(readJson(join(root, 'events.json')));
  const summaries: Record<string, Obj> = {};
  const summary = readJson(join(root, 'summary.json'));
  if (summary) {
    const n = summary.node?.nodeName ?? nodeName;
    if (n) summaries[n] = summary;
  }
  const podMetrics = items(readJson(join(root, 'podmetrics.json')));
  const hostPaths: Record<string, Record<string, string>> = {};
  const cg = join(root, 'cgroup');
  if (nodeName && existsSync(cg) && statSync(cg).isDirectory()) hostPaths[nodeName] = { '/sys/fs/cgroup': cg };
  return { pods, nodes, events, summaries, podMetrics, hostPaths };
}
