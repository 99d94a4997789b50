// Label selector syntax, checked before any request: a typo gets one usage line (exit 2) instead of the API
// server's 400 reported as a bug. The grammar of k8s.io/apimachinery/pkg/labels (selector.go):
// comma-separated requirements `k`, `!k`, `k=v`, `k==v`, `k!=v`, `k in (v,…)`, `k notin (v,…)`, `k>n`, `k<n`,
// keys qualified names (optional DNS-subdomain prefix and `/`), values label values (may be empty for =, !=).

const NAME = '[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?';
const KEY = `(([a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?)/)?${NAME}`;
const VALUE = `(${NAME})?`;
const LIST = `${NAME}(\\s*,\\s*${NAME})*`;

const REQUIREMENT = [
  new RegExp(`^!?\\s*${KEY}$`),
  new RegExp(`^${KEY}\\s*(==|!=|=)\\s*${VALUE}$`),
  new RegExp(`^${KEY}\\s+(in|notin)\\s*\\(\\s*${LIST}\\s*\\)$`),
  new RegExp(`^${KEY}\\s*(<|>)\\s*-?\\d+$`),
];

/** Splits at the commas outside parentheses. */
function requirements(selector: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of selector) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(current.trim());
      current = '';
    } else current += ch;
  }
  out.push(current.trim());
  return out;
}

/** The first requirement that is not valid label selector syntax, or null when the whole selector is. */
export function badRequirement(selector: string): string | null {
  for (const r of requirements(selector)) {
    if (!REQUIREMENT.some((re) => re.test(r))) return r;
  }
  return null;
}
