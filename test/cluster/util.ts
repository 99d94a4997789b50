// Small helpers shared by the test cluster's parts.
import { randomBytes, randomUUID } from 'node:crypto';

/** A Kubernetes object as JSON. The cluster works on plain JSON, not typed models. */
export type Obj = Record<string, any>;

export const now = (): Date => new Date();

/** RFC 3339 with second precision, as the API server serialises metav1.Time. */
export function isoSeconds(d: Date = new Date()): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** RFC 3339 with microseconds (metav1.MicroTime, e.g. Event.eventTime). */
export function isoMicro(d: Date = new Date()): string {
  return d.toISOString().replace(/Z$/, '000Z');
}

export const uid = (): string => randomUUID();

export function hex(bytes: number): string {
  return randomBytes(bytes).toString('hex');
}

/** Suffix alphabet of apimachinery's `utilrand.String` (no vowels, no confusable digits). */
const ALNUM = 'bcdfghjklmnpqrstvwxz2456789';
export function randSuffix(n = 5): string {
  const b = randomBytes(n);
  let s = '';
  for (let i = 0; i < n; i++) s += ALNUM[b[i]! % ALNUM.length];
  return s;
}

export function clone<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/**
 * apimachinery `duration.HumanDuration` (k8s.io/apimachinery/pkg/util/duration), which the
 * server-side printers use for AGE columns.
 */
export function humanDuration(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 60 * 2) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 60 * 3) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${Math.floor(hours / 24)}d` : `${Math.floor(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.floor(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const dy = Math.floor(hours / 24) % 365;
    return dy === 0 ? `${Math.floor(hours / 24 / 365)}y` : `${Math.floor(hours / 24 / 365)}y${dy}d`;
  }
  return `${Math.floor(hours / 24 / 365)}y`;
}

/** Age of an object for table cells; `<unknown>` when the timestamp is missing (as kubectl prints). */
export function age(ts: string | undefined | null, at: Date = new Date()): string {
  if (!ts) return '<unknown>';
  const t = Date.parse(ts);
  if (Number.isNaN(t)) return '<unknown>';
  return humanDuration(at.getTime() - t);
}

/** Parses a Kubernetes quantity into a number (bytes for memory, cores for cpu). null when unparsable. */
export function parseQuantity(q: unknown): number | null {
  if (typeof q === 'number') return q;
  if (typeof q !== 'string') return null;
  const m = /^([+-]?[0-9.]+)(e[+-]?\d+|Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?$/.exec(q.trim());
  if (!m) return null;
  const n = Number(m[1]);
  const suf = m[2] ?? '';
  const mult: Record<string, number> = {
    '': 1,
    n: 1e-9,
    u: 1e-6,
    m: 1e-3,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
    P: 1e15,
    E: 1e18,
    Ki: 2 ** 10,
    Mi: 2 ** 20,
    Gi: 2 ** 30,
    Ti: 2 ** 40,
    Pi: 2 ** 50,
    Ei: 2 ** 60,
  };
  if (suf.startsWith('e')) return n * 10 ** Number(suf.slice(1));
  return n * (mult[suf] ?? 1);
}

export function isRecord(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
