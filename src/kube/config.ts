// The one module that turns flags + environment into a ready @kubernetes/client-node KubeConfig, with kubectl's
// (client-go's clientcmd) semantics. client-node's own loaders differ from kubectl in many small ways (merge
// order, missing files, relative paths, tokenFile, exec plugins, http:// servers, YAML 1.1 booleans), so the
// files are read and merged here and client-node only gets the one resolved cluster/user/context.
//
// What matches kubectl, and how (each checked against kubectl 1.32 in test/kube/config.test.ts):
// - Which files: --kubeconfig (must exist), else $KUBECONFIG (path list, empty entries ignored, duplicates
//   dropped, missing files skipped), else ~/.kube/config; with nothing usable, the in-cluster service account.
// - Merge: the first file that defines a cluster/user/context name wins that name, whole (no field merge);
//   the first non-empty current-context wins. A name twice in ONE file is an error, as in kubectl.
// - Relative certificate-authority, client-certificate, client-key, tokenFile, and an exec command that
//   contains a '/', are resolved against the directory of the file that defines them.
// - YAML is read as go-yaml v2 does: unquoted y/n/yes/no/on/off are booleans, so `args: [x, y]` fails as
//   in kubectl instead of silently meaning something else; duplicate keys: last wins.
// - --context/--cluster/--user override the context's; unknown names are errors; namespace: flag >
//   context > "default".
// - Validation of the selected cluster/user like clientcmd's ConfirmUsable (both file and data set,
//   unreadable files, token + basic auth, exec apiVersion/interactiveMode, impersonation without `as`).
// - http:// (and scheme-less) servers are allowed and get NO credentials, as kubectl sends none over
//   plain http; TLS verification is untouched for https.
// - tokenFile (client-go's field): required readable at load unless `token` is also set; the file wins
//   over `token` and is re-read on every request (kubectl re-reads it at most every minute).
// - exec plugins: KUBERNETES_EXEC_INFO, apiVersion checks both ways, interactiveMode, provideClusterInfo,
//   env, installHint, stderr passed through, credentials cached until expirationTimestamp; exec is skipped
//   when the user also has a token, basic auth or a client certificate (client-go does the same).
// - proxy-url, else HTTPS_PROXY/HTTP_PROXY/NO_PROXY with Go's rules (never for localhost/loopback).
// - --request-timeout: "0", integer seconds, or a Go duration ("1m", "1h2m", "1.5s", "500ms").
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import tls from 'node:tls';
import { spawn } from 'node:child_process';
import * as yaml from 'js-yaml';
import { KubeConfig, type Cluster, type Context, type User } from '@kubernetes/client-node';
import { ExitCode, MemwhyError } from '../cli/exit-codes.js';

// ---------------------------------------------------------------------------------------------------------
// Public types

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
  /** Whether stdin is a terminal, for exec plugins' interactiveMode (default: process.stdin.isTTY). */
  stdinIsTerminal?: boolean;
  /** Where exec plugins' stderr goes, as kubectl passes it through (default process.stderr; null drops it). */
  execStderr?: NodeJS.WritableStream | null;
}

export type NamespaceSource = 'flag' | 'context' | 'default';

/** How requests authenticate (after the http:// rule). */
export type AuthKind = 'none' | 'token' | 'tokenFile' | 'basic' | 'clientCertificate' | 'exec' | 'authProvider';

export interface LoadedKubeconfig {
  /** Ready to use: one context, its cluster and user, already resolved. */
  kc: KubeConfig;
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

// ---------------------------------------------------------------------------------------------------------
// Raw kubeconfig shapes (client-go's v1 types, as far as memwhy uses them)

interface RawCluster {
  server?: string;
  'certificate-authority'?: string;
  'certificate-authority-data'?: string;
  'insecure-skip-tls-verify'?: boolean;
  'tls-server-name'?: string;
  'proxy-url'?: string;
  'disable-compression'?: boolean;
  extensions?: { name?: string; extension?: unknown }[];
}

interface RawExec {
  command?: string;
  args?: string[];
  env?: { name?: string; value?: string }[];
  apiVersion?: string;
  installHint?: string;
  provideClusterInfo?: boolean;
  interactiveMode?: string;
}

interface RawUser {
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

interface RawContext {
  cluster?: string;
  user?: string;
  namespace?: string;
}

interface Entry<T> {
  name: string;
  value: T;
  file: string;
}

interface ParsedFile {
  file: string;
  clusters: Entry<RawCluster>[];
  users: Entry<RawUser>[];
  contexts: Entry<RawContext>[];
  currentContext: string;
}

const DEFAULT_SA_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';
const EXEC_V1 = 'client.authentication.k8s.io/v1';
const EXEC_V1BETA1 = 'client.authentication.k8s.io/v1beta1';
/** authProvider.name that routes a user to memwhy's own authenticator (tokenFile, exec, impersonation extras). */
const MEMWHY_AUTH = 'memwhy-kubectl-compat';

const unusable = (message: string, hint: string | null = null): MemwhyError => new MemwhyError(ExitCode.Unreachable, message, hint);
const usage = (message: string, hint: string | null = null): MemwhyError => new MemwhyError(ExitCode.Usage, message, hint);

// ---------------------------------------------------------------------------------------------------------
// YAML, as go-yaml v2 + encoding/json read it

/** CORE schema + YAML 1.1 booleans (y/n/yes/no/on/off), which is what go-yaml v2 (sigs.k8s.io/yaml) resolves. */
const KUBE_YAML_SCHEMA = yaml.CORE_SCHEMA.withTags(yaml.boolYaml11Tag);

type FieldType = 'string' | 'bool' | 'strings' | 'base64' | 'stringListMap' | 'stringMap' | 'envList' | 'any';

const CLUSTER_FIELDS: Record<string, FieldType> = {
  server: 'string',
  'certificate-authority': 'string',
  'certificate-authority-data': 'base64',
  'insecure-skip-tls-verify': 'bool',
  'tls-server-name': 'string',
  'proxy-url': 'string',
  'disable-compression': 'bool',
};
const USER_FIELDS: Record<string, FieldType> = {
  'client-certificate': 'string',
  'client-certificate-data': 'base64',
  'client-key': 'string',
  'client-key-data': 'base64',
  token: 'string',
  tokenFile: 'string',
  as: 'string',
  'as-uid': 'string',
  'as-groups': 'strings',
  'as-user-extra': 'stringListMap',
  username: 'string',
  password: 'string',
};
const AUTH_PROVIDER_FIELDS: Record<string, FieldType> = { name: 'string', config: 'stringMap' };
const EXEC_FIELDS: Record<string, FieldType> = {
  command: 'string',
  args: 'strings',
  env: 'envList',
  apiVersion: 'string',
  installHint: 'string',
  provideClusterInfo: 'bool',
  interactiveMode: 'string',
};
const CONTEXT_FIELDS: Record<string, FieldType> = { cluster: 'string', user: 'string', namespace: 'string' };

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'boolean') return 'a boolean';
  if (typeof v === 'number') return 'a number';
  if (typeof v === 'string') return 'a string';
  if (typeof v === 'object') return 'a mapping';
  return typeof v;
}

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

class FileError extends Error {}

function typeError(where: string, want: string, got: unknown): FileError {
  const yamlNote = typeof got === 'boolean' && want.includes('string') ? ' (YAML reads unquoted y/n/yes/no/on/off/true/false as booleans: quote the value)' : typeof got === 'number' && want.includes('string') ? ' (quote the value)' : '';
  return new FileError(`${where} must be ${want}, not ${kindOf(got)}${yamlNote}`);
}

function checkString(where: string, v: unknown): void {
  if (v !== null && v !== undefined && typeof v !== 'string') throw typeError(where, 'a string', v);
}

/** Checks the known fields of one mapping against their types (Go's encoding/json would refuse the same). */
function checkFields(where: string, obj: unknown, fields: Record<string, FieldType>): void {
  if (obj === null || obj === undefined) return;
  if (!isMap(obj)) throw typeError(where, 'a mapping', obj);
  for (const [key, type] of Object.entries(fields)) {
    const v = obj[key];
    if (v === null || v === undefined) continue;
    const at = `${where}.${key}`;
    switch (type) {
      case 'string':
        checkString(at, v);
        break;
      case 'base64': {
        checkString(at, v);
        const clean = (v as string).replace(/[\r\n]/g, '');
        if (clean.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(clean)) throw new FileError(`${at} is not valid base64 (illegal base64 data)`);
        break;
      }
      case 'bool':
        if (typeof v !== 'boolean') throw typeError(at, 'true or false', v);
        break;
      case 'strings':
        if (!Array.isArray(v)) throw typeError(at, 'a list of strings', v);
        v.forEach((s, i) => checkString(`${at}[${i}]`, s));
        break;
      case 'stringMap':
        if (!isMap(v)) throw typeError(at, 'a mapping of strings', v);
        for (const [k, s] of Object.entries(v)) checkString(`${at}.${k}`, s);
        break;
      case 'stringListMap':
        if (!isMap(v)) throw typeError(at, 'a mapping of string lists', v);
        for (const [k, list] of Object.entries(v)) {
          if (list === null) continue;
          if (!Array.isArray(list)) throw typeError(`${at}.${k}`, 'a list of strings', list);
          list.forEach((s, i) => checkString(`${at}.${k}[${i}]`, s));
        }
        break;
      case 'envList':
        if (!Array.isArray(v)) throw typeError(at, 'a list of {name, value}', v);
        v.forEach((e, i) => checkFields(`${at}[${i}]`, e, { name: 'string', value: 'string' }));
        break;
      case 'any':
        break;
    }
  }
}

function readList<T>(file: string, doc: Record<string, unknown>, key: 'clusters' | 'users' | 'contexts', inner: 'cluster' | 'user' | 'context', check: (where: string, v: unknown) => void): Entry<T>[] {
  const list = doc[key];
  if (list === null || list === undefined) return [];
  if (!Array.isArray(list)) throw typeError(key, 'a list', list);
  const seen = new Set<string>();
  return list.map((item, i) => {
    const where = `${key}[${i}]`;
    if (!isMap(item)) throw typeError(where, 'a mapping', item);
    checkString(`${where}.name`, item.name);
    const name = (item.name as string | undefined) ?? '';
    if (seen.has(name)) throw new FileError(`duplicate name ${JSON.stringify(name)} in ${key}`);
    seen.add(name);
    check(`${where}.${inner}`, item[inner]);
    return { name, value: (item[inner] ?? {}) as T, file };
  });
}

/** Reads one kubeconfig file; relative paths in it are made absolute against its directory. */
function parseFile(file: string): ParsedFile {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw unusable(`error loading config file "${file}": ${(e as Error).message}`);
  }
  try {
    const doc = yaml.load(text, { schema: KUBE_YAML_SCHEMA, json: true, filename: file }) ?? {};
    if (!isMap(doc)) throw typeError('the document', 'a mapping', doc);
    checkString('current-context', doc['current-context']);
    const clusters = readList<RawCluster>(file, doc, 'clusters', 'cluster', (w, v) => checkFields(w, v, CLUSTER_FIELDS));
    const users = readList<RawUser>(file, doc, 'users', 'user', (w, v) => {
      checkFields(w, v, USER_FIELDS);
      if (isMap(v)) {
        checkFields(`${w}.exec`, v.exec, EXEC_FIELDS);
        checkFields(`${w}.auth-provider`, v['auth-provider'], AUTH_PROVIDER_FIELDS);
      }
    });
    const contexts = readList<RawContext>(file, doc, 'contexts', 'context', (w, v) => checkFields(w, v, CONTEXT_FIELDS));
    const base = path.dirname(file);
    const abs = (p: string | undefined): string | undefined => (p && !path.isAbsolute(p) ? path.join(base, p) : p);
    for (const c of clusters) c.value = { ...c.value, 'certificate-authority': abs(c.value['certificate-authority']) };
    for (const u of users) {
      const v = { ...u.value, 'client-certificate': abs(u.value['client-certificate']), 'client-key': abs(u.value['client-key']), tokenFile: abs(u.value.tokenFile) };
      // client-go resolves an exec command only when it contains a path separator; bare names go through PATH.
      if (v.exec?.command && v.exec.command.includes(path.sep)) v.exec = { ...v.exec, command: abs(v.exec.command) };
      u.value = v;
    }
    return { file, clusters, users, contexts, currentContext: (doc['current-context'] as string | undefined) ?? '' };
  } catch (e) {
    if (e instanceof MemwhyError) throw e;
    const msg = e instanceof yaml.YAMLException ? (e.message.split('\n')[0] ?? e.message) : (e as Error).message;
    throw unusable(`error loading config file "${file}": ${msg}`, 'fix the file, or point --kubeconfig/KUBECONFIG elsewhere (kubectl refuses it too)');
  }
}

// ---------------------------------------------------------------------------------------------------------
// Which files, and the merge

function existing(file: string): boolean {
  try {
    fs.statSync(file);
    return true;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return false;
    return true; // exists but unreadable: reading it will say why
  }
}

interface Sources {
  files: string[];
  /** What was looked at, for the "no configuration" message. */
  lookedAt: string;
}

function chooseFiles(opts: LoadKubeconfigOptions): Sources {
  if (opts.kubeconfig) {
    const file = path.resolve(opts.cwd, opts.kubeconfig);
    if (!existing(file)) throw unusable(`--kubeconfig ${opts.kubeconfig}: no such file`, 'pass the path of an existing kubeconfig file (kubectl fails the same way)');
    return { files: [file], lookedAt: file };
  }
  const list = opts.env.KUBECONFIG;
  if (list) {
    const seen = new Set<string>();
    const files: string[] = [];
    for (const entry of list.split(path.delimiter)) {
      if (!entry || seen.has(entry)) continue;
      seen.add(entry);
      const file = path.resolve(opts.cwd, entry);
      if (existing(file)) files.push(file);
    }
    return { files, lookedAt: `KUBECONFIG=${list}` };
  }
  const file = path.join(opts.home, '.kube', 'config');
  return { files: existing(file) ? [file] : [], lookedAt: file };
}

interface Merged {
  clusters: Map<string, Entry<RawCluster>>;
  users: Map<string, Entry<RawUser>>;
  contexts: Map<string, Entry<RawContext>>;
  currentContext: string;
}

/** client-go's merge: for every name and for current-context, the first file that sets it wins. */
function merge(parsed: ParsedFile[]): Merged {
  const m: Merged = { clusters: new Map(), users: new Map(), contexts: new Map(), currentContext: '' };
  for (const p of parsed) {
    for (const c of p.clusters) if (!m.clusters.has(c.name)) m.clusters.set(c.name, c);
    for (const u of p.users) if (!m.users.has(u.name)) m.users.set(u.name, u);
    for (const c of p.contexts) if (!m.contexts.has(c.name)) m.contexts.set(c.name, c);
    if (!m.currentContext && p.currentContext) m.currentContext = p.currentContext;
  }
  return m;
}

function listNames(names: Iterable<string>, what: string): string {
  const all = [...names].filter((n) => n !== '');
  if (all.length === 0) return `the kubeconfig has no ${what}s`;
  return `available ${what}s: ${all.join(', ')}`;
}

// ---------------------------------------------------------------------------------------------------------
// --request-timeout

const UNIT_NS: Record<string, bigint> = { ns: 1n, us: 1000n, µs: 1000n, μs: 1000n, ms: 1_000_000n, s: 1_000_000_000n, m: 60_000_000_000n, h: 3_600_000_000_000n };

/** Go's time.ParseDuration, in nanoseconds; null when it would fail. */
export function parseGoDuration(s: string): bigint | null {
  let rest = s;
  let neg = false;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    neg = rest.startsWith('-');
    rest = rest.slice(1);
  }
  if (rest === '0') return 0n;
  if (rest === '') return null;
  let total = 0n;
  const re = /^(\d*)(?:\.(\d*))?(ns|us|µs|μs|ms|s|m|h)/;
  while (rest) {
    const m = re.exec(rest);
    if (!m) return null;
    const [all, int = '', frac = '', unit = ''] = m;
    if (int === '' && frac === '') return null;
    const scale = UNIT_NS[unit]!;
    total += BigInt(int || '0') * scale;
    if (frac) total += (BigInt(frac) * scale) / 10n ** BigInt(frac.length);
    rest = rest.slice(all.length);
  }
  return neg ? -total : total;
}

/** Go's time.Duration.String(). */
export function formatGoDuration(ns: bigint): string {
  const neg = ns < 0n;
  let u = neg ? -ns : ns;
  const frac = (v: bigint, prec: number): [string, bigint] => {
    let out = '';
    let print = false;
    for (let i = 0; i < prec; i++) {
      const digit = v % 10n;
      print ||= digit !== 0n;
      if (print) out = `${digit}${out}`;
      v /= 10n;
    }
    return [print ? `.${out}` : '', v];
  };
  let s: string;
  if (u < 1_000_000_000n) {
    if (u === 0n) return '0s';
    const [prec, unit] = u < 1000n ? [0, 'ns'] : u < 1_000_000n ? [3, 'µs'] : [6, 'ms'];
    const [f, whole] = frac(u, prec);
    s = `${whole}${f}${unit}`;
  } else {
    const [f, secs] = frac(u, 9);
    u = secs;
    s = `${u % 60n}${f}s`;
    u /= 60n;
    if (u > 0n) {
      s = `${u % 60n}m${s}`;
      u /= 60n;
      if (u > 0n) s = `${u}h${s}`;
    }
  }
  return neg ? `-${s}` : s;
}

/** kubectl's --request-timeout: "0" = none, an integer = seconds, else a Go duration. */
export function parseRequestTimeout(value: string | null | undefined): { ms: number | null; param: string | null } {
  if (value === null || value === undefined || value === '') return { ms: null, param: null };
  let ns: bigint | null = null;
  if (/^[+-]?\d+$/.test(value) && BigInt(value) >= 0n) ns = BigInt(value) * 1_000_000_000n;
  else ns = parseGoDuration(value);
  if (ns === null) {
    throw usage(`--request-timeout ${JSON.stringify(value)}: invalid timeout value`, 'Timeout must be a single integer in seconds, or an integer followed by a corresponding time unit (e.g. 1s | 2m | 3h)');
  }
  if (ns <= 0n) return { ms: null, param: null };
  const ms = Number((ns + 999_999n) / 1_000_000n);
  return { ms, param: formatGoDuration(ns) };
}

// ---------------------------------------------------------------------------------------------------------
// Proxies (Go's net/http ProxyFromEnvironment, as client-go uses it when a cluster has no proxy-url)

function envAny(env: Record<string, string | undefined>, ...names: string[]): string {
  for (const n of names) {
    const v = env[n];
    if (v) return v;
  }
  return '';
}

function parseIp(host: string): string | null {
  const h = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
  return net.isIP(h) ? h : null;
}

function isLoopback(ip: string): boolean {
  if (net.isIPv4(ip)) return ip.startsWith('127.');
  const lower = ip.toLowerCase();
  return lower === '::1' || lower === '0:0:0:0:0:0:0:1' || /^::ffff:127\./.test(lower);
}

function ipInCidr(ip: string, cidr: string): boolean {
  const [base, bitsText] = cidr.split('/');
  if (!base || bitsText === undefined || !/^\d+$/.test(bitsText)) return false;
  const list = new net.BlockList();
  try {
    list.addSubnet(base, Number(bitsText), net.isIPv6(base) ? 'ipv6' : 'ipv4');
    return list.check(ip, net.isIPv6(ip) ? 'ipv6' : 'ipv4');
  } catch {
    return false;
  }
}

function splitHostPort(s: string): [string, string] | null {
  const m = /^\[([^\]]*)\]:(\d*)$/.exec(s) ?? /^([^:]*):(\d*)$/.exec(s);
  return m ? [m[1]!, m[2]!] : null;
}

/**
 * The proxy Go's ProxyFromEnvironment picks for `server`: HTTPS_PROXY (https) or HTTP_PROXY (http),
 * upper case first; none for localhost, loopback IPs, or a NO_PROXY match (`*`, IP, CIDR, domain and its
 * subdomains, `.domain` for subdomains only, optional `:port`). A proxy without a scheme means http://.
 */
export function proxyFromEnvironment(server: string, env: Record<string, string | undefined>): string | null {
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    return null;
  }
  const https = url.protocol === 'https:';
  let proxy = https ? envAny(env, 'HTTPS_PROXY', 'https_proxy') : url.protocol === 'http:' ? envAny(env, 'HTTP_PROXY', 'http_proxy') : '';
  if (!proxy) return null;
  if (!/^[a-z][a-z0-9+.-]*:\/\/./i.test(proxy)) proxy = `http://${proxy}`;
  const host = url.hostname.toLowerCase();
  const port = url.port || (https ? '443' : '80');
  const ip = parseIp(host);
  if (host === 'localhost' || (ip && isLoopback(ip))) return null;
  for (const raw of envAny(env, 'NO_PROXY', 'no_proxy').split(',')) {
    const p = raw.trim().toLowerCase();
    if (!p) continue;
    if (p === '*') return null;
    if (p.includes('/')) {
      if (ip && ipInCidr(ip, p)) return null;
      continue;
    }
    let phost = p;
    let pport = '';
    const hp = splitHostPort(p);
    if (hp) {
      if (!hp[0]) continue;
      [phost, pport] = hp;
    }
    const pip = parseIp(phost);
    if (pip) {
      if (ip && net.isIP(ip) && normalizeIp(ip) === normalizeIp(pip) && (!pport || pport === port)) return null;
      continue;
    }
    if (phost.startsWith('*.')) phost = phost.slice(1);
    const matchHost = !phost.startsWith('.');
    if (matchHost) phost = `.${phost}`;
    if ((host.endsWith(phost) || (matchHost && host === phost.slice(1))) && (!pport || pport === port)) return null;
  }
  return proxy;
}

function normalizeIp(ip: string): string {
  if (net.isIPv4(ip)) return ip;
  const sa = new net.SocketAddress({ address: ip, family: 'ipv6' });
  return sa.address;
}

// ---------------------------------------------------------------------------------------------------------
// Validation of the selected cluster and user (clientcmd's ConfirmUsable)

function readable(file: string): string | null {
  try {
    fs.accessSync(file, fs.constants.R_OK);
    if (fs.statSync(file).isDirectory()) return 'is a directory';
    return null;
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    return err.code === 'ENOENT' ? 'no such file or directory' : err.message;
  }
}

function validateCluster(name: string, c: RawCluster): string[] {
  const errs: string[] = [];
  const caFile = c['certificate-authority'];
  if (caFile && c['certificate-authority-data']) errs.push(`certificate-authority-data and certificate-authority are both specified for ${name}. certificate-authority-data will override.`);
  if (caFile) {
    const why = readable(caFile);
    if (why) errs.push(`unable to read certificate-authority ${caFile} for ${name} due to ${why}`);
  }
  return errs;
}

function validateUser(name: string, u: RawUser): string[] {
  const errs: string[] = [];
  const methods: string[] = [];
  if (u.token || u.tokenFile) methods.push('token');
  if (u.username || u.password) methods.push('basicAuth');
  const cert = u['client-certificate'];
  const key = u['client-key'];
  if (cert || u['client-certificate-data']) {
    if (cert && u['client-certificate-data']) errs.push(`client-cert-data and client-cert are both specified for ${name}. client-cert-data will override.`);
    if (key && u['client-key-data']) errs.push(`client-key-data and client-key are both specified for ${name}; client-key-data will override`);
    if (!key && !u['client-key-data']) errs.push(`client-key-data or client-key must be specified for ${name} to use the clientCert authentication method.`);
    if (cert) {
      const why = readable(cert);
      if (why) errs.push(`unable to read client-cert ${cert} for ${name} due to ${why}`);
    }
    if (key) {
      const why = readable(key);
      if (why) errs.push(`unable to read client-key ${key} for ${name} due to ${why}`);
    }
  } else if (key || u['client-key-data']) {
    errs.push(`client-cert-data or client-cert must be specified for ${name} to use the clientCert authentication method.`);
  }
  const exec = u.exec;
  if (exec) {
    if (u['auth-provider']) errs.push(`authProvider cannot be provided in combination with an exec plugin for ${name}`);
    if (!exec.command) errs.push(`command must be specified for ${name} to use exec authentication plugin`);
    if (!exec.apiVersion) errs.push(`apiVersion must be specified for ${name} to use exec authentication plugin`);
    for (const e of exec.env ?? []) if (!e?.name) errs.push(`env variable name must be specified for ${name} to use exec authentication plugin`);
    const mode = execInteractiveMode(exec);
    if (mode === '') errs.push(`interactiveMode must be specified for ${name} to use exec authentication plugin`);
    else if (!['Never', 'IfAvailable', 'Always'].includes(mode)) errs.push(`invalid interactiveMode for ${name}: ${JSON.stringify(mode)}`);
  }
  if (methods.length > 1) errs.push(`more than one authentication method found for ${name}; found [${methods.join(' ')}], only one is allowed`);
  if ((u['as-uid'] || u['as-groups']?.length || Object.keys(u['as-user-extra'] ?? {}).length) && !u.as) errs.push(`requesting uid, groups or user-extra for ${name} without impersonating a user`);
  return errs;
}

/** client-go defaults interactiveMode to IfAvailable for v1beta1 (and older); v1 must say it. */
function execInteractiveMode(exec: RawExec): string {
  if (exec.interactiveMode) return exec.interactiveMode;
  return exec.apiVersion && exec.apiVersion !== EXEC_V1 ? 'IfAvailable' : '';
}

function configError(errs: string[], hint: string): MemwhyError {
  return unusable(`invalid kubeconfig: ${errs.join('; ')}`, hint);
}

// ---------------------------------------------------------------------------------------------------------
// Authentication memwhy does itself (client-node gets it through one custom Authenticator)

interface ExecPlan {
  userName: string;
  command: string;
  args: string[];
  env: { name: string; value: string }[];
  apiVersion: string;
  installHint: string;
  interactiveMode: string;
  /** spec.cluster for provideClusterInfo, already in client-go's JSON field order; null otherwise. */
  cluster: Record<string, unknown> | null;
}

interface AuthPlan {
  tokenFile: string | null;
  /** The static token to fall back on when the token file cannot be read. */
  fallbackToken: string | null;
  exec: ExecPlan | null;
  headers: Record<string, string>;
}

interface ExecCredentialStatus {
  token?: string;
  clientCertificateData?: string;
  clientKeyData?: string;
  expirationTimestamp?: string;
}

/** Runs an exec credential plugin the way client-go does, caching its answer until it expires. */
class ExecCredentials {
  private cached: { status: ExecCredentialStatus; expires: number | null } | null = null;
  private running: Promise<ExecCredentialStatus> | null = null;

  constructor(
    private plan: ExecPlan,
    private opts: { env: Record<string, string | undefined>; cwd: string; stdinIsTerminal: boolean; stderr: NodeJS.WritableStream | null },
  ) {}

  async get(): Promise<ExecCredentialStatus> {
    if (this.cached && (this.cached.expires === null || this.cached.expires > Date.now())) return this.cached.status;
    this.running ??= this.run().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private fail(message: string, hint: string | null): MemwhyError {
    return unusable(`getting credentials for user "${this.plan.userName}": ${message}`, hint);
  }

  private run(): Promise<ExecCredentialStatus> {
    const p = this.plan;
    const mode = p.interactiveMode;
    if (mode === 'Always' && !this.opts.stdinIsTerminal) {
      return Promise.reject(this.fail('exec plugin cannot support interactive mode: standard input is not a terminal', 'run memwhy from a terminal, or use an exec plugin that does not need one'));
    }
    const interactive = mode !== 'Never' && this.opts.stdinIsTerminal;
    const spec: Record<string, unknown> = {};
    if (p.cluster) spec.cluster = p.cluster;
    spec.interactive = interactive;
    const info = JSON.stringify({ kind: 'ExecCredential', apiVersion: p.apiVersion, spec });
    const env: Record<string, string> = {};
    for (const [k, v] of Object.entries(this.opts.env)) if (v !== undefined) env[k] = v;
    for (const e of p.env) env[e.name] = e.value;
    env.KUBERNETES_EXEC_INFO = info;
    return new Promise((resolve, reject) => {
      let stdout = '';
      let stderrTail = '';
      let settled = false;
      const child = spawn(p.command, p.args, { env, cwd: this.opts.cwd, stdio: [interactive ? 'inherit' : 'ignore', 'pipe', 'pipe'] });
      child.stdout!.setEncoding('utf8');
      child.stdout!.on('data', (d: string) => (stdout += d));
      child.stderr!.on('data', (d: Buffer) => {
        this.opts.stderr?.write(d);
        stderrTail = (stderrTail + d.toString('utf8')).slice(-2000);
      });
      child.on('error', (e: NodeJS.ErrnoException) => {
        if (settled) return;
        settled = true;
        if (e.code === 'ENOENT') {
          reject(this.fail(`exec: executable ${p.command} not found`, p.installHint || 'It looks like you are trying to use a client-go credential plugin that is not installed: install it, or fix users[].user.exec.command in the kubeconfig'));
        } else {
          reject(this.fail(`exec: ${p.command}: ${e.message}`, null));
        }
      });
      child.on('close', (code, signal) => {
        if (settled) return;
        settled = true;
        if (code !== 0) {
          const last = stderrTail.trim().split('\n').pop() ?? '';
          reject(this.fail(`exec: executable ${p.command} failed with exit code ${code ?? signal}`, last ? `the plugin said: ${last}` : null));
          return;
        }
        try {
          resolve(this.accept(stdout));
        } catch (e) {
          reject(e);
        }
      });
    });
  }

  private accept(stdout: string): ExecCredentialStatus {
    let obj: unknown;
    try {
      obj = JSON.parse(stdout);
    } catch (e) {
      throw this.fail(`decoding stdout: ${(e as Error).message}`, 'the exec plugin must print an ExecCredential as JSON');
    }
    if (!isMap(obj) || obj.kind !== 'ExecCredential') throw this.fail('decoding stdout: the exec plugin did not print an ExecCredential', null);
    if (obj.apiVersion !== this.plan.apiVersion) {
      throw this.fail(`exec plugin is configured to use API version ${this.plan.apiVersion}, plugin returned version ${String(obj.apiVersion)}`, null);
    }
    const status = obj.status;
    if (!isMap(status)) throw this.fail("exec plugin didn't return a status field", null);
    const s = status as ExecCredentialStatus;
    if (!s.token && !s.clientCertificateData && !s.clientKeyData) throw this.fail("exec plugin didn't return a token or cert/key pair", null);
    if (!s.clientCertificateData !== !s.clientKeyData) throw this.fail('exec plugin returned only certificate or key, not both', null);
    let expires: number | null = null;
    if (s.expirationTimestamp) {
      expires = Date.parse(s.expirationTimestamp);
      if (Number.isNaN(expires)) throw this.fail(`failed to parse expirationTimestamp ${JSON.stringify(s.expirationTimestamp)}`, null);
    }
    this.cached = { status: s, expires };
    return s;
  }
}

type AuthOptions = { headers?: Record<string, unknown>; cert?: unknown; key?: unknown };

/** The client-node Authenticator for users that need kubectl behaviour client-node lacks. */
class KubectlCompatAuth {
  private lastToken: string | null = null;
  private exec: ExecCredentials | null;

  constructor(
    private plan: AuthPlan,
    execOpts: ConstructorParameters<typeof ExecCredentials>[1],
  ) {
    this.exec = plan.exec ? new ExecCredentials(plan.exec, execOpts) : null;
  }

  isAuthProvider(user: User): boolean {
    return (user?.authProvider as { name?: string } | undefined)?.name === MEMWHY_AUTH;
  }

  /** The token file, re-read on each request (tokens rotate); falls back to the last good read, then `token`. */
  readTokenFile(): string | null {
    const file = this.plan.tokenFile!;
    try {
      const t = fs.readFileSync(file, 'utf8').trim();
      if (t) this.lastToken = t;
    } catch {
      // client-go keeps using what it had
    }
    return this.lastToken ?? this.plan.fallbackToken;
  }

  async applyAuthentication(_user: User, opts: AuthOptions): Promise<void> {
    opts.headers ??= {};
    Object.assign(opts.headers, this.plan.headers);
    if (this.plan.tokenFile) {
      const t = this.readTokenFile();
      if (t) opts.headers.Authorization = `Bearer ${t}`;
    }
    if (this.exec) {
      const s = await this.exec.get();
      if (s.token) opts.headers.Authorization = `Bearer ${s.token}`;
      if (s.clientCertificateData && s.clientKeyData) {
        opts.cert = s.clientCertificateData;
        opts.key = s.clientKeyData;
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// Building client-node's objects

interface Resolved {
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

/** The scheme-less server rule of client-go: "host:port" means http://host:port. */
function normalizeServer(server: string): string {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\/[^/]/i.test(server) ? server.replace(/^[a-z0-9+.-]+:/i, (m) => m.toLowerCase()) : `http://${server}`;
  return withScheme.replace(/\/$/, '');
}

function extensionConfig(c: RawCluster): unknown {
  for (const e of c.extensions ?? []) if (e?.name === 'client.authentication.k8s.io/exec') return e.extension ?? null;
  return null;
}

function caBytes(c: RawCluster): Buffer | null {
  if (c['certificate-authority-data']) return Buffer.from(c['certificate-authority-data'], 'base64');
  if (c['certificate-authority']) return fs.readFileSync(c['certificate-authority']);
  return null;
}

function buildKubeConfig(r: Resolved, opts: LoadKubeconfigOptions): { kc: KubeConfig; server: string; auth: AuthKind; proxy: string | null } {
  const raw = r.cluster;
  if (!raw.server) throw unusable(`cluster "${r.clusterName}" has no server set in the kubeconfig`, 'set clusters[].cluster.server (kubectl would try http://localhost:8080)');
  const server = normalizeServer(raw.server);
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    throw unusable(`cluster "${r.clusterName}": server ${JSON.stringify(raw.server)} is not a URL`, null);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw unusable(`cluster "${r.clusterName}": server ${raw.server} must be http:// or https://`, null);
  const secure = url.protocol === 'https:';
  const insecure = raw['insecure-skip-tls-verify'] === true;
  const hasCA = !!(raw['certificate-authority'] || raw['certificate-authority-data']);
  if (secure && insecure && hasCA) throw unusable(`cluster "${r.clusterName}": specifying a root certificates file with the insecure flag is not allowed`, 'remove insecure-skip-tls-verify or the certificate-authority from the kubeconfig (kubectl refuses it too)');

  let proxy = raw['proxy-url'] || null;
  if (proxy && !/^(https?|socks5h?|socks4a?):\/\//i.test(proxy)) throw unusable(`cluster "${r.clusterName}": proxy-url ${proxy} must be http://, https:// or socks5://`, null);
  proxy ??= proxyFromEnvironment(server, opts.env);

  // Check certificates and keys now, not at the first request.
  const u = r.user;
  if (secure) {
    try {
      const ca = caBytes(raw);
      const cert = u['client-certificate-data'] ? Buffer.from(u['client-certificate-data'], 'base64') : u['client-certificate'] ? fs.readFileSync(u['client-certificate']) : undefined;
      const key = u['client-key-data'] ? Buffer.from(u['client-key-data'], 'base64') : u['client-key'] ? fs.readFileSync(u['client-key']) : undefined;
      if (ca && !/-----BEGIN CERTIFICATE-----/.test(ca.toString('latin1'))) throw new Error('unable to load root certificates: unable to parse bytes as PEM block');
      tls.createSecureContext({ ca: ca ?? undefined, cert, key });
    } catch (e) {
      throw unusable(`cluster "${r.clusterName}" / user "${r.userName}": bad certificate or key in the kubeconfig: ${(e as Error).message}`, 'check certificate-authority(-data), client-certificate(-data) and client-key(-data)');
    }
  }

  const cluster: Cluster = {
    name: r.clusterName || 'cluster',
    server,
    // client-node refuses http:// unless skipTLSVerify; there is no TLS to verify on http://.
    skipTLSVerify: secure ? insecure : true,
    ...(secure && raw['certificate-authority-data'] ? { caData: raw['certificate-authority-data'] } : secure && raw['certificate-authority'] ? { caFile: raw['certificate-authority'] } : {}),
    ...(raw['tls-server-name'] ? { tlsServerName: raw['tls-server-name'] } : {}),
    ...(proxy ? { proxyUrl: proxy } : {}),
  };

  // Impersonation is applied over http:// too (client-go sets it before the TLS check).
  const headers: Record<string, string> = {};
  const groups = u['as-groups'] ?? [];
  if (groups.length > 1) throw unusable(`user "${r.userName}": impersonating more than one group (as-groups) is not supported by memwhy`, 'use kubectl for that, or keep one group in as-groups');
  if (groups[0]) headers['Impersonate-Group'] = groups[0];
  if (u['as-uid']) headers['Impersonate-Uid'] = u['as-uid'];
  for (const [k, values] of Object.entries(u['as-user-extra'] ?? {})) {
    if ((values ?? []).length > 1) throw unusable(`user "${r.userName}": more than one value for as-user-extra ${k} is not supported by memwhy`, null);
    if (values?.[0]) headers[`Impersonate-Extra-${encodeURIComponent(k)}`] = values[0];
  }

  const plan: AuthPlan = { tokenFile: null, fallbackToken: null, exec: null, headers };
  const name = r.userName || 'user';
  let user: { -readonly [K in keyof User]: User[K] } = { name, ...(u.as ? { impersonateUser: u.as } : {}) };
  let auth: AuthKind = 'none';
  if (secure) {
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
    const provider = u['auth-provider'];
    if (provider?.name) {
      if (provider.name === 'gcp') throw unusable('The gcp auth plugin has been removed.', 'Please use the "gke-gcloud-auth-plugin" kubectl/client-go credential plugin instead (https://cloud.google.com/blog/products/containers-kubernetes/kubectl-auth-changes-in-gke)');
      if (provider.name === 'azure') throw unusable('The azure auth plugin has been removed.', 'Please use the https://github.com/Azure/kubelogin kubectl/client-go credential plugin instead.');
      if (Object.keys(headers).length) throw unusable(`user "${r.userName}": as-groups/as-uid/as-user-extra together with auth-provider ${provider.name} is not supported by memwhy`, null);
      user.authProvider = { name: provider.name, config: { ...(provider.config ?? {}) } };
      auth = 'authProvider';
    }
    // client-go skips the exec plugin when a token, basic auth or a client certificate is configured.
    if (u.exec && !u.token && !u.tokenFile && !u.username && !u.password && !hasCert && !provider?.name) {
      const e = u.exec;
      const apiVersion = e.apiVersion ?? '';
      if (apiVersion !== EXEC_V1 && apiVersion !== EXEC_V1BETA1) throw unusable(`user "${r.userName}": exec plugin: invalid apiVersion ${JSON.stringify(apiVersion)}`, `use ${EXEC_V1} or ${EXEC_V1BETA1} (kubectl refuses it too)`);
      let clusterInfo: Record<string, unknown> | null = null;
      if (e.provideClusterInfo) {
        clusterInfo = { server };
        if (raw['tls-server-name']) clusterInfo['tls-server-name'] = raw['tls-server-name'];
        if (insecure) clusterInfo['insecure-skip-tls-verify'] = true;
        const ca = caBytes(raw);
        if (ca) clusterInfo['certificate-authority-data'] = ca.toString('base64');
        if (raw['proxy-url']) clusterInfo['proxy-url'] = raw['proxy-url'];
        if (raw['disable-compression']) clusterInfo['disable-compression'] = true;
        clusterInfo.config = extensionConfig(raw);
      }
      plan.exec = {
        userName: r.userName,
        command: e.command!,
        args: e.args ?? [],
        env: (e.env ?? []).map((x) => ({ name: x.name!, value: x.value ?? '' })),
        apiVersion,
        installHint: e.installHint ?? '',
        interactiveMode: execInteractiveMode(e),
        cluster: clusterInfo,
      };
      auth = 'exec';
    }
  }
  if (plan.tokenFile || plan.exec || Object.keys(headers).length) {
    if (user.authProvider) throw unusable(`user "${r.userName}": unsupported combination of auth-provider with tokenFile/exec`, null);
    user = { ...user, authProvider: { name: MEMWHY_AUTH, config: {} } };
  }

  const kc = new KubeConfig();
  kc.addAuthenticator(
    new KubectlCompatAuth(plan, {
      env: opts.env,
      cwd: opts.cwd,
      stdinIsTerminal: opts.stdinIsTerminal ?? process.stdin.isTTY === true,
      stderr: opts.execStderr === undefined ? process.stderr : opts.execStderr,
    }),
  );
  const contextName = r.contextName || 'memwhy';
  const context: Context = { name: contextName, cluster: cluster.name, user: user.name, namespace: r.namespace };
  kc.loadFromOptions({ clusters: [cluster], users: [user], contexts: [context], currentContext: contextName });
  return { kc, server, auth, proxy };
}

// ---------------------------------------------------------------------------------------------------------
// In-cluster (client-go's inClusterClientConfig)

function inClusterPossible(opts: LoadKubeconfigOptions): boolean {
  const dir = opts.serviceAccountDir ?? DEFAULT_SA_DIR;
  return !!opts.env.KUBERNETES_SERVICE_HOST && !!opts.env.KUBERNETES_SERVICE_PORT && existing(path.join(dir, 'token'));
}

function inCluster(opts: LoadKubeconfigOptions): Resolved {
  const dir = opts.serviceAccountDir ?? DEFAULT_SA_DIR;
  const host = opts.env.KUBERNETES_SERVICE_HOST!;
  const port = opts.env.KUBERNETES_SERVICE_PORT!;
  const ca = path.join(dir, 'ca.crt');
  const warnings: string[] = [];
  const cluster: RawCluster = { server: `https://${net.isIPv6(host) ? `[${host}]` : host}:${port}` };
  if (readable(ca) === null) cluster['certificate-authority'] = ca;
  else warnings.push(`in-cluster: cannot read ${ca}; the server certificate is checked against the default roots`);
  let namespace = opts.env.POD_NAMESPACE || '';
  if (!namespace) {
    try {
      namespace = fs.readFileSync(path.join(dir, 'namespace'), 'utf8').trim();
    } catch {
      namespace = '';
    }
  }
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

// ---------------------------------------------------------------------------------------------------------
// The entry point

/**
 * Reads the kubeconfig the way kubectl does and returns a client-node KubeConfig holding exactly the
 * selected context (after --context/--cluster/--user), plus what was selected. Throws MemwhyError:
 * Usage for bad flags (--kubeconfig missing, unknown --context/--cluster/--user, bad --request-timeout),
 * Unreachable for an unusable configuration.
 */
export async function loadKubeconfig(opts: LoadKubeconfigOptions): Promise<LoadedKubeconfig> {
  const timeout = parseRequestTimeout(opts.requestTimeout);
  const sources = chooseFiles(opts);
  const parsed = sources.files.map(parseFile);
  const m = merge(parsed);
  const warnings: string[] = [];

  const flagContext = opts.context || '';
  const flagCluster = opts.cluster || '';
  const flagUser = opts.user || '';
  const contextName = flagContext || m.currentContext;
  let ctx: RawContext = {};
  if (contextName) {
    const found = m.contexts.get(contextName);
    if (!found) {
      const list = listNames(m.contexts.keys(), 'context');
      if (flagContext) throw unusable(`context "${contextName}" does not exist in the kubeconfig`, `${list} (kubectl config get-contexts)`);
      throw unusable(`current-context "${contextName}" does not exist in the kubeconfig`, `${list}; pick one with --context, or kubectl config use-context`);
    }
    ctx = found.value;
  }
  if (flagCluster && !m.clusters.has(flagCluster)) throw unusable(`cluster "${flagCluster}" does not exist in the kubeconfig`, listNames(m.clusters.keys(), 'cluster'));
  if (flagUser && !m.users.has(flagUser)) throw unusable(`user "${flagUser}" does not exist in the kubeconfig`, listNames(m.users.keys(), 'user'));

  const clusterName = flagCluster || ctx.cluster || '';
  const clusterEntry = clusterName ? m.clusters.get(clusterName) : undefined;
  let resolved: Resolved;
  if (!clusterEntry || isEmptyCluster(clusterEntry.value)) {
    // client-go: an empty cluster means "no configuration", and then the in-cluster config is tried.
    if (inClusterPossible(opts)) {
      resolved = inCluster(opts);
    } else if (sources.files.length === 0) {
      throw unusable(
        `no Kubernetes configuration found: ${sources.lookedAt.startsWith('KUBECONFIG=') ? `none of the files in ${sources.lookedAt} exists` : `${sources.lookedAt} does not exist`}, and this is not a pod with a service account`,
        'point --kubeconfig or the KUBECONFIG environment variable at a kubeconfig file (kubectl would try http://localhost:8080)',
      );
    } else if (!contextName && !clusterName) {
      throw unusable('current-context is not set in the kubeconfig', `${listNames(m.contexts.keys(), 'context')}; pass --context, or run kubectl config use-context <name>`);
    } else if (!clusterName) {
      throw unusable(`context "${contextName}" names no cluster`, 'set contexts[].context.cluster in the kubeconfig');
    } else if (!clusterEntry) {
      throw unusable(`context "${contextName}" refers to cluster "${clusterName}", which does not exist in the kubeconfig`, listNames(m.clusters.keys(), 'cluster'));
    } else {
      throw unusable(`cluster "${clusterName}" is empty in the kubeconfig`, 'set its server');
    }
  } else {
    const userName = flagUser || ctx.user || '';
    let user: RawUser = {};
    if (userName) {
      const u = m.users.get(userName);
      // kubectl would prompt for a username and password on a terminal, and fails without one.
      if (u) user = u.value;
      else throw unusable(`context "${contextName}" refers to user "${userName}", which does not exist in the kubeconfig`, `${listNames(m.users.keys(), 'user')}; fix the context or pass --user`);
    }
    const flagNs = opts.namespace || '';
    resolved = {
      contextName,
      clusterName,
      cluster: clusterEntry.value,
      userName,
      user,
      namespace: flagNs || ctx.namespace || 'default',
      namespaceSource: flagNs ? 'flag' : ctx.namespace ? 'context' : 'default',
      files: sources.files,
      inCluster: false,
      warnings,
    };
    const errs = [...validateCluster(clusterName, clusterEntry.value), ...(userName && m.users.has(userName) ? validateUser(userName, user) : [])];
    if (errs.length) throw configError(errs, 'fix the kubeconfig (kubectl refuses it too)');
  }

  // A token file that cannot be read at load is an error unless `token` is also set, as in client-go.
  if (resolved.user.tokenFile && !resolved.user.token) {
    let content: string;
    try {
      content = fs.readFileSync(resolved.user.tokenFile, 'utf8');
    } catch (e) {
      throw unusable(`user "${resolved.userName}": cannot read tokenFile: ${(e as Error).message}`, 'fix users[].user.tokenFile in the kubeconfig (kubectl fails the same way)');
    }
    if (!content.trim()) resolved.warnings.push(`user "${resolved.userName}": tokenFile ${resolved.user.tokenFile} is empty: requests carry no credentials`);
  }

  const built = buildKubeConfig(resolved, opts);
  if (built.server.startsWith('http:') && resolved.userName && built.auth === 'none' && hasCredentials(resolved.user)) {
    resolved.warnings.push(`server ${built.server} is plain http: like kubectl, memwhy sends no credentials of user "${resolved.userName}" to it`);
  }
  return {
    kc: built.kc,
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

function isEmptyCluster(c: RawCluster): boolean {
  return Object.values(c).every((v) => v === undefined || v === null || v === '' || v === false || (Array.isArray(v) && v.length === 0));
}

function hasCredentials(u: RawUser): boolean {
  return !!(u.token || u.tokenFile || u.username || u.password || u.exec || u['client-certificate'] || u['client-certificate-data'] || u['auth-provider']);
}

// ---------------------------------------------------------------------------------------------------------
// Errors at request time

const X509_UNKNOWN_AUTHORITY = new Set(['SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'UNABLE_TO_GET_ISSUER_CERT', 'CERT_UNTRUSTED', 'CERT_SIGNATURE_FAILURE']);

function causes(err: unknown): (Error & { code?: string })[] {
  const out: (Error & { code?: string })[] = [];
  const walk = (e: unknown, depth: number): void => {
    if (!e || typeof e !== 'object' || depth > 6) return;
    out.push(e as Error & { code?: string });
    if (e instanceof AggregateError) for (const x of e.errors) walk(x, depth + 1);
    walk((e as { cause?: unknown }).cause, depth + 1);
  };
  walk(err, 0);
  return out;
}

/**
 * Turns a failed request (undici's "fetch failed" and its causes) into a MemwhyError worded like
 * kubectl's, with ExitCode.Unreachable; a MemwhyError passes through; null when it is not a
 * connection problem.
 */
export function explainConnectionError(err: unknown, loaded: Pick<LoadedKubeconfig, 'server' | 'clusterName'>): MemwhyError | null {
  if (err instanceof MemwhyError) return err;
  const all = causes(err);
  const server = loaded.server;
  let hostPort = server;
  try {
    const u = new URL(server);
    hostPort = u.host;
  } catch {
    // keep the server as written
  }
  for (const e of all) {
    const code = e.code ?? '';
    if (X509_UNKNOWN_AUTHORITY.has(code)) {
      return unusable(
        `Unable to connect to the server ${server}: tls: failed to verify certificate: x509: certificate signed by unknown authority (${e.message})`,
        `the server's certificate is not trusted: set certificate-authority or certificate-authority-data for cluster "${loaded.clusterName}" in the kubeconfig (kubectl fails the same way)`,
      );
    }
    if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') {
      return unusable(`Unable to connect to the server ${server}: tls: failed to verify certificate: x509: certificate has expired or is not yet valid (${e.message})`, "check the machine's clock and the server's certificate");
    }
    if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
      return unusable(`Unable to connect to the server ${server}: tls: failed to verify certificate: ${e.message}`, `the server's certificate does not name this host: fix the server URL or set tls-server-name for cluster "${loaded.clusterName}"`);
    }
    if (code === 'ECONNREFUSED') {
      return unusable(`The connection to the server ${hostPort} was refused - did you specify the right host or port?`, 'check the server in the kubeconfig and that the cluster is running (kubectl cluster-info)');
    }
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
      return unusable(`Unable to connect to the server ${server}: dial tcp: lookup ${new URL(server).hostname}: no such host`, 'check the server in the kubeconfig, your DNS, VPN or proxy');
    }
    if (code === 'ETIMEDOUT' || code === 'UND_ERR_CONNECT_TIMEOUT' || code === 'EHOSTUNREACH' || code === 'ENETUNREACH') {
      return unusable(`Unable to connect to the server ${server}: ${e.message}`, 'the API server is not reachable from here: check VPN, firewall and proxy settings');
    }
    if (code === 'EPROTO' || code.startsWith('ERR_SSL') || code.startsWith('ERR_OSSL') || code === 'ECONNRESET' || code === 'UND_ERR_SOCKET' || code.startsWith('UND_ERR_')) {
      return unusable(`Unable to connect to the server ${server}: ${e.message}`, 'check the server URL (http:// versus https://), the proxy, and the client certificate in the kubeconfig');
    }
  }
  return null;
}
