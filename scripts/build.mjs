// Build dist/cli.js, runnable as `node dist/cli.js` or through the bin link: the program as one CommonJS bundle
// (scripts/build-sea-bundle.mjs), the same file the single executable runs, its chunks compiled on first use and
// their V8 code kept between runs. dist/package.json makes dist/ CommonJS (the repository's package is ES modules):
// Node then starts it without its ES module loader.
import { chmod, rm, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { buildSeaBundle } from './build-sea-bundle.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const outfile = 'dist/cli.js';

// What earlier builds left (the ES module chunks of the layout before the bundle).
await rm(`${root}dist`, { recursive: true, force: true });
await buildSeaBundle({ entry: 'src/cli/main.ts', outfile, writeMeta: false, shebang: true });
await writeFile(`${root}dist/package.json`, `${JSON.stringify({ type: 'commonjs' })}\n`);
await chmod(`${root}${outfile}`, 0o755);
console.log(`built ${outfile}`);
