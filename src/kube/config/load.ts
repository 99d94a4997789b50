// The entry point: flags + injected environment → the files → the merge → the selected context → client-node.
import fs from 'node:fs';
import { chooseFiles } from './choose-files.js';
import { clientParts } from './client-parts.js';
import { unusable } from './errors.js';
import { parseRequestTimeout } from './go-duration.js';
import { merge } from './merge.js';
import { parseFile } from './read-file.js';
import { selectContext } from './select-context.js';
import type { LoadedKubeconfig, LoadKubeconfigOptions, RawUser, Resolved } from './types.js';

function hasCredentials(u: RawUser): boolean {
  return !!(
    u.token ||
    u.tokenFile ||
    u.username ||
    u.password ||
    u.exec ||
    u['client-certificate'] ||
    u['client-certificate-data'] ||
    u['auth-provider']
  );
}

/** A token file that cannot be read at load is an error unless `token` is also set, as in client-go. */
function checkTokenFile(resolved: Resolved): void {
  const file = resolved.user.tokenFile;
  if (!file || resolved.user.token) return;
  let content: string;
  try {
    content = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw unusable(
      `user "${resolved.userName}": cannot read tokenFile: ${(e as Error).message}`,
      'fix users[].user.tokenFile in the kubeconfig (kubectl fails the same way)',
    );
  }
  if (!content.trim())
    resolved.warnings.push(`user "${resolved.userName}": tokenFile ${file} is empty: requests carry no credentials`);
}

/**
 * Reads the kubeconfig the way kubectl does and returns exactly the selected context (after
 * --context/--cluster/--user) as the parts a transport is built from, plus what was selected. Throws KubeconfigError:
 * problem `flag` (exit Usage) for bad flags (--kubeconfig missing, unknown --context/--cluster/--user, bad
 * --request-timeout), `unusable` (exit Unreachable) for an unusable configuration.
 */
export async function loadKubeconfig(opts: LoadKubeconfigOptions): Promise<LoadedKubeconfig> {
  const timeout = parseRequestTimeout(opts.requestTimeout);
  const sources = chooseFiles(opts);
  const merged = merge(sources.files.map(parseFile));
  const resolved = selectContext(opts, sources, merged);
  checkTokenFile(resolved);
  const built = clientParts(resolved, opts);
  if (built.server.startsWith('http:') && resolved.userName && built.auth === 'none' && hasCredentials(resolved.user)) {
    resolved.warnings.push(
      `server ${built.server} is plain http: like kubectl, memwhy sends no credentials of user "${resolved.userName}" to it`,
    );
  }
  return {
    client: built.parts,
    contextName: resolved.contextName,
    clusterName: resolved.clusterName,
    userName: resolved.userName,
    server: built.server,
    namespace: resolved.namespace,
    namespaceSource: resolved.namespaceSource,
    requestTimeoutMs: timeout.ms,
    requestTimeoutParam: timeout.param,
    files: resolved.files,
    inCluster: resolved.inCluster,
    auth: built.auth,
    proxy: built.proxy,
    warnings: resolved.warnings,
  };
}
