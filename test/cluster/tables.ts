// Server-side printing (`Accept: application/json;as=Table;v=v1;g=meta.k8s.io`): the column
// definitions and cells of pkg/printers/internalversion/printers.go for the resources served here.
import { age, type Obj } from './util.js';

interface Column {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

const col = (name: string, type: string, description: string, priority = 0, format = ''): Column => ({
  name,
  type,
  format,
  description,
  priority,
});
const NAME_COL = col(
  'Name',
  'string',
  'Name must be unique within a namespace. Is required when creating resources, although some resources may allow a client to request the generation of an appropriate name automatically. Name is primarily intended for creation idempotence and configuration definition. Cannot be updated. More info: https://kubernetes.io/docs/concepts/overview/working-with-objects/names#names',
  0,
  'name',
);
const AGE_COL = col(
  'Age',
  'string',
  'CreationTimestamp is a timestamp representing the server time when this object was created. It is not guaranteed to be set in happens-before order across separate operations. Clients may not set this value. It is represented in RFC3339 form and is in UTC.\n\nPopulated by the system. Read-only. Null for lists. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata',
);

const COLUMNS: Record<string, Column[]> = {
  pods: [
    NAME_COL,
    col('Ready', 'string', 'The aggregate readiness state of this pod for accepting traffic.'),
    col('Status', 'string', 'The aggregate status of the containers in this pod.'),
    col(
      'Restarts',
      'string',
      'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.',
    ),
    AGE_COL,
    col(
      'IP',
      'string',
      'IP address allocated to the pod. Routable at least within the cluster. Empty if not yet allocated.',
      1,
    ),
    col(
      'Node',
      'string',
      'NodeName is a request to schedule this pod onto a specific node. If it is non-empty, the scheduler simply schedules this pod onto that node, assuming that it fits resource requirements.',
      1,
    ),
    col(
      'Nominated Node',
      'string',
      'nominatedNodeName is set only when this pod preempts other pods on the node, but it cannot be scheduled right away as preemption victims receive their graceful termination periods. This field does not guarantee that the pod will be scheduled on this node. Scheduler may decide to place the pod elsewhere if other nodes become available sooner. Scheduler may also decide to give the resources on this node to a higher priority pod that is created after preemption. As a result, this field may be different than PodSpec.nodeName when the pod is scheduled.',
      1,
    ),
    col(
      'Readiness Gates',
      'string',
      'If specified, all readiness gates will be evaluated for pod readiness. A pod is ready when all its containers are ready AND all conditions specified in the readiness gates have status equal to "True" More info: https://git.k8s.io/enhancements/keps/sig-network/580-pod-readiness-gates',
      1,
    ),
  ],
  nodes: [
    NAME_COL,
    col('Status', 'string', 'The status of the node'),
    col('Roles', 'string', 'The roles of the node'),
    AGE_COL,
    col('Version', 'string', 'Kubelet Version reported by the node.'),
    col(
      'Internal-IP',
      'string',
      'List of addresses reachable to the node. Queried from cloud provider, if available.',
      1,
    ),
    col(
      'External-IP',
      'string',
      'List of addresses reachable to the node. Queried from cloud provider, if available.',
      1,
    ),
    col(
      'OS-Image',
      'string',
      'OS Image reported by the node from /etc/os-release (e.g. Debian GNU/Linux 7 (wheezy)).',
      1,
    ),
    col(
      'Kernel-Version',
      'string',
      "Kernel Version reported by the node from 'uname -r' (e.g. 3.16.0-0.bpo.4-amd64).",
      1,
    ),
    col(
      'Container-Runtime',
      'string',
      'Container runtime version reported by the node through runtime remote API (e.g. containerd://1.4.2).',
      1,
    ),
  ],
  events: [
    col('Last Seen', 'string', 'Time when this Event was last seen'),
    col('Type', 'string', 'Type of this event (Normal, Warning), new types could be added in the future.'),
    col(
      'Reason',
      'string',
      'This should be a short, machine understandable string that gives the reason for this event being generated.',
    ),
    col('Object', 'string', 'The object this Event is about.'),
    col('Subobject', 'string', 'The subobject this Event is about.', 1),
    col('Source', 'string', 'The component reporting this event.', 1),
    col('Message', 'string', 'A human-readable description of the status of this operation.'),
    col('First Seen', 'string', 'The first time this event was seen.', 1),
    col('Count', 'string', 'The number of times this event has occurred.', 1),
    { ...NAME_COL, priority: 1 },
  ],
  namespaces: [NAME_COL, col('Status', 'string', 'The status of the namespace'), AGE_COL],
};

export function hasTable(resource: string): boolean {
  return resource in COLUMNS;
}

/** printPod: the STATUS column's reason. */
export function podStatusReason(pod: Obj): string {
  const st = pod.status ?? {};
  let reason: string = st.reason || st.phase || '';
  const spec = pod.spec ?? {};
  let initializing = false;
  const inits: Obj[] = st.initContainerStatuses ?? [];
  const initSpecs: Obj[] = spec.initContainers ?? [];
  for (let i = 0; i < inits.length; i++) {
    const c = inits[i]!;
    const sidecar = initSpecs.find((s) => s.name === c.name)?.restartPolicy === 'Always';
    const t = c.state?.terminated;
    if (t && t.exitCode === 0) continue;
    if (sidecar && c.started) continue;
    if (t) {
      reason = t.reason ? `Init:${t.reason}` : t.signal ? `Init:Signal:${t.signal}` : `Init:ExitCode:${t.exitCode}`;
    } else if (c.state?.waiting?.reason && c.state.waiting.reason !== 'PodInitializing') {
      reason = `Init:${c.state.waiting.reason}`;
    } else {
      reason = `Init:${i}/${initSpecs.length}`;
    }
    initializing = true;
    break;
  }
  if (!initializing) {
    let hasRunning = false;
    const cs: Obj[] = st.containerStatuses ?? [];
    for (let i = cs.length - 1; i >= 0; i--) {
      const c = cs[i]!;
      if (c.state?.waiting?.reason) reason = c.state.waiting.reason;
      else if (c.state?.terminated?.reason) reason = c.state.terminated.reason;
      else if (c.state?.terminated)
        reason = c.state.terminated.signal
          ? `Signal:${c.state.terminated.signal}`
          : `ExitCode:${c.state.terminated.exitCode}`;
      else if (c.ready && c.state?.running) hasRunning = true;
    }
    if (reason === 'Completed' && hasRunning) {
      reason = (st.conditions ?? []).some((c: Obj) => c.type === 'Ready' && c.status === 'True')
        ? 'Running'
        : 'NotReady';
    }
  }
  if (pod.metadata?.deletionTimestamp) reason = st.reason === 'NodeLost' ? 'Unknown' : 'Terminating';
  return reason;
}

function podRow(pod: Obj, now: Date): unknown[] {
  const st = pod.status ?? {};
  const cs: Obj[] = st.containerStatuses ?? [];
  const total =
    (pod.spec?.containers ?? []).length +
    (pod.spec?.initContainers ?? []).filter((c: Obj) => c.restartPolicy === 'Always').length;
  let ready = cs.filter((c) => c.ready && c.state?.running).length;
  ready += (st.initContainerStatuses ?? []).filter(
    (c: Obj) =>
      c.started &&
      c.ready &&
      (pod.spec?.initContainers ?? []).find((s: Obj) => s.name === c.name)?.restartPolicy === 'Always',
  ).length;
  let restarts = 0;
  let lastRestart: number | null = null;
  for (const c of [...cs, ...(st.initContainerStatuses ?? [])] as Obj[]) {
    restarts += c.restartCount ?? 0;
    const fin = c.lastState?.terminated?.finishedAt;
    if (fin) lastRestart = Math.max(lastRestart ?? 0, Date.parse(fin));
  }
  const restartCell =
    lastRestart !== null && restarts > 0
      ? `${restarts} (${age(new Date(lastRestart).toISOString(), now)} ago)`
      : String(restarts);
  const gates: Obj[] = pod.spec?.readinessGates ?? [];
  const gatesCell = gates.length
    ? `${gates.filter((g) => (st.conditions ?? []).some((c: Obj) => c.type === g.conditionType && c.status === 'True')).length}/${gates.length}`
    : '<none>';
  return [
    pod.metadata?.name,
    `${ready}/${total}`,
    podStatusReason(pod),
    restartCell,
    age(pod.metadata?.creationTimestamp, now),
    st.podIP || '<none>',
    pod.spec?.nodeName || '<none>',
    st.nominatedNodeName || '<none>',
    gatesCell,
  ];
}

function nodeRow(node: Obj, now: Date): unknown[] {
  const conds: Obj[] = node.status?.conditions ?? [];
  const ready = conds.find((c) => c.type === 'Ready');
  const status: string[] = [];
  if (!ready) status.push('Unknown');
  else status.push(ready.status === 'True' ? 'Ready' : ready.status === 'False' ? 'NotReady' : 'Unknown');
  if (node.spec?.unschedulable) status.push('SchedulingDisabled');
  const roles = Object.keys(node.metadata?.labels ?? {})
    .map((k) =>
      k.startsWith('node-role.kubernetes.io/')
        ? k.slice('node-role.kubernetes.io/'.length)
        : k === 'kubernetes.io/role'
          ? node.metadata.labels[k]
          : null,
    )
    .filter((x): x is string => !!x)
    .sort();
  const addr = (t: string): string =>
    (node.status?.addresses ?? []).find((a: Obj) => a.type === t)?.address ?? '<none>';
  const info = node.status?.nodeInfo ?? {};
  return [
    node.metadata?.name,
    status.join(','),
    roles.length ? roles.join(',') : '<none>',
    age(node.metadata?.creationTimestamp, now),
    info.kubeletVersion ?? '',
    addr('InternalIP'),
    addr('ExternalIP'),
    info.osImage || '<unknown>',
    info.kernelVersion || '<unknown>',
    info.containerRuntimeVersion || '<unknown>',
  ];
}

function eventRow(e: Obj, now: Date): unknown[] {
  const first = e.firstTimestamp || e.eventTime || e.metadata?.creationTimestamp;
  const last = e.series?.lastObservedTime || e.lastTimestamp || e.eventTime || first;
  const count = e.series?.count ?? e.count ?? 1;
  const lastSeen = count > 1 ? `${age(last, now)} (x${count} over ${age(first, now)})` : age(last, now);
  const io = e.involvedObject ?? {};
  const source = e.source?.component
    ? `${e.source.component}${e.source.host ? `, ${e.source.host}` : ''}`
    : (e.reportingComponent ?? '');
  return [
    lastSeen,
    e.type ?? '',
    e.reason ?? '',
    `${String(io.kind ?? '').toLowerCase()}/${io.name ?? ''}`,
    io.fieldPath ?? '',
    source,
    String(e.message ?? '').trim(),
    age(first, now),
    count,
    e.metadata?.name,
  ];
}

function namespaceRow(ns: Obj, now: Date): unknown[] {
  return [ns.metadata?.name, ns.status?.phase ?? 'Active', age(ns.metadata?.creationTimestamp, now)];
}

const ROWS: Record<string, (o: Obj, now: Date) => unknown[]> = {
  pods: podRow,
  nodes: nodeRow,
  events: eventRow,
  namespaces: namespaceRow,
};

export type IncludeObject = 'None' | 'Metadata' | 'Object';

function rowObject(o: Obj, include: IncludeObject, apiVersion: string, kind: string): Obj | undefined {
  if (include === 'None') return undefined;
  if (include === 'Object') return { apiVersion, kind, ...o };
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata };
}

export function toTable(
  resource: string,
  items: Obj[],
  opts: {
    include: IncludeObject;
    resourceVersion: string;
    continueToken?: string;
    remaining?: number;
    noHeaders?: boolean;
    kind: string;
  },
): Obj {
  const now = new Date();
  const t: Obj = { kind: 'Table', apiVersion: 'meta.k8s.io/v1', metadata: { resourceVersion: opts.resourceVersion } };
  if (opts.continueToken) t.metadata.continue = opts.continueToken;
  if (opts.remaining !== undefined) t.metadata.remainingItemCount = opts.remaining;
  t.columnDefinitions = opts.noHeaders ? null : COLUMNS[resource];
  t.rows = items.map((o) => {
    const row: Obj = { cells: ROWS[resource]!(o, now) };
    const obj = rowObject(o, opts.include, 'v1', opts.kind);
    if (obj) row.object = obj;
    return row;
  });
  return t;
}
