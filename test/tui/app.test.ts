// The whole App driven by scripted keys: frames asserted on what a user sees.
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { createElement as h } from 'react';
import { cleanup, render } from 'ink-testing-library';
import { ExitCode, MemwhyError } from '../../src/cli/exit-codes.js';
import type { Analysis } from '../../src/core/types.js';
import { App, EXIT_INTERRUPTED, type AppProps, type TuiResult } from '../../src/tui/App.js';
import { createProgress } from '../../src/tui/progress.js';
import { CASES, clean, KEYS, load, press, renderAt, sleep, waitFor, type Rendered } from './helpers.js';

const mounted: Rendered[] = [];
afterEach(() => {
  cleanup();
  for (const r of mounted.splice(0)) r.unmount();
});

/** ink-testing-library (100 columns; no rows, so the App uses 24). */
async function start(props: AppProps) {
  const r = render(h(App, { color: false, ...props }));
  const frame = () => clean(r.lastFrame() ?? '');
  await waitFor(frame, (f) => f.length > 0);
  return { stdin: r.stdin, frame };
}

function at(size: { columns: number; rows: number }, props: AppProps): Rendered {
  const r = renderAt(h(App, { color: false, ...props }), size);
  mounted.push(r);
  return r;
}

function header(frame: string): string {
  return frame.split('\n')[0] ?? '';
}

function selectedRow(frame: string): string {
  return frame.split('\n').find((l) => l.startsWith('›')) ?? '';
}

function deferred<T>() {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

test('summary first, cursor on the OOM-killed container; ↓/j/k move; Enter opens its chain; Esc goes back', async () => {
  const a = await load(CASES.oom);
  const r = await start({ analysis: a });
  let f = r.frame();
  assert.match(header(f), /memwhy {2}default\/oom-container {2}› {2}Summary/);
  assert.match(selectedRow(f), /› app\s+32\.0Mi\s+64\.0Mi\s+256Ki/);
  assert.match(
    f.split('\n').at(-1) ?? '',
    /↑↓ move {2}⏎ open {2}esc back {2}tab container {2}w watch {2}s save {2}\? help {2}q quit/,
  );
  assert.equal(f.split('\n').length, 24, 'the frame fills 24 rows');

  f = await press(r, KEYS.down);
  assert.match(selectedRow(f), /› sidecar\s+16\.0Mi\s+32\.0Mi/);
  f = await press(r, 'k');
  assert.match(selectedRow(f), /› app/);
  f = await press(r, 'j');
  f = await press(r, KEYS.enter);
  assert.match(header(f), /Summary › Chain · sidecar 2\/2/);
  assert.match(f, /Container sidecar/);
  assert.match(f, /requests\s+16\.0Mi\s+spec/);
  f = await press(r, KEYS.esc);
  assert.match(header(f), /› {2}Summary\s*$/);
  assert.match(selectedRow(f), /› sidecar/, 'the summary kept its row');
});

test('Tab cycles containers on the chain, and the numbers follow', async () => {
  const a = await load(CASES.oom);
  const r = await start({ analysis: a });
  let f = await press(r, KEYS.enter);
  assert.match(header(f), /Chain · app 1\/2/);
  assert.match(f, /limits\s+64\.0Mi/);
  f = await press(r, KEYS.tab);
  assert.match(header(f), /Chain · sidecar 2\/2/);
  assert.match(f, /limits\s+32\.0Mi/);
  f = await press(r, KEYS.tab);
  assert.match(header(f), /Chain · app 1\/2/);
  f = await press(r, KEYS.shiftTab);
  assert.match(header(f), /sidecar 2\/2/);
});

test('chain → Enter → breakdown; ↓ selects a category and its explanation; ← and Backspace go back', async () => {
  const a = await load(CASES.cache);
  const r = await start({ analysis: a });
  let f = await press(r, KEYS.right);
  assert.match(header(f), /Summary › Chain · app/);
  f = await press(r, KEYS.enter);
  assert.match(header(f), /Summary › Chain › Breakdown · app/);
  assert.match(selectedRow(f), /█ anon\s+108Ki/);
  assert.match(f, /anon \(anonymous memory\): 108Ki/);
  for (let i = 0; i < 3; i++) f = await press(r, KEYS.down);
  assert.match(selectedRow(f), /▓ file active\s+100Mi\s+100%/);
  assert.match(f, /active_file \(page cache, used recently\): 100Mi/);
  assert.match(f, /Reclaimable: Yes, but only after it ages/);
  f = await press(r, KEYS.left);
  assert.match(header(f), /Summary › Chain · app/);
  f = await press(r, KEYS.backspace);
  assert.match(header(f), /› {2}Summary\s*$/);
});

test('menu → Verdicts → Enter → detail; ↓ scrolls; Esc back to the list', async () => {
  const a = await load(CASES.oom);
  const r = await start({ analysis: a });
  // Rows: app, sidecar, Chain, Breakdown, Tools, Verdicts.
  let f = '';
  for (let i = 0; i < 5; i++) f = await press(r, KEYS.down);
  assert.match(selectedRow(f), /› Verdicts \(1\)/);
  f = await press(r, KEYS.enter);
  assert.match(header(f), /Summary › Verdicts/);
  assert.match(selectedRow(f), /✖ OOMKilled \(container\) · app/);
  f = await press(r, KEYS.enter);
  assert.match(header(f), /Verdicts › Verdict · OOMKilled/);
  assert.match(f, /▶ container\s+64\.0Mi\s+app's memory\.max\s+◀ fired/);
  assert.match(header(f), /1–22\/\d+/, 'scroll position');
  f = await press(r, KEYS.down);
  assert.match(header(f), /2–23\/\d+/);
  f = await press(r, KEYS.esc);
  assert.match(header(f), /Summary › Verdicts\s*$/);
});

test('? opens help over any screen, Esc closes it, help lists the keys', async () => {
  const a = await load(CASES.evicted);
  const r = await start({ analysis: a });
  let f = await press(r, KEYS.enter);
  f = await press(r, '?');
  assert.match(header(f), /Chain › Help/);
  assert.match(f, /q {2}Ctrl-C\s+quit/);
  assert.match(f.split('\n').at(-1) ?? '', /esc\/\? close help/);
  f = await press(r, KEYS.esc);
  assert.match(header(f), /Summary › Chain · nginx/);
  f = await press(r, '?');
  f = await press(r, '?');
  assert.doesNotMatch(header(f), /Help/);
});

test('Evicted and Pending fixtures: the detail screens through keys', async () => {
  const e = await load(CASES.evicted);
  let r = await start({ analysis: e });
  let f = '';
  for (let i = 0; i < 4; i++) f = await press(r, KEYS.down); // nginx, Chain, Breakdown, Tools, Verdicts
  f = await press(r, KEYS.enter);
  f = await press(r, KEYS.enter);
  assert.match(f, /= memory\.available\s+221Mi/);
  assert.match(f, /eviction threshold\s+750Mi/);
  assert.match(f, /short by\s+529Mi/);
  cleanup();
  const p = await load(CASES.pending);
  r = await start({ analysis: p });
  for (let i = 0; i < 4; i++) f = await press(r, KEYS.down);
  f = await press(r, KEYS.enter);
  f = await press(r, KEYS.enter);
  assert.match(f, /datagen-1-35\s+7\.65Gi\s+510Mi\s+7\.15Gi\s+-354Mi\s+no/);
});

test('Tools shows why kubectl top and docker stats differ on this pod (cgroup v2 fixture)', async () => {
  const a = await load(CASES.relocated);
  const r = await start({ analysis: a });
  let f = '';
  for (let i = 0; i < 3; i++) f = await press(r, KEYS.down); // metrics-server, Chain, Breakdown, Tools
  f = await press(r, KEYS.enter);
  assert.match(header(f), /Summary › Tools · metrics-server/);
  assert.match(f, /usage 9\.78Gi − inactive_file 6\.23Gi = 3\.55Gi/);
  assert.match(f, /docker stats 17\.06–19\.03 shows 1\.75Gi/);
});

test('80 × 24: every row fits, long lists scroll, the numbers are there', async () => {
  const a = await load(CASES.oom);
  const r = at({ columns: 80, rows: 24 }, { analysis: a });
  let f = await waitFor(r.frame, (x) => x.includes('Summary'));
  const check = (frame: string) => {
    const rows = frame.split('\n');
    assert.equal(rows.length, 24, frame);
    for (const row of rows) assert.ok(row.length <= 80, `${row.length}: ${row}`);
  };
  check(f);
  assert.match(selectedRow(f), /› app\s+32\.0Mi\s+64\.0Mi\s+256Ki/);
  f = await press(r, KEYS.enter);
  check(f);
  assert.match(header(f), /1–22\/\d+/);
  assert.match(f, /requests\s+32\.0Mi/);
  // Scroll to the bottom of the chain: the kubelet's view comes into sight, stacked under the kernel's.
  for (let i = 0; i < 20; i++) f = await press(r, KEYS.pageDown, 10);
  check(f);
  assert.match(f, /Kubelet's view/);
  assert.match(f, /oom_score_adj 999/);
  f = await press(r, KEYS.enter);
  check(f);
  assert.match(f, /CATEGORY/);
  const t = at({ columns: 80, rows: 24 }, { analysis: await load(CASES.relocated) });
  let g = await waitFor(t.frame, (x) => x.includes('Summary'));
  check(g);
  for (let i = 0; i < 3; i++) g = await press(t, KEYS.down);
  g = await press(t, KEYS.enter);
  check(g);
  assert.match(g, /Why kubectl top and docker stats differ here/);
});

test('resize re-lays out: side by side at 120 columns, stacked at 80', async () => {
  const a = await load(CASES.oom);
  const r = at({ columns: 120, rows: 50 }, { analysis: a });
  await waitFor(r.frame, (x) => x.includes('Summary'));
  let f = await press(r, KEYS.enter);
  assert.match(f, /Kernel's view \(OOM killer\)\s+Kubelet's view/);
  assert.ok(f.split('\n').some((l) => l.length > 100));
  r.stdout.resize(80, 50);
  f = await waitFor(r.frame, (x) => !/Kernel's view \(OOM killer\)\s+Kubelet's view/.test(x));
  assert.doesNotMatch(f, /Kernel's view \(OOM killer\)\s+Kubelet's view/);
  assert.match(f, /Kubelet's view/);
  for (const row of f.split('\n')) assert.ok(row.length <= 80, row);
  assert.equal(f.split('\n').length, 50);
  r.stdout.resize(80, 24);
  f = await waitFor(r.frame, (x) => x.split('\n').length === 24);
  assert.equal(f.split('\n').length, 24);
});

test('progress → result: "gathering…" at once, progress lines, then the answer', async () => {
  const a = await load(CASES.oom);
  const gate = deferred<Analysis>();
  const progress = createProgress();
  progress.report('reading pod');
  const r = await start({ load: () => gate.promise, progress });
  let f = r.frame();
  assert.match(f, /gathering…/, 'the first frame');
  f = await waitFor(r.frame, (x) => x.includes('reading pod'));
  assert.match(f, /… reading pod/);
  assert.match(f.split('\n').at(-1) ?? '', /q quit/);
  progress.report('starting reader pod on node lab-node-1');
  f = await waitFor(r.frame, (x) => x.includes('starting reader pod'));
  assert.match(f, /✔ reading pod/);
  assert.match(f, /… starting reader pod on node lab-node-1/);
  progress.report('pulling image');
  progress.report('reader pod slow to start', 'warn');
  progress.report('reading cgroups');
  f = await waitFor(r.frame, (x) => x.includes('reading cgroups'));
  assert.match(f, /✔ pulling image/);
  assert.match(f, /▲ reader pod slow to start/);
  gate.resolve(a);
  f = await waitFor(r.frame, (x) => x.includes('Summary'));
  assert.match(f, /Pod default\/oom-container/);
  assert.match(selectedRow(f), /› app/);
});

test('error from load: the error screen, then its exit code on q, Esc or Enter', async () => {
  for (const key of ['q', KEYS.esc, KEYS.enter]) {
    const results: TuiResult[] = [];
    const r = await start({
      load: async () => {
        throw new MemwhyError(ExitCode.NotFound, 'pod web-1 not found in namespace shop', 'kubectl get pods -n shop');
      },
      onExit: (x) => results.push(x),
    });
    const f = await waitFor(r.frame, (x) => x.includes('error'));
    assert.match(f, /✖ error: pod web-1 not found in namespace shop/);
    assert.match(f, /hint: kubectl get pods -n shop/);
    assert.match(header(f), /exit code 3/);
    await press(r, 'j');
    assert.equal(results.length, 0, 'other keys do not leave');
    r.stdin.write(key);
    await waitFor(
      () => String(results.length),
      (x) => x === '1',
      1000,
    );
    assert.equal(results[0]?.exitCode, ExitCode.NotFound);
    assert.ok(results[0]?.error instanceof MemwhyError);
    cleanup();
  }
});

test('a non-MemwhyError is an internal error with exit code 1', async () => {
  const results: TuiResult[] = [];
  const r = await start({ load: () => Promise.reject(new Error('boom')), onExit: (x) => results.push(x) });
  const f = await waitFor(r.frame, (x) => x.includes('error'));
  assert.match(f, /error: internal error: boom/);
  r.stdin.write('q');
  await waitFor(
    () => String(results.length),
    (x) => x === '1',
  );
  assert.equal(results[0]?.exitCode, 1);
});

test('quit: q and Ctrl-C give exit code 0, once', async () => {
  for (const key of ['q', KEYS.ctrlC]) {
    const results: TuiResult[] = [];
    const r = await start({ analysis: await load(CASES.oom), onExit: (x) => results.push(x) });
    r.stdin.write(key);
    await waitFor(
      () => String(results.length),
      (x) => x === '1',
    );
    r.stdin.write('q');
    await sleep(30);
    assert.deepEqual(results, [{ exitCode: 0 }]);
    cleanup();
  }
});

test('onBack (embedded): Esc, ← and Backspace on the Summary call it; deeper they go back, help closes first; q quits', async () => {
  const results: TuiResult[] = [];
  let backs = 0;
  const r = await start({
    analysis: await load(CASES.oom),
    onBack: () => backs++,
    onExit: (x) => results.push(x),
  });
  for (const [i, key] of [KEYS.esc, KEYS.left, KEYS.backspace].entries()) {
    r.stdin.write(key);
    await waitFor(
      () => String(backs),
      (x) => x === String(i + 1),
      1000,
    );
    assert.equal(backs, i + 1, `back key ${i + 1} on the Summary calls onBack`);
  }
  assert.match(header(r.frame()), /› {2}Summary\s*$/, 'the App still shows the Summary');

  let f = await press(r, KEYS.enter);
  assert.match(header(f), /Summary › Chain/);
  f = await press(r, KEYS.esc);
  assert.match(header(f), /› {2}Summary\s*$/, 'Esc on the chain goes back to the Summary');
  f = await press(r, '?');
  assert.match(header(f), /Summary › Help/);
  f = await press(r, KEYS.esc);
  assert.match(header(f), /› {2}Summary\s*$/, 'Esc closes help first');
  assert.equal(backs, 3, 'only back on the Summary itself called onBack');
  assert.deepEqual(results, [], 'back never quits');

  r.stdin.write('q');
  await waitFor(
    () => String(results.length),
    (x) => x === '1',
  );
  assert.deepEqual(results, [{ exitCode: 0 }]);
  assert.equal(backs, 3);
});

test('without onBack, Esc on the Summary does nothing and does not quit', async () => {
  const results: TuiResult[] = [];
  const r = await start({ analysis: await load(CASES.oom), onExit: (x) => results.push(x) });
  const f = await press(r, KEYS.esc);
  assert.match(header(f), /› {2}Summary\s*$/);
  await sleep(30);
  assert.deepEqual(results, []);
});

test('quitting while gathering aborts load and exits 130', async () => {
  const results: TuiResult[] = [];
  let signal: AbortSignal | null = null;
  const r = await start({
    load: (s) => {
      signal = s;
      return new Promise<Analysis>(() => undefined);
    },
    onExit: (x) => results.push(x),
  });
  r.stdin.write('q');
  await waitFor(
    () => String(results.length),
    (x) => x === '1',
  );
  assert.deepEqual(results, [{ exitCode: EXIT_INTERRUPTED }]);
  cleanup();
  assert.equal((signal as AbortSignal | null)?.aborted, true);
});

test('s saves through the given function and shows where; without one it says so', async () => {
  const a = await load(CASES.oom);
  const saved: Analysis[] = [];
  const r = await start({
    analysis: a,
    save: async (x) => {
      saved.push(x);
      return '/tmp/memwhy-snapshot';
    },
  });
  const f = await press(r, 's');
  const g = await waitFor(r.frame, (x) => x.includes('saved: /tmp/memwhy-snapshot'));
  assert.match(g.split('\n').at(-1) ?? '', /saved: \/tmp\/memwhy-snapshot/);
  assert.equal(saved.length, 1);
  assert.equal(saved[0], a);
  void f;
  const h2 = await press(r, KEYS.down);
  assert.doesNotMatch(h2, /saved:/, 'the next key clears the message');
  cleanup();
  const s = await start({
    analysis: a,
    save: () => Promise.reject(new MemwhyError(ExitCode.Forbidden, 'cannot write here')),
  });
  r.stdin.write('s');
  await press(s, 's');
  assert.match(await waitFor(s.frame, (x) => x.includes('save failed')), /save failed: cannot write here/);
  cleanup();
  const n = await start({ analysis: a });
  assert.match(await press(n, 's'), /saving is not available here/);
  assert.match(await press(n, 'w'), /live watch is not available here/);
});

test('w: live watch updates the screen in place and draws the trend; w again stops the source', async () => {
  const a = await load(CASES.oom);
  const MiB = 2 ** 20;
  const queue: Array<(v: IteratorResult<Analysis>) => void> = [];
  let returned = 0;
  const watch = (): AsyncIterable<Analysis> => ({
    [Symbol.asyncIterator]: () => ({
      next: () => new Promise<IteratorResult<Analysis>>((resolve) => queue.push(resolve)),
      return: async () => {
        returned++;
        return { value: undefined, done: true };
      },
    }),
  });
  const sample = (ws: number) => {
    const b = structuredClone(a);
    b.containers[0]!.workingSetBytes = ws;
    b.containers[0]!.usageBytes = ws + MiB;
    return b;
  };
  const r = await start({ analysis: a, watch });
  let f = await press(r, 'w');
  assert.match(header(f), /● watch/);
  await waitFor(
    () => String(queue.length),
    (x) => x === '1',
  );
  queue.shift()!({ value: sample(16 * MiB), done: false });
  f = await waitFor(r.frame, (x) => /› app\s+32\.0Mi\s+64\.0Mi\s+16\.0Mi/.test(x));
  assert.match(selectedRow(f), /› app\s+32\.0Mi\s+64\.0Mi\s+16\.0Mi/);
  await waitFor(
    () => String(queue.length),
    (x) => x === '1',
  );
  queue.shift()!({ value: sample(48 * MiB), done: false });
  f = await waitFor(r.frame, (x) => /› app\s+32\.0Mi\s+64\.0Mi\s+48\.0Mi/.test(x));
  assert.match(selectedRow(f), /› app\s+32\.0Mi\s+64\.0Mi\s+48\.0Mi/);
  // Three samples (the first answer, 16Mi, 48Mi) against the 64Mi limit.
  assert.match(f, /trend\s+▁▂▆ ws 48\.0Mi · usage 49\.0Mi · of 64\.0Mi/);
  assert.match(header(f), /● watch 3/);
  // The chain shows the trend too.
  f = await press(r, KEYS.enter);
  assert.match(f, /Live \(3 samples, against the limit 64\.0Mi\)/);
  assert.match(f, /working set\s+▁▂▆ 48\.0Mi/);
  f = await press(r, 'w');
  assert.doesNotMatch(header(f), /● watch/);
  await waitFor(
    () => String(returned),
    (x) => x === '1',
  );
  assert.equal(returned, 1);
});

test('watch that fails or ends turns itself off with a message', async () => {
  const a = await load(CASES.oom);
  const failing = (): AsyncIterable<Analysis> => ({
    [Symbol.asyncIterator]: () => ({ next: () => Promise.reject(new Error('reader pod gone')) }),
  });
  const r = await start({ analysis: a, watch: failing });
  r.stdin.write('w');
  const f = await waitFor(r.frame, (x) => x.includes('watch stopped'));
  assert.match(f, /watch stopped: internal error: reader pod gone/);
  assert.doesNotMatch(header(f), /● watch/);
  cleanup();
  async function* once() {
    yield a;
  }
  const s = await start({ analysis: a, watch: once });
  s.stdin.write('w');
  assert.match(await waitFor(s.frame, (x) => x.includes('watch ended')), /watch ended/);
});

test('an empty analysis (no containers, verdicts, events, node): every screen renders, keys stay safe', async () => {
  const a = await load(CASES.pending);
  a.containers = [];
  a.verdicts = [];
  a.events = [];
  a.nodeFits = [];
  a.node = null;
  a.notices = [];
  const r = await start({ analysis: a });
  let f = r.frame();
  assert.match(f, /no containers in the pod spec/);
  assert.match(f, /✔ Nothing wrong found/);
  assert.match(selectedRow(f), /› Chain/);
  const visit = async (downs: number, expect: RegExp) => {
    for (let i = 0; i < downs; i++) await press(r, KEYS.down, 8);
    f = await press(r, KEYS.enter);
    assert.match(f, expect);
    for (const k of [KEYS.down, KEYS.up, KEYS.tab, KEYS.enter, KEYS.pageDown]) f = await press(r, k, 8);
    // Enter on the chain drills into the breakdown: back out as far as it goes (Esc at the root is a no-op).
    for (let i = 0; i < 3 && !/› {2}Summary\s*$/.test(header(f)); i++) f = await press(r, KEYS.esc);
    assert.match(header(f), /› {2}Summary\s*$/);
    await press(r, KEYS.pageUp, 8);
    await press(r, KEYS.up, 8);
  };
  await visit(0, /No containers in the pod spec/);
  await visit(1, /No containers in the pod spec/);
  await visit(2, /No containers in the pod spec/);
  await visit(3, /No verdicts: nothing wrong found/);
  await visit(4, /Not scheduled|node is unknown/);
  await visit(5, /No events\./);
});

test('-c sidecar: the cursor starts on sidecar and Chain opens sidecar (it started on the first container)', async () => {
  const a = await load(CASES.oom);
  const r = await start({ analysis: a, container: 'sidecar' });
  assert.match(selectedRow(r.frame()), /› sidecar\s+16\.0Mi\s+32\.0Mi/);
  const chain = await press(r, KEYS.enter);
  assert.match(chain, /Container sidecar/);
  const loaded = await start({ load: () => Promise.resolve(a), container: 'sidecar' });
  assert.match(selectedRow(await waitFor(loaded.frame, (f) => f.includes('› '))), /› sidecar/);
});

test('the menu names the container under the cursor (it said (app) with the cursor on sidecar)', async () => {
  const a = await load(CASES.oom);
  const r = await start({ analysis: a });
  assert.match(r.frame(), /Chain {9}app: requests → limits → usage → working set → breakdown/);
  const f = await press(r, KEYS.down);
  assert.match(f, /Chain {9}sidecar: requests → limits → usage → working set → breakdown/);
});

test('w without a watch says why', async () => {
  const a = await load(CASES.oom);
  const r = await start({ analysis: a, watchUnavailable: 'it needs the node reader pod, turned off by --no-reader' });
  assert.match(
    await press(r, 'w'),
    /live watch is not available here: it needs the node reader pod, turned off by --no-reader/,
  );
});

test('Events: Enter opens the selected event whole (a long message was cut with nothing to read it by)', async () => {
  const a = await load(CASES.evicted);
  const long = Array.from({ length: 40 }, (_, i) => `word${i}`).join(' ') + ' THE-END-OF-THE-MESSAGE';
  a.events[0] = { ...a.events[0]!, message: `${long} ${long} ${long} ${long}` };
  const r = at({ columns: 80, rows: 24 }, { analysis: a });
  await waitFor(r.frame, (f) => f.includes('Events ('));
  let f = '';
  for (let i = 0; i < 6; i++) f = await press(r, KEYS.down);
  assert.match(selectedRow(f), /› Events \(/);
  f = await press(r, KEYS.enter);
  assert.match(header(f), /Summary › Events/);
  assert.match(f, /⏎ opens the whole message/);
  assert.doesNotMatch(
    f,
    /THE-END-OF-THE-MESSAGE[\s\S]*THE-END-OF-THE-MESSAGE[\s\S]*THE-END-OF-THE-MESSAGE[\s\S]*THE-END-OF-THE-MESSAGE/,
  );
  f = await press(r, KEYS.enter);
  assert.match(header(f), /Summary › Events › Event/);
  let seen = (f.match(/THE-END-OF-THE-MESSAGE/g) ?? []).length;
  for (let i = 0; i < 20 && seen < 4; i++) {
    f = await press(r, KEYS.pageDown);
    seen = Math.max(seen, (f.match(/THE-END-OF-THE-MESSAGE/g) ?? []).length);
  }
  assert.ok(f.includes('THE-END-OF-THE-MESSAGE'), 'the end of the message can be scrolled to');
  f = await press(r, KEYS.esc);
  assert.match(header(f), /Summary › Events(?! ›)/);
});
