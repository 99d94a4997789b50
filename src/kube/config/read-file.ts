// Reading one kubeconfig file: parse, check every field, and make its relative paths absolute against the
// file's own directory (client-go's ResolvePaths).
import fs from 'node:fs';
import path from 'node:path';
import * as yaml from 'js-yaml';
import { MemwhyError } from '../../errors.js';
import { unusable } from './errors.js';
import type { Entry, ParsedFile, RawCluster, RawContext, RawUser } from './types.js';
import {
  AUTH_PROVIDER_FIELDS,
  CLUSTER_FIELDS,
  CONTEXT_FIELDS,
  EXEC_FIELDS,
  FileError,
  KUBE_YAML_SCHEMA,
  USER_FIELDS,
  checkFields,
  checkString,
  isMap,
  typeError,
} from './yaml-fields.js';

type ListKey = 'clusters' | 'users' | 'contexts';

function readList<T>(
  file: string,
  doc: Record<string, unknown>,
  key: ListKey,
  inner: 'cluster' | 'user' | 'context',
  check: (where: string, v: unknown) => void,
): Entry<T>[] {
  const list = doc[key];
  if (list === null || list === undefined) return [];
  if (!Array.isArray(list)) throw typeError(key, 'a list', list);
  const seen = new Set<string>();
  return list.map((item, i) => {
    const where = `${key}[${i}]`;
    if (!isMap(item)) throw typeError(where, 'a mapping', item);
    checkString(`${where}.name`, item.name);
    const name = (item.name as string | undefined) ?? '';
    if (seen.has(name)) throw new FileError(`duplicate name ${JSON.stringify(name)} in ${key}`);
    seen.add(name);
    check(`${where}.${inner}`, item[inner]);
    return { name, value: (item[inner] ?? {}) as T, file };
  });
}

function checkUser(where: string, v: unknown): void {
  checkFields(where, v, USER_FIELDS);
  if (isMap(v)) {
    checkFields(`${where}.exec`, v.exec, EXEC_FIELDS);
    checkFields(`${where}.auth-provider`, v['auth-provider'], AUTH_PROVIDER_FIELDS);
  }
}

/** Relative certificate, key, tokenFile and exec command paths, made absolute against `base`. */
function resolvePaths(parsed: ParsedFile, base: string): void {
  const abs = (p: string | undefined): string | undefined => (p && !path.isAbsolute(p) ? path.join(base, p) : p);
  for (const c of parsed.clusters)
    c.value = { ...c.value, 'certificate-authority': abs(c.value['certificate-authority']) };
  for (const u of parsed.users) {
    const v: RawUser = {
      ...u.value,
      'client-certificate': abs(u.value['client-certificate']),
      'client-key': abs(u.value['client-key']),
      tokenFile: abs(u.value.tokenFile),
    };
    // client-go resolves an exec command only when it contains a path separator; bare names go through PATH.
    if (v.exec?.command && v.exec.command.includes(path.sep)) v.exec = { ...v.exec, command: abs(v.exec.command) };
    u.value = v;
  }
}

function parseText(file: string, text: string): ParsedFile {
  const doc = yaml.load(text, { schema: KUBE_YAML_SCHEMA, json: true, filename: file }) ?? {};
  if (!isMap(doc)) throw typeError('the document', 'a mapping', doc);
  checkString('current-context', doc['current-context']);
  const parsed: ParsedFile = {
    file,
    clusters: readList<RawCluster>(file, doc, 'clusters', 'cluster', (w, v) => checkFields(w, v, CLUSTER_FIELDS)),
    users: readList<RawUser>(file, doc, 'users', 'user', checkUser),
    contexts: readList<RawContext>(file, doc, 'contexts', 'context', (w, v) => checkFields(w, v, CONTEXT_FIELDS)),
    currentContext: (doc['current-context'] as string | undefined) ?? '',
  };
  resolvePaths(parsed, path.dirname(file));
  return parsed;
}

/** Reads one kubeconfig file; relative paths in it are made absolute against its directory. */
export function parseFile(file: string): ParsedFile {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw unusable(`error loading config file "${file}": ${(e as Error).message}`);
  }
  try {
    return parseText(file, text);
  } catch (e) {
    if (e instanceof MemwhyError) throw e;
    const msg = e instanceof yaml.YAMLException ? (e.message.split('\n')[0] ?? e.message) : (e as Error).message;
    throw unusable(
      `error loading config file "${file}": ${msg}`,
      'fix the file, or point --kubeconfig/KUBECONFIG elsewhere (kubectl refuses it too)',
    );
  }
}
