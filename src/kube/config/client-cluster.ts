// The selected cluster as client-node's Cluster: the server URL (client-go's scheme-less rule), TLS settings and
// certificates checked now rather than at the first request, and the proxy (proxy-url, else the environment).
import fs from 'node:fs';
import tls from 'node:tls';
import type { Cluster } from '@kubernetes/client-node';
import { unusable } from './errors.js';
import { proxyFromEnvironment } from './proxy-env.js';
import type { RawCluster, Resolved } from './types.js';

/** What the cluster part decides, which the user part builds on. */
export interface ClusterChoice {
  cluster: Cluster;
  /** The API server URL, without a trailing slash. */
  server: string;
  /** https:// (credentials are sent only then). */
  secure: boolean;
  insecure: boolean;
  proxy: string | null;
}

/** The scheme-less server rule of client-go: "host:port" means http://host:port. */
export function normalizeServer(server: string): string {
  const hasScheme = /^[a-z][a-z0-9+.-]*:\/\/[^/]/i.test(server);
  const withScheme = hasScheme ? server.replace(/^[a-z0-9+.-]+:/i, (m) => m.toLowerCase()) : `http://${server}`;
  return withScheme.replace(/\/$/, '');
}

export function caBytes(c: RawCluster): Buffer | null {
  if (c['certificate-authority-data']) return Buffer.from(c['certificate-authority-data'], 'base64');
  if (c['certificate-authority']) return fs.readFileSync(c['certificate-authority']);
  return null;
}

function serverUrl(r: Resolved): { server: string; secure: boolean } {
  const raw = r.cluster;
  if (!raw.server) {
    throw unusable(
      `cluster "${r.clusterName}" has no server set in the kubeconfig`,
      'set clusters[].cluster.server (kubectl would try http://localhost:8080)',
    );
  }
  const server = normalizeServer(raw.server);
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw unusable(`cluster "${r.clusterName}": server ${JSON.stringify(raw.server)} is not a URL`, null);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw unusable(`cluster "${r.clusterName}": server ${raw.server} must be http:// or https://`, null);
  }
  return { server, secure: url.protocol === 'https:' };
}

function chooseProxy(r: Resolved, server: string, env: Record<string, string | undefined>): string | null {
  const proxy = r.cluster['proxy-url'] || null;
  if (proxy && !/^(https?|socks5h?|socks4a?):\/\//i.test(proxy)) {
    throw unusable(`cluster "${r.clusterName}": proxy-url ${proxy} must be http://, https:// or socks5://`, null);
  }
  return proxy ?? proxyFromEnvironment(server, env);
}

/** Certificates and keys are checked now, not at the first request. */
function checkCertificates(r: Resolved): void {
  const u = r.user;
  try {
    const ca = caBytes(r.cluster);
    const certFile = u['client-certificate'];
    const keyFile = u['client-key'];
    const cert = u['client-certificate-data']
      ? Buffer.from(u['client-certificate-data'], 'base64')
      : certFile
        ? fs.readFileSync(certFile)
        : undefined;
    const key = u['client-key-data']
      ? Buffer.from(u['client-key-data'], 'base64')
      : keyFile
        ? fs.readFileSync(keyFile)
        : undefined;
    if (ca && !/-----BEGIN CERTIFICATE-----/.test(ca.toString('latin1'))) {
      throw new Error('unable to load root certificates: unable to parse bytes as PEM block');
    }
    tls.createSecureContext({ ca: ca ?? undefined, cert, key });
  } catch (e) {
    throw unusable(
      `cluster "${r.clusterName}" / user "${r.userName}": bad certificate or key in the kubeconfig: ${(e as Error).message}`,
      'check certificate-authority(-data), client-certificate(-data) and client-key(-data)',
    );
  }
}

export function buildCluster(r: Resolved, env: Record<string, string | undefined>): ClusterChoice {
  const raw = r.cluster;
  const { server, secure } = serverUrl(r);
  const insecure = raw['insecure-skip-tls-verify'] === true;
  const hasCA = !!(raw['certificate-authority'] || raw['certificate-authority-data']);
  if (secure && insecure && hasCA) {
    throw unusable(
      `cluster "${r.clusterName}": specifying a root certificates file with the insecure flag is not allowed`,
      'remove insecure-skip-tls-verify or the certificate-authority from the kubeconfig (kubectl refuses it too)',
    );
  }
  const proxy = chooseProxy(r, server, env);
  if (secure) checkCertificates(r);
  const ca = !secure
    ? {}
    : raw['certificate-authority-data']
      ? { caData: raw['certificate-authority-data'] }
      : raw['certificate-authority']
        ? { caFile: raw['certificate-authority'] }
        : {};
  const cluster: Cluster = {
    name: r.clusterName || 'cluster',
    server,
    // client-node refuses http:// unless skipTLSVerify; there is no TLS to verify on http://.
    skipTLSVerify: secure ? insecure : true,
    ...ca,
    ...(raw['tls-server-name'] ? { tlsServerName: raw['tls-server-name'] } : {}),
    ...(proxy ? { proxyUrl: proxy } : {}),
  };
  return { cluster, server, secure, insecure, proxy };
}
