// KubeHttp against small raw HTTP servers, over both transports (Node's http and client-node over undici): any
// port kubectl reaches (6000 is on fetch's blocked list), a connection reset retried, Retry-After honoured, an
// abort that ends a request the server never answers, --request-timeout before and during a body, and bodies
// bounded in size.
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { describe, test } from 'node:test';
import { ExitCode, MemwhyError } from '../../src/cli/exit-codes.js';
import { buildKubeConfig } from '../../src/kube/config/build-kubeconfig.js';
import type { ClientParts } from '../../src/kube/config/client-parts.js';
import { KubeHttp, retryAfterMs } from '../../src/kube/http.js';
import { ClientNodeTransport } from '../../src/kube/transport/client-node.js';
import { NodeTransport } from '../../src/kube/transport/node-https.js';

async function serve(handler: http.RequestListener, port = 0): Promise<{ url: string; close: () => Promise<void> }> {
  const sockets = new Set<Socket>();
  const server = http.createServer(handler);
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

const TRANSPORTS = ['node', 'client-node'] as const;
type Kind = (typeof TRANSPORTS)[number];

function client(url: string, kind: Kind, timeoutMs: number | null = null): KubeHttp {
  const parts: ClientParts = {
    cluster: { name: 'c', server: url, skipTLSVerify: true },
    user: { name: 'u' },
    plan: { tokenFile: null, fallbackToken: null, exec: null, headers: {} },
    contextName: 'x',
    namespace: 'default',
    exec: { env: {}, cwd: '/', stdinIsTerminal: false, stderr: null },
  };
  const transport = kind === 'node' ? new NodeTransport(url, parts) : new ClientNodeTransport(buildKubeConfig(parts));
  return new KubeHttp(url, transport, { timeoutMs });
}

const json = (res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void => {
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers });
  res.end(JSON.stringify(body));
};

for (const kind of TRANSPORTS) {
  describe(`over ${kind}`, () => {
    test("an API server on port 6000 (fetch's blocked-port list) is reached, as kubectl reaches it", async (t) => {
      let s;
      try {
        s = await serve((_req, res) => json(res, 200, { kind: 'Pod', metadata: { name: 'x' } }), 6000);
      } catch (e) {
        t.skip(`port 6000 is in use here: ${(e as Error).message}`);
        return;
      }
      try {
        const pod = await client(s.url, kind).getJson<{ metadata: { name: string } }>(
          '/api/v1/namespaces/default/pods/x',
        );
        assert.equal(pod.metadata.name, 'x');
      } finally {
        await s.close();
      }
    });

    test('a connection reset on a GET is tried again; the answer comes from the second try', async () => {
      let n = 0;
      const s = await serve((req, res) => {
        if (++n === 1) {
          req.socket.destroy();
          return;
        }
        json(res, 200, { items: [] });
      });
      try {
        assert.deepEqual(await client(s.url, kind).getJson('/api/v1/pods'), { items: [] });
        assert.equal(n, 2);
      } finally {
        await s.close();
      }
    });

    test('bodies are text as sent: ASCII as is, UTF-8 split across writes mid-character decoded whole', async () => {
      const message = 'Ünïcødé ☃ 🙂 evicted';
      const bytes = Buffer.from(JSON.stringify({ kind: 'Status', message }));
      const at = bytes.indexOf(Buffer.from('🙂')) + 2; // inside the emoji's four bytes
      const s = await serve((req, res) => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        if (req.url?.includes('ascii')) return res.end(JSON.stringify({ kind: 'Pod', metadata: { name: 'p-1' } }));
        res.write(bytes.subarray(0, at));
        setTimeout(() => res.end(bytes.subarray(at)), 20);
      });
      try {
        const h = client(s.url, kind);
        assert.equal((await h.getJson<{ message: string }>('/api/v1/namespaces/default/events/x')).message, message);
        assert.equal(
          await h.getText('/api/v1/namespaces/default/pods/ascii'),
          JSON.stringify({ kind: 'Pod', metadata: { name: 'p-1' } }),
        );
      } finally {
        await s.close();
      }
    });

    test('429 with Retry-After: 1 is waited for and tried again; three 503s in a row fail with exit 5', async () => {
      const times: number[] = [];
      const s = await serve((req, res) => {
        times.push(Date.now());
        if (req.url?.startsWith('/busy')) return json(res, 503, { kind: 'Status', message: 'busy', code: 503 });
        if (times.length === 1)
          return json(res, 429, { kind: 'Status', message: 'too many requests', code: 429 }, { 'Retry-After': '1' });
        json(res, 200, { ok: true });
      });
      try {
        const h = client(s.url, kind);
        assert.deepEqual(await h.getJson('/api/v1/pods'), { ok: true });
        assert.ok(times[1]! - times[0]! >= 950, `waited ${times[1]! - times[0]!} ms`);
        times.length = 0;
        await assert.rejects(
          h.getJson('/busy'),
          (e: unknown) => e instanceof MemwhyError && e.code === ExitCode.Unreachable && /busy/.test(e.message),
        );
        assert.equal(times.length, 3, 'three tries in all');
      } finally {
        await s.close();
      }
      assert.equal(retryAfterMs('2'), 2000);
      assert.equal(retryAfterMs(new Date(Date.now() + 3000).toUTCString())! > 1000, true);
      assert.equal(retryAfterMs(undefined), null);
    });

    test('a server that never answers: an abort ends the GET at once, as "interrupted"', async () => {
      const s = await serve(() => undefined);
      try {
        const ac = new AbortController();
        setTimeout(() => ac.abort(), 200);
        const t0 = Date.now();
        await assert.rejects(
          client(s.url, kind).getJson('/api/v1/pods', undefined, ac.signal),
          (e: unknown) => e instanceof MemwhyError && e.code === ExitCode.Interrupted,
        );
        assert.ok(Date.now() - t0 < 1500, `${Date.now() - t0} ms`);
      } finally {
        await s.close();
      }
    });

    test('bodies are bounded: a reader log over the limit is cut and says so; an abort while it streams is "interrupted"', async () => {
      const s = await serve((req, res) => {
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        if (req.url?.startsWith('/slow')) {
          res.write('x'.repeat(1000)); // then nothing more
          return;
        }
        res.end('y'.repeat(5000));
      });
      try {
        const h = client(s.url, kind);
        const cut = await h.getTextBounded('/log', undefined, undefined, 1024);
        assert.equal(cut.cut, true);
        assert.equal(cut.text.length, 1024);
        const whole = await h.getTextBounded('/log', undefined, undefined, 10_000);
        assert.deepEqual([whole.cut, whole.text.length], [false, 5000]);
        const ac = new AbortController();
        setTimeout(() => ac.abort(), 200);
        await assert.rejects(
          h.getText('/slow', undefined, ac.signal),
          (e: unknown) => e instanceof MemwhyError && e.code === ExitCode.Interrupted && e.message === 'interrupted',
        );
      } finally {
        await s.close();
      }
    });

    test('--request-timeout: no answer in time is "did not answer within"; a body cut off by it is "did not finish"', async () => {
      const s = await serve((req, res) => {
        if (req.url?.startsWith('/silent')) return; // never answers
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.write('{"items": ['); // then nothing more
      });
      try {
        const h = client(s.url, kind, 300);
        const t0 = Date.now();
        await assert.rejects(
          h.getJson('/silent'),
          (e: unknown) =>
            e instanceof MemwhyError &&
            e.code === ExitCode.Unreachable &&
            e.message === `the API server at ${s.url} did not answer within 0.3s`,
        );
        assert.ok(Date.now() - t0 < 2000, `${Date.now() - t0} ms`);
        await assert.rejects(
          h.getJson('/partial'),
          (e: unknown) =>
            e instanceof MemwhyError &&
            e.code === ExitCode.Unreachable &&
            e.message === `the API server at ${s.url} did not finish GET /partial within 0.3s`,
        );
      } finally {
        await s.close();
      }
    });

    test('a POST carries its JSON body with Content-Type and the right length; a watch delivers events line by line', async () => {
      const got: { method?: string; type?: string; length?: string; body: string }[] = [];
      const s = await serve((req, res) => {
        if (req.method === 'POST') {
          let body = '';
          req.on('data', (d: Buffer) => (body += d.toString()));
          req.on('end', () => {
            got.push({
              method: req.method,
              type: req.headers['content-type'],
              length: req.headers['content-length'],
              body,
            });
            json(res, 201, JSON.parse(body));
          });
          return;
        }
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.write('{"type":"ADDED","object":{"n":1}}\n{"type":"MODIFIED",');
        setTimeout(() => res.end('"object":{"n":2}}\n'), 50);
      });
      try {
        const h = client(s.url, kind);
        const pod = { metadata: { name: 'ü-reader' } };
        assert.deepEqual(await h.postJson('/api/v1/namespaces/default/pods', pod), pod);
        const body = JSON.stringify(pod);
        assert.deepEqual(got, [
          { method: 'POST', type: 'application/json', length: String(Buffer.byteLength(body)), body },
        ]);
        const events: string[] = [];
        const ac = new AbortController();
        const done = await h.watch<{ n: number }>(
          '/api/v1/pods',
          {},
          (type, o) => {
            events.push(`${type} ${o.n}`);
            return o.n === 2;
          },
          ac.signal,
        );
        assert.deepEqual([done, events], [true, ['ADDED 1', 'MODIFIED 2']]);
        assert.equal(h.transportKind, kind);
      } finally {
        await s.close();
      }
    });
  });
}
