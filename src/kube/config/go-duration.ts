// Go's time.ParseDuration and Duration.String(), and kubectl's --request-timeout built on them.
import { badFlag } from './errors.js';

const UNIT_NS: Record<string, bigint> = {
  ns: 1n,
  us: 1000n,
  µs: 1000n,
  μs: 1000n,
  ms: 1_000_000n,
  s: 1_000_000_000n,
  m: 60_000_000_000n,
  h: 3_600_000_000_000n,
};

/** Go's time.ParseDuration, in nanoseconds; null when it would fail. */
export function parseGoDuration(s: string): bigint | null {
  let rest = s;
  let neg = false;
  if (rest.startsWith('-') || rest.startsWith('+')) {
    neg = rest.startsWith('-');
    rest = rest.slice(1);
  }
  if (rest === '0') return 0n;
  if (rest === '') return null;
  let total = 0n;
  const re = /^(\d*)(?:\.(\d*))?(ns|us|µs|μs|ms|s|m|h)/;
  while (rest) {
    const m = re.exec(rest);
    if (!m) return null;
    const [all, int = '', frac = '', unit = ''] = m;
    if (int === '' && frac === '') return null;
    const scale = UNIT_NS[unit]!;
    total += BigInt(int || '0') * scale;
    if (frac) total += (BigInt(frac) * scale) / 10n ** BigInt(frac.length);
    rest = rest.slice(all.length);
  }
  return neg ? -total : total;
}

/** The `prec` lowest decimal digits of v as ".ddd" without trailing zeros (Go's fmtFrac), and v without them. */
function fractionDigits(v: bigint, prec: number): [string, bigint] {
  let out = '';
  let print = false;
  for (let i = 0; i < prec; i++) {
    const digit = v % 10n;
    print ||= digit !== 0n;
    if (print) out = `${digit}${out}`;
    v /= 10n;
  }
  return [print ? `.${out}` : '', v];
}

/** Go's time.Duration.String(). */
export function formatGoDuration(ns: bigint): string {
  const neg = ns < 0n;
  let u = neg ? -ns : ns;
  let s: string;
  if (u < 1_000_000_000n) {
    if (u === 0n) return '0s';
    const [prec, unit] = u < 1000n ? [0, 'ns'] : u < 1_000_000n ? [3, 'µs'] : [6, 'ms'];
    const [f, whole] = fractionDigits(u, prec);
    s = `${whole}${f}${unit}`;
  } else {
    const [f, secs] = fractionDigits(u, 9);
    u = secs;
    s = `${u % 60n}${f}s`;
    u /= 60n;
    if (u > 0n) {
      s = `${u % 60n}m${s}`;
      u /= 60n;
      if (u > 0n) s = `${u}h${s}`;
    }
  }
  return neg ? `-${s}` : s;
}

/** kubectl's --request-timeout: "0" = none, an integer = seconds, else a Go duration. */
export function parseRequestTimeout(value: string | null | undefined): { ms: number | null; param: string | null } {
  if (value === null || value === undefined || value === '') return { ms: null, param: null };
  const wholeSeconds = /^[+-]?\d+$/.test(value) && BigInt(value) >= 0n;
  const ns = wholeSeconds ? BigInt(value) * 1_000_000_000n : parseGoDuration(value);
  if (ns === null) {
    throw badFlag(
      `--request-timeout ${JSON.stringify(value)}: invalid timeout value`,
      'Timeout must be a single integer in seconds, or an integer followed by a corresponding time unit (e.g. 1s | 2m | 3h)',
    );
  }
  if (ns <= 0n) return { ms: null, param: null };
  const ms = Number((ns + 999_999n) / 1_000_000n);
  return { ms, param: formatGoDuration(ns) };
}
