// How long a user waits for the TUI, measured as a user sees it: the built CLI runs in a real terminal (tmux,
// 100x30) and the screen is read every 5 ms from the moment the command line is sent. Prints the median of
// `--runs` runs (default 9) for the first frame ("gathering…") and for the Summary (the main verdict on screen).
//   node scripts/measure-tui.mjs [--runs 9] [-- <memwhy args>]   (default args: --from examples/oomkilled-container)
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const argv = process.argv.slice(2);
const runs = Number(argv[argv.indexOf('--runs') + 1]) || 9;
const dash = argv.indexOf('--');
const args = dash >= 0 ? argv.slice(dash + 1) : ['--from', 'examples/oomkilled-container'];
const socket = `memwhy-measure-${process.pid}`;
const tmux = (...a) => execFileSync('tmux', ['-L', socket, '-f', '/dev/null', ...a], { encoding: 'utf8' });
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const first = [];
const summary = [];
try {
  tmux('new-session', '-d', '-s', 'm', '-x', '100', '-y', '30', '-c', root, '--', 'sh');
  tmux('set-option', '-t', 'm', 'status', 'off');
  // Wait for the shell's prompt: keys sent before sh reads its terminal are lost.
  while (tmux('capture-pane', '-p', '-t', 'm').trim() === '') execFileSync('sleep', ['0.05']);
  for (let i = 0; i < runs; i++) {
    tmux(
      'send-keys',
      '-t',
      'm',
      '-l',
      `clear; ${root}node_modules/.bin/node dist/cli.js ${args.join(' ')} -o tui; echo EXIT=$?`,
    );
    const t0 = performance.now();
    tmux('send-keys', '-t', 'm', 'Enter');
    let sawFirst = null;
    for (;;) {
      const screen = tmux('capture-pane', '-p', '-t', 'm');
      const t = performance.now() - t0;
      if (sawFirst === null && /gathering…/.test(screen)) sawFirst = t;
      if (/ › {2}Summary/.test(screen)) {
        first.push(sawFirst ?? t);
        summary.push(t);
        break;
      }
      if (t > 30_000) throw new Error(`no Summary after 30 s:\n${screen}`);
      execFileSync('sleep', ['0.005']);
    }
    // q until the shell is back (a key sent before Ink listens is lost).
    for (let tries = 0; !/EXIT=\d+/.test(tmux('capture-pane', '-p', '-t', 'm')); tries++) {
      if (tries > 100) throw new Error('the TUI did not quit on q');
      tmux('send-keys', '-t', 'm', 'q');
      execFileSync('sleep', ['0.1']);
    }
  }
} finally {
  try {
    tmux('kill-server');
  } catch {}
}
const load = execFileSync('cat', ['/proc/loadavg'], { encoding: 'utf8' }).split(' ')[0];
console.log(
  `load average ${load}; runs ${runs}: first frame median ${median(first).toFixed(0)} ms (min ${Math.min(...first).toFixed(0)}), Summary median ${median(summary).toFixed(0)} ms (min ${Math.min(...summary).toFixed(0)})`,
);
