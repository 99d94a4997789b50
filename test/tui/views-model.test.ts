// The list's and the node screen's lines: the printed views' rows, fitted to the width, with what each row opens.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { renderOverviewText } from '../../src/render/views/overview-text.js';
import { nodeModel, podOfRank } from '../../src/tui/views/node-model.js';
import { nodeOfRow, overviewModel, podOfRow, windowStart } from '../../src/tui/views/overview-model.js';
import { nodeReport, overviewReport } from './views-fixtures.js';

test('the list has the printed columns and rows in the same order, cut to the width', () => {
  const report = overviewReport();
  const text = renderOverviewText(report, { containers: false }).split('\n');
  const wide = overviewModel(report, 1000);
  assert.equal(wide.header, text[0]);
  assert.equal(wide.rows.length, 18);
  assert.deepEqual(
    wide.rows.map((r) => r.text),
    text.slice(1, 19),
  );
  const metrics = wide.rows.find((r) => r.row.name === 'metrics-server-9d74bb658-c6nnt')!;
  assert.match(
    metrics.text,
    /^kube-system +metrics-server-9d74bb658-c6nnt +datagen-1-35 +Burstable +21\.3Mi +21\.3Mi +200Mi/,
  );
  assert.equal(metrics.tone, null);
  // On 120 columns the names are cut (…), not RISK: every column up to RISK stays whole.
  const fitted = overviewModel(report, 117);
  assert.match(fitted.header, /^NAMESPACE +NAME +NODE +QOS +WSET +USAGE +REQUEST +LIMIT +%LIMIT +RESTARTS +RISK/);
  for (const r of fitted.rows) assert.ok(r.text.length <= 117, r.text);
  assert.match(fitted.rows[1]!.text, /^kube-sy… +kube-controlle… +datagen… +Burstable +63\.4Mi/);
  const narrow = overviewModel(report, 60);
  for (const l of [narrow.header, ...narrow.rows.map((r) => r.text)]) assert.ok(l.length <= 60, l);
  assert.ok(narrow.rows[0]!.text.endsWith('…'));
  assert.deepEqual(narrow.footer, ['18 rows, 0 at risk', 'not read: nodes: forbidden']);
  assert.deepEqual(podOfRow(metrics.row), {
    kind: 'pod',
    namespace: 'kube-system',
    name: 'metrics-server-9d74bb658-c6nnt',
  });
  assert.deepEqual(nodeOfRow(metrics.row), { kind: 'node', name: 'datagen-1-35' });
  assert.equal(nodeOfRow({ ...metrics.row, node: null }), null);
});

test('the node screen is the printed node view; the eviction order rows are marked in rank order', () => {
  const report = nodeReport();
  const m = nodeModel(report, 200);
  assert.ok(m.lines.includes('  capacity                     7.65Gi (7836Mi)'));
  assert.equal(m.orderLines.length, report.evictionOrder.length);
  assert.match(m.lines[m.orderLines[1]!]!, /^ +2 +scraper\/e2e-kube-state-metrics-75b885dc9-97mtr +19\.0Mi +none/);
  assert.deepEqual(podOfRank(report, 1), {
    kind: 'pod',
    namespace: 'scraper',
    name: 'e2e-kube-state-metrics-75b885dc9-97mtr',
  });
  assert.equal(podOfRank(report, 99), null);
});

test('the window keeps the selected row in view', () => {
  assert.equal(windowStart(0, 100, 10), 0);
  assert.equal(windowStart(50, 100, 10), 45);
  assert.equal(windowStart(99, 100, 10), 90);
  assert.equal(windowStart(5, 8, 10), 0);
});
