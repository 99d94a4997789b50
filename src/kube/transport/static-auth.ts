// Static credentials as client-node would apply them, without loading client-node: the same steps as its
// KubeConfig.applySecurityAuthentication (applyHTTPSOptions, applyAuthorizationHeader, the Basic header), for
// users whose credentials are a token, a tokenFile, a username/password or a client certificate. A test
// (test/kube/transport.test.ts) holds this to client-node's own answer for each kind of user.
import fs from 'node:fs';
import { KubectlCompatAuth, MEMWHY_AUTH } from '../config/authenticator.js';
import type { ClientParts } from '../config/client-parts.js';

/** What goes into the TLS connection (client-node's agentOptions). */
export interface TlsOptions {
  ca?: Buffer;
  cert?: Buffer;
  key?: Buffer;
  rejectUnauthorized?: boolean;
  servername?: string;
}

/** client-node's bufferFromFileOrString: the file wins over the data. */
function fileOrData(file: string | undefined, data: string | undefined): Buffer | null {
  if (file) return fs.readFileSync(file);
  if (data) return Buffer.from(data, 'base64');
  return null;
}

/** The TLS part of applyHTTPSOptions. rejectUnauthorized is set only for insecure-skip-tls-verify, as there. */
export function tlsOptions(parts: ClientParts): TlsOptions {
  const { cluster, user } = parts;
  const tls: TlsOptions = {};
  if (cluster.skipTLSVerify) tls.rejectUnauthorized = false;
  if (cluster.tlsServerName) tls.servername = cluster.tlsServerName;
  const ca = fileOrData(cluster.caFile, cluster.caData);
  if (ca) tls.ca = ca;
  const cert = fileOrData(user.certFile, user.certData);
  if (cert) tls.cert = cert;
  const key = fileOrData(user.keyFile, user.keyData);
  if (key) tls.key = key;
  return tls;
}

/** Whether the user's credentials are static, so that this module applies them (else client-node does). */
export function isStatic(parts: ClientParts): boolean {
  const provider = parts.user.authProvider as { name?: string } | undefined;
  return parts.plan.exec === null && (!provider || provider.name === MEMWHY_AUTH);
}

/** The headers of each request; a tokenFile is re-read every time, as kubectl and client-node do. */
export class StaticAuth {
  private compat: KubectlCompatAuth | null;

  constructor(private parts: ClientParts) {
    const provider = parts.user.authProvider as { name?: string } | undefined;
    this.compat = provider?.name === MEMWHY_AUTH ? new KubectlCompatAuth(parts.plan, parts.exec) : null;
  }

  async headers(): Promise<Record<string, string>> {
    const user = this.parts.user;
    const opts: { headers: Record<string, unknown> } = { headers: {} };
    if (user.impersonateUser != null) opts.headers['Impersonate-User'] = user.impersonateUser;
    if (this.compat) await this.compat.applyAuthentication(user, opts);
    if (user.token) opts.headers.Authorization = `Bearer ${user.token}`;
    const out: Record<string, string> = {};
    if (user.username)
      out.Authorization = `Basic ${Buffer.from(`${user.username}:${user.password}`).toString('base64')}`;
    for (const [k, v] of Object.entries(opts.headers)) out[k] = `${v as string}`;
    return out;
  }
}
