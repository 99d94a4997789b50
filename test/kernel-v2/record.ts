// Writes snapshot folders from a v2 lab run: `node_modules/.bin/node --import tsx test/kernel-v2/record.ts
// <runDir> <outRoot> [experiment…]` (runDir from `vm.ts <runDir>`; default: every experiment, plus cache-once).
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { writeSnapshot } from './snapshot.js';
import { loadRun } from './vm.js';

function main(argv: string[]): number {
  const [runDir, outRoot, ...names] = argv;
  if (!runDir || !outRoot) {
    console.error('usage: record.ts <runDir> <outRoot> [experiment…]');
    return 2;
  }
  const run = loadRun(path.resolve(runDir));
  const all = names.length ? names : ['cache-once', ...run.plan.map((e) => e.name)];
  for (const n of all) console.log(writeSnapshot(run, n, path.join(outRoot, n)));
  return 0;
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) process.exitCode = main(process.argv.slice(2));
