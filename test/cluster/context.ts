// What request handlers share: the cluster internals and one request's context.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { EventRecorder } from './events.js';
import type { Faults } from './faults.js';
import type { Kubelet } from './kubelet.js';
import type { Level } from './psa.js';
import type { User } from './rbac.js';
import { badRequest, type ApiError } from './status.js';
import type { Store } from './store.js';
import type { IncludeObject } from './tables.js';
import type { ClusterState, FaultSpec } from './types.js';
import type { Obj } from './util.js';

export interface Internals {
  store: Store;
  state: ClusterState;
  kubelet: Kubelet;
  events: EventRecorder;
  faults: Faults;
  metrics: boolean;
  psaDefault: Level;
  httpAnonymousUser: string | null;
  bookmarkIntervalMs: number;
  version: { major: string; minor: string; gitVersion: string };
  /** host:port of the HTTPS listener (serverAddressByClientCIDRs). */
  serverAddress(): string;
  /** Open watch responses, ended on close. */
  watches: Set<ServerResponse>;
}

/** apiserver RequestInfo. */
export interface RequestInfo {
  isResource: boolean;
  path: string;
  verb: string;
  apiPrefix: 'api' | 'apis' | '';
  apiGroup: string;
  apiVersion: string;
  namespace: string;
  resource: string;
  subresource: string;
  name: string;
  /** Path segments after the subresource (proxy paths). */
  rest: string[];
}

export interface Negotiated {
  table: boolean;
  tableApiVersion: string;
  include: IncludeObject;
}

export interface Ctx {
  req: IncomingMessage;
  res: ServerResponse;
  url: URL;
  q: URLSearchParams;
  info: RequestInfo;
  user: User;
  c: Internals;
  fault: FaultSpec | null;
  accept: Negotiated;
  /** Values for `Warning: 299 - "…"` headers. */
  warnings: string[];
  /** Set by handlers that answer themselves (streams), for the request log. */
  status: number;
}

export function send(ctx: Ctx, code: number, body: Obj | string, contentType = 'application/json'): void {
  ctx.status = code;
  const headers: Record<string, string | string[]> = {
    'Content-Type': contentType,
    'Cache-Control': 'no-cache, private',
    'Audit-Id': ctx.req.headers['audit-id']?.toString() ?? cryptoRandomId(),
  };
  if (ctx.warnings.length) headers.Warning = ctx.warnings.map((w) => `299 - ${JSON.stringify(w)}`);
  const text = typeof body === 'string' ? body : `${JSON.stringify(body)}\n`;
  headers['Content-Length'] = String(Buffer.byteLength(text));
  ctx.res.writeHead(code, headers);
  ctx.res.end(text);
}

export function sendError(ctx: Ctx, err: ApiError): void {
  if (err.details?.retryAfterSeconds !== undefined)
    ctx.res.setHeader('Retry-After', String(err.details.retryAfterSeconds));
  send(ctx, err.code, err.toStatus());
}

function cryptoRandomId(): string {
  return globalThis.crypto.randomUUID();
}

export async function readBody(req: IncomingMessage, limit = 3 * 1024 * 1024): Promise<string> {
  const chunks: Buffer[] = [];
  let n = 0;
  for await (const c of req) {
    n += (c as Buffer).length;
    if (n > limit) throw badRequest('request entity too large');
    chunks.push(c as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

export async function readJson(req: IncomingMessage, kind: string): Promise<Obj | null> {
  const text = await readBody(req);
  if (!text.trim()) return null;
  try {
    const v = JSON.parse(text);
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error('not an object');
    return v as Obj;
  } catch (err) {
    throw badRequest(
      `the object provided is unrecognized (must be of type ${kind}): couldn't get version/kind; json parse error: ${(err as Error).message}`,
    );
  }
}

/** Boolean query parameter as Go's strconv.ParseBool would read it. */
export function qBool(q: URLSearchParams, name: string): boolean {
  const v = q.get(name);
  return v === 'true' || v === '1' || v === 'True' || v === 'TRUE' || v === 't';
}

export function qInt(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n)) throw badRequest(`invalid value for ${name}: ${v}`);
  return n;
}
