// The entry of dist/cli.js. It reads the Node.js version before importing anything heavy and hands the verdict
// to main, which refuses (exit 7, one line) only the paths that need a newer Node: the cluster and the TUI.
import pkg from '../../package.json' with { type: 'json' };
import { runtimeProblem } from './runtime.js';

const { main } = await import('./main.js');
await main({ runtimeProblem: runtimeProblem(process.versions.node, pkg.engines.node) });
