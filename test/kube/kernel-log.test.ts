// The opt-in kernel-log container (--kernel-log): its script runs for real under busybox sh and dash against a
// /var/log holding a real node's syslog, and what it keeps must carry the same OOM kills as the whole log.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseKernelOomLog } from '../../src/core/messages.js';
import { KERNEL_LOG_ROOT, KERNEL_LOG_SCRIPT, buildReaderPod, withKernelLog } from '../../src/kube/reader-pod.js';

const FIXTURE = 'test/fixtures/raw/kernel-oom.aks-5.15-cgroupv2.allocatable-kubepods.slice.syslog.log';
const shells = [
  ['busybox', ['busybox', 'sh', '-c']],
  ['dash', ['dash', '-c']],
] as const;

function have(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`]).status === 0;
}

for (const [name, argv] of shells) {
  test(
    `kernel-log script under ${name}: keeps the OOM report lines, the same kills as the whole log`,
    { skip: have(argv[0]) ? false : `${argv[0]} is not installed` },
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'memwhy-varlog-'));
      try {
        copyFileSync(FIXTURE, join(dir, 'syslog'));
        const script = KERNEL_LOG_SCRIPT.replaceAll(KERNEL_LOG_ROOT, dir);
        const r = spawnSync(argv[0], [...argv.slice(1), script], { encoding: 'utf8' });
        assert.equal(r.status, 0, r.stderr);
        const whole = parseKernelOomLog(readFileSync(FIXTURE, 'utf8'));
        const kept = parseKernelOomLog(r.stdout);
        assert.ok(
          r.stdout.split('\n').length < readFileSync(FIXTURE, 'utf8').split('\n').length,
          'only the OOM report lines are kept',
        );
        assert.deepEqual(
          kept.map((e) => [e.oomMemcg, e.taskMemcg, e.pid, e.anonRssBytes, e.memcgLimitBytes]),
          whole.map((e) => [e.oomMemcg, e.taskMemcg, e.pid, e.anonRssBytes, e.memcgLimitBytes]),
        );
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );

  test(
    `kernel-log script under ${name}: a journald-only node is said plainly, exit 3`,
    { skip: have(argv[0]) ? false : `${argv[0]} is not installed` },
    () => {
      const dir = mkdtempSync(join(tmpdir(), 'memwhy-varlog-'));
      try {
        const r = spawnSync(argv[0], [...argv.slice(1), KERNEL_LOG_SCRIPT.replaceAll(KERNEL_LOG_ROOT, dir)], {
          encoding: 'utf8',
        });
        assert.equal(r.status, 3);
        assert.match(r.stderr, /no readable kern\.log, syslog or messages/);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  );
}

test('--kernel-log adds a root, capability-less, read-only container; the cgroup reader stays uid 65534', () => {
  const base = buildReaderPod({
    target: {
      namespace: 'shop',
      name: 'web-0',
      uid: '11111111-2222-3333-4444-555555555555',
      nodeName: 'n1',
      qosClass: 'Burstable',
      containerIds: [],
    },
    readerNamespace: 'memwhy',
    nameSuffix: 'abcde',
    mode: 'once',
  });
  const pod = withKernelLog(base) as unknown as {
    spec: {
      securityContext: Record<string, unknown>;
      volumes: Array<{ name: string; hostPath: { path: string } }>;
      containers: Array<{
        name: string;
        securityContext: Record<string, unknown>;
        volumeMounts: Array<{ readOnly: boolean; mountPath: string }>;
      }>;
    };
  };
  const [reader, kernel] = pod.spec.containers;
  assert.equal(reader?.securityContext.runAsUser, 65534);
  assert.equal(reader?.securityContext.runAsNonRoot, true);
  assert.equal(kernel?.securityContext.runAsUser, 0);
  assert.deepEqual(kernel?.securityContext.capabilities, { drop: ['ALL'] });
  assert.equal(kernel?.securityContext.allowPrivilegeEscalation, false);
  assert.equal(kernel?.securityContext.readOnlyRootFilesystem, true);
  assert.deepEqual(kernel?.volumeMounts, [{ name: 'host-var-log', mountPath: '/host/var/log', readOnly: true }]);
  assert.deepEqual(
    pod.spec.volumes.map((v) => v.hostPath.path),
    ['/sys/fs/cgroup', '/var/log'],
  );
  assert.equal(
    pod.spec.securityContext.runAsNonRoot,
    undefined,
    'the pod no longer forces non-root; each container says',
  );
});
