// A pod opened from the list or a node runs with what the user gave the view: its reader settings, its
// connection, and the pod's own namespace (not -n's or the context's).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseArgs, type NodeOptions, type OverviewOptions } from '../../src/cli/args.js';
import { podRunOptions } from '../../src/cli/views-tui.js';

test('the pod options carry the reader settings, the connection and the clock of the view', () => {
  const view = parseArgs([
    '-A',
    '--context',
    'lab',
    '--image',
    'registry.example/reader:2',
    '--reader-namespace',
    'memwhy-readers',
    '--reader-timeout',
    '30',
    '--kernel-log',
    '--now',
    '2026-12-02T00:00:00Z',
  ]) as OverviewOptions;
  assert.equal(view.kind, 'overview');
  const pod = podRunOptions(view, 'shop', 'cart-7');
  assert.equal(pod.kind, 'run');
  assert.deepEqual(pod.target, { kind: 'pod', name: 'cart-7' });
  assert.equal(pod.namespace, 'shop');
  assert.equal(pod.context, 'lab');
  assert.deepEqual(pod.reader, {
    enabled: true,
    image: 'registry.example/reader:2',
    namespace: 'memwhy-readers',
    timeoutSeconds: 30,
    kernelLog: true,
  });
  assert.equal(pod.now, view.now);
  assert.equal(pod.from, null);
  assert.equal(pod.save, null);
  const node = parseArgs(['node/lab-node-1', '--no-reader']) as NodeOptions;
  assert.equal(podRunOptions(node, 'default', 'oom-container').reader.enabled, false);
});
