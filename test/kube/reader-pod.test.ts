// The reader pod spec: golden JSON, every least-privilege field, input validation before anything is built,
// and valid names/labels. UPDATE_GOLDEN=1 rewrites test/kube/golden/reader-pod-*.json (review the diff).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import fc from 'fast-check';
import {
  buildReaderPod,
  isDns1123Label,
  isLabelValue,
  READER_ANNOTATIONS,
  READER_LABELS,
  readerPodName,
  toLabelValue,
  type ReaderPodOptions,
} from '../../src/kube/reader-pod.js';
import {
  DEFAULT_READER_ROOT,
  READER_ARGV0,
  READER_SCRIPT,
  ReaderArgError,
  readerArgs,
} from '../../src/kube/reader-script.js';

const GOLDEN_DIR = path.join(import.meta.dirname, 'golden');
const UPDATE = process.env.UPDATE_GOLDEN === '1';

const UID = '7a96c459-d529-44ae-9f99-90d3798d6426';
const APP = 'a3f1c2d4e5b60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f90';
const SIDECAR = '0f1e2d3c4b5a69788796a5b4c3d2e1f00f1e2d3c4b5a69788796a5b4c3d2e1f0';

function options(
  over: Partial<ReaderPodOptions> = {},
  target: Partial<ReaderPodOptions['target']> = {},
): ReaderPodOptions {
  return {
    target: {
      namespace: 'shop',
      name: 'checkout-7d9f8b6c5-x2x4p',
      uid: UID,
      nodeName: 'ip-10-0-1-23.eu-west-1.compute.internal',
      qosClass: 'Burstable',
      containerIds: [`containerd://${APP}`, `containerd://${SIDECAR}`],
      ...target,
    },
    readerNamespace: 'memwhy-system',
    nameSuffix: 'x7k2q',
    mode: 'once',
    ...over,
  };
}

function golden(file: string, value: unknown): void {
  const p = path.join(GOLDEN_DIR, file);
  const text = `${JSON.stringify(value, null, 2)}\n`;
  if (UPDATE || !existsSync(p)) {
    mkdirSync(GOLDEN_DIR, { recursive: true });
    writeFileSync(p, text);
  }
  assert.equal(text, readFileSync(p, 'utf8'), `${p} differs (UPDATE_GOLDEN=1 rewrites it; review the diff)`);
}

test('golden: the full pod spec, once and watch', () => {
  golden('reader-pod-once.json', buildReaderPod(options()));
  golden(
    'reader-pod-watch.json',
    buildReaderPod(
      options({
        mode: 'watch',
        intervalSeconds: 2,
        deadlineSeconds: 120,
        image: 'registry.example.com/tools/busybox:1.36.1',
      }),
    ),
  );
});

test('least privilege: every field of the list is set', () => {
  const pod = buildReaderPod(options());
  const spec = pod.spec as Record<string, any>;
  const c = spec.containers[0] as Record<string, any>;
  assert.equal(spec.containers.length, 1);
  assert.equal(spec.initContainers, undefined);
  assert.equal(spec.nodeName, 'ip-10-0-1-23.eu-west-1.compute.internal');
  assert.deepEqual(spec.tolerations, [{ operator: 'Exists' }]);
  assert.equal(spec.restartPolicy, 'Never');
  assert.equal(spec.activeDeadlineSeconds, 60);
  assert.equal(spec.automountServiceAccountToken, false);
  assert.equal(spec.enableServiceLinks, false);
  assert.equal(spec.hostNetwork, false);
  assert.equal(spec.hostPID, false);
  assert.equal(spec.hostIPC, false);
  assert.equal(spec.hostUsers, undefined);
  assert.deepEqual(spec.securityContext, {
    runAsNonRoot: true,
    runAsUser: 65534,
    runAsGroup: 65534,
    seccompProfile: { type: 'RuntimeDefault' },
  });
  assert.deepEqual(spec.volumes, [{ name: 'host-cgroup', hostPath: { path: '/sys/fs/cgroup', type: 'Directory' } }]);
  assert.deepEqual(c.volumeMounts, [{ name: 'host-cgroup', mountPath: '/host/sys/fs/cgroup', readOnly: true }]);
  assert.deepEqual(c.securityContext, {
    allowPrivilegeEscalation: false,
    readOnlyRootFilesystem: true,
    privileged: false,
    capabilities: { drop: ['ALL'] },
  });
  assert.deepEqual(c.resources, { requests: { cpu: '10m', memory: '16Mi' }, limits: { cpu: '200m', memory: '32Mi' } });
  assert.equal(c.image, 'busybox:1.36');
  assert.equal(c.ports, undefined);
  assert.equal(c.env, undefined);
  assert.deepEqual(c.command, [
    'sh',
    '-c',
    READER_SCRIPT,
    READER_ARGV0,
    'once',
    '0',
    '1',
    DEFAULT_READER_ROOT,
    'burstable',
    UID,
    APP,
    SIDECAR,
  ]);
  assert.deepEqual(pod.metadata.labels, {
    'app.kubernetes.io/managed-by': 'kubectl-memwhy',
    'app.kubernetes.io/name': 'memwhy-reader',
    'memwhy.io/target-pod': 'checkout-7d9f8b6c5-x2x4p',
    'memwhy.io/target-namespace': 'shop',
  });
  assert.equal(pod.metadata.annotations[READER_ANNOTATIONS.targetUid], UID);
  assert.equal(pod.metadata.namespace, 'memwhy-system');
  // Nothing in the spec grants more: no privileged-ish key anywhere.
  const text = JSON.stringify(pod);
  for (const key of [
    '"privileged":true',
    'hostNetwork":true',
    'hostPID":true',
    'hostIPC":true',
    '"add":',
    'serviceAccountName',
    'SYS_ADMIN',
    'Unconfined',
  ]) {
    assert.ok(!text.includes(key), key);
  }
});

test('the script is a constant: no target data in it, all of it in the arguments', () => {
  const pod = buildReaderPod(options());
  const [sh, dashC, script, argv0, ...rest] = pod.spec.containers[0]?.command as string[];
  assert.deepEqual([sh, dashC, argv0], ['sh', '-c', READER_ARGV0]);
  assert.equal(script, READER_SCRIPT);
  for (const data of [UID, APP, SIDECAR, 'checkout', 'shop', 'ip-10-0-1-23', 'memwhy-system'])
    assert.ok(!READER_SCRIPT.includes(data), data);
  assert.deepEqual(rest, readerArgs({ podUid: UID, containerIds: [APP, SIDECAR], qosClass: 'Burstable' }));
});

test('watch mode: interval and a count that ends by the deadline', () => {
  const cmd = buildReaderPod(options({ mode: 'watch', intervalSeconds: 5, deadlineSeconds: 61 })).spec.containers[0]
    ?.command as string[];
  assert.deepEqual(cmd.slice(4, 7), ['watch', '5', '13']);
  const spec = buildReaderPod(options({ mode: 'watch', deadlineSeconds: 61 })).spec;
  assert.equal(spec.activeDeadlineSeconds, 61);
  assert.throws(() => buildReaderPod(options({ mode: 'watch', intervalSeconds: 0 })), ReaderArgError);
  assert.throws(() => buildReaderPod(options({ mode: 'sometimes' as 'once' })), ReaderArgError);
  assert.throws(() => buildReaderPod(options({ deadlineSeconds: 0 })), ReaderArgError);
  assert.throws(() => buildReaderPod(options({ deadlineSeconds: 1.5 })), ReaderArgError);
});

const EVIL = ['$(reboot)', '`reboot`', ';reboot', 'a;b', 'x\nreboot', '../../etc', '../', '*', '', ' ', '-rf'];

test('readerArgs refuses hostile pod UIDs, container IDs, QoS and roots', () => {
  const ok = { podUid: UID, containerIds: [APP], qosClass: 'Burstable' };
  for (const e of EVIL) {
    assert.throws(() => readerArgs({ ...ok, podUid: e }), ReaderArgError, JSON.stringify(e));
    if (e !== '') assert.throws(() => readerArgs({ ...ok, podUid: `${UID}${e}` }), ReaderArgError);
    assert.throws(() => readerArgs({ ...ok, containerIds: [e] }), ReaderArgError);
    if (e !== '') assert.throws(() => readerArgs({ ...ok, containerIds: [`${APP}${e}`] }), ReaderArgError);
    assert.throws(() => readerArgs({ ...ok, qosClass: e }), ReaderArgError);
    if (e !== '' && e !== '-rf')
      assert.throws(() => readerArgs({ ...ok, root: `/host/${e}` }), ReaderArgError, `root /host/${e}`);
  }
  assert.throws(() => readerArgs({ ...ok, podUid: UID.toUpperCase() }), ReaderArgError);
  assert.throws(() => readerArgs({ ...ok, podUid: UID.slice(1) }), ReaderArgError);
  assert.throws(() => readerArgs({ ...ok, containerIds: [APP.slice(1)] }), ReaderArgError);
  assert.throws(() => readerArgs({ ...ok, containerIds: [APP.toUpperCase()] }), ReaderArgError);
  assert.throws(
    () => readerArgs({ ...ok, containerIds: [`containerd://${APP}`] }),
    ReaderArgError,
    'readerArgs takes bare IDs',
  );
  assert.throws(
    () => readerArgs({ ...ok, containerIds: Array.from({ length: 65 }, (_, i) => i.toString(16).padStart(64, '0')) }),
    ReaderArgError,
  );
  assert.throws(() => readerArgs({ ...ok, root: 'host/sys' }), ReaderArgError);
  assert.throws(() => readerArgs({ ...ok, root: '/host//sys' }), ReaderArgError);
  assert.throws(() => readerArgs({ ...ok, root: '/host/./sys' }), ReaderArgError);
  assert.throws(() => readerArgs({ ...ok, root: '/' }), ReaderArgError);
  assert.throws(() => readerArgs({ ...ok, qosClass: 'BURSTABLE' }), ReaderArgError);
  assert.throws(() => readerArgs({ ...ok, mode: 'watch', intervalSeconds: 3601 }), ReaderArgError);
  assert.throws(() => readerArgs({ ...ok, mode: 'watch', count: -1 }), ReaderArgError);
  assert.throws(() => readerArgs(null as never), ReaderArgError);

  assert.deepEqual(readerArgs(ok), ['once', '0', '1', '/host/sys/fs/cgroup', 'burstable', UID, APP]);
  assert.deepEqual(readerArgs({ ...ok, containerIds: [APP, APP], qosClass: 'besteffort', root: '/sys/fs/cgroup/' }), [
    'once',
    '0',
    '1',
    '/sys/fs/cgroup',
    'besteffort',
    UID,
    APP,
  ]);
  assert.deepEqual(
    readerArgs({ ...ok, podUid: 'd41d8cd98f00b204e9800998ecf8427e', qosClass: 'Guaranteed', mode: 'watch' }),
    ['watch', '2', '0', '/host/sys/fs/cgroup', 'guaranteed', 'd41d8cd98f00b204e9800998ecf8427e', APP],
  );
  assert.deepEqual(readerArgs({ ...ok, containerIds: [] }).length, 6);
});

test('buildReaderPod rejects hostile targets before building anything (readerArgs speaks first)', () => {
  for (const e of EVIL) {
    assert.throws(
      () => buildReaderPod(options({}, { uid: e })),
      (err: unknown) => err instanceof ReaderArgError && /pod UID/.test(err.message),
      JSON.stringify(e),
    );
    assert.throws(
      () => buildReaderPod(options({}, { containerIds: [`containerd://${e}`] })),
      (err: unknown) => err instanceof ReaderArgError && /container ID/.test(err.message),
    );
    if (e !== '')
      assert.throws(
        () => buildReaderPod(options({}, { containerIds: [`containerd://${APP}${e}`] })),
        (err: unknown) => err instanceof ReaderArgError && /container ID/.test(err.message),
      );
    assert.throws(() => buildReaderPod(options({}, { containerIds: [e] })), ReaderArgError);
    assert.throws(() => buildReaderPod(options({}, { qosClass: e })), ReaderArgError);
    assert.throws(() => buildReaderPod(options({}, { nodeName: e })), ReaderArgError);
    assert.throws(() => buildReaderPod(options({}, { name: e })), ReaderArgError);
    assert.throws(() => buildReaderPod(options({}, { namespace: e })), ReaderArgError);
    assert.throws(() => buildReaderPod(options({ readerNamespace: e })), ReaderArgError);
    if (e !== '' && e !== '-rf')
      assert.throws(() => buildReaderPod(options({ image: `busybox${e}` })), ReaderArgError, `image busybox${e}`);
    assert.throws(() => buildReaderPod(options({ nameSuffix: e })), ReaderArgError);
  }
  // Status IDs of every runtime, bare IDs, and none at all are fine.
  const ids = (p: ReturnType<typeof buildReaderPod>): string[] => (p.spec.containers[0]?.command as string[]).slice(10);
  assert.deepEqual(ids(buildReaderPod(options({}, { containerIds: [`cri-o://${APP}`, `docker://${SIDECAR}`] }))), [
    APP,
    SIDECAR,
  ]);
  assert.deepEqual(ids(buildReaderPod(options({}, { containerIds: [APP] }))), [APP]);
  assert.deepEqual(ids(buildReaderPod(options({}, { containerIds: [] }))), []);
  assert.equal(
    (buildReaderPod(options({}, { qosClass: 'Guaranteed' })).spec.containers[0]?.command as string[])[8],
    'guaranteed',
  );
});

test('names: memwhy-reader-<node>-<suffix>, a DNS-1123 label of at most 63 characters', () => {
  assert.equal(buildReaderPod(options()).metadata.name, 'memwhy-reader-ip-10-0-1-23-eu-west-1-compute-internal-x7k2q');
  assert.equal(readerPodName('node-1', 'ab12'), 'memwhy-reader-node-1-ab12');
  assert.equal(readerPodName('Node_1.Example', 'ab12'), 'memwhy-reader-node-1-example-ab12');
  const long = readerPodName(`${'a'.repeat(62)}.${'b'.repeat(62)}`, 'zzzzzzzzzzzzzzzz');
  assert.ok(long.length <= 63 && isDns1123Label(long), long);
  assert.equal(readerPodName('---', 'ab12'), 'memwhy-reader-ab12');
  assert.throws(() => readerPodName('node', 'UPPER'), ReaderArgError);
  assert.throws(() => readerPodName('node', 'a'.repeat(17)), ReaderArgError);
  const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,20}[a-z0-9])?$/);
  fc.assert(
    fc.property(
      fc.array(label, { minLength: 1, maxLength: 12 }),
      fc.stringMatching(/^[a-z0-9]{1,16}$/),
      (parts, suffix) => {
        const node =
          parts
            .join('.')
            .slice(0, 253)
            .replace(/[.-]+$/, '') || 'n';
        const name = readerPodName(node, suffix);
        assert.ok(name.length <= 63 && isDns1123Label(name), `${node} → ${name}`);
        assert.ok(name.startsWith('memwhy-reader-') && name.endsWith(`-${suffix}`));
      },
    ),
  );
});

test('labels: the target pod name is made label-safe (63 characters, alphanumeric ends)', () => {
  const name = `${'web-'.repeat(60)}x`.slice(0, 253).replace(/-$/, 'z');
  const pod = buildReaderPod(options({}, { name }));
  const value = pod.metadata.labels[READER_LABELS.targetPod] as string;
  assert.ok(isLabelValue(value) && value.length <= 63, value);
  assert.equal(
    pod.metadata.annotations[READER_ANNOTATIONS.target],
    `shop/${name}`,
    'the full name is in an annotation',
  );
  fc.assert(
    fc.property(fc.string({ maxLength: 300 }), (s) => {
      assert.ok(isLabelValue(toLabelValue(s)), s);
    }),
  );
  for (const v of Object.values(pod.metadata.labels)) assert.ok(isLabelValue(v), v);
});
