// The command that would apply a sizing advice to the workload owning the pod. Printed for the user, never run.
import type { KPod } from './types.js';

const Mi = 2 ** 20;

/** A byte count as a Kubernetes quantity in whole Mi (Gi when exact), for a command line. */
export function memoryQuantity(bytes: number): string {
  const mi = Math.ceil(bytes / Mi);
  if (mi === 0) return '0';
  return mi % 1024 === 0 ? `${mi / 1024}Gi` : `${mi}Mi`;
}

export interface Workload {
  /** `deployment/web`, `statefulset/db`, `pod/x` … */
  ref: string;
  kind: string;
  /** Why no command can be given for it (Job template immutable, static pod), else null. */
  blocked: string | null;
}

/** The object a change of resources has to go to: the Deployment behind a ReplicaSet, else the owner itself. */
export function owningWorkload(pod: KPod): Workload | null {
  const meta = pod.metadata ?? {};
  if (!meta.name) return null;
  const owner = meta.ownerReferences?.[0];
  if (!owner?.kind || !owner.name) return { ref: `pod/${meta.name}`, kind: 'Pod', blocked: null };
  const hash = meta.labels?.['pod-template-hash'];
  if (owner.kind === 'ReplicaSet' && hash && owner.name.endsWith(`-${hash}`)) {
    return { ref: `deployment/${owner.name.slice(0, -hash.length - 1)}`, kind: 'Deployment', blocked: null };
  }
  if (owner.kind === 'Node')
    return {
      ref: `pod/${meta.name}`,
      kind: 'Node',
      blocked: "a static pod: change the manifest in the kubelet's static pod directory on the node",
    };
  if (owner.kind === 'Job')
    return {
      ref: `job/${owner.name}`,
      kind: 'Job',
      blocked: "a Job's pod template cannot be changed: set the memory in the Job's (or CronJob's) source",
    };
  const known = ['ReplicaSet', 'StatefulSet', 'DaemonSet', 'ReplicationController'];
  if (!known.includes(owner.kind))
    return {
      ref: `${owner.kind.toLowerCase()}/${owner.name}`,
      kind: owner.kind,
      blocked: `owned by a ${owner.kind}: set the memory in that object's pod template`,
    };
  return { ref: `${owner.kind.toLowerCase()}/${owner.name}`, kind: owner.kind, blocked: null };
}

function nsFlag(pod: KPod): string {
  const ns = pod.metadata?.namespace;
  return ns ? ` -n ${ns}` : '';
}

function memoryResources(requestBytes: number | null, limitBytes: number): string {
  const requests = requestBytes === null ? '' : `"requests":{"memory":"${memoryQuantity(requestBytes)}"},`;
  return `"resources":{${requests}"limits":{"memory":"${memoryQuantity(limitBytes)}"}}`;
}

/** `kubectl set resources` for a controller; an in-place resize patch for a bare pod. */
export function containerCommand(
  pod: KPod,
  container: string,
  requestBytes: number | null,
  limitBytes: number,
): string | null {
  const w = owningWorkload(pod);
  if (!w || w.blocked) return null;
  if (w.kind === 'Pod') {
    const patch = `{"spec":{"containers":[{"name":"${container}",${memoryResources(requestBytes, limitBytes)}}]}}`;
    return `kubectl patch ${w.ref}${nsFlag(pod)} --subresource resize --patch '${patch}'`;
  }
  const requests = requestBytes === null ? '' : ` --requests=memory=${memoryQuantity(requestBytes)}`;
  return `kubectl set resources ${w.ref}${nsFlag(pod)} -c ${container}${requests} --limits=memory=${memoryQuantity(limitBytes)}`;
}

/** Pod-level resources (spec.resources) of the owner's pod template; a bare pod must be recreated. */
export function podCommand(pod: KPod, requestBytes: number | null, limitBytes: number): string | null {
  const w = owningWorkload(pod);
  if (!w || w.blocked || w.kind === 'Pod') return null;
  const patch = `{"spec":{"template":{"spec":{${memoryResources(requestBytes, limitBytes)}}}}}`;
  return `kubectl patch ${w.ref}${nsFlag(pod)} --type=merge --patch '${patch}'`;
}

/** Why `containerCommand`/`podCommand` gave null, for the reasoning. */
export function commandBlocked(pod: KPod, podLevel: boolean): string | null {
  const w = owningWorkload(pod);
  if (!w) return 'the pod has no name';
  if (w.blocked) return w.blocked;
  if (podLevel && w.kind === 'Pod')
    return 'a bare pod: pod-level resources of a running pod cannot be patched here; recreate the pod with them';
  return null;
}
