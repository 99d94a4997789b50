// Bundle the CLI into ONE CommonJS file: build/sea/cli.cjs for a Node 22 single executable (pkg --sea), and the same
// bundle as dist/cli.js (scripts/build.mjs).
//
//   node scripts/build-sea-bundle.mjs [--entry src/cli/main.ts] [--outfile build/sea/cli.cjs] [--no-split] [--licenses]
//
// Node 22's SEA main script must be CommonJS, and CommonJS has no top-level await, so a few sources are
// rewritten on the way in (each rewrite fails the build loudly when its pattern stops matching):
//   - yoga-layout's entry (`wrapAssembly(await loadYoga())`) becomes a module whose default export is an
//     object pre-filled with the enums, completed when the exported `yogaReady` promise resolves;
//   - ink's reconciler loses its DEV-only top-level awaits (React devtools, package.json metadata);
//   - react-devtools-core is aliased to a stub (src/stubs/react-devtools-core.cjs);
//   - string-width is aliased to src/render/string-width.ts (stringWidthAlias);
//   - a top-level `if (isEntryPoint()) { … await … }` block in the entry becomes an async IIFE.
// And yoga-layout's wasm loader decodes its inline wasm itself instead of through `fetch`, which loads Node's
// undici (yogaWithoutFetch).
// `import.meta.url` becomes `__importMetaUrl` (the file's URL; yargs needs it), NODE_ENV is production.
//
// Dynamic imports (client-node, Ink) stay lazy twice over. They are not evaluated until the import()
// runs, and by default (split) they are not even parsed: each becomes a chunk kept as base64 in a comment and
// compiled on first use (see buildSeaBundle). `--no-split` inlines them into one plain CommonJS file.
//
// The metafile is written next to the bundle (meta.json); `--licenses` also rewrites LICENSE-THIRD-PARTY
// from it (every npm package esbuild put in the bundle, plus the Node.js runtime the binary embeds).
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build, transform } from 'esbuild';
import { helpDefine } from './help-texts.mjs';

export const root = fileURLToPath(new URL('..', import.meta.url));
const stubs = join(root, 'src', 'stubs');

/** One exact text rewrite; throws when `from` does not occur exactly `count` times. */
function rewrite(source, file, from, to, count = 1) {
  const found = source.split(from).length - 1;
  if (found !== count) {
    throw new Error(
      `build-sea-bundle: expected ${count} occurrence(s) of ${JSON.stringify(from)} in ${relative(root, file)}, found ${found}. ` +
        'The dependency changed: update the rewrite in scripts/build-sea-bundle.mjs.',
    );
  }
  return source.split(from).join(to);
}

const YOGA_ENTRY = `
// Rewritten by scripts/build-sea-bundle.mjs: the original awaits the wasm at the top level, which a
// CommonJS bundle cannot do. The default export is filled in when yogaReady resolves; await it (after
// import('yoga-layout')) before creating any Yoga node.
import loadYoga from '../binaries/yoga-wasm-base64-esm.js';
import wrapAssembly from './wrapAssembly.js';
import YGEnums from './generated/YGEnums.js';
const Yoga = { ...YGEnums };
export const yogaReady = loadYoga().then((lib) => Object.assign(Yoga, wrapAssembly(lib)));
export default Yoga;
export * from './generated/YGEnums.js';
`;

/** The package.json "type" that governs a file: is it CommonJS? */
function isCommonJs(file) {
  if (file.endsWith('.cjs')) return true;
  if (file.endsWith('.mjs') || !file.endsWith('.js')) return false;
  for (let dir = dirname(file); dir !== dirname(dir); dir = dirname(dir)) {
    const pj = join(dir, 'package.json');
    if (existsSync(pj)) return JSON.parse(readFileSync(pj, 'utf8')).type !== 'module';
  }
  return true;
}

/** esbuild plugin: the CommonJS-compatibility rewrites described at the top of this file. */
function seaCompat({ entry, split }) {
  const entryAbs = resolve(root, entry);
  return {
    name: 'memwhy-sea-compat',
    setup(b) {
      b.onResolve({ filter: /^react-devtools-core$/ }, () => ({ path: join(stubs, 'react-devtools-core.cjs') }));

      if (split) {
        // With code splitting, import() of a CommonJS package yields only { default } (esbuild's ESM
        // output), where Node would also expose its named exports. Refuse it rather than break at run time.
        b.onResolve({ filter: /^[^./]/ }, async (args) => {
          if (args.kind !== 'dynamic-import' || args.pluginData?.memwhyInner) return undefined;
          const r = await b.resolve(args.path, {
            kind: args.kind,
            importer: args.importer,
            resolveDir: args.resolveDir,
            pluginData: { memwhyInner: true },
          });
          if (r.errors.length === 0 && !r.external && r.path && isCommonJs(r.path)) {
            return {
              errors: [
                {
                  text: `import('${args.path}') loads a CommonJS package: in the split SEA bundle it would only have a default export. Import it statically from an ES module that is itself imported dynamically (or use --no-split).`,
                },
              ],
            };
          }
          return undefined;
        });
      }

      b.onLoad({ filter: /[\\/]yoga-layout[\\/]dist[\\/]src[\\/]index\.js$/ }, async (args) => {
        const original = await readFile(args.path, 'utf8');
        if (!original.includes('wrapAssembly(await loadYoga())')) {
          throw new Error(
            `build-sea-bundle: ${relative(root, args.path)} no longer contains "wrapAssembly(await loadYoga())"; ` +
              'yoga-layout changed, update YOGA_ENTRY in scripts/build-sea-bundle.mjs.',
          );
        }
        return { contents: YOGA_ENTRY, loader: 'js', resolveDir: dirname(args.path) };
      });

      b.onLoad({ filter: /[\\/]ink[\\/]build[\\/]reconciler\.js$/ }, async (args) => {
        let s = await readFile(args.path, 'utf8');
        // DEV=true only: connect to React devtools. Never in a release binary.
        s = rewrite(
          s,
          args.path,
          "await import('./devtools.js');",
          '/* memwhy: devtools removed from the SEA bundle */',
        );
        // DEV=true only: read ink's package.json for renderer metadata; the fallback is fine.
        s = rewrite(s, args.path, 'const loaded = await loadPackageJson();', 'const loaded = {};');
        return { contents: s, loader: 'js' };
      });

      b.onLoad({ filter: /\.[cm]?tsx?$/ }, async (args) => {
        if (args.path !== entryAbs) return undefined;
        const source = await readFile(args.path, 'utf8');
        const loader = args.path.endsWith('x') ? 'tsx' : 'ts';
        return { contents: await withoutTopLevelAwait(source, args.path, loader), loader };
      });
    },
  };
}

/**
 * The entry may end with `if (isEntryPoint()) { … process.exitCode = await run(…) }`. That top-level
 * await is legal ESM but not CommonJS, so the block's body is wrapped in an async IIFE (same behaviour:
 * it is the last statement and declares nothing). Anything else with a top-level await fails loudly.
 */
export async function withoutTopLevelAwait(source, file, loader = 'ts') {
  if (await compilesAsCjs(source, loader)) return source;
  const m = /^if \(isEntryPoint\(\)\) \{$/m.exec(source);
  if (!m) {
    throw new Error(
      `build-sea-bundle: ${relative(root, file)} has a top-level await outside an \`if (isEntryPoint()) { … }\` block; ` +
        'a CommonJS SEA bundle cannot hold it. Move it into an async function (e.g. `void main()`).',
    );
  }
  const open = m.index + m[0].length - 1;
  const close = matchingBrace(source, open);
  const body = source.slice(open + 1, close);
  const patched =
    `${source.slice(0, open + 1)}\n  void (async () => {${body}})().catch((err) => {\n` +
    `    process.stderr.write(\`error: internal error: \${err instanceof Error ? err.stack : String(err)}\\n\`);\n` +
    `    process.exitCode = 70;\n  });\n}${source.slice(close + 1)}`;
  if (!(await compilesAsCjs(patched, loader))) {
    throw new Error(
      `build-sea-bundle: ${relative(root, file)} still has a top-level await after wrapping its isEntryPoint() block; ` +
        'move it into an async function.',
    );
  }
  return patched;
}

async function compilesAsCjs(source, loader) {
  try {
    await transform(source, { loader, format: 'cjs', logLevel: 'silent' });
    return true;
  } catch (err) {
    if (/top-level await/i.test(String(err?.message))) return false;
    throw err;
  }
}

/** Index of the `}` closing the `{` at `open`, skipping strings, template literals and comments. */
function matchingBrace(s, open) {
  let depth = 0;
  for (let i = open; i < s.length; i++) {
    const c = s[i];
    if (c === '/' && s[i + 1] === '/') i = s.indexOf('\n', i) === -1 ? s.length : s.indexOf('\n', i);
    else if (c === '/' && s[i + 1] === '*') i = s.indexOf('*/', i + 2) + 1;
    else if (c === '"' || c === "'" || c === '`') {
      for (i++; i < s.length && s[i] !== c; i++) if (s[i] === '\\') i++;
    } else if (c === '{') depth++;
    else if (c === '}' && --depth === 0) return i;
  }
  throw new Error('build-sea-bundle: unbalanced braces in the entry point');
}

/**
 * Every `import 'string-width'` in the bundle, from our code or from inside node_modules (Ink, widest-line,
 * cli-truncate, slice-ansi: 8.3.0; wrap-ansi 9 and cliui under yargs: their nested 7.2.0 copies), resolves to
 * the vendored 8.3.0 in src/render/string-width.ts. Why: start-up cost. The packages build an Intl.Segmenter
 * (and 8.3.0 its /^\p{RGI_Emoji}$/v) when they load or first measure non-ASCII, ~20-65 ms of every start that
 * renders (a pod's diagnosis, --from, the views, the TUI) though the text is ASCII and a few symbols; the copy
 * builds them on first need only, and the bundle holds one implementation instead of three (and no emoji-regex).
 * The 7.2.0 callers get 8.3.0's rules. The API is the same: a default export (string, options) → number with the
 * same options and defaults (ambiguousIsNarrow = true, countAnsiEscapeCodes = false). The widths differ only
 * where 8.3.0 follows the grapheme and emoji rules more closely: text-style emoji (✖ ♥ are 2 columns in 7.2.0,
 * 1 in 8.3.0), lone marks, format and unassigned characters outside the ranges 7.2.0 lists (0 in 8.3.0), spacing
 * marks and halfwidth voiced marks (counted by 8.3.0). yargs' help is ASCII (test/cli/quick.test.ts compares the
 * built --help with yargs run from source, that is with 7.2.0).
 * A relative alias path is resolved from absWorkingDir (the repository root).
 */
const stringWidthAlias = { 'string-width': './src/render/string-width.ts' };

const YOGA_WASM = /[\\/]yoga-layout[\\/]dist[\\/]binaries[\\/]yoga-wasm-base64-esm\.js$/;
const YOGA_FETCH = 'function ya(){return w||"function"!=typeof fetch?';

/**
 * esbuild plugin: yoga-layout's emscripten loader reads its wasm, a base64
 * data: URI in the file, with `fetch` whenever a global fetch exists. In Node that `typeof fetch` loads Node's
 * bundled undici and then decodes the data: URI through it, on every TUI start, where the loader's own
 * synchronous base64 decoding (wa(), the branch taken when there is no fetch) gives the same bytes. The check is
 * taken out; the build fails if the loader's text changes.
 */
const yogaWithoutFetch = {
  name: 'memwhy-yoga-without-fetch',
  setup(b) {
    b.onLoad({ filter: YOGA_WASM }, async (args) => ({
      contents: rewrite(await readFile(args.path, 'utf8'), args.path, YOGA_FETCH, 'function ya(){return true?'),
      loader: 'js',
    }));
  },
};

const BANNER = 'const __importMetaUrl=require("node:url").pathToFileURL(__filename).href;';

/** `help`: helpDefine()'s entry (the --help texts rendered at build time), or none. */
export function esbuildOptions(entry, split = true, help = {}) {
  return {
    absWorkingDir: root,
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    target: 'node22',
    legalComments: 'none', // the licences ship in LICENSE-THIRD-PARTY
    metafile: true,
    alias: stringWidthAlias,
    define: {
      'process.env.NODE_ENV': '"production"',
      'import.meta.url': '__importMetaUrl',
      ...help,
    },
    // esbuild resolves `require()` inside try/catch as optional (ws's bufferutil …); keep those quiet.
    logOverride: { 'require-resolve-not-external': 'silent' },
    plugins: [yogaWithoutFetch, seaCompat({ entry, split })],
    logLevel: 'warning',
  };
}

/** A chunk's name in the bundle (`main.js`, `args-ABC123.js`): its path below esbuild's outdir, with slashes. */
function chunkName(outDir, path) {
  return relative(outDir, resolve(root, path)).split('\\').join('/');
}

/** main.js and the chunks it imports statically, at any depth: what every start loads (--version, --help). */
function startupChunks(metafile, outDir) {
  const byName = new Map(Object.entries(metafile.outputs).map(([path, out]) => [chunkName(outDir, path), out]));
  const names = new Set();
  const visit = (name) => {
    if (names.has(name) || !byName.has(name)) return;
    names.add(name);
    for (const imp of byName.get(name).imports ?? [])
      if (imp.kind === 'import-statement' && !imp.external) visit(chunkName(outDir, imp.path));
  };
  visit('main.js');
  if (!names.has('main.js')) throw new Error('build-sea-bundle: main.js is not among the outputs');
  return names;
}

/**
 * Every chunk as one line of base64 in `data`, and where each is: { name: [offset, length, gzipped] }. The startup
 * chunks are plain base64 (no zlib to load for --version); the others gzip+base64: they shrink ~4x and are inflated
 * (a few ms) only when their import() runs. base64 never holds the end of a comment.
 */
function chunkData(chunks, startup) {
  let data = '';
  const index = {};
  for (const [name, code] of Object.entries(chunks)) {
    const gzipped = !startup.has(name);
    const text = (gzipped ? gzipSync(code, { level: 9 }) : Buffer.from(code)).toString('base64');
    index[name] = [data.length, text.length, gzipped ? 1 : 0];
    data += `${text}\n`;
  }
  return { data, index };
}

/**
 * Builds the bundle; returns { outfile, metafile, bytes, chunks }.
 *
 * split (default): esbuild splits the program at its dynamic imports (ESM code splitting); every chunk
 * is converted to CommonJS and kept as base64 (gzipped but for the startup chunks, chunkData) in a comment of
 * the one output file, before the loader (scripts/sea-chunk-loader.cjs) that compiles a chunk the first time
 * it is required. V8 only skips a comment, so modules behind a dynamic import (client-node, Ink) cost nothing
 * until the import() runs: measured here, inlining them added ~35 ms to `--help` (4.5 MB of probe code:
 * ~190 ms), plain strings ~20 ms, compressed strings ~4 ms, the comment ~6 ms less than those. Module identity is kept: a module shared by two chunks lives in one
 * shared chunk, as in ESM.
 * split: false: one plain CommonJS file, dynamic imports inlined (evaluated lazily, parsed at start).
 */
export async function buildSeaBundle({
  entry = 'src/cli/main.ts',
  outfile = 'build/sea/cli.cjs',
  minify = true,
  split = true,
  writeMeta = true,
  shebang = false,
} = {}) {
  const outAbs = resolve(root, outfile);
  const metaFile = join(dirname(outAbs), 'meta.json');
  await mkdir(dirname(outAbs), { recursive: true });
  const help = await helpDefine();
  if (!split) {
    const result = await build({
      ...esbuildOptions(entry, false, help),
      outfile: outAbs,
      format: 'cjs',
      minify,
      banner: { js: BANNER },
    });
    if (writeMeta) await writeFile(metaFile, JSON.stringify(result.metafile));
    return { outfile: outAbs, metafile: result.metafile, bytes: statSync(outAbs).size, chunks: 1 };
  }
  const result = await build({
    ...esbuildOptions(entry, true, help),
    format: 'esm',
    splitting: true,
    outdir: join(dirname(outAbs), 'chunks'), // never written (write: false): it names the chunks
    entryNames: 'main',
    chunkNames: '[name]-[hash]',
    minify,
    write: false,
  });
  const chunks = {};
  const outDir = join(dirname(outAbs), 'chunks');
  for (const file of result.outputFiles) {
    const name = chunkName(outDir, file.path);
    // ESM → CommonJS, one chunk at a time; import() becomes a promise around require().
    const cjs = await transform(file.text, {
      format: 'cjs',
      loader: 'js',
      minify,
      target: 'node22',
      supported: { 'dynamic-import': false },
      logLevel: 'error',
    });
    chunks[name] = cjs.code;
  }
  if (!chunks['main.js']) throw new Error('build-sea-bundle: esbuild produced no main.js entry chunk');
  const startup = startupChunks(result.metafile, outDir);
  const { data, index } = chunkData(chunks, startup);
  const buildId = createHash('sha256').update(data).digest('hex').slice(0, 16);
  const loader = [
    ...(shebang ? ['#!/usr/bin/env node'] : []),
    '"use strict";',
    BANNER,
    // The chunks live in a comment, read back through Function.prototype.toString (the exact source text): V8
    // skips a comment, where a 0.9 MB table of string literals cost ~6 ms of parsing at every start.
    `function __memwhyData(){/*\n${data}*/}`,
    `const __memwhyIndex=${JSON.stringify(index)};`,
    `const __memwhyBuild=${JSON.stringify(buildId)};`,
    readFileSync(join(root, 'scripts/sea-chunk-loader.cjs'), 'utf8'),
    '',
  ].join('\n');
  await writeFile(outAbs, loader);
  if (writeMeta) await writeFile(metaFile, JSON.stringify(result.metafile));
  return {
    outfile: outAbs,
    metafile: result.metafile,
    bytes: statSync(outAbs).size,
    chunks: Object.keys(chunks).length,
  };
}

// ---------------------------------------------------------------------------------------------------
// Third-party licences.

const LICENSE_FILE = /^(un)?(licen[cs]e|copying|notice)([.-].*)?$/i;

/**
 * Sources of ours that are copies of an npm package (whose licence, then, still ships): the file → the package,
 * read from node_modules for its version and licence (package.json pins the version that was copied).
 */
export const VENDORED = { 'src/render/string-width.ts': 'string-width' };

/** The npm packages (name, version, dir) whose files esbuild put in the bundle, vendored copies included. */
export function bundledPackages(metafile) {
  const dirs = new Map(); // package dir → the bundled files in it
  for (const input of Object.keys(metafile.inputs)) {
    const vendored = VENDORED[input.split('\\').join('/')];
    if (vendored) {
      const dir = join(root, 'node_modules', vendored);
      dirs.set(dir, [...(dirs.get(dir) ?? []), join(root, input)]);
      continue;
    }
    const parts = input.split(/[\\/]/);
    const at = parts.lastIndexOf('node_modules');
    if (at < 0) continue;
    const name = parts[at + 1]?.startsWith('@') ? parts.slice(at + 1, at + 3) : parts.slice(at + 1, at + 2);
    const dir = join(root, ...parts.slice(0, at + 1), ...name);
    dirs.set(dir, [...(dirs.get(dir) ?? []), join(root, input)]);
  }
  const packages = [];
  const seen = new Set();
  for (const [dir, files] of [...dirs].sort(([a], [b]) => (a < b ? -1 : 1))) {
    const pj = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    if (seen.has(`${pj.name}@${pj.version}`)) continue; // the same version nested twice in node_modules
    seen.add(`${pj.name}@${pj.version}`);
    packages.push({ name: pj.name, version: pj.version, license: licenseField(pj), dir, author: authorOf(pj), files });
  }
  return packages.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function licenseField(pj) {
  if (typeof pj.license === 'string') return pj.license;
  if (pj.license?.type) return pj.license.type;
  if (Array.isArray(pj.licenses)) return pj.licenses.map((l) => l.type ?? l).join(' OR ');
  return 'UNKNOWN';
}

function authorOf(pj) {
  const a = pj.author;
  return typeof a === 'string' ? a : (a?.name ?? null);
}

function licenseTexts(dir) {
  return readdirSync(dir)
    .filter((f) => LICENSE_FILE.test(f) && statSync(join(dir, f)).isFile())
    .sort()
    .map((f) => readFileSync(join(dir, f), 'utf8').replace(/\r\n/g, '\n').trimEnd());
}

/**
 * LICENSE-THIRD-PARTY text. `nodeLicense` is the Node.js runtime's LICENSE (the binary embeds Node);
 * packages without a licence file get their package.json licence and author (noted in `missing`).
 */
export function thirdPartyNotice(metafile, { nodeVersion, nodeLicense }) {
  const packages = bundledPackages(metafile).filter((p) => p.name !== 'kubectl-memwhy');
  const missing = [];
  const rule = '='.repeat(100);
  const out = [
    'kubectl-memwhy ships as one executable that embeds the Node.js runtime and the npm packages listed',
    'below. Their licence texts follow. (Generated by `npm run package` from the esbuild metafile of',
    'the bundle; do not edit by hand.)',
    '',
    `Node.js ${nodeVersion}`,
    ...packages.map((p) => `${p.name}@${p.version} (${p.license})`),
    '',
  ];
  out.push(rule, `Node.js ${nodeVersion}`, 'https://github.com/nodejs/node', rule, '');
  if (nodeLicense) out.push(nodeLicense.replace(/\r\n/g, '\n').trimEnd(), '');
  else {
    missing.push('node');
    out.push(`See https://github.com/nodejs/node/blob/${nodeVersion}/LICENSE`, '');
  }
  for (const p of packages) {
    out.push(rule, `${p.name}@${p.version} (${p.license})`, rule, '');
    const texts = licenseTexts(p.dir);
    const holder = texts.length === 0 && p.license === 'MIT' ? copyrightIn(p.files) : null;
    if (texts.length > 0) out.push(texts.join('\n\n'), '');
    else if (holder) {
      // No licence file in the package (yoga-layout): the MIT text with the notice from its sources.
      out.push(
        `(The package ships no licence file; this is the MIT licence its package.json names, with the`,
        `copyright notice from its source files.)`,
        '',
        MIT_LICENSE.replace('<COPYRIGHT>', holder),
        '',
      );
    } else {
      missing.push(p.name);
      out.push(
        `Licensed under ${p.license}${p.author ? ` by ${p.author}` : ''} (the package ships no licence file).`,
        '',
      );
    }
  }
  return { text: `${out.join('\n').trimEnd()}\n`, packages, missing };
}

/** The first `Copyright (c) …` line in a package's bundled files (their header comments). */
function copyrightIn(files) {
  for (const f of files) {
    const m = /Copyright \(c\) ([^\n*]+?)\s*$/m.exec(readFileSync(f, 'utf8').slice(0, 4000));
    if (m) return `Copyright (c) ${m[1]}`;
  }
  return null;
}

const MIT_LICENSE = `MIT License

<COPYRIGHT>

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.`;

/** Node.js's LICENSE for the embedded runtime, as saved by scripts/seed-pkg-cache.mjs; null if absent. */
export function seededNodeLicense(cacheDir, nodeVersion) {
  const file = join(cacheDir, `node-${nodeVersion}-LICENSE`);
  return existsSync(file) ? readFileSync(file, 'utf8') : null;
}

// ---------------------------------------------------------------------------------------------------

function flag(argv, name, fallback) {
  const i = argv.indexOf(name);
  return i >= 0 && argv[i + 1] ? argv[i + 1] : fallback;
}

if (process.argv[1] && pathToFileURL(resolve(process.argv[1])).href === import.meta.url) {
  const argv = process.argv.slice(2);
  const started = performance.now();
  const { outfile, metafile, bytes, chunks } = await buildSeaBundle({
    entry: flag(argv, '--entry', 'src/cli/main.ts'),
    outfile: flag(argv, '--outfile', 'build/sea/cli.cjs'),
    split: !argv.includes('--no-split'),
  });
  console.log(
    `built ${relative(root, outfile)} (${(bytes / 1024).toFixed(0)} KiB, ${chunks} chunk(s), ${Math.round(performance.now() - started)} ms)`,
  );
  if (argv.includes('--licenses')) {
    const { homedir } = await import('node:os');
    const nodeVersion = flag(argv, '--node-version', 'v22.23.3');
    const { text, packages, missing } = thirdPartyNotice(metafile, {
      nodeVersion,
      nodeLicense: seededNodeLicense(join(homedir(), '.pkg-cache', 'sea'), nodeVersion),
    });
    await writeFile(join(root, 'LICENSE-THIRD-PARTY'), text);
    console.log(
      `wrote LICENSE-THIRD-PARTY (${packages.length} packages${missing.length ? `; no licence file: ${missing.join(', ')}` : ''})`,
    );
  }
}
