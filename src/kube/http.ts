// A small raw client for the Kubernetes REST API. Authentication, TLS, exec plugins and proxies come from
// @kubernetes/client-node's KubeConfig (applySecurityAuthentication); the requests themselves are plain
// fetches, so objects arrive exactly as the API serves them (kubectl get -o json) — the generated client
// would turn timestamps into Date objects, and `--save` must write what the API sent.
import type { KubeConfig } from '@kubernetes/client-node';
import { fetch, type Dispatcher } from 'undici';
import { ExitCode, MemwhyError, type ExitCodeValue } from '../cli/exit-codes.js';

/** The Status object the API server returns with errors. */
export interface KStatus {
  kind?: string;
  status?: string;
  message?: string;
  reason?: string;
  code?: number;
  details?: { name?: string; kind?: string; group?: string };
}

/** An error answer from the API server, with its HTTP status and Status reason. */
export class ApiError extends MemwhyError {
  readonly status: number;
  readonly reason: string | null;
  constructor(code: ExitCodeValue, status: number, reason: string | null, message: string, hint: string | null) {
    super(code, message, hint);
    this.status = status;
    this.reason = reason;
  }
}

export interface RequestRecord {
  method: string;
  path: string;
  status: number | null;
  ms: number;
}

export interface HttpOptions {
  /** --request-timeout in ms; null or 0 = none (watches and log follows are never cut by it). */
  timeoutMs: number | null;
  /** The `timeout` query parameter kubectl sends with --request-timeout (a Go duration), or null. */
  timeoutParam?: string | null;
  /** For connection errors phrased as kubectl phrases them (config.ts explainConnectionError). */
  explain?: (err: unknown) => MemwhyError | null;
}

type Query = Record<string, string | number | boolean | undefined>;

function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const q = Object.entries(query).filter(([, v]) => v !== undefined).map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
  return q.length ? `${path}?${q.join('&')}` : path;
}

/** Turns an error answer into a one-line MemwhyError. */
export function statusError(httpStatus: number, body: string, what: string): ApiError {
  let s: KStatus = {};
  try {
    const parsed = JSON.parse(body) as unknown;
    if (parsed && typeof parsed === 'object') s = parsed as KStatus;
  } catch {
    // not JSON: keep the text
  }
  const message = (s.message ?? body.trim()) || `HTTP ${httpStatus}`;
  const reason = s.reason ?? null;
  switch (httpStatus) {
    case 401:
      return new ApiError(ExitCode.Forbidden, 401, reason, `the API server did not accept the credentials: ${message}`, 'log in again or check the user in your kubeconfig (kubectl auth whoami)');
    case 403:
      return new ApiError(ExitCode.Forbidden, 403, reason, message, /PodSecurity/.test(message) ? null : `ask for that permission (see the RBAC section of the README)`);
    case 404:
      return new ApiError(ExitCode.NotFound, 404, reason, message, null);
    default:
      if (httpStatus >= 500) return new ApiError(ExitCode.Unreachable, httpStatus, reason, `the API server failed ${what}: ${message}`, 'try again; if it persists, check the cluster');
      return new ApiError(ExitCode.Bug, httpStatus, reason, `${what}: ${message}`, null);
  }
}

/** Captures what client-node's authentication wants to put on a request. */
class AuthContext {
  headers: Record<string, string> = {};
  dispatcher: Dispatcher | undefined;
  setHeaderParam(key: string, value: string): void {
    this.headers[key] = value;
  }
  setDispatcher(d: Dispatcher): void {
    this.dispatcher = d;
  }
}

export class KubeHttp {
  readonly server: string;
  readonly log: RequestRecord[] = [];

  constructor(
    private kc: KubeConfig,
    private options: HttpOptions,
  ) {
    const cluster = kc.getCurrentCluster();
    if (!cluster) throw new MemwhyError(ExitCode.Unreachable, 'the kubeconfig context names no cluster', 'check kubectl config view --minify');
    this.server = cluster.server.replace(/\/+$/, '');
  }

  /**
   * Authentication for one request. Applied per request so that a rotated tokenFile is picked up, as
   * kubectl does; exec credentials are cached by the authenticator until they expire.
   */
  private async authContext(): Promise<AuthContext> {
    const ctx = new AuthContext();
    // The interface is client-node's RequestContext; only these two methods are used.
    await this.kc.applySecurityAuthentication(ctx as unknown as Parameters<KubeConfig['applySecurityAuthentication']>[0]);
    return ctx;
  }

  private async send(method: string, path: string, init: { body?: string; accept?: string; signal?: AbortSignal; stream?: boolean }): Promise<{ status: number; body: ReadableStream<Uint8Array> | null; text: () => Promise<string> }> {
    const auth = await this.authContext();
    const signals = [init.signal, !init.stream && this.options.timeoutMs ? AbortSignal.timeout(this.options.timeoutMs) : undefined].filter((s): s is AbortSignal => !!s);
    const started = Date.now();
    const record: RequestRecord = { method, path, status: null, ms: 0 };
    this.log.push(record);
    try {
      const url = init.stream || !this.options.timeoutParam ? path : `${path}${path.includes('?') ? '&' : '?'}timeout=${encodeURIComponent(this.options.timeoutParam)}`;
      const res = await fetch(`${this.server}${url}`, {
        method,
        headers: { Accept: init.accept ?? 'application/json', ...(init.body ? { 'Content-Type': 'application/json' } : {}), 'User-Agent': 'kubectl-memwhy', ...auth.headers },
        body: init.body,
        dispatcher: auth.dispatcher,
        signal: signals.length ? AbortSignal.any(signals) : undefined,
      });
      record.status = res.status;
      record.ms = Date.now() - started;
      return { status: res.status, body: res.body as ReadableStream<Uint8Array> | null, text: () => res.text() };
    } catch (e) {
      record.ms = Date.now() - started;
      throw this.networkError(e, init.signal);
    }
  }

  private networkError(e: unknown, signal: AbortSignal | undefined): MemwhyError {
    if (e instanceof MemwhyError) return e;
    if (signal?.aborted) return new MemwhyError(ExitCode.Interrupted, 'interrupted');
    const err = e as Error & { cause?: Error & { code?: string } };
    if (err.name === 'TimeoutError' || err.cause?.name === 'TimeoutError') {
      return new MemwhyError(ExitCode.Unreachable, `the API server at ${this.server} did not answer within ${(this.options.timeoutMs ?? 0) / 1000}s`, 'raise --request-timeout, or check the cluster');
    }
    const explained = this.options.explain?.(e);
    if (explained) return explained;
    const cause = err.cause?.message ?? err.message;
    return new MemwhyError(ExitCode.Unreachable, `cannot reach the API server at ${this.server}: ${cause}`, 'check --context/--kubeconfig and that the cluster is reachable (kubectl cluster-info)');
  }

  /**
   * An error while reading a streamed body that had begun (a watch, a followed log): the connection worked, then
   * broke. Not worded as "cannot connect", which would send the user after URLs, proxies and certificates.
   */
  private streamError(e: unknown, signal: AbortSignal | undefined, what: string): MemwhyError {
    if (e instanceof MemwhyError) return e;
    if (signal?.aborted) return new MemwhyError(ExitCode.Interrupted, 'interrupted');
    const err = e as Error & { cause?: Error };
    const cause = err.cause?.message ?? err.message;
    return new MemwhyError(ExitCode.Unreachable, `the API server at ${this.server} broke off ${what}: ${cause}`, 'run again; if it keeps happening, check for a proxy or load balancer that cuts long requests');
  }

  private async expectOk(res: { status: number; text: () => Promise<string> }, what: string): Promise<string> {
    const text = await res.text();
    if (res.status >= 200 && res.status < 300) return text;
    throw statusError(res.status, text, what);
  }

  async getJson<T>(path: string, query?: Query, signal?: AbortSignal): Promise<T> {
    const full = withQuery(path, query);
    const text = await this.expectOk(await this.send('GET', full, { signal }), `GET ${path}`);
    return JSON.parse(text) as T;
  }

  async getText(path: string, query?: Query, signal?: AbortSignal): Promise<string> {
    const full = withQuery(path, query);
    return this.expectOk(await this.send('GET', full, { signal, accept: '*/*' }), `GET ${path}`);
  }

  async postJson<T>(path: string, body: unknown, signal?: AbortSignal): Promise<T> {
    const text = await this.expectOk(await this.send('POST', path, { body: JSON.stringify(body), signal }), `POST ${path}`);
    return JSON.parse(text) as T;
  }

  async delete(path: string, query?: Query, signal?: AbortSignal): Promise<void> {
    await this.expectOk(await this.send('DELETE', withQuery(path, query), { signal }), `DELETE ${path}`);
  }

  /** A streamed text body (pods/log?follow=true): yields chunks as they arrive until the stream ends or `signal` aborts. */
  async *streamText(path: string, query: Query, signal: AbortSignal): AsyncGenerator<string> {
    const res = await this.send('GET', withQuery(path, query), { signal, stream: true, accept: '*/*' });
    if (res.status < 200 || res.status >= 300) throw statusError(res.status, await res.text(), `GET ${path}`);
    if (!res.body) return;
    const decoder = new TextDecoder();
    const reader = res.body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return;
        yield decoder.decode(value, { stream: true });
      }
    } catch (e) {
      throw this.streamError(e, signal, `the stream of ${path}`);
    } finally {
      await reader.cancel().catch(() => undefined);
    }
  }

  /**
   * A watch: calls `onEvent` for each event until the server ends the stream, `signal` aborts, or
   * `onEvent` returns true (done). Resolves with whether `onEvent` said done.
   */
  async watch<T>(path: string, query: Query, onEvent: (type: string, object: T) => boolean | void, signal: AbortSignal): Promise<boolean> {
    const res = await this.send('GET', withQuery(path, { ...query, watch: true }), { signal, stream: true });
    if (res.status < 200 || res.status >= 300) throw statusError(res.status, await res.text(), `watch ${path}`);
    if (!res.body) return false;
    const decoder = new TextDecoder();
    let buffered = '';
    const reader = res.body.getReader();
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return false;
        buffered += decoder.decode(value, { stream: true });
        let nl: number;
        while ((nl = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, nl).trim();
          buffered = buffered.slice(nl + 1);
          if (!line) continue;
          const ev = JSON.parse(line) as { type?: string; object?: T };
          if (ev.type === 'ERROR') throw statusError(((ev.object as KStatus | undefined)?.code ?? 500), JSON.stringify(ev.object), `watch ${path}`);
          if (onEvent(ev.type ?? '', ev.object as T)) return true;
        }
      }
    } catch (e) {
      throw this.streamError(e, signal, `the watch of ${path}`);
    } finally {
      await reader.cancel().catch(() => undefined);
    }
  }
}
