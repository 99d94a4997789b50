// The HTTP(S) request pipeline: request info → authentication → faults → authorization → handler,
// with the request log. Mirrors the kube-apiserver handler chain closely enough for clients.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { readJson, send, sendError, type Ctx, type Internals, type Negotiated, type RequestInfo } from './context.js';
import {
  apiGroups,
  apiVersions,
  coreResources,
  METRICS_GROUP,
  METRICS_VERSION,
  metricsGroup,
  metricsResources,
  openapiV3CoreV1,
  openapiV3Index,
  version,
} from './discovery.js';
import { readStored } from './list.js';
import { createNamespace, metrics, nodeProxy } from './other.js';
import { createPod, deletePod, deletePodCollection, podLog } from './pods.js';
import { authenticate, authorize, type User } from './rbac.js';
import {
  alreadyExists,
  ApiError,
  conflict,
  internalError,
  methodNotAllowed,
  pathNotFound,
  serviceUnavailable,
  timeoutError,
  tooManyRequests,
  type StatusReason,
} from './status.js';
import type { FaultSpec, RequestLog } from './types.js';
import { sleep } from './util.js';

const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

/** pkg/endpoints/request RequestInfoFactory.NewRequestInfo. */
export function requestInfo(method: string, pathname: string, q: URLSearchParams): RequestInfo {
  const info: RequestInfo = {
    isResource: false,
    path: pathname,
    verb: method.toLowerCase(),
    apiPrefix: '',
    apiGroup: '',
    apiVersion: '',
    namespace: '',
    resource: '',
    subresource: '',
    name: '',
    rest: [],
  };
  const segs = pathname
    .split('/')
    .filter(Boolean)
    .map((s) => decodeURIComponent(s));
  let parts: string[];
  if (segs[0] === 'api' && segs.length >= 2) {
    info.apiPrefix = 'api';
    info.apiVersion = segs[1]!;
    parts = segs.slice(2);
  } else if (segs[0] === 'apis' && segs.length >= 3) {
    info.apiPrefix = 'apis';
    info.apiGroup = segs[1]!;
    info.apiVersion = segs[2]!;
    parts = segs.slice(3);
  } else return info;
  if (parts.length === 0) return info;
  info.isResource = true;
  const verbs: Record<string, string> = {
    POST: 'create',
    GET: 'get',
    HEAD: 'get',
    PUT: 'update',
    PATCH: 'patch',
    DELETE: 'delete',
  };
  info.verb = verbs[method] ?? method.toLowerCase();
  if (parts[0] === 'watch') {
    info.verb = 'watch';
    parts = parts.slice(1);
  }
  if (parts[0] === 'namespaces' && parts.length > 1) {
    info.namespace = parts[1]!;
    if (parts.length > 2 && !NAMESPACE_SUBRESOURCES.has(parts[2]!)) parts = parts.slice(2);
  }
  info.resource = parts[0] ?? '';
  info.name = parts[1] ?? '';
  info.subresource = parts[2] ?? '';
  info.rest = parts.slice(3);
  if (info.resource === 'namespaces' && info.name) info.namespace = info.name;
  if (!info.name && info.verb === 'get') info.verb = 'list';
  if (!info.name && info.verb === 'delete') info.verb = 'deletecollection';
  const watch = q.get('watch');
  if ((info.verb === 'list' || info.verb === 'get') && (watch === 'true' || watch === '1') && !info.subresource)
    info.verb = 'watch';
  return info;
}

/** Content negotiation: the first acceptable media type decides between Table and plain JSON. */
export function negotiate(accept: string | undefined, q: URLSearchParams): Negotiated {
  const include = (q.get('includeObject') as Negotiated['include'] | null) ?? 'Metadata';
  const n: Negotiated = {
    table: false,
    tableApiVersion: 'meta.k8s.io/v1',
    include: ['None', 'Metadata', 'Object'].includes(include) ? include : 'Metadata',
  };
  for (const part of (accept ?? 'application/json').split(',')) {
    const [type, ...params] = part.split(';').map((s) => s.trim());
    const p = Object.fromEntries(params.map((x) => x.split('=').map((s) => s.trim()) as [string, string]));
    if (
      type === 'application/json' &&
      p.as === 'Table' &&
      p.g === 'meta.k8s.io' &&
      (p.v === 'v1' || p.v === 'v1beta1')
    ) {
      n.table = true;
      n.tableApiVersion = `meta.k8s.io/${p.v}`;
      return n;
    }
    if ((type === 'application/json' && !p.as) || type === '*/*' || type === 'application/*') return n;
  }
  return n;
}

async function faultError(ctx: Ctx, f: FaultSpec): Promise<ApiError> {
  const code = f.status!;
  const reason = f.reason as StatusReason | undefined;
  const { info } = ctx;
  if (code === 409) {
    let name = info.name;
    if (!name && ctx.req.method === 'POST') {
      const body = await readJson(ctx.req, 'Object').catch(() => null);
      name = body?.metadata?.name ?? body?.metadata?.generateName ?? '';
    }
    if (reason === 'Conflict' || ctx.req.method !== 'POST') {
      return conflict(
        info.resource,
        name,
        f.message ?? 'the object has been modified; please apply your changes to the latest version and try again',
        info.apiGroup,
      );
    }
    const e = alreadyExists(info.resource, name, info.apiGroup);
    return f.message ? new ApiError(409, 'AlreadyExists', f.message, e.details) : e;
  }
  if (code === 429) return tooManyRequests(f.retryAfterSeconds ?? 1);
  if (code === 503) {
    const e = serviceUnavailable(f.message ?? 'the server is currently unable to handle the request');
    return f.retryAfterSeconds !== undefined
      ? new ApiError(503, 'ServiceUnavailable', e.message, { retryAfterSeconds: f.retryAfterSeconds })
      : e;
  }
  if (code === 504) return f.message ? new ApiError(504, 'Timeout', f.message) : timeoutError();
  if (code === 500)
    return f.message ? new ApiError(500, reason ?? 'InternalError', f.message) : internalError('injected fault');
  return new ApiError(code, reason ?? '', f.message ?? `injected ${code}`);
}

async function dispatch(ctx: Ctx): Promise<void> {
  const { info, c, req } = ctx;
  const method = req.method ?? 'GET';
  if (!info.isResource) {
    if (method !== 'GET' && method !== 'HEAD') throw methodNotAllowed();
    const p = info.path.replace(/\/+$/, '') || '/';
    switch (p) {
      case '/version':
        return send(ctx, 200, version(c.version));
      case '/api':
        return send(ctx, 200, apiVersions(c.serverAddress()));
      case '/api/v1':
        return send(ctx, 200, coreResources());
      case '/apis':
        return send(ctx, 200, apiGroups(c.metrics));
      case '/healthz':
      case '/livez':
      case '/readyz':
        return send(ctx, 200, 'ok', 'text/plain; charset=utf-8');
      case '/openapi/v3':
        return send(ctx, 200, openapiV3Index(c.metrics));
      case '/openapi/v3/api/v1':
        return send(ctx, 200, openapiV3CoreV1());
    }
    if (c.metrics && p === `/apis/${METRICS_GROUP}`) return send(ctx, 200, metricsGroup());
    if (c.metrics && p === `/apis/${METRICS_GROUP}/${METRICS_VERSION}`) return send(ctx, 200, metricsResources());
    throw pathNotFound();
  }
  if (info.apiGroup === '' && info.apiVersion === 'v1') {
    const { resource, subresource, verb } = info;
    if (resource === 'pods') {
      if (subresource === 'log') {
        if (method !== 'GET') throw methodNotAllowed();
        return podLog(ctx);
      }
      if (subresource) throw pathNotFound();
      if (method === 'GET') return readStored(ctx, 'pods');
      if (method === 'POST' && !info.name && info.namespace) return createPod(ctx);
      if (verb === 'delete') return deletePod(ctx);
      if (verb === 'deletecollection') return deletePodCollection(ctx);
      throw methodNotAllowed();
    }
    if (resource === 'nodes') {
      if (subresource === 'proxy') return nodeProxy(ctx);
      if (subresource) throw pathNotFound();
      if (method === 'GET') return readStored(ctx, 'nodes');
      throw methodNotAllowed();
    }
    if (resource === 'events') {
      if (subresource) throw pathNotFound();
      if (method === 'GET') return readStored(ctx, 'events');
      throw methodNotAllowed();
    }
    if (resource === 'namespaces' && !subresource) {
      if (method === 'GET') return readStored(ctx, 'namespaces');
      if (method === 'POST' && !info.name) return createNamespace(ctx);
      throw methodNotAllowed();
    }
    throw pathNotFound();
  }
  if (c.metrics && info.apiGroup === METRICS_GROUP && info.apiVersion === METRICS_VERSION && !info.subresource)
    return metrics(ctx);
  throw pathNotFound();
}

export function createHandler(c: Internals, requests: RequestLog[], scheme: 'http' | 'https') {
  return (req: IncomingMessage, res: ServerResponse): void => {
    void handle(c, requests, scheme, req, res);
  };
}

async function handle(
  c: Internals,
  requests: RequestLog[],
  scheme: 'http' | 'https',
  req: IncomingMessage,
  res: ServerResponse,
): Promise<void> {
  const t0 = Date.now();
  const method = req.method ?? 'GET';
  const url = new URL(req.url ?? '/', 'http://test-cluster');
  const q = url.searchParams;
  const info = requestInfo(method, url.pathname, q);
  const anonymous: User = { name: 'system:anonymous', groups: ['system:unauthenticated'] };
  const ctx: Ctx = {
    req,
    res,
    url,
    q,
    info,
    user: anonymous,
    c,
    fault: null,
    accept: negotiate(req.headers.accept, q),
    warnings: [],
    status: 0,
  };
  let userName: string | null = null;
  try {
    if (scheme === 'http' && !req.headers.authorization && c.httpAnonymousUser) {
      const u = c.state.users.find((x) => x.name === c.httpAnonymousUser);
      ctx.user = { name: c.httpAnonymousUser, groups: [...(u?.groups ?? []), 'system:authenticated'] };
    } else {
      ctx.user = authenticate(req, c.state.users);
    }
    userName = ctx.user.name;
    const fault = c.faults.take({
      method,
      path: url.pathname,
      verb: info.isResource ? info.verb : null,
      resource: info.resource || null,
      subresource: info.subresource || null,
      namespace: info.namespace || null,
      name: info.name || null,
      user: userName,
    });
    ctx.fault = fault;
    if (fault?.latencyMs) await sleep(fault.latencyMs);
    if (fault?.status) throw await faultError(ctx, fault);
    if (info.isResource) {
      authorize(
        ctx.user,
        {
          verb: info.verb,
          apiGroup: info.apiGroup,
          resource: info.resource,
          subresource: info.subresource,
          namespace: info.namespace,
          name: info.name,
        },
        c.state.users,
      );
    }
    await dispatch(ctx);
  } catch (err) {
    if (res.headersSent) {
      res.destroy();
    } else if (err instanceof ApiError) {
      sendError(ctx, err);
    } else {
      sendError(ctx, internalError((err as Error)?.message ?? String(err)));
    }
  }
  requests.push({
    time: new Date(t0).toISOString(),
    scheme,
    method,
    path: url.pathname,
    query: Object.fromEntries(q.entries()),
    user: userName,
    status: ctx.status || res.statusCode,
    verb: info.isResource ? info.verb : null,
    resource: info.resource || null,
    subresource: info.subresource || null,
    namespace: info.namespace || null,
    name: info.name || null,
    apiGroup: info.isResource ? info.apiGroup : null,
    durationMs: Date.now() - t0,
  });
}
