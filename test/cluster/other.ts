// nodes/proxy (the kubelet's /stats/summary), metrics.k8s.io, and namespace creation.
import { readJson, send, type Ctx } from './context.js';
import { sendList, sendObject } from './list.js';
import { nodeReady } from './scheduler.js';
import { alreadyExists, ApiError, badRequest, invalid, notFound, pathNotFound, serviceUnavailable } from './status.js';
import { clone, isoSeconds, type Obj } from './util.js';
import { METRICS_GROUP, METRICS_VERSION } from './discovery.js';

/** A summary for nodes the state has none for: node name, start time and the pods bound to it. */
function syntheticSummary(ctx: Ctx, node: Obj): Obj {
  const name = node.metadata.name;
  const pods = ctx.c.store.list('pods').filter((p) => p.spec?.nodeName === name && p.status?.phase === 'Running');
  return {
    node: { nodeName: name, systemContainers: [], startTime: node.metadata.creationTimestamp },
    pods: pods.map((p) => ({
      podRef: { name: p.metadata.name, namespace: p.metadata.namespace, uid: p.metadata.uid },
      startTime: p.status?.startTime,
      containers: (p.spec?.containers ?? []).map((c: Obj) => ({ name: c.name, startTime: p.status?.startTime })),
    })),
  };
}

export function nodeProxy(ctx: Ctx): void {
  const raw = ctx.info.name;
  const name = raw.split(':')[0]!;
  const node = ctx.c.store.get('nodes', null, name);
  if (!node) throw notFound('nodes', name);
  const ip = ((node.status?.addresses ?? []) as Obj[]).find((a) => a.type === 'InternalIP')?.address ?? '10.0.0.1';
  if (!nodeReady(node))
    throw serviceUnavailable(`error trying to reach service: dial tcp ${ip}:10250: connect: connection refused`);
  if (ctx.req.method !== 'GET')
    throw new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
  const path = `/${ctx.info.rest.join('/')}`;
  switch (path) {
    case '/stats/summary': {
      const s = ctx.c.state.summaries[name] ?? syntheticSummary(ctx, node);
      send(ctx, 200, clone(s));
      return;
    }
    case '/healthz':
      send(ctx, 200, 'ok', 'text/plain; charset=utf-8');
      return;
    case '/configz':
      send(ctx, 200, { kubeletconfig: { cgroupDriver: 'systemd', evictionHard: { 'memory.available': '100Mi' } } });
      return;
    default:
      send(ctx, 404, '404 page not found\n', 'text/plain; charset=utf-8');
  }
}

/** Pods by namespace/name, built once per metrics request (a lookup per PodMetrics would be O(n²)). */
function podIndex(ctx: Ctx): Map<string, Obj> {
  const out = new Map<string, Obj>();
  for (const p of ctx.c.store.list('pods')) out.set(`${p.metadata?.namespace ?? 'default'}/${p.metadata?.name}`, p);
  return out;
}

/** Metrics carry their pod's labels (metrics-server copies them); only the page sent is cloned (sendList). */
function withPodLabels(pods: Map<string, Obj>, m: Obj): Obj {
  const { kind: _k, apiVersion: _a, ...o } = m;
  o.metadata = { ...(m.metadata ?? {}) };
  if (!o.metadata.labels) {
    const pod = pods.get(`${o.metadata.namespace ?? 'default'}/${o.metadata.name}`);
    if (pod?.metadata?.labels) o.metadata.labels = pod.metadata.labels;
  }
  o.metadata.creationTimestamp ??= isoSeconds();
  return o;
}

export function metrics(ctx: Ctx): void {
  const { info } = ctx;
  if (ctx.req.method !== 'GET' || info.verb === 'watch')
    throw new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
  const apiVersion = `${METRICS_GROUP}/${METRICS_VERSION}`;
  if (info.resource === 'pods') {
    const pods = podIndex(ctx);
    const items = ctx.c.state.podMetrics
      .filter((m) => !info.namespace || (m.metadata?.namespace ?? 'default') === info.namespace)
      .filter((m) => !info.name || m.metadata?.name === info.name)
      .map((m) => withPodLabels(pods, m));
    if (info.name) {
      const m = items.find((x) => x.metadata.name === info.name);
      if (!m)
        throw new ApiError(404, 'NotFound', `podmetrics.${METRICS_GROUP} "${info.namespace}/${info.name}" not found`, {
          name: `${info.namespace}/${info.name}`,
          group: METRICS_GROUP,
          kind: 'podmetrics',
        });
      sendObject(ctx, 'podmetrics', { kind: 'PodMetrics', apiVersion, ...m }, 200, apiVersion);
      return;
    }
    sendList(ctx, {
      resource: 'podmetrics',
      kind: 'PodMetrics',
      listKind: 'PodMetricsList',
      apiVersion,
      items,
      resourceVersion: '',
      fieldSet: 'podmetrics',
    });
    return;
  }
  if (info.resource === 'nodes') {
    const nodes = new Map(ctx.c.store.list('nodes').map((n) => [n.metadata?.name ?? '', n]));
    const items = ctx.c.state.nodeMetrics.map((m) => {
      const o = clone(m);
      delete o.kind;
      delete o.apiVersion;
      if (!o.metadata?.labels) {
        const node = nodes.get(o.metadata?.name ?? '');
        if (node?.metadata?.labels) o.metadata.labels = clone(node.metadata.labels);
      }
      return o;
    });
    if (info.name) {
      const m = items.find((x) => x.metadata?.name === info.name);
      if (!m)
        throw new ApiError(404, 'NotFound', `nodemetrics.${METRICS_GROUP} "${info.name}" not found`, {
          name: info.name,
          group: METRICS_GROUP,
          kind: 'nodemetrics',
        });
      sendObject(ctx, 'nodemetrics', { kind: 'NodeMetrics', apiVersion, ...m }, 200, apiVersion);
      return;
    }
    sendList(ctx, {
      resource: 'nodemetrics',
      kind: 'NodeMetrics',
      listKind: 'NodeMetricsList',
      apiVersion,
      items,
      resourceVersion: '',
      fieldSet: 'nodemetrics',
    });
    return;
  }
  throw pathNotFound();
}

export async function createNamespace(ctx: Ctx): Promise<void> {
  const body = await readJson(ctx.req, 'Namespace');
  if (!body)
    throw badRequest("the object provided is unrecognized (must be of type Namespace): Object 'Kind' is missing in ''");
  const name = String(body.metadata?.name ?? '');
  if (!/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(name) || name.length > 63) {
    throw invalid('Namespace', name, [
      {
        field: 'metadata.name',
        type: name ? 'FieldValueInvalid' : 'FieldValueRequired',
        message: name
          ? `Invalid value: "${name}": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`
          : 'Required value: name or generateName is required',
      },
    ]);
  }
  if (ctx.c.store.get('namespaces', null, name)) throw alreadyExists('namespaces', name);
  const ns = namespaceObject(name, body.metadata?.labels, body.metadata?.annotations);
  if (ctx.q.getAll('dryRun').length) {
    send(ctx, 201, ns);
    return;
  }
  send(ctx, 201, clone(ctx.c.store.create('namespaces', ns)));
}

export function namespaceObject(
  name: string,
  labels?: Record<string, string>,
  annotations?: Record<string, string>,
): Obj {
  const md: Obj = { name, labels: { ...(labels ?? {}), 'kubernetes.io/metadata.name': name } };
  if (annotations) md.annotations = annotations;
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: md,
    spec: { finalizers: ['kubernetes'] },
    status: { phase: 'Active' },
  };
}
