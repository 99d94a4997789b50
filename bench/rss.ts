// One run of a command with its wall time and peak RSS: GNU time's %M when /usr/bin/time exists, else the
// child's VmHWM from /proc/<pid>/status polled every 5 ms (a lower bound). Shared by bench/run.ts and
// bench/scale.ts.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';

const GNU_TIME = '/usr/bin/time';

export interface RssRun {
  ms: number;
  rssKiB: number;
  stdout: string;
}

/** How peak RSS is measured on this machine (for the notes). */
export function rssMethod(): string {
  return existsSync(GNU_TIME)
    ? "GNU time's maximum resident set size (%M)"
    : 'VmHWM of /proc/<pid>/status, polled every 5 ms';
}

export function runWithRss(
  argv: string[],
  opts: { cwd: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; exitCode?: number },
): Promise<RssRun> {
  const useTime = existsSync(GNU_TIME);
  const full = useTime ? [GNU_TIME, '-f', '@@rss %M', ...argv] : argv;
  return new Promise((res, rej) => {
    const t0 = performance.now();
    const child = spawn(full[0]!, full.slice(1), {
      cwd: opts.cwd,
      env: opts.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let hwm = 0;
    const poll = useTime
      ? undefined
      : setInterval(() => {
          try {
            const m = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'));
            if (m) hwm = Math.max(hwm, Number(m[1]));
          } catch {
            /* exited */
          }
        }, 5);
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 120_000);
    child.on('error', rej);
    child.on('exit', (code) => {
      const ms = performance.now() - t0;
      clearTimeout(timer);
      if (poll) clearInterval(poll);
      child.on('close', () => {
        const m = /@@rss (\d+)/.exec(stderr);
        if (m) hwm = Number(m[1]);
        if (code !== (opts.exitCode ?? 0)) {
          rej(new Error(`${argv.join(' ')} exited ${code}: ${stderr.trim().split('\n').slice(0, 3).join(' | ')}`));
          return;
        }
        res({ ms, rssKiB: hwm, stdout });
      });
    });
  });
}
