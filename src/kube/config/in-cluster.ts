// The in-cluster configuration (client-go's inClusterClientConfig): KUBERNETES_SERVICE_HOST/PORT and the
// service account's token, CA and namespace, used when no kubeconfig names a cluster.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { existing } from './choose-files.js';
import type { LoadKubeconfigOptions, RawCluster, Resolved } from './types.js';
import { readable } from './validate.js';

const DEFAULT_SA_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

export function inClusterPossible(opts: LoadKubeconfigOptions): boolean {
  const dir = opts.serviceAccountDir ?? DEFAULT_SA_DIR;
  return !!opts.env.KUBERNETES_SERVICE_HOST && !!opts.env.KUBERNETES_SERVICE_PORT && existing(path.join(dir, 'token'));
}

function serviceAccountNamespace(opts: LoadKubeconfigOptions, dir: string): string {
  if (opts.env.POD_NAMESPACE) return opts.env.POD_NAMESPACE;
  try {
    return fs.readFileSync(path.join(dir, 'namespace'), 'utf8').trim();
  } catch {
    return '';
  }
}

export function inCluster(opts: LoadKubeconfigOptions): Resolved {
  const dir = opts.serviceAccountDir ?? DEFAULT_SA_DIR;
  const host = opts.env.KUBERNETES_SERVICE_HOST!;
  const port = opts.env.KUBERNETES_SERVICE_PORT!;
  const ca = path.join(dir, 'ca.crt');
  const warnings: string[] = [];
  const cluster: RawCluster = { server: `https://${net.isIPv6(host) ? `[${host}]` : host}:${port}` };
  if (readable(ca) === null) cluster['certificate-authority'] = ca;
  else warnings.push(`in-cluster: cannot read ${ca}; the server certificate is checked against the default roots`);
  const namespace = serviceAccountNamespace(opts, dir);
  const flagNs = opts.namespace || '';
  return {
    contextName: '',
    clusterName: 'in-cluster',
    cluster,
    userName: 'in-cluster',
    user: { tokenFile: path.join(dir, 'token') },
    namespace: flagNs || namespace || 'default',
    namespaceSource: flagNs ? 'flag' : namespace ? 'context' : 'default',
    files: [],
    inCluster: true,
    warnings,
  };
}
