// Discovery documents: /version, /api, /api/v1, /apis, /apis/metrics.k8s.io[/v1beta1], and the small
// OpenAPI v3 index kubectl's query-parameter verifier reads (fieldValidation support on create).
import type { Obj } from './util.js';

const RW = ['create', 'delete', 'deletecollection', 'get', 'list', 'watch'];

export function version(v: { major: string; minor: string; gitVersion: string }): Obj {
  return {
    major: v.major,
    minor: v.minor,
    gitVersion: v.gitVersion,
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: '2025-04-22T16:00:00Z',
    goVersion: 'go1.23.8',
    compiler: 'gc',
    platform: 'linux/amd64',
  };
}

export function apiVersions(serverAddress: string): Obj {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

export function coreResources(): Obj {
  return {
    kind: 'APIResourceList',
    groupVersion: 'v1',
    resources: [
      {
        name: 'events',
        singularName: 'event',
        namespaced: true,
        kind: 'Event',
        verbs: ['get', 'list', 'watch'],
        shortNames: ['ev'],
        storageVersionHash: 'r2yiGXH7wu8=',
      },
      {
        name: 'namespaces',
        singularName: 'namespace',
        namespaced: false,
        kind: 'Namespace',
        verbs: ['create', 'get', 'list', 'watch'],
        shortNames: ['ns'],
        storageVersionHash: 'Q3oi5N2YM8M=',
      },
      {
        name: 'nodes',
        singularName: 'node',
        namespaced: false,
        kind: 'Node',
        verbs: ['get', 'list', 'watch'],
        shortNames: ['no'],
        storageVersionHash: 'XwShjMxG9Fs=',
      },
      {
        name: 'nodes/proxy',
        singularName: '',
        namespaced: false,
        kind: 'NodeProxyOptions',
        verbs: ['create', 'delete', 'get', 'patch', 'update'],
      },
      {
        name: 'pods',
        singularName: 'pod',
        namespaced: true,
        kind: 'Pod',
        verbs: RW,
        shortNames: ['po'],
        categories: ['all'],
        storageVersionHash: 'xPOwRZ+Yhw8=',
      },
      { name: 'pods/log', singularName: '', namespaced: true, kind: 'Pod', verbs: ['get'] },
    ],
  };
}

export const METRICS_GROUP = 'metrics.k8s.io';
export const METRICS_VERSION = 'v1beta1';

export function apiGroups(metrics: boolean): Obj {
  const groups: Obj[] = [];
  if (metrics) {
    const gv = { groupVersion: `${METRICS_GROUP}/${METRICS_VERSION}`, version: METRICS_VERSION };
    groups.push({ name: METRICS_GROUP, versions: [gv], preferredVersion: gv });
  }
  return { kind: 'APIGroupList', apiVersion: 'v1', groups };
}

export function metricsGroup(): Obj {
  const gv = { groupVersion: `${METRICS_GROUP}/${METRICS_VERSION}`, version: METRICS_VERSION };
  return { kind: 'APIGroup', apiVersion: 'v1', name: METRICS_GROUP, versions: [gv], preferredVersion: gv };
}

export function metricsResources(): Obj {
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: `${METRICS_GROUP}/${METRICS_VERSION}`,
    resources: [
      { name: 'nodes', singularName: '', namespaced: false, kind: 'NodeMetrics', verbs: ['get', 'list'] },
      { name: 'pods', singularName: '', namespaced: true, kind: 'PodMetrics', verbs: ['get', 'list'] },
    ],
  };
}

/** /openapi/v3: the paths index (group-versions → their document URLs). */
export function openapiV3Index(metrics: boolean): Obj {
  const paths: Obj = { 'api/v1': { serverRelativeURL: '/openapi/v3/api/v1?hash=TESTCLUSTER' } };
  if (metrics)
    paths[`apis/${METRICS_GROUP}/${METRICS_VERSION}`] = {
      serverRelativeURL: `/openapi/v3/apis/${METRICS_GROUP}/${METRICS_VERSION}?hash=TESTCLUSTER`,
    };
  return { paths };
}

/**
 * A minimal OpenAPI v3 document for core/v1: the operations kubectl inspects, with
 * `x-kubernetes-group-version-kind` and the `fieldValidation` parameter on PATCH (so `kubectl create -f`
 * uses server-side validation instead of downloading the v2 schema, which is not served). Schemas
 * are left open.
 */
export function openapiV3CoreV1(): Obj {
  const gvk = (kind: string): Obj => ({ group: '', version: 'v1', kind });
  const op = (id: string, action: string, kind: string, params: Obj[] = []): Obj => ({
    operationId: id,
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': gvk(kind),
    parameters: params,
    responses: {
      '200': {
        description: 'OK',
        content: { 'application/json': { schema: { $ref: `#/components/schemas/io.k8s.api.core.v1.${kind}` } } },
      },
    },
  });
  const fieldValidation = { name: 'fieldValidation', in: 'query', schema: { type: 'string', uniqueItems: true } };
  const dryRun = { name: 'dryRun', in: 'query', schema: { type: 'string', uniqueItems: true } };
  const open = { type: 'object', 'x-kubernetes-preserve-unknown-fields': true };
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: 'v1.32.4' },
    paths: {
      '/api/v1/namespaces/{namespace}/pods': {
        get: op('listCoreV1NamespacedPod', 'list', 'Pod'),
        post: op('createCoreV1NamespacedPod', 'post', 'Pod', [dryRun, fieldValidation]),
        delete: op('deleteCoreV1CollectionNamespacedPod', 'deletecollection', 'Pod'),
      },
      // kubectl's QueryParamVerifierV3 looks for fieldValidation on the PATCH operation of the GVK.
      '/api/v1/namespaces/{namespace}/pods/{name}': {
        get: op('readCoreV1NamespacedPod', 'get', 'Pod'),
        delete: op('deleteCoreV1NamespacedPod', 'delete', 'Pod'),
        patch: op('patchCoreV1NamespacedPod', 'patch', 'Pod', [dryRun, fieldValidation]),
      },
      '/api/v1/namespaces': {
        get: op('listCoreV1Namespace', 'list', 'Namespace'),
        post: op('createCoreV1Namespace', 'post', 'Namespace', [dryRun, fieldValidation]),
      },
      '/api/v1/namespaces/{name}': {
        get: op('readCoreV1Namespace', 'get', 'Namespace'),
        patch: op('patchCoreV1Namespace', 'patch', 'Namespace', [dryRun, fieldValidation]),
      },
      '/api/v1/nodes': { get: op('listCoreV1Node', 'list', 'Node') },
      '/api/v1/nodes/{name}': {
        get: op('readCoreV1Node', 'get', 'Node'),
        patch: op('patchCoreV1Node', 'patch', 'Node', [dryRun, fieldValidation]),
      },
    },
    components: {
      schemas: {
        'io.k8s.api.core.v1.Pod': { ...open, 'x-kubernetes-group-version-kind': [gvk('Pod')] },
        'io.k8s.api.core.v1.Namespace': { ...open, 'x-kubernetes-group-version-kind': [gvk('Namespace')] },
        'io.k8s.api.core.v1.Node': { ...open, 'x-kubernetes-group-version-kind': [gvk('Node')] },
      },
    },
  };
}
