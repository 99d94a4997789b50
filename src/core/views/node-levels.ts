// The node-level cgroups a node reader reads: the root, kubepods, its QoS tiers and the system slices beside
// kubepods, found in the files by their kubelet-given names (systemd or cgroupfs driver, behind any prefix).
import { classifyCgroupPath, detectCgroupVersion, readLevel } from '../cgroup.js';
import type { CgroupFiles, CgroupLevel, CgroupVersion } from '../types.js';

export interface NodeLevels {
  version: CgroupVersion;
  root: CgroupLevel | null;
  kubepods: CgroupLevel | null;
  burstable: CgroupLevel | null;
  besteffort: CgroupLevel | null;
  /** Direct children of the root other than kubepods (system.slice, user.slice, …) that have memory files. */
  others: CgroupLevel[];
}

function directories(files: CgroupFiles, version: CgroupVersion): string[] {
  const dirs = new Set<string>();
  for (const key of Object.keys(files)) {
    if (version === 'v1' && !key.startsWith('memory/')) continue;
    const parts = (version === 'v1' ? key.slice('memory/'.length) : key).split('/');
    parts.pop();
    for (let i = 1; i <= parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
  }
  return [...dirs].sort();
}

/** null when the files hold no memory controller, or no kubepods cgroup. */
export function locateNodeLevels(files: CgroupFiles): NodeLevels | null {
  const version = detectCgroupVersion(files);
  if (version === null) return null;
  const dirs = directories(files, version).map((dir) => ({ dir, kind: classifyCgroupPath(`/${dir}`) }));
  const kubepods = dirs.find((d) => d.kind.level === 'kubepods');
  if (!kubepods) return null;
  const prefix = kubepods.kind.prefix ?? '';
  const qos = (name: 'burstable' | 'besteffort') => {
    const found = dirs.find((d) => d.kind.level === 'qos' && d.kind.qos === name && d.dir.startsWith(kubepods.dir));
    return found ? readLevel(files, found.dir, version) : null;
  };
  const depth = prefix === '' ? 0 : prefix.split('/').filter(Boolean).length;
  const others = dirs
    .filter(
      (d) =>
        d.dir !== kubepods.dir && d.dir.split('/').length === depth + 1 && d.dir.startsWith(prefix ? `${prefix}/` : ''),
    )
    .map((d) => readLevel(files, d.dir, version))
    .filter((l): l is CgroupLevel => l !== null);
  return {
    version,
    root: readLevel(files, prefix.replace(/^\/+|\/+$/g, ''), version),
    kubepods: readLevel(files, kubepods.dir, version),
    burstable: qos('burstable'),
    besteffort: qos('besteffort'),
    others,
  };
}

/**
 * The root cgroup's usage. v1 has memory.usage_in_bytes; v2's root has no memory.current, and the runtime
 * library the kubelet uses (opencontainers/cgroups fs2 memory.go) emulates it as anon + file from the root
 * memory.stat — so does this, and says so in `source`.
 */
export function rootUsage(root: CgroupLevel | null): { bytes: number | null; source: string | null } {
  if (!root) return { bytes: null, source: null };
  if (root.usageBytes !== null)
    return { bytes: root.usageBytes, source: root.version === 'v1' ? 'memory.usage_in_bytes' : 'memory.current' };
  const anon = root.stat?.anon;
  const file = root.stat?.file;
  if (root.version === 'v2' && typeof anon === 'number' && typeof file === 'number')
    return { bytes: anon + file, source: 'root memory.stat anon + file (v2 root has no memory.current)' };
  return { bytes: null, source: null };
}
