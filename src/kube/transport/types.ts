// What KubeHttp asks of a transport: send one request, answer with the status, the headers and the body as a
// stream. Two transports answer it (open.ts picks one per run): Node's own http/https for static credentials,
// and client-node's authentication over undici for exec plugins, auth providers and proxies.

/** One request as KubeHttp sends it: the full URL, its headers (authentication is the transport's to add). */
export interface OutgoingRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
  signal?: AbortSignal;
}

/** An answer whose body has not been read yet. */
export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: AsyncIterable<Buffer> & {
    destroy(e?: Error): unknown;
    on(event: 'error', listener: (e: Error) => void): unknown;
  };
}

export interface Transport {
  /** Which transport this is (for --verbose and tests): `node` = node:http(s), `client-node` = client-node + undici. */
  readonly kind: 'node' | 'client-node';
  send(req: OutgoingRequest): Promise<Answer>;
}
