// YAML read as go-yaml v2 + encoding/json read a kubeconfig: YAML 1.1 booleans, and every known field checked
// against its Go type, so a value kubectl refuses is refused here too (with the reason, not a silent default).
import * as yaml from 'js-yaml';

/** CORE schema + YAML 1.1 booleans (y/n/yes/no/on/off), which is what go-yaml v2 (sigs.k8s.io/yaml) resolves. */
export const KUBE_YAML_SCHEMA = yaml.CORE_SCHEMA.withTags(yaml.boolYaml11Tag);

export type FieldType = 'string' | 'bool' | 'strings' | 'base64' | 'stringListMap' | 'stringMap' | 'envList';

export const CLUSTER_FIELDS: Record<string, FieldType> = {
  server: 'string',
  'certificate-authority': 'string',
  'certificate-authority-data': 'base64',
  'insecure-skip-tls-verify': 'bool',
  'tls-server-name': 'string',
  'proxy-url': 'string',
  'disable-compression': 'bool',
};
export const USER_FIELDS: Record<string, FieldType> = {
  'client-certificate': 'string',
  'client-certificate-data': 'base64',
  'client-key': 'string',
  'client-key-data': 'base64',
  token: 'string',
  tokenFile: 'string',
  as: 'string',
  'as-uid': 'string',
  'as-groups': 'strings',
  'as-user-extra': 'stringListMap',
  username: 'string',
  password: 'string',
};
export const AUTH_PROVIDER_FIELDS: Record<string, FieldType> = { name: 'string', config: 'stringMap' };
export const EXEC_FIELDS: Record<string, FieldType> = {
  command: 'string',
  args: 'strings',
  env: 'envList',
  apiVersion: 'string',
  installHint: 'string',
  provideClusterInfo: 'bool',
  interactiveMode: 'string',
};
export const CONTEXT_FIELDS: Record<string, FieldType> = { cluster: 'string', user: 'string', namespace: 'string' };

/** A problem inside one file; the caller adds the file name. */
export class FileError extends Error {}

export const isMap = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'boolean') return 'a boolean';
  if (typeof v === 'number') return 'a number';
  if (typeof v === 'string') return 'a string';
  if (typeof v === 'object') return 'a mapping';
  return typeof v;
}

export function typeError(where: string, want: string, got: unknown): FileError {
  const wantsString = want.includes('string');
  const yamlNote =
    typeof got === 'boolean' && wantsString
      ? ' (YAML reads unquoted y/n/yes/no/on/off/true/false as booleans: quote the value)'
      : typeof got === 'number' && wantsString
        ? ' (quote the value)'
        : '';
  return new FileError(`${where} must be ${want}, not ${kindOf(got)}${yamlNote}`);
}

export function checkString(where: string, v: unknown): void {
  if (v !== null && v !== undefined && typeof v !== 'string') throw typeError(where, 'a string', v);
}

function checkBase64(at: string, v: unknown): void {
  checkString(at, v);
  const clean = (v as string).replace(/[\r\n]/g, '');
  if (clean.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(clean)) {
    throw new FileError(`${at} is not valid base64 (illegal base64 data)`);
  }
}

function checkStringListMap(at: string, v: unknown): void {
  if (!isMap(v)) throw typeError(at, 'a mapping of string lists', v);
  for (const [k, list] of Object.entries(v)) {
    if (list === null) continue;
    if (!Array.isArray(list)) throw typeError(`${at}.${k}`, 'a list of strings', list);
    list.forEach((s, i) => checkString(`${at}.${k}[${i}]`, s));
  }
}

function checkField(at: string, v: unknown, type: FieldType): void {
  switch (type) {
    case 'string':
      return checkString(at, v);
    case 'base64':
      return checkBase64(at, v);
    case 'bool':
      if (typeof v !== 'boolean') throw typeError(at, 'true or false', v);
      return;
    case 'strings':
      if (!Array.isArray(v)) throw typeError(at, 'a list of strings', v);
      v.forEach((s, i) => checkString(`${at}[${i}]`, s));
      return;
    case 'stringMap':
      if (!isMap(v)) throw typeError(at, 'a mapping of strings', v);
      for (const [k, s] of Object.entries(v)) checkString(`${at}.${k}`, s);
      return;
    case 'stringListMap':
      return checkStringListMap(at, v);
    case 'envList':
      if (!Array.isArray(v)) throw typeError(at, 'a list of {name, value}', v);
      v.forEach((e, i) => checkFields(`${at}[${i}]`, e, { name: 'string', value: 'string' }));
      return;
  }
}

/** Checks the known fields of one mapping against their types (Go's encoding/json would refuse the same). */
export function checkFields(where: string, obj: unknown, fields: Record<string, FieldType>): void {
  if (obj === null || obj === undefined) return;
  if (!isMap(obj)) throw typeError(where, 'a mapping', obj);
  for (const [key, type] of Object.entries(fields)) {
    const v = obj[key];
    if (v === null || v === undefined) continue;
    checkField(`${where}.${key}`, v, type);
  }
}
