// Shared read paths: list (selectors, limit/continue), get, and their Table or JSON rendering.
import { send, qBool, qInt, type Ctx } from './context.js';
import { matchFields, matchLabels, parseFieldSelector, parseLabelSelector } from './selectors.js';
import { ApiError, badRequest, notFound } from './status.js';
import { KIND, type Store, type StoredResource } from './store.js';
import { hasTable, toTable } from './tables.js';
import { clone, type Obj } from './util.js';
import { serveWatch } from './watch.js';

/**
 * Items of a list never carry kind/apiVersion on the wire (the list does). A shallow copy: the page is
 * serialised at once (send), so the live objects are never handed out nor changed.
 */
function bare(o: Obj): Obj {
  const { kind: _k, apiVersion: _a, ...rest } = o;
  return rest;
}

interface ContinueToken {
  rv: number;
  start: number;
}

function decodeContinue(tok: string): ContinueToken {
  try {
    const v = JSON.parse(Buffer.from(tok, 'base64').toString('utf8'));
    if (typeof v.rv === 'number' && typeof v.start === 'number') return v;
  } catch {
    /* fallthrough */
  }
  throw badRequest('continue key is not valid: illegal base64 data at input byte 0');
}

export interface ListSpec {
  resource: string;
  kind: string;
  listKind: string;
  apiVersion: string;
  items: Obj[];
  resourceVersion: string;
  /** Field-selector vocabulary (selectors.ts), usually = resource. */
  fieldSet: string;
  /** `items` are already in key order (keyOrder). */
  sorted?: boolean;
}

const byKey = (a: { k: string }, b: { k: string }) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0);
const keyOf = (o: Obj) => `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}`;

interface KeyOrderCache {
  rv: number;
  length: number;
  namespace: string | null;
  items: Obj[];
}
const keyOrderCache = new WeakMap<Obj[], KeyOrderCache>();

/**
 * A stored resource's objects in etcd key order (namespace/name), as the API server walks them. The order is
 * kept until the store changes (resourceVersion) or the state array does (objects pushed or removed by hand),
 * so paging through 10,000 pods does not sort them again for every page.
 */
function keyOrder(store: Store, resource: StoredResource, namespace: string | null): Obj[] {
  const live = store.list(resource, namespace); // fills in metadata of objects pushed by hand (may bump rv)
  const arr = store.state[resource];
  const hit = keyOrderCache.get(arr);
  if (hit && hit.rv === store.resourceVersion && hit.length === arr.length && hit.namespace === namespace)
    return hit.items;
  const items = live
    .map((o) => ({ o, k: keyOf(o) }))
    .sort(byKey)
    .map((x) => x.o);
  keyOrderCache.set(arr, { rv: store.resourceVersion, length: arr.length, namespace, items });
  return items;
}

/** Filters, paginates and sends a list as XList or Table. */
export function sendList(ctx: Ctx, spec: ListSpec): void {
  const labels = parseLabelSelector(ctx.q.get('labelSelector'));
  const fields = parseFieldSelector(ctx.q.get('fieldSelector'), spec.fieldSet);
  // etcd key order (namespace/name); the keys are built once, not in every comparison.
  let items = spec.items.filter(
    (o) => matchLabels(labels, o.metadata?.labels) && matchFields(fields, spec.fieldSet, o),
  );
  if (!spec.sorted)
    items = items
      .map((o) => ({ o, k: keyOf(o) }))
      .sort(byKey)
      .map((x) => x.o);
  const limit = qInt(ctx.q, 'limit');
  const cont = ctx.q.get('continue');
  let start = 0;
  let rv = spec.resourceVersion;
  if (cont) {
    const t = decodeContinue(cont);
    start = t.start;
    rv = String(t.rv);
  }
  let next: string | undefined;
  let remaining: number | undefined;
  if (limit !== undefined && limit > 0) {
    const page = items.slice(start, start + limit);
    if (start + limit < items.length) {
      next = Buffer.from(JSON.stringify({ rv: Number(rv), start: start + limit })).toString('base64');
      remaining = items.length - start - limit;
    }
    items = page;
  } else if (start) items = items.slice(start);

  if (ctx.accept.table) {
    const t = tableFor(spec.resource, items, ctx, rv, spec.kind, spec.apiVersion);
    if (next) {
      t.metadata.continue = next;
      t.metadata.remainingItemCount = remaining;
    }
    send(ctx, 200, t);
    return;
  }
  const md: Obj = rv ? { resourceVersion: rv } : {};
  if (next) {
    md.continue = next;
    md.remainingItemCount = remaining;
  }
  send(ctx, 200, { kind: spec.listKind, apiVersion: spec.apiVersion, metadata: md, items: items.map(bare) });
}

/** Table for any resource: the printers' columns where known, else the default Name / Created At. */
export function tableFor(resource: string, items: Obj[], ctx: Ctx, rv: string, kind: string, apiVersion: string): Obj {
  let t: Obj;
  if (hasTable(resource)) {
    t = toTable(resource, items, { include: ctx.accept.include, resourceVersion: rv, kind });
  } else {
    t = {
      kind: 'Table',
      apiVersion: 'meta.k8s.io/v1',
      metadata: { resourceVersion: rv },
      columnDefinitions: [
        {
          name: 'Name',
          type: 'string',
          format: 'name',
          description: 'Name must be unique within a namespace.',
          priority: 0,
        },
        {
          name: 'Created At',
          type: 'date',
          format: '',
          description: 'CreationTimestamp is a timestamp representing the server time when this object was created.',
          priority: 0,
        },
      ],
      rows: items.map((o) => ({
        cells: [o.metadata?.name, o.metadata?.creationTimestamp ?? null],
        object:
          ctx.accept.include === 'Object'
            ? { kind, apiVersion, ...o }
            : { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: o.metadata },
      })),
    };
  }
  t.apiVersion = ctx.accept.tableApiVersion;
  return t;
}

export function sendObject(ctx: Ctx, resource: string, obj: Obj, code = 200, apiVersion = 'v1'): void {
  if (ctx.accept.table && ctx.req.method === 'GET') {
    send(ctx, code, tableFor(resource, [obj], ctx, obj.metadata?.resourceVersion ?? '', obj.kind, apiVersion));
    return;
  }
  send(ctx, code, clone(obj));
}

/** GET on a stored resource: get / list / watch. */
export function readStored(ctx: Ctx, resource: StoredResource): void {
  const { store } = ctx.c;
  const { info } = ctx;
  const ns = info.namespace && resource !== 'namespaces' && resource !== 'nodes' ? info.namespace : null;
  if (info.verb === 'watch') {
    let fieldRaw = ctx.q.get('fieldSelector');
    if (info.name) fieldRaw = [fieldRaw, `metadata.name=${info.name}`].filter(Boolean).join(',');
    const fields = parseFieldSelector(fieldRaw, resource);
    const labels = parseLabelSelector(ctx.q.get('labelSelector'));
    const sie = ctx.q.get('sendInitialEvents');
    serveWatch(ctx, {
      resource,
      namespace: ns,
      labels,
      fields,
      resourceVersion: ctx.q.get('resourceVersion'),
      timeoutSeconds: qInt(ctx.q, 'timeoutSeconds'),
      allowBookmarks: qBool(ctx.q, 'allowWatchBookmarks'),
      sendInitialEvents: sie === null ? undefined : sie === 'true',
    });
    return;
  }
  if (info.verb === 'get') {
    const o = store.get(resource, ns, info.name);
    if (!o) throw notFound(resource, info.name);
    sendObject(ctx, resource, o);
    return;
  }
  if (info.verb === 'list') {
    sendList(ctx, {
      resource,
      kind: KIND[resource],
      listKind: `${KIND[resource]}List`,
      apiVersion: 'v1',
      items: keyOrder(store, resource, ns),
      resourceVersion: String(store.resourceVersion),
      fieldSet: resource,
      sorted: true,
    });
    return;
  }
  throw new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
}
