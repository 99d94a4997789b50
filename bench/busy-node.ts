// A busy node for the benchmark (issue 12): the bench's example state with its pod's node filled to `pods` pods
// (copies of the example pod, each with its own name and uid) and `events` Node events on that node, so the
// node's pod list and its events weigh what they weigh on a full node. Deterministic: same input → same state.
import type { StateInput } from '../test/cluster/index.js';

type Obj = Record<string, any>;

const REASONS = ['NodeHasSufficientMemory', 'ImageGCFailed', 'FreeDiskSpaceFailed', 'NodeReady', 'Rebooted'];

export function busyNode(base: StateInput, pod: string, opts: { pods: number; events: number }): StateInput {
  const target = (base.pods ?? []).find((p: Obj) => p.metadata?.name === pod);
  if (!target) throw new Error(`busyNode: no pod ${pod} in the state`);
  const node: string = target.spec.nodeName;
  const fillers: Obj[] = [];
  for (let i = 1; i < opts.pods; i++) {
    const copy = structuredClone(target) as Obj;
    copy.metadata.name = `filler-${String(i).padStart(3, '0')}`;
    copy.metadata.uid = `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`;
    fillers.push(copy);
  }
  const t0 = Date.UTC(2026, 10, 20, 8, 0, 0);
  const events: Obj[] = [];
  for (let i = 0; i < opts.events; i++) {
    const at = new Date(t0 + i * 1000).toISOString();
    events.push({
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `${node}.${(0x100000 + i).toString(16)}`, namespace: 'default', creationTimestamp: at },
      involvedObject: { kind: 'Node', name: node, uid: node, apiVersion: 'v1' },
      reason: REASONS[i % REASONS.length],
      message: `Node ${node} status is now: ${REASONS[i % REASONS.length]} (${i})`,
      source: { component: 'kubelet', host: node },
      firstTimestamp: at,
      lastTimestamp: at,
      count: 1,
      type: i % 7 === 0 ? 'Warning' : 'Normal',
    });
  }
  return { ...base, pods: [...(base.pods ?? []), ...fillers], events: [...(base.events ?? []), ...events] };
}
