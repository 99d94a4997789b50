// The reader's framed output (src/kube/reader-script.ts) → CgroupFiles, verified.
//
// Pure: no I/O. Never throws: whatever comes back from a pod log (truncated, interleaved, garbage) ends up as
// `problems`, and only files whose byte count and checksum match are returned.
//
// Format, version 1 (one frame set; `watch` mode prints one per interval):
//   memwhy-reader 1 <once|watch> <seq>
//   === CGROUP v1|v2
//   === POD <key of the pod directory>        | === NOTFOUND <pod uid>
//   === BEGIN <key> <n>\n<n bytes of the file>\n=== END <key> <adler32>
//   === ERROR <key> <reason>
//   === DONE <BEGIN count> <ERROR count> <adler32 of the lines above outside file frames (BEGIN…END)>
//   === FATAL <reason…>                        (the reader gave up; nothing follows)
// Keys may contain spaces (a node's prefix directory might), so the last word of a line is the number/reason.
// Checksums are Adler-32 (RFC 1950) as 8 lower-case hex digits. A single changed byte anywhere is caught: in a
// file by its checksum, in a BEGIN/END line by the key that must match and the byte count that must land on the
// END line, in the header, CGROUP, POD, NOTFOUND and ERROR lines by the frame set checksum on the DONE line.

import type { CgroupFiles, CgroupVersion } from './types.js';

export const FRAME_FORMAT_VERSION = 1;
/** The `file` of an unreadable entry about the reader's output as a whole, not one file in it. */
export const READER_OUTPUT = 'reader output';

export interface FrameError {
  /** Key of the file (CgroupFiles convention). */
  path: string;
  /** permission-denied | read-failed | too-large (or whatever a newer reader says). */
  reason: string;
}

export interface ParsedFrames {
  /** The files whose frame verified: byte count, trailing newline, END line and checksum all match. */
  files: CgroupFiles;
  /** Files the reader reported it could not read. */
  errors: FrameError[];
  /** The frame set ended with a DONE line whose counts and checksum match, and nothing was wrong on the way. */
  complete: boolean;
  /** What was wrong (truncation, corruption, garbage, a reader failure), for the user. */
  problems: string[];
  /**
   * What could not be used, by file: a frame that failed its check (`file` is its key), a file the reader could
   * not read, or the output as a whole (`file` is READER_OUTPUT) when it was cut short or altered outside frames.
   */
  unreadable: Array<{ file: string; problem: string }>;
  header: { version: number; mode: string; seq: number } | null;
  cgroupVersion: CgroupVersion | null;
  /** Key of the pod directory the reader found (`=== POD`), null when not said. */
  podPath: string | null;
  /** The reader searched and did not find the pod's directory (`=== NOTFOUND`, exit code 3). */
  notFound: boolean;
  /** The reader stopped early (`=== FATAL <reason>`): bad arguments, no memory cgroup, a missing tool. */
  fatal: string | null;
}

const MOD_ADLER = 65521;
/** Bytes that can be summed before a+b may exceed 2^53 (zlib's NMAX is 5552 for 32-bit; doubles allow far more). */
const ADLER_CHUNK = 1 << 20;

interface AdlerState {
  a: number;
  b: number;
}

function adlerUpdate(state: AdlerState, bytes: Uint8Array, start: number, end: number): void {
  let { a, b } = state;
  for (let i = start; i < end;) {
    const stop = Math.min(end, i + ADLER_CHUNK);
    for (; i < stop; i++) {
      a += bytes[i] as number;
      b += a;
    }
    a %= MOD_ADLER;
    b %= MOD_ADLER;
  }
  state.a = a;
  state.b = b;
}

/** Adler-32 (RFC 1950) of the bytes, as an unsigned 32-bit number. */
export function adler32(bytes: Uint8Array): number {
  const state = { a: 1, b: 0 };
  adlerUpdate(state, bytes, 0, bytes.length);
  return state.b * 65536 + state.a;
}

function hex8(n: number): string {
  return n.toString(16).padStart(8, '0');
}

const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: false });
const NEWLINE = 0x0a;

const HEADER_RE = /^memwhy-reader (\d{1,6}) (once|watch|-) (\d{1,9})$/;
const SUM_RE = /^[0-9a-f]{8}$/;
const COUNT_RE = /^\d{1,9}$/;
/** The most problems listed one by one; the rest are counted. */
const MAX_PROBLEMS = 20;

/** A key is relative, has no empty, `.` or `..` segment, no control characters and nothing an object prototype has. */
function validKey(key: string): boolean {
  if (key === '' || key.length > 4096 || key.startsWith('/')) return false;
  if (/[\u0000-\u001f\u007f]/.test(key)) return false;
  return key
    .split('/')
    .every((s) => s !== '' && s !== '.' && s !== '..' && s !== '__proto__' && s !== 'constructor' && s !== 'prototype');
}

function excerpt(text: string): string {
  const t = text.length > 60 ? `${text.slice(0, 60)}…` : text;
  return JSON.stringify(t);
}

/** `<key> <last word>` → [key, word]; null when there is no space or the key is empty. */
function splitLast(rest: string): [string, string] | null {
  const at = rest.lastIndexOf(' ');
  if (at <= 0) return null;
  return [rest.slice(0, at), rest.slice(at + 1)];
}

interface Line {
  text: string;
  start: number;
  /** Index of the byte after the line's newline (or the end of input when unterminated). */
  next: number;
  terminated: boolean;
}

class Reader {
  pos = 0;
  constructor(readonly bytes: Uint8Array) {}

  atEnd(): boolean {
    return this.pos >= this.bytes.length;
  }

  peekLine(): Line | null {
    if (this.atEnd()) return null;
    const nl = this.bytes.indexOf(NEWLINE, this.pos);
    const end = nl < 0 ? this.bytes.length : nl;
    return {
      text: decoder.decode(this.bytes.subarray(this.pos, end)),
      start: this.pos,
      next: nl < 0 ? end : nl + 1,
      terminated: nl >= 0,
    };
  }

  take(line: Line): void {
    this.pos = line.next;
  }
}

function emptyResult(): ParsedFrames {
  return {
    files: {},
    errors: [],
    complete: false,
    problems: [],
    unreadable: [],
    header: null,
    cgroupVersion: null,
    podPath: null,
    notFound: false,
    fatal: null,
  };
}

function toBytes(input: unknown): Uint8Array | null {
  if (typeof input === 'string') return encoder.encode(input);
  if (input instanceof Uint8Array) return input;
  return null;
}

interface SetParse {
  result: ParsedFrames;
  /** The set reached its DONE or FATAL line (so a stream reader need not wait for more of it). */
  ended: boolean;
}

/** Parses one frame set from `r` (starting at a header line or garbage before it). */
function parseSet(r: Reader): SetParse {
  return new SetParser(r).parse();
}

/** What one line of a frame set did to the parse: go on, or stop the set here. */
type Step = 'next' | 'stop';

/**
 * One frame set's parse: the header, then line by line (file frames, error lines, markers) to its DONE or FATAL
 * line. Problems are collected (the first MAX_PROBLEMS kept, the rest counted), never thrown.
 */
class SetParser {
  private readonly res = emptyResult();
  private problemCount = 0;
  /** The frame set checksum over the header and every line that is not a file frame. */
  private readonly meta: AdlerState = { a: 1, b: 0 };
  private begins = 0;
  private errorsSeen = 0;
  private ended = false;

  constructor(private readonly r: Reader) {}

  parse(): SetParse {
    if (this.readHeader()) {
      while (this.step() === 'next');
    }
    if (this.problemCount > MAX_PROBLEMS)
      this.res.problems.push(`… and ${this.problemCount - MAX_PROBLEMS} more problems`);
    return { result: this.res, ended: this.ended };
  }

  private problem(msg: string, file = READER_OUTPUT): void {
    const res = this.res;
    this.problemCount++;
    if (this.problemCount <= MAX_PROBLEMS) res.problems.push(msg);
    const about = file === READER_OUTPUT ? msg : msg.slice(file.length + 2);
    if (res.unreadable.length < MAX_PROBLEMS && !res.unreadable.some((u) => u.file === file && u.problem === about))
      res.unreadable.push({ file, problem: about });
  }

  private addMeta(line: Line): void {
    adlerUpdate(this.meta, this.r.bytes, line.start, line.next);
  }

  /** The header line (lines before it are someone else's output: counted as garbage); false when unusable. */
  private readHeader(): boolean {
    const r = this.r;
    let skipped = 0;
    let firstSkipped = '';
    let header: Line | null = null;
    for (let line = r.peekLine(); line !== null; line = r.peekLine()) {
      r.take(line);
      const m = HEADER_RE.exec(line.text);
      if (m && line.terminated) {
        header = line;
        this.res.header = { version: Number(m[1]), mode: m[2] as string, seq: Number(m[3]) };
        break;
      }
      if (skipped++ === 0) firstSkipped = line.text;
    }
    if (skipped > 0)
      this.problem(`${skipped} line(s) of garbage before the reader's header, first ${excerpt(firstSkipped)}`);
    if (header === null || this.res.header === null) {
      this.problem(
        skipped === 0 ? 'the reader printed nothing' : "no memwhy-reader header line: not the reader's output",
      );
      return false;
    }
    if (this.res.header.version !== FRAME_FORMAT_VERSION) {
      this.problem(`reader output format ${this.res.header.version} is not the supported ${FRAME_FORMAT_VERSION}`);
      return false;
    }
    this.addMeta(header);
    return true;
  }

  /** One line of the set. */
  private step(): Step {
    const r = this.r;
    const line = r.peekLine();
    if (line === null) {
      this.problem('output ends before the DONE line: truncated (the reader was stopped, or the log was cut)');
      return 'stop';
    }
    if (!line.terminated) {
      this.problem(`output ends in the middle of a line ${excerpt(line.text)}: truncated`);
      r.take(line);
      return 'stop';
    }
    const text = line.text;
    if (HEADER_RE.test(text)) {
      this.problem('a new frame set starts before this one ended: truncated');
      return 'stop'; // not consumed: the next set starts here
    }
    r.take(line);
    if (text.startsWith('=== DONE ')) return this.done(text);
    // File frames check themselves; every other line counts in the frame set checksum.
    if (!text.startsWith('=== BEGIN ') && !text.startsWith('=== END ')) this.addMeta(line);
    if (text.startsWith('=== BEGIN ')) return this.fileFrame(text);
    if (text.startsWith('=== ERROR ')) return this.errorLine(text);
    return this.marker(text);
  }

  /** The DONE line: counts and the set checksum must match what arrived. */
  private done(text: string): Step {
    this.ended = true;
    const m = /^=== DONE (\d{1,9}) (\d{1,9}) ([0-9a-f]{8})$/.exec(text);
    if (!m) {
      this.problem(`malformed DONE line ${excerpt(text)}`);
      return 'stop';
    }
    const [files, errors] = [Number(m[1]), Number(m[2])];
    if (files !== this.begins || errors !== this.errorsSeen) {
      this.problem(
        `the reader printed ${files} file frame(s) and ${errors} error line(s), ${this.begins} and ${this.errorsSeen} arrived: lines lost`,
      );
    }
    const computed = hex8(this.meta.b * 65536 + this.meta.a);
    if (m[3] !== computed)
      this.problem(
        `frame set checksum mismatch (${m[3]} stated, ${computed} computed): a header or frame line was altered`,
      );
    if (this.problemCount === 0) this.res.complete = true;
    return 'stop';
  }

  /** `=== BEGIN <key> <count>`, the file's bytes, `=== END <key> <adler32>`. */
  private fileFrame(text: string): Step {
    const r = this.r;
    this.begins++;
    const parts = splitLast(text.slice('=== BEGIN '.length));
    if (parts === null || !COUNT_RE.test(parts[1]) || !validKey(parts[0])) {
      this.problem(`malformed BEGIN line ${excerpt(text)}`);
      return 'next';
    }
    const [key, countText] = parts;
    const count = Number(countText);
    const start = r.pos;
    if (start + count + 1 > r.bytes.length) {
      this.problem(`${key}: truncated after ${Math.max(0, r.bytes.length - start)} of ${count} bytes`, key);
      r.pos = r.bytes.length;
      return 'stop';
    }
    if (r.bytes[start + count] !== NEWLINE) {
      this.problem(`${key}: its ${count} bytes are not followed by a line end: byte count wrong or data altered`, key);
      this.resync(key);
      return 'next';
    }
    r.pos = start + count + 1;
    const end = r.peekLine();
    if (end === null || !end.terminated || !end.text.startsWith(`=== END ${key} `)) {
      this.problem(`${key}: no END line after its ${count} bytes: data altered or interleaved`, key);
      this.resync(key);
      return 'next';
    }
    r.take(end);
    this.keepFile(key, end.text.slice(`=== END ${key} `.length), r.bytes.subarray(start, start + count));
    return 'next';
  }

  /** A frame whose bytes arrived whole: kept when its checksum matches and it is the first copy. */
  private keepFile(key: string, sum: string, content: Uint8Array): void {
    const computed = hex8(adler32(content));
    if (!SUM_RE.test(sum) || sum !== computed) {
      this.problem(`${key}: checksum mismatch (${excerpt(sum)} stated, ${computed} computed): data altered`, key);
      return;
    }
    if (Object.hasOwn(this.res.files, key)) {
      this.problem(`${key}: printed twice, the first copy is kept`);
      return;
    }
    this.res.files[key] = decoder.decode(content);
  }

  /** After a broken frame of `key`: skip to its END line (consumed) or to the next frame/set line (left). */
  private resync(key: string): void {
    const r = this.r;
    for (let line = r.peekLine(); line !== null; line = r.peekLine()) {
      if (/^=== (BEGIN|ERROR|DONE|FATAL) /.test(line.text) || HEADER_RE.test(line.text)) return;
      r.take(line);
      if (line.text.startsWith(`=== END ${key} `)) return;
    }
  }

  /** `=== ERROR <path> <reason>`: a file the reader could not read. */
  private errorLine(text: string): Step {
    this.errorsSeen++;
    const parts = splitLast(text.slice('=== ERROR '.length));
    if (parts === null || !validKey(parts[0]) || !/^[a-z][a-z0-9-]{0,40}$/.test(parts[1])) {
      this.problem(`malformed ERROR line ${excerpt(text)}`);
    } else {
      this.res.errors.push({ path: parts[0], reason: parts[1] });
      this.res.unreadable.push({ file: parts[0], problem: `the reader could not read it (${parts[1]})` });
    }
    return 'next';
  }

  /** The one-line markers: CGROUP, POD, NOTFOUND, FATAL; anything else is a problem. */
  private marker(text: string): Step {
    const res = this.res;
    if (text.startsWith('=== CGROUP ')) {
      const v = text.slice('=== CGROUP '.length);
      if (v === 'v1' || v === 'v2') res.cgroupVersion = v;
      else this.problem(`unknown cgroup version line ${excerpt(text)}`);
    } else if (text.startsWith('=== POD ')) {
      const key = text.slice('=== POD '.length);
      if (validKey(key)) res.podPath = key;
      else this.problem(`malformed POD line ${excerpt(text)}`);
    } else if (text.startsWith('=== NOTFOUND ')) {
      res.notFound = true;
    } else if (text.startsWith('=== FATAL ')) {
      res.fatal = text.slice('=== FATAL '.length).slice(0, 200);
      this.problem(`the reader stopped: ${res.fatal}`);
      this.ended = true;
      return 'stop';
    } else if (text.startsWith('=== END ')) {
      this.problem(`END line without its BEGIN ${excerpt(text)}`);
    } else {
      this.problem(`unexpected line ${excerpt(text)}`);
    }
    return 'next';
  }
}

/**
 * Parses the reader's output: one frame set (the first, for `watch` output use parseFrameSets). Accepts the log as
 * text or bytes (bytes are exact: byte counts and checksums are over bytes). Never throws.
 */
export function parseFrames(input: string | Uint8Array): ParsedFrames {
  try {
    const bytes = toBytes(input);
    if (bytes === null) return { ...emptyResult(), problems: ['the reader output is not text'] };
    const r = new Reader(bytes);
    const { result, ended } = parseSet(r);
    // The reader prints nothing after its DONE line: any byte there, even a blank line, means the log is not
    // exactly what the reader wrote, and the set is not complete (regression: a lone "\n" inserted before the
    // last newline passed as complete).
    if (ended && !r.atEnd()) {
      const rest = decoder.decode(r.bytes.subarray(r.pos, Math.min(r.bytes.length, r.pos + 200)));
      result.problems.push(`data after the end of the frame set, starting ${excerpt(rest)}`);
      result.unreadable.push({
        file: READER_OUTPUT,
        problem: `data after the end of the frame set, starting ${excerpt(rest)}`,
      });
      result.complete = false;
    }
    return result;
  } catch (e) {
    // Not expected; the contract is never to throw.
    return { ...emptyResult(), problems: [`reader output could not be parsed: ${(e as Error)?.message ?? String(e)}`] };
  }
}

/**
 * Splits `watch` output into frame sets. `sets` are the sets that ended (DONE or FATAL) plus any that a later set
 * cut short; `rest` is the unfinished tail to prepend to the next chunk of the stream ('' when none).
 */
export function parseFrameSets(input: string): { sets: ParsedFrames[]; rest: string } {
  const sets: ParsedFrames[] = [];
  try {
    if (typeof input !== 'string') return { sets, rest: '' };
    const starts: number[] = [];
    const re = /^memwhy-reader \d/gm;
    for (let m = re.exec(input); m !== null; m = re.exec(input)) starts.push(m.index);
    if (starts.length === 0) return { sets, rest: input };
    if ((starts[0] as number) > 0) {
      const before = input.slice(0, starts[0]);
      if (before.trim() !== '') sets.push(parseFrames(before));
    }
    for (let i = 0; i < starts.length; i++) {
      const last = i === starts.length - 1;
      const segment = input.slice(starts[i], starts[i + 1] ?? input.length);
      const r = new Reader(encoder.encode(segment));
      const { result, ended } = parseSet(r);
      if (!ended && last) return { sets, rest: segment };
      sets.push(result);
      const leftover = r.atEnd() ? '' : decoder.decode(r.bytes.subarray(r.pos));
      // After the last set: possibly the start of the next header, so it waits for more input.
      if (last) return { sets, rest: leftover };
      if (ended && leftover !== '') {
        result.problems.push(`data after the end of the frame set, starting ${excerpt(leftover.slice(0, 200))}`);
        result.complete = false;
      }
    }
    return { sets, rest: '' };
  } catch (e) {
    return {
      sets: [
        ...sets,
        { ...emptyResult(), problems: [`reader output could not be parsed: ${(e as Error)?.message ?? String(e)}`] },
      ],
      rest: '',
    };
  }
}
