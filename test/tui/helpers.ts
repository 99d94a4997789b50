// Shared test helpers: real fixtures → analyses, an Ink render on fake streams of a chosen size, frame polling.
import { EventEmitter } from 'node:events';
import { stripVTControlCharacters } from 'node:util';
import { render } from 'ink';
import type { ReactElement } from 'react';
import { loadSnapshot } from '../../src/app/snapshot.js';
import { analyse } from '../../src/core/analyse.js';
import type { Analysis } from '../../src/core/types.js';

export const NOW = '2026-11-23T00:00:00.000Z';

export const CASES = {
  oom: 'examples/oomkilled-container',
  cache: 'examples/cache-driven',
  evicted: 'examples/evicted',
  pending: 'examples/pending',
  relocated: 'test/fixtures/cases/cgroupv2-elastic-relocated',
  nodeAllocatable: 'examples/oomkilled-node-allocatable',
  shmem: 'examples/shmem-tmpfs',
  summaryOnly: 'test/fixtures/cases/running-k8s135-summary',
} as const;

const cache = new Map<string, Analysis>();
export async function load(dir: string): Promise<Analysis> {
  let a = cache.get(dir);
  if (!a) {
    a = analyse(await loadSnapshot(dir), { now: NOW });
    cache.set(dir, a);
  }
  // A fresh copy: tests may not share mutations.
  return structuredClone(a);
}

export const KEYS = {
  up: '\u001B[A',
  down: '\u001B[B',
  right: '\u001B[C',
  left: '\u001B[D',
  enter: '\r',
  esc: '\u001B',
  tab: '\t',
  shiftTab: '\u001B[Z',
  backspace: '\u007F',
  pageUp: '\u001B[5~',
  pageDown: '\u001B[6~',
  ctrlC: '\u0003',
} as const;

export class FakeStdout extends EventEmitter {
  frames: string[] = [];
  isTTY = true;
  constructor(
    public columns = 100,
    public rows = 24,
  ) {
    super();
  }
  write = (chunk: string | Uint8Array, ...rest: unknown[]) => {
    this.frames.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
    const cb = rest.find((x) => typeof x === 'function') as (() => void) | undefined;
    cb?.();
    return true;
  };
  lastFrame = () => this.frames[this.frames.length - 1];
  all = () => this.frames.join('');
  resize(columns: number, rows: number) {
    this.columns = columns;
    this.rows = rows;
    this.emit('resize');
  }
}

export class FakeStdin extends EventEmitter {
  isTTY = true;
  data: string | null = null;
  write = (data: string) => {
    this.data = data;
    this.emit('readable');
    this.emit('data', data);
  };
  setEncoding() {}
  setRawMode() {}
  resume() {}
  pause() {}
  ref() {}
  unref() {}
  read = () => {
    const d = this.data;
    this.data = null;
    return d;
  };
}

export interface Rendered {
  stdin: FakeStdin;
  stdout: FakeStdout;
  frame: () => string;
  unmount: () => void;
}

/** Renders with Ink's debug mode (every frame written whole) on a terminal of `columns` × `rows`. */
export function renderAt(tree: ReactElement, size: { columns?: number; rows?: number } = {}): Rendered {
  const stdout = new FakeStdout(size.columns ?? 100, size.rows ?? 24);
  const stderr = new FakeStdout(size.columns ?? 100, size.rows ?? 24);
  const stdin = new FakeStdin();
  const instance = render(tree, {
    stdout: stdout as unknown as NodeJS.WriteStream,
    stderr: stderr as unknown as NodeJS.WriteStream,
    stdin: stdin as unknown as NodeJS.ReadStream,
    debug: true,
    exitOnCtrlC: false,
    patchConsole: false,
  });
  return {
    stdin,
    stdout,
    frame: () => clean(stdout.lastFrame() ?? ''),
    unmount: () => {
      instance.unmount();
      instance.cleanup();
    },
  };
}

export function clean(s: string): string {
  return stripVTControlCharacters(s);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `get()` until `ok` holds for it (or the timeout), returns the last value. */
export async function waitFor(get: () => string, ok: (s: string) => boolean, timeout = 2000): Promise<string> {
  const end = Date.now() + timeout;
  let v = get();
  while (!ok(v) && Date.now() < end) {
    await sleep(10);
    v = get();
  }
  return v;
}

/** Writes a key, then waits until the frame changes (or a short settle when it does not). */
export async function press(
  r: { stdin: { write(s: string): void }; frame: () => string },
  key: string,
  settle = 40,
): Promise<string> {
  const before = r.frame();
  r.stdin.write(key);
  // Esc alone is flushed by Ink after a short delay (it may start a sequence).
  const s = await waitFor(r.frame, (f) => f !== before, key === KEYS.esc ? 400 : settle * 5);
  await sleep(5);
  return s === before ? r.frame() : s;
}
