// Errors at request time: undici's "fetch failed" and its causes, worded like kubectl's. A refused connection is
// blamed on whoever refused it: the proxy when requests go through one (they never reach the server directly
// then), else the server.
import { MemwhyError } from '../../errors.js';
import { unreachable } from './errors.js';
import type { LoadedKubeconfig } from './types.js';

type Cause = Error & { code?: string; address?: string; port?: number };

export type ConnectionTarget = Pick<LoadedKubeconfig, 'server' | 'clusterName'> &
  Partial<Pick<LoadedKubeconfig, 'proxy'>>;

const X509_UNKNOWN_AUTHORITY = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'CERT_UNTRUSTED',
  'CERT_SIGNATURE_FAILURE',
]);

function causes(err: unknown): Cause[] {
  const out: Cause[] = [];
  const walk = (e: unknown, depth: number): void => {
    if (!e || typeof e !== 'object' || depth > 6) return;
    out.push(e as Cause);
    if (e instanceof AggregateError) for (const x of e.errors) walk(x, depth + 1);
    walk((e as { cause?: unknown }).cause, depth + 1);
  };
  walk(err, 0);
  return out;
}

function hostPortOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

function refused(e: Cause, t: ConnectionTarget): MemwhyError {
  if (t.proxy) {
    const dialed = e.address && e.port !== undefined ? `${e.address}:${e.port}` : hostPortOf(t.proxy);
    return unreachable(
      `Unable to connect to the server: proxyconnect tcp: dial tcp ${dialed}: connect: connection refused`,
      `the proxy ${t.proxy} refused the connection, not the server: check that the proxy runs, and proxy-url of cluster "${t.clusterName}" in the kubeconfig or HTTPS_PROXY/NO_PROXY`,
    );
  }
  return unreachable(
    `The connection to the server ${hostPortOf(t.server)} was refused - did you specify the right host or port?`,
    'check the server in the kubeconfig and that the cluster is running (kubectl cluster-info)',
  );
}

function tlsProblem(e: Cause, t: ConnectionTarget): MemwhyError | null {
  const code = e.code ?? '';
  const server = t.server;
  if (X509_UNKNOWN_AUTHORITY.has(code)) {
    return unreachable(
      `Unable to connect to the server ${server}: tls: failed to verify certificate: x509: certificate signed by unknown authority (${e.message})`,
      `the server's certificate is not trusted: set certificate-authority or certificate-authority-data for cluster "${t.clusterName}" in the kubeconfig (kubectl fails the same way)`,
    );
  }
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') {
    return unreachable(
      `Unable to connect to the server ${server}: tls: failed to verify certificate: x509: certificate has expired or is not yet valid (${e.message})`,
      "check the machine's clock and the server's certificate",
    );
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
    return unreachable(
      `Unable to connect to the server ${server}: tls: failed to verify certificate: ${e.message}`,
      `the server's certificate does not name this host: fix the server URL or set tls-server-name for cluster "${t.clusterName}"`,
    );
  }
  return null;
}

function networkProblem(e: Cause, t: ConnectionTarget): MemwhyError | null {
  const code = e.code ?? '';
  const server = t.server;
  if (code === 'ECONNREFUSED') return refused(e, t);
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return unreachable(
      `Unable to connect to the server ${server}: dial tcp: lookup ${new URL(server).hostname}: no such host`,
      'check the server in the kubeconfig, your DNS, VPN or proxy',
    );
  }
  if (code === 'ETIMEDOUT' || code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH') {
    return unreachable(
      `Unable to connect to the server ${server}: ${e.message}`,
      'the API server is not reachable from here: check VPN, firewall and proxy settings',
    );
  }
  const broken = code === 'EPROTO' || code === 'ECONNRESET' || code === 'UND_ERR_SOCKET';
  if (broken || code.startsWith('ERR_SSL') || code.startsWith('ERR_OSSL') || code.startsWith('UND_ERR_')) {
    return unreachable(
      `Unable to connect to the server ${server}: ${e.message}`,
      'check the server URL (http:// versus https://), the proxy, and the client certificate in the kubeconfig',
    );
  }
  return null;
}

/**
 * Turns a failed request (undici's "fetch failed" and its causes) into a MemwhyError worded like
 * kubectl's, with ExitCode.Unreachable; a MemwhyError passes through; null when it is not a
 * connection problem.
 */
export function explainConnectionError(err: unknown, target: ConnectionTarget): MemwhyError | null {
  if (err instanceof MemwhyError) return err;
  for (const e of causes(err)) {
    const explained = tlsProblem(e, target) ?? networkProblem(e, target);
    if (explained) return explained;
  }
  return null;
}
