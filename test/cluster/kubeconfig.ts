// Kubeconfig files that both kubectl (client-go) and @kubernetes/client-node accept.
//
// Quirks handled here:
//   - client-node refuses an http:// server unless `insecure-skip-tls-verify: true` is set on the
//     cluster ("HTTP protocol is not allowed when skipTLSVerify is not set or false"), so http
//     kubeconfigs set it by default (kubectl ignores it for http).
//   - a token file is `tokenFile` for client-go but `token-file` for client-node: both keys are
//     written (client-go ignores the unknown one), and the file has no trailing newline because
//     client-node sends its content verbatim.
import { writeFileSync } from 'node:fs';

export interface KubeconfigSpec {
  /** Full server URL (http://127.0.0.1:port or https://…). */
  server: string;
  /** PEM of the CA, for https servers (certificate-authority-data). */
  caPem?: string;
  insecureSkipTlsVerify?: boolean;
  /** The kubeconfig user entry's name (also the context's). */
  user: string;
  token?: string;
  /** Path of a file holding the token (written by the caller). */
  tokenFile?: string;
  clientCertPem?: string;
  clientKeyPem?: string;
  namespace?: string;
  contextName?: string;
  clusterName?: string;
}

const b64 = (s: string): string => Buffer.from(s).toString('base64');
const q = (s: string): string => JSON.stringify(s);

export function renderKubeconfig(k: KubeconfigSpec): string {
  const cluster = k.clusterName ?? 'test-cluster';
  const context = k.contextName ?? `${k.user}@${cluster}`;
  const L: string[] = [
    'apiVersion: v1',
    'kind: Config',
    'preferences: {}',
    'clusters:',
    `- name: ${q(cluster)}`,
    '  cluster:',
    `    server: ${q(k.server)}`,
  ];
  const http = k.server.startsWith('http:');
  const insecure = k.insecureSkipTlsVerify ?? http;
  if (insecure) L.push('    insecure-skip-tls-verify: true');
  else if (k.caPem && !http) L.push(`    certificate-authority-data: ${b64(k.caPem)}`);
  L.push('users:', `- name: ${q(k.user)}`, '  user:');
  let any = false;
  if (k.token !== undefined) {
    L.push(`    token: ${q(k.token)}`);
    any = true;
  }
  if (k.tokenFile !== undefined) {
    L.push(`    tokenFile: ${q(k.tokenFile)}`, `    token-file: ${q(k.tokenFile)}`);
    any = true;
  }
  if (k.clientCertPem && k.clientKeyPem) {
    L.push(`    client-certificate-data: ${b64(k.clientCertPem)}`, `    client-key-data: ${b64(k.clientKeyPem)}`);
    any = true;
  }
  if (!any) L[L.length - 1] = '  user: {}';
  L.push('contexts:', `- name: ${q(context)}`, '  context:', `    cluster: ${q(cluster)}`, `    user: ${q(k.user)}`);
  if (k.namespace) L.push(`    namespace: ${q(k.namespace)}`);
  L.push(`current-context: ${q(context)}`, '');
  return L.join('\n');
}

/** Writes a kubeconfig file (mode 0600) and returns its path. */
export function writeKubeconfigFile(path: string, k: KubeconfigSpec): string {
  writeFileSync(path, renderKubeconfig(k), { mode: 0o600 });
  return path;
}
