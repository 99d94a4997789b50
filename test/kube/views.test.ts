// KubeViews' list paging (src/kube/views.ts) over a transport that answers from memory: pages are followed by
// their continue token, and the next page's request is out before the current page is parsed.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { KubeHttp } from '../../src/kube/http.js';
import type { Answer, OutgoingRequest, Transport } from '../../src/kube/transport/types.js';
import { KubeViews } from '../../src/kube/views.js';

function podPage(page: number, pages: number): string {
  const items = Array.from({ length: 3 }, (_, i) => ({
    metadata: { name: `p${page}-${i}`, namespace: 'team', uid: `u${page}-${i}` },
    spec: { containers: [{ name: 'app', resources: { requests: { memory: '64Mi' } } }] },
    status: { phase: 'Running' },
  }));
  const metadata = page < pages ? { resourceVersion: '7', continue: `page-${page + 1}` } : { resourceVersion: '7' };
  return JSON.stringify({ kind: 'PodList', apiVersion: 'v1', metadata, items });
}

/** Answers pod list pages; like node-https.ts it awaits its auth headers before the request leaves. */
class PagedTransport implements Transport {
  readonly kind = 'node' as const;
  readonly order: string[] = [];
  constructor(private pages: number) {}

  async send(req: OutgoingRequest): Promise<Answer> {
    await Promise.resolve({ Authorization: 'Bearer t' }); // this.auth.headers()
    const url = new URL(req.url);
    const page = Number(url.searchParams.get('continue')?.replace('page-', '') ?? '1');
    this.order.push(`sent ${page}`);
    const body = Buffer.from(podPage(page, this.pages));
    return {
      status: 200,
      headers: { 'content-type': 'application/json' },
      body: Object.assign(
        (async function* () {
          yield body;
        })(),
        { destroy: () => undefined, on: () => undefined },
      ),
    };
  }
}

test('the pod list follows every continue token, each next page requested before the current one is parsed', async (t) => {
  const transport = new PagedTransport(3);
  const views = new KubeViews(new KubeHttp('https://cluster.test', transport, { timeoutMs: null }));
  const parse = JSON.parse;
  t.mock.method(JSON, 'parse', (text: string, ...rest: []) => {
    const page = /"name":"p(\d)-0"/.exec(text);
    if (page) transport.order.push(`parsed ${page[1]}`);
    return parse(text, ...rest);
  });
  const pods = await views.listPods(
    { namespace: null, labelSelector: null, fieldSelector: null },
    new AbortController().signal,
  );
  assert.deepEqual(
    pods.map((p) => p.metadata?.name),
    ['p1-0', 'p1-1', 'p1-2', 'p2-0', 'p2-1', 'p2-2', 'p3-0', 'p3-1', 'p3-2'],
  );
  assert.deepEqual(transport.order, ['sent 1', 'sent 2', 'parsed 1', 'sent 3', 'parsed 2', 'parsed 3']);
});
