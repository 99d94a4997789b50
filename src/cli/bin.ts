// The entry of dist/cli.js: the program is dist/memwhy.cjs, the bundle the single executable runs too
// (scripts/build.mjs). main reads the Node.js version and refuses (exit 7, one line) only the paths that need a
// newer Node: the cluster and the TUI; --help, --version and --from with text/JSON/YAML work on Node 20.
import { createRequire } from 'node:module';

const { main } = createRequire(import.meta.url)('./memwhy.cjs') as typeof import('./main.js');
await main();
