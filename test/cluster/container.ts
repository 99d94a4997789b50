// Container configuration, as the kubelet and runtime derive it from the pod spec: image → userland
// and default command, volumes → mounts (hostPath from the node's hostPaths map), security context →
// user, groups, capabilities, no_new_privs; env (with fieldRef/resourceFieldRef) and $(VAR) expansion.
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import { join, posix } from 'node:path';
import { DEFAULT_CAPS, type MountSpec, type RunSpec, type Tools, type Userland } from './runner.js';
import type { ClusterState } from './types.js';
import { parseQuantity, type Obj } from './util.js';

/** docker.io/library/busybox:1.36 from busybox:1.36, as containerd reports `image`. */
export function normalizeImage(image: string): string {
  let name = image;
  const first = name.split('/')[0]!;
  if (!name.includes('/')) name = `docker.io/library/${name}`;
  else if (!first.includes('.') && !first.includes(':') && first !== 'localhost') name = `docker.io/${name}`;
  const last = name.split('/').pop()!;
  if (!last.includes(':') && !last.includes('@')) name += ':latest';
  return name;
}

export function imageId(image: string): string {
  const n = normalizeImage(image);
  const repo = n.replace(/[:@][^/]*$/, '');
  return `${repo}@sha256:${createHash('sha256').update(n).digest('hex')}`;
}

export function globMatch(pattern: string, s: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
  return re.test(s);
}

/** busybox images run on busybox (when installed); everything else on this machine's /bin and /usr. */
export function userlandOf(image: string, tools: Tools): Userland {
  return /busybox/i.test(image) && tools.busybox ? 'busybox' : 'host';
}

/** The image's ENTRYPOINT/CMD stand-in (ImagePolicy.defaults, else sh for busybox, else sleep infinity). */
export function defaultCommand(image: string, state: ClusterState): string[] {
  for (const [pattern, cmd] of Object.entries(state.images.defaults ?? {})) {
    if (globMatch(pattern, image)) return cmd;
  }
  return /busybox/i.test(image) ? ['sh'] : ['sleep', 'infinity'];
}

export type VolumeSource = Omit<MountSpec, 'target' | 'readOnly'>;

/** Where each volume of the pod comes from on this machine, or the kubelet's FailedMount message. */
export function resolveVolumes(
  podDir: string,
  pod: Obj,
  nodeName: string,
  state: ClusterState,
): { ok: true; volumes: Map<string, VolumeSource> } | { ok: false; message: string } {
  const out = new Map<string, VolumeSource>();
  const map = state.hostPaths[nodeName] ?? {};
  for (const v of (pod.spec.volumes ?? []) as Obj[]) {
    if (v.hostPath) {
      const r = resolveHostPath(map, String(v.hostPath.path));
      if (!r) {
        return {
          ok: false,
          message: `MountVolume.SetUp failed for volume "${v.name}" : hostPath "${v.hostPath.path}" does not exist on node "${nodeName}" (the test cluster serves only paths in hostPaths["${nodeName}"])`,
        };
      }
      const type = v.hostPath.type ?? '';
      if (type === 'Directory' && r.source !== undefined && !isDir(r.source)) {
        return {
          ok: false,
          message: `MountVolume.SetUp failed for volume "${v.name}" : hostPath type check failed: ${v.hostPath.path} is not a directory`,
        };
      }
      out.set(v.name, r);
    } else {
      // emptyDir, and the content-less stand-in for configMap/secret/projected/downwardAPI/others.
      const dir = join(podDir, 'volumes', String(v.name));
      mkdirSync(dir, { recursive: true });
      chmodSync(dir, 0o777);
      out.set(v.name, { source: dir });
    }
  }
  return { ok: true, volumes: out };
}

export interface ConfigContext {
  state: ClusterState;
  tools: Tools;
  apiServer: { host: string; port: number };
  /** `name_namespace(uid)`, as the kubelet names pods in messages. */
  podRef: string;
}

/**
 * What the runtime needs to start one container: argv (command/args with $(VAR) expansion), env,
 * user/group, capabilities, mounts; or a CreateContainerConfigError message.
 */
export function containerConfig(
  ctx: ConfigContext,
  pod: Obj,
  c: Obj,
  volumes: Map<string, VolumeSource>,
): { spec: Omit<RunSpec, 'rootDir'> } | { error: string } {
  const psc: Obj = pod.spec.securityContext ?? {};
  const sc: Obj = c.securityContext ?? {};
  const image: string = c.image;
  const userland = userlandOf(image, ctx.tools);
  const uid = Number(sc.runAsUser ?? psc.runAsUser ?? 0);
  const runAsNonRoot = sc.runAsNonRoot ?? psc.runAsNonRoot;
  if (runAsNonRoot === true && uid === 0) {
    return {
      error:
        sc.runAsUser === 0 || psc.runAsUser === 0
          ? `container's runAsUser breaks non-root policy (pod: "${ctx.podRef}", container: ${c.name})`
          : `container has runAsNonRoot and image will run as root (pod: "${ctx.podRef}", container: ${c.name})`,
    };
  }
  const gid = Number(sc.runAsGroup ?? psc.runAsGroup ?? passwdGid(uid, userland) ?? 0);
  const groups: number[] = [...(psc.supplementalGroups ?? []), ...(psc.fsGroup !== undefined ? [psc.fsGroup] : [])].map(
    Number,
  );
  const privileged = sc.privileged === true;
  let caps: 'all' | string[] = 'all';
  if (!privileged) {
    const drop: string[] = (sc.capabilities?.drop ?? []).map((x: string) => x.toLowerCase().replace(/^cap_/, ''));
    const add: string[] = (sc.capabilities?.add ?? []).map((x: string) => x.toLowerCase().replace(/^cap_/, ''));
    caps = drop.includes('all') ? [...add] : [...new Set([...DEFAULT_CAPS.filter((x) => !drop.includes(x)), ...add])];
  }
  const env = containerEnv(ctx, pod, c, uid, userland);
  if ('error' in env) return env;
  const expand = (s: string): string =>
    s.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (m, name?: string) =>
      m === '$$' ? '$' : name !== undefined && name in env.vars ? env.vars[name]! : m,
    );
  const command: string[] | undefined = c.command;
  const args: string[] | undefined = c.args;
  let argv: string[];
  if (command && command.length) argv = [...command, ...(args ?? [])];
  else if (args && args.length) argv = [...args];
  else argv = defaultCommand(image, ctx.state);
  argv = argv.map((a) => expand(String(a)));
  const mounts: MountSpec[] = [];
  for (const m of (c.volumeMounts ?? []) as Obj[]) {
    const v = volumes.get(m.name);
    if (!v) continue;
    const sub = m.subPath ? posix.normalize(`/${m.subPath}`) : '';
    if (sub && v.source !== undefined)
      mounts.push({ target: m.mountPath, source: v.source + sub, readOnly: m.readOnly === true });
    else mounts.push({ target: m.mountPath, ...v, readOnly: m.readOnly === true });
  }
  return {
    spec: {
      hostname: pod.spec.hostname ?? pod.metadata.name,
      argv,
      env: env.vars,
      workingDir: c.workingDir,
      userland,
      uid,
      gid,
      groups,
      noNewPrivs: sc.allowPrivilegeEscalation === false && !privileged,
      capabilities: caps,
      readOnlyRootFilesystem: sc.readOnlyRootFilesystem === true,
      mounts,
    },
  };
}

/** The container's environment: defaults, service env, env[] with value/fieldRef/resourceFieldRef. */
export function containerEnv(
  ctx: ConfigContext,
  pod: Obj,
  c: Obj,
  uid: number,
  userland: Userland,
): { vars: Record<string, string> } | { error: string } {
  const vars: Record<string, string> = {
    PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    HOSTNAME: pod.spec.hostname ?? pod.metadata.name,
  };
  if (pod.spec.enableServiceLinks !== false) {
    Object.assign(vars, {
      KUBERNETES_SERVICE_HOST: ctx.apiServer.host,
      KUBERNETES_SERVICE_PORT: String(ctx.apiServer.port),
      KUBERNETES_SERVICE_PORT_HTTPS: String(ctx.apiServer.port),
      KUBERNETES_PORT: `tcp://${ctx.apiServer.host}:${ctx.apiServer.port}`,
    });
  }
  const expand = (s: string): string =>
    s.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (m, name?: string) =>
      m === '$$' ? '$' : name !== undefined && name in vars ? vars[name]! : m,
    );
  for (const e of (c.env ?? []) as Obj[]) {
    if (e.value !== undefined) vars[e.name] = expand(String(e.value));
    else if (e.valueFrom?.fieldRef) {
      const path = String(e.valueFrom.fieldRef.fieldPath);
      const fields: Record<string, unknown> = {
        'metadata.name': pod.metadata.name,
        'metadata.namespace': pod.metadata.namespace,
        'metadata.uid': pod.metadata.uid,
        'spec.nodeName': pod.spec.nodeName,
        'spec.serviceAccountName': pod.spec.serviceAccountName,
        'status.hostIP': pod.status?.hostIP,
        'status.podIP': pod.status?.podIP,
      };
      const lm = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(path);
      const v = lm ? pod.metadata?.[lm[1]!]?.[lm[2]!] : fields[path];
      vars[e.name] = v === undefined || v === null ? '' : String(v);
    } else if (e.valueFrom?.resourceFieldRef) {
      const r = String(e.valueFrom.resourceFieldRef.resource);
      const target = e.valueFrom.resourceFieldRef.containerName
        ? (pod.spec.containers as Obj[]).find((x) => x.name === e.valueFrom.resourceFieldRef.containerName)
        : c;
      const [kind, res] = r.split('.') as [string, string];
      const q = parseQuantity(target?.resources?.[kind]?.[res]);
      const divisor = parseQuantity(e.valueFrom.resourceFieldRef.divisor ?? '1') ?? 1;
      vars[e.name] = q === null ? (res === 'memory' ? String(8 * 2 ** 30) : '1') : String(Math.ceil(q / divisor));
    } else if (e.valueFrom?.configMapKeyRef || e.valueFrom?.secretKeyRef) {
      const ref = e.valueFrom.configMapKeyRef ?? e.valueFrom.secretKeyRef;
      if (ref.optional) continue;
      return { error: `${e.valueFrom.configMapKeyRef ? 'configmap' : 'secret'} "${ref.name}" not found` };
    }
  }
  vars.HOME ??= uid === 0 ? '/root' : userland === 'busybox' && uid === 65534 ? '/home' : '/';
  return { vars };
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function passwdGid(uid: number, userland: Userland): number | null {
  if (userland === 'busybox') return uid === 65534 ? 65534 : uid === 0 ? 0 : null;
  try {
    for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
      const f = line.split(':');
      if (Number(f[2]) === uid && f[3] !== undefined) return Number(f[3]);
    }
  } catch {
    /* none */
  }
  return null;
}

/**
 * Where a node path comes from: the longest mapped prefix (`source`), else a skeleton of the mapped
 * paths below it, else null (not on the node).
 */
export function resolveHostPath(
  map: Record<string, string>,
  path: string,
): Omit<MountSpec, 'target' | 'readOnly'> | null {
  const p = posix.normalize(path).replace(/(.)\/+$/, '$1');
  const under = (k: string, q: string): boolean => q === k || (k === '/' ? q.startsWith('/') : q.startsWith(`${k}/`));
  const keys = Object.keys(map).map((k) => posix.normalize(k).replace(/(.)\/+$/, '$1'));
  const anc = keys.filter((k) => under(k, p)).sort((a, b) => b.length - a.length)[0];
  if (anc !== undefined) {
    const orig = Object.keys(map).find((k) => posix.normalize(k).replace(/(.)\/+$/, '$1') === anc)!;
    const src = join(map[orig]!, p.slice(anc === '/' ? 0 : anc.length));
    return existsSync(src) ? { source: src } : null;
  }
  const kids = keys.filter((k) => k !== p && under(p, k));
  const top = kids.filter((k) => !kids.some((o) => o !== k && under(o, k)));
  if (top.length === 0) return null;
  return {
    skeleton: top.map((k) => ({
      rel: k.slice(p === '/' ? 1 : p.length + 1),
      source: map[Object.keys(map).find((x) => posix.normalize(x).replace(/(.)\/+$/, '$1') === k)!]!,
    })),
  };
}
