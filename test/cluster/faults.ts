// Fault injection: per-route latency, error answers and dropped watches, set by tests at run time.
import type { FaultSpec, Route, RouteMatch } from './types.js';

export interface RouteSubject {
  method: string;
  path: string;
  verb: string | null;
  resource: string | null;
  subresource: string | null;
  namespace: string | null;
  name: string | null;
  user: string | null;
}

interface Entry {
  match: RouteMatch;
  spec: FaultSpec;
  remaining: number;
}

function globToRegExp(glob: string): RegExp {
  const re = glob
    .split('/')
    .map((seg) =>
      seg === '**'
        ? '.*'
        : seg
            .split('*')
            .map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
            .join('[^/]*'),
    )
    .join('/');
  return new RegExp(`^${re}$`);
}

export function parseRoute(route: Route): RouteMatch {
  if (typeof route !== 'string') return route;
  const m = /^([A-Z]+)\s+(\S+)$/.exec(route.trim());
  return m ? { method: m[1]!, path: m[2]! } : { path: route.trim() };
}

function matches(m: RouteMatch, s: RouteSubject): boolean {
  if (m.method && m.method.toUpperCase() !== s.method) return false;
  if (m.path !== undefined) {
    const re = typeof m.path === 'string' ? globToRegExp(m.path) : m.path;
    if (!re.test(s.path)) return false;
  }
  const eq = (a: string | undefined, b: string | null): boolean => a === undefined || a === b;
  return (
    eq(m.verb, s.verb) &&
    eq(m.resource, s.resource) &&
    eq(m.subresource, s.subresource) &&
    eq(m.namespace, s.namespace) &&
    eq(m.name, s.name) &&
    eq(m.user, s.user)
  );
}

export class Faults {
  private entries: Entry[] = [];

  /** Adds a fault; returns a function that removes it. */
  add(route: Route, spec: FaultSpec): () => void {
    const e: Entry = { match: parseRoute(route), spec, remaining: spec.times ?? Infinity };
    this.entries.push(e);
    return () => {
      this.entries = this.entries.filter((x) => x !== e);
    };
  }

  clear(): void {
    this.entries = [];
  }

  /** The first fault that applies to this request (its `times` budget is used up by one). */
  take(s: RouteSubject): FaultSpec | null {
    for (const e of this.entries) {
      if (e.remaining <= 0 || !matches(e.match, s)) continue;
      e.remaining--;
      return e.spec;
    }
    return null;
  }
}
