// The transport a run uses (transport/open.ts) and the static credentials applied without client-node
// (transport/static-auth.ts), held to client-node's own answer: for each kind of user, the headers of a request
// and the TLS options equal what KubeConfig.applySecurityAuthentication / applyOptions produce.
import assert from 'node:assert/strict';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { test } from 'node:test';
import type { KubeConfig } from '@kubernetes/client-node';
import { buildKubeConfig } from '../../src/kube/config/build-kubeconfig.js';
import { MEMWHY_AUTH } from '../../src/kube/config/authenticator.js';
import type { ClientParts } from '../../src/kube/config/client-parts.js';
import { needsClientNode, openTransport } from '../../src/kube/transport/open.js';
import { StaticAuth, tlsOptions } from '../../src/kube/transport/static-auth.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'memwhy-transport-'));
const tokenFile = path.join(dir, 'token');
fs.writeFileSync(tokenFile, 'from-file\n');
const caFile = path.join(dir, 'ca.crt');
fs.writeFileSync(caFile, '-----BEGIN CERTIFICATE-----\nca-file\n-----END CERTIFICATE-----\n');
const b64 = (s: string) => Buffer.from(s).toString('base64');

function parts(
  over: { cluster?: Partial<ClientParts['cluster']>; user?: Partial<ClientParts['user']> } = {},
  plan: Partial<ClientParts['plan']> = {},
): ClientParts {
  return {
    cluster: { name: 'c', server: 'https://api.example:6443', skipTLSVerify: false, ...over.cluster },
    user: { name: 'u', ...over.user },
    plan: { tokenFile: null, fallbackToken: null, exec: null, headers: {}, ...plan },
    contextName: 'x',
    namespace: 'default',
    exec: { env: {}, cwd: dir, stdinIsTerminal: false, stderr: null },
  };
}

async function clientNodeHeaders(kc: KubeConfig): Promise<Record<string, string>> {
  const headers: Record<string, string> = {};
  const ctx = { setHeaderParam: (k: string, v: string) => (headers[k] = v), setDispatcher: () => undefined };
  await kc.applySecurityAuthentication(ctx as unknown as Parameters<KubeConfig['applySecurityAuthentication']>[0]);
  return headers;
}

async function clientNodeTls(kc: KubeConfig): Promise<Record<string, unknown>> {
  const opts: Record<string, unknown> = {};
  // applyOptions is private in client-node's types; it is what applySecurityAuthentication builds TLS from.
  await (kc as unknown as { applyOptions(o: unknown): Promise<void> }).applyOptions(opts);
  const out: Record<string, unknown> = {};
  for (const k of ['ca', 'cert', 'key', 'rejectUnauthorized', 'servername'])
    if (opts[k] !== undefined) out[k] = opts[k];
  return out;
}

const USERS: [string, ClientParts][] = [
  ['no credentials', parts()],
  ['a token', parts({ user: { token: 'abc' } })],
  ['basic auth', parts({ user: { username: 'alice', password: 's3cret:x' } })],
  [
    'impersonation',
    parts(
      { user: { token: 't', impersonateUser: 'bob', authProvider: { name: MEMWHY_AUTH, config: {} } } },
      { headers: { 'Impersonate-Group': 'devs', 'Impersonate-Uid': '42' } },
    ),
  ],
  [
    'a tokenFile',
    parts({ user: { authProvider: { name: MEMWHY_AUTH, config: {} } } }, { tokenFile, fallbackToken: 'fallback' }),
  ],
  [
    'client certificate data, CA data, tls-server-name',
    parts({
      cluster: { caData: b64('ca-data'), tlsServerName: 'kubernetes.default' },
      user: { certData: b64('cert'), keyData: b64('key') },
    }),
  ],
  ['a CA file and insecure-skip-tls-verify', parts({ cluster: { caFile, skipTLSVerify: true } })],
];

for (const [what, p] of USERS) {
  test(`${what}: the headers and TLS options are client-node's`, async () => {
    const kc = buildKubeConfig(p);
    assert.deepEqual(await new StaticAuth(p).headers(), await clientNodeHeaders(kc));
    assert.deepEqual({ ...tlsOptions(p) }, await clientNodeTls(kc));
    assert.equal(needsClientNode(p), false);
  });
}

test('a rotated tokenFile is read again for the next request', async () => {
  const p = USERS.find(([w]) => w === 'a tokenFile')![1];
  const auth = new StaticAuth(p);
  assert.equal((await auth.headers()).Authorization, 'Bearer from-file');
  fs.writeFileSync(tokenFile, 'rotated\n');
  try {
    assert.equal((await auth.headers()).Authorization, 'Bearer rotated');
  } finally {
    fs.writeFileSync(tokenFile, 'from-file\n');
  }
});

test('exec plugins, auth providers and proxies go through client-node; the rest over Node https', async () => {
  const exec = parts(
    { user: { authProvider: { name: MEMWHY_AUTH, config: {} } } },
    {
      exec: {
        userName: 'u',
        command: 'true',
        args: [],
        env: [],
        apiVersion: 'client.authentication.k8s.io/v1',
        installHint: '',
        interactiveMode: 'Never',
        cluster: null,
      } as never,
    },
  );
  const oidc = parts({ user: { authProvider: { name: 'oidc', config: { 'id-token': 'x' } } } });
  const proxied = parts({ cluster: { proxyUrl: 'http://proxy:3128' }, user: { token: 't' } });
  assert.deepEqual([exec, oidc, proxied].map(needsClientNode), [true, true, true]);
  assert.equal((await openTransport('https://api.example:6443', parts({ user: { token: 't' } }))).kind, 'node');
  assert.equal((await openTransport('https://api.example:6443', proxied)).kind, 'client-node');
  assert.equal((await openTransport('https://api.example:6443', oidc)).kind, 'client-node');
});
