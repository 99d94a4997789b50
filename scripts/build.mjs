// Build dist/: the program as one CommonJS bundle, dist/memwhy.cjs (scripts/build-sea-bundle.mjs: the same file
// the single executable runs, its chunks compiled on first use and their V8 code kept between runs), and the
// entry dist/cli.js, runnable as `node dist/cli.js` or through the bin link, which checks the Node.js version
// before it loads the bundle.
import { chmod, rm } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { buildSeaBundle } from './build-sea-bundle.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const outfile = 'dist/cli.js';

// What earlier builds left (the ESM chunks of the layout before the bundle).
await rm(`${root}dist`, { recursive: true, force: true });

await buildSeaBundle({ entry: 'src/cli/main.ts', outfile: 'dist/memwhy.cjs', writeMeta: false });

await build({
  absWorkingDir: root,
  // bin.ts requires the bundle and runs its main.
  entryPoints: ['src/cli/bin.ts'],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  external: ['./memwhy.cjs'],
  // package.json engines: >=22.19; main (in the bundle) refuses what an older Node cannot run (src/cli/runtime.ts).
  target: 'node22.19',
  minify: true,
  banner: { js: '#!/usr/bin/env node' },
  logLevel: 'warning',
});
await chmod(new URL(`../${outfile}`, import.meta.url), 0o755);
console.log(`built ${outfile} and dist/memwhy.cjs`);
