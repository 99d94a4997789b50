// Facts arrive from a cluster or a hand-made snapshot, so any field may have any type. analyse() first
// rebuilds them keeping only the fields it reads, each with the type the rest of the core relies on; a field
// of the wrong type is dropped (and so becomes unknown), never passed on to crash a rule.
import type {
  Facts,
  KContainer,
  KContainerState,
  KContainerStatus,
  KEvent,
  KMeta,
  KNode,
  KPod,
  KResources,
  KubeletSummary,
  PodMetrics,
  SummaryMemory,
  SummarySwap,
} from './types.js';

type Obj = Record<string, unknown>;

const isObj = (x: unknown): x is Obj => typeof x === 'object' && x !== null && !Array.isArray(x);
const str = (x: unknown): string | undefined => (typeof x === 'string' ? x : undefined);
const num = (x: unknown): number | undefined => (typeof x === 'number' && Number.isFinite(x) ? x : undefined);
const bool = (x: unknown): boolean | undefined => (typeof x === 'boolean' ? x : undefined);
const objs = (x: unknown): Obj[] | undefined => (Array.isArray(x) ? x.filter(isObj) : undefined);
const obj = (x: unknown): Obj | undefined => (isObj(x) ? x : undefined);

/** Keeps the entries whose value is a string (or, with `numbers`, a number too). */
function strMap(x: unknown): Record<string, string> | undefined;
function strMap(x: unknown, numbers: true): Record<string, string | number> | undefined;
function strMap(x: unknown, numbers = false): Record<string, string | number> | undefined {
  if (!isObj(x)) return undefined;
  return Object.fromEntries(
    Object.entries(x).filter(
      ([, v]) => typeof v === 'string' || (numbers && typeof v === 'number' && Number.isFinite(v)),
    ),
  ) as Record<string, string | number>;
}

/**
 * Drops undefined values so the result looks like what the API would have sent. Copies rather than `delete`s:
 * a deleted key turns a V8 object into a slow dictionary (about 40 ms and GC on a 500-pod node, issue 12).
 */
function clean<T extends Obj>(o: T): T {
  const out: Obj = {};
  for (const k in o) {
    const v = o[k];
    if (v !== undefined) out[k] = v;
  }
  return out as T;
}

function meta(x: unknown): KMeta | undefined {
  const m = obj(x);
  if (!m) return undefined;
  return clean({
    name: str(m.name),
    namespace: str(m.namespace),
    uid: str(m.uid),
    labels: strMap(m.labels),
    annotations: strMap(m.annotations),
    creationTimestamp: str(m.creationTimestamp),
    ownerReferences: objs(m.ownerReferences)?.map((r) => clean({ kind: str(r.kind), name: str(r.name) })),
  });
}

function resources(x: unknown): KResources | undefined {
  const r = obj(x);
  return r ? clean({ requests: strMap(r.requests, true), limits: strMap(r.limits, true) }) : undefined;
}

function container(c: Obj): KContainer {
  return clean({
    name: str(c.name),
    image: str(c.image),
    resources: resources(c.resources),
    restartPolicy: str(c.restartPolicy),
  });
}

function state(x: unknown): KContainerState | undefined {
  const s = obj(x);
  if (!s) return undefined;
  const t = obj(s.terminated);
  const r = obj(s.running);
  const w = obj(s.waiting);
  return clean({
    terminated: t
      ? clean({
          reason: str(t.reason),
          exitCode: num(t.exitCode),
          signal: num(t.signal),
          message: str(t.message),
          startedAt: str(t.startedAt),
          finishedAt: str(t.finishedAt),
          containerID: str(t.containerID),
        })
      : undefined,
    running: r ? clean({ startedAt: str(r.startedAt) }) : undefined,
    waiting: w ? clean({ reason: str(w.reason), message: str(w.message) }) : undefined,
  });
}

function status(s: Obj): KContainerStatus {
  return clean({
    name: str(s.name),
    containerID: str(s.containerID),
    image: str(s.image),
    ready: bool(s.ready),
    restartCount: num(s.restartCount),
    started: bool(s.started),
    state: state(s.state),
    lastState: state(s.lastState),
    resources: resources(s.resources),
    allocatedResources: strMap(s.allocatedResources, true),
  });
}

export function normalizePod(x: unknown): KPod {
  const p = obj(x) ?? {};
  const spec = obj(p.spec);
  const st = obj(p.status);
  return clean({
    apiVersion: str(p.apiVersion),
    kind: str(p.kind),
    metadata: meta(p.metadata),
    spec: spec
      ? clean({
          nodeName: str(spec.nodeName),
          containers: objs(spec.containers)?.map(container),
          initContainers: objs(spec.initContainers)?.map(container),
          ephemeralContainers: objs(spec.ephemeralContainers)?.map(container),
          overhead: strMap(spec.overhead, true),
          resources: resources(spec.resources),
          priority: num(spec.priority),
          priorityClassName: str(spec.priorityClassName),
          volumes: objs(spec.volumes)?.map((v) => {
            const e = obj(v.emptyDir);
            return clean({
              name: str(v.name),
              emptyDir: e ? clean({ medium: str(e.medium), sizeLimit: str(e.sizeLimit) }) : undefined,
            });
          }),
        })
      : undefined,
    status: st
      ? clean({
          phase: str(st.phase),
          reason: str(st.reason),
          message: str(st.message),
          qosClass: str(st.qosClass),
          startTime: str(st.startTime),
          conditions: objs(st.conditions)?.map((c) =>
            clean({
              type: str(c.type),
              status: str(c.status),
              reason: str(c.reason),
              message: str(c.message),
              lastTransitionTime: str(c.lastTransitionTime),
            }),
          ),
          containerStatuses: objs(st.containerStatuses)?.map(status),
          initContainerStatuses: objs(st.initContainerStatuses)?.map(status),
          ephemeralContainerStatuses: objs(st.ephemeralContainerStatuses)?.map(status),
          resize: str(st.resize),
        })
      : undefined,
  });
}

export function normalizeNode(x: unknown): KNode | null {
  const n = obj(x);
  if (!n) return null;
  const spec = obj(n.spec);
  const st = obj(n.status);
  const info = obj(st?.nodeInfo);
  return clean({
    apiVersion: str(n.apiVersion),
    kind: str(n.kind),
    metadata: meta(n.metadata),
    spec: spec
      ? clean({
          unschedulable: bool(spec.unschedulable),
          taints: objs(spec.taints)?.map((t) => clean({ key: str(t.key), effect: str(t.effect) })),
        })
      : undefined,
    status: st
      ? clean({
          capacity: strMap(st.capacity),
          allocatable: strMap(st.allocatable),
          conditions: objs(st.conditions)?.map((c) =>
            clean({ type: str(c.type), status: str(c.status), reason: str(c.reason), message: str(c.message) }),
          ),
          nodeInfo: info
            ? clean({
                kernelVersion: str(info.kernelVersion),
                containerRuntimeVersion: str(info.containerRuntimeVersion),
                kubeletVersion: str(info.kubeletVersion),
                osImage: str(info.osImage),
                operatingSystem: str(info.operatingSystem),
              })
            : undefined,
        })
      : undefined,
  });
}

function event(e: Obj): KEvent {
  const o = obj(e.involvedObject);
  const src = obj(e.source);
  return clean({
    metadata: meta(e.metadata),
    involvedObject: o
      ? clean({
          kind: str(o.kind),
          name: str(o.name),
          namespace: str(o.namespace),
          uid: str(o.uid),
          fieldPath: str(o.fieldPath),
        })
      : undefined,
    reason: str(e.reason),
    message: str(e.message),
    type: str(e.type),
    count: num(e.count),
    firstTimestamp: str(e.firstTimestamp),
    lastTimestamp: str(e.lastTimestamp),
    eventTime: str(e.eventTime),
    source: src ? clean({ component: str(src.component), host: str(src.host) }) : undefined,
  });
}

function psiLine(x: unknown) {
  const l = obj(x);
  return l
    ? clean({ total: num(l.total), avg10: num(l.avg10), avg60: num(l.avg60), avg300: num(l.avg300) })
    : undefined;
}

function memory(x: unknown): SummaryMemory | undefined {
  const m = obj(x);
  if (!m) return undefined;
  const psi = obj(m.psi);
  return clean({
    time: str(m.time),
    availableBytes: num(m.availableBytes),
    usageBytes: num(m.usageBytes),
    workingSetBytes: num(m.workingSetBytes),
    rssBytes: num(m.rssBytes),
    pageFaults: num(m.pageFaults),
    majorPageFaults: num(m.majorPageFaults),
    psi: psi ? clean({ some: psiLine(psi.some), full: psiLine(psi.full) }) : undefined,
  });
}

function swap(x: unknown): SummarySwap | undefined {
  const w = obj(x);
  return w
    ? clean({ time: str(w.time), swapAvailableBytes: num(w.swapAvailableBytes), swapUsageBytes: num(w.swapUsageBytes) })
    : undefined;
}

export function normalizeSummary(x: unknown): KubeletSummary | null {
  const s = obj(x);
  if (!s) return null;
  const n = obj(s.node);
  return clean({
    node: n
      ? clean({
          nodeName: str(n.nodeName),
          memory: memory(n.memory),
          systemContainers: objs(n.systemContainers)?.map((c) =>
            clean({ name: str(c.name), memory: memory(c.memory) }),
          ),
        })
      : undefined,
    pods: objs(s.pods)?.map((p) => {
      const ref = obj(p.podRef);
      return clean({
        podRef: ref ? clean({ name: str(ref.name), namespace: str(ref.namespace), uid: str(ref.uid) }) : undefined,
        memory: memory(p.memory),
        swap: swap(p.swap),
        containers: objs(p.containers)?.map((c) =>
          clean({ name: str(c.name), memory: memory(c.memory), swap: swap(c.swap) }),
        ),
      });
    }),
  });
}

export function normalizePodMetrics(x: unknown): PodMetrics | null {
  const m = obj(x);
  if (!m) return null;
  return clean({
    metadata: meta(m.metadata),
    timestamp: str(m.timestamp),
    window: str(m.window),
    containers: objs(m.containers)?.map((c) => clean({ name: str(c.name), usage: strMap(c.usage) })),
  });
}

/** Facts with every object rebuilt to its declared shape. */
export function normalizeFacts(f: Facts): Facts {
  const files = obj(f.cgroupFiles);
  const list = <T>(x: unknown, each: (o: Obj) => T): T[] | null => objs(x)?.map(each) ?? null;
  return {
    pod: normalizePod(f.pod),
    node: normalizeNode(f.node),
    nodes: list(f.nodes, (n) => normalizeNode(n) as KNode),
    nodePods: list(f.nodePods, normalizePod),
    events: list(f.events, event),
    summary: normalizeSummary(f.summary),
    podMetrics: normalizePodMetrics(f.podMetrics),
    kernelLog: str(f.kernelLog) ?? null,
    cgroupFiles: files ? (strMap(files) ?? null) : null,
    missing: strMap(f.missing) ?? {},
    unreadable:
      objs(f.unreadable)?.flatMap((u) =>
        typeof u.file === 'string' && typeof u.problem === 'string' ? [{ file: u.file, problem: u.problem }] : [],
      ) ?? [],
    otherPods:
      list(f.otherPods, (o) => ({
        namespace: str(o.namespace) ?? null,
        name: str(o.name) ?? null,
        phase: str(o.phase) ?? null,
        why: str(o.why) ?? '?',
      })) ?? [],
  };
}
