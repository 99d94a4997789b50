// Build kubectl-memwhy as ONE executable: a CommonJS bundle injected into a Node 22 binary by
// `pkg --sea` (@yao-pkg/pkg), offline, from the pinned `node` devDependency.
//
//   npm run package                      → out/kubectl-memwhy (this host), verified
//   npm run package:archive              → also out/kubectl-memwhy_v<version>_<os>_<arch>.tar.gz + .sha256
//   npm run package:archive -- --update-manifest
//                                        → also rewrite plugin.yaml (version, uris, sha256 of the archives in out/)
//
// Flags:
//   --target <key>      linux-x64 (default: this host), linux-arm64, darwin-x64, darwin-arm64, win-x64.
//                       Other targets go to out/<os>_<arch>/kubectl-memwhy[.exe] and are not run.
//   --node <binary>     seed pkg's cache from this Node binary instead of node_modules/.bin/node
//   --npm               seed it from the npm registry package node-<os>-<arch>@<version> instead
//   --no-seed           leave pkg's cache alone (pkg then downloads from nodejs.org and checks SHASUMS256)
//   --no-strip          keep the symbol tables (Linux binaries are stripped by default)
//   --archive           write the release archive and its .sha256
//   --archive-only      archive an already built binary (no esbuild, no pkg; plain Node suffices)
//   --binary <path>     the binary to write or archive (default: out/kubectl-memwhy for this host's
//                       target, out/<os>_<arch>/kubectl-memwhy[.exe] for the others)
//   --update-manifest   rewrite plugin.yaml from the archives in out/ (with --manifest-only: nothing else)
//   --no-verify         skip running the binary
//   --no-split          inline dynamic imports into one plain CommonJS bundle (see build-sea-bundle.mjs)
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, copyFile, mkdir, readFile, readdir, writeFile } from 'node:fs/promises';
import { delimiter, join, relative, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import {
  SEA_CACHE,
  TARGETS,
  hostTarget,
  parseFlags,
  pinnedNodeVersion,
  pkgTarget,
  seedPkgCache,
  tarEntries,
} from './seed-pkg-cache.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const pkgJson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
export const VERSION_TAG = `v${pkgJson.version}`;
export const REPO_URL = 'https://github.com/kubectl-memwhy/kubectl-memwhy';
const BUNDLE = 'build/sea/cli.cjs';

export function archiveName(key, tag = VERSION_TAG) {
  const t = TARGETS[key];
  return `kubectl-memwhy_${tag}_${t.goos}_${t.goarch}.tar.gz`;
}

export function releaseUrl(key, tag = VERSION_TAG) {
  return `${REPO_URL}/releases/download/${tag}/${archiveName(key, tag)}`;
}

export function binaryPath(key) {
  const t = TARGETS[key];
  return key === hostTarget()
    ? join(root, 'out', `kubectl-memwhy${t.exe}`)
    : join(root, 'out', `${t.goos}_${t.goarch}`, `kubectl-memwhy${t.exe}`);
}

const seconds = (ms) => `${(ms / 1000).toFixed(1)} s`;
const mib = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

async function main(argv) {
  const { value, has } = parseFlags(argv);
  const target = value('--target') ?? hostTarget();
  if (!TARGETS[target]) throw new Error(`unknown --target ${target}; one of ${Object.keys(TARGETS).join(', ')}`);
  const nodeVersion = pinnedNodeVersion();
  const binary = value('--binary') ? resolve(value('--binary')) : binaryPath(target);
  const t0 = performance.now();

  if (has('--manifest-only')) {
    await updateManifest();
    return;
  }

  if (!has('--archive-only')) {
    // 1. The CommonJS bundle (esbuild is only needed here, so it is imported here).
    const { buildSeaBundle, thirdPartyNotice, seededNodeLicense } = await import('./build-sea-bundle.mjs');
    const { metafile, bytes, chunks } = await buildSeaBundle({ outfile: BUNDLE, split: !has('--no-split') });
    const tBundle = performance.now();
    console.log(`bundle    ${BUNDLE} ${(bytes / 1024).toFixed(0)} KiB, ${chunks} chunk(s) (${seconds(tBundle - t0)})`);

    // 2. pkg's cache: the Node binary to inject into.
    if (!has('--no-seed')) {
      await seedPkgCache({ target, node: value('--node'), npm: has('--npm'), strip: !has('--no-strip'), nodeVersion });
    }
    const notice = thirdPartyNotice(metafile, { nodeVersion, nodeLicense: seededNodeLicense(SEA_CACHE, nodeVersion) });
    await writeFile(join(root, 'LICENSE-THIRD-PARTY'), notice.text);
    console.log(
      `licences  LICENSE-THIRD-PARTY: Node.js + ${notice.packages.length} packages` +
        (notice.missing.length ? ` (no licence file: ${notice.missing.join(', ')})` : ''),
    );
    const tSeed = performance.now();

    // 3. pkg --sea, on the pinned Node 22 (pkg refuses SEA on older Node).
    await mkdir(join(binary, '..'), { recursive: true });
    const pinnedNode = join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'node.exe' : 'node');
    const pkgBin = join(root, 'node_modules', '@yao-pkg', 'pkg', 'lib-es5', 'bin.js');
    const run = spawnSync(
      pinnedNode,
      [pkgBin, '--sea', '-t', pkgTarget(target, nodeVersion), '-o', relative(root, binary), BUNDLE],
      {
        cwd: root,
        stdio: 'inherit',
      },
    );
    if (run.status !== 0) throw new Error(`pkg failed (exit ${run.status ?? run.signal})`);
    const tPkg = performance.now();
    const size = (await readFile(binary)).length;
    console.log(
      `binary    ${relative(root, binary)} ${mib(size)} (pkg ${seconds(tPkg - tSeed)}, total ${seconds(tPkg - t0)})`,
    );

    const completion = await installCompletion(binary);
    console.log(
      `complete  ${relative(root, completion)} (kubectl's shell completion: keep it on PATH beside the binary)`,
    );

    if (target === hostTarget() && !has('--no-verify')) verify(binary);
  }

  if (has('--archive') || has('--archive-only')) {
    const archive = await writeArchive(target, binary);
    console.log(`archive   ${relative(root, archive.file)} ${mib(archive.bytes)}\nsha256    ${archive.sha256}`);
  }
  if (has('--update-manifest')) await updateManifest();
  console.log(`done in ${seconds(performance.now() - t0)}`);
}

/** Copies completion/kubectl_complete-memwhy next to the binary (kubectl finds both on PATH); returns its path. */
export async function installCompletion(binary) {
  const file = join(binary, '..', 'kubectl_complete-memwhy');
  await copyFile(join(root, 'completion', 'kubectl_complete-memwhy'), file);
  await chmod(file, 0o755);
  return file;
}

/** The checks the release relies on, run on this host's binary. Throws on the first failure. */
export function verify(binary) {
  const check = (what, ok) => {
    if (!ok) throw new Error(`verify: ${what}`);
    console.log(`verify    ok: ${what}`);
  };
  const bare = { PATH: '/nonexistent' }; // no node, no kubectl
  const help = spawnSync(binary, ['--help'], { env: bare, encoding: 'utf8' });
  check('--help with no node on PATH', help.status === 0 && help.stdout.includes('kubectl memwhy'));
  const version = spawnSync(binary, ['--version'], { env: bare, encoding: 'utf8' });
  check(`--version prints ${pkgJson.version}`, version.status === 0 && version.stdout.trim() === pkgJson.version);
  const diag = spawnSync(binary, ['--from', 'examples/oomkilled-container', '-o', 'json'], {
    cwd: root,
    env: bare,
    encoding: 'utf8',
  });
  let parsed = null;
  try {
    parsed = JSON.parse(diag.stdout);
  } catch {}
  check(
    '--from examples/oomkilled-container -o json is a diagnosis',
    diag.status === 0 && Array.isArray(parsed?.verdicts),
  );

  const completion = spawnSync(join(binary, '..', 'kubectl_complete-memwhy'), ['--fro'], {
    env: { PATH: '/usr/bin:/bin' },
    encoding: 'utf8',
  });
  check(
    'kubectl_complete-memwhy beside it completes --fro',
    completion.status === 0 && completion.stdout === '--from\n:4\n',
  );

  const kubectl = findOnPath('kubectl');
  if (!kubectl) {
    console.log('verify    skipped: kubectl is not on PATH (plugin list, kubectl memwhy)');
    return;
  }
  const env = { ...process.env, PATH: `${join(binary, '..')}${delimiter}${process.env.PATH}` };
  const list = spawnSync(kubectl, ['plugin', 'list'], { env, encoding: 'utf8' });
  check(
    'kubectl plugin list finds it',
    list.stdout.split('\n').some((l) => l.trim() === binary),
  );
  const viaKubectl = spawnSync(kubectl, ['memwhy', '--help'], { env, encoding: 'utf8' });
  check('kubectl memwhy --help', viaKubectl.status === 0 && viaKubectl.stdout.includes('kubectl memwhy'));
}

function findOnPath(name) {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return null;
}

/**
 * out/kubectl-memwhy_<tag>_<os>_<arch>.tar.gz: the binary, LICENSE, LICENSE-THIRD-PARTY and the kubectl
 * completion script, at the top level (plugin.yaml's `files` names them). Byte-for-byte reproducible:
 * fixed order, owner and mtime (SOURCE_DATE_EPOCH, default 0) and a gzip header without a timestamp.
 */
export async function writeArchive(key, binary = binaryPath(key)) {
  const t = TARGETS[key];
  if (!existsSync(binary)) throw new Error(`no binary at ${relative(root, binary)}: build it first`);
  const mtime = Number.parseInt(process.env.SOURCE_DATE_EPOCH ?? '0', 10) || 0;
  const entries = [
    { name: `kubectl-memwhy${t.exe}`, data: await readFile(binary), mode: 0o755 },
    { name: 'LICENSE', data: await readFile(join(root, 'LICENSE')), mode: 0o644 },
    { name: 'LICENSE-THIRD-PARTY', data: await readFile(join(root, 'LICENSE-THIRD-PARTY')), mode: 0o644 },
    {
      name: 'kubectl_complete-memwhy',
      data: await readFile(join(root, 'completion', 'kubectl_complete-memwhy')),
      mode: 0o755,
    },
  ];
  const gz = gzipSync(tarEntries(entries, mtime), { level: 9 });
  const file = join(root, 'out', archiveName(key));
  await mkdir(join(root, 'out'), { recursive: true });
  await writeFile(file, gz);
  const sha256 = createHash('sha256').update(gz).digest('hex');
  await writeFile(`${file}.sha256`, `${sha256}  ${archiveName(key)}\n`);
  return { file, sha256, bytes: gz.length };
}

/** The sha256 of every target's archive in out/ for this version; null where there is none. */
async function archiveSums() {
  const sums = {};
  const present = existsSync(join(root, 'out')) ? await readdir(join(root, 'out')) : [];
  for (const key of Object.keys(TARGETS)) {
    const name = archiveName(key);
    sums[key] = present.includes(name)
      ? createHash('sha256')
          .update(await readFile(join(root, 'out', name)))
          .digest('hex')
      : null;
  }
  return sums;
}

export const PLACEHOLDER_SHA256 = '0'.repeat(64);

/**
 * Rewrites plugin.yaml in place (comments and layout kept): spec.version, and per platform the uri and
 * the sha256 of out/<archive>, or the all-zero placeholder when that archive was not built here.
 */
export async function updateManifest(file = join(root, 'plugin.yaml')) {
  const sums = await archiveSums();
  let text = await readFile(file, 'utf8');
  text = text.replace(/^(  version: ).*$/m, `$1${VERSION_TAG}`);
  const byPlatform = Object.fromEntries(Object.entries(TARGETS).map(([key, t]) => [`${t.goos}/${t.goarch}`, key]));
  const parts = text.split(/(?=^  - selector:$)/m);
  const seen = [];
  const out = parts.map((part) => {
    const os = /^\s+os: (\S+)$/m.exec(part)?.[1];
    const arch = /^\s+arch: (\S+)$/m.exec(part)?.[1];
    if (!part.startsWith('  - selector:') || !os || !arch) return part;
    const key = byPlatform[`${os}/${arch}`];
    if (!key) throw new Error(`plugin.yaml: no release target for ${os}/${arch}`);
    seen.push(key);
    const sha = sums[key] ?? PLACEHOLDER_SHA256;
    let p = part.replace(/^(    uri: ).*$/m, `$1${releaseUrl(key)}`);
    p = p.replace(/^(    sha256: ).*$/m, `$1"${sha}"`); // quoted: an all-digit checksum must stay a string
    if (!/^    uri: /m.test(p) || !/^    sha256: /m.test(p))
      throw new Error(`plugin.yaml: ${os}/${arch} has no uri/sha256 line`);
    return p;
  });
  await writeFile(file, out.join(''));
  const real = seen.filter((k) => sums[k]);
  const placeholders = seen.filter((k) => !sums[k]);
  console.log(
    `manifest  ${relative(root, file)} ${VERSION_TAG}: sha256 from out/ for ${real.join(', ') || 'none'}` +
      (placeholders.length ? `; placeholder for ${placeholders.join(', ')} (not built here)` : ''),
  );
}

if (process.argv[1] && pathToFileURL(resolve(process.argv[1])).href === import.meta.url) {
  try {
    await main(process.argv.slice(2));
  } catch (err) {
    console.error(`package: ${err.message}`);
    process.exit(1);
  }
}
