// client-go's merge of several kubeconfig files: for every cluster/user/context name and for current-context,
// the first file that sets it wins, whole (no field-by-field merge).
import type { Entry, ParsedFile, RawCluster, RawContext, RawUser } from './types.js';

export interface Merged {
  clusters: Map<string, Entry<RawCluster>>;
  users: Map<string, Entry<RawUser>>;
  contexts: Map<string, Entry<RawContext>>;
  currentContext: string;
}

function addFirst<T>(into: Map<string, Entry<T>>, entries: Entry<T>[]): void {
  for (const e of entries) if (!into.has(e.name)) into.set(e.name, e);
}

export function merge(parsed: ParsedFile[]): Merged {
  const m: Merged = { clusters: new Map(), users: new Map(), contexts: new Map(), currentContext: '' };
  for (const p of parsed) {
    addFirst(m.clusters, p.clusters);
    addFirst(m.users, p.users);
    addFirst(m.contexts, p.contexts);
    if (!m.currentContext && p.currentContext) m.currentContext = p.currentContext;
  }
  return m;
}

/** "available contexts: a, b" for error hints. */
export function listNames(names: Iterable<string>, what: string): string {
  const all = [...names].filter((n) => n !== '');
  if (all.length === 0) return `the kubeconfig has no ${what}s`;
  return `available ${what}s: ${all.join(', ')}`;
}
