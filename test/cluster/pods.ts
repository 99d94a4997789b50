// Pod writes (create, delete, deletecollection) and pods/log.
import { qBool, qInt, readJson, send, type Ctx } from './context.js';
import { sendList } from './list.js';
import { formatLine, selectLines, type LogOptions } from './logs.js';
import { admitPod } from './psa.js';
import { matchFields, matchLabels, parseFieldSelector, parseLabelSelector } from './selectors.js';
import { alreadyExists, ApiError, badRequest, conflict, notFound } from './status.js';
import { clone, isoSeconds, uid, type Obj } from './util.js';
import { defaultPod, generateName, validatePod } from './validate.js';

function dryRun(ctx: Ctx): boolean {
  const v = ctx.q.getAll('dryRun');
  if (v.some((x) => x !== 'All')) throw badRequest(`Invalid dryRun value: ${v.join(',')}; valid values are [All]`);
  return v.length > 0;
}

export async function createPod(ctx: Ctx): Promise<void> {
  const { store, state } = ctx.c;
  const ns = ctx.info.namespace;
  const body = await readJson(ctx.req, 'Pod');
  if (!body)
    throw badRequest("the object provided is unrecognized (must be of type Pod): Object 'Kind' is missing in ''");
  if (body.kind !== undefined && body.kind !== 'Pod') {
    throw badRequest(
      `the object provided is unrecognized (must be of type Pod): ${body.kind} (${body.apiVersion ?? ''})`,
    );
  }
  if (body.apiVersion !== undefined && body.apiVersion !== 'v1') {
    throw badRequest(`the API version in the data (${body.apiVersion}) does not match the expected API version (v1)`);
  }
  const pod = clone(body);
  pod.apiVersion = 'v1';
  pod.kind = 'Pod';
  pod.metadata ??= {};
  if (pod.metadata.namespace && pod.metadata.namespace !== ns) {
    throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
  }
  pod.metadata.namespace = ns;
  const nsObj = store.get('namespaces', null, ns);
  if (!nsObj) throw notFound('namespaces', ns);
  // Server-owned fields are never taken from the client.
  for (const k of [
    'uid',
    'resourceVersion',
    'creationTimestamp',
    'deletionTimestamp',
    'deletionGracePeriodSeconds',
    'generation',
  ])
    delete pod.metadata[k];
  delete pod.status;
  generateName(pod);
  validatePod(pod);
  defaultPod(pod);
  const psa = admitPod(pod, pod.metadata.name, nsObj, ctx.c.psaDefault);
  ctx.warnings.push(...psa.warnings);
  if (psa.error) throw psa.error;
  if (store.get('pods', ns, pod.metadata.name)) throw alreadyExists('pods', pod.metadata.name);
  if (dryRun(ctx)) {
    pod.metadata.uid = uid();
    pod.metadata.creationTimestamp = isoSeconds();
    send(ctx, 201, pod);
    return;
  }
  const stored = store.create('pods', pod);
  void state;
  ctx.c.kubelet.manage(stored);
  send(ctx, 201, clone(stored));
}

interface DeleteOptions {
  gracePeriodSeconds?: number;
  uid?: string;
  resourceVersion?: string;
}

async function deleteOptions(ctx: Ctx): Promise<DeleteOptions> {
  const o: DeleteOptions = {};
  const body = ctx.req.method === 'DELETE' ? await readJson(ctx.req, 'DeleteOptions') : null;
  if (body) {
    if (body.gracePeriodSeconds !== undefined && body.gracePeriodSeconds !== null)
      o.gracePeriodSeconds = Number(body.gracePeriodSeconds);
    if (body.preconditions?.uid) o.uid = String(body.preconditions.uid);
    if (body.preconditions?.resourceVersion) o.resourceVersion = String(body.preconditions.resourceVersion);
    if (Array.isArray(body.dryRun) && body.dryRun.length) ctx.q.append('dryRun', body.dryRun[0]);
  }
  const g = qInt(ctx.q, 'gracePeriodSeconds');
  if (g !== undefined) o.gracePeriodSeconds = g;
  if (o.gracePeriodSeconds !== undefined && o.gracePeriodSeconds < 0) o.gracePeriodSeconds = 1;
  return o;
}

/** Deletes one pod the way the registry does (graceful when bound and not terminal). Returns the response object. */
function deleteOne(ctx: Ctx, pod: Obj, o: DeleteOptions, dry: boolean): Obj {
  const { store } = ctx.c;
  const ns = pod.metadata.namespace;
  const name = pod.metadata.name;
  if (o.uid && o.uid !== pod.metadata.uid) {
    throw conflict(
      'pods',
      name,
      `Precondition failed: UID in precondition: ${o.uid}, UID in object meta: ${pod.metadata.uid}`,
    );
  }
  if (o.resourceVersion && o.resourceVersion !== pod.metadata.resourceVersion) {
    throw conflict(
      'pods',
      name,
      `Precondition failed: ResourceVersion in precondition: ${o.resourceVersion}, ResourceVersion in object meta: ${pod.metadata.resourceVersion}`,
    );
  }
  let grace = o.gracePeriodSeconds ?? Number(pod.spec?.terminationGracePeriodSeconds ?? 30);
  const phase = pod.status?.phase;
  if (!pod.spec?.nodeName || phase === 'Succeeded' || phase === 'Failed') grace = 0;
  if (dry) return clone(pod);
  if (pod.metadata.deletionTimestamp) {
    // Already terminating: only a shorter grace period (0 = force) changes anything.
    if (grace === 0) {
      const gone = store.remove('pods', ns, name)!;
      return clone(gone);
    }
    return clone(pod);
  }
  if (grace === 0) {
    const snapshot = clone(pod);
    snapshot.metadata.deletionTimestamp = isoSeconds();
    snapshot.metadata.deletionGracePeriodSeconds = 0;
    store.remove('pods', ns, name);
    return snapshot;
  }
  const updated = store.update('pods', ns, name, (p) => {
    p.metadata.deletionTimestamp = isoSeconds(new Date(Date.now() + grace * 1000));
    p.metadata.deletionGracePeriodSeconds = grace;
  })!;
  return clone(updated);
}

export async function deletePod(ctx: Ctx): Promise<void> {
  const o = await deleteOptions(ctx);
  const pod = ctx.c.store.get('pods', ctx.info.namespace, ctx.info.name);
  if (!pod) throw notFound('pods', ctx.info.name);
  send(ctx, 200, deleteOne(ctx, pod, o, dryRun(ctx)));
}

export async function deletePodCollection(ctx: Ctx): Promise<void> {
  const o = await deleteOptions(ctx);
  const dry = dryRun(ctx);
  const labels = parseLabelSelector(ctx.q.get('labelSelector'));
  const fields = parseFieldSelector(ctx.q.get('fieldSelector'), 'pods');
  const victims = ctx.c.store
    .list('pods', ctx.info.namespace || null)
    .filter((p) => matchLabels(labels, p.metadata?.labels) && matchFields(fields, 'pods', p));
  const items = victims.map((p) => deleteOne(ctx, p, { ...o, uid: undefined, resourceVersion: undefined }, dry));
  sendList(
    { ...ctx, q: new URLSearchParams() },
    {
      resource: 'pods',
      kind: 'Pod',
      listKind: 'PodList',
      apiVersion: 'v1',
      items,
      resourceVersion: String(ctx.c.store.resourceVersion),
      fieldSet: 'pods',
    },
  );
}

/** GET pods/log: the kubelet's log of one container, optionally followed until it ends. */
export function podLog(ctx: Ctx): void {
  const { store, kubelet } = ctx.c;
  const name = ctx.info.name;
  const pod = store.get('pods', ctx.info.namespace, name);
  if (!pod) throw notFound('pods', name);
  const containers: string[] = (pod.spec?.containers ?? []).map((c: Obj) => c.name);
  const inits: string[] = (pod.spec?.initContainers ?? []).map((c: Obj) => c.name);
  let container = ctx.q.get('container') ?? '';
  if (!container) {
    if (containers.length === 1) container = containers[0]!;
    else {
      const def = pod.metadata?.annotations?.['kubectl.kubernetes.io/default-container'];
      if (def && containers.includes(def)) container = def;
      else {
        throw badRequest(
          `a container name must be specified for pod ${name}, choose one of: [${containers.join(' ')}]` +
            (inits.length ? ` or one of the init containers: [${inits.join(' ')}]` : ''),
        );
      }
    }
  }
  if (![...containers, ...inits].includes(container))
    throw badRequest(`container ${container} is not valid for pod ${name}`);
  if (!pod.spec?.nodeName) throw badRequest(`pod ${name} does not have a host assigned`);
  const previous = qBool(ctx.q, 'previous');
  const found = kubelet.logs(pod, container, previous);
  if (!found.buffer) throw new ApiError(400, 'BadRequest', found.error ?? 'no logs');
  const buf = found.buffer;
  const opts: LogOptions = {
    tailLines: qInt(ctx.q, 'tailLines'),
    limitBytes: qInt(ctx.q, 'limitBytes'),
    sinceSeconds: qInt(ctx.q, 'sinceSeconds'),
    sinceTime: ctx.q.get('sinceTime') ?? undefined,
    timestamps: qBool(ctx.q, 'timestamps'),
  };
  const follow = qBool(ctx.q, 'follow') && !previous;
  ctx.status = 200;
  const res = ctx.res;
  res.writeHead(200, {
    'Content-Type': 'text/plain',
    'Cache-Control': 'no-cache, private',
    'Transfer-Encoding': 'chunked',
  });
  let budget = opts.limitBytes ?? Infinity;
  let done = false;
  const write = (s: string): void => {
    if (done) return;
    const b = Buffer.from(s);
    if (b.length >= budget) {
      res.write(b.subarray(0, budget));
      budget = 0;
      finish();
      return;
    }
    budget -= b.length;
    res.write(b);
  };
  const onLine = (l: Parameters<typeof formatLine>[0]): void => write(formatLine(l, opts.timestamps));
  const finish = (): void => {
    if (done) return;
    done = true;
    buf.off('line', onLine);
    buf.off('end', finish);
    ctx.c.watches.delete(res);
    res.end();
  };
  for (const l of selectLines(buf, opts)) {
    if (done) return;
    onLine(l);
  }
  if (!follow || buf.ended || done) {
    finish();
    return;
  }
  ctx.c.watches.add(res);
  res.flushHeaders();
  buf.on('line', onLine);
  buf.on('end', finish);
  res.on('close', () => {
    if (!done) {
      done = true;
      buf.off('line', onLine);
      buf.off('end', finish);
      ctx.c.watches.delete(res);
    }
  });
}
