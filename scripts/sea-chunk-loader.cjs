// The bundle's chunk loader, in dist/cli.js and in the single executable alike (scripts/build-sea-bundle.mjs
// puts this text after __memwhyData, the comment that holds every chunk as a line of base64, __memwhyIndex, where
// each chunk's line is, and __memwhyBuild).
// A chunk is compiled on its first require: "./x.js" names a chunk, anything else is a Node builtin. V8's code of
// each chunk, as it stands when the process exits (the functions that ran are compiled by then), is kept in the
// user's cache folder (never a shared one: another user of the machine could put code there first) under this
// build's id, so the next run neither parses nor compiles them again. Node's own compile cache keeps only what is
// compiled as a module loads, and a single executable does not use it. Nothing is cached without a home or with
// NODE_DISABLE_COMPILE_CACHE=1, the switch that turns Node's off.
(() => {
  // main() sets this V8 flag too (src/cli/main.ts); V8 refuses a cache made under other flags, so it is set before
  // the first chunk is compiled.
  require('node:v8').setFlagsFromString('--liftoff-only');
  const { Script } = require('node:vm');
  const fs = require('node:fs');
  const path = require('node:path');
  const modules = new Map();
  const unsaved = [];

  /** $XDG_CACHE_HOME/kubectl-memwhy/v8, else ~/.cache/kubectl-memwhy/v8 (test/package/code-cache.test.ts). */
  function cacheDir(env) {
    if (env.NODE_DISABLE_COMPILE_CACHE) return null;
    let base = null;
    if (process.platform === 'win32') base = env.LOCALAPPDATA ? `${env.LOCALAPPDATA}\\kubectl-memwhy\\v8` : null;
    else if (env.XDG_CACHE_HOME && env.XDG_CACHE_HOME.startsWith('/')) base = `${env.XDG_CACHE_HOME}/kubectl-memwhy/v8`;
    else if (env.HOME && env.HOME.startsWith('/')) base = `${env.HOME}/.cache/kubectl-memwhy/v8`;
    return base && path.join(base, `bundle-${__memwhyBuild}-${process.version}-${process.arch}`);
  }
  const dir = cacheDir(process.env);

  function read(file) {
    try {
      return fs.readFileSync(file);
    } catch {
      return undefined;
    }
  }

  /** The code of what ran, written once (a file is replaced whole: renamed over, never half-written). */
  function save() {
    try {
      // A new build's folder: the folders of earlier builds (and Node versions) go.
      if (fs.mkdirSync(dir, { recursive: true, mode: 0o700 }) !== undefined) {
        const base = path.dirname(dir);
        for (const old of fs.readdirSync(base))
          if (old.startsWith('bundle-') && old !== path.basename(dir))
            fs.rmSync(path.join(base, old), { recursive: true });
      }
      for (const [file, script] of unsaved) {
        const partial = `${file}.${process.pid}`;
        fs.writeFileSync(partial, script.createCachedData(), { mode: 0o600 });
        fs.renameSync(partial, file);
      }
    } catch {
      // a cache that cannot be written is only slower
    }
  }

  const source = __memwhyData.toString();
  const dataStart = source.indexOf('/*') + 3;

  /** A chunk's code, from its line of base64 in __memwhyData (zlib is loaded only for a gzipped chunk). */
  function chunkSource(name) {
    const entry = __memwhyIndex[name];
    if (entry === undefined) throw new Error(`memwhy bundle: no chunk ${name}`);
    const [offset, length, gzipped] = entry;
    const bytes = Buffer.from(source.slice(dataStart + offset, dataStart + offset + length), 'base64');
    return (gzipped ? require('node:zlib').gunzipSync(bytes) : bytes).toString();
  }

  function load(name) {
    let m = modules.get(name);
    if (m) return m.exports;
    const code = chunkSource(name);
    m = { exports: {} };
    modules.set(name, m);
    const file = dir && path.join(dir, name);
    const cachedData = file ? read(file) : undefined;
    const script = new Script(`(function(exports,require,module,__filename,__dirname,__importMetaUrl){${code}\n})`, {
      filename: `${__filename}#${name}`,
      cachedData,
    });
    if (file && (cachedData === undefined || script.cachedDataRejected)) {
      if (unsaved.length === 0) process.once('exit', save);
      unsaved.push([file, script]);
    }
    const req = (id) => (id.startsWith('./') ? load(id.slice(2)) : require(id));
    script.runInThisContext().call(m.exports, m.exports, req, m, __filename, __dirname, __importMetaUrl);
    return m.exports;
  }

  load('main.js');
})();
