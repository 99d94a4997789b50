// The answers that need no argument parser: `--version`, and `--help` (also `-h`, `help`) at a width whose text
// was rendered by yargs at build time (scripts/help-texts.mjs). Loading yargs and string-width costs more than
// the rest of such a run (issue 12), so main asks here first; anything else, or another width, goes to yargs,
// which prints the same bytes.
import type { Env, OutStream } from './main.js';

/** Set by the build (esbuild `define`): JSON of { [width]: help text }; absent when run from source. */
declare const __MEMWHY_HELP__: string | undefined;

/** The widths the build renders: 80 (a pipe, or COLUMNS unset) and 100 (any terminal at least that wide). */
export const PRERENDERED_HELP_WIDTHS = [80, 100] as const;

/** The text's width: the terminal's columns, else $COLUMNS, else 80 (what kubectl's own wrapping assumes). */
export function textWidth(stdout: OutStream, env: Env): number {
  if (stdout.isTTY === true && typeof stdout.columns === 'number' && stdout.columns > 0) return stdout.columns;
  const columns = Number.parseInt(env.COLUMNS ?? '', 10);
  return Number.isFinite(columns) && columns > 0 ? columns : 80;
}

/** --help wraps at the terminal's width, but never wider than 100 columns. */
export function helpWidth(stdout: OutStream, env: Env): number {
  return Math.min(100, textWidth(stdout, env));
}

export function withNewline(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`;
}

/** What to print for `argv` without parsing it, or null when it needs yargs. */
export function quickAnswer(argv: readonly string[], env: Env, stdout: OutStream, version: string): string | null {
  if (argv.length !== 1) return null;
  const arg = argv[0];
  if (arg === '--version') return withNewline(version);
  if (arg !== '--help' && arg !== '-h' && arg !== 'help') return null;
  if (typeof __MEMWHY_HELP__ !== 'string') return null;
  const text = (JSON.parse(__MEMWHY_HELP__) as Record<string, string>)[String(helpWidth(stdout, env))];
  return text === undefined ? null : withNewline(text);
}
