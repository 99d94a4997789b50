// Label and field selectors (k8s.io/apimachinery/pkg/labels, pkg/fields) and the per-resource
// field sets the API server supports (pkg/registry/core/*/strategy.go `ToSelectableFields`).
import { badRequest } from './status.js';
import type { Obj } from './util.js';

type LabelOp = 'exists' | '!' | '=' | '!=' | 'in' | 'notin' | 'gt' | 'lt';
export interface LabelRequirement {
  key: string;
  op: LabelOp;
  values: string[];
}
export type LabelSelector = LabelRequirement[];

const KEY =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

/** Splits on commas that are not inside parentheses. */
function splitTop(s: string): string[] {
  const out: string[] = [];
  let depth = 0;
  let cur = '';
  for (const ch of s) {
    if (ch === '(') depth++;
    if (ch === ')') depth--;
    if (ch === ',' && depth === 0) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

function checkKey(key: string): void {
  if (!KEY.test(key) || key.length > 316) {
    throw badRequest(
      `unable to parse requirement: key: Invalid value: "${key}": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`,
    );
  }
}
function checkValue(key: string, v: string): void {
  if (!VALUE.test(v) || v.length > 63) {
    throw badRequest(
      `unable to parse requirement: values[0][${key}]: Invalid value: "${v}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`,
    );
  }
}

export function parseLabelSelector(raw: string | null | undefined): LabelSelector {
  const sel: LabelSelector = [];
  if (!raw || !raw.trim()) return sel;
  for (const part0 of splitTop(raw)) {
    const part = part0.trim();
    if (!part) throw badRequest(`unable to parse requirement: found '', expected: identifier`);
    let m: RegExpExecArray | null;
    if ((m = /^!\s*(\S+)$/.exec(part))) {
      checkKey(m[1]!);
      sel.push({ key: m[1]!, op: '!', values: [] });
    } else if ((m = /^(\S+?)\s+(in|notin)\s*\(([^)]*)\)$/.exec(part))) {
      checkKey(m[1]!);
      const values = m[3]!.split(',').map((v) => v.trim());
      values.forEach((v) => checkValue(m![1]!, v));
      sel.push({ key: m[1]!, op: m[2] as 'in' | 'notin', values });
    } else if ((m = /^([^=!<>\s]+)\s*(==|=|!=|<|>)\s*(\S*)$/.exec(part))) {
      checkKey(m[1]!);
      const op = m[2] === '==' || m[2] === '=' ? '=' : m[2] === '!=' ? '!=' : m[2] === '<' ? 'lt' : 'gt';
      if (op === 'lt' || op === 'gt') {
        if (!/^-?\d+$/.test(m[3]!))
          throw badRequest(`unable to parse requirement: for 'Gt', 'Lt' operators, the value must be an integer`);
      } else checkValue(m[1]!, m[3]!);
      sel.push({ key: m[1]!, op, values: [m[3]!] });
    } else if (/^\S+$/.test(part)) {
      checkKey(part);
      sel.push({ key: part, op: 'exists', values: [] });
    } else {
      throw badRequest(`unable to parse requirement: found '${part}', expected: in, notin, =, ==, !=, gt, lt`);
    }
  }
  return sel;
}

export function matchLabels(sel: LabelSelector, labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  for (const r of sel) {
    const has = Object.prototype.hasOwnProperty.call(l, r.key);
    const v = l[r.key];
    switch (r.op) {
      case 'exists':
        if (!has) return false;
        break;
      case '!':
        if (has) return false;
        break;
      case '=':
        if (!has || v !== r.values[0]) return false;
        break;
      case '!=':
        if (has && v === r.values[0]) return false;
        break;
      case 'in':
        if (!has || !r.values.includes(v!)) return false;
        break;
      case 'notin':
        if (has && r.values.includes(v!)) return false;
        break;
      case 'gt':
        if (!has || !(Number(v) > Number(r.values[0]))) return false;
        break;
      case 'lt':
        if (!has || !(Number(v) < Number(r.values[0]))) return false;
        break;
    }
  }
  return true;
}

export interface FieldRequirement {
  field: string;
  op: '=' | '!=';
  value: string;
}
export type FieldSelector = FieldRequirement[];

/** Splits on an unescaped separator (`\,` and `\=` escape, as fields.ParseSelector). */
function splitEscaped(s: string, sep: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s[i]!;
    if (ch === '\\' && i + 1 < s.length) {
      cur += ch + s[i + 1];
      i++;
    } else if (ch === sep) {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}
const unescape = (s: string): string => s.replace(/\\(.)/g, '$1');

/** Field accessors per resource, as the registry strategies expose them. */
const FIELDS: Record<string, Record<string, (o: Obj) => string>> = {
  pods: {
    'metadata.name': (o) => o.metadata?.name ?? '',
    'metadata.namespace': (o) => o.metadata?.namespace ?? '',
    'spec.nodeName': (o) => o.spec?.nodeName ?? '',
    'spec.restartPolicy': (o) => o.spec?.restartPolicy ?? '',
    'spec.schedulerName': (o) => o.spec?.schedulerName ?? '',
    'spec.serviceAccountName': (o) => o.spec?.serviceAccountName ?? '',
    'spec.hostNetwork': (o) => String(o.spec?.hostNetwork === true),
    'status.phase': (o) => o.status?.phase ?? '',
    'status.podIP': (o) => o.status?.podIP ?? '',
    'status.nominatedNodeName': (o) => o.status?.nominatedNodeName ?? '',
  },
  nodes: {
    'metadata.name': (o) => o.metadata?.name ?? '',
    'spec.unschedulable': (o) => String(o.spec?.unschedulable === true),
  },
  namespaces: {
    'metadata.name': (o) => o.metadata?.name ?? '',
    'status.phase': (o) => o.status?.phase ?? '',
  },
  events: {
    'metadata.name': (o) => o.metadata?.name ?? '',
    'metadata.namespace': (o) => o.metadata?.namespace ?? '',
    'involvedObject.kind': (o) => o.involvedObject?.kind ?? '',
    'involvedObject.namespace': (o) => o.involvedObject?.namespace ?? '',
    'involvedObject.name': (o) => o.involvedObject?.name ?? '',
    'involvedObject.uid': (o) => o.involvedObject?.uid ?? '',
    'involvedObject.apiVersion': (o) => o.involvedObject?.apiVersion ?? '',
    'involvedObject.resourceVersion': (o) => o.involvedObject?.resourceVersion ?? '',
    'involvedObject.fieldPath': (o) => o.involvedObject?.fieldPath ?? '',
    reason: (o) => o.reason ?? '',
    reportingComponent: (o) => o.reportingComponent ?? '',
    source: (o) => o.source?.component ?? '',
    type: (o) => o.type ?? '',
  },
  podmetrics: {
    'metadata.name': (o) => o.metadata?.name ?? '',
    'metadata.namespace': (o) => o.metadata?.namespace ?? '',
  },
  nodemetrics: {
    'metadata.name': (o) => o.metadata?.name ?? '',
  },
};

export function parseFieldSelector(raw: string | null | undefined, resource: string): FieldSelector {
  const sel: FieldSelector = [];
  if (!raw || !raw.trim()) return sel;
  const fields: Record<string, (o: Obj) => string> = FIELDS[resource] ?? {
    'metadata.name': (o: Obj) => o.metadata?.name ?? '',
    'metadata.namespace': (o: Obj) => o.metadata?.namespace ?? '',
  };
  for (const part of splitEscaped(raw, ',')) {
    const m = /^(.*?)(==|!=|=)(.*)$/s.exec(part);
    if (!m) throw badRequest(`invalid selector: '${raw}'; can't understand '${part}'`);
    const field = unescape(m[1]!.trim());
    if (!fields[field]) throw badRequest(`field label not supported: ${field}`);
    sel.push({ field, op: m[2] === '!=' ? '!=' : '=', value: unescape(m[3]!.trim()) });
  }
  return sel;
}

export function matchFields(sel: FieldSelector, resource: string, obj: Obj): boolean {
  const fields = FIELDS[resource] ?? {};
  for (const r of sel) {
    const get =
      fields[r.field] ?? ((o: Obj) => (r.field === 'metadata.name' ? o.metadata?.name : o.metadata?.namespace) ?? '');
    const v = get(obj);
    if (r.op === '=' ? v !== r.value : v === r.value) return false;
  }
  return true;
}
