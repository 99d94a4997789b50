// Pod creation: defaulting (pkg/apis/core/v1/defaults.go, admission defaults), the basic validation
// of pkg/apis/core/validation (names, containers, volumes, mounts), and the QoS class.
import { invalid, type FieldError } from './status.js';
import { parseQuantity, randSuffix, type Obj } from './util.js';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

const labelMsg = (v: string): string =>
  `Invalid value: "${v}": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`;
const subdomainMsg = (v: string): string =>
  `Invalid value: "${v}": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`;

/** Fills metadata.name from generateName (`names.SimpleNameGenerator`). */
export function generateName(pod: Obj): void {
  const md = (pod.metadata ??= {});
  if (!md.name && md.generateName) md.name = `${String(md.generateName).slice(0, 58)}${randSuffix(5)}`;
}

export function validatePod(pod: Obj): void {
  const errs: FieldError[] = [];
  const md = pod.metadata ?? {};
  const name = String(md.name ?? '');
  if (!name)
    errs.push({
      field: 'metadata.name',
      type: 'FieldValueRequired',
      message: 'Required value: name or generateName is required',
    });
  else if (!DNS1123_SUBDOMAIN.test(name) || name.length > 253)
    errs.push({ field: 'metadata.name', type: 'FieldValueInvalid', message: subdomainMsg(name) });
  const spec = pod.spec;
  if (!spec || typeof spec !== 'object') {
    errs.push({ field: 'spec.containers', type: 'FieldValueRequired', message: 'Required value' });
    throw invalid('Pod', name, errs);
  }
  const volumes = new Set<string>();
  ((spec.volumes ?? []) as Obj[]).forEach((v, i) => {
    const vn = String(v.name ?? '');
    if (!vn) errs.push({ field: `spec.volumes[${i}].name`, type: 'FieldValueRequired', message: 'Required value' });
    else if (!DNS1123_LABEL.test(vn))
      errs.push({ field: `spec.volumes[${i}].name`, type: 'FieldValueInvalid', message: labelMsg(vn) });
    else if (volumes.has(vn))
      errs.push({ field: `spec.volumes[${i}].name`, type: 'FieldValueDuplicate', message: `Duplicate value: "${vn}"` });
    volumes.add(vn);
    if (v.hostPath) {
      const p = v.hostPath.path;
      if (!p)
        errs.push({ field: `spec.volumes[${i}].hostPath.path`, type: 'FieldValueRequired', message: 'Required value' });
      else if (String(p).split('/').includes('..'))
        errs.push({
          field: `spec.volumes[${i}].hostPath.path`,
          type: 'FieldValueInvalid',
          message: `Invalid value: "${p}": must not contain '..'`,
        });
    }
  });
  const names = new Set<string>();
  const checkContainers = (list: unknown, path: string, required: boolean): void => {
    if (!Array.isArray(list) || list.length === 0) {
      if (required) errs.push({ field: path, type: 'FieldValueRequired', message: 'Required value' });
      return;
    }
    list.forEach((c: Obj, i: number) => {
      const p = `${path}[${i}]`;
      const cn = String(c?.name ?? '');
      if (!cn) errs.push({ field: `${p}.name`, type: 'FieldValueRequired', message: 'Required value' });
      else if (!DNS1123_LABEL.test(cn) || cn.length > 63)
        errs.push({ field: `${p}.name`, type: 'FieldValueInvalid', message: labelMsg(cn) });
      else if (names.has(cn))
        errs.push({ field: `${p}.name`, type: 'FieldValueDuplicate', message: `Duplicate value: "${cn}"` });
      names.add(cn);
      if (!c?.image) errs.push({ field: `${p}.image`, type: 'FieldValueRequired', message: 'Required value' });
      ((c?.volumeMounts ?? []) as Obj[]).forEach((m, j) => {
        if (!volumes.has(String(m.name)))
          errs.push({
            field: `${p}.volumeMounts[${j}].name`,
            type: 'FieldValueNotFound',
            message: `Not found: "${m.name}"`,
          });
        if (!m.mountPath)
          errs.push({
            field: `${p}.volumeMounts[${j}].mountPath`,
            type: 'FieldValueRequired',
            message: 'Required value',
          });
      });
      for (const kind of ['requests', 'limits'] as const) {
        for (const [k, q] of Object.entries((c?.resources?.[kind] ?? {}) as Record<string, unknown>)) {
          if (parseQuantity(q) === null) {
            errs.push({
              field: `${p}.resources.${kind}[${k}]`,
              type: 'FieldValueInvalid',
              message: `Invalid value: "${q}": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'`,
            });
          }
        }
        const req = parseQuantity(c?.resources?.requests?.memory);
        const lim = parseQuantity(c?.resources?.limits?.memory);
        if (kind === 'limits' && req !== null && lim !== null && req > lim) {
          errs.push({
            field: `${p}.resources.requests`,
            type: 'FieldValueInvalid',
            message: `Invalid value: "${c.resources.requests.memory}": must be less than or equal to memory limit of ${c.resources.limits.memory}`,
          });
        }
      }
    });
  };
  checkContainers(spec.containers, 'spec.containers', true);
  checkContainers(spec.initContainers, 'spec.initContainers', false);
  const rp = spec.restartPolicy;
  if (rp !== undefined && !['Always', 'OnFailure', 'Never'].includes(rp)) {
    errs.push({
      field: 'spec.restartPolicy',
      type: 'FieldValueNotSupported',
      message: `Unsupported value: "${rp}": supported values: "Always", "OnFailure", "Never"`,
    });
  }
  if (
    spec.activeDeadlineSeconds !== undefined &&
    !(Number.isInteger(spec.activeDeadlineSeconds) && spec.activeDeadlineSeconds > 0)
  ) {
    errs.push({
      field: 'spec.activeDeadlineSeconds',
      type: 'FieldValueInvalid',
      message: `Invalid value: ${spec.activeDeadlineSeconds}: must be between 1 and 2147483647, inclusive`,
    });
  }
  if (errs.length) throw invalid('Pod', name, errs);
}

function imagePullPolicy(image: string): string {
  const last = image.split('/').pop() ?? image;
  if (last.includes('@')) return 'IfNotPresent';
  const tag = last.includes(':') ? last.split(':').pop() : '';
  return !tag || tag === 'latest' ? 'Always' : 'IfNotPresent';
}

function defaultContainer(c: Obj): void {
  c.imagePullPolicy ??= imagePullPolicy(String(c.image ?? ''));
  c.terminationMessagePath ??= '/dev/termination-log';
  c.terminationMessagePolicy ??= 'File';
  c.resources ??= {};
  // Limits without requests default the requests (defaults.go SetDefaults_Pod / ResourceRequirements).
  for (const [k, v] of Object.entries((c.resources.limits ?? {}) as Record<string, unknown>)) {
    c.resources.requests ??= {};
    c.resources.requests[k] ??= v;
  }
}

/** Defaults the API server (and the standard admission chain) applies to a new pod. */
export function defaultPod(pod: Obj): void {
  const spec = pod.spec;
  spec.restartPolicy ??= 'Always';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.securityContext ??= {};
  spec.schedulerName ??= 'default-scheduler';
  spec.serviceAccountName ??= spec.serviceAccount ?? 'default';
  spec.serviceAccount ??= spec.serviceAccountName;
  spec.enableServiceLinks ??= true;
  spec.priority ??= 0;
  spec.preemptionPolicy ??= 'PreemptLowerPriority';
  // DefaultTolerationSeconds admission.
  spec.tolerations ??= [];
  for (const key of ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']) {
    if (!spec.tolerations.some((t: Obj) => t.key === key || (t.operator === 'Exists' && !t.key))) {
      spec.tolerations.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 });
    }
  }
  for (const c of spec.containers ?? []) defaultContainer(c);
  for (const c of spec.initContainers ?? []) defaultContainer(c);
  for (const v of spec.volumes ?? []) {
    if (v.hostPath) v.hostPath.type ??= '';
    if (v.emptyDir) v.emptyDir = v.emptyDir ?? {};
  }
  pod.status = { phase: 'Pending', qosClass: qosClass(pod) };
}

/** pkg/apis/core/v1/helper/qos GetPodQOS (cpu and memory only). */
export function qosClass(pod: Obj): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const cs: Obj[] = [...(pod.spec?.initContainers ?? []), ...(pod.spec?.containers ?? [])];
  let any = false;
  let guaranteed = true;
  for (const c of cs) {
    const req = c.resources?.requests ?? {};
    const lim = c.resources?.limits ?? {};
    for (const r of ['cpu', 'memory']) {
      if (req[r] !== undefined || lim[r] !== undefined) any = true;
      const l = parseQuantity(lim[r]);
      const q = parseQuantity(req[r] ?? lim[r]);
      if (l === null || q === null || l !== q) guaranteed = false;
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}
