// Pod Security Admission (k8s.io/pod-security-admission): the baseline and restricted checks that
// matter for debug/reader pods, with the upstream wording and ordering (checks sorted by ID, reasons
// joined with ", ").
import { forbidden, type ApiError } from './status.js';
import type { Obj } from './util.js';

export type Level = 'privileged' | 'baseline' | 'restricted';
export const ENFORCE = 'pod-security.kubernetes.io/enforce';
export const ENFORCE_VERSION = 'pod-security.kubernetes.io/enforce-version';
export const WARN = 'pod-security.kubernetes.io/warn';
export const WARN_VERSION = 'pod-security.kubernetes.io/warn-version';

interface Check {
  id: string;
  level: 'baseline' | 'restricted';
  /** Checks of the restricted level that replace a baseline one. */
  overrides?: string;
  run(pod: Obj): string | null;
}

interface NamedContainer {
  name: string;
  sc: Obj;
  c: Obj;
}

function containers(pod: Obj): NamedContainer[] {
  const spec = pod.spec ?? {};
  return [...(spec.initContainers ?? []), ...(spec.containers ?? []), ...(spec.ephemeralContainers ?? [])].map(
    (c: Obj) => ({
      name: String(c.name ?? ''),
      sc: c.securityContext ?? {},
      c,
    }),
  );
}

const quoteList = (xs: string[]): string => xs.map((x) => `"${x}"`).join(', ');
const plural = (n: number, one: string, many: string): string => (n === 1 ? one : many);
/** `container "a"` / `containers "a", "b"`. */
const containerWord = (names: string[]): string =>
  `${plural(names.length, 'container', 'containers')} ${quoteList(names)}`;

const BASELINE_CAPS = new Set([
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'NET_BIND_SERVICE',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
]);
const RESTRICTED_VOLUME_TYPES = new Set([
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'persistentVolumeClaim',
  'projected',
  'secret',
]);

const CHECKS: Check[] = [
  {
    id: 'allowPrivilegeEscalation',
    level: 'restricted',
    run(pod) {
      const bad = containers(pod)
        .filter((x) => x.sc.allowPrivilegeEscalation !== false)
        .map((x) => x.name);
      return bad.length
        ? `allowPrivilegeEscalation != false (${containerWord(bad)} must set securityContext.allowPrivilegeEscalation=false)`
        : null;
    },
  },
  {
    id: 'capabilities_baseline',
    level: 'baseline',
    run(pod) {
      const byCaps = new Map<string, string[]>();
      const names: string[] = [];
      const caps = new Set<string>();
      for (const x of containers(pod)) {
        const extra = ((x.sc.capabilities?.add ?? []) as string[]).filter((c) => !BASELINE_CAPS.has(c));
        if (extra.length) {
          names.push(x.name);
          extra.forEach((c) => caps.add(c));
          byCaps.set(x.name, extra);
        }
      }
      return names.length
        ? `non-default capabilities (${containerWord(names)} must not include ${quoteList([...caps].sort())} in securityContext.capabilities.add)`
        : null;
    },
  },
  {
    id: 'capabilities_restricted',
    level: 'restricted',
    overrides: 'capabilities_baseline',
    run(pod) {
      const noDrop: string[] = [];
      const badAdd: string[] = [];
      const caps = new Set<string>();
      for (const x of containers(pod)) {
        const drop = (x.sc.capabilities?.drop ?? []) as string[];
        if (!drop.includes('ALL')) noDrop.push(x.name);
        const extra = ((x.sc.capabilities?.add ?? []) as string[]).filter((c) => c !== 'NET_BIND_SERVICE');
        if (extra.length) {
          badAdd.push(x.name);
          extra.forEach((c) => caps.add(c));
        }
      }
      const parts: string[] = [];
      if (noDrop.length) parts.push(`${containerWord(noDrop)} must set securityContext.capabilities.drop=["ALL"]`);
      if (badAdd.length)
        parts.push(
          `${containerWord(badAdd)} must not include ${quoteList([...caps].sort())} in securityContext.capabilities.add`,
        );
      return parts.length ? `unrestricted capabilities (${parts.join('; ')})` : null;
    },
  },
  {
    id: 'hostNamespaces',
    level: 'baseline',
    run(pod) {
      const s = pod.spec ?? {};
      const set = (['hostNetwork', 'hostPID', 'hostIPC'] as const).filter((k) => s[k] === true).map((k) => `${k}=true`);
      return set.length ? `host namespaces (${set.join(', ')})` : null;
    },
  },
  {
    id: 'hostPathVolumes',
    level: 'baseline',
    run(pod) {
      const vols = ((pod.spec?.volumes ?? []) as Obj[]).filter((v) => v.hostPath).map((v) => String(v.name));
      return vols.length ? `hostPath volumes (${plural(vols.length, 'volume', 'volumes')} ${quoteList(vols)})` : null;
    },
  },
  {
    id: 'hostPorts',
    level: 'baseline',
    run(pod) {
      const names: string[] = [];
      const ports: string[] = [];
      for (const x of containers(pod)) {
        const hp = ((x.c.ports ?? []) as Obj[])
          .filter((p) => p.hostPort && p.hostPort !== 0)
          .map((p) => String(p.hostPort));
        if (hp.length) {
          names.push(x.name);
          ports.push(...hp);
        }
      }
      if (!names.length) return null;
      return `hostPort (${containerWord(names)} ${plural(names.length, 'uses', 'use')} ${plural(ports.length, 'hostPort', 'hostPorts')} ${ports.join(', ')})`;
    },
  },
  {
    id: 'privileged',
    level: 'baseline',
    run(pod) {
      const bad = containers(pod)
        .filter((x) => x.sc.privileged === true)
        .map((x) => x.name);
      return bad.length ? `privileged (${containerWord(bad)} must not set securityContext.privileged=true)` : null;
    },
  },
  {
    id: 'restrictedVolumes',
    level: 'restricted',
    run(pod) {
      const names: string[] = [];
      const types = new Set<string>();
      for (const v of (pod.spec?.volumes ?? []) as Obj[]) {
        const t = Object.keys(v).find((k) => k !== 'name');
        if (t && !RESTRICTED_VOLUME_TYPES.has(t)) {
          names.push(String(v.name));
          types.add(t);
        }
      }
      if (!names.length) return null;
      return `restricted volume types (${plural(names.length, 'volume', 'volumes')} ${quoteList(names)} ${plural(names.length, 'uses', 'use')} ${plural(types.size, 'restricted volume type', 'restricted volume types')} ${quoteList([...types].sort())})`;
    },
  },
  {
    id: 'runAsNonRoot',
    level: 'restricted',
    run(pod) {
      const podVal = pod.spec?.securityContext?.runAsNonRoot;
      const parts: string[] = [];
      if (podVal === false) parts.push('pod must not set securityContext.runAsNonRoot=false');
      const explicit: string[] = [];
      const implicit: string[] = [];
      for (const x of containers(pod)) {
        if (x.sc.runAsNonRoot === false) explicit.push(x.name);
        else if (x.sc.runAsNonRoot === undefined && podVal !== true) implicit.push(x.name);
      }
      if (explicit.length) parts.push(`${containerWord(explicit)} must not set securityContext.runAsNonRoot=false`);
      if (implicit.length && podVal !== false)
        parts.push(`pod or ${containerWord(implicit)} must set securityContext.runAsNonRoot=true`);
      return parts.length ? `runAsNonRoot != true (${parts.join('; ')})` : null;
    },
  },
  {
    id: 'runAsUser',
    level: 'restricted',
    run(pod) {
      const parts: string[] = [];
      if (pod.spec?.securityContext?.runAsUser === 0) parts.push('pod must not set runAsUser=0');
      const bad = containers(pod)
        .filter((x) => x.sc.runAsUser === 0)
        .map((x) => x.name);
      if (bad.length) parts.push(`${containerWord(bad)} must not set runAsUser=0`);
      return parts.length ? `runAsUser=0 (${parts.join('; ')})` : null;
    },
  },
  {
    id: 'seccompProfile_baseline',
    level: 'baseline',
    run(pod) {
      const parts: string[] = [];
      if (pod.spec?.securityContext?.seccompProfile?.type === 'Unconfined')
        parts.push('pod must not set securityContext.seccompProfile.type to "Unconfined"');
      const bad = containers(pod)
        .filter((x) => x.sc.seccompProfile?.type === 'Unconfined')
        .map((x) => x.name);
      if (bad.length)
        parts.push(`${containerWord(bad)} must not set securityContext.seccompProfile.type to "Unconfined"`);
      return parts.length ? `seccompProfile (${parts.join('; ')})` : null;
    },
  },
  {
    id: 'seccompProfile_restricted',
    level: 'restricted',
    overrides: 'seccompProfile_baseline',
    run(pod) {
      const ok = (t: unknown): boolean => t === 'RuntimeDefault' || t === 'Localhost';
      const podType = pod.spec?.securityContext?.seccompProfile?.type;
      const parts: string[] = [];
      if (podType !== undefined && !ok(podType))
        parts.push(`pod must not set securityContext.seccompProfile.type to "${podType}"`);
      const explicit: string[] = [];
      const implicit: string[] = [];
      const badTypes = new Set<string>();
      for (const x of containers(pod)) {
        const t = x.sc.seccompProfile?.type;
        if (t !== undefined && !ok(t)) {
          explicit.push(x.name);
          badTypes.add(String(t));
        } else if (t === undefined && !ok(podType)) implicit.push(x.name);
      }
      if (explicit.length)
        parts.push(
          `${containerWord(explicit)} must not set securityContext.seccompProfile.type to ${quoteList([...badTypes])}`,
        );
      if (implicit.length && podType === undefined)
        parts.push(
          `pod or ${containerWord(implicit)} must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"`,
        );
      return parts.length ? `seccompProfile (${parts.join('; ')})` : null;
    },
  },
];

/** The reasons a pod violates `level`, in upstream order (check ID order, after overrides). */
export function violations(pod: Obj, level: Level): string[] {
  if (level === 'privileged') return [];
  const active = CHECKS.filter((c) => c.level === 'baseline' || level === 'restricted');
  const overridden = new Set(active.map((c) => c.overrides).filter((x): x is string => !!x));
  return active
    .filter((c) => !overridden.has(c.id))
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
    .map((c) => c.run(pod))
    .filter((x): x is string => x !== null);
}

function levelOf(v: unknown, fallback: Level): Level {
  return v === 'privileged' || v === 'baseline' || v === 'restricted' ? v : fallback;
}

export interface PsaResult {
  error: ApiError | null;
  /** `Warning` header values (pod-security.kubernetes.io/warn). */
  warnings: string[];
}

/** Admission of a pod create in a namespace. `podName` is the name as shown in the message. */
export function admitPod(pod: Obj, podName: string, ns: Obj | undefined, defaultLevel: Level): PsaResult {
  const labels: Record<string, string> = ns?.metadata?.labels ?? {};
  const enforce = levelOf(labels[ENFORCE], defaultLevel);
  const enforceVersion = labels[ENFORCE_VERSION] || 'latest';
  const warnings: string[] = [];
  if (labels[WARN]) {
    const warn = levelOf(labels[WARN], 'privileged');
    const v = violations(pod, warn);
    if (v.length)
      warnings.push(`would violate PodSecurity "${warn}:${labels[WARN_VERSION] || 'latest'}": ${v.join(', ')}`);
  }
  const v = violations(pod, enforce);
  if (!v.length) return { error: null, warnings };
  return {
    error: forbidden('pods', podName, `violates PodSecurity "${enforce}:${enforceVersion}": ${v.join(', ')}`),
    warnings,
  };
}
