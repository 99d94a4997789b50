// Per-folder expect.json: hand-checked numbers a bug-report folder carries beside its regression goldens.
//
//   {
//     "about": "what the folder is, and how the numbers below were worked out from its raw files",
//     "expect": [
//       { "path": "containers[name=app].workingSetBytes", "equals": 262144, "how": "memory.usage_in_bytes …" },
//       { "path": "verdicts[kind=OOMKilled].summary", "matches": "64Mi", "how": "…" }
//     ]
//   }
//
// `path` walks the `-o json` output: `a.b` a key, `a[2]` an index, `a[key=value]` the first element whose `key`
// is `value` (compared as text). `equals` is compared deeply (null included); `matches` is a regular expression
// for a string. Every entry needs `how`: the sum or the file it was read from. A path that leads nowhere is a
// failure, never "undefined equals undefined".

export interface Expectation {
  path: string;
  equals?: unknown;
  matches?: string;
  how: string;
}

export interface ExpectFile {
  about: string;
  expect: Expectation[];
}

/** Checks the shape of an expect.json; throws naming the first problem. */
export function parseExpectFile(text: string, where: string): ExpectFile {
  const doc = JSON.parse(text) as Record<string, unknown>;
  const keys = Object.keys(doc).filter((k) => k !== 'about' && k !== 'expect' && k !== '$schema');
  if (keys.length) throw new Error(`${where}: unknown key ${keys[0]} (allowed: about, expect)`);
  if (typeof doc.about !== 'string' || !doc.about) throw new Error(`${where}: "about" must say what the folder is`);
  if (!Array.isArray(doc.expect) || doc.expect.length === 0)
    throw new Error(`${where}: "expect" must be a non-empty list`);
  doc.expect.forEach((e: Record<string, unknown>, i: number) => {
    const at = `${where}: expect[${i}]`;
    const extra = Object.keys(e).filter((k) => !['path', 'equals', 'matches', 'how'].includes(k));
    if (extra.length) throw new Error(`${at}: unknown key ${extra[0]}`);
    if (typeof e.path !== 'string' || !e.path) throw new Error(`${at}: "path" must be a string`);
    if ('equals' in e === 'matches' in e) throw new Error(`${at}: give exactly one of "equals" and "matches"`);
    if ('matches' in e && typeof e.matches !== 'string')
      throw new Error(`${at}: "matches" must be a regular expression string`);
    if (typeof e.how !== 'string' || !e.how) throw new Error(`${at}: "how" must say how the value was worked out`);
  });
  return doc as unknown as ExpectFile;
}

type Found = { ok: true; value: unknown } | { ok: false; why: string };

function step(value: unknown, segment: string): Found {
  const m = /^([^[\]]+)?((?:\[[^\]]+\])*)$/.exec(segment);
  if (!m) return { ok: false, why: `bad path segment ${segment}` };
  let cur = value;
  if (m[1] !== undefined) {
    if (typeof cur !== 'object' || cur === null || Array.isArray(cur) || !(m[1] in cur))
      return { ok: false, why: `no key ${m[1]}` };
    cur = (cur as Record<string, unknown>)[m[1]];
  }
  for (const [, sel] of (m[2] ?? '').matchAll(/\[([^\]]+)\]/g)) {
    if (!Array.isArray(cur)) return { ok: false, why: `[${sel}] on something that is not a list` };
    const eq = sel!.indexOf('=');
    if (eq < 0) {
      const i = Number(sel);
      if (!Number.isInteger(i) || i < 0 || i >= cur.length)
        return { ok: false, why: `no element [${sel}] (length ${cur.length})` };
      cur = cur[i];
    } else {
      const key = sel!.slice(0, eq);
      const want = sel!.slice(eq + 1);
      const hit = cur.find(
        (x) => typeof x === 'object' && x !== null && String((x as Record<string, unknown>)[key]) === want,
      );
      if (hit === undefined) return { ok: false, why: `no element with ${key}=${want}` };
      cur = hit;
    }
  }
  return { ok: true, value: cur };
}

/** The value at `path` in `root`, or why there is none. */
export function resolvePath(root: unknown, path: string): Found {
  let cur: Found = { ok: true, value: root };
  for (const segment of path.split('.')) {
    if (!cur.ok) break;
    const next = step(cur.value, segment);
    cur = next.ok ? next : { ok: false, why: `${path}: ${next.why}` };
  }
  return cur;
}
