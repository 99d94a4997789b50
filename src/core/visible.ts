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

/** `text` with every control or hiding character written as an escape (`\e`, `\x07`, `\u202e`). */
export function visible(text: string, keep: { newlines?: boolean; tabs?: boolean } = {}): string {
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
 * Every string in a JSON-like value made visible (object keys too), newlines included: one-line fields such as
 * names and messages never carry a raw line break either. Returns a copy; the input is not changed.
 */
export function visibleDeep<T>(value: T, depth = 0): T {
  if (typeof value === 'string') return visible(value) as T;
  if (value === null || typeof value !== 'object' || depth > 64) return value;
  if (Array.isArray(value)) return value.map((v) => visibleDeep(v, depth + 1)) as T;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) out[visible(k)] = visibleDeep(v, depth + 1);
  return out as T;
}
