// Go's net/http ProxyFromEnvironment, as client-go uses it when a cluster has no proxy-url: HTTPS_PROXY /
// HTTP_PROXY, and NO_PROXY with hosts, domains, IPs, CIDRs and ports.
import net from 'node:net';

type Env = Record<string, string | undefined>;

function envAny(env: Env, ...names: string[]): string {
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

function normalizeIp(ip: string): string {
  if (net.isIPv4(ip)) return ip;
  const sa = new net.SocketAddress({ address: ip, family: 'ipv6' });
  return sa.address;
}

interface Target {
  host: string;
  port: string;
  ip: string | null;
}

/** Whether one NO_PROXY entry (already trimmed and lower case) exempts the target. */
function noProxyMatches(p: string, t: Target): boolean {
  if (p === '*') return true;
  if (p.includes('/')) return !!t.ip && ipInCidr(t.ip, p);
  let phost = p;
  let pport = '';
  const hp = splitHostPort(p);
  if (hp) {
    if (!hp[0]) return false;
    [phost, pport] = hp;
  }
  const portOk = !pport || pport === t.port;
  const pip = parseIp(phost);
  if (pip) return !!t.ip && net.isIP(t.ip) !== 0 && normalizeIp(t.ip) === normalizeIp(pip) && portOk;
  if (phost.startsWith('*.')) phost = phost.slice(1);
  const matchHost = !phost.startsWith('.');
  if (matchHost) phost = `.${phost}`;
  return (t.host.endsWith(phost) || (matchHost && t.host === phost.slice(1))) && portOk;
}

/**
 * The proxy Go's ProxyFromEnvironment picks for `server`: HTTPS_PROXY (https) or HTTP_PROXY (http),
 * upper case first; none for localhost, loopback IPs, or a NO_PROXY match (`*`, IP, CIDR, domain and its
 * subdomains, `.domain` for subdomains only, optional `:port`). A proxy without a scheme means http://.
 */
export function proxyFromEnvironment(server: string, env: Env): string | null {
  let url: URL;
  try {
    url = new URL(server);
  } catch {
    return null;
  }
  const https = url.protocol === 'https:';
  const scheme = url.protocol === 'http:' ? 'http' : null;
  let proxy = https ? envAny(env, 'HTTPS_PROXY', 'https_proxy') : scheme ? envAny(env, 'HTTP_PROXY', 'http_proxy') : '';
  if (!proxy) return null;
  if (!/^[a-z][a-z0-9+.-]*:\/\/./i.test(proxy)) proxy = `http://${proxy}`;
  const host = url.hostname.toLowerCase();
  const target: Target = { host, port: url.port || (https ? '443' : '80'), ip: parseIp(host) };
  if (host === 'localhost' || (target.ip && isLoopback(target.ip))) return null;
  for (const raw of envAny(env, 'NO_PROXY', 'no_proxy').split(',')) {
    const p = raw.trim().toLowerCase();
    if (p && noProxyMatches(p, target)) return null;
  }
  return proxy;
}
