// The entry of dist/cli.js. It reads the Node.js version before importing anything heavy and hands the verdict
// to main, which refuses (exit 7, one line) only the paths that need a newer Node: the cluster and the TUI.
import nodeModule from 'node:module';
import pkg from '../../package.json' with { type: 'json' };
import { codeCacheDir } from './code-cache.js';
import { runtimeProblem } from './runtime.js';

// V8's code of the chunks kept on disk (Node ≥ 22.1), so a later run does not compile them again: 10–17 ms of an
// API-only diagnosis (bench/RESULTS.md). Older Nodes lack the function; NODE_DISABLE_COMPILE_CACHE=1 turns it off.
const cacheDir = codeCacheDir(process.env, process.platform);
if (cacheDir !== null) nodeModule.enableCompileCache?.(cacheDir);

const { main } = await import('./main.js');
await main({ runtimeProblem: runtimeProblem(process.versions.node, pkg.engines.node) });
