// The transport for static credentials: Node's own http/https with one keep-alive agent per run, so a run loads
// neither client-node nor undici (about 350 ms of start-up; bench/RESULTS.md). Aborting (Ctrl-C or
// --request-timeout) ends the request, or the body being read, with the signal's reason, as undici does.
import { createRequire } from 'node:module';
import type * as Http from 'node:http';
import type * as Https from 'node:https';
import type { ClientParts } from '../config/client-parts.js';
import { StaticAuth, tlsOptions } from './static-auth.js';
import type { Answer, OutgoingRequest, Transport } from './types.js';

// Required, not imported: the ESM facade of node:http reads every export, and its lazy WebSocket/EventSource
// getters load Node's internal undici (~20 ms measured in a CPU profile of dist/cli.js).
const load = createRequire(import.meta.url);
const http = load('node:http') as typeof Http;
const https = load('node:https') as typeof Https;

function reasonOf(signal: AbortSignal): Error {
  const r = signal.reason as unknown;
  return r instanceof Error ? r : Object.assign(new Error('This operation was aborted'), { name: 'AbortError' });
}

export class NodeTransport implements Transport {
  readonly kind = 'node';
  private readonly secure: boolean;
  private readonly agent: Http.Agent;
  private readonly auth: StaticAuth;

  constructor(server: string, parts: ClientParts) {
    this.secure = server.startsWith('https:');
    // client-go keeps connections alive with a 30 s TCP keep-alive; so does client-node's undici agent.
    this.agent = this.secure
      ? new https.Agent({ keepAlive: true, keepAliveMsecs: 30_000, ...tlsOptions(parts) })
      : new http.Agent({ keepAlive: true, keepAliveMsecs: 30_000 });
    this.auth = new StaticAuth(parts);
  }

  async send(req: OutgoingRequest): Promise<Answer> {
    const headers: Record<string, string> = { ...req.headers, ...(await this.auth.headers()) };
    if (req.body !== undefined) headers['Content-Length'] = String(Buffer.byteLength(req.body));
    const signal = req.signal;
    if (signal?.aborted) throw reasonOf(signal);
    return new Promise<Answer>((resolve, reject) => {
      const outgoing = (this.secure ? https : http).request(req.url, {
        method: req.method,
        headers,
        agent: this.agent,
      });
      let incoming: Http.IncomingMessage | undefined;
      const onAbort = (): void => {
        const why = reasonOf(signal!);
        incoming?.destroy(why);
        outgoing.destroy(why);
      };
      const done = (): void => signal?.removeEventListener('abort', onAbort);
      signal?.addEventListener('abort', onAbort, { once: true });
      // After the answer has arrived, a broken connection shows on the body being read, not here.
      outgoing.on('error', (e) => {
        if (!incoming) done();
        reject(e);
      });
      outgoing.once('response', (res) => {
        incoming = res;
        res.once('close', done);
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: res });
      });
      outgoing.end(req.body);
    });
  }
}
