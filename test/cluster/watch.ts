// Watch streams: newline-delimited JSON events (ADDED/MODIFIED/DELETED/BOOKMARK/ERROR) over a chunked
// 200 response, from a resourceVersion, with selectors (objects entering/leaving the selection become
// ADDED/DELETED, as the watch cache does), timeoutSeconds, bookmarks and fault-injected drops.
import type { Ctx } from './context.js';
import { matchFields, matchLabels, type FieldSelector, type LabelSelector } from './selectors.js';
import { ApiError } from './status.js';
import { KIND, type StoreEvent, type StoredResource } from './store.js';
import { toTable } from './tables.js';
import { clone, type Obj } from './util.js';

export interface WatchOptions {
  resource: StoredResource;
  namespace: string | null;
  labels: LabelSelector;
  fields: FieldSelector;
  resourceVersion: string | null;
  timeoutSeconds: number | undefined;
  allowBookmarks: boolean;
  sendInitialEvents: boolean | undefined;
}

export function serveWatch(ctx: Ctx, o: WatchOptions): void {
  const { store } = ctx.c;
  const res = ctx.res;
  const kind = KIND[o.resource];
  const matchNs = (obj: Obj): boolean => !o.namespace || (obj.metadata?.namespace ?? 'default') === o.namespace;
  const selected = (obj: Obj | null): boolean =>
    !!obj && matchNs(obj) && matchLabels(o.labels, obj.metadata?.labels) && matchFields(o.fields, o.resource, obj);

  ctx.status = 200;
  res.writeHead(200, {
    'Content-Type': 'application/json',
    'Cache-Control': 'no-cache, private',
    'Transfer-Encoding': 'chunked',
  });
  res.flushHeaders();
  ctx.c.watches.add(res);

  let sent = 0;
  let ended = false;
  const timers: NodeJS.Timeout[] = [];
  let unsubscribe: () => void = () => {};
  const cleanup = (): void => {
    ended = true;
    unsubscribe();
    timers.forEach(clearTimeout);
    timers.forEach((t) => clearInterval(t));
    ctx.c.watches.delete(res);
  };
  const end = (): void => {
    if (ended) return;
    cleanup();
    res.end();
  };
  const drop = (): void => {
    if (ended) return;
    cleanup();
    // Half-close after what was written so far: the client gets the events, then a connection that
    // ends without the final chunk (a broken stream, not a clean end).
    const sock = res.socket;
    if (!sock) return void res.destroy();
    sock.end();
    setTimeout(() => sock.destroy(), 100).unref();
  };

  const wrap = (obj: Obj): Obj => {
    if (!ctx.accept.table) return obj;
    const t = toTable(o.resource, [obj], {
      include: ctx.accept.include,
      resourceVersion: obj.metadata?.resourceVersion ?? '',
      kind,
    });
    t.apiVersion = ctx.accept.tableApiVersion;
    return t;
  };
  const write = (type: string, obj: Obj): void => {
    if (ended) return;
    res.write(`${JSON.stringify({ type, object: type === 'ERROR' || type === 'BOOKMARK' ? obj : wrap(obj) })}\n`);
    sent++;
    if (ctx.fault?.dropWatchAfterEvents !== undefined && sent >= ctx.fault.dropWatchAfterEvents) drop();
  };
  const bookmark = (extra: Obj = {}): void => {
    write('BOOKMARK', {
      kind,
      apiVersion: 'v1',
      metadata: { resourceVersion: String(store.resourceVersion), creationTimestamp: null, ...extra },
    });
  };

  const onEvent = (e: StoreEvent): void => {
    if (e.resource !== o.resource) return;
    const now = selected(e.object);
    if (e.type === 'ADDED') {
      if (now) write('ADDED', e.object);
    } else if (e.type === 'DELETED') {
      if (now) write('DELETED', e.object);
    } else {
      const before = selected(e.old);
      if (now && before) write('MODIFIED', e.object);
      else if (now) write('ADDED', e.object);
      else if (before && e.old) {
        const old = clone(e.old);
        old.metadata.resourceVersion = e.object.metadata?.resourceVersion;
        write('DELETED', old);
      }
    }
  };

  const rv = o.resourceVersion;
  if (!rv || rv === '0' || o.sendInitialEvents === true) {
    if (o.sendInitialEvents !== false) {
      for (const obj of store.list(o.resource, o.namespace)) if (selected(obj)) write('ADDED', clone(obj));
    }
    if (o.sendInitialEvents === true) bookmark({ annotations: { 'k8s.io/initial-events-end': 'true' } });
  } else {
    const n = Number(rv);
    const missed = Number.isInteger(n) ? store.since(n) : null;
    if (!Number.isInteger(n)) {
      write('ERROR', new ApiError(400, 'BadRequest', `invalid resource version: ${rv}`).toStatus());
      end();
      return;
    }
    if (missed === null) {
      write(
        'ERROR',
        new ApiError(410, 'Expired', `too old resource version: ${rv} (${store.resourceVersion})`).toStatus(),
      );
      end();
      return;
    }
    for (const e of missed) onEvent(e);
  }
  if (ended) return;
  unsubscribe = store.subscribe(onEvent);

  if (o.timeoutSeconds !== undefined) timers.push(setTimeout(end, Math.max(0, o.timeoutSeconds) * 1000));
  if (o.allowBookmarks && !ctx.accept.table) timers.push(setInterval(() => bookmark(), ctx.c.bookmarkIntervalMs));
  if (ctx.fault?.dropWatchAfterMs !== undefined) timers.push(setTimeout(drop, ctx.fault.dropWatchAfterMs));
  res.on('close', cleanup);
}
