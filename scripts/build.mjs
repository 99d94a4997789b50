// Bundle the CLI into one ESM file, dist/cli.js, runnable as `node dist/cli.js` or through the bin link.
// Packaging into a single executable comes later.
import { chmod } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));
const outfile = 'dist/cli.js';

await build({
  absWorkingDir: root,
  entryPoints: ['src/cli/main.ts'],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  banner: {
    js: [
      '#!/usr/bin/env node',
      // For any CommonJS dependency that calls require() inside the ESM bundle.
      "import { createRequire as __memwhyCreateRequire } from 'node:module';",
      'const require = __memwhyCreateRequire(import.meta.url);',
    ].join('\n'),
  },
  logLevel: 'warning',
});
await chmod(new URL(`../${outfile}`, import.meta.url), 0o755);
console.log(`built ${outfile}`);
