// The node reader's script: prints a node's own cgroup memory files (not one pod's) in the pod reader's frame
// format (reader-script.ts; parsed by src/core/frames.ts), with the same awk program and the same file lists
// (src/core/cgroup-files.ts).
//
//   sh -c NODE_READER_SCRIPT memwhy-node-reader ROOT
//   ROOT  where the node's /sys/fs/cgroup is mounted (checked as the pod reader checks it)
//
// Levels printed: ROOT (v1: ROOT/memory); the kubepods directory (`kubepods`, `kubepods.slice`,
// `<x>-kubepods.slice`, at ROOT or up to 4 levels below it, shallowest first) and the directory above it when
// there is a prefix; its QoS tiers (cgroupfs `burstable`, `besteffort`; systemd `<k>-burstable.slice`,
// `<k>-besteffort.slice`; Guaranteed pods sit directly under kubepods and have no tier of their own); and the
// siblings of kubepods (system.slice, user.slice, init.scope … at most 64), the system level outside kubepods.
// Then /proc/meminfo as key `proc/meminfo` (the reader container's procfs: the kernel's global counters).
// Header `memwhy-reader 1 once 1`, then `=== CGROUP v1|v2`, no POD line. Exit 0, 2 bad argument, 4 no memory
// cgroup at ROOT, 5 awk missing; a node without kubepods still prints ROOT and meminfo (exit 0).
import { V1_CGROUP_FILES, V2_CGROUP_FILES } from '../core/cgroup-files.js';
import {
  READER_AWK,
  READER_EXIT,
  READER_FORMAT_VERSION,
  READER_MAX_CONTAINERS,
  READER_SH_DIRS,
  ReaderArgError,
  DEFAULT_READER_ROOT,
} from './reader-script.js';

export const NODE_READER_ARGV0 = 'memwhy-node-reader';

/** POSIX sh; constant (no cluster data in it). `\${` is a literal `${` in this template literal. */
export const NODE_READER_SCRIPT = `# memwhy-node-reader: prints a node's cgroup memory files in frames (kubectl-memwhy src/kube/reader-node-script.ts).
LC_ALL=C; export LC_ALL
NL='
'
mode=once seq=1
bad() { printf 'memwhy-reader ${READER_FORMAT_VERSION} - 0\\n=== FATAL bad-argument %s\\n' "$1"; exit ${READER_EXIT.badArguments}; }
fatal() { printf 'memwhy-reader ${READER_FORMAT_VERSION} once 1\\n=== FATAL %s\\n' "$1"; exit "$2"; }
[ $# -eq 1 ] || bad count
root=$1
case $root in /*) ;; *) bad root ;; esac
case $root in /|*[!A-Za-z0-9._/-]*|*/../*|*/..|*/./*|*/.|*//*) bad root ;; esac
root=\${root%/}
command -v awk >/dev/null 2>&1 || fatal 'missing-tool awk' ${READER_EXIT.toolMissing}
${READER_SH_DIRS}
dirs=; single=; kpd=
if [ -f "$root/cgroup.controllers" ]; then ver=v2; base=$root; kp=; files='${V2_CGROUP_FILES.join(' ')}'
elif [ -d "$root/memory" ]; then ver=v1; base=$root/memory; kp=memory/; files='${V1_CGROUP_FILES.join(' ')}'
else fatal "no-memory-cgroup $root" ${READER_EXIT.noMemoryCgroup}
fi
for P in '' '*/' '*/*/' '*/*/*/' '*/*/*/*/'; do
  for K in "$base"/$P"kubepods" "$base"/$P"kubepods.slice" "$base"/$P*"-kubepods.slice"; do
    case $K in *"$NL"*) continue ;; esac
    [ -d "$K" ] && { kpd=$K; break 2; }
  done
done
if [ "$ver" = v2 ]; then
  if [ -r "$root/cgroup.controllers" ]; then single="1 cgroup.controllers"; else single="d cgroup.controllers"; fi
fi
[ -r /proc/meminfo ] && single="$single\${single:+$NL}a proc/meminfo"
add_dir "$base"
if [ -n "$kpd" ]; then
  par=\${kpd%/*}
  [ "$par" = "$base" ] || add_dir "$par"
  add_dir "$kpd"
  kn=\${kpd##*/}
  case $kn in
    kubepods) tiers="$kpd/burstable $kpd/besteffort" ;;
    *) kn=\${kn%.slice}; tiers="$kpd/$kn-burstable.slice $kpd/$kn-besteffort.slice" ;;
  esac
  for t in $tiers; do [ -d "$t" ] && add_dir "$t"; done
  m=0
  for c in "$par"/*; do
    case $c in *"$NL"*|"$kpd") continue ;; esac
    [ -d "$c" ] || continue
    m=$((m + 1)); [ $m -le ${READER_MAX_CONTAINERS} ] || break
    add_dir "$c"
  done
fi
awk '${READER_AWK}' "$root" "memwhy-reader ${READER_FORMAT_VERSION} once 1$NL=== CGROUP $ver" "$files" "$dirs" "$single" || exit ${READER_EXIT.toolMissing}
exit ${READER_EXIT.ok}
`;

const ROOT_RE = /^\/[A-Za-z0-9._-][A-Za-z0-9._/-]{0,254}$/;

/** `sh -c NODE_READER_SCRIPT memwhy-node-reader ROOT`, ROOT checked as the pod reader checks it. */
export function nodeReaderCommand(root: string = DEFAULT_READER_ROOT): string[] {
  if (!ROOT_RE.test(root) || root.includes('//') || /(?:^|\/)\.\.?(?:\/|$)/.test(root))
    throw new ReaderArgError(`root must be an absolute path (not /) of letters, digits, '.', '_', '-' and '/'`);
  return ['sh', '-c', NODE_READER_SCRIPT, NODE_READER_ARGV0, root];
}
