// Authentication (bearer tokens, client certificates) and RBAC-style authorization, with the
// API server's wording for 401/403.
import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import { forbidden, unauthorized, type ApiError } from './status.js';
import type { PolicyRule, UserSpec } from './types.js';

export interface User {
  name: string;
  groups: string[];
}

/** The request attributes RBAC decides on (authorizer.Attributes). */
export interface Attributes {
  verb: string;
  apiGroup: string;
  resource: string;
  subresource: string;
  /** '' for cluster-scoped requests. */
  namespace: string;
  name: string;
}

/**
 * Who is calling. Throws 401 for a bearer token nobody owns and for requests without credentials
 * (anonymous auth is off, as on managed clusters).
 */
export function authenticate(req: IncomingMessage, users: UserSpec[]): User {
  const auth = req.headers.authorization;
  if (auth) {
    const m = /^Bearer\s+(.+)$/i.exec(auth.trim());
    if (!m) throw unauthorized();
    const token = m[1]!.trim();
    const u = users.find((x) => x.token === token);
    if (!u) throw unauthorized();
    return { name: u.name, groups: [...(u.groups ?? []), 'system:authenticated'] };
  }
  const sock = req.socket as Partial<TLSSocket>;
  if (typeof sock.getPeerCertificate === 'function' && sock.authorized) {
    const cert = sock.getPeerCertificate();
    const cn = cert?.subject?.CN;
    if (cn) {
      const o = cert.subject.O;
      const certGroups = o === undefined ? [] : Array.isArray(o) ? o : [o];
      const cnName = Array.isArray(cn) ? cn[0]! : cn;
      return { name: cnName, groups: [...certGroups, 'system:authenticated'] };
    }
  }
  throw unauthorized();
}

function ruleMatches(rule: PolicyRule, a: Attributes): boolean {
  const verbs = rule.verbs;
  if (!verbs.includes('*') && !verbs.includes(a.verb)) return false;
  const groups = rule.apiGroups ?? ['*'];
  if (!groups.includes('*') && !groups.includes(a.apiGroup)) return false;
  const full = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const resOk = rule.resources.some(
    (r) => r === '*' || r === full || (a.subresource !== '' && (r === `${a.resource}/*` || r === `*/${a.subresource}`)),
  );
  if (!resOk) return false;
  if (rule.namespaces && !rule.namespaces.includes(a.namespace)) return false;
  if (rule.resourceNames && rule.resourceNames.length > 0) {
    if (!a.name || !rule.resourceNames.includes(a.name)) return false;
  }
  return true;
}

export function allowed(user: User, a: Attributes, users: UserSpec[]): boolean {
  if (user.groups.includes('system:masters')) return true;
  const spec = users.find((u) => u.name === user.name);
  return (spec?.rules ?? []).some((r) => ruleMatches(r, a));
}

/** pkg/endpoints/handlers/responsewriters `forbiddenMessage` + errors.NewForbidden. */
export function forbiddenError(user: User, a: Attributes): ApiError {
  const res = a.subresource ? `${a.resource}/${a.subresource}` : a.resource;
  const why = a.namespace
    ? `User "${user.name}" cannot ${a.verb} resource "${res}" in API group "${a.apiGroup}" in the namespace "${a.namespace}"`
    : `User "${user.name}" cannot ${a.verb} resource "${res}" in API group "${a.apiGroup}" at the cluster scope`;
  return forbidden(a.resource, a.name || undefined, why, a.apiGroup);
}

export function authorize(user: User, a: Attributes, users: UserSpec[]): void {
  if (!allowed(user, a, users)) throw forbiddenError(user, a);
}
