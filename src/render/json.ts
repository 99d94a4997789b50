// `-o json`: the Analysis as is (the public contract in core/types.ts), 2-space indent, trailing newline.
import type { Analysis } from '../core/types.js';

export function renderJson(analysis: Analysis): string {
  // The top level is rebuilt in the type's order so the output does not depend on how analyse()
  // assembled it; nested objects keep analyse()'s order, which follows the types.
  const ordered: Analysis = {
    schemaVersion: analysis.schemaVersion,
    generatedAt: analysis.generatedAt,
    pod: analysis.pod,
    otherPods: analysis.otherPods,
    requests: analysis.requests,
    cgroup: analysis.cgroup,
    podLevel: analysis.podLevel,
    containers: analysis.containers,
    node: analysis.node,
    nodeFits: analysis.nodeFits,
    kernelOoms: analysis.kernelOoms,
    eviction: analysis.eviction,
    events: analysis.events,
    verdicts: analysis.verdicts,
    notices: analysis.notices,
    facts: analysis.facts,
  };
  // Unknown is null, never absent: a field left undefined by mistake still appears, as null.
  return `${JSON.stringify(ordered, (_key, value: unknown) => (value === undefined ? null : value), 2)}\n`;
}
