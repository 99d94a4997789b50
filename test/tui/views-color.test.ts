// The list's risk colours. Chalk decides its level when it loads, so this file forces colour support first and
// imports Ink afterwards (node --test runs each file in its own process).
import { test } from 'node:test';
import assert from 'node:assert/strict';

process.env.FORCE_COLOR = '1';

test('colour: an OOM-KILLED row is drawn in magenta, a row without risk in the default colour; none with colour off', async () => {
  const { createElement: h } = await import('react');
  const { ViewsApp } = await import('../../src/tui/views/ViewsApp.js');
  const { renderAt, waitFor } = await import('./helpers.js');
  const { nodeReport, overviewReport } = await import('./views-fixtures.js');
  const report = overviewReport();
  // The fixture has no risk: its first row as if the pod had been OOM-killed and restarted (as the OOM example's).
  report.pods[0] = { ...report.pods[0]!, risk: 'restarts', reason: 'last OOMKilled', restarts: 1 };
  for (const color of [true, false]) {
    const ports = {
      loadOverview: async () => report,
      loadNode: async () => nodeReport(),
      loadPod: () => Promise.reject(new Error('not here')),
    };
    const r = renderAt(h(ViewsApp, { ports, start: { kind: 'list' }, color }), { columns: 160, rows: 30 });
    await waitFor(r.frame, (x) => x.includes('OOM-KILLED'));
    const raw = r.stdout.lastFrame()!.split('\n');
    const oom = raw.find((l) => l.includes('OOM-KILLED'))!;
    const plain = raw.find((l) => l.includes('metrics-server'))!;
    if (color) assert.match(oom, /\u001b\[35m/);
    else assert.doesNotMatch(oom, /\u001b\[3[0-7]m/);
    assert.doesNotMatch(plain, /\u001b\[3[0-7]m/);
    r.unmount();
  }
});
