// The --help texts yargs renders, at the widths src/cli/quick.ts answers without loading yargs. The build embeds
// them (esbuild `define` __MEMWHY_HELP__), so `kubectl memwhy --help` prints the same bytes in a fraction of
// the time; test/cli/quick.test.ts checks the built CLI against yargs at every width.
import { tsImport } from 'tsx/esm/api';

/** Keep in step with PRERENDERED_HELP_WIDTHS in src/cli/quick.ts (the test above fails otherwise). */
export const HELP_WIDTHS = [80, 100];

/** { "80": text, "100": text }, rendered by the CLI's own parser from source. */
export async function helpTexts() {
  const { parseArgs } = await tsImport('../src/cli/args.ts', import.meta.url);
  return Object.fromEntries(
    HELP_WIDTHS.map((width) => {
      const options = parseArgs(['--help'], { width });
      if (options.kind !== 'help') throw new Error('help-texts: --help did not produce the help');
      return [String(width), options.text];
    }),
  );
}

/** The esbuild `define` entry: a string literal holding the JSON (parsed only when --help is asked). */
export async function helpDefine() {
  return { __MEMWHY_HELP__: JSON.stringify(JSON.stringify(await helpTexts())) };
}
