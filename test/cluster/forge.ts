// A man in the middle for tests: a plain HTTP proxy in front of the test cluster's HTTP listener that can
// delay, hold (never answer), or rewrite answers, as a slow admission webhook, a hung API server, a buffering load
// balancer or a hostile, non-validating server would. It knows nothing about memwhy: rules match a method and a
// path, and act on the bytes of the request and the answer.
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface ForgeRule {
  method?: string;
  /** Matched against the path with its query string. */
  path: RegExp;
  /** Only the first N matching requests (default: all). */
  times?: number;
  /** Called when a matching request arrives, before anything else happens to it. */
  onRequest?: (req: { method: string; url: string }) => void;
  /** Waits this long before forwarding (an admission webhook, a slow server). The upstream still gets it. */
  delayMs?: number;
  /** Never answers: no status line, nothing (a hung server). The upstream never sees the request. */
  hold?: boolean;
  /** Answers 200 with headers and then nothing (a watch through a proxy that buffers streams). */
  silentStream?: boolean;
  /** Rewrites the whole answer body (the answer is buffered; Content-Length is set again). */
  body?: (body: Buffer, req: { method: string; url: string }) => Buffer | string;
}

export interface Forge {
  url: string;
  add(rule: ForgeRule): () => void;
  clear(): void;
  /** Paths of requests seen, in order (`METHOD /path?query`). */
  seen: string[];
  close(): Promise<void>;
}

interface Entry {
  rule: ForgeRule;
  left: number;
}

export async function startForge(upstream: string): Promise<Forge> {
  const target = new URL(upstream);
  let entries: Entry[] = [];
  const seen: string[] = [];
  const sockets = new Set<Socket>();
  const take = (method: string, url: string): ForgeRule | null => {
    for (const e of entries) {
      if (e.left <= 0 || (e.rule.method && e.rule.method !== method) || !e.rule.path.test(url)) continue;
      e.left--;
      return e.rule;
    }
    return null;
  };
  const server = http.createServer((req, res) => {
    const method = req.method ?? 'GET';
    const url = req.url ?? '/';
    seen.push(`${method} ${url}`);
    const rule = take(method, url);
    rule?.onRequest?.({ method, url });
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (rule?.hold) return;
      if (rule?.silentStream) {
        res.writeHead(200, { 'Content-Type': 'application/json', 'Transfer-Encoding': 'chunked' });
        res.flushHeaders();
        return;
      }
      const forward = (): void => {
        const up = http.request(
          {
            host: target.hostname,
            port: target.port,
            method,
            path: url,
            headers: { ...req.headers, host: target.host },
          },
          (answer) => {
            if (!rule?.body) {
              res.writeHead(answer.statusCode ?? 502, answer.headers);
              answer.pipe(res);
              return;
            }
            const parts: Buffer[] = [];
            answer.on('data', (c: Buffer) => parts.push(c));
            answer.on('end', () => {
              const out = Buffer.from(rule.body!(Buffer.concat(parts), { method, url }));
              const headers = { ...answer.headers, 'content-length': String(out.length) };
              delete headers['transfer-encoding'];
              res.writeHead(answer.statusCode ?? 502, headers);
              res.end(out);
            });
          },
        );
        up.on('error', () => res.destroy());
        res.on('close', () => up.destroy());
        up.end(Buffer.concat(chunks));
      };
      if (rule?.delayMs) setTimeout(forward, rule.delayMs);
      else forward();
    });
  });
  server.on('connection', (s: Socket) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    add(rule) {
      const e = { rule, left: rule.times ?? Infinity };
      entries.push(e);
      return () => {
        entries = entries.filter((x) => x !== e);
      };
    },
    clear() {
      entries = [];
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
