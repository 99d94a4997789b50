// Shared read paths: list (selectors, limit/continue), get, and their Table or JSON rendering.
import { send, qBool, qInt, type Ctx } from './context.js';
import { matchFields, matchLabels, parseFieldSelector, parseLabelSelector } from './selectors.js';
import { ApiError, badRequest, notFound } from './status.js';
import { KIND, type StoredResource } from './store.js';
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
}

/** Filters, paginates and sends a list as XList or Table. */
export function sendList(ctx: Ctx, spec: ListSpec): void {
  const labels = parseLabelSelector(ctx.q.get('labelSelector'));
  const fields = parseFieldSelector(ctx.q.get('fieldSelector'), spec.fieldSet);
  // etcd key order (namespace/name); the keys are built once, not in every comparison.
  let items = spec.items
    .filter((o) => matchLabels(labels, o.metadata?.labels) && matchFields(fields, spec.fieldSet, o))
    .map((o) => ({ o, k: `${o.metadata?.namespace ?? ''}/${o.metadata?.name ?? ''}` }))
    .sort((a, b) => (a.k < b.k ? -1 : a.k > b.k ? 1 : 0))
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
      items: store.list(resource, ns),
      resourceVersion: String(store.resourceVersion),
      fieldSet: resource,
    });
    return;
  }
  throw new ApiError(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource');
}
