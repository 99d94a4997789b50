// A small default-scheduler: filters in the default plugin order (NodeUnschedulable, TaintToleration
// incl. the not-ready taint, NodeAffinity/nodeSelector, NodeResourcesFit for cpu/memory) and the FailedScheduling message format of
// kube-scheduler 1.32 (`0/N nodes are available: … preemption: …`).
import { parseQuantity, type Obj } from './util.js';

export function nodeReady(node: Obj | undefined): boolean {
  const c = (node?.status?.conditions ?? []).find((x: Obj) => x.type === 'Ready');
  return c?.status === 'True';
}

export function matchesNodeSelector(pod: Obj, node: Obj): boolean {
  const sel: Record<string, string> = pod.spec?.nodeSelector ?? {};
  const labels: Record<string, string> = node.metadata?.labels ?? {};
  if (!Object.entries(sel).every(([k, v]) => labels[k] === v)) return false;
  const terms: Obj[] =
    pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? [];
  if (terms.length === 0) return true;
  return terms.some((t) =>
    ((t.matchExpressions ?? []) as Obj[]).every((e) => {
      const has = Object.prototype.hasOwnProperty.call(labels, e.key);
      const v = labels[e.key];
      switch (e.operator) {
        case 'In':
          return has && (e.values ?? []).includes(v);
        case 'NotIn':
          return !has || !(e.values ?? []).includes(v);
        case 'Exists':
          return has;
        case 'DoesNotExist':
          return !has;
        case 'Gt':
          return has && Number(v) > Number(e.values?.[0]);
        case 'Lt':
          return has && Number(v) < Number(e.values?.[0]);
        default:
          return false;
      }
    }),
  );
}

function tolerates(pod: Obj, taint: Obj): boolean {
  return ((pod.spec?.tolerations ?? []) as Obj[]).some((t) => {
    if (t.effect && t.effect !== taint.effect) return false;
    if (t.operator === 'Exists') return !t.key || t.key === taint.key;
    return t.key === taint.key && (t.value ?? '') === (taint.value ?? '');
  });
}

/** Effective request (max(sum containers, max init)) + overhead for one resource. */
export function podRequest(pod: Obj, resource: 'cpu' | 'memory'): number {
  const sum = ((pod.spec?.containers ?? []) as Obj[]).reduce(
    (a, c) => a + (parseQuantity(c.resources?.requests?.[resource]) ?? 0),
    0,
  );
  const init = ((pod.spec?.initContainers ?? []) as Obj[]).reduce(
    (a, c) => Math.max(a, parseQuantity(c.resources?.requests?.[resource]) ?? 0),
    0,
  );
  return Math.max(sum, init) + (parseQuantity(pod.spec?.overhead?.[resource]) ?? 0);
}

export interface ScheduleResult {
  node: string | null;
  message: string;
}

export function schedule(pod: Obj, nodes: Obj[], pods: Obj[]): ScheduleResult {
  const reasons = new Map<string, number>();
  const insufficient = new Set<string>();
  const add = (r: string): void => {
    reasons.set(r, (reasons.get(r) ?? 0) + 1);
  };
  let best: { name: string; free: number } | null = null;
  for (const node of nodes) {
    const name = String(node.metadata?.name);
    const taints: Obj[] = [...(node.spec?.taints ?? [])];
    if (!nodeReady(node) && !taints.some((t) => t.key === 'node.kubernetes.io/not-ready')) {
      taints.push({ key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' });
    }
    if (node.spec?.unschedulable) {
      add('node(s) were unschedulable');
      continue;
    }
    const bad = taints.find((t) => (t.effect === 'NoSchedule' || t.effect === 'NoExecute') && !tolerates(pod, t));
    if (bad) {
      add(`node(s) had untolerated taint {${bad.key}: ${bad.value ?? ''}}`);
      continue;
    }
    if (!matchesNodeSelector(pod, node)) {
      add("node(s) didn't match Pod's node affinity/selector");
      continue;
    }
    const onNode = pods.filter(
      (p) =>
        p.spec?.nodeName === name &&
        p.status?.phase !== 'Succeeded' &&
        p.status?.phase !== 'Failed' &&
        p.metadata?.uid !== pod.metadata?.uid,
    );
    let fits = true;
    let free = Infinity;
    for (const r of ['cpu', 'memory'] as const) {
      const alloc = parseQuantity(node.status?.allocatable?.[r]);
      if (alloc === null) continue;
      const used = onNode.reduce((a, p) => a + podRequest(p, r), 0);
      const want = podRequest(pod, r);
      if (want > 0 && used + want > alloc) {
        add(`Insufficient ${r}`);
        insufficient.add(name);
        fits = false;
      }
      if (r === 'memory') free = alloc - used;
    }
    if (fits && (!best || free > best.free)) best = { name, free };
  }
  if (best) return { node: best.name, message: '' };
  const n = nodes.length;
  // FitError.Error(): "<count> <reason>" strings, sorted as strings.
  const sortStrings = (xs: string[]): string[] => xs.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const list = sortStrings([...reasons.entries()].map(([r, c]) => `${c} ${r}`));
  const noVictims = insufficient.size;
  const notHelpful = n - noVictims;
  const pre: string[] = [];
  if (noVictims) pre.push(`${noVictims} No preemption victims found for incoming pod`);
  if (notHelpful) pre.push(`${notHelpful} Preemption is not helpful for scheduling`);
  const message =
    n === 0
      ? 'no nodes available to schedule pods'
      : `0/${n} nodes are available: ${list.join(', ')}. preemption: 0/${n} nodes are available: ${sortStrings(pre).join(', ')}.`;
  return { node: null, message };
}
