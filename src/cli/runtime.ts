// Which Node.js memwhy runs on. Pure: the version strings come in, the refusal (or null) comes out.
// The cluster client (undici ≥ 22.19) and the TUI (Ink, Node ≥ 22) crash on an older Node with an error that
// names neither memwhy nor the fix; --help, --version and --from with text/JSON/YAML work on any Node ≥ 20.
import { ExitCode, MemwhyError } from './exit-codes.js';

/** `>=22.19` (package.json engines) or `22.19.0` → [22, 19, 0]. */
export function versionParts(text: string): [number, number, number] {
  const m = /(\d+)(?:\.(\d+))?(?:\.(\d+))?/.exec(text);
  return [Number(m?.[1] ?? 0), Number(m?.[2] ?? 0), Number(m?.[3] ?? 0)];
}

/** null when `version` (process.versions.node) meets `engines`; else the error to report (exit 7). */
export function runtimeProblem(version: string, engines: string): MemwhyError | null {
  const have = versionParts(version);
  const need = versionParts(engines);
  for (let i = 0; i < 3; i++) {
    if (have[i]! > need[i]!) return null;
    if (have[i]! < need[i]!) {
      const wanted = need.slice(0, 2).join('.');
      return new MemwhyError(
        ExitCode.OldRuntime,
        `this needs Node.js ≥ ${wanted}, and this is Node.js ${version} (--help and --from with -o text/json/yaml work on it)`,
        `use the kubectl-memwhy binary (it carries its own Node), \`npm exec kubectl-memwhy -- …\` in the source folder (npm ci brings Node 22), or Node.js ≥ ${wanted}`,
      );
    }
  }
  return null;
}
