import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { nodeMemory } from '../../src/core/views/node-memory.js';
import { overview } from '../../src/core/views/overview.js';
import { renderNodeText } from '../../src/render/views/node-text.js';
import { renderOverviewText } from '../../src/render/views/overview-text.js';
import type { OverviewReport } from '../../src/app/views/overview.js';

const dir = 'test/fixtures/cases/running-k8s135-summary/';
const read = (f: string) => JSON.parse(readFileSync(dir + f, 'utf8'));
const list = read('node-pods.json');
const pods = list.items ?? list;

test('node text: capacity exact to the MiB beside allocatable, the eviction order with its numbers, gaps said once with their consequence', () => {
  const view = nodeMemory({
    node: read('node.json'),
    pods,
    summary: read('summary.json'),
    nodeMetricsWorkingSetBytes: null,
    kubeletConfig: null,
    cgroupFiles: null,
    meminfo: null,
    events: null,
  });
  const text = renderNodeText({
    schemaVersion: 1,
    kind: 'NodeMemory',
    generatedAt: 'now',
    ...view,
    missing: [{ part: 'cgroup', reason: 'the node reader was turned off (--no-reader)' }],
  });
  const lines = text.split('\n');
  assert.ok(lines.includes('  capacity                     7.65Gi (7836Mi)'));
  assert.ok(lines.some((l) => /^ {2}kubectl top node {3}875Mi = 11% of allocatable 7\.65Gi/.test(l)));
  assert.match(
    text,
    /^ +2 +scraper\/e2e-kube-state-metrics-75b885dc9-97mtr +19\.0Mi +none +19\.0Mi +0 +no memory request: any usage exceeds it$/m,
  );
  assert.match(text, /^ +10 +kube-system\/kube-apiserver-datagen-1-35 .* critical pod: the kubelet never evicts it$/m);
  assert.equal(text.match(/^- cgroup:/gm)?.length, 1);
  assert.match(text, /^- cgroup: the node reader was turned off \(--no-reader\); the kubepods limit/m);
  assert.match(text, /^- configz: .*capacity − allocatable, which is less than the default 100Mi\.$/m);
});

test('overview text: -A adds NAMESPACE, the reason is never cut, totals name each risk and the unused requests', () => {
  const summary = read('summary.json');
  const rows = overview({ pods, podMetrics: [], summaries: [summary], nodes: [] });
  const report: OverviewReport = {
    schemaVersion: 1,
    kind: 'Overview',
    generatedAt: 'now',
    scope: { namespace: null, allNamespaces: true, labelSelector: null, deep: true },
    pods: rows,
    nodes: [],
    missing: [{ part: 'nodes', reason: 'forbidden' }],
  };
  const text = renderOverviewText(report, { containers: false });
  const [header] = text.split('\n');
  assert.match(header!, /^NAMESPACE +NAME +NODE +QOS +WSET +USAGE +REQUEST +LIMIT +%LIMIT +RESTARTS +RISK +WHY$/);
  // metrics-server requests 9.4× its working set, but only 179Mi more: below the 256Mi that makes waste.
  assert.match(
    text,
    /^kube-system +metrics-server-9d74bb658-c6nnt +datagen-1-35 +Burstable +21\.3Mi +21\.3Mi +200Mi +none +- +0 +- +-$/m,
  );
  // Succeeded and Failed (not evicted) pods are left out, as kubectl top pods leaves them out: 24 − 6.
  assert.match(text, /^18 rows, no risk found\.$/m);
  assert.match(text, /^Requests reserve 361Mi beyond the current working sets/m);
  assert.match(text, /^- nodes: forbidden$/m);
});
