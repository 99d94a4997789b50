// Test helpers for the cluster's own tests (and for e2e tests that drive it).
import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Cluster } from './index.js';
import type { Obj } from './util.js';

export interface Reply {
  status: number;
  headers: Headers;
  text: string;
  json: Obj;
}

/** fetch against the plain-HTTP listener as a user (bearer token), or anonymously with user null. */
export function client(cluster: Cluster, user: string | null = 'admin') {
  const headers = (extra: Record<string, string> = {}): Record<string, string> => ({
    ...(user ? { Authorization: `Bearer ${cluster.token(user)}` } : {}),
    ...extra,
  });
  const call = async (
    method: string,
    path: string,
    body?: unknown,
    extra: Record<string, string> = {},
  ): Promise<Reply> => {
    const res = await fetch(cluster.httpUrl + path, {
      method,
      headers: headers(body !== undefined ? { 'Content-Type': 'application/json', ...extra } : extra),
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    let json: Obj = {};
    try {
      json = JSON.parse(text) as Obj;
    } catch {
      /* not JSON */
    }
    return { status: res.status, headers: res.headers, text, json };
  };
  return {
    get: (path: string, extra?: Record<string, string>) => call('GET', path, undefined, extra),
    post: (path: string, body: unknown) => call('POST', path, body),
    del: (path: string, body?: unknown) => call('DELETE', path, body),
    /** Opens a watch (or any stream) and returns a reader of its lines. */
    async stream(path: string): Promise<LineStream> {
      const ac = new AbortController();
      const res = await fetch(cluster.httpUrl + path, { headers: headers(), signal: ac.signal });
      return new LineStream(res, ac);
    },
  };
}

export class LineStream {
  readonly lines: string[] = [];
  ended = false;
  error: Error | null = null;
  private waiters: Array<() => void> = [];
  constructor(
    readonly res: Response,
    private readonly ac: AbortController,
  ) {
    void this.pump();
  }
  private async pump(): Promise<void> {
    const dec = new TextDecoder();
    let buf = '';
    try {
      for await (const chunk of this.res.body as unknown as AsyncIterable<Uint8Array>) {
        buf += dec.decode(chunk, { stream: true });
        const parts = buf.split('\n');
        buf = parts.pop() ?? '';
        this.lines.push(...parts);
        this.notify();
      }
      if (buf) this.lines.push(buf);
    } catch (err) {
      this.error = err as Error;
    }
    this.ended = true;
    this.notify();
  }
  private notify(): void {
    for (const w of this.waiters.splice(0)) w();
  }
  get events(): Obj[] {
    return this.lines.filter(Boolean).map((l) => JSON.parse(l) as Obj);
  }
  /** Waits until pred(lines) holds or the stream ends (then resolves false). */
  async until(pred: (s: LineStream) => boolean, timeoutMs = 10_000): Promise<boolean> {
    const end = Date.now() + timeoutMs;
    while (!pred(this)) {
      if (this.ended) return pred(this);
      if (Date.now() > end) throw new Error(`stream wait timed out; lines so far:\n${this.lines.join('\n')}`);
      await new Promise<void>((r) => {
        const t = setTimeout(r, Math.max(1, end - Date.now()));
        this.waiters.push(() => {
          clearTimeout(t);
          r();
        });
      });
    }
    return true;
  }
  close(): void {
    this.ac.abort();
  }
}

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs the installed kubectl against a kubeconfig (async: the server runs in this process). */
export function kubectl(kubeconfig: string, args: string[], cacheDir: string): Promise<KubectlResult> {
  return new Promise((resolve) => {
    execFile(
      'kubectl',
      ['--kubeconfig', kubeconfig, '--request-timeout=20s', ...args],
      {
        env: { ...process.env, KUBECACHEDIR: cacheDir, HOME: cacheDir, KUBECTL_EXTERNAL_DIFF: '' },
        timeout: 60_000,
        encoding: 'utf8',
      },
      (err, stdout, stderr) =>
        resolve({ code: err ? (typeof err.code === 'number' ? err.code : 1) : 0, stdout, stderr }),
    );
  });
}

/** PIDs of processes whose command line contains `marker`. */
export function processesWith(marker: string): number[] {
  const out: number[] = [];
  for (const d of readdirSync('/proc')) {
    if (!/^\d+$/.test(d) || Number(d) === process.pid) continue;
    try {
      const cmd = readFileSync(join('/proc', d, 'cmdline'), 'utf8').replace(/\0/g, ' ');
      if (cmd.includes(marker)) out.push(Number(d));
    } catch {
      /* gone */
    }
  }
  return out;
}

/** Mount points (in this namespace) under a directory. */
export function mountsUnder(dir: string): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((l) => l.split(' ')[4] ?? '')
    .filter((mp) => mp === dir || mp.startsWith(`${dir}/`));
}

/** A minimal Ready linux node. */
export function node(name: string, extra: Obj = {}): Obj {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: {
      name,
      labels: { 'kubernetes.io/hostname': name, 'kubernetes.io/os': 'linux', ...(extra.labels ?? {}) },
    },
    spec: extra.spec ?? {},
    status: {
      capacity: { cpu: '4', memory: '8Gi', pods: '110' },
      allocatable: { cpu: '3800m', memory: '7Gi', pods: '110' },
      conditions: [
        {
          type: 'Ready',
          status: extra.ready === false ? 'False' : 'True',
          reason: 'KubeletReady',
          message: 'kubelet is posting ready status',
        },
      ],
      addresses: [
        { type: 'InternalIP', address: '10.0.0.5' },
        { type: 'Hostname', address: name },
      ],
      nodeInfo: {
        kubeletVersion: 'v1.32.4',
        osImage: 'Debian GNU/Linux 12 (bookworm)',
        kernelVersion: '6.18.0',
        containerRuntimeVersion: 'containerd://1.7.24',
        operatingSystem: 'linux',
        architecture: 'amd64',
      },
      ...(extra.status ?? {}),
    },
  };
}

/** A pod manifest running a command in busybox. */
export function busyboxPod(name: string, command: string[], extra: Obj = {}): Obj {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, labels: { app: name }, ...(extra.metadata ?? {}) },
    spec: {
      restartPolicy: 'Never',
      terminationGracePeriodSeconds: 1,
      ...(extra.spec ?? {}),
      containers: extra.containers ?? [{ name: 'main', image: 'busybox:1.36', command, ...(extra.container ?? {}) }],
    },
  };
}
