// Which transport a run uses, and only that one is loaded: static credentials (token, tokenFile, basic, client
// certificate, none) without a proxy go over Node's own http/https; exec plugins, auth providers and proxies go
// through client-node, which stays the authority for them (loaded only then).
import type { ClientParts } from '../config/client-parts.js';
import { NodeTransport } from './node-https.js';
import { isStatic } from './static-auth.js';
import type { Transport } from './types.js';

export function needsClientNode(parts: ClientParts): boolean {
  return !!parts.cluster.proxyUrl || !isStatic(parts);
}

export async function openTransport(server: string, parts: ClientParts): Promise<Transport> {
  if (!needsClientNode(parts)) return new NodeTransport(server, parts);
  const [{ ClientNodeTransport }, { buildKubeConfig }] = await Promise.all([
    import('./client-node.js'),
    import('../config/build-kubeconfig.js'),
  ]);
  return new ClientNodeTransport(buildKubeConfig(parts));
}
