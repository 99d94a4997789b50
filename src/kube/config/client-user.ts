// The selected user as client-node's User, plus the AuthPlan for what memwhy's own authenticator does (tokenFile,
// exec plugin, impersonation headers). Over plain http:// no credentials are set, as kubectl sends none there.
import type { User } from '@kubernetes/client-node';
import { MEMWHY_AUTH, type AuthPlan } from './authenticator.js';
import { caBytes, type ClusterChoice } from './client-cluster.js';
import { unusable } from './errors.js';
import type { ExecPlan } from './exec-plugin.js';
import { EXEC_V1, EXEC_V1BETA1, type AuthKind, type RawCluster, type RawExec, type Resolved } from './types.js';
import { execInteractiveMode } from './validate.js';

type MutableUser = { -readonly [K in keyof User]: User[K] };

export interface UserChoice {
  user: User;
  auth: AuthKind;
  plan: AuthPlan;
}

/** Impersonation beyond the user name (client-go sets it before the TLS check, so over http:// too). */
function impersonationHeaders(r: Resolved): Record<string, string> {
  const u = r.user;
  const headers: Record<string, string> = {};
  const groups = u['as-groups'] ?? [];
  if (groups.length > 1) {
    throw unusable(
      `user "${r.userName}": impersonating more than one group (as-groups) is not supported by memwhy`,
      'use kubectl for that, or keep one group in as-groups',
    );
  }
  if (groups[0]) headers['Impersonate-Group'] = groups[0];
  if (u['as-uid']) headers['Impersonate-Uid'] = u['as-uid'];
  for (const [k, values] of Object.entries(u['as-user-extra'] ?? {})) {
    if ((values ?? []).length > 1) {
      throw unusable(
        `user "${r.userName}": more than one value for as-user-extra ${k} is not supported by memwhy`,
        null,
      );
    }
    if (values?.[0]) headers[`Impersonate-Extra-${encodeURIComponent(k)}`] = values[0];
  }
  return headers;
}

function extensionConfig(c: RawCluster): unknown {
  for (const e of c.extensions ?? []) if (e?.name === 'client.authentication.k8s.io/exec') return e.extension ?? null;
  return null;
}

/** spec.cluster of KUBERNETES_EXEC_INFO for provideClusterInfo, in client-go's JSON field order. */
function execClusterInfo(raw: RawCluster, c: ClusterChoice): Record<string, unknown> {
  const info: Record<string, unknown> = { server: c.server };
  if (raw['tls-server-name']) info['tls-server-name'] = raw['tls-server-name'];
  if (c.insecure) info['insecure-skip-tls-verify'] = true;
  const ca = caBytes(raw);
  if (ca) info['certificate-authority-data'] = ca.toString('base64');
  if (raw['proxy-url']) info['proxy-url'] = raw['proxy-url'];
  if (raw['disable-compression']) info['disable-compression'] = true;
  info.config = extensionConfig(raw);
  return info;
}

function execPlan(r: Resolved, e: RawExec, c: ClusterChoice): ExecPlan {
  const apiVersion = e.apiVersion ?? '';
  if (apiVersion !== EXEC_V1 && apiVersion !== EXEC_V1BETA1) {
    throw unusable(
      `user "${r.userName}": exec plugin: invalid apiVersion ${JSON.stringify(apiVersion)}`,
      `use ${EXEC_V1} or ${EXEC_V1BETA1} (kubectl refuses it too)`,
    );
  }
  return {
    userName: r.userName,
    command: e.command!,
    args: e.args ?? [],
    env: (e.env ?? []).map((x) => ({ name: x.name!, value: x.value ?? '' })),
    apiVersion,
    installHint: e.installHint ?? '',
    interactiveMode: execInteractiveMode(e),
    cluster: e.provideClusterInfo ? execClusterInfo(r.cluster, c) : null,
  };
}

function authProvider(r: Resolved, user: MutableUser, headers: Record<string, string>): boolean {
  const provider = r.user['auth-provider'];
  if (!provider?.name) return false;
  if (provider.name === 'gcp') {
    throw unusable(
      'The gcp auth plugin has been removed.',
      'Please use the "gke-gcloud-auth-plugin" kubectl/client-go credential plugin instead (https://cloud.google.com/blog/products/containers-kubernetes/kubectl-auth-changes-in-gke)',
    );
  }
  if (provider.name === 'azure') {
    throw unusable(
      'The azure auth plugin has been removed.',
      'Please use the https://github.com/Azure/kubelogin kubectl/client-go credential plugin instead.',
    );
  }
  if (Object.keys(headers).length) {
    throw unusable(
      `user "${r.userName}": as-groups/as-uid/as-user-extra together with auth-provider ${provider.name} is not supported by memwhy`,
      null,
    );
  }
  user.authProvider = { name: provider.name, config: { ...(provider.config ?? {}) } };
  return true;
}

/** The credentials of an https:// user, in client-go's order of precedence; returns how requests authenticate. */
function setCredentials(r: Resolved, c: ClusterChoice, user: MutableUser, plan: AuthPlan): AuthKind {
  const u = r.user;
  let auth: AuthKind = 'none';
  const hasCert = !!(u['client-certificate'] || u['client-certificate-data']);
  if (u['client-certificate-data']) user.certData = u['client-certificate-data'];
  else if (u['client-certificate']) user.certFile = u['client-certificate'];
  if (u['client-key-data']) user.keyData = u['client-key-data'];
  else if (u['client-key']) user.keyFile = u['client-key'];
  if (hasCert) auth = 'clientCertificate';
  if (u.tokenFile) {
    plan.tokenFile = u.tokenFile;
    plan.fallbackToken = u.token || null;
    auth = 'tokenFile';
  } else if (u.token) {
    user.token = u.token;
    auth = 'token';
  }
  if (u.username || u.password) {
    user.username = u.username ?? '';
    user.password = u.password ?? '';
    auth = 'basic';
  }
  const hasProvider = authProvider(r, user, plan.headers);
  if (hasProvider) auth = 'authProvider';
  // client-go skips the exec plugin when a token, basic auth or a client certificate is configured.
  if (u.exec && !u.token && !u.tokenFile && !u.username && !u.password && !hasCert && !hasProvider) {
    plan.exec = execPlan(r, u.exec, c);
    auth = 'exec';
  }
  return auth;
}

export function buildUser(r: Resolved, c: ClusterChoice): UserChoice {
  const headers = impersonationHeaders(r);
  const plan: AuthPlan = { tokenFile: null, fallbackToken: null, exec: null, headers };
  let user: MutableUser = { name: r.userName || 'user', ...(r.user.as ? { impersonateUser: r.user.as } : {}) };
  const auth = c.secure ? setCredentials(r, c, user, plan) : 'none';
  if (plan.tokenFile || plan.exec || Object.keys(headers).length) {
    if (user.authProvider)
      throw unusable(`user "${r.userName}": unsupported combination of auth-provider with tokenFile/exec`, null);
    user = { ...user, authProvider: { name: MEMWHY_AUTH, config: {} } };
  }
  return { user, auth, plan };
}
