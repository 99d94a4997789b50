// The shapes kubeconfig loading works with: what the caller passes and gets back, the raw kubeconfig entries
// (client-go's v1 types, as far as memwhy uses them), and the one resolved cluster/user/context.
import type { ClientParts } from './client-parts.js';

/** Where an exec plugin's stderr goes; kubectl passes it through to its own stderr. */
export interface TextSink {
  write(chunk: string): unknown;
}

export interface LoadKubeconfigOptions {
  /** --kubeconfig: one file, which must exist. Relative to `cwd`. */
  kubeconfig?: string | null;
  /** --context */
  context?: string | null;
  /** --cluster: overrides the context's cluster. */
  cluster?: string | null;
  /** --user: overrides the context's user. */
  user?: string | null;
  /** --namespace / -n */
  namespace?: string | null;
  /** --request-timeout, kubectl's format. */
  requestTimeout?: string | null;
  /** The environment (KUBECONFIG, proxies, KUBERNETES_SERVICE_*, and the exec plugins' environment). */
  env: Record<string, string | undefined>;
  cwd: string;
  home: string;
  /** Where the in-cluster service account lives (tests). Default /var/run/secrets/kubernetes.io/serviceaccount. */
  serviceAccountDir?: string;
  /** Whether stdin is a terminal, for exec plugins' interactiveMode (default false: never interactive). */
  stdinIsTerminal?: boolean;
  /** Where exec plugins' stderr goes, as kubectl passes it through (default null: dropped). */
  execStderr?: TextSink | null;
}

export type NamespaceSource = 'flag' | 'context' | 'default';

/** How requests authenticate (after the http:// rule). */
export type AuthKind = 'none' | 'token' | 'tokenFile' | 'basic' | 'clientCertificate' | 'exec' | 'authProvider';

export interface LoadedKubeconfig {
  /** Ready to use: one context, its cluster and user, already resolved (transport/open.ts builds on it). */
  client: ClientParts;
  /** '' when there is none (in-cluster, or --cluster/--user without a context). */
  contextName: string;
  clusterName: string;
  /** '' when requests carry no user. */
  userName: string;
  /** The API server URL, without a trailing slash. */
  server: string;
  namespace: string;
  namespaceSource: NamespaceSource;
  /** --request-timeout in ms; null = no timeout. */
  requestTimeoutMs: number | null;
  /** The `timeout` query parameter kubectl adds to each request for --request-timeout (Go duration), or null. */
  requestTimeoutParam: string | null;
  /** The kubeconfig files that were read, absolute, in precedence order (empty for in-cluster). */
  files: string[];
  inCluster: boolean;
  auth: AuthKind;
  /** The proxy requests go through (proxy-url or the environment), or null. */
  proxy: string | null;
  /** Things kubectl would silently do differently-but-harmlessly, worth a --verbose line. */
  warnings: string[];
}

export interface RawCluster {
  server?: string;
  'certificate-authority'?: string;
  'certificate-authority-data'?: string;
  'insecure-skip-tls-verify'?: boolean;
  'tls-server-name'?: string;
  'proxy-url'?: string;
  'disable-compression'?: boolean;
  extensions?: { name?: string; extension?: unknown }[];
}

export interface RawExec {
  command?: string;
  args?: string[];
  env?: { name?: string; value?: string }[];
  apiVersion?: string;
  installHint?: string;
  provideClusterInfo?: boolean;
  interactiveMode?: string;
}

export interface RawUser {
  'client-certificate'?: string;
  'client-certificate-data'?: string;
  'client-key'?: string;
  'client-key-data'?: string;
  token?: string;
  tokenFile?: string;
  as?: string;
  'as-uid'?: string;
  'as-groups'?: string[];
  'as-user-extra'?: Record<string, string[]>;
  username?: string;
  password?: string;
  'auth-provider'?: { name?: string; config?: Record<string, string> };
  exec?: RawExec;
}

export interface RawContext {
  cluster?: string;
  user?: string;
  namespace?: string;
}

/** One named cluster, user or context, with the file that defined it. */
export interface Entry<T> {
  name: string;
  value: T;
  file: string;
}

export interface ParsedFile {
  file: string;
  clusters: Entry<RawCluster>[];
  users: Entry<RawUser>[];
  contexts: Entry<RawContext>[];
  currentContext: string;
}

/** The one cluster and user the flags and the current context select. */
export interface Resolved {
  contextName: string;
  clusterName: string;
  cluster: RawCluster;
  userName: string;
  user: RawUser;
  namespace: string;
  namespaceSource: NamespaceSource;
  files: string[];
  inCluster: boolean;
  warnings: string[];
}

export const EXEC_V1 = 'client.authentication.k8s.io/v1';
export const EXEC_V1BETA1 = 'client.authentication.k8s.io/v1beta1';
