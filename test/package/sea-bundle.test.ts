// scripts/build-sea-bundle.mjs: the CommonJS bundle a Node 22 single executable runs. Builds it (about a
// second) and runs it with plain Node: the CLI itself, and a probe that loads Ink (through the patched
// yoga-layout and reconciler) and client-node the way the CLI's lazy paths do. A dependency update that
// breaks one of the rewrites fails here, not in a release.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { chunksOf } from './bundle-chunks.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const OUT = join(ROOT, 'build', 'test-sea-bundle'); // build/ is git-ignored
const VERSION = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version as string;
const node = process.execPath;

function bundle(entry: string, outfile: string, ...flags: string[]): string {
  const r = spawnSync(node, ['scripts/build-sea-bundle.mjs', '--entry', entry, '--outfile', outfile, ...flags], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  assert.equal(r.stderr, '', 'esbuild warnings');
  return r.stdout;
}

const PROBE = `
import React from 'react';
async function main(): Promise<void> {
  const yoga = (await import('yoga-layout')) as unknown as { yogaReady?: Promise<unknown>; default: { Node?: unknown } };
  if (!yoga.yogaReady) throw new Error('yoga-layout was not patched: no yogaReady');
  if (yoga.default.Node) throw new Error('Yoga.Node exists before yogaReady resolved');
  await yoga.yogaReady;
  if (!yoga.default.Node) throw new Error('Yoga.Node missing after yogaReady');
  const { render, Box, Text } = await import('ink');
  const app = render(React.createElement(Box, { borderStyle: 'round' }, React.createElement(Text, null, 'ink in a CommonJS bundle')), { patchConsole: false });
  app.unmount();
  const k8s = await import('@kubernetes/client-node');
  const kc = new k8s.KubeConfig();
  kc.loadFromOptions({ clusters: [{ name: 'c', server: 'https://127.0.0.1:1' }], users: [{ name: 'u', token: 't' }], contexts: [{ name: 'x', cluster: 'c', user: 'u' }], currentContext: 'x' });
  kc.makeApiClient(k8s.CoreV1Api);
  console.log('client-node loaded: ' + kc.getCurrentCluster()?.server);
}
if (process.argv.includes('--heavy')) main().catch((err) => { console.error(err); process.exit(1); });
else console.log('light: nothing loaded');
`;

describe('the SEA bundle (CommonJS)', () => {
  before(() => {
    rmSync(OUT, { recursive: true, force: true });
    mkdirSync(OUT, { recursive: true });
  });
  after(() => rmSync(OUT, { recursive: true, force: true }));

  test('src/cli/main.ts bundles to CommonJS and runs: --version, --help, a diagnosis', () => {
    const out = join(OUT, 'cli.cjs');
    bundle('src/cli/main.ts', out);
    const code = readFileSync(out, 'utf8');
    assert.ok(
      code.startsWith('"use strict";\nconst __importMetaUrl=require("node:url").pathToFileURL(__filename).href;\n'),
    );
    assert.doesNotMatch(code, /import\.meta/);
    const run = (...args: string[]) => spawnSync(node, [out, ...args], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(run('--version').stdout.trim(), VERSION);
    assert.match(run('--help').stdout, /Usage: kubectl memwhy/);
    const diag = run('--from', 'examples/oomkilled-container', '-o', 'json');
    assert.equal(diag.status, 0, diag.stderr);
    assert.ok(JSON.parse(diag.stdout).verdicts.length > 0);
  });

  test('the metafile lists what was bundled', () => {
    const meta = JSON.parse(readFileSync(join(OUT, 'meta.json'), 'utf8')) as { inputs: Record<string, unknown> };
    assert.ok(Object.keys(meta.inputs).some((i) => i === 'src/cli/main.ts'));
    assert.ok(Object.keys(meta.inputs).some((i) => i.startsWith('node_modules/yargs/')));
  });

  test('every string-width in it is the vendored copy', () => {
    const meta = JSON.parse(readFileSync(join(OUT, 'meta.json'), 'utf8')) as { inputs: Record<string, unknown> };
    // stringWidthAlias: Ink's, wrap-ansi's and cliui's `import 'string-width'` (8.3.0 and the nested 7.2.0) all
    // resolve to the vendored copy, and 7.2.0's emoji-regex goes with them.
    assert.ok(Object.keys(meta.inputs).includes('src/render/string-width.ts'));
    assert.deepEqual(
      Object.keys(meta.inputs).filter((i) => /(^|\/)node_modules\/(.+\/)?(string-width|emoji-regex)\//.test(i)),
      [],
    );
  });

  for (const mode of ['split', 'no-split'] as const) {
    test(`${mode}: Ink (patched yoga-layout, reconciler without top-level await) and client-node load lazily and work`, () => {
      mkdirSync(join(OUT, mode), { recursive: true });
      const entry = join(OUT, mode, 'probe.ts');
      writeFileSync(entry, PROBE);
      const out = join(OUT, mode, 'probe.cjs');
      bundle(entry, out, ...(mode === 'split' ? [] : ['--no-split']));
      const light = spawnSync(node, [out], { encoding: 'utf8' });
      assert.equal(light.stdout, 'light: nothing loaded\n', light.stderr);
      const r = spawnSync(node, [out, '--heavy'], { encoding: 'utf8', env: { ...process.env, CI: '1' } });
      assert.equal(r.status, 0, r.stderr);
      assert.match(r.stdout, /ink in a CommonJS bundle/);
      assert.match(r.stdout, /client-node loaded: https:\/\/127\.0\.0\.1:1/);
      const inputs = Object.keys(
        (JSON.parse(readFileSync(join(OUT, mode, 'meta.json'), 'utf8')) as { inputs: object }).inputs,
      );
      assert.ok(
        inputs.some((i) => i.endsWith('ink/build/reconciler.js')),
        'ink is in the bundle',
      );
      assert.deepEqual(
        inputs.filter((i) => /devtools/.test(i)),
        [],
        'React devtools stay out of the bundle',
      );
      if (mode === 'split') {
        // What a plain run compiles is the main chunk; Ink and client-node wait, as strings, for their import().
        const chunks = chunksOf(out);
        assert.ok(Object.keys(chunks).length > 2, 'dynamic imports became chunks');
        const main = chunks['main.js']!;
        assert.ok(main.code.length < 50_000, `main chunk is ${main.code.length} bytes`);
        assert.doesNotMatch(main.code, /ink-root|V1PodSpec/, 'Ink and client-node are not in the main chunk');
        assert.equal(main.gzipped, false, 'the main chunk is read without zlib');
        const big = Object.values(chunks).filter((c) => /ink-root|V1PodSpec/.test(c.code));
        assert.ok(big.length >= 2 && big.every((c) => c.gzipped), 'Ink and client-node are gzipped');
        assert.doesNotMatch(
          readFileSync(out, 'utf8'),
          /^const __memwhyChunks=/m,
          'no table of string literals to parse',
        );
      }
    });
  }

  test('split: import() of a CommonJS package fails the build, naming it', () => {
    const entry = join(OUT, 'cjs-dynamic.ts');
    writeFileSync(entry, "void import('react').then((r) => console.log(Object.keys(r)));\n");
    const r = spawnSync(
      node,
      ['scripts/build-sea-bundle.mjs', '--entry', entry, '--outfile', join(OUT, 'cjs-dynamic.cjs')],
      { cwd: ROOT, encoding: 'utf8' },
    );
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /import\('react'\) loads a CommonJS package/);
  });

  test('a top-level await outside the isEntryPoint() block fails the build', () => {
    const entry = join(OUT, 'tla.ts');
    writeFileSync(entry, 'const x = await Promise.resolve(1);\nconsole.log(x);\n');
    const r = spawnSync(node, ['scripts/build-sea-bundle.mjs', '--entry', entry, '--outfile', join(OUT, 'tla.cjs')], {
      cwd: ROOT,
      encoding: 'utf8',
    });
    assert.notEqual(r.status, 0);
    assert.match(r.stderr, /top-level await outside an `if \(isEntryPoint\(\)\) \{ … \}` block/);
  });

  test('the isEntryPoint() block with a top-level await is wrapped, and still sets the exit code', () => {
    const entry = join(OUT, 'entry-tla.ts');
    writeFileSync(
      entry,
      [
        "const isEntryPoint = (): boolean => process.argv[1] !== undefined && process.argv[1].endsWith('.cjs');",
        'async function run(): Promise<number> { return 7; }',
        'if (isEntryPoint()) {',
        "  const note = '{ a brace in a string }';",
        '  process.exitCode = await run();',
        '  console.log(`ran ${note}`);',
        '}',
        '',
      ].join('\n'),
    );
    const out = join(OUT, 'entry-tla.cjs');
    bundle(entry, out);
    const r = spawnSync(node, [out], { encoding: 'utf8' });
    assert.equal(r.status, 7, r.stderr);
    assert.equal(r.stdout, 'ran { a brace in a string }\n');
  });
});
