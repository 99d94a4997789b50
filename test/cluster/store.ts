// The object store: the live ClusterState arrays, one global resourceVersion counter (like an etcd
// revision), and a watch hub with a bounded event history so watches can resume from a resourceVersion.
import type { ClusterState } from './types.js';
import { clone, isoSeconds, uid, type Obj } from './util.js';

export type StoredResource = 'pods' | 'nodes' | 'namespaces' | 'events';
export const NAMESPACED: Record<StoredResource, boolean> = {
  pods: true,
  events: true,
  nodes: false,
  namespaces: false,
};
export const KIND: Record<StoredResource, string> = {
  pods: 'Pod',
  nodes: 'Node',
  namespaces: 'Namespace',
  events: 'Event',
};

export type WatchType = 'ADDED' | 'MODIFIED' | 'DELETED';
export interface StoreEvent {
  type: WatchType;
  resource: StoredResource;
  /** Deep copy at the time of the change. */
  object: Obj;
  /** The object before a MODIFIED change (deep copy), to tell selector transitions. */
  old: Obj | null;
  rv: number;
}
export type Listener = (e: StoreEvent) => void;

const HISTORY = 5000;

export class Store {
  private rv = 0;
  private readonly listeners = new Set<Listener>();
  private readonly history: StoreEvent[] = [];

  constructor(readonly state: ClusterState) {
    for (const r of Object.keys(NAMESPACED) as StoredResource[]) for (const o of this.arr(r)) this.fill(r, o, true);
  }

  get resourceVersion(): number {
    return this.rv;
  }

  private arr(resource: StoredResource): Obj[] {
    return this.state[resource];
  }

  /** Gives an object the metadata the API server would have set (uid, rv, creationTimestamp, kind). */
  private fill(resource: StoredResource, o: Obj, initial: boolean): void {
    o.apiVersion ??= 'v1';
    o.kind ??= KIND[resource];
    o.metadata ??= {};
    if (!initial || !o.metadata.resourceVersion) o.metadata.resourceVersion = String(++this.rv);
    o.metadata.uid ??= uid();
    o.metadata.creationTimestamp ??= isoSeconds();
  }

  /** Objects that tests pushed straight into the state arrays get their metadata on first sight. */
  private ensure(resource: StoredResource, o: Obj): Obj {
    if (!o.metadata?.resourceVersion) this.fill(resource, o, false);
    return o;
  }

  get(resource: StoredResource, namespace: string | null, name: string): Obj | undefined {
    const ns = NAMESPACED[resource];
    const o = this.arr(resource).find(
      (x) => x.metadata?.name === name && (!ns || (x.metadata?.namespace ?? 'default') === namespace),
    );
    return o ? this.ensure(resource, o) : undefined;
  }

  /** Live objects (do not hand them out without cloning). */
  list(resource: StoredResource, namespace?: string | null): Obj[] {
    const ns = NAMESPACED[resource];
    return this.arr(resource)
      .filter((x) => !ns || !namespace || (x.metadata?.namespace ?? 'default') === namespace)
      .map((o) => this.ensure(resource, o));
  }

  create(resource: StoredResource, obj: Obj): Obj {
    this.fill(resource, obj, false);
    this.arr(resource).push(obj);
    this.emit('ADDED', resource, obj, null);
    return obj;
  }

  /** Applies `fn` to the live object and publishes MODIFIED. Returns undefined when the object is gone. */
  update(resource: StoredResource, namespace: string | null, name: string, fn: (o: Obj) => void): Obj | undefined {
    const o = this.get(resource, namespace, name);
    if (!o) return undefined;
    const old = clone(o);
    fn(o);
    o.metadata.resourceVersion = String(++this.rv);
    this.emit('MODIFIED', resource, o, old);
    return o;
  }

  remove(resource: StoredResource, namespace: string | null, name: string): Obj | undefined {
    const a = this.arr(resource);
    const o = this.get(resource, namespace, name);
    if (!o) return undefined;
    a.splice(a.indexOf(o), 1);
    o.metadata.resourceVersion = String(++this.rv);
    this.emit('DELETED', resource, o, null);
    return o;
  }

  private emit(type: WatchType, resource: StoredResource, o: Obj, old: Obj | null): void {
    const e: StoreEvent = { type, resource, object: clone(o), old, rv: this.rv };
    this.history.push(e);
    if (this.history.length > HISTORY) this.history.splice(0, this.history.length - HISTORY);
    for (const l of [...this.listeners]) {
      try {
        l(e);
      } catch (err) {
        console.error('test-cluster: watch listener failed', err);
      }
    }
  }

  subscribe(l: Listener): () => void {
    this.listeners.add(l);
    return () => this.listeners.delete(l);
  }

  /**
   * Events after `rv`, or null when `rv` is older than the retained history (the watch must answer
   * 410 Expired, "too old resource version").
   */
  since(rv: number): StoreEvent[] | null {
    const oldest = this.history[0]?.rv ?? this.rv + 1;
    if (rv < oldest - 1 && rv < this.rv) return null;
    return this.history.filter((e) => e.rv > rv);
  }
}
