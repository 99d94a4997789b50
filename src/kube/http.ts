// A small raw client for the Kubernetes REST API. The requests are plain HTTP requests, so objects arrive exactly
// as the API serves them (kubectl get -o json) — the generated client would turn timestamps into Date objects,
// and `--save` must write what the API sent. Authentication and TLS are the transport's (transport/open.ts:
// Node's https for static credentials, client-node over undici for exec plugins, auth providers and proxies).
//
// Every request takes the run's abort signal; idempotent GETs are retried briefly on 429 (honouring Retry-After),
// 503 and a connection reset; every body is read with a size limit.
import { isAscii } from 'node:buffer';
import { ExitCode, MemwhyError, type ExitCodeValue } from '../errors.js';
import { provenVisible, visible } from '../core/visible.js';
import type { Answer, Transport } from './transport/types.js';

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

/** The largest JSON answer read (a list of every pod on a big node is a few MB). */
export const MAX_JSON_BYTES = 64 * 1024 * 1024;
/** Tries of an idempotent GET in all (the first and the retries). */
const GET_ATTEMPTS = 3;
/** The longest Retry-After honoured; a longer one is not waited for. */
const MAX_RETRY_AFTER_MS = 5_000;

/** A body longer than a read's limit. */
export class TooLargeError extends MemwhyError {
  constructor(what: string, limit: number) {
    super(
      ExitCode.Unreachable,
      `${what} is larger than ${Math.round(limit / 1024 / 1024)} MiB: not read`,
      'this is not what the API server normally sends; check for a proxy in between',
    );
  }
}

/** Waits `ms`, or less when `signal` aborts (then throws Interrupted). */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new MemwhyError(ExitCode.Interrupted, 'interrupted'));
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
    };
    const onAbort = (): void => {
      done();
      reject(new MemwhyError(ExitCode.Interrupted, 'interrupted'));
    };
    const timer = setTimeout(() => {
      done();
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/** How long a Retry-After header asks to wait (seconds or an HTTP date), in ms; null when absent or unusable. */
export function retryAfterMs(header: string | string[] | undefined, now = Date.now()): number | null {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return null;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const at = Date.parse(value);
  return Number.isFinite(at) ? Math.max(0, at - now) : null;
}

/** A connection that broke (reset, closed) rather than one that could not be made. */
function isConnectionReset(e: unknown): boolean {
  for (
    let x = e as { code?: string; cause?: unknown } | undefined, depth = 0;
    x && depth < 5;
    x = x.cause as typeof x, depth++
  ) {
    if (x.code === 'ECONNRESET' || x.code === 'UND_ERR_SOCKET' || x.code === 'EPIPE') return true;
  }
  return false;
}

/**
 * A body as text. API answers are almost always ASCII, and an ASCII buffer read as latin1 is the same text without
 * UTF-8 decoding: 41 MB of pod pages (10,000 pods) decode in ~20 ms instead of ~65.
 */
function decodeBody(body: Buffer): string {
  return isAscii(body) ? body.toString('latin1') : body.toString('utf8');
}

/** Drops a body not (fully) read; the transport then reports an abort on it, which is expected here. */
function discard(body: Answer['body']): void {
  body.on('error', () => undefined);
  body.destroy();
}

function withQuery(path: string, query?: Query): string {
  if (!query) return path;
  const q = Object.entries(query)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`);
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
  // The server's words reach the terminal: control characters are shown, never sent raw.
  const message = visible(
    ((typeof s.message === 'string' ? s.message : null) ?? body.trim().slice(0, 2000)) || `HTTP ${httpStatus}`,
  );
  const reason = s.reason ?? null;
  switch (httpStatus) {
    case 401:
      return new ApiError(
        ExitCode.Forbidden,
        401,
        reason,
        `the API server did not accept the credentials: ${message}`,
        'log in again or check the user in your kubeconfig (kubectl auth whoami)',
      );
    case 403:
      return new ApiError(
        ExitCode.Forbidden,
        403,
        reason,
        message,
        /PodSecurity/.test(message) ? null : `ask for that permission (see the RBAC section of the README)`,
      );
    case 404:
      return new ApiError(ExitCode.NotFound, 404, reason, message, null);
    default:
      if (httpStatus >= 500)
        return new ApiError(
          ExitCode.Unreachable,
          httpStatus,
          reason,
          `the API server failed ${what}: ${message}`,
          'try again; if it persists, check the cluster',
        );
      return new ApiError(ExitCode.Bug, httpStatus, reason, `${what}: ${message}`, null);
  }
}

export class KubeHttp {
  readonly server: string;
  readonly log: RequestRecord[] = [];

  constructor(
    server: string,
    private transport: Transport,
    private options: HttpOptions,
  ) {
    this.server = server.replace(/\/+$/, '');
  }

  /** Which transport carries the requests (transport/types.ts). */
  get transportKind(): Transport['kind'] {
    return this.transport.kind;
  }

  private async send(
    method: string,
    path: string,
    init: { body?: string; accept?: string; signal?: AbortSignal; stream?: boolean },
  ): Promise<Answer> {
    if (init.signal?.aborted) throw new MemwhyError(ExitCode.Interrupted, 'interrupted');
    const signals = [
      init.signal,
      !init.stream && this.options.timeoutMs ? AbortSignal.timeout(this.options.timeoutMs) : undefined,
    ].filter((s): s is AbortSignal => !!s);
    const started = Date.now();
    const record: RequestRecord = { method, path, status: null, ms: 0 };
    this.log.push(record);
    try {
      const url =
        init.stream || !this.options.timeoutParam
          ? path
          : `${path}${path.includes('?') ? '&' : '?'}timeout=${encodeURIComponent(this.options.timeoutParam)}`;
      const res = await this.transport.send({
        method,
        url: `${this.server}${url}`,
        headers: {
          Accept: init.accept ?? 'application/json',
          ...(init.body ? { 'Content-Type': 'application/json' } : {}),
          'User-Agent': 'kubectl-memwhy',
        },
        body: init.body,
        signal: signals.length ? AbortSignal.any(signals) : undefined,
      });
      record.status = res.status;
      record.ms = Date.now() - started;
      return res;
    } catch (e) {
      record.ms = Date.now() - started;
      const err = this.networkError(e, init.signal);
      // Kept for sendGet, which tries a reset connection again.
      if (err !== e && (err as { cause?: unknown }).cause === undefined)
        Object.defineProperty(err, 'cause', { value: e, enumerable: false });
      throw err;
    }
  }

  private networkError(e: unknown, signal: AbortSignal | undefined): MemwhyError {
    if (e instanceof MemwhyError) return e;
    if (signal?.aborted) return new MemwhyError(ExitCode.Interrupted, 'interrupted');
    const err = e as Error & { cause?: Error & { code?: string } };
    if (err.name === 'TimeoutError' || err.cause?.name === 'TimeoutError') {
      return new MemwhyError(
        ExitCode.Unreachable,
        `the API server at ${this.server} did not answer within ${(this.options.timeoutMs ?? 0) / 1000}s`,
        'raise --request-timeout, or check the cluster',
      );
    }
    // A reset after the server has answered this run is the connection breaking, not a wrong URL, TLS or proxy.
    if (isConnectionReset(e) && this.log.some((r) => r.status !== null)) {
      return new MemwhyError(
        ExitCode.Unreachable,
        `the connection to the API server at ${this.server} was reset (${err.cause?.message ?? err.message})`,
        'run again; if it keeps happening, check the network path to the cluster (load balancer, VPN)',
      );
    }
    const explained = this.options.explain?.(e);
    if (explained) return explained;
    const cause = err.cause?.message ?? err.message;
    return new MemwhyError(
      ExitCode.Unreachable,
      `cannot reach the API server at ${this.server}: ${cause}`,
      'check --context/--kubeconfig and that the cluster is reachable (kubectl cluster-info)',
    );
  }

  /**
   * An error while reading a streamed body that had begun (a watch, a followed log): the connection worked, then
   * broke. Not worded as "cannot connect", which would send the user after URLs, proxies and certificates.
   */
  private streamError(e: unknown, signal: AbortSignal | undefined, what: string): MemwhyError {
    if (e instanceof MemwhyError) return e;
    if (signal?.aborted) return new MemwhyError(ExitCode.Interrupted, 'interrupted');
    const err = e as Error & { cause?: Error };
    if (err.name === 'TimeoutError' || err.cause?.name === 'TimeoutError') {
      return new MemwhyError(
        ExitCode.Unreachable,
        `the API server at ${this.server} did not finish ${what} within ${(this.options.timeoutMs ?? 0) / 1000}s`,
        'raise --request-timeout, or check the cluster',
      );
    }
    const cause = err.cause?.message ?? err.message;
    return new MemwhyError(
      ExitCode.Unreachable,
      `the API server at ${this.server} broke off ${what}: ${cause}`,
      'run again; if it keeps happening, check for a proxy or load balancer that cuts long requests',
    );
  }

  /** The whole body as text, at most `limit` bytes (more → TooLargeError, or cut when `cut` is set). */
  private async readBody(
    res: Answer,
    signal: AbortSignal | undefined,
    what: string,
    limit: number,
    cut = false,
  ): Promise<{ text: string; cut: boolean }> {
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of res.body) {
        size += chunk.length;
        if (size > limit) {
          discard(res.body);
          if (!cut) throw new TooLargeError(what, limit);
          chunks.push(chunk.subarray(0, chunk.length - (size - limit)));
          return { text: decodeBody(Buffer.concat(chunks)), cut: true };
        }
        chunks.push(chunk);
      }
    } catch (e) {
      throw this.streamError(e, signal, what);
    }
    return { text: decodeBody(Buffer.concat(chunks)), cut: false };
  }

  private async expectOk(
    res: Answer,
    what: string,
    signal: AbortSignal | undefined,
    limit = MAX_JSON_BYTES,
  ): Promise<string> {
    const { text } = await this.readBody(
      res,
      signal,
      what,
      res.status >= 200 && res.status < 300 ? limit : 1024 * 1024,
    );
    if (res.status >= 200 && res.status < 300) return text;
    throw statusError(res.status, text, what);
  }

  /**
   * A GET, tried again (at most GET_ATTEMPTS in all) when the answer is 429 (after its Retry-After, if not too
   * long), 503, or the connection was reset; never after the run was interrupted.
   */
  private async sendGet(path: string, init: { accept?: string; signal?: AbortSignal }): Promise<Answer> {
    for (let attempt = 1; ; attempt++) {
      const last = attempt >= GET_ATTEMPTS;
      let res: Answer;
      try {
        res = await this.send('GET', path, init);
      } catch (e) {
        if (last || init.signal?.aborted || !isConnectionReset(e)) throw e;
        await pause(200 * attempt, init.signal);
        continue;
      }
      if (last || (res.status !== 429 && res.status !== 503)) return res;
      const wait = retryAfterMs(res.headers['retry-after']) ?? 250 * attempt;
      if (wait > MAX_RETRY_AFTER_MS) return res;
      discard(res.body);
      await pause(wait, init.signal);
    }
  }

  async getJson<T>(path: string, query?: Query, signal?: AbortSignal): Promise<T> {
    const full = withQuery(path, query);
    const text = await this.expectOk(await this.sendGet(full, { signal }), `GET ${path}`, signal);
    try {
      return provenVisible(JSON.parse(text) as T, text);
    } catch {
      throw new MemwhyError(
        ExitCode.Unreachable,
        `GET ${path}: the API server's answer is not JSON`,
        'check for a proxy in between',
      );
    }
  }

  /** A text body (a pod's log), cut at `limit` bytes (`cut` then says so). */
  async getTextBounded(
    path: string,
    query: Query | undefined,
    signal: AbortSignal | undefined,
    limit: number,
  ): Promise<{ text: string; cut: boolean }> {
    const full = withQuery(path, query);
    const res = await this.sendGet(full, { signal, accept: '*/*' });
    if (res.status < 200 || res.status >= 300)
      throw statusError(res.status, (await this.readBody(res, signal, `GET ${path}`, 1024 * 1024)).text, `GET ${path}`);
    return this.readBody(res, signal, `GET ${path}`, limit, true);
  }

  async getText(path: string, query?: Query, signal?: AbortSignal): Promise<string> {
    const full = withQuery(path, query);
    return this.expectOk(await this.sendGet(full, { signal, accept: '*/*' }), `GET ${path}`, signal);
  }

  async postJson<T>(path: string, body: unknown, signal?: AbortSignal): Promise<T> {
    const text = await this.expectOk(
      await this.send('POST', path, { body: JSON.stringify(body), signal }),
      `POST ${path}`,
      signal,
    );
    return JSON.parse(text) as T;
  }

  async delete(path: string, query?: Query, signal?: AbortSignal): Promise<void> {
    await this.expectOk(await this.send('DELETE', withQuery(path, query), { signal }), `DELETE ${path}`, signal);
  }

  /** A streamed text body (pods/log?follow=true): yields chunks as they arrive until the stream ends or `signal` aborts. */
  async *streamText(path: string, query: Query, signal: AbortSignal): AsyncGenerator<string> {
    const res = await this.send('GET', withQuery(path, query), { signal, stream: true, accept: '*/*' });
    if (res.status < 200 || res.status >= 300)
      throw statusError(res.status, (await this.readBody(res, signal, `GET ${path}`, 1024 * 1024)).text, `GET ${path}`);
    const decoder = new TextDecoder();
    try {
      for await (const chunk of res.body) yield decoder.decode(chunk, { stream: true });
    } catch (e) {
      throw this.streamError(e, signal, `the stream of ${path}`);
    } finally {
      discard(res.body);
    }
  }

  /**
   * A watch: calls `onEvent` for each event until the server ends the stream, `signal` aborts, or
   * `onEvent` returns true (done). Resolves with whether `onEvent` said done.
   */
  async watch<T>(
    path: string,
    query: Query,
    onEvent: (type: string, object: T) => boolean | void,
    signal: AbortSignal,
  ): Promise<boolean> {
    const res = await this.send('GET', withQuery(path, { ...query, watch: true }), { signal, stream: true });
    if (res.status < 200 || res.status >= 300)
      throw statusError(
        res.status,
        (await this.readBody(res, signal, `watch ${path}`, 1024 * 1024)).text,
        `watch ${path}`,
      );
    const decoder = new TextDecoder();
    let buffered = '';
    try {
      for await (const chunk of res.body) {
        buffered += decoder.decode(chunk, { stream: true });
        if (buffered.length > MAX_JSON_BYTES)
          throw new TooLargeError(`an event of the watch of ${path}`, MAX_JSON_BYTES);
        let nl: number;
        while ((nl = buffered.indexOf('\n')) >= 0) {
          const line = buffered.slice(0, nl).trim();
          buffered = buffered.slice(nl + 1);
          if (!line) continue;
          const ev = JSON.parse(line) as { type?: string; object?: T };
          if (ev.type === 'ERROR')
            throw statusError(
              (ev.object as KStatus | undefined)?.code ?? 500,
              JSON.stringify(ev.object),
              `watch ${path}`,
            );
          if (onEvent(ev.type ?? '', ev.object as T)) return true;
        }
      }
      return false;
    } catch (e) {
      throw this.streamError(e, signal, `the watch of ${path}`);
    } finally {
      discard(res.body);
    }
  }
}
