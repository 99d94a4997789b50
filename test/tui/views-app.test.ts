// The views' TUI driven by keys, on fake ports that hand out real reports and a real analysis: what a user sees
// on the list, the node screen and a pod opened from them, and which pod and node the ports were asked for.
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { createElement as h } from 'react';
import type { TuiResult } from '../../src/tui/App.js';
import type { ViewScreen } from '../../src/tui/views/nav.js';
import { ViewsApp, type ViewsPorts } from '../../src/tui/views/ViewsApp.js';
import { CASES, KEYS, load, press, renderAt, waitFor, type Rendered } from './helpers.js';
import { nodeReport, overviewReport } from './views-fixtures.js';

const mounted: Rendered[] = [];
afterEach(() => {
  for (const r of mounted.splice(0)) r.unmount();
});

function fakePorts(podError?: Error) {
  const asked = { pods: [] as string[], nodes: [] as string[], overviews: 0 };
  const ports: ViewsPorts = {
    loadOverview: async () => {
      asked.overviews++;
      return overviewReport();
    },
    loadNode: async (name) => {
      asked.nodes.push(name);
      return nodeReport();
    },
    loadPod: async (namespace, name, _signal, progress) => {
      asked.pods.push(`${namespace}/${name}`);
      progress('reading the pod');
      if (podError) throw podError;
      return load(CASES.oom);
    },
  };
  return { ports, asked };
}

function start(ports: ViewsPorts, startAt: ViewScreen = { kind: 'list' }, size = { columns: 120, rows: 30 }) {
  const exits: TuiResult[] = [];
  const r = renderAt(h(ViewsApp, { ports, start: startAt, color: false, onExit: (x) => exits.push(x) }), size);
  mounted.push(r);
  return { r, exits };
}

const selected = (frame: string) => frame.split('\n').find((l) => /^ ?›/.test(l)) ?? '';

test('the list: rows worst first, ↓ moves, Enter opens that pod through loadPod, q quits with 0', async () => {
  const { ports, asked } = fakePorts();
  const { r, exits } = start(ports);
  let f = await waitFor(r.frame, (x) => x.includes('metrics-server'));
  assert.match(f.split('\n')[0]!, /^ memwhy {2}Overview .* 1\/18\s*$/);
  assert.match(f, /NAMESPACE +NAME +NODE +QOS +WSET +USAGE +REQUEST +LIMIT +%LIMIT +RESTARTS +RISK/);
  assert.match(f, /18 rows, 0 at risk/);
  const first = selected(f);
  f = await press(r, KEYS.down);
  assert.notEqual(selected(f), first);
  assert.match(f.split('\n')[0]!, / 2\/18\s*$/);
  // The second row worst first: kube-controller-manager (names are cut to fit; the port gets the whole name).
  const second = overviewReport().pods[1]!;
  assert.match(selected(f), /› kube-sy… +kube-controlle… +datagen… +Burstable +63\.4Mi +63\.4Mi +none +none +- +0 +- /);
  f = await press(r, KEYS.enter);
  f = await waitFor(r.frame, (x) => x.includes('default/oom-container'));
  assert.deepEqual(asked.pods, [`${second.namespace}/${second.name}`]);
  assert.match(f, /memwhy {2}default\/oom-container/);
  await press(r, 'q');
  await waitFor(
    () => String(exits.length),
    (x) => x === '1',
  );
  assert.deepEqual(exits, [{ exitCode: 0 }]);
  assert.equal(asked.overviews, 1);
});

test('a pod that cannot be read comes back to the list on the same row', async () => {
  const { ports, asked } = fakePorts(new Error('the reader pod did not start'));
  const { r } = start(ports);
  await waitFor(r.frame, (x) => x.includes('metrics-server'));
  await press(r, KEYS.down);
  const row = selected(await press(r, KEYS.down));
  await press(r, KEYS.enter);
  let f = await waitFor(r.frame, (x) => x.includes('the reader pod did not start'));
  f = await press(r, KEYS.enter);
  f = await waitFor(r.frame, (x) => x.includes('Overview'));
  assert.equal(selected(f), row);
  assert.match(f.split('\n')[0]!, / 3\/18\s*$/);
  assert.equal(asked.pods.length, 1);
  assert.equal(asked.overviews, 1, 'the list is not read again');
});

test('n opens the row’s node: its figures and eviction order; Enter opens the pod ranked there; Esc back', async () => {
  const { ports, asked } = fakePorts();
  const { r } = start(ports);
  await waitFor(r.frame, (x) => x.includes('metrics-server'));
  await press(r, 'n');
  let f = await waitFor(r.frame, (x) => x.includes('capacity'));
  assert.deepEqual(asked.nodes, ['datagen-1-35']);
  assert.match(f.split('\n')[0]!, /memwhy {2}Overview › node\/datagen-1-35 .* #1\/\d+\s*$/);
  f = await press(r, KEYS.down);
  assert.match(selected(f), /^ ?› +2 +scraper\/e2e-kube-state-metrics-75b885dc9-97mtr +19\.0Mi +none/);
  await press(r, KEYS.enter);
  await waitFor(r.frame, (x) => x.includes('default/oom-container'));
  assert.deepEqual(asked.pods, ['scraper/e2e-kube-state-metrics-75b885dc9-97mtr']);
});

test('node/<name> opens on the node screen; ? shows the keys; Esc on the first screen stays', async () => {
  const { ports, asked } = fakePorts();
  const { r, exits } = start(ports, { kind: 'node', name: 'datagen-1-35' });
  let f = await waitFor(r.frame, (x) => x.includes('capacity'));
  assert.match(f, /capacity {21}7\.65Gi \(7836Mi\)/);
  assert.equal(asked.overviews, 0);
  f = await press(r, '?');
  assert.match(f, /Keys in the list and the node screen/);
  assert.match(f, /n +open the selected pod's node/);
  f = await press(r, KEYS.esc);
  assert.match(f, /capacity/);
  f = await press(r, KEYS.esc);
  assert.match(f.split('\n')[0]!, /memwhy {2}node\/datagen-1-35/);
  await press(r, KEYS.ctrlC);
  await waitFor(
    () => String(exits.length),
    (x) => x === '1',
  );
  assert.equal(exits[0]!.exitCode, 0);
});

test('Esc in the pod drill-down comes back to the list on the same row, without reading the list again', async () => {
  const { ports, asked } = fakePorts();
  const { r } = start(ports);
  await waitFor(r.frame, (x) => x.includes('metrics-server'));
  for (let i = 0; i < 4; i++) await press(r, KEYS.down);
  const row = selected(r.frame());
  await press(r, KEYS.enter);
  await waitFor(r.frame, (x) => x.includes('default/oom-container'));
  await press(r, KEYS.esc);
  const f = await waitFor(r.frame, (x) => x.includes('Overview'));
  assert.equal(selected(f), row);
  assert.match(f.split('\n')[0]!, / 5\/18\s*$/);
  assert.deepEqual(asked.pods, ['kube-system/metrics-server-9d74bb658-c6nnt']);
  assert.equal(asked.overviews, 1);
});

test('Esc while a pod is still being read leaves it: the reading is aborted, the list is back', async () => {
  const aborted: boolean[] = [];
  const { ports, asked } = fakePorts();
  ports.loadPod = (namespace, name, signal, progress) => {
    asked.pods.push(`${namespace}/${name}`);
    progress('starting the reader pod');
    return new Promise((_, reject) =>
      signal.addEventListener('abort', () => {
        aborted.push(true);
        reject(new Error('aborted'));
      }),
    );
  };
  const { r } = start(ports);
  await waitFor(r.frame, (x) => x.includes('metrics-server'));
  await press(r, KEYS.enter);
  await waitFor(r.frame, (x) => x.includes('starting the reader pod'));
  await press(r, KEYS.esc);
  const f = await waitFor(r.frame, (x) => x.includes('Overview'));
  assert.match(f.split('\n')[0]!, / 1\/18\s*$/);
  assert.deepEqual(aborted, [true]);
  assert.deepEqual(asked.pods, ['kube-system/kube-apiserver-datagen-1-35']);
});

test('80x24: the node screen scrolls only as far as the first pod to evict; every line fits', async () => {
  const { ports } = fakePorts();
  const { r } = start(ports, { kind: 'node', name: 'datagen-1-35' }, { columns: 80, rows: 24 });
  const f = await waitFor(r.frame, (x) => x.includes('Eviction order'));
  const lines = f.split('\n');
  assert.equal(lines.length, 24);
  for (const l of lines) assert.ok([...l].length <= 80, l);
  assert.match(lines[0]!, /^ memwhy {2}node\/datagen-1-35 +#1\/\d+\s*$/);
  // The first pod to evict is selected, two lines above the footer's row.
  const sel = lines.findIndex((l) => /^ ?› +1 /.test(l));
  assert.equal(sel, 20);
  assert.match(lines[23]!, /esc back/);
});
