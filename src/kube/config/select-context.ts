// Choosing the one context, cluster and user from the merged files and the flags, as kubectl does:
// --context/--cluster/--user override the context's (unknown names are errors); namespace: flag > context >
// "default"; an empty or missing cluster means "no configuration", and then the in-cluster config is tried.
import type { Sources } from './choose-files.js';
import { unusable } from './errors.js';
import { inCluster, inClusterPossible } from './in-cluster.js';
import { listNames, type Merged } from './merge.js';
import type { Entry, LoadKubeconfigOptions, RawCluster, RawContext, RawUser, Resolved } from './types.js';
import { validateCluster, validateUser } from './validate.js';

function isEmptyCluster(c: RawCluster): boolean {
  return Object.values(c).every(
    (v) => v === undefined || v === null || v === '' || v === false || (Array.isArray(v) && v.length === 0),
  );
}

function chooseContext(m: Merged, flagContext: string): { contextName: string; ctx: RawContext } {
  const contextName = flagContext || m.currentContext;
  if (!contextName) return { contextName, ctx: {} };
  const found = m.contexts.get(contextName);
  if (found) return { contextName, ctx: found.value };
  const list = listNames(m.contexts.keys(), 'context');
  if (flagContext)
    throw unusable(
      `context "${contextName}" does not exist in the kubeconfig`,
      `${list} (kubectl config get-contexts)`,
    );
  throw unusable(
    `current-context "${contextName}" does not exist in the kubeconfig`,
    `${list}; pick one with --context, or kubectl config use-context`,
  );
}

/** Why there is no usable cluster, worded for the one case that applies. */
function noCluster(sources: Sources, m: Merged, contextName: string, clusterName: string, found: boolean): Error {
  if (sources.files.length === 0) {
    const where = sources.lookedAt.startsWith('KUBECONFIG=')
      ? `none of the files in ${sources.lookedAt} exists`
      : `${sources.lookedAt} does not exist`;
    return unusable(
      `no Kubernetes configuration found: ${where}, and this is not a pod with a service account`,
      'point --kubeconfig or the KUBECONFIG environment variable at a kubeconfig file (kubectl would try http://localhost:8080)',
    );
  }
  if (!contextName && !clusterName) {
    const hint = `${listNames(m.contexts.keys(), 'context')}; pass --context, or run kubectl config use-context <name>`;
    return unusable('current-context is not set in the kubeconfig', hint);
  }
  if (!clusterName)
    return unusable(`context "${contextName}" names no cluster`, 'set contexts[].context.cluster in the kubeconfig');
  if (!found) {
    return unusable(
      `context "${contextName}" refers to cluster "${clusterName}", which does not exist in the kubeconfig`,
      listNames(m.clusters.keys(), 'cluster'),
    );
  }
  return unusable(`cluster "${clusterName}" is empty in the kubeconfig`, 'set its server');
}

function chooseUser(m: Merged, contextName: string, userName: string): RawUser {
  if (!userName) return {};
  const u = m.users.get(userName);
  // kubectl would prompt for a username and password on a terminal, and fails without one.
  if (u) return u.value;
  throw unusable(
    `context "${contextName}" refers to user "${userName}", which does not exist in the kubeconfig`,
    `${listNames(m.users.keys(), 'user')}; fix the context or pass --user`,
  );
}

function fromKubeconfig(
  opts: LoadKubeconfigOptions,
  sources: Sources,
  m: Merged,
  contextName: string,
  ctx: RawContext,
  clusterEntry: Entry<RawCluster>,
): Resolved {
  const clusterName = clusterEntry.name;
  const userName = opts.user || ctx.user || '';
  const user = chooseUser(m, contextName, userName);
  const flagNs = opts.namespace || '';
  const errs = [...validateCluster(clusterName, clusterEntry.value), ...(userName ? validateUser(userName, user) : [])];
  if (errs.length)
    throw unusable(`invalid kubeconfig: ${errs.join('; ')}`, 'fix the kubeconfig (kubectl refuses it too)');
  return {
    contextName,
    clusterName,
    cluster: clusterEntry.value,
    userName,
    user,
    namespace: flagNs || ctx.namespace || 'default',
    namespaceSource: flagNs ? 'flag' : ctx.namespace ? 'context' : 'default',
    files: sources.files,
    inCluster: false,
    warnings: [],
  };
}

/** The selected cluster and user; throws a KubeconfigError naming what is missing. */
export function selectContext(opts: LoadKubeconfigOptions, sources: Sources, m: Merged): Resolved {
  const flagCluster = opts.cluster || '';
  const flagUser = opts.user || '';
  const { contextName, ctx } = chooseContext(m, opts.context || '');
  if (flagCluster && !m.clusters.has(flagCluster)) {
    throw unusable(
      `cluster "${flagCluster}" does not exist in the kubeconfig`,
      listNames(m.clusters.keys(), 'cluster'),
    );
  }
  if (flagUser && !m.users.has(flagUser))
    throw unusable(`user "${flagUser}" does not exist in the kubeconfig`, listNames(m.users.keys(), 'user'));
  const clusterName = flagCluster || ctx.cluster || '';
  const clusterEntry = clusterName ? m.clusters.get(clusterName) : undefined;
  if (clusterEntry && !isEmptyCluster(clusterEntry.value))
    return fromKubeconfig(opts, sources, m, contextName, ctx, clusterEntry);
  // client-go: an empty cluster means "no configuration", and then the in-cluster config is tried.
  if (inClusterPossible(opts)) return inCluster(opts);
  throw noCluster(sources, m, contextName, clusterName, !!clusterEntry);
}
