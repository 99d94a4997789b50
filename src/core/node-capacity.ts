// The node's memory capacity: node.status.capacity, else what the kubelet's summary gives, since its
// memory.available is capacity − node working set (kubelet eviction helpers; memory-facts §3): capacity =
// available + working set. Pure.
import { parseBytes } from './quantity.js';
import type { KNode, KubeletSummary } from './types.js';

export interface Capacity {
  bytes: number | null;
  /** Where the number comes from, as the text and TUI name it. */
  source: string | null;
}

export function nodeCapacity(node: KNode | null, summary: KubeletSummary | null): Capacity {
  const stated = parseBytes(node?.status?.capacity?.memory ?? null);
  if (stated !== null) return { bytes: stated, source: 'node.status.capacity.memory' };
  const m = summary?.node?.memory;
  if (typeof m?.availableBytes === 'number' && typeof m.workingSetBytes === 'number') {
    return {
      bytes: m.availableBytes + m.workingSetBytes,
      source: 'kubelet summary: memory.available + node working set',
    };
  }
  return { bytes: null, source: null };
}
