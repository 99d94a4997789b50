// The boundary where facts from a cluster or a snapshot enter the analysis: every string that will reach a
// screen is made visible (src/core/visible.ts), so no renderer — text, JSON, YAML, the TUI — can print a raw
// terminal escape sequence from the cluster. cgroup files and the kernel log keep their line breaks (they are
// parsed line by line); every other string shows a line break as `\n`.
import type { Facts } from '../core/types.js';
import { visible, visibleDeep } from '../core/visible.js';

export function visibleFacts(facts: Facts): Facts {
  const files = facts.cgroupFiles;
  return {
    ...facts,
    pod: visibleDeep(facts.pod),
    node: visibleDeep(facts.node),
    nodes: visibleDeep(facts.nodes),
    nodePods: visibleDeep(facts.nodePods),
    events: visibleDeep(facts.events),
    summary: visibleDeep(facts.summary),
    podMetrics: visibleDeep(facts.podMetrics),
    kernelLog: facts.kernelLog === null ? null : visible(facts.kernelLog, { newlines: true, tabs: true }),
    cgroupFiles:
      files === null
        ? null
        : Object.fromEntries(
            Object.entries(files).map(([k, v]) => [
              visible(k),
              typeof v === 'string' ? visible(v, { newlines: true, tabs: true }) : v,
            ]),
          ),
    missing: visibleDeep(facts.missing),
    ...(facts.unreadable ? { unreadable: visibleDeep(facts.unreadable) } : {}),
  };
}
