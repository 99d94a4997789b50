// client-node's KubeConfig from the resolved parts: exactly the selected context, with memwhy's authenticator for
// what client-node lacks. Loaded only by the transport that needs client-node (exec plugins, auth providers,
// proxies; transport/open.ts) and by tests that ask client-node what it would send.
import { KubeConfig, type Context } from '@kubernetes/client-node';
import { KubectlCompatAuth } from './authenticator.js';
import type { ClientParts } from './client-parts.js';

export function buildKubeConfig(parts: ClientParts): KubeConfig {
  const kc = new KubeConfig();
  kc.addAuthenticator(new KubectlCompatAuth(parts.plan, parts.exec));
  const context: Context = {
    name: parts.contextName,
    cluster: parts.cluster.name,
    user: parts.user.name,
    namespace: parts.namespace,
  };
  kc.loadFromOptions({
    clusters: [parts.cluster],
    users: [parts.user],
    contexts: [context],
    currentContext: parts.contextName,
  });
  return kc;
}
