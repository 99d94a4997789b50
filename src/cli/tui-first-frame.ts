// The TUI's plain first frame, written before anything heavy loads: the pod chunk (analysis, renderers, the YAML
// library), then Ink, React and yoga take ~100 ms more. It is drawn on the alternate screen the TUI is about to
// use (entering it again clears this frame); `leave` undoes it when the TUI never starts.
import type { RunOptions } from './args.js';
import type { OutStream } from './main.js';

/** What the plain first frame names: the snapshot folder, the selector or the pod. */
function tuiTitle(options: RunOptions): string {
  if (options.from !== null) return options.from;
  if (!options.target) return '';
  return options.target.kind === 'selector' ? `-l ${options.target.selector}` : options.target.name;
}

export function showFirstFrame(options: RunOptions, stdout: OutStream): void {
  stdout.write(`\u001b[?1049h\u001b[H\u001b[2J memwhy  ${tuiTitle(options)}\n\n  gathering…\n`);
}

export function leaveFirstFrame(stdout: OutStream): void {
  stdout.write('\u001b[?1049l');
}
