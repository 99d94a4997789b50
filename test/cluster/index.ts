// The test cluster: a Kubernetes API server (HTTP and HTTPS on 127.0.0.1) over a live, mutable state,
// with a kubelet that runs pods' commands for real. See README.md.
//
//   const cluster = await startCluster(loadSnapshotState('examples/oomkilled-container'), { kubelet: { stepMs: 10 } });
//   const kc = cluster.kubeconfig('admin', { server: 'https' });
//   … kubectl --kubeconfig kc get pods …
//   await cluster.close();
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Internals } from './context.js';
import { makePki, type Pki } from './certs.js';
import { EventRecorder } from './events.js';
import { Faults } from './faults.js';
import { writeKubeconfigFile } from './kubeconfig.js';
import { Kubelet } from './kubelet.js';
import { namespaceObject } from './other.js';
import { prepareTools } from './runner.js';
import { createHandler } from './server.js';
import { Store } from './store.js';
import type { ClusterOptions, ClusterState, FaultSpec, RequestLog, Route, StateInput, UserSpec } from './types.js';
import { hex, sleep, type Obj } from './util.js';

export type {
  ClusterOptions,
  ClusterState,
  FaultSpec,
  PolicyRule,
  RequestLog,
  Route,
  RouteMatch,
  StateInput,
  UserSpec,
  ImagePolicy,
  KubeletOptions,
} from './types.js';
export { loadSnapshotState } from './snapshot.js';
export { renderKubeconfig, writeKubeconfigFile, type KubeconfigSpec } from './kubeconfig.js';
export { ENFORCE as PSA_ENFORCE_LABEL } from './psa.js';
export type { Obj } from './util.js';

export interface KubeconfigOptions {
  /** Which listener. Default 'https'. */
  server?: 'http' | 'https';
  /** How the user authenticates. Default 'token'. */
  auth?: 'token' | 'cert' | 'tokenFile' | 'none';
  namespace?: string;
  /** https: skip verification instead of embedding the CA. http: default true (client-node needs it). */
  insecureSkipTlsVerify?: boolean;
  /** Where to write; default <workDir>/kubeconfig-<user>-<server>-<auth>[-<ns>].yaml. */
  path?: string;
}

export interface Cluster {
  httpUrl: string;
  httpsUrl: string;
  caPem: string;
  /** The live state: the API reads it on every request (see also `store` for changes that watches see). */
  state: ClusterState;
  /** Every request answered so far, in order. */
  requests: RequestLog[];
  workDir: string;
  /** Writes a kubeconfig for a user (from state.users) and returns its path. */
  kubeconfig(user: string, opts?: KubeconfigOptions): string;
  /** Same, to a chosen path. */
  writeKubeconfig(path: string, opts: KubeconfigOptions & { user: string }): string;
  /** A bearer token of a user. */
  token(user: string): string;
  /** A client certificate (CN = user, O = the user's groups) signed by the cluster CA. */
  clientCert(user: string): { cert: string; key: string };
  /** Adds a fault; returns its remover. */
  fault(route: Route, spec: FaultSpec): () => void;
  clearFaults(): void;
  /** Store operations that bump resourceVersion and notify watches. */
  store: {
    create(resource: 'pods' | 'nodes' | 'namespaces' | 'events', obj: Obj): Obj;
    update(
      resource: 'pods' | 'nodes' | 'namespaces' | 'events',
      namespace: string | null,
      name: string,
      fn: (o: Obj) => void,
    ): Obj | undefined;
    remove(
      resource: 'pods' | 'nodes' | 'namespaces' | 'events',
      namespace: string | null,
      name: string,
    ): Obj | undefined;
    get(resource: 'pods' | 'nodes' | 'namespaces' | 'events', namespace: string | null, name: string): Obj | undefined;
  };
  /** Polls the stored pod until `pred` holds; resolves with it (rejects after timeoutMs). */
  waitForPod(
    namespace: string,
    name: string,
    pred: (pod: Obj | undefined) => boolean,
    timeoutMs?: number,
  ): Promise<Obj | undefined>;
  /** Stops every container (SIGKILL), ends every connection, removes workDir. Idempotent. */
  close(): Promise<void>;
}

const SYSTEM_NAMESPACES = ['default', 'kube-system', 'kube-public', 'kube-node-lease'];

/** Fills in the parts a state description may leave out. */
export function normalizeState(input: StateInput): ClusterState {
  const s: ClusterState = {
    namespaces: input.namespaces ?? [],
    nodes: input.nodes ?? [],
    pods: input.pods ?? [],
    events: input.events ?? [],
    summaries: input.summaries ?? {},
    podMetrics: input.podMetrics ?? [],
    nodeMetrics: input.nodeMetrics ?? [],
    users: input.users ?? [{ name: 'admin', groups: ['system:masters'] }],
    hostPaths: input.hostPaths ?? {},
    images: { deny: input.images?.deny ?? [], ...(input.images?.defaults ? { defaults: input.images.defaults } : {}) },
    logs: input.logs ?? {},
  };
  const wanted = new Set<string>(SYSTEM_NAMESPACES);
  for (const o of [...s.pods, ...s.events]) wanted.add(o.metadata?.namespace ?? 'default');
  for (const name of wanted) {
    if (!s.namespaces.some((n) => n.metadata?.name === name)) s.namespaces.push(namespaceObject(name));
  }
  for (const n of s.namespaces) {
    n.metadata ??= {};
    n.metadata.labels = { ...(n.metadata.labels ?? {}), 'kubernetes.io/metadata.name': n.metadata.name };
    n.spec ??= { finalizers: ['kubernetes'] };
    n.status ??= { phase: 'Active' };
  }
  for (const o of [...s.pods, ...s.events]) {
    o.metadata ??= {};
    o.metadata.namespace ??= 'default';
  }
  for (const u of s.users) u.token ??= `${u.name.replace(/[^A-Za-z0-9]/g, '')}-${hex(16)}`;
  return s;
}

function listen(server: http.Server | https.Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => resolve((server.address() as AddressInfo).port));
  });
}

export async function startCluster(input: StateInput = {}, opts: ClusterOptions = {}): Promise<Cluster> {
  const ownWorkDir = !opts.workDir;
  const workDir = opts.workDir ?? mkdtempSync(join(tmpdir(), 'test-cluster-'));
  mkdirSync(workDir, { recursive: true });
  const state = normalizeState(input);
  const store = new Store(state);
  let pki: Pki;
  try {
    pki = makePki(join(workDir, 'pki'));
  } catch (err) {
    if (ownWorkDir) rmSync(workDir, { recursive: true, force: true });
    throw err;
  }
  const tools = prepareTools(workDir);
  const events = new EventRecorder(store);
  const faults = new Faults();
  const requests: RequestLog[] = [];
  let httpsPort = 0;
  const internals: Internals = {
    store,
    state,
    kubelet: undefined as unknown as Kubelet,
    events,
    faults,
    metrics: opts.metrics ?? true,
    psaDefault: opts.psaDefault ?? 'privileged',
    httpAnonymousUser: opts.httpAnonymousUser ?? null,
    bookmarkIntervalMs: opts.bookmarkIntervalMs ?? 5000,
    version: opts.version ?? { major: '1', minor: '32', gitVersion: 'v1.32.4' },
    serverAddress: () => `127.0.0.1:${httpsPort}`,
    watches: new Set(),
  };
  const httpServer = http.createServer(createHandler(internals, requests, 'http'));
  const httpsServer = https.createServer(
    { key: pki.server.key, cert: pki.server.cert, ca: [pki.ca.cert], requestCert: true, rejectUnauthorized: false },
    createHandler(internals, requests, 'https'),
  );
  // Watches and log follows stay open: no server-side timeouts.
  for (const s of [httpServer, httpsServer]) {
    s.requestTimeout = 0;
    s.headersTimeout = 60_000;
    s.keepAliveTimeout = 5_000;
  }
  const httpPort = await listen(httpServer, opts.port ?? 0);
  httpsPort = await listen(httpsServer, opts.httpsPort ?? 0);
  const kubelet = new Kubelet(store, state, events, tools, workDir, opts.kubelet ?? {}, {
    host: '127.0.0.1',
    port: httpsPort,
  });
  internals.kubelet = kubelet;
  kubelet.start();

  const httpUrl = `http://127.0.0.1:${httpPort}`;
  const httpsUrl = `https://127.0.0.1:${httpsPort}`;
  const userSpec = (name: string): UserSpec => {
    const u = state.users.find((x) => x.name === name);
    if (!u) throw new Error(`test cluster: no user "${name}" (users: ${state.users.map((x) => x.name).join(', ')})`);
    return u;
  };
  const writeKc = (path: string, o: KubeconfigOptions & { user: string }): string => {
    const server = o.server ?? 'https';
    const auth = o.auth ?? 'token';
    const u = auth === 'none' ? { name: o.user, token: undefined, groups: [] } : userSpec(o.user);
    let tokenFile: string | undefined;
    if (auth === 'tokenFile') {
      tokenFile = `${path}.token`;
      writeFileSync(tokenFile, u.token ?? '', { mode: 0o600 });
    }
    const cert = auth === 'cert' ? pki.client(u.name, u.groups ?? []) : undefined;
    return writeKubeconfigFile(path, {
      server: server === 'http' ? httpUrl : httpsUrl,
      caPem: pki.ca.cert,
      insecureSkipTlsVerify: o.insecureSkipTlsVerify,
      user: u.name,
      token: auth === 'token' ? u.token : undefined,
      tokenFile,
      clientCertPem: cert?.cert,
      clientKeyPem: cert?.key,
      namespace: o.namespace,
    });
  };

  let closed: Promise<void> | null = null;
  const cluster: Cluster = {
    httpUrl,
    httpsUrl,
    caPem: pki.ca.cert,
    state,
    requests,
    workDir,
    kubeconfig(user, o = {}) {
      const name = `kubeconfig-${user.replace(/[^A-Za-z0-9_.-]/g, '_')}-${o.server ?? 'https'}-${o.auth ?? 'token'}${o.namespace ? `-${o.namespace}` : ''}${o.insecureSkipTlsVerify ? '-insecure' : ''}.yaml`;
      return writeKc(o.path ?? join(workDir, name), { ...o, user });
    },
    writeKubeconfig: (path, o) => writeKc(path, o),
    token: (user) => userSpec(user).token!,
    clientCert: (user) => {
      const u = state.users.find((x) => x.name === user);
      return pki.client(user, u?.groups ?? []);
    },
    fault: (route, spec) => faults.add(route, spec),
    clearFaults: () => faults.clear(),
    store: {
      create: (r, o) => store.create(r, o),
      update: (r, ns, n, fn) => store.update(r, ns, n, fn),
      remove: (r, ns, n) => store.remove(r, ns, n),
      get: (r, ns, n) => store.get(r, ns, n),
    },
    async waitForPod(namespace, name, pred, timeoutMs = 10_000) {
      const end = Date.now() + timeoutMs;
      for (;;) {
        const p = store.get('pods', namespace, name);
        if (pred(p)) return p;
        if (Date.now() > end) {
          throw new Error(
            `timed out waiting for pod ${namespace}/${name}; last status: ${JSON.stringify(p?.status ?? null)}`,
          );
        }
        await sleep(20);
      }
    },
    close() {
      closed ??= (async () => {
        await kubelet.close();
        for (const res of internals.watches) res.destroy();
        internals.watches.clear();
        await Promise.all(
          [httpServer, httpsServer].map(
            (s) =>
              new Promise<void>((r) => {
                s.close(() => r());
                s.closeAllConnections();
              }),
          ),
        );
        if (ownWorkDir) rmSync(workDir, { recursive: true, force: true });
      })();
      return closed;
    },
  };
  return cluster;
}
