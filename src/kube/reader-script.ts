// The reader: a constant POSIX sh script that the reader pod runs on the target's node to print the pod's cgroup
// memory files, and readerArgs(), which validates everything the script is given.
//
// Cluster data never goes into the script text. It is passed as positional parameters:
//   sh -c READER_SCRIPT memwhy-reader MODE INTERVAL COUNT ROOT QOS POD_UID [CONTAINER_ID…]
//   MODE      once | watch (watch: a frame set every INTERVAL seconds, COUNT sets, 0 = until killed)
//   INTERVAL  whole seconds between frame sets (0 for once; 1…3600 for watch)
//   COUNT     frame sets to print (1 for once; 0…100000 for watch)
//   ROOT      where the node's /sys/fs/cgroup is mounted (absolute, not /; [A-Za-z0-9._-/]; default /host/sys/fs/cgroup)
//   QOS       guaranteed | burstable | besteffort (where the kubelet put the pod; the others are tried after)
//   POD_UID   36-char lower-case UUID, or the 32-hex config hash of a static pod
//   CONTAINER_ID  64 lower-case hex each (at most 64); none = every container-shaped directory of the pod
// The script checks the arguments again (case patterns) and stops with exit 2 on anything else.
//
// Output (parsed by src/core/frames.ts; keys follow the CgroupFiles convention, see core/types.ts):
//   memwhy-reader 1 <mode> <seq>                 header, one per frame set (seq counts from 1)
//   === CGROUP v1|v2
//   === POD <key of the pod directory>           or  === NOTFOUND <pod uid>
//   === BEGIN <key> <byte count>                 then exactly <byte count> bytes of the file, then "\n"
//   === END <key> <adler-32 of those bytes, 8 lower-case hex>
//   === ERROR <key> permission-denied|read-failed|too-large
//   === DONE <BEGIN frames> <ERROR frames> <adler-32 of the lines outside file frames>
//   === FATAL <reason> [<detail>]                 instead of the above on bad arguments / no cgroup / no awk
// Exit: 0 printed, 2 bad arguments, 3 pod directory not found (root and kubepods levels still printed),
// 4 no memory cgroup at ROOT, 5 a tool (awk, sleep) missing or failing.
//
// How: the directory search is shell globbing and `[ -d ]` (no processes); one awk process per frame set
// reads every file once, and prints it with its length and Adler-32 — so the checksum always covers exactly the
// bytes printed, even for files that change between reads (memory.stat does). A per-file `cksum` would cost a
// process per file (~2.5 ms each, too slow for ~70 files) and is not in every busybox build (Debian's has none).
// Adler-32 needs only additions, so any awk (busybox, mawk, gawk) computes it in C locale.
// It writes nothing but stdout: no temp files, no here-documents (read-only root file system, uid 65534).
//
// Where it looks (docs/memory-facts.md §5): v2 when ROOT/cgroup.controllers exists, else v1 when ROOT/memory
// does. The kubepods directory (`kubepods`, `kubepods.slice`, `<x>-kubepods.slice`) is searched at ROOT and up to
// 4 directory levels below it (a prefix such as `lxc.payload.x/`), shallowest first, stopping at the first one
// that holds the pod: cgroupfs `[<qos>/]pod<uid>`, systemd `[<k>-<qos>.slice/]<k>[-<qos>]-pod<uid_>.slice`.
// Levels printed: ROOT (v1: ROOT/memory), the directory above kubepods when there is a prefix, kubepods, the QoS
// level (not for Guaranteed), the pod, and each container directory: containerd `cri-containerd-<id>.scope` /
// `<id>`, CRI-O `crio-<id>.scope` / `crio-<id>`, docker `docker-<id>.scope` / `<id>`, plus a `container/`
// child (crun with systemd) when there is one.

import { V1_CGROUP_FILES, V2_CGROUP_FILES } from '../core/cgroup-files.js';

/** Format version in the header line; bump on any change of the frame format. */
export const READER_FORMAT_VERSION = 1;

/** Exit codes of the reader script. */
export const READER_EXIT = {
  ok: 0,
  badArguments: 2,
  podNotFound: 3,
  noMemoryCgroup: 4,
  toolMissing: 5,
} as const;

/** Where the reader pod mounts the node's /sys/fs/cgroup. */
export const DEFAULT_READER_ROOT = '/host/sys/fs/cgroup';

/** The files read per cgroup directory (cgroup v2), from the one list in src/core/cgroup-files.ts. */
export const V2_READER_FILES = V2_CGROUP_FILES;

/** The files read per cgroup directory (cgroup v1 memory controller), from the same list. */
export const V1_READER_FILES = V1_CGROUP_FILES;

/** Largest file the reader prints (bytes); larger ones become `=== ERROR <key> too-large`. */
export const READER_MAX_FILE_BYTES = 65536;
/** Most container IDs the reader accepts, and most container directories it reads without IDs. */
export const READER_MAX_CONTAINERS = 64;

// The awk program. ARGV[1] = ROOT; ARGV[2] = the header lines; ARGV[3] = the file names read per directory
// (space-separated); ARGV[4] = one line per directory: a flag per name (1 read it, d unreadable, 0 absent), a
// space, the directory's key; ARGV[5] = single files, `<1|d> <key>` per line (v2's cgroup.controllers). Passing
// directories instead of file paths keeps every argument far below Linux's 128 KiB limit per argument. A single
// file flagged `a` is read from `/<key>` instead of ROOT (the node reader's proc/meminfo).
// RS = \001 makes each file one record with its newlines intact (cgroup files hold no \001; if one did, the
// records are joined back with it). A, B: Adler-32 state; MA, MB: the running Adler-32 of every line printed
// outside the file frames (header, CGROUP, POD/NOTFOUND, ERROR), stated on the DONE line. A file frame checks
// itself: its END repeats the key, the byte count must land on the END line, and the Adler-32 covers the bytes.
// upd() walks line by line in pieces of 256 bytes: busybox awk's substr() measures its whole string each call.
export const READER_AWK = `function upd(s,  n, j, l, m, p, q, k, i) {
  n = split(s, LN, "\\n")
  for (j = 1; j <= n; j++) {
    l = LN[j]; m = length(l)
    for (p = 1; p <= m; p += 256) {
      q = substr(l, p, 256); k = length(q)
      for (i = 1; i <= k; i++) { A += ORD[substr(q, i, 1)]; B += A }
      A %= 65521; B %= 65521
    }
    if (j < n) { A += 10; B += A }
  }
  A %= 65521; B %= 65521
}
function out(line) { printf "%s\\n", line; A = MA; B = MB; upd(line "\\n"); MA = A; MB = B }
function deny(key) { out("=== ERROR " key " permission-denied"); errs++ }
function emit(key, abs,  path, c, k, big, r, rec, sum) {
  path = (abs ? "" : root) "/" key; c = ""; k = 0; big = 0
  while ((r = (getline rec < path)) > 0) {
    c = (k++ ? c "\\001" : "") rec
    if (length(c) > MAX) { big = 1; break }
  }
  close(path)
  if (r < 0) { out("=== ERROR " key " read-failed"); errs++; return }
  if (big) { out("=== ERROR " key " too-large"); errs++; return }
  A = 1; B = 0; upd(c); sum = sprintf("%04x%04x", B, A)
  printf "=== BEGIN %s %d\\n%s\\n=== END %s %s\\n", key, length(c), c, key, sum
  files++
}
BEGIN {
  RS = "\\001"; MAX = ${READER_MAX_FILE_BYTES}; files = 0; errs = 0; MA = 1; MB = 0
  for (i = 1; i < 256; i++) ORD[sprintf("%c", i)] = i
  root = ARGV[1]; nn = split(ARGV[3], NM, " ")
  n = split(ARGV[2], L, "\\n"); for (j = 1; j <= n; j++) if (L[j] != "") out(L[j])
  n = split(ARGV[5], L, "\\n")
  for (j = 1; j <= n; j++) if (L[j] != "") { f = substr(L[j], 1, 1); if (f == "d") deny(substr(L[j], 3)); else emit(substr(L[j], 3), f == "a") }
  n = split(ARGV[4], L, "\\n")
  for (j = 1; j <= n; j++) {
    if (L[j] == "") continue
    fl = substr(L[j], 1, nn); dk = substr(L[j], nn + 2)
    for (x = 1; x <= nn; x++) {
      f = substr(fl, x, 1); if (f == "0") continue
      key = (dk == "" ? NM[x] : dk "/" NM[x])
      if (f == "d") deny(key); else emit(key)
    }
  }
  printf "=== DONE %d %d %04x%04x\\n", files, errs, MB, MA
  exit 0
}`;

/** Shell functions both readers use: keyof (a directory's key) and add_dir (queue its memory files). */
export const READER_SH_DIRS = `# key of directory $1 (relative to ROOT, as in CgroupFiles) into $k
keyof() { if [ "$1" = "$base" ]; then k=\${kp%/}; else k=$kp\${1#"$base"/}; fi; }

# queue the memory files of directory $1
add_dir() {
  case $1 in *"$NL"*) return 0 ;; esac
  keyof "$1"; fl=
  for f in $files; do
    if [ ! -e "$1/$f" ]; then fl=\${fl}0; elif [ -r "$1/$f" ]; then fl=\${fl}1; else fl=\${fl}d; fi
  done
  case $fl in *[1d]*) dirs=$dirs$fl" $k$NL" ;; esac
}

`;

/**
 * The reader script (POSIX sh; runs under busybox sh and dash). Constant: it never contains cluster data.
 * In this template literal `\${` is a literal `${` and `\\` a literal backslash.
 */
export const READER_SCRIPT = `# memwhy-reader: prints one pod's cgroup memory files in frames (kubectl-memwhy src/kube/reader-script.ts).
LC_ALL=C; export LC_ALL
NL='
'
H='[0-9a-f]'; H4=$H$H$H$H; H8=$H4$H4; H32=$H8$H8$H8$H8; H64=$H32$H32; UUID=$H8-$H4-$H4-$H4-$H4$H8
bad() { printf 'memwhy-reader ${READER_FORMAT_VERSION} - 0\\n=== FATAL bad-argument %s\\n' "$1"; exit ${READER_EXIT.badArguments}; }
[ $# -ge 6 ] || bad count
mode=$1 every=$2 count=$3 root=$4 qos=$5 uid=$6
shift 6
case $mode in once|watch) ;; *) bad mode ;; esac
case $every in ''|*[!0-9]*|?????*) bad interval ;; esac
case $count in ''|*[!0-9]*|???????*) bad count ;; esac
[ "$mode" = once ] || [ "$every" -ge 1 ] || bad interval
case $root in /*) ;; *) bad root ;; esac
case $root in /|*[!A-Za-z0-9._/-]*|*/../*|*/..|*/./*|*/.|*//*) bad root ;; esac
root=\${root%/}
case $qos in guaranteed|burstable|besteffort) ;; *) bad qos ;; esac
case $uid in $UUID|$H32) ;; *) bad pod-uid ;; esac
ids=; n=0
for id in "$@"; do
  case $id in $H64) ;; *) bad container-id ;; esac
  case "$ids " in *" $id "*) continue ;; esac
  n=$((n + 1)); [ $n -le ${READER_MAX_CONTAINERS} ] || bad container-id
  ids="$ids $id"
done
uidu=; r=$uid
while :; do case $r in *-*) uidu=$uidu\${r%%-*}_; r=\${r#*-} ;; *) uidu=$uidu$r; break ;; esac; done
case $qos in guaranteed) qorder='guaranteed burstable besteffort' ;; burstable) qorder='burstable besteffort guaranteed' ;; *) qorder='besteffort burstable guaranteed' ;; esac
V1FILES='${V1_READER_FILES.join(' ')}'
V2FILES='${V2_READER_FILES.join(' ')}'

fatal() { printf 'memwhy-reader ${READER_FORMAT_VERSION} %s %s\\n=== FATAL %s\\n' "$mode" "$seq" "$1"; exit "$2"; }

${READER_SH_DIRS}# find the pod directory under kubepods directory $1 into $pod
find_pod() {
  kn=\${1##*/}
  case $kn in
    kubepods)
      for q in $qorder; do
        case $q in guaranteed) c=$1/pod$uid ;; *) c=$1/$q/pod$uid ;; esac
        [ -d "$c" ] && { pod=$c; return 0; }
      done
      for c in "$1"/*/pod"$uid"; do
        case $c in *"$NL"*) continue ;; esac
        [ -d "$c" ] && { pod=$c; return 0; }
      done ;;
    *.slice)
      kn=\${kn%.slice}
      for q in $qorder; do
        case $q in guaranteed) c=$1/$kn-pod$uidu.slice ;; *) c=$1/$kn-$q.slice/$kn-$q-pod$uidu.slice ;; esac
        [ -d "$c" ] && { pod=$c; return 0; }
      done
      for c in "$1"/*-pod"$uidu".slice "$1"/*/*-pod"$uidu".slice; do
        case $c in *"$NL"*) continue ;; esac
        [ -d "$c" ] && { pod=$c; return 0; }
      done ;;
  esac
  return 1
}

add_container() {
  [ -d "$1" ] || return 0
  add_dir "$1"
  [ -d "$1/container" ] && add_dir "$1/container"
  return 0
}

frame_set() {
  dirs=; single=; pod=; kpd=
  if [ -f "$root/cgroup.controllers" ]; then ver=v2; base=$root; kp=; files=$V2FILES
  elif [ -d "$root/memory" ]; then ver=v1; base=$root/memory; kp=memory/; files=$V1FILES
  else fatal "no-memory-cgroup $root" ${READER_EXIT.noMemoryCgroup}
  fi
  for P in '' '*/' '*/*/' '*/*/*/' '*/*/*/*/'; do
    for K in "$base"/$P"kubepods" "$base"/$P"kubepods.slice" "$base"/$P*"-kubepods.slice"; do
      case $K in *"$NL"*) continue ;; esac
      [ -d "$K" ] || continue
      [ -n "$kpd" ] || kpd=$K
      if find_pod "$K"; then kpd=$K; break 2; fi
    done
  done
  if [ "$ver" = v2 ]; then
    if [ -r "$root/cgroup.controllers" ]; then single="1 cgroup.controllers"; else single="d cgroup.controllers"; fi
  fi
  add_dir "$base"
  if [ -n "$kpd" ]; then
    [ "\${kpd%/*}" = "$base" ] || add_dir "\${kpd%/*}"
    add_dir "$kpd"
  fi
  if [ -n "$pod" ]; then
    [ "\${pod%/*}" = "$kpd" ] || add_dir "\${pod%/*}"
    add_dir "$pod"
    if [ -n "$ids" ]; then
      for id in $ids; do
        for c in "$pod/cri-containerd-$id.scope" "$pod/crio-$id.scope" "$pod/docker-$id.scope" "$pod/crio-$id" "$pod/$id"; do
          add_container "$c"
        done
      done
    else
      m=0
      for c in "$pod"/*; do
        case \${c##*/} in cri-containerd-$H64.scope|crio-$H64.scope|docker-$H64.scope|crio-$H64|$H64) ;; *) continue ;; esac
        m=$((m + 1)); [ $m -le ${READER_MAX_CONTAINERS} ] || break
        add_container "$c"
      done
    fi
    keyof "$pod"; found="=== POD $k"; rc=${READER_EXIT.ok}
  else
    found="=== NOTFOUND $uid"; rc=${READER_EXIT.podNotFound}
  fi
  awk '${READER_AWK}' "$root" "memwhy-reader ${READER_FORMAT_VERSION} $mode $seq$NL=== CGROUP $ver$NL$found" "$files" "$dirs" "$single" || exit ${READER_EXIT.toolMissing}
  return $rc
}

seq=1
command -v awk >/dev/null 2>&1 || fatal 'missing-tool awk' ${READER_EXIT.toolMissing}
# KILL: a forked sleep catches (and drops) a TERM until it resets the shell's handler
[ "$mode" = once ] || trap 'kill -9 $! 2>/dev/null; exit 143' TERM INT
while :; do
  frame_set; rc=$?
  [ "$mode" = watch ] || exit $rc
  [ "$count" -gt 0 ] && [ "$seq" -ge "$count" ] && exit $rc
  seq=$((seq + 1))
  sleep "$every" &
  wait $! || exit ${READER_EXIT.toolMissing}
done
`;

/** The name the script runs under ($0); shows in `ps` on the node. */
export const READER_ARGV0 = 'memwhy-reader';

export class ReaderArgError extends Error {
  override readonly name = 'ReaderArgError';
}

export type ReaderQos = 'guaranteed' | 'burstable' | 'besteffort';

export interface ReaderArgsInput {
  /** metadata.uid (36-char lower-case UUID), or for a static pod the kubelet's 32-hex config hash. */
  podUid: string;
  /** Bare container IDs: 64 lower-case hex each. Empty: the reader takes every container directory of the pod. */
  containerIds: readonly string[];
  /** status.qosClass (`Burstable`) or its lower-case form. */
  qosClass: string;
  /** Where the node's /sys/fs/cgroup is mounted in the reader pod. */
  root?: string;
  mode?: 'once' | 'watch';
  /** watch: seconds between frame sets (1…3600, default 2). */
  intervalSeconds?: number;
  /** watch: number of frame sets (0 = until the pod is stopped; default 0). */
  count?: number;
}

const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const HASH32_RE = /^[0-9a-f]{32}$/;
const ID64_RE = /^[0-9a-f]{64}$/;
/** An absolute path below `/` (not `/` itself) of letters, digits, `.`, `_`, `-`. */
const ROOT_RE = /^\/[A-Za-z0-9._-][A-Za-z0-9._/-]{0,254}$/;
const QOS: Record<string, ReaderQos> = {
  Guaranteed: 'guaranteed',
  Burstable: 'burstable',
  BestEffort: 'besteffort',
  guaranteed: 'guaranteed',
  burstable: 'burstable',
  besteffort: 'besteffort',
};

function describe(value: unknown): string {
  return JSON.stringify(typeof value === 'string' ? value.slice(0, 80) : String(value));
}

function checkInt(name: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new ReaderArgError(`${name} must be a whole number from ${min} to ${max}, got ${describe(value)}`);
  }
  return value;
}

/**
 * Validates the reader's inputs and returns the positional arguments that follow `sh -c READER_SCRIPT memwhy-reader`.
 * Throws ReaderArgError on anything that is not exactly of the expected shape (nothing is repaired or escaped).
 */
export function readerArgs(input: ReaderArgsInput): string[] {
  if (input === null || typeof input !== 'object') throw new ReaderArgError('reader arguments missing');
  const { podUid, containerIds, qosClass } = input;
  if (typeof podUid !== 'string' || !(UUID_RE.test(podUid) || HASH32_RE.test(podUid))) {
    throw new ReaderArgError(`pod UID must be a lower-case UUID or a 32-hex static pod hash, got ${describe(podUid)}`);
  }
  if (!Array.isArray(containerIds)) throw new ReaderArgError('containerIds must be an array');
  if (containerIds.length > READER_MAX_CONTAINERS) {
    throw new ReaderArgError(`at most ${READER_MAX_CONTAINERS} container IDs, got ${containerIds.length}`);
  }
  const ids: string[] = [];
  for (const id of containerIds) {
    if (typeof id !== 'string' || !ID64_RE.test(id)) {
      throw new ReaderArgError(`container ID must be 64 lower-case hex characters, got ${describe(id)}`);
    }
    if (!ids.includes(id)) ids.push(id);
  }
  const qos = typeof qosClass === 'string' && Object.hasOwn(QOS, qosClass) ? QOS[qosClass] : undefined;
  if (qos === undefined) {
    throw new ReaderArgError(`QoS class must be Guaranteed, Burstable or BestEffort, got ${describe(qosClass)}`);
  }
  const rawRoot: unknown = input.root ?? DEFAULT_READER_ROOT;
  if (
    typeof rawRoot !== 'string' ||
    !ROOT_RE.test(rawRoot) ||
    rawRoot.includes('//') ||
    /(?:^|\/)\.\.?(?:\/|$)/.test(rawRoot)
  ) {
    throw new ReaderArgError(
      `root must be an absolute path (not /) of letters, digits, '.', '_', '-' and '/', got ${describe(rawRoot)}`,
    );
  }
  const root = rawRoot.length > 1 && rawRoot.endsWith('/') ? rawRoot.slice(0, -1) : rawRoot;
  const mode = input.mode ?? 'once';
  if (mode !== 'once' && mode !== 'watch')
    throw new ReaderArgError(`mode must be once or watch, got ${describe(mode)}`);
  const interval = mode === 'once' ? 0 : checkInt('intervalSeconds', input.intervalSeconds ?? 2, 1, 3600);
  const count = mode === 'once' ? 1 : checkInt('count', input.count ?? 0, 0, 100_000);
  return [mode, String(interval), String(count), root, qos, podUid, ...ids];
}

/** The full container command: `sh -c READER_SCRIPT memwhy-reader <validated args…>`. */
export function readerCommand(input: ReaderArgsInput): string[] {
  return ['sh', '-c', READER_SCRIPT, READER_ARGV0, ...readerArgs(input)];
}
