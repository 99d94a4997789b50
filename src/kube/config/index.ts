// kubeconfig loading with kubectl's (client-go's clientcmd) semantics, one concern per file:
//   choose-files.ts     which files: --kubeconfig, $KUBECONFIG (first wins), ~/.kube/config
//   read-file.ts        one file: YAML 1.1 as go-yaml v2 reads it (yaml-fields.ts), relative paths resolved
//   merge.ts            several files: the first that names a cluster/user/context wins it, whole
//   select-context.ts   --context/--cluster/--user/-n over the current context; in-cluster.ts as the fallback
//   validate.ts         clientcmd's ConfirmUsable checks of the selected cluster and user
//   go-duration.ts      --request-timeout as Go durations
//   proxy-env.ts        HTTPS_PROXY/HTTP_PROXY/NO_PROXY with Go's rules (CIDRs, domains, ports)
//   client-cluster.ts   server URL, TLS and proxy as client-node's Cluster
//   client-user.ts      credentials as client-node's User + what authenticator.ts does (tokenFile, exec)
//   exec-plugin.ts      exec credential plugins, run as client-go runs them
//   client-parts.ts     the selected cluster, user and auth plan as the pieces a transport is built from
//   build-kubeconfig.ts the client-node KubeConfig with exactly the selected context (loaded only when needed)
//   load.ts             loadKubeconfig(): all of the above, in order
//   connection-errors.ts request-time network/TLS failures worded like kubectl's
//   errors.ts           KubeconfigError (problem `flag` → exit Usage, `unusable` → exit Unreachable)
// Nothing here reads `process`: env, cwd, home, stdin's TTY-ness and the stderr for exec plugins are passed in.
export { loadKubeconfig } from './load.js';
export { KubeconfigError, type KubeconfigProblem } from './errors.js';
export { explainConnectionError, type ConnectionTarget } from './connection-errors.js';
export { formatGoDuration, parseGoDuration, parseRequestTimeout } from './go-duration.js';
export { proxyFromEnvironment } from './proxy-env.js';
export type { ClientParts } from './client-parts.js';
export type { AuthKind, LoadedKubeconfig, LoadKubeconfigOptions, NamespaceSource, TextSink } from './types.js';
