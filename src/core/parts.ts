// The optional parts of Facts, as a closed set the gatherers write and analyse() must handle: a part that could
// not be read is a `Missing` entry with its reason, and every entry reaches the user (a notice) or is said to be
// covered by another notice: nothing is lost without a word. Also the other pods a workload or selector matched.
import type { Notice } from './types.js';

/** The parts a gatherer may lack, each keyed as in Facts.missing. `cgroup/<path>`: one file skipped. */
/** `kernel.log-failed`: the kernel-log container could not run (e.g. no /var/log); `reader-cleanup`: a reader
 * pod memwhy could not be sure it deleted (both from the reader lifecycle, said by analyse.ts). */
export type FactPart =
  | 'node'
  | 'nodes'
  | 'node-pods'
  | 'events'
  | 'summary'
  | 'podmetrics'
  | 'kernel.log'
  | 'kernel.log-failed'
  | 'reader-cleanup'
  | 'cgroup'
  | 'cgroup-files'
  | `cgroup/${string}`;

/** Why a part is missing, when the gatherer knows (e.g. "reader pod forbidden: …"). */
export type Missing = { [K in FactPart]?: string };

/** Another pod the target matched (workload or selector); the one explained is the worst off. */
export interface OtherPod {
  namespace: string | null;
  name: string | null;
  phase: string | null;
  /** Its state in a few words, as ranked: `OOMKilled, 3 restart(s)`, `pending (unscheduled)`, `Running`. */
  why: string;
}

/**
 * How analyse() reports a missing part: `own` parts get their notice where they matter (analyse.ts, which says
 * why the number they would give is unknown); `always` parts get one here, whatever the verdict.
 */
function reporting(part: FactPart): 'own' | 'always' {
  if (isSkippedFile(part)) return 'always';
  switch (part) {
    case 'node':
    case 'nodes':
    case 'node-pods':
    case 'events':
    case 'summary':
    case 'podmetrics':
    case 'kernel.log':
    case 'kernel.log-failed':
    case 'reader-cleanup':
    case 'cgroup':
      return 'own';
    case 'cgroup-files':
      return 'always';
    default:
      return unknownPart(part);
  }
}

function isSkippedFile(part: FactPart): part is `cgroup/${string}` {
  return part.startsWith('cgroup/');
}

function unknownPart(part: never): 'always' {
  void part;
  return 'always'; // a key written by an older snapshot: shown rather than dropped
}

/** Notices for the missing parts no other notice covers: unreadable cgroup files, skipped files. */
export function partNotices(missing: Missing, already: readonly Notice[]): Notice[] {
  const out: Notice[] = [];
  for (const [part, why] of Object.entries(missing) as Array<[FactPart, string | undefined]>) {
    if (why === undefined || reporting(part) !== 'always' || already.some((n) => n.part === part)) continue;
    out.push({ part, message: part === 'cgroup-files' ? `some cgroup files could not be read: ${why}` : why });
  }
  return out;
}
