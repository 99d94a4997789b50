// Bundle the CLI into one ESM file, dist/cli.js, runnable as `node dist/cli.js` or through the bin link.
// The single executable is built by scripts/package.mjs from the same entry.
import { chmod, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { stringWidthAlias, yogaWithoutFetch } from './build-sea-bundle.mjs';
import { helpDefine } from './help-texts.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const outfile = 'dist/cli.js';

// Chunk names carry a content hash: without this every build would leave the previous chunks beside the new ones
// (and in the npm package, whose `files` lists dist).
await rm(`${root}dist/chunks`, { recursive: true, force: true });

await build({
  absWorkingDir: root,
  // bin.ts checks the Node version first, then imports main.ts (a chunk).
  entryPoints: ['src/cli/bin.ts'],
  // Code splitting: the lazily imported TUI and cluster client become chunks that are only read and
  // compiled when used, so --help, --from and text output do not pay for them.
  outdir: 'dist',
  entryNames: 'cli',
  chunkNames: 'chunks/[name]-[hash]',
  splitting: true,
  bundle: true,
  platform: 'node',
  format: 'esm',
  // package.json engines: >=22.19. bin.ts itself uses nothing newer than Node 14 syntax, so older Nodes reach its check.
  target: 'node22.19',
  alias: {
    // Ink imports react-devtools-core (an optional peer, not installed) for DEV=true; a stub keeps the bundle whole.
    'react-devtools-core': './src/stubs/react-devtools-core.cjs',
    // Every `import 'string-width'` (ours, Ink's, yargs' cliui and wrap-ansi with their nested 7.2.0) → the
    // vendored copy, which builds its Intl.Segmenter and emoji regex on first need: start-up cost, see there.
    ...stringWidthAlias,
  },
  // __MEMWHY_HELP__: the --help texts rendered now, so --help need not load yargs (src/cli/quick.ts).
  define: { 'process.env.NODE_ENV': '"production"', ...(await helpDefine()) },
  minify: true,
  legalComments: 'linked',
  banner: {
    js: [
      '#!/usr/bin/env node',
      // For any CommonJS dependency that calls require() inside the ESM bundle.
      "import { createRequire as __memwhyCreateRequire } from 'node:module';",
      'const require = __memwhyCreateRequire(import.meta.url);',
    ].join('\n'),
  },
  // yoga-layout's wasm loader without its `typeof fetch` (see build-sea-bundle.mjs).
  plugins: [yogaWithoutFetch],
  logLevel: 'warning',
});
await chmod(new URL(`../${outfile}`, import.meta.url), 0o755);
console.log(`built ${outfile}`);
