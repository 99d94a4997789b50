// What the kubelet said when it evicted the pod, parsed once for every view (text, TUI, JSON): the message
// (pod.status.message, else an Evicted event's) with the threshold, memory.available and the usage it compared.
import { parseEvictionMessage } from './messages.js';
import type { EvictionMessage, KEvent, KPod } from './types.js';

export interface EvictionFacts extends EvictionMessage {
  /** The message the figures come from, verbatim. */
  message: string;
  /** Where it was read: `pod.status.message` or `events[Evicted]`. */
  source: string;
}

/** The first eviction message that parses, the pod's own before its events'; null when there is none. */
export function evictionFacts(pod: KPod, events: readonly KEvent[] | null): EvictionFacts | null {
  const candidates: Array<[string | undefined, string]> = [
    [pod.status?.message, 'pod.status.message'],
    ...(events ?? [])
      .filter((e) => e.reason === 'Evicted')
      .map((e): [string | undefined, string] => [e.message, 'events[Evicted].message']),
  ];
  for (const [message, source] of candidates) {
    const parsed = message ? parseEvictionMessage(message) : null;
    if (parsed && message) return { ...parsed, message, source };
  }
  return null;
}
