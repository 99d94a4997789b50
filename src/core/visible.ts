// Control characters made visible. Text that came from the cluster or a node (an eviction message, a process name
// from the kernel log, a pod name from a server that does not validate) may hold terminal escape sequences:
// printed raw they can retitle the window, clear the screen or hide a line. Pure: no I/O.

/**
 * C0 controls (except the ones named in `keep`), DEL, C1 controls, and the Unicode format characters that
 * reorder or hide text (bidi overrides and isolates, zero-width joiners, the BOM).
 */
const HIDDEN = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]/g;

function escapeOne(ch: string): string {
  const code = ch.codePointAt(0) ?? 0;
  if (ch === '\n') return '\\n';
  if (ch === '\r') return '\\r';
  if (ch === '\t') return '\\t';
  if (code === 0x1b) return '\\e';
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/** The same class, for a test (no /g: no lastIndex to reset). */
const ANY_HIDDEN = new RegExp(HIDDEN.source);

/** `text` with every control or hiding character written as an escape (`\e`, `\x07`, `\u202e`). */
export function visible(text: string, keep: { newlines?: boolean; tabs?: boolean } = {}): string {
  if (!ANY_HIDDEN.test(text)) return text;
  return text.replace(HIDDEN, (ch) =>
    (ch === '\n' && keep.newlines) || (ch === '\t' && keep.tabs) ? ch : escapeOne(ch),
  );
}

/** Whether `text` holds anything visible() would change. */
export function hasHidden(text: string): boolean {
  HIDDEN.lastIndex = 0;
  const found = HIDDEN.test(text);
  HIDDEN.lastIndex = 0;
  return found;
}

/**
 * Whether a JSON text may decode to a string that visible() would change: a raw DEL, C1 or hiding character, or an
 * escape that decodes to a control (\b \f \n \r \t, \u0000–\u001f, \u007f–\u009f) or to a hiding character.
 * Valid JSON holds no other raw C0 control than the whitespace between its tokens. It may say yes for a clean
 * text (an escaped backslash before an n): that only costs the full walk below.
 */
const JSON_HIDDEN =
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]|\\[bfnrt]|\\u(?:00[01][0-9a-f]|007f|00[89][0-9a-f]|200[b-f]|202[a-e]|206[0-9]|feff)/i;

/** Objects and arrays known to hold no string that visible() would change; never changed after they are added. */
const PROVEN = new WeakSet<object>();

/**
 * What JSON.parse made of `text`, marked as clean when the text holds nothing hidden (one regex over the text is
 * ~6× cheaper than walking what it decodes to: 2.6 MB of node events, 3.5 ms against 18–26 ms), so that
 * visibleDeep returns it, and the items of a list, at once. Returns `value`.
 */
export function provenVisible<T>(value: T, text: string): T {
  if (value === null || typeof value !== 'object' || JSON_HIDDEN.test(text)) return value;
  PROVEN.add(value);
  const items = (value as { items?: unknown }).items;
  if (Array.isArray(items)) {
    PROVEN.add(items);
    for (const item of items) if (item !== null && typeof item === 'object') PROVEN.add(item as object);
  }
  return value;
}

/**
 * Every string in a JSON-like value made visible (object keys too), newlines included: one-line fields such as
 * names and messages never carry a raw line break either. The input is never changed: an array or object with
 * something to escape is copied, one with nothing to escape is returned as it is (a node's 500 pods and 5,000
 * events are mostly clean, and copying them all cost ~150 ms and a GC at that size; bench/RESULTS.md). A value
 * provenVisible marked is returned without a walk.
 */
export function visibleDeep<T>(value: T, depth = 0): T {
  if (typeof value === 'string') return visible(value) as T;
  if (value === null || typeof value !== 'object' || depth > 64 || PROVEN.has(value)) return value;
  return (
    Array.isArray(value) ? visibleArray(value, depth) : visibleObject(value as Record<string, unknown>, depth)
  ) as T;
}

function visibleArray(value: unknown[], depth: number): unknown[] {
  let out: unknown[] | null = null;
  for (let i = 0; i < value.length; i++) {
    const v = value[i];
    const w = visibleDeep(v, depth + 1);
    if (out === null && w !== v) out = value.slice(0, i);
    if (out !== null) out.push(w);
  }
  return out ?? value;
}

/** Keys already seen to need no escape: a report's few dozen names repeat on every row (bounded, for hostile input). */
const CLEAN_KEYS = new Set<string>();

function visibleKey(k: string): string {
  if (CLEAN_KEYS.has(k)) return k;
  const vk = visible(k);
  if (vk === k && CLEAN_KEYS.size < 4096) CLEAN_KEYS.add(k);
  return vk;
}

function visibleObject(value: Record<string, unknown>, depth: number): Record<string, unknown> {
  let out: Record<string, unknown> | null = null;
  const keys = Object.keys(value);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    const v = value[k];
    const vk = visibleKey(k);
    const w = visibleDeep(v, depth + 1);
    if (out === null && (vk !== k || w !== v)) {
      out = {};
      for (let j = 0; j < i; j++) out[keys[j]!] = value[keys[j]!];
    }
    if (out !== null) out[vk] = w;
  }
  return out ?? value;
}
