// Snapshot folders: `--from <dir>` reads one into Facts, `--save <dir>` writes Facts out as one.
//
//   pod.json          the Pod (kubectl get pod -o json)                         required
//   node.json         the Node it is bound to                                    optional
//   nodes.json        NodeList of candidate nodes (for Pending pods)             optional
//   node-pods.json    PodList of pods bound to that node (or the candidates)     optional
//   events.json       EventList for the pod and its node                         optional
//   summary.json      kubelet /stats/summary of that node                        optional
//   podmetrics.json   metrics.k8s.io PodMetrics of the pod                       optional
//   kernel.log        kernel log lines from the node                             optional
//   cgroup/           a partial copy of the node's /sys/fs/cgroup (same relative paths)
//
// A missing optional part becomes null plus `facts.missing[part] = "not in the snapshot"`, where
// `part` is the file name without `.json` (`node`, `nodes`, `node-pods`, `events`, `summary`,
// `podmetrics`, `kernel.log`, `cgroup`). A part that is present but broken is an error: it is never
// silently ignored.
import { constants } from 'node:fs';
import { lstat, mkdir, open, readdir, readFile, realpath, stat, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { ExitCode, MemwhyError } from '../errors.js';
import { normalizeFacts } from '../core/normalize.js';
import { visibleFacts } from './visible-facts.js';
import type {
  CgroupFiles,
  Facts,
  KContainerStatus,
  KEvent,
  KMeta,
  KNode,
  KPod,
  KubeletSummary,
  PodMetrics,
} from '../core/types.js';

/** The reason recorded in `facts.missing` for an optional part the folder does not hold. */
export const NOT_IN_SNAPSHOT = 'not in the snapshot';
/** cgroup files larger than this are skipped (and noted in `facts.missing`). */
export const MAX_CGROUP_FILE_BYTES = 1024 * 1024;

const LAYOUT_HINT =
  'a snapshot folder holds pod.json (required: kubectl get pod <name> -n <namespace> -o json > pod.json) and optionally ' +
  'node.json, nodes.json, node-pods.json, events.json, summary.json, podmetrics.json, kernel.log and cgroup/';

const FOLDER_HINT =
  '--from takes a snapshot folder that holds pod.json and the optional parts (see kubectl memwhy --help)';

/** How to produce each JSON file, for hints. */
const HOW = {
  pod: 'kubectl get pod <name> -n <namespace> -o json > pod.json',
  node: 'kubectl get node <node> -o json > node.json',
  nodes: 'kubectl get nodes -o json > nodes.json',
  'node-pods': 'kubectl get pods -A --field-selector spec.nodeName=<node> -o json > node-pods.json',
  events: 'kubectl get events -n <namespace> -o json > events.json',
  summary: 'kubectl get --raw /api/v1/nodes/<node>/proxy/stats/summary > summary.json',
  podmetrics: 'kubectl get --raw /apis/metrics.k8s.io/v1beta1/namespaces/<namespace>/pods/<name> > podmetrics.json',
} as const;
type JsonPart = keyof typeof HOW;

// ---------------------------------------------------------------------------------------------
// Loading

export async function loadSnapshot(dir: string): Promise<Facts> {
  await checkFolder(dir);

  const podText = await readText(join(dir, 'pod.json'));
  if (podText === null) {
    const yaml = (await exists(join(dir, 'pod.yaml'))) || (await exists(join(dir, 'pod.yml')));
    throw new MemwhyError(
      ExitCode.NotFound,
      `no pod.json in snapshot folder ${dir}`,
      yaml ? `found a YAML pod file; memwhy reads JSON: ${HOW.pod}` : LAYOUT_HINT,
    );
  }
  const pod = toPod(parseJson(podText, join(dir, 'pod.json'), 'pod'), join(dir, 'pod.json'));

  const missing: Record<string, string> = {};
  const part = async <T>(name: JsonPart, check: (value: unknown, file: string) => T): Promise<T | null> => {
    const file = join(dir, `${name}.json`);
    const text = await readText(file);
    if (text === null) {
      missing[name] = NOT_IN_SNAPSHOT;
      return null;
    }
    return check(parseJson(text, file, name), file);
  };

  const node = await part('node', toNode);
  const nodes = await part('nodes', (v, f) => toList<KNode>(v, f, 'Node', 'nodes'));
  const nodePods = await part('node-pods', (v, f) => toList<KPod>(v, f, 'Pod', 'node-pods'));
  const events = await part('events', (v, f) => toList<KEvent>(v, f, 'Event', 'events').map(normaliseEvent));
  const summary = await part('summary', toSummary);
  const podMetrics = await part('podmetrics', toPodMetrics);

  const kernelLog = await readText(join(dir, 'kernel.log'));
  if (kernelLog === null) missing['kernel.log'] = NOT_IN_SNAPSHOT;

  let cgroupFiles: CgroupFiles | null = null;
  const cgroupDir = join(dir, 'cgroup');
  const cgroupStat = await lstat(cgroupDir).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return null;
    throw unreadable(cgroupDir, err);
  });
  if (cgroupStat === null) {
    missing.cgroup = NOT_IN_SNAPSHOT;
  } else if (cgroupStat.isSymbolicLink()) {
    throw new MemwhyError(
      ExitCode.BadInput,
      `${cgroupDir} is a symbolic link: a snapshot is read only from inside its folder`,
      'copy the cgroup files into the folder (cp -r) instead of linking them',
    );
  } else if (!cgroupStat.isDirectory()) {
    throw new MemwhyError(
      ExitCode.BadInput,
      `${cgroupDir} is not a folder`,
      "cgroup/ must be a folder holding a copy of files under the node's /sys/fs/cgroup, same relative paths",
    );
  } else {
    cgroupFiles = await readCgroupTree(cgroupDir, missing);
  }

  const unreadableFiles = await readUnreadable(dir);
  return visibleFacts({
    pod,
    node,
    nodes,
    nodePods,
    events,
    summary,
    podMetrics,
    kernelLog,
    cgroupFiles,
    missing,
    ...(unreadableFiles ? { unreadable: unreadableFiles } : {}),
  });
}

/** unreadable.json: the reader's files that failed their checks when the snapshot was taken (optional). */
async function readUnreadable(dir: string): Promise<Array<{ file: string; problem: string }> | null> {
  const file = join(dir, 'unreadable.json');
  const text = await readText(file);
  if (text === null) return null;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new MemwhyError(
      ExitCode.BadInput,
      `${file}: invalid JSON`,
      'it lists the files the reader could not deliver intact, [{"file": …, "problem": …}]; fix it or delete it',
    );
  }
  const ok =
    Array.isArray(value) &&
    value.every((u) => isObject(u) && typeof u.file === 'string' && typeof u.problem === 'string');
  if (!ok)
    throw new MemwhyError(ExitCode.BadInput, `${file}: expected a list of {"file", "problem"}`, 'fix it or delete it');
  return value as Array<{ file: string; problem: string }>;
}

async function checkFolder(dir: string): Promise<void> {
  let st;
  try {
    st = await stat(dir);
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'ENOENT' || e.code === 'ENOTDIR') {
      throw new MemwhyError(ExitCode.NotFound, `snapshot folder ${dir} does not exist`, FOLDER_HINT);
    }
    throw unreadable(dir, e);
  }
  if (!st.isDirectory()) {
    throw new MemwhyError(
      ExitCode.NotFound,
      `snapshot folder ${dir} is not a folder`,
      '--from takes the folder that holds pod.json, not a file',
    );
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

function unreadable(path: string, err: NodeJS.ErrnoException): MemwhyError {
  return new MemwhyError(
    ExitCode.BadInput,
    `cannot read ${path}: ${err.code ?? err.message}`,
    "check the file's permissions",
  );
}

/** The largest snapshot file read (node-pods.json of a big node is a few MB). */
export const MAX_SNAPSHOT_FILE_BYTES = 64 * 1024 * 1024;

/**
 * A file's text (BOM stripped, UTF-16LE decoded), or null when it does not exist. Only a regular file inside the
 * folder is read: a symbolic link (which could point anywhere, /etc/shadow), a FIFO or a device is refused before
 * a byte is read, and so is a file larger than MAX_SNAPSHOT_FILE_BYTES.
 */
async function readText(file: string): Promise<string | null> {
  const st = await lstat(file).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return null;
    throw unreadable(file, err);
  });
  if (st === null) return null;
  if (st.isDirectory()) throw new MemwhyError(ExitCode.BadInput, `${file} is a folder, not a file`, LAYOUT_HINT);
  if (st.isSymbolicLink())
    throw new MemwhyError(
      ExitCode.BadInput,
      `${file} is a symbolic link: a snapshot is read only from inside its folder`,
      'copy the file into the folder instead of linking it',
    );
  if (!st.isFile())
    throw new MemwhyError(
      ExitCode.BadInput,
      `${file} is not a regular file (a FIFO, socket or device)`,
      'a snapshot holds plain files; copy the data into one',
    );
  if (st.size > MAX_SNAPSHOT_FILE_BYTES) throw tooLarge(file, st.size);
  let handle;
  try {
    // O_NOFOLLOW and O_NONBLOCK: a file swapped for a link or a FIFO after the check still cannot hang or leak.
    handle = await open(file, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (err) {
    throw unreadable(file, err as NodeJS.ErrnoException);
  }
  try {
    const now = await handle.stat();
    if (!now.isFile())
      throw new MemwhyError(ExitCode.BadInput, `${file} is not a regular file`, 'a snapshot holds plain files');
    if (now.size > MAX_SNAPSHOT_FILE_BYTES) throw tooLarge(file, now.size);
    const buf = Buffer.alloc(now.size);
    let got = 0;
    while (got < buf.length) {
      const { bytesRead } = await handle.read(buf, got, buf.length - got, got);
      if (bytesRead === 0) break;
      got += bytesRead;
    }
    return decode(buf.subarray(0, got));
  } finally {
    await handle.close();
  }
}

function tooLarge(file: string, size: number): MemwhyError {
  return new MemwhyError(
    ExitCode.BadInput,
    `${file} is ${Math.round(size / 1024 / 1024)} MiB, larger than the ${MAX_SNAPSHOT_FILE_BYTES / 1024 / 1024} MiB a snapshot file may be`,
    'it is not what kubectl get -o json writes for one object; re-create it',
  );
}

function decode(buf: Buffer): string {
  // Windows PowerShell 5 redirects (`>`) write UTF-16LE with a BOM.
  if (buf.length >= 2 && buf[0] === 0xff && buf[1] === 0xfe) return buf.subarray(2).toString('utf16le');
  if (buf.length >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) return buf.subarray(3).toString('utf8');
  return buf.toString('utf8');
}

function parseJson(text: string, file: string, part: JsonPart): unknown {
  const redo = `re-create it with \`${HOW[part]}\`` + (part === 'pod' ? '' : ', or delete it to go on without it');
  if (text.trim() === '') throw new MemwhyError(ExitCode.BadInput, `${file} is empty`, redo);
  try {
    return JSON.parse(text);
  } catch (err) {
    const where = locateJsonError(text);
    let detail: string;
    if (where) {
      const { line, column } = lineColumn(text, where.pos);
      detail = `invalid JSON at line ${line}, column ${column} (position ${where.pos}): ${where.problem}`;
    } else {
      detail = `invalid JSON: ${(err as Error).message.replace(/\s+/g, ' ')}`;
    }
    const yaml = /^\s*(apiVersion|kind|metadata|items|node|pods)\s*:/m.test(text) && !/^\s*[[{]/.test(text);
    throw new MemwhyError(
      ExitCode.BadInput,
      `${file}: ${detail}`,
      yaml ? `this looks like YAML; memwhy reads JSON: ${HOW[part]}` : `fix the file or ${redo}`,
    );
  }
}

function lineColumn(text: string, pos: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < pos && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: pos - lineStart + 1 };
}

/** Where a scan of JSON text stopped: the position and what is wrong there. */
class JsonFault {
  constructor(
    readonly pos: number,
    readonly problem: string,
  ) {}
}

const JSON_NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;

/** A recursive-descent walk over JSON text that throws a JsonFault at the first thing JSON forbids. */
class JsonScanner {
  private i = 0;
  constructor(private readonly s: string) {}

  /** One JSON value, with only whitespace around it. */
  document(): void {
    this.value();
    this.ws();
    if (this.i < this.s.length) this.fail(`unexpected ${this.found()} after the end of the JSON value`);
  }

  /** What is at the current position, as an error message names it. */
  private found(): string {
    const { s, i } = this;
    if (i >= s.length) return 'the end of the file';
    const c = s.codePointAt(i)!;
    return c < 0x20
      ? `control character U+${c.toString(16).padStart(4, '0').toUpperCase()}`
      : `'${String.fromCodePoint(c)}'`;
  }

  private fail(problem: string, pos = this.i): never {
    throw new JsonFault(pos, problem);
  }

  private ws(): void {
    const s = this.s;
    while (this.i < s.length && (s[this.i] === ' ' || s[this.i] === '\t' || s[this.i] === '\n' || s[this.i] === '\r'))
      this.i++;
  }

  /** Steps over `close` if it is the next character. */
  private closes(close: string): boolean {
    if (this.s[this.i] !== close) return false;
    this.i++;
    return true;
  }

  private value(): void {
    this.ws();
    if (this.i >= this.s.length) this.fail('unexpected end of the file, expected a value');
    const c = this.s[this.i];
    if (c === '{') return this.object();
    if (c === '[') return this.array();
    if (c === '"') return this.string();
    if (c === '-' || (c !== undefined && c >= '0' && c <= '9')) return this.number();
    for (const word of ['true', 'false', 'null']) {
      if (this.s.startsWith(word, this.i)) {
        this.i += word.length;
        return;
      }
    }
    this.fail(`unexpected ${this.found()}, expected a value`);
  }

  private object(): void {
    this.i++;
    this.ws();
    if (this.closes('}')) return;
    for (;;) {
      this.ws();
      if (this.s[this.i] !== '"') this.fail(`expected a property name in double quotes, found ${this.found()}`);
      this.string();
      this.ws();
      if (this.s[this.i] !== ':') this.fail(`expected ':' after a property name, found ${this.found()}`);
      this.i++;
      this.value();
      this.ws();
      if (this.closes(',')) continue;
      if (this.closes('}')) return;
      this.fail(`expected ',' or '}' after a property value, found ${this.found()}`);
    }
  }

  private array(): void {
    this.i++;
    this.ws();
    if (this.closes(']')) return;
    for (;;) {
      this.value();
      this.ws();
      if (this.closes(',')) continue;
      if (this.closes(']')) return;
      this.fail(`expected ',' or ']' after an array element, found ${this.found()}`);
    }
  }

  private string(): void {
    const start = this.i;
    this.i++; // opening quote
    for (;;) {
      if (this.i >= this.s.length) this.fail('unterminated string', start);
      const c = this.s.charCodeAt(this.i);
      if (c === 0x22) {
        this.i++;
        return;
      }
      if (c === 0x5c) this.escape();
      else if (c < 0x20) this.fail(`${this.found()} inside a string`);
      else this.i++;
    }
  }

  /** A backslash escape inside a string. */
  private escape(): void {
    const e = this.s[this.i + 1];
    if (e === 'u') {
      if (!/^[0-9a-fA-F]{4}$/.test(this.s.slice(this.i + 2, this.i + 6))) this.fail('bad \\u escape in a string');
      this.i += 6;
    } else if (e !== undefined && '"\\/bfnrt'.includes(e)) {
      this.i += 2;
    } else {
      this.fail('bad escape in a string');
    }
  }

  private number(): void {
    JSON_NUMBER.lastIndex = this.i;
    const m = JSON_NUMBER.exec(this.s);
    if (!m) this.fail('invalid number');
    this.i += m[0].length;
  }
}

/**
 * Where a text that JSON.parse rejected goes wrong, with a Node-version-independent wording.
 * (V8 only sometimes reports a position.) null if this scanner finds no fault.
 */
export function locateJsonError(s: string): { pos: number; problem: string } | null {
  try {
    new JsonScanner(s).document();
    return null;
  } catch (err) {
    if (err instanceof JsonFault) return { pos: err.pos, problem: err.problem };
    return null; // e.g. a stack overflow on absurd nesting: let the caller use V8's message
  }
}

// ---------------------------------------------------------------------------------------------
// Shape checks: enough to catch the wrong file in the wrong place, no more.

type Obj = Record<string, unknown>;

function isObject(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (isObject(v)) return typeof v.kind === 'string' ? `kind "${v.kind}"` : 'an object without kind';
  return `a ${typeof v}`;
}

function bad(file: string, message: string, hint: string): MemwhyError {
  return new MemwhyError(ExitCode.BadInput, `${file}: ${message}`, hint);
}

function toPod(v: unknown, file: string): KPod {
  const hint = `pod.json must hold one Pod: ${HOW.pod}`;
  if (!isObject(v)) throw bad(file, `expected a Pod object, found ${describe(v)}`, hint);
  if (v.kind !== undefined && v.kind !== 'Pod') throw bad(file, `expected a Pod, found ${describe(v)}`, hint);
  const meta = v.metadata;
  if (!isObject(meta) || typeof meta.name !== 'string' || meta.name === '') {
    throw bad(file, 'the Pod has no metadata.name', hint);
  }
  return v as KPod;
}

function toNode(v: unknown, file: string): KNode {
  const hint =
    isObject(v) && Array.isArray(v.items)
      ? 'node.json holds the one Node the pod is bound to; a list of nodes goes in nodes.json'
      : `node.json must hold one Node: ${HOW.node}`;
  if (!isObject(v) || (v.kind !== undefined && v.kind !== 'Node'))
    throw bad(file, `expected a Node, found ${describe(v)}`, hint);
  return v as KNode;
}

/** A `<Item>List`, a `List`, a kind-less object with `items`, or a bare array; each item of the right kind. */
function toList<T>(v: unknown, file: string, itemKind: string, part: JsonPart): T[] {
  const hint = `${part}.json must hold a ${itemKind}List, a List or a JSON array of ${itemKind}s: ${HOW[part]}`;
  let items: unknown;
  if (Array.isArray(v)) {
    items = v;
  } else if (
    isObject(v) &&
    (v.kind === `${itemKind}List` || v.kind === 'List' || (v.kind === undefined && 'items' in v))
  ) {
    items = v.items ?? [];
  } else {
    throw bad(file, `expected a ${itemKind}List, a List or an array, found ${describe(v)}`, hint);
  }
  if (!Array.isArray(items)) throw bad(file, `items is ${describe(items)}, not an array`, hint);
  items.forEach((item, n) => {
    if (!isObject(item) || (item.kind !== undefined && item.kind !== itemKind)) {
      throw bad(file, `items[${n}] is not a ${itemKind}: found ${describe(item)}`, hint);
    }
  });
  return items as T[];
}

/** events.k8s.io/v1 Events carry the same facts under other names; map them to the core/v1 shape. */
function normaliseEvent(e: KEvent): KEvent {
  const x = e as KEvent & Obj;
  if (typeof x.apiVersion !== 'string' || !x.apiVersion.startsWith('events.k8s.io/')) return e;
  const series = isObject(x.series) ? x.series : {};
  const out: KEvent & Obj = { ...x };
  if (out.involvedObject === undefined && isObject(x.regarding))
    out.involvedObject = x.regarding as KEvent['involvedObject'];
  if (out.message === undefined && typeof x.note === 'string') out.message = x.note;
  if (out.count === undefined) {
    const count = typeof series.count === 'number' ? series.count : x.deprecatedCount;
    if (typeof count === 'number') out.count = count;
  }
  if (out.firstTimestamp === undefined && typeof x.deprecatedFirstTimestamp === 'string')
    out.firstTimestamp = x.deprecatedFirstTimestamp;
  if (out.lastTimestamp === undefined) {
    const last = typeof series.lastObservedTime === 'string' ? series.lastObservedTime : x.deprecatedLastTimestamp;
    if (typeof last === 'string') out.lastTimestamp = last;
  }
  if (out.source === undefined) {
    if (isObject(x.deprecatedSource)) out.source = x.deprecatedSource as KEvent['source'];
    else if (typeof x.reportingController === 'string') out.source = { component: x.reportingController };
  }
  return out;
}

function toSummary(v: unknown, file: string): KubeletSummary {
  const hint = `summary.json must hold the kubelet's /stats/summary of the node: ${HOW.summary}`;
  if (!isObject(v) || v.kind !== undefined || (!isObject(v.node) && !Array.isArray(v.pods))) {
    const found = isObject(v) && v.kind === undefined ? 'an object without "node" or "pods"' : describe(v);
    throw bad(file, `expected a kubelet stats summary (an object with "node" and "pods"), found ${found}`, hint);
  }
  return v as KubeletSummary;
}

function toPodMetrics(v: unknown, file: string): PodMetrics {
  const hint = `podmetrics.json must hold the metrics.k8s.io PodMetrics of this pod: ${HOW.podmetrics}`;
  if (!isObject(v) || (v.kind !== undefined && v.kind !== 'PodMetrics'))
    throw bad(file, `expected a PodMetrics, found ${describe(v)}`, hint);
  return v as PodMetrics;
}

/** Every regular file below `root`, as text, keyed by its '/'-separated relative path, sorted. */
async function readCgroupTree(root: string, missing: Record<string, string>): Promise<CgroupFiles> {
  const found: Array<[string, string]> = [];
  const walk = async (abs: string, rel: string): Promise<void> => {
    const entries = await readdir(abs, { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
      throw unreadable(abs, err);
    });
    for (const entry of entries) {
      const childAbs = join(abs, entry.name);
      const childRel = rel === '' ? entry.name : `${rel}/${entry.name}`;
      if (entry.isSymbolicLink()) continue; // e.g. v1's `cpu -> cpu,cpuacct`
      if (entry.isDirectory()) {
        await walk(childAbs, childRel);
      } else if (entry.isFile()) {
        const st = await lstat(childAbs);
        if (st.size > MAX_CGROUP_FILE_BYTES) {
          missing[`cgroup/${childRel}`] = `skipped: ${st.size} bytes, larger than 1 MiB`;
          continue;
        }
        const text = await readFile(childAbs).catch((err: NodeJS.ErrnoException) => {
          throw unreadable(childAbs, err);
        });
        found.push([childRel, decode(text)]);
      }
    }
  };
  await walk(root, '');
  found.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const files: CgroupFiles = {};
  for (const [key, text] of found) files[key] = text;
  return files;
}

// ---------------------------------------------------------------------------------------------
// Saving

/** Pseudo file systems a snapshot is never written to (writing there hangs, spins or changes the kernel). */
const PSEUDO_ROOTS = ['/proc', '/sys', '/dev'];

const SAVE_HINT = 'give --save a new or empty folder';

/**
 * Checks where `--save` would write, before anything is gathered: a new folder (its nearest existing parent a
 * folder), or an existing empty one; never a symbolic link (dangling or not), nor under /proc, /sys or /dev.
 * Returns the folder's absolute path. Every refusal is ExitCode.Usage.
 */
export async function checkSaveTarget(dir: string): Promise<string> {
  const abs = resolve(dir);
  const st = await lstat(abs).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return null;
    if (err.code === 'ENOTDIR')
      throw new MemwhyError(ExitCode.Usage, `${dir}: a parent of it is not a folder`, SAVE_HINT);
    throw unreadable(dir, err);
  });
  let real: string;
  if (st === null) {
    let parent = dirname(abs);
    while (!(await exists(parent)) && dirname(parent) !== parent) parent = dirname(parent);
    const pst = await stat(parent);
    if (!pst.isDirectory()) throw new MemwhyError(ExitCode.Usage, `${dir}: ${parent} is not a folder`, SAVE_HINT);
    real = join(await realpath(parent), relative(parent, abs));
  } else {
    if (st.isSymbolicLink())
      throw new MemwhyError(
        ExitCode.Usage,
        `${dir} is a symbolic link`,
        `${SAVE_HINT} (memwhy does not write through links)`,
      );
    if (!st.isDirectory()) throw new MemwhyError(ExitCode.Usage, `${dir} exists and is not a folder`, SAVE_HINT);
    real = await realpath(abs);
  }
  const pseudo = PSEUDO_ROOTS.find((r) => real === r || real.startsWith(`${r}/`));
  if (pseudo) throw new MemwhyError(ExitCode.Usage, `${dir} is under ${pseudo}, not a place for files`, SAVE_HINT);
  if (st !== null && (await readdir(abs)).length > 0)
    throw new MemwhyError(ExitCode.Usage, `${dir} already exists and is not empty`, SAVE_HINT);
  return abs;
}

/** Pod annotations the analysis reads: a static pod's cgroups are named after the kubelet's config hash. */
const POD_ANNOTATIONS = ['kubernetes.io/config.mirror', 'kubernetes.io/config.hash', 'kubernetes.io/config.source'];
/** Event annotations the analysis reads: the kubelet's eviction details. */
const EVENT_ANNOTATIONS = [
  'starved_resource',
  'offending_containers',
  'offending_containers_usage',
  'offending_pod',
  'offending_pod_usage',
];

function keepAnnotations<T extends { metadata?: KMeta }>(o: T, keys: readonly string[]): T {
  const all = o.metadata?.annotations;
  if (!o.metadata) return o;
  const { annotations: _dropped, labels: _labels, ...rest } = o.metadata;
  const kept = Object.fromEntries(Object.entries(all ?? {}).filter(([k]) => keys.includes(k)));
  return { ...o, metadata: { ...rest, ...(Object.keys(kept).length ? { annotations: kept } : {}) } };
}

/**
 * Container state messages (termination messages can be a log's last lines) are never read by the analysis;
 * for another pod on the node, its pod-level message and conditions are not read either.
 */
function withoutMessages(pod: KPod, podLevel: boolean): KPod {
  const strip = (s: KContainerStatus): KContainerStatus =>
    JSON.parse(JSON.stringify(s, (k, v: unknown) => (k === 'message' ? undefined : v))) as KContainerStatus;
  const st = pod.status;
  if (!st) return pod;
  const { message, conditions, containerStatuses, initContainerStatuses, ...rest } = st;
  return {
    ...pod,
    status: {
      ...rest,
      ...(podLevel && message !== undefined ? { message } : {}),
      ...(podLevel && conditions ? { conditions } : {}),
      ...(containerStatuses ? { containerStatuses: containerStatuses.map(strip) } : {}),
      ...(initContainerStatuses ? { initContainerStatuses: initContainerStatuses.map(strip) } : {}),
    },
  };
}

/**
 * The facts as a snapshot keeps them: every object rebuilt to the fields the analysis reads (normalizeFacts),
 * without labels, without annotations but the few it reads, and other pods without their messages.
 */
export function snapshotFacts(facts: Facts): Facts {
  const n = normalizeFacts(facts);
  const node = (x: KNode): KNode =>
    keepAnnotations({ ...x, metadata: x.metadata ? { ...x.metadata, annotations: undefined } : undefined }, []);
  const nodeWithLabels = (x: KNode): KNode =>
    x.metadata?.labels ? { ...node(x), metadata: { ...node(x).metadata, labels: x.metadata.labels } } : node(x);
  return {
    ...n,
    pod: withoutMessages(keepAnnotations(n.pod, POD_ANNOTATIONS), true),
    node: n.node ? nodeWithLabels(n.node) : null,
    nodes: n.nodes?.map(nodeWithLabels) ?? null,
    nodePods: n.nodePods?.map((p) => withoutMessages(keepAnnotations(p, POD_ANNOTATIONS), false)) ?? null,
    events: n.events?.map((e) => keepAnnotations(e, EVENT_ANNOTATIONS)) ?? null,
    // Metrics are numbers and names, kept as served (kubectl get --raw gives the same).
    summary: facts.summary,
    podMetrics: facts.podMetrics,
  };
}

/**
 * Write `facts` as a snapshot folder that `loadSnapshot` reads back. `dir` must not exist or be
 * empty (a half-overwritten snapshot would mix two moments). `facts.missing` is not written:
 * the reasons are reported when saving; a reloaded snapshot says "not in the snapshot".
 * Only what the analysis reads is written (snapshotFacts): no env, command, args, annotations, managedFields or
 * volume sources of any pod — snapshots are attached to tickets, and node-pods.json holds every pod on the node.
 */
export async function saveSnapshot(dir: string, input: Facts): Promise<void> {
  const facts = snapshotFacts(input);
  await checkSaveTarget(dir);
  const cgroupKeys = Object.keys(facts.cgroupFiles ?? {});
  for (const key of cgroupKeys) {
    const parts = key.split('/');
    if (
      key === '' ||
      key.includes('\\') ||
      key.includes('\0') ||
      parts.some((p) => p === '' || p === '.' || p === '..')
    ) {
      throw new Error(`refusing to save cgroup file with unsafe path ${JSON.stringify(key)}`);
    }
  }

  await mkdir(dir, { recursive: true });
  const json = (name: string, value: unknown): Promise<void> =>
    writeFile(join(dir, name), `${JSON.stringify(value, null, 2)}\n`, { flag: 'wx' });
  const list = (kind: string, items: unknown[]): unknown => ({ apiVersion: 'v1', kind, items });

  await json('pod.json', facts.pod);
  if (facts.node !== null) await json('node.json', facts.node);
  if (facts.nodes !== null) await json('nodes.json', list('NodeList', facts.nodes));
  if (facts.nodePods !== null) await json('node-pods.json', list('PodList', facts.nodePods));
  if (facts.events !== null) await json('events.json', list('EventList', facts.events));
  if (facts.summary !== null) await json('summary.json', facts.summary);
  if (facts.podMetrics !== null) await json('podmetrics.json', facts.podMetrics);
  if (facts.kernelLog !== null) await writeFile(join(dir, 'kernel.log'), facts.kernelLog, { flag: 'wx' });
  if (facts.unreadable?.length) await json('unreadable.json', facts.unreadable);
  if (facts.cgroupFiles !== null) {
    await mkdir(join(dir, 'cgroup'), { recursive: true });
    for (const key of cgroupKeys) {
      const file = join(dir, 'cgroup', ...key.split('/'));
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, facts.cgroupFiles[key]!, { flag: 'wx' });
    }
  }
}
