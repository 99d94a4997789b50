// kubeconfig loading, checked against kubectl itself: the same kubeconfig situations are run through the
// installed `kubectl get pods -o name` and through loadKubeconfig + client-node, against small local HTTP and
// HTTPS echo servers that record which server, namespace, Authorization and client certificate each request
// carried. Without kubectl on PATH, only memwhy's side runs (against the same expected values).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import type { TLSSocket } from 'node:tls';
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { fetch, type Dispatcher } from 'undici';
import type { KubeConfig } from '@kubernetes/client-node';
import {
  explainConnectionError,
  formatGoDuration,
  KubeconfigError,
  loadKubeconfig,
  parseGoDuration,
  parseRequestTimeout,
  proxyFromEnvironment,
  type LoadedKubeconfig,
  type LoadKubeconfigOptions,
} from '../../src/kube/config.js';
import { buildKubeConfig } from '../../src/kube/config/build-kubeconfig.js';
import { ClientNodeTransport } from '../../src/kube/transport/client-node.js';
import { openTransport } from '../../src/kube/transport/open.js';
import type { Transport } from '../../src/kube/transport/types.js';
import { ExitCode, MemwhyError } from '../../src/cli/exit-codes.js';
import { run } from '../../src/cli/main.js';

const FIXTURES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'kubeconfigs');
const KUBECTL = spawnSync('kubectl', ['version', '--client'], { encoding: 'utf8' }).status === 0 ? 'kubectl' : null;

// ---------------------------------------------------------------------------------------------------------
// Echo servers

type ServerId = 'http' | 'https' | 'self';

interface Seen {
  server: ServerId;
  path: string;
  query: string;
  authorization: string | null;
  cert: string | null;
  impersonateUser: string | null;
  impersonateGroup: string | null;
}

const seen: Seen[] = [];
const connects: string[] = [];

const DISCOVERY: Record<string, unknown> = {
  '/version': { major: '1', minor: '32', gitVersion: 'v1.32.4', platform: 'linux/amd64' },
  '/api': {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: '127.0.0.1' }],
  },
  '/apis': { kind: 'APIGroupList', apiVersion: 'v1', groups: [] },
  '/api/v1': {
    kind: 'APIResourceList',
    groupVersion: 'v1',
    resources: [
      { name: 'pods', singularName: 'pod', namespaced: true, kind: 'Pod', verbs: ['get', 'list'], shortNames: ['po'] },
    ],
  },
};

function handler(server: ServerId): http.RequestListener {
  return (req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const peer = (req.socket as TLSSocket).getPeerCertificate?.();
    const header = (name: string): string | null => {
      const v = req.headers[name];
      return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v;
    };
    seen.push({
      server,
      path: url.pathname,
      query: url.search,
      authorization: header('authorization'),
      cert: peer && peer.subject ? (peer.subject.CN as string) : null,
      impersonateUser: header('impersonate-user'),
      impersonateGroup: header('impersonate-group'),
    });
    res.setHeader('Content-Type', 'application/json');
    const body =
      DISCOVERY[url.pathname] ??
      (/^\/api\/v1\/namespaces\/[^/]+\/pods$/.test(url.pathname)
        ? { kind: 'PodList', apiVersion: 'v1', metadata: { resourceVersion: '1' }, items: [] }
        : null);
    if (body) {
      res.end(JSON.stringify(body));
    } else {
      res.statusCode = 404;
      res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404 }));
    }
  };
}

/** A CONNECT proxy that sends every tunnel to the local HTTPS echo server, whatever host was asked for. */
function connectProxy(target: () => number): http.Server {
  const proxy = http.createServer((_req, res) => {
    res.statusCode = 405;
    res.end();
  });
  proxy.on('connect', (req: http.IncomingMessage, client: net.Socket, head: Buffer) => {
    connects.push(req.url ?? '');
    const upstream = net.connect(target(), '127.0.0.1', () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  return proxy;
}

const cert = (name: string): Buffer => fs.readFileSync(path.join(FIXTURES, 'certs', name));

const servers: Record<'http' | 'https' | 'self' | 'proxy', http.Server> = {
  http: http.createServer(handler('http')),
  https: https.createServer(
    {
      key: cert('server.key'),
      cert: cert('server.crt'),
      ca: cert('ca.crt'),
      requestCert: true,
      rejectUnauthorized: false,
    },
    handler('https'),
  ),
  self: https.createServer({ key: cert('selfsigned.key'), cert: cert('selfsigned.crt') }, handler('self')),
  proxy: connectProxy(() => port('https')),
};

function port(name: 'http' | 'https' | 'self' | 'proxy'): number {
  return (servers[name].address() as net.AddressInfo).port;
}

// ---------------------------------------------------------------------------------------------------------
// The rendered fixture tree

let root = '';
let home = '';
let execLog = '';
/** A local port nothing listens on: a proxy-url there refuses every connection. */
let closedPort = 0;

function render(from: string, to: string, vars: Record<string, string>): void {
  fs.mkdirSync(to, { recursive: true });
  for (const ent of fs.readdirSync(from, { withFileTypes: true })) {
    const src = path.join(from, ent.name);
    const dst = path.join(to, ent.name);
    if (ent.isDirectory()) render(src, dst, vars);
    else if (ent.name.endsWith('.yaml') || ent.name === 'config')
      fs.writeFileSync(
        dst,
        fs.readFileSync(src, 'utf8').replace(/\{\{(\w+)\}\}/g, (_, k: string) => vars[k] ?? `{{${k}}}`),
      );
    else fs.copyFileSync(src, dst);
    if (ent.name.endsWith('.sh')) fs.chmodSync(dst, 0o755);
  }
}

before(async () => {
  await Promise.all(
    Object.values(servers).map((s) => new Promise<void>((resolve) => s.listen(0, '127.0.0.1', resolve))),
  );
  closedPort = await new Promise<number>((resolve) => {
    const probe = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (probe.address() as net.AddressInfo).port;
      probe.close(() => resolve(p));
    });
  });
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'memwhy-kubeconfig-'));
  render(FIXTURES, root, {
    HTTP_PORT: String(port('http')),
    HTTPS_PORT: String(port('https')),
    SELF_PORT: String(port('self')),
    PROXY_PORT: String(port('proxy')),
    CLOSED_PORT: String(closedPort),
    CA_DATA: cert('ca.crt').toString('base64'),
    BOB_CERT_DATA: cert('bob.crt').toString('base64'),
    BOB_KEY_DATA: cert('bob.key').toString('base64'),
  });
  home = path.join(root, 'home');
  execLog = path.join(root, 'exec-info.log');
});

after(async () => {
  for (const s of Object.values(servers)) s.closeAllConnections?.();
  await Promise.all(Object.values(servers).map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

// ---------------------------------------------------------------------------------------------------------
// Running both sides

interface Situation {
  kubeconfig?: string;
  /** KUBECONFIG entries, relative to the rendered root (joined with ':'). */
  KUBECONFIG?: string[];
  context?: string;
  cluster?: string;
  user?: string;
  namespace?: string;
  requestTimeout?: string;
  env?: Record<string, string>;
}

/** The identity a pods request arrived with. */
interface Identity {
  server: ServerId;
  namespace: string;
  authorization: string | null;
  cert: string | null;
  impersonateUser?: string | null;
  impersonateGroup?: string | null;
}

function baseEnv(s: Situation): Record<string, string> {
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: home,
    MEMWHY_EXEC_LOG: execLog,
    ...(s.env ?? {}),
  };
  if (s.KUBECONFIG) env.KUBECONFIG = s.KUBECONFIG.map((f) => (f ? path.join(root, f) : f)).join(path.delimiter);
  return env;
}

function podRequests(from: number): Seen[] {
  return seen.slice(from).filter((r) => /^\/api\/v1\/namespaces\/[^/]+\/pods$/.test(r.path));
}

function identity(r: Seen): Identity {
  const id: Identity = {
    server: r.server,
    namespace: r.path.split('/')[4]!,
    authorization: r.authorization,
    cert: r.cert,
  };
  if (r.impersonateUser || r.impersonateGroup) {
    id.impersonateUser = r.impersonateUser;
    id.impersonateGroup = r.impersonateGroup;
  }
  return id;
}

async function runKubectl(s: Situation): Promise<{ code: number; stderr: string; requests: Seen[] }> {
  const args = ['get', 'pods', '-o', 'name'];
  if (s.kubeconfig) args.push('--kubeconfig', path.join(root, s.kubeconfig));
  if (s.context) args.push('--context', s.context);
  if (s.cluster) args.push('--cluster', s.cluster);
  if (s.user) args.push('--user', s.user);
  if (s.namespace) args.push('--namespace', s.namespace);
  if (s.requestTimeout) args.push('--request-timeout', s.requestTimeout);
  const from = seen.length;
  const child = spawn(KUBECTL!, args, { cwd: root, env: baseEnv(s), stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  child.stdout.resume();
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const code = await new Promise<number>((resolve) => child.on('close', (c) => resolve(c ?? -1)));
  clearTimeout(timer);
  return { code, stderr, requests: podRequests(from) };
}

function load(s: Situation, extra: Partial<LoadKubeconfigOptions> = {}): Promise<LoadedKubeconfig> {
  return loadKubeconfig({
    kubeconfig: s.kubeconfig ? path.join(root, s.kubeconfig) : null,
    context: s.context,
    cluster: s.cluster,
    user: s.user,
    namespace: s.namespace,
    requestTimeout: s.requestTimeout,
    env: baseEnv(s),
    cwd: root,
    home,
    stdinIsTerminal: false,
    execStderr: null,
    ...extra,
  });
}

/** What client-node's authentication puts on a request (the same two calls src/kube/http.ts uses). */
async function authOf(
  kc: KubeConfig,
): Promise<{ headers: Record<string, string>; dispatcher: Dispatcher | undefined }> {
  const ctx = {
    headers: {} as Record<string, string>,
    dispatcher: undefined as Dispatcher | undefined,
    setHeaderParam(k: string, v: string) {
      this.headers[k] = v;
    },
    setDispatcher(d: Dispatcher) {
      this.dispatcher = d;
    },
  };
  await kc.applySecurityAuthentication(ctx as unknown as Parameters<KubeConfig['applySecurityAuthentication']>[0]);
  return ctx;
}

/** A raw GET of the namespace's pods through `transport`; connection errors explained. */
async function getPodsWith(loaded: LoadedKubeconfig, transport: Transport): Promise<Seen[]> {
  const from = seen.length;
  try {
    const res = await transport.send({
      method: 'GET',
      url: `${loaded.server}/api/v1/namespaces/${loaded.namespace}/pods`,
      headers: { Accept: 'application/json' },
    });
    assert.equal(res.status, 200);
    for await (const _ of res.body);
  } catch (e) {
    throw explainConnectionError(e, loaded) ?? e;
  }
  return podRequests(from);
}

/**
 * The pods GET through the transport a run would use (transport/open.ts); when that is Node's https, the same GET
 * through client-node too, and both must arrive the same way: client-node stays the authority.
 */
async function memwhyGetPods(loaded: LoadedKubeconfig): Promise<Seen[]> {
  const transport = await openTransport(loaded.server, loaded.client);
  const reqs = await getPodsWith(loaded, transport);
  if (transport.kind === 'node') {
    const viaClientNode = await getPodsWith(loaded, new ClientNodeTransport(buildKubeConfig(loaded.client)));
    assert.deepEqual(viaClientNode.map(identity), reqs.map(identity), 'node https and client-node send the same');
  }
  return reqs;
}

async function memwhyIdentity(s: Situation, extra: Partial<LoadKubeconfigOptions> = {}): Promise<Identity> {
  const loaded = await load(s, extra);
  const reqs = await memwhyGetPods(loaded);
  assert.equal(reqs.length, 1, 'memwhy made one pods request');
  return identity(reqs[0]!);
}

/** Runs a situation through kubectl and memwhy; both must arrive as `expected`. */
async function same(s: Situation, expected: Identity): Promise<void> {
  const mine = await memwhyIdentity(s);
  assert.deepEqual(mine, expected, 'memwhy');
  if (!KUBECTL) return;
  const k = await runKubectl(s);
  assert.equal(k.code, 0, `kubectl failed: ${k.stderr}`);
  assert.equal(k.requests.length, 1, 'kubectl made one pods request');
  assert.deepEqual(identity(k.requests[0]!), expected, 'kubectl');
}

/**
 * Both must refuse; memwhy with a MemwhyError of `code` whose message matches `mine`. `kubectlTriesLocalhost`:
 * kubectl falls back to http://localhost:8080 there, which may be something else's port on this machine, so
 * only "it reached none of our servers" is checked.
 */
async function bothFail(
  s: Situation,
  code: number,
  mine: RegExp,
  kubectlSays?: RegExp,
  kubectlTriesLocalhost = false,
): Promise<MemwhyError> {
  let err: unknown = null;
  try {
    const loaded = await load(s);
    await memwhyGetPods(loaded);
  } catch (e) {
    err = e;
  }
  assert.ok(err instanceof MemwhyError, `memwhy should fail with a MemwhyError, got ${String(err)}`);
  assert.equal(err.code, code, err.message);
  assert.match(err.message, mine);
  if (KUBECTL) {
    const k = await runKubectl(s);
    if (!kubectlTriesLocalhost) assert.notEqual(k.code, 0, 'kubectl should fail too');
    assert.equal(k.requests.length, 0, 'kubectl reached no pods endpoint');
    if (kubectlSays) assert.match(k.stderr, kubectlSays);
  }
  return err;
}

// ---------------------------------------------------------------------------------------------------------
// The matrix

describe('kubeconfig situations: kubectl and memwhy reach the same server as the same identity', () => {
  test('single file, its current-context (token, relative certificate-authority, context namespace)', () =>
    same(
      { kubeconfig: 'single.yaml' },
      { server: 'https', namespace: 'team-a', authorization: 'Bearer static-token', cert: null },
    ));

  test('--context switches cluster, user and namespace (client certificate files, certificate-authority-data)', () =>
    same(
      { kubeconfig: 'single.yaml', context: 'alice' },
      { server: 'https', namespace: 'team-b', authorization: null, cert: 'alice' },
    ));

  test('client certificate and key as base64 data; no context namespace → default', () =>
    same(
      { kubeconfig: 'single.yaml', context: 'bob' },
      { server: 'https', namespace: 'default', authorization: null, cert: 'bob' },
    ));

  test('--namespace beats the context namespace', () =>
    same(
      { kubeconfig: 'single.yaml', context: 'alice', namespace: 'flagged' },
      { server: 'https', namespace: 'flagged', authorization: null, cert: 'alice' },
    ));

  test('tokenFile (trailing newline trimmed, relative to the kubeconfig)', () =>
    same(
      { kubeconfig: 'single.yaml', context: 'tokenfile' },
      { server: 'https', namespace: 'default', authorization: 'Bearer file-token', cert: null },
    ));

  test('token and tokenFile: the file wins', () =>
    same(
      { kubeconfig: 'single.yaml', context: 'token-and-tokenfile' },
      { server: 'https', namespace: 'default', authorization: 'Bearer file-token', cert: null },
    ));

  test('basic auth', () =>
    same(
      { kubeconfig: 'single.yaml', context: 'basic' },
      {
        server: 'https',
        namespace: 'basic-ns',
        authorization: `Basic ${Buffer.from('admin:s3cret').toString('base64')}`,
        cert: null,
      },
    ));

  test('impersonation: as and one as-group', () =>
    same(
      { kubeconfig: 'single.yaml', context: 'impersonate' },
      {
        server: 'https',
        namespace: 'default',
        authorization: 'Bearer imp-token',
        cert: null,
        impersonateUser: 'jane',
        impersonateGroup: 'developers',
      },
    ));

  test('--user overrides the context user', () =>
    same(
      { kubeconfig: 'single.yaml', context: 'token', user: 'alice' },
      { server: 'https', namespace: 'team-a', authorization: null, cert: 'alice' },
    ));

  test('--cluster overrides the context cluster (plain http: no credentials sent, as kubectl)', () =>
    same(
      { kubeconfig: 'single.yaml', context: 'token', cluster: 'plain' },
      { server: 'http', namespace: 'team-a', authorization: null, cert: null },
    ));

  test('--cluster and --user without any context', () =>
    same(
      { kubeconfig: 'errors/no-current-context.yaml', cluster: 'tls', user: 'token-user' },
      { server: 'https', namespace: 'default', authorization: 'Bearer static-token', cert: null },
    ));

  test('http:// server works and gets no token', () =>
    same(
      { kubeconfig: 'single.yaml', context: 'plain' },
      { server: 'http', namespace: 'plain-ns', authorization: null, cert: null },
    ));

  test('insecure-skip-tls-verify: yes (a YAML 1.1 boolean) reaches a self-signed server', () =>
    same(
      { kubeconfig: 'single.yaml', context: 'insecure' },
      { server: 'self', namespace: 'default', authorization: 'Bearer static-token', cert: null },
    ));

  test('~/.kube/config when neither --kubeconfig nor KUBECONFIG is set (relative paths from ~/.kube)', () =>
    same({}, { server: 'https', namespace: 'home-ns', authorization: 'Bearer home-token', cert: null }));

  test('KUBECONFIG=a:b, both set current-context: the first file wins', () =>
    same(
      { KUBECONFIG: ['merge/first.yaml', 'other/dir/second.yaml'] },
      { server: 'https', namespace: 'from-first', authorization: 'Bearer first-token', cert: null },
    ));

  test('KUBECONFIG=b:a: current-context from b; relative cert paths of a file in another folder', () =>
    same(
      { KUBECONFIG: ['other/dir/second.yaml', 'merge/first.yaml'] },
      { server: 'https', namespace: 'second-ns', authorization: null, cert: 'bob' },
    ));

  test('duplicate names across files: the first file wins the whole entry (context, cluster and user)', () =>
    same(
      { KUBECONFIG: ['other/dir/second.yaml', 'merge/first.yaml'], context: 'shared' },
      { server: 'http', namespace: 'from-second', authorization: null, cert: null },
    ));

  test('missing files and empty entries in KUBECONFIG are skipped', () =>
    same(
      { KUBECONFIG: ['does/not/exist.yaml', '', 'merge/first.yaml', 'other/dir/second.yaml'] },
      { server: 'https', namespace: 'from-first', authorization: 'Bearer first-token', cert: null },
    ));

  test('a context only the second file has, picked with --context', () =>
    same(
      { KUBECONFIG: ['merge/first.yaml', 'other/dir/second.yaml'], context: 'second-only' },
      { server: 'https', namespace: 'second-ns', authorization: null, cert: 'bob' },
    ));

  test('the first definition wins whole, not field by field (its cluster has no CA: both fail on the certificate)', async () => {
    const err = await bothFail(
      { KUBECONFIG: ['merge/bare-shared.yaml', 'merge/first.yaml'] },
      ExitCode.Unreachable,
      /certificate/,
      /certificate signed by unknown authority/,
    );
    assert.match(err.hint ?? '', /certificate-authority/);
  });

  test('exec plugin (v1) with a relative command, run from another directory; KUBERNETES_EXEC_INFO as kubectl sets it', async () => {
    fs.rmSync(execLog, { force: true });
    const mine = await memwhyIdentity({ kubeconfig: 'exec/kubeconfig.yaml' });
    assert.deepEqual(mine, { server: 'https', namespace: 'exec-ns', authorization: 'Bearer v1-token', cert: null });
    const info = fs.readFileSync(execLog, 'utf8').trim().split('\n');
    assert.deepEqual(info, [
      '{"kind":"ExecCredential","apiVersion":"client.authentication.k8s.io/v1","spec":{"interactive":false}}',
    ]);
    if (!KUBECTL) return;
    fs.rmSync(execLog, { force: true });
    const k = await runKubectl({ kubeconfig: 'exec/kubeconfig.yaml' });
    assert.equal(k.code, 0, k.stderr);
    assert.deepEqual(identity(k.requests[0]!), mine);
    assert.deepEqual(
      fs.readFileSync(execLog, 'utf8').trim().split('\n'),
      info,
      'kubectl passed the same KUBERNETES_EXEC_INFO',
    );
  });

  test('exec plugin (v1beta1, provideClusterInfo): the same KUBERNETES_EXEC_INFO, byte for byte', async () => {
    fs.rmSync(execLog, { force: true });
    const mine = await memwhyIdentity({ kubeconfig: 'exec/kubeconfig.yaml', context: 'exec-v1beta1' });
    assert.deepEqual(mine, { server: 'https', namespace: 'default', authorization: 'Bearer beta-token', cert: null });
    const info = fs.readFileSync(execLog, 'utf8').trim();
    const parsed = JSON.parse(info) as {
      apiVersion: string;
      spec: { cluster: { server: string; 'certificate-authority-data': string }; interactive: boolean };
    };
    assert.equal(parsed.apiVersion, 'client.authentication.k8s.io/v1beta1');
    assert.equal(parsed.spec.cluster.server, `https://127.0.0.1:${port('https')}`);
    assert.equal(
      Buffer.from(parsed.spec.cluster['certificate-authority-data'], 'base64').toString(),
      cert('ca.crt').toString(),
    );
    if (!KUBECTL) return;
    fs.rmSync(execLog, { force: true });
    const k = await runKubectl({ kubeconfig: 'exec/kubeconfig.yaml', context: 'exec-v1beta1' });
    assert.equal(k.code, 0, k.stderr);
    assert.deepEqual(identity(k.requests[0]!), mine);
    assert.equal(fs.readFileSync(execLog, 'utf8').trim().split('\n')[0], info);
  });

  test('exec plugin not installed: both fail, memwhy shows the installHint', async () => {
    const err = await bothFail(
      { kubeconfig: 'exec/kubeconfig.yaml', context: 'exec-missing' },
      ExitCode.Unreachable,
      /executable memwhy-test-no-such-plugin not found/,
      /memwhy-test-no-such-plugin is only a test/,
    );
    assert.equal(err.hint, 'memwhy-test-no-such-plugin is only a test: nothing to install');
  });

  test('exec plugin answering another apiVersion: both fail', async () => {
    await bothFail(
      { kubeconfig: 'exec/kubeconfig.yaml', context: 'exec-wrong-version' },
      ExitCode.Unreachable,
      /configured to use API version client.authentication.k8s.io\/v1beta1, plugin returned version client.authentication.k8s.io\/v1/,
      /plugin returned version/,
    );
  });

  test('exec plugin with interactiveMode Always and no terminal: both fail', async () => {
    await bothFail(
      { kubeconfig: 'exec/kubeconfig.yaml', context: 'exec-always-interactive' },
      ExitCode.Unreachable,
      /standard input is not a terminal/,
      /not a terminal/,
    );
  });

  test('exec plugin of client.authentication.k8s.io/v1 without interactiveMode: both refuse the kubeconfig', async () => {
    await bothFail(
      { kubeconfig: 'exec/kubeconfig.yaml', context: 'exec-v1-without-mode' },
      ExitCode.Unreachable,
      /interactiveMode must be specified for exec-v1-without-mode/,
      /interactiveMode must be specified/,
    );
  });

  test('proxy-url in the cluster: both tunnel through the proxy to the same server', async () => {
    connects.length = 0;
    await same(
      { kubeconfig: 'proxy/kubeconfig.yaml' },
      { server: 'https', namespace: 'proxied-ns', authorization: 'Bearer proxied-token', cert: null },
    );
    assert.ok(
      connects.length >= 1 && connects.every((c) => c === `kube.memwhy.test:${port('https')}`),
      connects.join(' '),
    );
  });

  test('HTTPS_PROXY from the environment (lower-case no_proxy for other hosts does not apply)', async () => {
    connects.length = 0;
    const env = { HTTPS_PROXY: `127.0.0.1:${port('proxy')}`, no_proxy: 'example.com,10.0.0.0/8' };
    await same(
      { kubeconfig: 'proxy/kubeconfig.yaml', context: 'env-proxy', env },
      { server: 'https', namespace: 'default', authorization: 'Bearer proxied-token', cert: null },
    );
    assert.ok(
      connects.length >= 1 && connects.every((c) => c === `kube.memwhy.test:${port('https')}`),
      connects.join(' '),
    );
    const loaded = await load({ kubeconfig: 'proxy/kubeconfig.yaml', context: 'env-proxy', env });
    assert.equal(loaded.proxy, `http://127.0.0.1:${port('proxy')}`);
  });

  test('--request-timeout: kubectl sends ?timeout=<Go duration>, memwhy computes the same', async () => {
    for (const [value, param, ms] of [
      ['1m', '1m0s', 60_000],
      ['90', '1m30s', 90_000],
      ['1.5s', '1.5s', 1500],
      ['1h2m', '1h2m0s', 3_720_000],
    ] as const) {
      const loaded = await load({ kubeconfig: 'single.yaml', requestTimeout: value });
      assert.equal(loaded.requestTimeoutParam, param, value);
      assert.equal(loaded.requestTimeoutMs, ms, value);
      if (!KUBECTL) continue;
      const k = await runKubectl({ kubeconfig: 'single.yaml', requestTimeout: value });
      assert.equal(k.code, 0, k.stderr);
      assert.equal(
        new URLSearchParams(k.requests[0]!.query).get('timeout'),
        param,
        `kubectl --request-timeout ${value}`,
      );
    }
    for (const bad of ['-1', 'abc', '1d']) {
      await assert.rejects(
        load({ kubeconfig: 'single.yaml', requestTimeout: bad }),
        (e: unknown) => e instanceof MemwhyError && e.code === ExitCode.Usage,
      );
      if (KUBECTL) assert.notEqual((await runKubectl({ kubeconfig: 'single.yaml', requestTimeout: bad })).code, 0, bad);
    }
  });
});

describe('kubeconfig situations both kubectl and memwhy refuse', () => {
  test('https with a self-signed certificate and no CA: an Unreachable error that names the certificate', async () => {
    const err = await bothFail(
      { kubeconfig: 'single.yaml', context: 'selfsigned' },
      ExitCode.Unreachable,
      /certificate/,
      /certificate signed by unknown authority/,
    );
    assert.match(err.message, /https:\/\/127\.0\.0\.1:\d+/);
  });

  test('unknown --context: the kubeconfig exit code (5, as the README says), listing the contexts', async () => {
    const err = await bothFail(
      { kubeconfig: 'single.yaml', context: 'nope' },
      ExitCode.Unreachable,
      /^context "nope" does not exist in the kubeconfig$/,
      /context "nope" does not exist|context was not found for specified context: nope/,
    );
    assert.match(err.hint ?? '', /available contexts: token, tokenfile, token-and-tokenfile, alice, bob, plain/);
  });

  test('unknown --cluster and --user', async () => {
    await bothFail(
      { kubeconfig: 'single.yaml', cluster: 'nope' },
      ExitCode.Unreachable,
      /cluster "nope" does not exist/,
      /cluster "nope"/,
    );
    await bothFail(
      { kubeconfig: 'single.yaml', user: 'nope' },
      ExitCode.Unreachable,
      /user "nope" does not exist/,
      /auth info "nope" does not exist/,
    );
  });

  test('a context whose user does not exist (kubectl asks for a password, and fails without a terminal)', async () => {
    const err = await bothFail(
      { kubeconfig: 'single.yaml', context: 'ghost-user' },
      ExitCode.Unreachable,
      /context "ghost-user" refers to user "nobody", which does not exist/,
      /Username|EOF/,
    );
    assert.match(err.hint ?? '', /available users: token-user/);
  });

  test('no current-context and no --context', async () => {
    const err = await bothFail(
      { kubeconfig: 'errors/no-current-context.yaml' },
      ExitCode.Unreachable,
      /current-context is not set/,
      undefined,
      true,
    );
    assert.match(err.hint ?? '', /available contexts: one, two; pass --context/);
  });

  test('--kubeconfig that does not exist', async () => {
    await bothFail(
      { kubeconfig: 'nowhere.yaml' },
      ExitCode.Unreachable,
      /--kubeconfig .*nowhere\.yaml: no such file/,
      /no such file or directory/,
    );
  });

  test('nothing at all: no KUBECONFIG file exists, no ~/.kube/config, not in a pod', async () => {
    const err = await bothFail(
      { KUBECONFIG: ['missing-a.yaml', 'missing-b.yaml'] },
      ExitCode.Unreachable,
      /no Kubernetes configuration found: none of the files in KUBECONFIG=/,
      undefined,
      true,
    );
    assert.match(err.hint ?? '', /--kubeconfig or the KUBECONFIG environment variable/);
  });

  test('an unquoted y in exec args is a YAML 1.1 boolean: both refuse the file', async () => {
    await bothFail(
      { kubeconfig: 'errors/yaml11-bool.yaml' },
      ExitCode.Unreachable,
      /users\[0\]\.user\.exec\.args\[1\] must be a string, not a boolean/,
      /cannot unmarshal bool/,
    );
  });

  test('token and basic auth on one user', async () => {
    await bothFail(
      { kubeconfig: 'errors/two-auth-methods.yaml' },
      ExitCode.Unreachable,
      /more than one authentication method found for both; found \[token basicAuth\]/,
      /more than one authentication method/,
    );
  });

  test('a certificate-authority file that does not exist', async () => {
    await bothFail(
      { kubeconfig: 'errors/bad-ca.yaml' },
      ExitCode.Unreachable,
      /unable to read certificate-authority .*no-such-ca\.crt for missing-ca/,
      /unable to read certificate-authority/,
    );
  });

  test('insecure-skip-tls-verify together with a CA', async () => {
    await bothFail(
      { kubeconfig: 'errors/bad-ca.yaml', context: 'insecure-with-ca' },
      ExitCode.Unreachable,
      /specifying a root certificates file with the insecure flag is not allowed/,
      /specifying a root certificates file with the insecure flag is not allowed/,
    );
  });

  test('one name twice in one file', async () => {
    await bothFail(
      { kubeconfig: 'errors/duplicate-in-one-file.yaml' },
      ExitCode.Unreachable,
      /duplicate name "tls" in clusters/,
      /duplicate name "tls"/,
    );
  });
});

// ---------------------------------------------------------------------------------------------------------
// memwhy-only behaviour (kubectl cannot be pointed at these)

describe('loadKubeconfig details', () => {
  test('what it returns', async () => {
    const l = await load({ KUBECONFIG: ['merge/first.yaml', 'nope.yaml', 'other/dir/second.yaml'], namespace: 'x' });
    assert.equal(l.contextName, 'shared');
    assert.equal(l.clusterName, 'shared');
    assert.equal(l.userName, 'shared-user');
    assert.equal(l.server, `https://127.0.0.1:${port('https')}`);
    assert.equal(l.namespace, 'x');
    assert.equal(l.namespaceSource, 'flag');
    assert.deepEqual(l.files, [path.join(root, 'merge/first.yaml'), path.join(root, 'other/dir/second.yaml')]);
    assert.equal(l.auth, 'token');
    assert.equal(l.requestTimeoutMs, null);
    assert.equal(l.inCluster, false);
    assert.equal(buildKubeConfig(l.client).getCurrentContext(), 'shared');
    assert.equal(buildKubeConfig(l.client).getCurrentCluster()?.caFile, path.join(root, 'certs/ca.crt'));
    const d = await load({ kubeconfig: 'single.yaml', context: 'bob' });
    assert.equal(d.namespaceSource, 'default');
    assert.equal(d.server, `https://127.0.0.1:${port('https')}`, 'trailing slash dropped');
  });

  test('tokenFile is re-read on every request (rotated tokens are picked up)', async () => {
    const tokenFile = path.join(root, 'tokens', 'token-with-newline');
    const loaded = await load({ kubeconfig: 'single.yaml', context: 'tokenfile' });
    const kc = buildKubeConfig(loaded.client);
    assert.equal((await authOf(kc)).headers.Authorization, 'Bearer file-token');
    fs.writeFileSync(tokenFile, 'rotated-token\n');
    try {
      assert.equal((await authOf(kc)).headers.Authorization, 'Bearer rotated-token');
      fs.rmSync(tokenFile);
      assert.equal(
        (await authOf(kc)).headers.Authorization,
        'Bearer rotated-token',
        'an unreadable file keeps the last token',
      );
    } finally {
      fs.writeFileSync(tokenFile, 'file-token\n');
    }
  });

  test('exec credentials are cached: one plugin run for several requests', async () => {
    fs.rmSync(execLog, { force: true });
    const loaded = await load({ kubeconfig: 'exec/kubeconfig.yaml' });
    const kc = buildKubeConfig(loaded.client);
    await Promise.all([authOf(kc), authOf(kc), authOf(kc)]);
    await authOf(kc);
    assert.equal(fs.readFileSync(execLog, 'utf8').trim().split('\n').length, 1);
  });

  test('in-cluster service account when there is no kubeconfig at all', async () => {
    const sa = path.join(root, 'serviceaccount');
    fs.mkdirSync(sa, { recursive: true });
    fs.writeFileSync(path.join(sa, 'token'), 'sa-token\n');
    fs.writeFileSync(path.join(sa, 'namespace'), 'pod-ns');
    fs.copyFileSync(path.join(root, 'certs/ca.crt'), path.join(sa, 'ca.crt'));
    const env = { KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: String(port('https')) };
    const noHome = path.join(root, 'no-home');
    const id = await memwhyIdentity({ env }, { home: noHome, serviceAccountDir: sa });
    assert.deepEqual(id, { server: 'https', namespace: 'pod-ns', authorization: 'Bearer sa-token', cert: null });
    const l = await load({ env }, { home: noHome, serviceAccountDir: sa });
    assert.equal(l.inCluster, true);
    assert.equal(l.namespaceSource, 'context');
    const flagged = await load({ env, namespace: 'other' }, { home: noHome, serviceAccountDir: sa });
    assert.equal(flagged.namespace, 'other');
    // With a kubeconfig, the kubeconfig wins.
    assert.equal((await load({ env }, { serviceAccountDir: sa })).inCluster, false);
  });

  test('current-context naming a context that does not exist', async () => {
    const file = path.join(root, 'ghost-current.yaml');
    fs.writeFileSync(
      file,
      fs
        .readFileSync(path.join(root, 'single.yaml'), 'utf8')
        .replace('current-context: token', 'current-context: ghost'),
    );
    await assert.rejects(
      load({ kubeconfig: 'ghost-current.yaml' }),
      (e: unknown) =>
        e instanceof MemwhyError &&
        e.code === ExitCode.Unreachable &&
        /current-context "ghost" does not exist/.test(e.message),
    );
  });

  test('a file that is not YAML names the file', async () => {
    fs.writeFileSync(path.join(root, 'broken.yaml'), 'clusters: [\n');
    await assert.rejects(
      load({ KUBECONFIG: ['broken.yaml', 'single.yaml'] }),
      (e: unknown) =>
        e instanceof MemwhyError &&
        e.code === ExitCode.Unreachable &&
        e.message.includes(`error loading config file "${path.join(root, 'broken.yaml')}"`),
    );
  });

  test('explainConnectionError: refused connections in kubectl words; other errors are not its business', async () => {
    const closed = net.createServer();
    await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
    const p = (closed.address() as net.AddressInfo).port;
    await new Promise<void>((r) => closed.close(() => r()));
    let err: unknown;
    try {
      await fetch(`http://127.0.0.1:${p}/version`);
    } catch (e) {
      err = e;
    }
    const m = explainConnectionError(err, { server: `http://127.0.0.1:${p}`, clusterName: 'c' });
    assert.equal(
      m?.message,
      `The connection to the server 127.0.0.1:${p} was refused - did you specify the right host or port?`,
    );
    assert.equal(m?.code, ExitCode.Unreachable);
    assert.equal(explainConnectionError(new Error('something else'), { server: 'https://x', clusterName: 'c' }), null);
  });
});

describe('pure parts', () => {
  test('Go durations both ways', () => {
    assert.equal(parseGoDuration('1h2m3.5s'), 3_723_500_000_000n);
    assert.equal(parseGoDuration('500ms'), 500_000_000n);
    assert.equal(parseGoDuration('1.5us'), 1500n);
    assert.equal(parseGoDuration('.5s'), 500_000_000n);
    assert.equal(parseGoDuration('-2m'), -120_000_000_000n);
    assert.equal(parseGoDuration('0'), 0n);
    for (const bad of ['', '1', '1d', 's', '1.s.', '1 s', '.s']) assert.equal(parseGoDuration(bad), null, bad);
    assert.equal(formatGoDuration(0n), '0s');
    assert.equal(formatGoDuration(1500n), '1.5µs');
    assert.equal(formatGoDuration(500_000_000n), '500ms');
    assert.equal(formatGoDuration(60_000_000_000n), '1m0s');
    assert.equal(formatGoDuration(3_723_500_000_000n), '1h2m3.5s');
    assert.equal(formatGoDuration(-1_500_000_000n), '-1.5s');
  });

  test('--request-timeout values', () => {
    assert.deepEqual(parseRequestTimeout(undefined), { ms: null, param: null });
    assert.deepEqual(parseRequestTimeout('0'), { ms: null, param: null });
    assert.deepEqual(parseRequestTimeout('30'), { ms: 30_000, param: '30s' });
    assert.deepEqual(parseRequestTimeout('+5'), { ms: 5000, param: '5s' });
    assert.deepEqual(parseRequestTimeout('30s'), { ms: 30_000, param: '30s' });
    assert.deepEqual(parseRequestTimeout('250us'), { ms: 1, param: '250µs' });
    assert.deepEqual(parseRequestTimeout('-1s'), { ms: null, param: null });
    assert.throws(
      () => parseRequestTimeout('-1'),
      (e: unknown) => e instanceof MemwhyError && e.code === ExitCode.Usage && /integer in seconds/.test(e.hint ?? ''),
    );
  });

  test('proxies from the environment, with Go rules', () => {
    const env = {
      HTTPS_PROXY: 'proxy.corp:3128',
      HTTP_PROXY: 'http://plain-proxy:80',
      NO_PROXY: '.internal.example, example.org, 10.0.0.0/8, 192.168.1.1, api.corp:6443',
    };
    assert.equal(proxyFromEnvironment('https://k8s.example.com', env), 'http://proxy.corp:3128');
    assert.equal(proxyFromEnvironment('http://k8s.example.com', env), 'http://plain-proxy:80');
    assert.equal(proxyFromEnvironment('https://127.0.0.1:6443', env), null, 'loopback');
    assert.equal(proxyFromEnvironment('https://localhost:6443', env), null, 'localhost');
    assert.equal(proxyFromEnvironment('https://[::1]:6443', env), null, 'IPv6 loopback');
    assert.equal(proxyFromEnvironment('https://a.internal.example', env), null, '.domain: subdomains');
    assert.equal(
      proxyFromEnvironment('https://internal.example', env),
      'http://proxy.corp:3128',
      '.domain: not the domain itself',
    );
    assert.equal(proxyFromEnvironment('https://example.org', env), null, 'domain itself');
    assert.equal(proxyFromEnvironment('https://k8s.example.org', env), null, 'domain: subdomains too');
    assert.equal(proxyFromEnvironment('https://10.1.2.3:6443', env), null, 'CIDR');
    assert.equal(proxyFromEnvironment('https://192.168.1.1', env), null, 'IP');
    assert.equal(proxyFromEnvironment('https://192.168.1.2', env), 'http://proxy.corp:3128');
    assert.equal(proxyFromEnvironment('https://api.corp:6443', env), null, 'host:port');
    assert.equal(proxyFromEnvironment('https://api.corp:443', env), 'http://proxy.corp:3128', 'other port');
    assert.equal(
      proxyFromEnvironment('https://x.example.com', { https_proxy: 'socks5://s:1080' }),
      'socks5://s:1080',
      'lower case and socks',
    );
    assert.equal(
      proxyFromEnvironment('https://x.example.com', { HTTPS_PROXY: 'http://p:1', NO_PROXY: '*' }),
      null,
      '*',
    );
    assert.equal(
      proxyFromEnvironment('https://x.example.com', { HTTP_PROXY: 'http://p:1' }),
      null,
      'HTTP_PROXY is not for https',
    );
  });
});

// ---------------------------------------------------------------------------------------------------------
// What reaches the user when credentials or the proxy fail (issue 14, item 9)

const PLUGIN_SECRET = 's3cr3t-from-the-plugin';
const count = (text: string, part: string): number => text.split(part).length - 1;

describe('a failing exec plugin and a refusing proxy, as the user sees them', () => {
  test('exec plugin stderr (may hold secrets) is passed through once, as kubectl does, and not repeated in the error', async () => {
    const sink = {
      text: '',
      write(chunk: string) {
        this.text += chunk;
      },
    };
    const err = await bothFail(
      { kubeconfig: 'exec/kubeconfig.yaml', context: 'exec-failing' },
      ExitCode.Unreachable,
      /getting credentials for user "exec-failing": exec: executable .*failing-plugin\.sh failed with exit code 1/,
      /failed with exit code 1/,
    );
    assert.doesNotMatch(
      `${err.message} ${err.hint ?? ''}`,
      new RegExp(PLUGIN_SECRET),
      "memwhy's own error does not repeat the plugin's stderr",
    );
    assert.doesNotMatch(`${err.message} ${err.hint ?? ''}`, /identity provider refused/);
    const loaded = await load({ kubeconfig: 'exec/kubeconfig.yaml', context: 'exec-failing' }, { execStderr: sink });
    await assert.rejects(memwhyGetPods(loaded), MemwhyError);
    assert.equal(
      sink.text,
      `refreshing token for client_secret=${PLUGIN_SECRET}\nerror: the identity provider refused the refresh\n`,
      "the plugin's stderr, unchanged",
    );
    if (KUBECTL) {
      const k = await runKubectl({ kubeconfig: 'exec/kubeconfig.yaml', context: 'exec-failing' });
      // kubectl passes the stderr of each plugin run through (it runs the plugin again on each retry) and its own
      // error line does not repeat it: memwhy runs the plugin once per failed request and does the same.
      assert.ok(k.stderr.includes(sink.text), `kubectl passes the plugin's stderr through: ${k.stderr}`);
      const kubectlError = k.stderr.trim().split('\n').pop() ?? '';
      assert.match(
        kubectlError,
        /^Unable to connect to the server: getting credentials: exec: executable .* failed with exit code 1$/,
      );
    }
  });

  test("through the CLI: the plugin stderr appears once on memwhy's stderr, then one error line and its hint", async () => {
    let stderr = '';
    let stdout = '';
    const code = await run(
      ['web-0', '--kubeconfig', path.join(root, 'exec/kubeconfig.yaml'), '--context', 'exec-failing', '-o', 'json'],
      baseEnv({}),
      {
        stdout: { write: (c: string) => (stdout += c) },
        stderr: { write: (c: string) => (stderr += c) },
        cwd: root,
        home,
      },
    );
    assert.equal(code, ExitCode.Unreachable, stderr);
    assert.equal(stdout, '');
    assert.equal(count(stderr, PLUGIN_SECRET), 1, stderr);
    assert.equal(count(stderr, 'identity provider refused'), 1, stderr);
    assert.match(stderr, /failing-plugin\.sh failed with exit code 1/);
  });

  test('a proxy-url that refuses the connection is named as the proxy refusing, not the server', async () => {
    // kubectl fails too, but its last line blames the server ("The connection to the server … was refused": its
    // StandardErrorMessage rewrites any "connection refused"); only its discovery log lines, printed when the
    // discovery cache is cold, carry Go's real error "proxyconnect tcp: dial tcp …". memwhy says the latter.
    const err = await bothFail(
      { kubeconfig: 'proxy/kubeconfig.yaml', context: 'refusing-proxy' },
      ExitCode.Unreachable,
      new RegExp(`proxyconnect tcp: dial tcp 127\\.0\\.0\\.1:${closedPort}: connect: connection refused`),
    );
    assert.doesNotMatch(err.message, /connection to the server .* was refused/);
    assert.match(
      err.hint ?? '',
      new RegExp(`the proxy http://127\\.0\\.0\\.1:${closedPort} refused the connection, not the server`),
    );
    assert.match(err.hint ?? '', /proxy-url of cluster "via-refusing-proxy"/);
  });

  test('without a proxy, a refused connection is still the server refusing', () => {
    const refusedErr = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), {
      code: 'ECONNREFUSED',
      address: '127.0.0.1',
      port: 1,
    });
    const e = explainConnectionError(new TypeError('fetch failed', { cause: refusedErr }), {
      server: 'https://127.0.0.1:1',
      clusterName: 'c',
      proxy: null,
    });
    assert.match(
      e?.message ?? '',
      /^The connection to the server 127\.0\.0\.1:1 was refused - did you specify the right host or port\?$/,
    );
  });
});

describe('kubeconfig failures are typed (KubeconfigError), so src/cli can map them', () => {
  const failure = async (s: Situation, extra: Partial<LoadKubeconfigOptions> = {}): Promise<KubeconfigError> => {
    const err = await load(s, extra).then(
      () => null,
      (e: unknown) => e,
    );
    assert.ok(err instanceof KubeconfigError, `expected a KubeconfigError, got ${String(err)}`);
    return err;
  };

  test('a flag value that is not a value: problem "flag", exit code Usage', async () => {
    const err = await failure({ kubeconfig: 'single.yaml', requestTimeout: 'soon' });
    assert.equal(err.problem, 'flag', err.message);
    assert.equal(err.code, ExitCode.Usage, err.message);
  });

  test('flags naming what the kubeconfig does not have: problem "unusable", exit code 5 as the README says (issue 13)', async () => {
    for (const s of [
      { kubeconfig: 'single.yaml', context: 'nosuch' },
      { kubeconfig: 'no-such-file.yaml' },
      { kubeconfig: 'single.yaml', cluster: 'nosuch' },
      { kubeconfig: 'single.yaml', user: 'nosuch' },
    ]) {
      const err = await failure(s);
      assert.equal(err.problem, 'unusable', err.message);
      assert.equal(err.code, ExitCode.Unreachable, err.message);
    }
  });

  test('an unusable configuration: problem "unusable", exit code Unreachable', async () => {
    const yaml11 = await failure({ kubeconfig: 'errors/yaml11-bool.yaml' });
    assert.equal(yaml11.problem, 'unusable');
    assert.equal(yaml11.code, ExitCode.Unreachable);
    const nothing = await failure({ env: { KUBECONFIG: path.join(root, 'none-here.yaml') } });
    assert.equal(nothing.problem, 'unusable');
    assert.match(nothing.message, /^no Kubernetes configuration found/);
  });
});
