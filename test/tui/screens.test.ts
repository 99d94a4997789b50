// Every screen rendered with ink-testing-library (100 columns) from analyses of real fixtures, asserting the
// numbers a user sees.
import { afterEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { createElement as h } from 'react';
import { cleanup, render } from 'ink-testing-library';
import type { Analysis } from '../../src/core/types.js';
import { initialNav, reduce, type NavAction, type NavState } from '../../src/tui/navigation.js';
import { BreakdownScreen, breakdownModel } from '../../src/tui/screens/breakdown.js';
import { ChainScreen } from '../../src/tui/screens/chain.js';
import { EventsScreen } from '../../src/tui/screens/events.js';
import { HelpScreen } from '../../src/tui/screens/help.js';
import { buildScreen } from '../../src/tui/screens/index.js';
import { NodeScreen } from '../../src/tui/screens/node.js';
import { SummaryScreen } from '../../src/tui/screens/summary.js';
import { ToolsScreen, whyTheyDiffer } from '../../src/tui/screens/tools.js';
import { VerdictScreen, VerdictsScreen } from '../../src/tui/screens/verdicts.js';
import { lineText } from '../../src/tui/format.js';
import { addSample } from '../../src/tui/sparkline.js';
import { CASES, clean, load } from './helpers.js';

afterEach(() => cleanup());

const WIDTH = 98; // 100 columns minus the selection gutter
const HEIGHT = 60; // tall: the whole screen is visible

function nav(a: Analysis, ...actions: NavAction[]): NavState {
  return actions.reduce(reduce, initialNav({ containers: a.containers.length }));
}

type ScreenComponent = (p: {
  analysis: Analysis;
  nav: NavState;
  width: number;
  height: number;
  color: boolean;
}) => React.ReactNode;

function frameOf(component: unknown, a: Analysis, n: NavState, extra: Record<string, unknown> = {}): string {
  const r = render(
    h(component as ScreenComponent, { analysis: a, nav: n, width: WIDTH, height: HEIGHT, color: false, ...extra }),
  );
  return clean(r.lastFrame() ?? '');
}

/** The row of the frame that contains `text`. */
function rowWith(frame: string, text: string | RegExp): string {
  const row = frame.split('\n').find((l) => (typeof text === 'string' ? l.includes(text) : text.test(l)));
  assert.ok(row !== undefined, `no row with ${text} in:\n${frame}`);
  return row;
}

test('summary: pod, QoS, node, main verdict, one row per container, menu, notices', async () => {
  const a = await load(CASES.oom);
  const f = frameOf(SummaryScreen, a, nav(a));
  assert.match(f, /Pod default\/oom-container {2}Burstable · node lab-node-1 · Running · cgroup v1/);
  assert.match(f, /✖ Container app was OOM-killed by its own memory limit of 64\.0Mi\./);
  assert.match(rowWith(f, '› app'), /app\s+32\.0Mi\s+64\.0Mi\s+256Ki\s+[·┊│█]+\s+running, 1 restart, last: OOMK/);
  assert.match(rowWith(f, 'sidecar'), /sidecar\s+16\.0Mi\s+32\.0Mi\s+256Ki/);
  assert.match(f, /pod request 48\.0Mi .* pod limit 96\.0Mi/);
  // Events (?): the snapshot holds no events.json, so "0, none recorded" would be a claim nobody checked.
  for (const item of ['Chain', 'Breakdown', 'Tools', 'Verdicts (1)', 'Node', 'Events (?)', 'Help'])
    assert.ok(f.includes(item), item);
  assert.match(rowWith(f, 'Events (?)'), /unknown: not in the snapshot/);
  assert.match(rowWith(f, 'Verdicts (1)'), /OOMKilled/);
  assert.match(f, /Not known[\s\S]*events: not in the snapshot/);
  // The bar: request mark ┊ before the limit mark │.
  const bar = rowWith(f, '› app').match(/[·┊│█]{10,}/)?.[0] ?? '';
  assert.ok(bar.indexOf('┊') < bar.indexOf('│'), bar);
});

test('summary: a working set over the request fills the bar past the request mark', async () => {
  const a = await load(CASES.cache);
  const f = frameOf(SummaryScreen, a, nav(a));
  const bar = rowWith(f, '› app').match(/[·┊│█]{10,}/)?.[0] ?? '';
  assert.ok(bar.startsWith('█'), bar);
  assert.ok(bar.indexOf('┊') < bar.lastIndexOf('█'), `request mark inside the filled part: ${bar}`);
  assert.match(rowWith(f, '› app'), /64\.0Mi\s+256Mi\s+100Mi/);
  assert.match(f, /● 100% of container app's working set \(100Mi\) is active page cache/);
});

test('summary: unknown values are ? and Pending says not scheduled', async () => {
  const a = await load(CASES.pending);
  const f = frameOf(SummaryScreen, a, nav(a));
  assert.match(f, /not scheduled · Pending · no cgroup data/);
  assert.match(rowWith(f, '› app'), /app\s+7\.50Gi\s+none\s+\?/);
  assert.match(rowWith(f, 'Node'), /not scheduled: node fit table/);
});

test('summary: trend sparklines appear once watch has samples', async () => {
  const a = await load(CASES.oom);
  let samples = addSample({}, a);
  const b = structuredClone(a);
  b.containers[0]!.workingSetBytes = 32 * 2 ** 20;
  samples = addSample(samples, b);
  const f = frameOf(SummaryScreen, a, nav(a, { type: 'setWatch', on: true }), { samples });
  assert.match(rowWith(f, 'trend'), /trend\s+▁▄ ws 32\.0Mi · usage 256Ki · of 64\.0Mi/);
});

test('chain: requests → limits → usage → working set → breakdown, with sources and both views', async () => {
  const a = await load(CASES.oom);
  const f = frameOf(ChainScreen, a, nav(a));
  assert.match(rowWith(f, 'requests'), /requests\s+32\.0Mi\s+spec\s+resources\.requests\.memory/);
  assert.match(rowWith(f, 'limits '), /limits\s+64\.0Mi\s+spec\s+resources\.limits\.memory/);
  assert.match(f, /The cgroup says 64\.0Mi \(memory\.limit_in_bytes\)/);
  assert.match(rowWith(f, /^\s*usage\s/), /usage\s+256Ki\s+cgroup file\s+memory\.usage_in_bytes/);
  assert.match(
    rowWith(f, 'working set  '),
    /working set\s+256Ki\s+kubelet rule\s+memory\.usage_in_bytes − memory\.stat/,
  );
  assert.match(f, /− inactive_file 0/);
  assert.match(rowWith(f, /^\s*breakdown/), /anon 112Ki · file 0 · shmem 0 · kernel 64\.0Ki · other 80\.0Ki/);
  // Side by side at this width: the kernel's view and the kubelet's.
  assert.match(rowWith(f, "Kernel's view"), /Kernel's view \(OOM killer\)\s+Kubelet's view \(kubectl top, eviction\)/);
  assert.match(
    rowWith(f, 'usage 256Ki of memory.max'),
    /usage 256Ki of memory\.max 64\.0Mi\s+working set 256Ki of request 32\.0Mi/,
  );
  assert.match(f, /oom_kill 0 · limit hits 0 · oom_score_adj 999 · restarts 1/);
  assert.match(f, /cgroup\/memory\/kubepods\/burstable\/podd9c442e6/);
});

test('chain: the selected container; unknown figures name the reason', async () => {
  const a = await load(CASES.oom);
  const f = frameOf(ChainScreen, a, nav(a, { type: 'nextContainer' }));
  assert.match(f, /Container sidecar/);
  assert.match(rowWith(f, 'requests'), /16\.0Mi/);
  const e = await load(CASES.evicted);
  const g = frameOf(ChainScreen, e, nav(e));
  assert.match(rowWith(g, /^\s*usage\s/), /usage\s+\?\s+unknown/);
  assert.match(g, /requests\s+none\s+spec/);
  assert.match(g, /No request: the scheduler reserves nothing/);
});

test('chain: cgroup v2 with no limit', async () => {
  const a = await load(CASES.relocated);
  const f = frameOf(ChainScreen, a, nav(a));
  assert.match(rowWith(f, /^\s*usage\s/), /9\.78Gi\s+cgroup file\s+memory\.current/);
  assert.match(rowWith(f, 'working set  '), /3\.55Gi/);
  assert.match(f, /− inactive_file 6\.23Gi/);
  assert.match(f, /usage 9\.78Gi of memory\.max none/);
  assert.match(f, /No limit on this cgroup/);
  assert.match(f, /peak 17\.5Gi/);
});

test('breakdown: stacked bar, table, and the selected category explained', async () => {
  const a = await load(CASES.relocated);
  const f = frameOf(BreakdownScreen, a, nav(a));
  assert.match(f, /usage 9\.78Gi = anon \+ file \+ shmem \+ kernel \+ other/);
  assert.match(rowWith(f, /█ anon\s+1/), /1\.31Gi\s+13%\s+yes\s+no \(swap\)/);
  assert.match(rowWith(f, /▓ file active\s+\d/), /1\.80Gi\s+18%\s+yes\s+yes, later/);
  assert.match(rowWith(f, /░ file inactive\s+\d/), /6\.23Gi\s+64%\s+no\s+yes, first/);
  assert.match(rowWith(f, /▒ shmem\s+\d/), /20\.0Ki/);
  assert.match(rowWith(f, /■ kernel\s+\d/), /186Mi\s+2%\s+yes\s+partly/);
  assert.match(rowWith(f, 'slab_reclaimable'), /164Mi.*yes$/);
  assert.match(rowWith(f, /· other\s+\d/), /258Mi/);
  assert.match(rowWith(f, 'active_anon'), /1\.37Gi/);
  // The stacked bar: inactive file is the largest run.
  const bar = f.split('\n').find((l) => /[█▓░■]{20,}/.test(l)) ?? '';
  assert.ok((bar.match(/░/g) ?? []).length > (bar.match(/█/g) ?? []).length, bar);
  // The selected (first) category's explanation is pinned.
  assert.match(f, /anon \(anonymous memory\): 1\.31Gi {2}\[memory\.stat anon\]/);
  assert.match(f, /Reclaimable: No: only the program frees it/);
  assert.match(f, /Usually: Heap growth/);
});

test('breakdown: moving the selection changes the explanation', async () => {
  const a = await load(CASES.cache);
  const n = nav(a, { type: 'go', screen: 'breakdown' });
  const model = breakdownModel({ analysis: a, nav: n, width: WIDTH, height: HEIGHT });
  const fileInactive = model.lines.findIndex((l) => lineText(l).startsWith('░ file inactive'));
  const index = model.rows!.indexOf(fileInactive);
  assert.ok(index > 0);
  const f = frameOf(BreakdownScreen, a, reduce(n, { type: 'move', delta: index, count: model.rows!.length }));
  assert.match(rowWith(f, '›'), /file inactive\s+0/);
  assert.match(f, /inactive_file \(page cache, not used lately\): 0/);
  assert.match(f, /Reclaimable: Yes, first/);
  const shmem = await load(CASES.shmem);
  const g = frameOf(
    BreakdownScreen,
    shmem,
    nav(shmem, { type: 'go', screen: 'breakdown' }, { type: 'move', delta: 5, count: 9 }),
  );
  assert.match(g, /shmem \(tmpfs, \/dev\/shm\): 64\.0Mi/);
  assert.match(g, /Reclaimable: No without swap/);
});

test('breakdown: unknown without memory.stat, with the reason', async () => {
  const a = await load(CASES.summaryOnly);
  const f = frameOf(BreakdownScreen, a, nav(a));
  assert.match(f, /The breakdown is unknown \(\?\)/);
  const e = await load(CASES.evicted);
  assert.match(
    frameOf(BreakdownScreen, e, nav(e)),
    /breakdown is unknown \(\?\): the container is terminated: no live cgroup to read/,
  );
});

test('tools: every formula on this container, and why kubectl top and docker stats differ', async () => {
  const a = await load(CASES.cache);
  const f = frameOf(ToolsScreen, a, nav(a));
  assert.match(rowWith(f, /^\s*kubectl top\s/), /kubectl top\s+100Mi\s+usage − inactive_file = 100Mi − 0/);
  assert.match(rowWith(f, /^\s*docker stats\s/), /docker stats\s+100Mi\s+docker ≥ 20\.10/);
  assert.match(rowWith(f, 'docker ≤ 19.03'), /432Ki\s+usage − cache = 100Mi − 100Mi/);
  assert.match(rowWith(f, 'kubelet rss'), /108Ki/);
  assert.match(f, /Why kubectl top and docker stats differ here/);
  assert.match(f, /docker stats since 20\.10 uses the same formula, so it shows the same 100Mi/);
  assert.match(f, /docker stats 17\.06–19\.03 shows 432Ki: it subtracts all of cache \(100Mi\)/);
  assert.match(f, /the active_file 100Mi that kubectl top still counts/);
});

test('tools: the answer on v2 numbers, shmem, and without memory.stat', async () => {
  const v2 = await load(CASES.relocated);
  const why = whyTheyDiffer(v2, v2.containers[0]!).join(' ');
  assert.match(why, /usage 9\.78Gi − inactive_file 6\.23Gi = 3\.55Gi/);
  assert.match(why, /shows 1\.75Gi: it subtracts all of file/);
  const shmem = await load(CASES.shmem);
  const s = whyTheyDiffer(shmem, shmem.containers[0]!).join(' ');
  assert.match(s, /the shmem 64\.0Mi that kubectl top still counts/);
  assert.doesNotMatch(s, /(?<!in)active_file 0/);
  const summary = await load(CASES.summaryOnly);
  assert.match(whyTheyDiffer(summary, summary.containers[0]!).join(' '), /without memory\.stat.*unknown \(\?\)/);
  const f = frameOf(ToolsScreen, summary, nav(summary));
  assert.match(rowWith(f, /^\s*docker stats\s/), /docker stats\s+\?/);
  assert.match(f, /unknown: cgroup: not in the snapshot/);
});

test('verdicts: the list', async () => {
  const a = await load(CASES.relocated);
  const f = frameOf(VerdictsScreen, a, nav(a));
  assert.match(f, /2 verdicts, most severe first/);
  assert.match(rowWith(f, '›'), /● CacheDriven · metrics-server {2}info/);
  assert.match(f, /● NoLimit · metrics-server/);
  const none = await load(CASES.summaryOnly);
  assert.match(frameOf(VerdictsScreen, none, nav(none)), /No verdicts: nothing wrong found/);
});

test('verdict detail, OOMKilled: which limit fired, kernel record, evidence chain, next steps', async () => {
  const a = await load(CASES.oom);
  const f = frameOf(VerdictScreen, a, nav(a));
  assert.match(f, /✖ OOMKilled \(container\) · app {2}critical/);
  assert.match(rowWith(f, '▶'), /▶ container\s+64\.0Mi\s+app's memory\.max\s+◀ fired/);
  assert.match(rowWith(f, /^\s+pod\s/), /pod\s+96\.0Mi/);
  assert.match(rowWith(f, 'kubepods '), /23\.5Gi/);
  assert.match(f, /only this container's processes were\s+candidates/);
  assert.match(f, /killed process "node" \(pid 13771\) · anon-rss 69\.9Mi · file-rss 37\.7Mi/); // was "killed node": a process, not the node
  assert.match(
    f.replace(/\s+/g, ' '),
    /Its RSS \(anon 69\.9Mi \+ file 37\.7Mi\) is above the 64\.0Mi limit because RSS counts every page the process maps/,
  );
  assert.match(f, /Evidence chain/);
  assert.match(f, /1\. The runtime reported reason OOMKilled with exit code 137/);
  assert.match(f, /\[pod\.status\.containerStatuses\[app\]\.lastState\.terminated\]/);
  assert.match(f, /→ Raise the memory limit of container app/);
});

test('verdict detail, OOMKilled at node-allocatable: kubepods fired', async () => {
  const a = await load(CASES.nodeAllocatable);
  const f = frameOf(VerdictScreen, a, nav(a));
  assert.match(rowWith(f, '▶'), /▶ kubepods\s+256Mi\s+node allocatable: all pods together\s+◀ fired/);
  assert.match(f, /kubepods\) was full/);
});

test('verdict detail, Evicted: the threshold arithmetic', async () => {
  const a = await load(CASES.evicted);
  const f = frameOf(VerdictScreen, a, nav(a));
  assert.match(f, /Threshold arithmetic/);
  assert.match(rowWith(f, '= memory.available'), /221Mi/);
  assert.match(rowWith(f, /^ {2}eviction threshold/), /750Mi/);
  assert.match(rowWith(f, 'short by'), /529Mi/);
  assert.match(rowWith(f, /^\s*nginx\s+using/), /using\s+4\.19Gi\s+request\s+0\s+over by 4\.19Gi/);
  assert.match(f, /→ BestEffort pods \(no request\) always count as exceeding their request/);
});

test('verdict detail, Pending: the per-node fit table', async () => {
  const a = await load(CASES.pending);
  const f = frameOf(VerdictScreen, a, nav(a));
  assert.match(f, /the pod needs 7\.50Gi/);
  assert.match(rowWith(f, 'datagen-1-35 '), /datagen-1-35\s+7\.65Gi\s+510Mi\s+7\.15Gi\s+-354Mi\s+no/);
  assert.match(f, /short\s+by 354Mi/);
});

test('node: allocatable, requested, kubepods, threshold, memory.available; unknowns with reasons', async () => {
  const a = await load(CASES.oom);
  const f = frameOf(NodeScreen, a, nav(a));
  assert.match(f, /Node lab-node-1 {2}MemoryPressure: no/);
  assert.match(rowWith(f, 'capacity '), /23\.5Gi/);
  assert.match(rowWith(f, 'allocatable  '), /23\.4Gi/);
  assert.match(rowWith(f, 'reserved'), /100Mi/);
  assert.match(rowWith(f, 'requested '), /48\.0Mi\s+sum of the requests of 1 pod/);
  assert.match(rowWith(f, 'kubepods usage'), /1\.40Mi/);
  assert.match(rowWith(f, 'kubepods limit'), /23\.5Gi/);
  assert.match(rowWith(f, 'memory.available'), /23\.5Gi/);
  assert.match(rowWith(f, /^ {2}eviction threshold/), /\?\s+unknown: the kubelet configuration was not/);
  const e = await load(CASES.evicted);
  const g = frameOf(NodeScreen, e, nav(e));
  assert.match(rowWith(g, 'capacity '), /\?\s+unknown: node: not in the snapshot/);
  assert.match(rowWith(g, /^ {2}eviction threshold/), /750Mi/);
  const p = await load(CASES.pending);
  const k = frameOf(NodeScreen, p, nav(p));
  assert.match(k, /Not scheduled/);
  assert.match(rowWith(k, 'datagen-1-35 '), /-354Mi\s+no/);
});

test('events: list, the selected message in full; none says why', async () => {
  const a = await load(CASES.evicted);
  const f = frameOf(EventsScreen, a, nav(a));
  assert.match(rowWith(f, '›'), /▲ Evicted\s+×1\s+The node was low on resource: memory/);
  assert.match(rowWith(f, 'Killing'), /Killing\s+×1\s+Stopping container nginx/);
  assert.match(f, /Warning Evicted {2}Pod\/nginx · 1×/);
  assert.match(f, /has larger consumption of memory\./);
  const g = frameOf(EventsScreen, a, nav(a, { type: 'go', screen: 'events' }, { type: 'move', delta: 1, count: 2 }));
  assert.match(g, /Normal Killing/);
  const none = await load(CASES.oom);
  assert.match(
    frameOf(EventsScreen, none, nav(none)),
    /No events\.[\s\S]*Unknown rather than none: events: not in the snapshot/,
  );
});

test('help: every key and the glossary', () => {
  const r = render(h(HelpScreen, { width: WIDTH, height: HEIGHT, selected: 0, color: false }));
  const f = clean(r.lastFrame() ?? '');
  for (const k of ['↑ ↓  j k', 'Enter  →', 'Esc  ←  Backspace', 'Tab', 'w ', 's ', '?', 'q  Ctrl-C'])
    assert.ok(f.includes(k), k);
  for (const term of [
    'working set',
    'inactive_file',
    'active_file',
    'shmem',
    'kernel memory',
    'QoS',
    'oom_score_adj',
    'memory.available',
    'allocatable',
    'requests vs limits',
  ]) {
    assert.ok(f.includes(term), term);
  }
});

test('every screen of every fixture builds, and no row is wider than the room at 78 and 98 columns', async () => {
  for (const dir of Object.values(CASES)) {
    const a = await load(dir);
    for (const width of [78, 98]) {
      for (const screen of [
        'summary',
        'chain',
        'breakdown',
        'tools',
        'verdicts',
        'verdict',
        'node',
        'events',
        'help',
      ] as const) {
        const m = buildScreen(screen, { analysis: a, nav: nav(a), width, height: 22 });
        for (const l of [...m.lines, ...(m.pinned ?? [])]) {
          const t = lineText(l);
          // Summary's state column and events' message are cut by Ink (truncate-end); all else is laid out to fit.
          if (screen === 'summary' && /running|terminated|waiting|unknown/.test(t)) continue;
          assert.ok(t.length <= width + 1, `${dir} ${screen} @${width}: ${t.length} > ${width}: ${t}`);
        }
      }
    }
  }
});

test('summary: the STATE keeps its width before the bar does; too narrow, it wraps under its column', async () => {
  const a = await load(CASES.oom);
  const at98 = frameOf(SummaryScreen, a, nav(a));
  assert.match(rowWith(at98, '› app'), /[·┊│]+ {2}running, 1 restart, last: OOMKilled exit 137$/);
  const r = render(
    h(SummaryScreen as ScreenComponent, { analysis: a, nav: nav(a), width: 70, height: HEIGHT, color: false }),
  );
  const narrow = clean(r.lastFrame() ?? '').split('\n');
  const row = narrow.findIndex((l) => l.includes('› app'));
  assert.match(narrow[row]!, /256Ki {2}running, 1 restart, last:$/);
  assert.match(narrow[row + 1]!, /^ {40,}OOMKilled exit 137$/);
});

test('summary: the other pods a selector matched are named under the table, as in the text', async () => {
  const a = await load(CASES.oom);
  a.otherPods = [{ namespace: 'default', name: 'oom-container-2', phase: 'Running', why: '2 restart(s)' }];
  const f = frameOf(SummaryScreen, a, nav(a));
  assert.match(f, /also matched 1 other pod \(this one is the worst off\): oom-container-2 \(2 restart\(s\)\)/);
  assert.doesNotMatch(frameOf(SummaryScreen, await load(CASES.oom), nav(a)), /also matched/);
});
