// Building client-node's KubeConfig from the one resolved cluster/user/context: client-node gets exactly that
// context, with memwhy's authenticator for what it lacks.
import { KubeConfig, type Context } from '@kubernetes/client-node';
import { KubectlCompatAuth } from './authenticator.js';
import { buildCluster } from './client-cluster.js';
import { buildUser } from './client-user.js';
import type { AuthKind, LoadKubeconfigOptions, Resolved } from './types.js';

export interface Built {
  kc: KubeConfig;
  server: string;
  auth: AuthKind;
  proxy: string | null;
}

export function buildKubeConfig(r: Resolved, opts: LoadKubeconfigOptions): Built {
  const cluster = buildCluster(r, opts.env);
  const { user, auth, plan } = buildUser(r, cluster);
  const kc = new KubeConfig();
  kc.addAuthenticator(
    new KubectlCompatAuth(plan, {
      env: opts.env,
      cwd: opts.cwd,
      stdinIsTerminal: opts.stdinIsTerminal ?? false,
      stderr: opts.execStderr ?? null,
    }),
  );
  const contextName = r.contextName || 'memwhy';
  const context: Context = {
    name: contextName,
    cluster: cluster.cluster.name,
    user: user.name,
    namespace: r.namespace,
  };
  kc.loadFromOptions({ clusters: [cluster.cluster], users: [user], contexts: [context], currentContext: contextName });
  return { kc, server: cluster.server, auth, proxy: cluster.proxy };
}
