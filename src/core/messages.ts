// Parsers for the text Kubernetes and the kernel leave behind: kubelet eviction messages and event
// annotations, scheduler FailedScheduling messages, kernel OOM-killer logs, and container exit codes.
// Pure: no I/O. Every parser accepts anything and never throws; what it cannot read is null.
import { parseBytes, parseKernelInt, UNLIMITED_THRESHOLD } from './quantity.js';
import type {
  EvictionAnnotations,
  EvictionMessage,
  EvictionUsage,
  KernelOomEvent,
  SchedulingMessage,
} from './types.js';

/** Folded YAML, `kubectl describe` wrapping and event columns break messages anywhere: compare on single spaces. */
function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

// ---------------------------------------------------------------------------------------------
// Eviction messages (kubelet pkg/kubelet/eviction/helpers.go `evictionMessage()`; see docs/memory-facts.md §3).

// nodeLowMessageFmt "The node was low on resource: %v. ". The resource is a resource name (`memory`,
// `ephemeral-storage`, `pids`) or, in 1.6.x, the node condition list in brackets (`[MemoryPressure]`), which
// 1.6.1 also prefixed with a stray "Pod " (kubernetes/kubernetes#48632) — the search is unanchored for that.
const NODE_LOW = /The node was low on resource: (?:(\[[^\]]*\])|([\w./-]+?)\.?(?= |$))/;
// nodeConditionMessageFmt "The node had condition: %v. " (admission rejection on a node under pressure).
const NODE_CONDITION = /The node had condition: (?:(\[[^\]]*\])|([\w./-]+?)\.?(?= |$))/;
// thresholdMetMessageFmt "Threshold quantity: %v, available: %v. " (quantities; a quantity never ends in '.').
const THRESHOLD = /Threshold quantity: ([^,\s]+), available: ([^\s]+?)\.?(?= |$)/;
// containerMessageFmt since kubernetes PR 111597 (≈ v1.26): "Container %s was using %s, request is %s, has larger consumption of %v. "
// and its PodLevelResources sibling "Pod %s was using %s, request is %s, has larger consumption of %v. ".
const USING_NEW = /\b(Container|Pod) (\S+) was using (\S+), request is (\S+), has larger consumption of /g;
// containerMessageFmt from PR 63415 (2018) until PR 111597: "Container %s was using %s, which exceeds its request of %s. "
const USING_OLD = /\bContainer (\S+) was using (\S+), which exceeds its request of (\S+?)\.?(?= |$)/g;

/** Node conditions as the 1.6-era messages print them, mapped to the resource the kubelet reclaims. */
const CONDITION_RESOURCE: Record<string, string> = {
  MemoryPressure: 'memory',
  DiskPressure: 'ephemeral-storage',
  PIDPressure: 'pids',
};

/** `memory` → `memory`; `[MemoryPressure]` / `[MemoryPressure DiskPressure]` → `memory` (memory wins), unknown conditions as printed. */
function resourceOf(token: string): string | null {
  if (!token.startsWith('[')) return token;
  const conditions = token
    .slice(1, -1)
    .split(/[\s,]+/)
    .filter((c) => c !== '');
  if (conditions.length === 0) return null;
  const mapped = conditions.map((c) => CONDITION_RESOURCE[c] ?? c);
  return mapped.includes('memory') ? 'memory' : (mapped[0] ?? null);
}

function usage(name: string, used: string | null | undefined, request: string | null | undefined): EvictionUsage {
  return { name, usageBytes: parseBytes(used), requestBytes: parseBytes(request) };
}

/**
 * Parses a kubelet eviction message (pod `status.message` or the `Evicted` event message). Formats, newest first:
 * `The node was low on resource: memory. Threshold quantity: 750Mi, available: 225800Ki. Container nginx was using
 * 4395616Ki, request is 0, has larger consumption of memory. ` ('threshold'); `… Container c was using 27484Ki,
 * which exceeds its request of 0. ` per container ('exceeds-request'); `The node was low on resource: memory.`
 * ('plain'); `The node had condition: [MemoryPressure]. ` ('node-condition'). Other text (including the
 * ephemeral-storage limit messages, which are not node pressure) → null.
 */
export function parseEvictionMessage(message: string): EvictionMessage | null {
  if (typeof message !== 'string') return null;
  const text = oneLine(message);

  const low = NODE_LOW.exec(text);
  if (!low) {
    const condition = NODE_CONDITION.exec(text);
    if (!condition) return null;
    return {
      resource: resourceOf(condition[1] ?? condition[2] ?? ''),
      thresholdBytes: null,
      availableBytes: null,
      containers: [],
      pod: null,
      format: 'node-condition',
    };
  }
  const rest = text.slice(low.index + low[0].length);

  const containers: EvictionUsage[] = [];
  let pod: EvictionUsage | null = null;
  let sawNew = false;
  for (const m of rest.matchAll(USING_NEW)) {
    sawNew = true;
    const entry = usage(m[2] ?? '', m[3], m[4]);
    if (m[1] === 'Pod') pod = entry;
    else containers.push(entry);
  }
  let sawOld = false;
  for (const m of rest.matchAll(USING_OLD)) {
    sawOld = true;
    containers.push(usage(m[1] ?? '', m[2], m[3]));
  }
  const threshold = THRESHOLD.exec(rest);

  return {
    resource: resourceOf(low[1] ?? low[2] ?? ''),
    thresholdBytes: parseBytes(threshold?.[1]),
    availableBytes: parseBytes(threshold?.[2]),
    containers,
    pod,
    format: threshold || sawNew ? 'threshold' : sawOld ? 'exceeds-request' : 'plain',
  };
}

/** kubelet joins these annotation values with "," (`strings.Join`); "" means none. Positions are kept (parallel lists). */
function commaList(value: unknown): string[] {
  return typeof value === 'string' && value.trim() !== '' ? value.split(',').map((s) => s.trim()) : [];
}

/**
 * Reads the annotations the kubelet puts on an `Evicted` event: `starved_resource`, `offending_containers` and
 * `offending_containers_usage` (parallel comma-separated lists), and with PodLevelResources `offending_pod` /
 * `offending_pod_usage`. null when none of them is present.
 */
export function parseEvictionAnnotations(annotations: Record<string, string>): EvictionAnnotations | null {
  if (annotations === null || typeof annotations !== 'object') return null;
  const keys = [
    'starved_resource',
    'offending_containers',
    'offending_containers_usage',
    'offending_pod',
    'offending_pod_usage',
  ];
  if (!keys.some((k) => typeof annotations[k] === 'string')) return null;
  const names = commaList(annotations['offending_containers']);
  const usages = commaList(annotations['offending_containers_usage']);
  const podName = commaList(annotations['offending_pod'])[0];
  const resource = typeof annotations['starved_resource'] === 'string' ? annotations['starved_resource'].trim() : '';
  return {
    resource: resource === '' ? null : resource,
    containers: names.flatMap((name, i) => (name === '' ? [] : [usage(name, usages[i], null)])),
    pod: podName === undefined ? null : usage(podName, commaList(annotations['offending_pod_usage'])[0], null),
  };
}

// ---------------------------------------------------------------------------------------------
// Scheduler messages (docs/memory-facts.md §7).

// Current form (framework.FitError.Error()): "0/3 nodes are available: 1 Insufficient memory, 2 node(s) had
// untolerated taint {…}. preemption: 0/3 nodes are available: …". Only the part before the first sentence end
// counts: later sentences are "preemption: …" (what preemption could do) or "no new claims to deallocate".
const FIT_ERROR = /(\d+)\/(\d+) nodes are available: /;
// Before 1.9: "No nodes are available that match all of the (following )?predicates:: Insufficient cpu (9), Insufficient memory (15)."
// and, older still, "fit failure summary on nodes : Insufficient memory (2), …".
const PREDICATES =
  /(?:No nodes are available that match all of the (?:following )?predicates:+|fit failure summary on nodes ?:) ?/;

/**
 * Splits `text` at commas outside (), {} and [] (taints print as `{key: value}`, possibly with commas), stopping
 * at the first sentence end: a '.' outside brackets followed by a space, a quote or the end (a '.' inside a name
 * such as `nvidia.com/gpu` is not one).
 */
function splitTopLevel(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(' || c === '{' || c === '[') depth++;
    else if ((c === ')' || c === '}' || c === ']') && depth > 0) depth--;
    else if (depth === 0 && c === ',') {
      parts.push(text.slice(start, i));
      start = i + 1;
    } else if (depth === 0 && c === '.' && (i + 1 === text.length || /[\s"'`]/.test(text[i + 1] ?? ''))) {
      parts.push(text.slice(start, i));
      return parts.map((p) => p.trim()).filter((p) => p !== '');
    }
  }
  parts.push(text.slice(start));
  return parts.map((p) => p.trim()).filter((p) => p !== '');
}

/**
 * Reads `1 Insufficient memory` ('leading' count) or `Insufficient memory (15)` ('trailing' count). A piece
 * without a count continues the previous reason that a comma split, as in the 1.18–1.24 wording
 * `1 node(s) had taint {node-role.kubernetes.io/master: }, that the pod didn't tolerate`.
 */
function readReasons(pieces: string[], countAt: 'leading' | 'trailing'): Array<{ count: number; reason: string }> {
  const pattern = countAt === 'leading' ? /^(\d+) (.+)$/s : /^(.+?) \((\d+)\)$/s;
  const reasons: Array<{ count: number; reason: string }> = [];
  for (const piece of pieces) {
    const m = pattern.exec(piece);
    if (m) {
      const count = Number(countAt === 'leading' ? m[1] : m[2]);
      const reason = (countAt === 'leading' ? m[2] : m[1]) ?? '';
      reasons.push({ count, reason });
    } else if (reasons.length > 0) {
      const last = reasons[reasons.length - 1] as { count: number; reason: string };
      last.reason = `${last.reason}, ${piece}`;
    }
  }
  return reasons;
}

/**
 * Parses a scheduler `FailedScheduling` / `PodScheduled=False` message. `insufficientMemory` is the number of
 * nodes reported as `Insufficient memory` (null when the message does not mention it). null for other text.
 */
export function parseSchedulingMessage(message: string): SchedulingMessage | null {
  if (typeof message !== 'string') return null;
  const text = oneLine(message);
  let totalNodes: number | null = null;
  let reasons: Array<{ count: number; reason: string }>;
  const fit = FIT_ERROR.exec(text);
  const predicates = fit ? null : PREDICATES.exec(text);
  if (fit) {
    totalNodes = Number(fit[2]);
    reasons = readReasons(splitTopLevel(text.slice(fit.index + fit[0].length)), 'leading');
  } else if (predicates) {
    reasons = readReasons(splitTopLevel(text.slice(predicates.index + predicates[0].length)), 'trailing');
  } else {
    return null;
  }
  const memory = reasons.filter((r) => r.reason === 'Insufficient memory');
  return {
    totalNodes,
    insufficientMemory: memory.length === 0 ? null : memory.reduce((sum, r) => sum + r.count, 0),
    reasons,
  };
}

// ---------------------------------------------------------------------------------------------
// Kernel OOM-killer logs (docs/memory-facts.md §4). Functions named below are in the kernel's
// mm/oom_kill.c and mm/memcontrol.c.

// Line prefixes. syslog/journal: "May 19 18:14:43 host kernel: " (also with fractional seconds, or an ISO date);
// lines from any other program (systemd, containerd, node-problem-detector quoting the kernel) are skipped.
const SYSLOG_PREFIX =
  /^([A-Z][a-z]{2} +\d{1,2} \d{2}:\d{2}:\d{2}(?:\.\d+)?|\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?) +(\S+) +([^\s:[]+)(?:\[\d+\])?: ?/;
// dmesg: "[17780.401644] " or `dmesg -T` "[Thu Dec  7 00:05:14 2017] ". Task-table rows ("[  7557] …") have no '.'.
const DMESG_PREFIX = /^\[\s*(\d+\.\d+|[A-Z][a-z]{2} [A-Z][a-z]{2} +\d{1,2} \d{2}:\d{2}:\d{2} \d{4})\] ?/;
// /dev/kmsg records: "6,1234,139201253,-;message" (priority, sequence, microseconds since boot, flags).
const KMSG_PREFIX = /^\d+,\d+,(\d+),[^;]*;/;

// dump_header(): "%s invoked oom-killer: gfp_mask=%#x(%pGg), order=%d, oom_score_adj=%hd". Starts a report.
const INVOKED = /^\S.* invoked oom-killer:/;
// dump_oom_summary() (kernel ≥ 4.19): "oom-kill:constraint=%s,nodemask=%*pbl" + cpuset_print_current_mems_allowed()
// ",cpuset=%s,mems_allowed=%*pbl" + mem_cgroup_print_oom_context() ",oom_memcg=<path>" or ",global_oom", then
// ",task_memcg=<path>" + ",task=%s,pid=%d,uid=%d".
const SUMMARY = /^oom-kill:(.*)$/;
// Split only before the known keys: cgroup paths, comm names and mems_allowed lists ("0,2") may hold commas.
const SUMMARY_SPLIT =
  /,(?=(?:constraint|nodemask|cpuset|mems_allowed|oom_memcg|task_memcg|task|pid|uid)=|global_oom(?:,|$))/;
// mem_cgroup_print_oom_info() before 4.19: "Task in <task memcg> killed as a result of limit of <oom memcg>".
const LEGACY_TASK_IN = /^Task in (\S+) killed as a result of limit of (\S+)/;
// mem_cgroup_print_oom_meminfo() / mem_cgroup_print_oom_info(): "memory: usage %llukB, limit %llukB, failcnt %lu"
// (followed by "swap: …" on v2, "memory+swap: …" and "kmem: …" on v1; memory+swap is read, the others are not).
const MEMCG_USAGE = /^memory: usage (\d+)kB, limit (\d+)kB(?:, failcnt (\d+))?/;
// v1 with swap accounting: the memsw counter (memory + swap together), which has its own limit and failcnt.
const MEMSW_USAGE = /^memory\+swap: usage (\d+)kB, limit (\d+)kB(?:, failcnt (\d+))?/;
// The v1 inline form: "cache:24KB rss:1048552KB …" (kB). Newer kernels print the stats as one "key value" line
// each; those are not read, because the live kernel-log reader keeps only the "Memory cgroup stats for" line
// itself, and a snapshot must give the same answer as the live path.
const INLINE_STAT = /([a-z_]+):(\d+)KB/g;
// Same functions: "Memory cgroup stats for <path>:" then the memory.stat of the OOM memcg (v1: one per descendant).
const MEMCG_STATS = /^Memory cgroup stats for \S/;
// dump_tasks(): "Tasks state (memory values in pages):", the header "[  pid  ]   uid  tgid total_vm …", then one
// row per task "[   7788]     0  7788  1792373  1791695 14413824        0          1000 bash" (the last number
// before the name is oom_score_adj; the column count differs between kernels).
const TASK_HEADER = /^(?:Tasks state \(memory values in pages\):|\[\s*pid\s*\]\s+uid\s)/;
const TASK_ROW = /^\[\s*(\d+)\]((?:\s+-?\d+)+)\s+(\S.*)$/;
// The prefix oom_kill_process() passes down: out_of_memory() uses "Memory cgroup out of memory" for a memcg OOM
// and "Out of memory" otherwise; "(oom_kill_allocating_task)" with the sysctl of that name.
const KILL_PREFIX = String.raw`(Memory cgroup out of memory|Out of memory(?: \(oom_kill_allocating_task\))?)`;
// oom_kill_process() before ≈ 5.0: "%s: Kill process %d (%s) score %u or sacrifice child" — the chosen task; a
// child may die instead, named by the following "Killed process" line.
const KILL_CHOSEN = new RegExp(String.raw`^${KILL_PREFIX}: Kill process (\d+) \((.*)\) score \d+ or sacrifice child`);
// __oom_kill_process(): "%s: Killed process %d (%s) total-vm:%lukB, anon-rss:%lukB, file-rss:%lukB, shmem-rss:%lukB,
// UID:%u pgtables:%lukB oom_score_adj:%hd"; kernels before ≈ 4.19 print no "%s: " prefix and fewer fields.
const KILLED = new RegExp(String.raw`^(?:${KILL_PREFIX}: )?Killed process (\d+) \((.*)\)(.*)$`);
// mem_cgroup_print_oom_group(), called by oom_kill_process() when memory.oom.group is set; every task of the
// group is then killed through oom_kill_memcg_member(), each with its own "Killed process" line.
const GROUP_KILL = /^Tasks in (.+) are going to be killed due to memory\.oom\.group set/;
// A reliable call-trace frame: " out_of_memory+0x106/0x2e0" or " [<ffffffff811520a4>] out_of_memory+0x414/0x450"
// (frames marked "? " are guesses and are ignored).
const TRACE_FRAME = /^(?:\[<[0-9a-f]+>\]\s*)?(\?\s*)?([A-Za-z_][\w.]*)\+0x[0-9a-f]+/;

interface LogLine {
  time: string | null;
  text: string;
}

/** Strips the syslog / dmesg / kmsg prefix. null for lines another program logged. */
function readLogLine(raw: string): LogLine | null {
  let text = raw;
  let time: string | null = null;
  const syslog = SYSLOG_PREFIX.exec(text);
  if (syslog) {
    if (syslog[3] !== 'kernel') return null;
    time = syslog[1] ?? null;
    text = text.slice(syslog[0].length);
  } else {
    const kmsg = KMSG_PREFIX.exec(text);
    if (kmsg) {
      time = kmsg[1] ?? null;
      text = text.slice(kmsg[0].length);
    }
  }
  const dmesg = DMESG_PREFIX.exec(text);
  if (dmesg) {
    time ??= dmesg[1] ?? null;
    text = text.slice(dmesg[0].length);
  }
  return { time, text: text.trim() };
}

/** "7165824kB" field of a "Killed process" line, in bytes. */
function kbField(rest: string, key: string): number | null {
  const m = new RegExp(String.raw`(?:^|[\s,])${key}:(\d+)kB`).exec(rest);
  const kb = parseKernelInt(m?.[1]);
  return kb === null ? null : kb * 1024;
}

/** One OOM report being read. `event` is filled in place; the rest is evidence used by `finish()`. */
interface Draft {
  event: KernelOomEvent;
  firstTime: string | null;
  killTime: string | null;
  /** An oom-kill: summary or a legacy "Task in" line was read. */
  hasSummary: boolean;
  hasUsage: boolean;
  /** The victim's "Killed process" line was read: the report is complete. */
  hasVictim: boolean;
  /** From the summary: global_oom / oom_memcg / constraint. */
  summaryGlobal: boolean | null;
  /** From the kill line's prefix ("Memory cgroup out of memory" vs "Out of memory"). */
  prefixGlobal: boolean | null;
  traceMemcg: boolean;
  traceGlobal: boolean;
  chosen: { pid: number | null; task: string | null } | null;
  summaryTask: { pid: number | null; task: string | null } | null;
  /** pid → oom_score_adj from the task table (older kill lines omit oom_score_adj). */
  tableAdj: Map<number, number>;
}

function newDraft(time: string | null): Draft {
  return {
    event: {
      time: null,
      constraint: null,
      oomMemcg: null,
      taskMemcg: null,
      global: false,
      task: null,
      pid: null,
      anonRssBytes: null,
      fileRssBytes: null,
      shmemRssBytes: null,
      oomScoreAdj: null,
      memcgUsageBytes: null,
      memcgLimitBytes: null,
      memcgFailcnt: null,
      memsw: null,
      memcgStats: null,
      groupKill: null,
    },
    firstTime: time,
    killTime: null,
    hasSummary: false,
    hasUsage: false,
    hasVictim: false,
    summaryGlobal: null,
    prefixGlobal: null,
    traceMemcg: false,
    traceGlobal: false,
    chosen: null,
    summaryTask: null,
    tableAdj: new Map(),
  };
}

const kib = (kb: number | null): number | null => (kb === null ? null : kb * 1024);

/** A kB limit as printed; the kernel prints PAGE_COUNTER_MAX (≈ 2^63 bytes) for none. */
function kbLimit(text: string | undefined): number | null {
  const kb = parseKernelInt(text);
  return kb === null || kb * 1024 >= UNLIMITED_THRESHOLD ? null : kb * 1024;
}

/** Adds `key value` to the report's stats (v1 blocks of descendants are summed into a hierarchical total). */
function addStat(d: Draft, key: string, bytes: number): void {
  const stats = (d.event.memcgStats ??= {});
  stats[key] = (stats[key] ?? 0) + bytes;
}

/** "Memory cgroup stats for <path>: cache:24KB rss:…KB" (the legacy one-line form). */
function readStatsHeader(d: Draft, text: string): void {
  const colon = text.indexOf(': ');
  const inline = colon >= 0 ? text.slice(colon + 2) : '';
  for (const m of inline.matchAll(INLINE_STAT)) {
    const kb = parseKernelInt(m[2]);
    if (kb !== null) addStat(d, m[1] as string, kb * 1024);
  }
}

function prefixIsGlobal(prefix: string | undefined): boolean | null {
  if (prefix === undefined) return null;
  return !prefix.startsWith('Memory cgroup');
}

function readSummary(draft: Draft, body: string): void {
  const fields: Record<string, string> = {};
  let globalOom = false;
  for (const part of body.split(SUMMARY_SPLIT)) {
    if (part === 'global_oom') {
      globalOom = true;
      continue;
    }
    const eq = part.indexOf('=');
    if (eq > 0) fields[part.slice(0, eq)] = part.slice(eq + 1);
  }
  const e = draft.event;
  e.constraint = fields['constraint'] || null;
  e.oomMemcg = fields['oom_memcg'] || null;
  e.taskMemcg = fields['task_memcg'] || null;
  draft.summaryTask = { pid: parseKernelInt(fields['pid']), task: fields['task'] || null };
  if (globalOom) draft.summaryGlobal = true;
  else if (e.oomMemcg !== null) draft.summaryGlobal = false;
  else if (e.constraint !== null) draft.summaryGlobal = e.constraint !== 'CONSTRAINT_MEMCG';
}

function finish(draft: Draft): KernelOomEvent {
  const e = draft.event;
  // Strongest evidence first: the summary line, the kill line's prefix, then the call trace
  // (out_of_memory() reached without mem_cgroup_out_of_memory() / mem_cgroup_oom_synchronize() is the page allocator's).
  e.global = draft.summaryGlobal ?? draft.prefixGlobal ?? (draft.traceMemcg ? false : draft.traceGlobal);
  if (e.global) e.oomMemcg = null;
  if (e.pid === null) {
    const fallback = draft.summaryTask ?? draft.chosen;
    e.pid = fallback?.pid ?? null;
    e.task = fallback?.task ?? null;
  }
  if (e.oomScoreAdj === null && e.pid !== null) e.oomScoreAdj = draft.tableAdj.get(e.pid) ?? null;
  e.time = draft.killTime ?? draft.firstTime;
  return e;
}

/** The victim's "Killed process" line: the report is complete. */
function readVictim(d: Draft, m: RegExpExecArray, time: string | null): void {
  const rest = m[4] ?? '';
  const adj = /oom_score_adj:(-?\d+)/.exec(rest);
  d.hasVictim = true;
  d.killTime = time;
  d.prefixGlobal ??= prefixIsGlobal(m[1]);
  Object.assign(d.event, {
    pid: parseKernelInt(m[2]),
    task: m[3] ?? '',
    anonRssBytes: kbField(rest, 'anon-rss'),
    fileRssBytes: kbField(rest, 'file-rss'),
    shmemRssBytes: kbField(rest, 'shmem-rss'),
    oomScoreAdj: parseKernelInt(adj?.[1]),
  });
}

/**
 * Reads kernel OOM-killer reports from a kernel log (dmesg, `journalctl -k`, /var/log/syslog or kern.log,
 * /dev/kmsg), one event per OOM kill, in log order.
 *
 * A report runs from `X invoked oom-killer` to the victim's `Killed process` line. Logs cut at either end still
 * give events: any report line (summary, `Task in`, `memory: usage`, stats, task table, kill line) opens one when
 * none is open, and a report without its kill line yields an event with nulls.
 *
 * Group kills (memory.oom.group): the kernel first kills the victim, prints `Tasks in <memcg> are going to be
 * killed due to memory.oom.group set`, then one `Killed process` line per task of that cgroup. That is one OOM
 * kill — one decision, one cgroup that hit its limit — so it stays ONE event (fields from the victim's line) with
 * the later lines listed in `groupKill.processes`, rather than one event per process, which would count a single
 * container OOM several times.
 *
 * `time` is the timestamp text of the victim's line (syslog date preferred over the dmesg bracket), else of the
 * first line that had one.
 */
export function parseKernelOomLog(text: string): KernelOomEvent[] {
  if (typeof text !== 'string') return [];
  const reports = new OomReports();
  for (const raw of text.split(/\r?\n/)) {
    const line = readLogLine(raw);
    if (line === null || line.text === '') continue;
    if (readOomHeader(reports, line) || readMemcgLine(reports, line) || readKillLine(reports, line)) continue;
    const cur = reports.cur;
    if (cur && !cur.hasVictim) readReportBody(cur, line.text);
  }
  return reports.drafts.map(finish);
}

/** The reports read so far, and the one a line belongs to. */
class OomReports {
  readonly drafts: Draft[] = [];
  cur: Draft | null = null;

  /** The current report if it is still before its kill line and `conflict` allows, else a new one. */
  open(time: string | null, conflict: (d: Draft) => boolean): Draft {
    if (this.cur === null || this.cur.hasVictim || conflict(this.cur)) {
      this.cur = newDraft(time);
      this.drafts.push(this.cur);
    }
    return this.cur;
  }
}

/** `X invoked oom-killer`, the oom-kill summary, or the legacy `Task in … killed as a result of limit of …`. */
function readOomHeader(r: OomReports, line: LogLine): boolean {
  const t = line.text;
  let m: RegExpExecArray | null;
  if (INVOKED.test(t)) {
    r.open(line.time, () => true);
  } else if ((m = SUMMARY.exec(t))) {
    const d = r.open(line.time, (x) => x.hasSummary);
    d.hasSummary = true;
    readSummary(d, m[1] ?? '');
  } else if ((m = LEGACY_TASK_IN.exec(t))) {
    const d = r.open(line.time, (x) => x.hasSummary);
    d.hasSummary = true;
    d.event.taskMemcg = m[1] ?? null;
    d.event.oomMemcg = m[2] ?? null;
    d.summaryGlobal = false;
  } else return false;
  return true;
}

/** The cgroup's `memory: usage`, `memory+swap: usage` and stats lines, and the task table's header. */
function readMemcgLine(r: OomReports, line: LogLine): boolean {
  const t = line.text;
  let m: RegExpExecArray | null;
  if ((m = MEMCG_USAGE.exec(t))) {
    const d = r.open(line.time, (x) => x.hasUsage);
    d.hasUsage = true;
    d.event.memcgUsageBytes = kib(parseKernelInt(m[1]));
    d.event.memcgLimitBytes = kib(parseKernelInt(m[2]));
    d.event.memcgFailcnt = parseKernelInt(m[3]);
  } else if ((m = MEMSW_USAGE.exec(t))) {
    const d = r.open(line.time, (x) => x.event.memsw !== null);
    d.event.memsw = {
      usageBytes: kib(parseKernelInt(m[1])),
      limitBytes: kbLimit(m[2]),
      failcnt: parseKernelInt(m[3]),
    };
  } else if (MEMCG_STATS.test(t)) {
    readStatsHeader(
      r.open(line.time, () => false),
      t,
    );
  } else if (TASK_HEADER.test(t)) {
    r.open(line.time, () => false);
  } else return false;
  return true;
}

/** The kill decision (`Out of memory: Kill process`), the `Killed process` lines and a group kill's header. */
function readKillLine(r: OomReports, line: LogLine): boolean {
  const t = line.text;
  let m: RegExpExecArray | null;
  if ((m = KILL_CHOSEN.exec(t))) {
    const d = r.open(line.time, () => false);
    d.prefixGlobal = prefixIsGlobal(m[1]);
    d.chosen = { pid: parseKernelInt(m[2]), task: m[3] ?? null };
  } else if ((m = KILLED.exec(t))) {
    const last = r.cur;
    if (last && last.hasVictim && last.event.groupKill) {
      // A further process of a group kill: listed with the victim's event, not an event of its own.
      const pid = parseKernelInt(m[2]);
      if (pid !== null) last.event.groupKill.processes.push({ pid, task: m[3] ?? '' });
    } else {
      readVictim(
        r.open(line.time, () => false),
        m,
        line.time,
      );
    }
  } else if ((m = GROUP_KILL.exec(t))) {
    const d: Draft = r.cur && !r.cur.event.groupKill ? r.cur : r.open(line.time, () => true);
    d.event.groupKill = { memcg: m[1] ?? '', processes: [] };
  } else return false;
  return true;
}

/** Inside an open report: a task table row (its oom_score_adj) or a call trace frame (who called the OOM killer). */
function readReportBody(d: Draft, t: string): void {
  const row = TASK_ROW.exec(t);
  if (row) {
    const numbers = (row[2] ?? '').trim().split(/\s+/);
    const adj = parseKernelInt(numbers[numbers.length - 1]);
    const pid = parseKernelInt(row[1]);
    if (pid !== null && adj !== null) d.tableAdj.set(pid, adj);
    return;
  }
  const frame = TRACE_FRAME.exec(t);
  if (frame && !frame[1]) {
    const fn = (frame[2] ?? '').split('.')[0];
    if (fn === 'mem_cgroup_out_of_memory' || fn === 'mem_cgroup_oom_synchronize' || fn === 'mem_cgroup_oom')
      d.traceMemcg = true;
    else if (fn === 'out_of_memory') d.traceGlobal = true;
  }
}

// ---------------------------------------------------------------------------------------------
// Exit codes.

const SIGNALS: Record<number, string> = {
  1: 'SIGHUP',
  2: 'SIGINT',
  3: 'SIGQUIT',
  4: 'SIGILL',
  5: 'SIGTRAP',
  6: 'SIGABRT',
  7: 'SIGBUS',
  8: 'SIGFPE',
  9: 'SIGKILL',
  10: 'SIGUSR1',
  11: 'SIGSEGV',
  12: 'SIGUSR2',
  13: 'SIGPIPE',
  14: 'SIGALRM',
  15: 'SIGTERM',
  16: 'SIGSTKFLT',
  17: 'SIGCHLD',
  18: 'SIGCONT',
  19: 'SIGSTOP',
  20: 'SIGTSTP',
  21: 'SIGTTIN',
  22: 'SIGTTOU',
  23: 'SIGURG',
  24: 'SIGXCPU',
  25: 'SIGXFSZ',
  26: 'SIGVTALRM',
  27: 'SIGPROF',
  28: 'SIGWINCH',
  29: 'SIGIO',
  30: 'SIGPWR',
  31: 'SIGSYS',
};

const SIGNAL_MEANING: Record<number, string> = {
  1: 'hangup',
  2: 'interrupted (Ctrl-C)',
  3: 'quit, often with a core dump',
  4: 'illegal instruction (binary built for another CPU?)',
  6: 'the process aborted itself (failed assertion, or a runtime that could not allocate memory)',
  7: 'bus error: bad memory access, e.g. a mapped file on a full /dev/shm or tmpfs',
  8: 'arithmetic error',
  9: 'killed outright: the kernel OOM killer, the kubelet after the grace period, or kill -9',
  11: 'segmentation fault: invalid memory access, a bug in the program or a native library, not a memory limit',
  13: 'wrote to a closed pipe or socket',
  15: 'asked to stop (pod deletion, eviction, rollout, failed liveness probe) and exited on it',
  24: 'CPU time limit exceeded',
  25: 'file size limit exceeded',
};

function describeSignal(signal: number): string {
  const name = SIGNALS[signal] ?? (signal >= 34 && signal <= 64 ? `SIGRTMIN+${signal - 34}` : `signal ${signal}`);
  const meaning = SIGNAL_MEANING[signal];
  return meaning ? `${name}: ${meaning}` : `killed by ${name}`;
}

/**
 * A short explanation of a container's exit code (and `terminated.signal`, when the runtime reports it).
 * Codes 129–192 are the shell/runtime convention 128 + signal: 137 = 128 + 9 (SIGKILL), 143 = 128 + 15 (SIGTERM).
 */
export function describeExitCode(exitCode: number | null, signal?: number | null): string {
  const code = typeof exitCode === 'number' && Number.isInteger(exitCode) ? exitCode : null;
  const sig = typeof signal === 'number' && Number.isInteger(signal) && signal > 0 ? signal : null;
  if (sig !== null)
    return code === null
      ? `signal ${sig}, ${describeSignal(sig)}`
      : `exit code ${code}, signal ${sig}, ${describeSignal(sig)}`;
  if (code === null) return 'exit code unknown';
  if (code > 128 && code <= 128 + 64) return `exit code ${code} = 128 + ${code - 128}, ${describeSignal(code - 128)}`;
  switch (code) {
    case 0:
      return 'exit code 0: exited successfully (with OOMKilled, a child process was killed, not the main one)';
    case 1:
      return 'exit code 1: general application error (see the container log; with OOMKilled, a child process was killed)';
    case 2:
      return 'exit code 2: misuse of a shell builtin or invalid arguments';
    case 126:
      return 'exit code 126: the command could not be executed (permission or format)';
    case 127:
      return 'exit code 127: command not found (check the image entrypoint/command)';
    case 128:
      return 'exit code 128: invalid exit argument';
    case 255:
      return 'exit code 255: exit status out of range (often exit(-1))';
    default:
      return code < 0 || code > 255
        ? `exit code ${code}: not a Unix exit status (Windows or runtime-specific)`
        : `exit code ${code}: application-specific error`;
  }
}
