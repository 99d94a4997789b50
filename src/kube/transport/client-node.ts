// The transport for what needs client-node: its applySecurityAuthentication decides the headers and the TLS/proxy
// dispatcher of each request (exec plugins through memwhy's authenticator, auth providers, proxy-url and
// HTTPS_PROXY), and undici's `request` sends it. undici's `request`, not `fetch`: fetch refuses the WHATWG
// "bad ports" (6000, 6665…), and kubectl connects to any port.
import type { KubeConfig } from '@kubernetes/client-node';
import { request, type Dispatcher } from 'undici';
import type { Answer, OutgoingRequest, Transport } from './types.js';

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

export class ClientNodeTransport implements Transport {
  readonly kind = 'client-node';

  constructor(private kc: KubeConfig) {}

  /**
   * Authentication for one request. Applied per request so that a rotated tokenFile is picked up, as
   * kubectl does; exec credentials are cached by the authenticator until they expire.
   */
  private async authContext(): Promise<AuthContext> {
    const ctx = new AuthContext();
    // The interface is client-node's RequestContext; only these two methods are used.
    await this.kc.applySecurityAuthentication(
      ctx as unknown as Parameters<KubeConfig['applySecurityAuthentication']>[0],
    );
    return ctx;
  }

  async send(req: OutgoingRequest): Promise<Answer> {
    const auth = await this.authContext();
    const res = await request(req.url, {
      method: req.method as Dispatcher.HttpMethod,
      headers: { ...req.headers, ...auth.headers },
      body: req.body,
      dispatcher: auth.dispatcher,
      signal: req.signal,
    });
    return { status: res.statusCode, headers: res.headers, body: res.body };
  }
}
