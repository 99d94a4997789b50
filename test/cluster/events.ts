// An event recorder like client-go's: core/v1 Events deduplicated by (object, reason, message, source)
// into one object whose `count` and `lastTimestamp` grow. The scheduler's events use the events.k8s.io
// shape seen through core/v1 (eventTime set, first/lastTimestamp null), as on a 1.32 cluster.
import type { Store } from './store.js';
import { isoMicro, isoSeconds, type Obj } from './util.js';

export interface InvolvedObject {
  kind: string;
  name: string;
  namespace?: string;
  uid?: string;
  apiVersion?: string;
  resourceVersion?: string;
  fieldPath?: string;
}

export interface EventSource {
  component: string;
  host?: string;
}

export class EventRecorder {
  constructor(private readonly store: Store) {}

  record(obj: InvolvedObject, type: 'Normal' | 'Warning', reason: string, message: string, source: EventSource): void {
    const ns = obj.namespace || 'default';
    const existing = this.store
      .list('events', ns)
      .find(
        (e) =>
          e.involvedObject?.uid === obj.uid &&
          e.involvedObject?.name === obj.name &&
          (e.involvedObject?.fieldPath ?? '') === (obj.fieldPath ?? '') &&
          e.reason === reason &&
          e.message === message &&
          (e.source?.component ?? e.reportingComponent) === source.component,
      );
    const ts = isoSeconds();
    if (existing) {
      this.store.update('events', ns, existing.metadata.name, (e) => {
        if (e.series) {
          e.series.count = (e.series.count ?? 1) + 1;
          e.series.lastObservedTime = isoMicro();
        } else {
          e.count = (e.count ?? 1) + 1;
          e.lastTimestamp = ts;
        }
      });
      return;
    }
    const nanos = BigInt(Date.now()) * 1000000n + BigInt(Math.floor(Math.random() * 1e6));
    const involvedObject: Obj = {
      kind: obj.kind,
      namespace: obj.namespace,
      name: obj.name,
      uid: obj.uid,
      apiVersion: obj.apiVersion ?? 'v1',
    };
    if (obj.resourceVersion) involvedObject.resourceVersion = obj.resourceVersion;
    if (obj.fieldPath) involvedObject.fieldPath = obj.fieldPath;
    if (!obj.namespace) delete involvedObject.namespace;
    const ev: Obj = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `${obj.name}.${nanos.toString(16)}`, namespace: ns },
      involvedObject,
      reason,
      message,
      type,
    };
    if (source.component === 'default-scheduler') {
      // events.k8s.io/v1 recorder
      Object.assign(ev, {
        source: {},
        firstTimestamp: null,
        lastTimestamp: null,
        eventTime: isoMicro(),
        action: reason === 'Scheduled' ? 'Binding' : 'Scheduling',
        reportingComponent: 'default-scheduler',
        reportingInstance: 'default-scheduler-test-cluster',
      });
    } else {
      Object.assign(ev, {
        source: source.host ? { component: source.component, host: source.host } : { component: source.component },
        firstTimestamp: ts,
        lastTimestamp: ts,
        count: 1,
        eventTime: null,
        reportingComponent: source.component,
        reportingInstance: source.host ?? '',
      });
    }
    this.store.create('events', ev);
  }
}
