// Kubernetes resource quantities (k8s.io/apimachinery resource.Quantity) and byte formatting.

const BINARY: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30, Ti: 2 ** 40, Pi: 2 ** 50, Ei: 2 ** 60 };
const DECIMAL: Record<string, number> = {
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  '': 1,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
};

/** Values at or above this are "no limit" (cgroup v1 writes 9223372036854771712 for unlimited). */
export const UNLIMITED_THRESHOLD = 2 ** 62;

const QUANTITY = /^([+-]?(?:\d+\.?\d*|\.\d+))(?:([eE][+-]?\d+)|(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E))?$/;

/**
 * Parses a quantity such as `128Mi`, `1G`, `1.5Gi`, `500m`, `1e3` or a plain number into a number of units
 * (bytes for memory). Returns null for anything that is not a quantity. Memory values are rounded up to a
 * whole byte, as the API server does.
 */
export function parseQuantity(input: string | number | null | undefined): number | null {
  if (typeof input === 'number') return Number.isFinite(input) ? input : null;
  if (typeof input !== 'string') return null;
  const whole = wholeQuantity(input);
  if (whole !== null) return whole;
  const m = QUANTITY.exec(input.trim());
  if (!m) return null;
  const base = Number(m[1]);
  if (!Number.isFinite(base)) return null;
  let value: number;
  if (m[2]) value = base * 10 ** Number(m[2].slice(1));
  else if (m[3] && m[3] in BINARY) value = base * (BINARY[m[3]] as number);
  else value = base * (DECIMAL[m[3] ?? ''] as number);
  return Number.isFinite(value) ? value : null;
}

/**
 * The common form, digits and an optional suffix ("52428Ki", "128Mi", "1G"), without the regular expression:
 * metrics carry a different usage for every pod. The same arithmetic as the general path; null → take that path.
 */
function wholeQuantity(input: string): number | null {
  let n = 0;
  let i = 0;
  for (; i < input.length && i < 15; i++) {
    const d = input.charCodeAt(i) - 48;
    if (d < 0 || d > 9) break;
    n = n * 10 + d;
  }
  if (i === 0 || i === 15) return null;
  const suffix = i === input.length ? '' : input.slice(i);
  if (Object.hasOwn(BINARY, suffix)) return n * (BINARY[suffix] as number);
  return Object.hasOwn(DECIMAL, suffix) ? n * (DECIMAL[suffix] as number) : null;
}

/** A memory quantity in bytes (rounded up), or null. */
export function parseBytes(input: string | number | null | undefined): number | null {
  const v = parseQuantity(input);
  return v === null ? null : Math.ceil(v);
}

/**
 * Parses an integer the kernel printed (cgroup files). Returns null for non-integers. Values beyond 2^53
 * lose precision, which only happens for "unlimited" sentinels; callers check UNLIMITED_THRESHOLD.
 */
export function parseKernelInt(text: string | null | undefined): number | null {
  if (typeof text !== 'string') return null;
  const t = text.trim();
  if (!/^-?\d+$/.test(t)) return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : null;
}

const UNITS = ['B', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi'];

/**
 * Formats bytes for people, in the binary units kubectl uses: `0`, `512B`, `1.5Ki`, `100.0Mi`, `7.65Gi`.
 * Three significant digits at most; negative values keep their sign. null → `?` (unknown).
 */
export function formatBytes(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return '?';
  if (bytes === 0) return '0';
  const sign = bytes < 0 ? '-' : '';
  let v = Math.abs(bytes);
  let i = 0;
  while (v >= 1024 && i < UNITS.length - 1) {
    v /= 1024;
    i++;
  }
  if (i === 0) return `${sign}${Math.round(v)}B`;
  const digits = v >= 100 ? 0 : v >= 10 ? 1 : 2;
  return `${sign}${v.toFixed(digits)}${UNITS[i]}`;
}

/** Formats bytes as a Kubernetes quantity the way the kubelet prints usage (`4395616Ki`, `750Mi`). */
export function formatQuantity(bytes: number | null | undefined): string {
  if (bytes === null || bytes === undefined || !Number.isFinite(bytes)) return '?';
  if (bytes === 0) return '0';
  for (const [suffix, mult] of Object.entries(BINARY).reverse()) {
    if (Math.abs(bytes) >= mult && bytes % mult === 0) return `${bytes / mult}${suffix}`;
  }
  return String(bytes);
}

/** A ratio as a whole percentage (`87%`), `?` when unknown. */
export function formatPercent(ratio: number | null | undefined): string {
  if (ratio === null || ratio === undefined || !Number.isFinite(ratio)) return '?';
  return `${Math.round(ratio * 100)}%`;
}
