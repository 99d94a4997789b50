// Container logs as the kubelet keeps them: one buffer per container instance (the current one and the
// previous, for `previous=true`), line-oriented with a timestamp per line, followable until the
// container ends.
import { EventEmitter } from 'node:events';

export interface LogLine {
  /** When the line was written (RFC 3339 with nanoseconds, as `timestamps=true` prints). */
  time: Date;
  text: string;
}

export class LogBuffer extends EventEmitter {
  readonly lines: LogLine[] = [];
  private partial = '';
  ended = false;

  write(chunk: Buffer | string): void {
    const s = this.partial + chunk.toString();
    const parts = s.split('\n');
    this.partial = parts.pop() ?? '';
    const now = new Date();
    for (const p of parts) this.push({ time: now, text: `${p}\n` });
  }

  /** The container is gone: flush a partial last line and release followers. */
  end(): void {
    if (this.ended) return;
    if (this.partial) this.push({ time: new Date(), text: this.partial });
    this.partial = '';
    this.ended = true;
    this.emit('end');
  }

  private push(l: LogLine): void {
    this.lines.push(l);
    this.emit('line', l);
  }

  static fromText(text: string, time = new Date()): LogBuffer {
    const b = new LogBuffer();
    b.write(text);
    b.end();
    for (const l of b.lines) l.time = time;
    return b;
  }
}

export interface LogOptions {
  tailLines?: number;
  limitBytes?: number;
  sinceSeconds?: number;
  sinceTime?: string;
  timestamps?: boolean;
}

/** RFC 3339 with 9 fractional digits, like the kubelet's `timestamps=true`. */
export function nanoTime(d: Date): string {
  return d.toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z');
}

export function selectLines(buf: LogBuffer, o: LogOptions): LogLine[] {
  let lines = buf.lines;
  const since = o.sinceTime
    ? Date.parse(o.sinceTime)
    : o.sinceSeconds !== undefined
      ? Date.now() - o.sinceSeconds * 1000
      : null;
  if (since !== null && !Number.isNaN(since)) lines = lines.filter((l) => l.time.getTime() >= since);
  if (o.tailLines !== undefined && o.tailLines >= 0) lines = o.tailLines === 0 ? [] : lines.slice(-o.tailLines);
  return lines;
}

export const formatLine = (l: LogLine, timestamps: boolean | undefined): string =>
  timestamps ? `${nanoTime(l.time)} ${l.text}` : l.text;
