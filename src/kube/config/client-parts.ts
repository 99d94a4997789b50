// The one resolved cluster/user/context as the pieces a transport needs: client-node's Cluster and User shapes
// (types only: nothing of client-node is loaded here), memwhy's AuthPlan (tokenFile, exec, impersonation extras)
// and what exec plugins see of the terminal. transport/open.ts decides from them which transport a run uses.
import type { Cluster, User } from '@kubernetes/client-node';
import type { AuthPlan } from './authenticator.js';
import { buildCluster } from './client-cluster.js';
import { buildUser } from './client-user.js';
import type { ExecContext } from './exec-plugin.js';
import type { AuthKind, LoadKubeconfigOptions, Resolved } from './types.js';

export interface ClientParts {
  cluster: Cluster;
  user: User;
  plan: AuthPlan;
  /** The context name client-node's KubeConfig gets ('memwhy' when none was selected). */
  contextName: string;
  namespace: string;
  exec: ExecContext;
}

export interface BuiltParts {
  parts: ClientParts;
  server: string;
  auth: AuthKind;
  proxy: string | null;
}

export function clientParts(r: Resolved, opts: LoadKubeconfigOptions): BuiltParts {
  const cluster = buildCluster(r, opts.env);
  const { user, auth, plan } = buildUser(r, cluster);
  const exec: ExecContext = {
    env: opts.env,
    cwd: opts.cwd,
    stdinIsTerminal: opts.stdinIsTerminal ?? false,
    stderr: opts.execStderr ?? null,
  };
  return {
    parts: {
      cluster: cluster.cluster,
      user,
      plan,
      contextName: r.contextName || 'memwhy',
      namespace: r.namespace,
      exec,
    },
    server: cluster.server,
    auth,
    proxy: cluster.proxy,
  };
}
