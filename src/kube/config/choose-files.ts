// Which kubeconfig files are read: --kubeconfig (must exist), else $KUBECONFIG (a path list: empty entries
// ignored, duplicates dropped, missing files skipped), else ~/.kube/config — client-go's loading rules.
import fs from 'node:fs';
import path from 'node:path';
import { unusable } from './errors.js';

/** True unless the path is certainly not there (an unreadable file exists: reading it will say why). */
export function existing(file: string): boolean {
  try {
    fs.statSync(file);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    return code !== 'ENOENT' && code !== 'ENOTDIR';
  }
}

export interface Sources {
  files: string[];
  /** What was looked at, for the "no configuration" message. */
  lookedAt: string;
}

export interface FileInputs {
  kubeconfig?: string | null;
  env: Record<string, string | undefined>;
  cwd: string;
  home: string;
}

function fromKubeconfigVariable(list: string, cwd: string): Sources {
  const seen = new Set<string>();
  const files: string[] = [];
  for (const entry of list.split(path.delimiter)) {
    if (!entry || seen.has(entry)) continue;
    seen.add(entry);
    const file = path.resolve(cwd, entry);
    if (existing(file)) files.push(file);
  }
  return { files, lookedAt: `KUBECONFIG=${list}` };
}

export function chooseFiles(opts: FileInputs): Sources {
  if (opts.kubeconfig) {
    const file = path.resolve(opts.cwd, opts.kubeconfig);
    if (!existing(file)) {
      throw unusable(
        `--kubeconfig ${opts.kubeconfig}: no such file`,
        'pass the path of an existing kubeconfig file (kubectl fails the same way)',
      );
    }
    return { files: [file], lookedAt: file };
  }
  const list = opts.env.KUBECONFIG;
  if (list) return fromKubeconfigVariable(list, opts.cwd);
  const file = path.join(opts.home, '.kube', 'config');
  return { files: existing(file) ? [file] : [], lookedAt: file };
}
