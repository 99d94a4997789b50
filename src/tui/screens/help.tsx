// Help: every key, and a short glossary of the words the other screens use.
import { BLANK, line, pad, para, seg, type Line } from '../format.js';
import { KEY_MAP } from '../use-keys.js';
import type { ScreenModel } from './model.js';
import { ScreenView } from './view.js';

export const GLOSSARY: ReadonlyArray<[string, string]> = [
  [
    'working set',
    'usage − inactive_file. What kubectl top shows and what the kubelet ranks pods by for eviction. Not what the kernel compares with the limit.',
  ],
  [
    'usage',
    'Everything charged to the cgroup (memory.current / memory.usage_in_bytes): anon, page cache, shmem, kernel. The kernel OOM-kills when it stays at the limit.',
  ],
  ['inactive_file', 'Page cache not used lately. The kernel drops it first; it is left out of the working set.'],
  [
    'active_file',
    'Page cache used recently. Reclaimable, but only after it ages to the inactive list, so it counts in the working set.',
  ],
  [
    'shmem',
    'tmpfs, /dev/shm and emptyDir with medium: Memory. Looks like cache, but cannot be reclaimed without swap.',
  ],
  [
    'kernel memory',
    'Slab (dentries, inodes), kernel stacks, page tables, socket buffers charged to the cgroup. Only slab_reclaimable can be taken back.',
  ],
  [
    'QoS',
    'Guaranteed (requests = limits for every container), Burstable (some request), BestEffort (none). Sets oom_score_adj and the eviction order.',
  ],
  [
    'oom_score_adj',
    'The kernel OOM killer prefers high values: -997 for Guaranteed, 1000 for BestEffort, 3..999 for Burstable: 1000 − 1000·request/capacity, at least 3 (pkg/kubelet/qos/policy.go; the docs write 2).',
  ],
  [
    'memory.available',
    'capacity − node working set, as the kubelet computes it. Below the eviction threshold (eviction-hard, default 100Mi) it evicts pods.',
  ],
  [
    'allocatable',
    'capacity − kube-reserved − system-reserved − eviction threshold: what the scheduler may hand out as requests.',
  ],
  [
    'requests vs limits',
    'A request is reserved by the scheduler and ranks eviction; a limit is written to memory.max and enforced by the kernel (OOM kill). Usage between the two is allowed but unreserved.',
  ],
  [
    'memory.max',
    'The cgroup v2 limit file (v1: memory.limit_in_bytes). The kubelet writes the container limit there; the pod and kubepods cgroups have their own.',
  ],
];

export function helpModel({ width }: { width: number }): ScreenModel {
  const lines: Line[] = [];
  lines.push(line(seg('Keys', { bold: true, color: 'cyan' })));
  const keyW = 22;
  for (const k of KEY_MAP) lines.push(line(seg(pad(k.keys, keyW), { bold: true }), k.text));
  lines.push(BLANK);
  lines.push(line(seg('Screens', { bold: true, color: 'cyan' })));
  lines.push(
    ...para(
      'Summary → Chain (requests → limits → usage → working set) → Breakdown (what usage is made of). Tools compares kubectl top and docker stats. Verdicts holds the evidence and next steps. Unknown numbers show as ? with the reason.',
      width,
    ),
  );
  lines.push(BLANK);
  lines.push(line(seg('Glossary', { bold: true, color: 'cyan' })));
  const termW = 20;
  for (const [term, text] of GLOSSARY) {
    lines.push(...para(text, width, { prefix: pad(term, termW), first: seg(pad(term, termW), { bold: true }) }));
  }
  return { lines };
}

export function HelpScreen(props: { width: number; height: number; selected: number; color: boolean }) {
  return <ScreenView model={helpModel(props)} height={props.height} selected={props.selected} color={props.color} />;
}
