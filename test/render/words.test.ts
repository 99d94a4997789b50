// Words that misled (issue 13 item 10), as the text output shows them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadSnapshot } from '../../src/app/snapshot.js';
import { analyse } from '../../src/core/analyse.js';
import { logsStep, oomSummary } from '../../src/core/oom-words.js';
import { renderText } from '../../src/render/text.js';

const NOW = '2026-11-23T00:00:00.000Z';
const flat = (s: string) => s.replace(/\s+/g, ' ');

test('the killed process is quoted and called a process, and its RSS above the limit is explained', async () => {
  const text = flat(
    renderText(analyse(await loadSnapshot('examples/oomkilled-container'), { now: NOW }), { color: false, width: 100 }),
  );
  assert.match(text, /it killed process "node" \(pid 13771, anon-rss 69\.9Mi, oom_score_adj 999\)\./);
  assert.doesNotMatch(text, /killed node /);
  assert.match(
    text,
    /Its RSS \(anon 69\.9Mi \+ file 37\.7Mi\) is above the 64\.0Mi limit because RSS counts every page the process maps/,
  );
});

test('a child process OOM-killed in a container that kept running: not "the container was killed", no --previous', async () => {
  const facts = await loadSnapshot('examples/oomkilled-container');
  const status = facts.pod.status!.containerStatuses!.find((s) => s.name === 'app')!;
  delete status.lastState;
  status.restartCount = 0;
  // The cgroup counted the kill (a child process), the container's state never changed.
  const oomControl = Object.keys(facts.cgroupFiles!).find(
    (k) => k.includes('/279ec88ded88a4af') && k.endsWith('/memory.oom_control'),
  )!;
  facts.cgroupFiles![oomControl] = 'oom_kill_disable 0\nunder_oom 0\noom_kill 1\n';

  const text = flat(renderText(analyse(facts, { now: NOW }), { color: false, width: 100 }));
  assert.match(
    text,
    /✖ A process in container app was OOM-killed; the container kept running; which limit fired is unknown/,
  );
  assert.doesNotMatch(text, /Container app was OOM-killed/);
  assert.doesNotMatch(text, /--previous/);
});

test('the log step: --previous only after a restart', () => {
  assert.equal(
    logsStep('web-0', 'app', true),
    'Read the last log before the kill: kubectl logs web-0 -c app --previous',
  );
  assert.equal(
    logsStep('web-0', 'app', false),
    'Read the log around the kill: kubectl logs web-0 -c app (the container did not restart, so there is no --previous)',
  );
  assert.equal(
    oomSummary('app', 'its own memory limit of 64.0Mi', false),
    'A process in container app was OOM-killed by its own memory limit of 64.0Mi; the container kept running.',
  );
});

test('a 126Gi capacity beside a 126Gi allocatable: the reserved row shows the 228Mi between them', async () => {
  const facts = await loadSnapshot('examples/oomkilled-container');
  const capacityKi = 132_115_484; // 126.0Gi
  facts.node!.status!.capacity!.memory = `${capacityKi}Ki`;
  facts.node!.status!.allocatable!.memory = `${capacityKi - 228 * 1024}Ki`;
  const text = renderText(analyse(facts, { now: NOW }), { color: false, width: 100 });
  assert.match(text, /\n {4}capacity +126Gi /);
  assert.match(text, /\n {4}reserved +228Mi {2}capacity − allocatable/);
  assert.match(
    flat(text),
    /kubepods limit 23\.5Gi the pods' cgroup: capacity − kube\/system-reserved \(allocatable also subtracts the eviction threshold\)/,
  );
});

test('an evicted pod: the eviction figures are in the analysis (JSON), and the Node screen says each reason once', async () => {
  const a = analyse(await loadSnapshot('examples/evicted'), { now: NOW });
  assert.equal(a.eviction?.availableBytes, 225800 * 1024);
  assert.equal(a.eviction?.thresholdBytes, 750 * 2 ** 20);
  assert.equal(a.eviction?.source, 'pod.status.message');
  const { nodeLines } = await import('../../src/tui/screens/node.js');
  const { lineText } = await import('../../src/tui/format.js');
  const screen = nodeLines(a, 98).map(lineText).join('\n');
  assert.equal(flat(screen).match(/capacity, allocatable and oom_score_adj are unknown/g)?.length, 1, screen);
  assert.match(screen, /\nreserved +\? {2}unknown: as above\n/);
  assert.match(screen, /\nmemory\.available +221Mi {2}capacity − node working set when the kubelet evicted the pod/);
  assert.match(screen, /\nroom before eviction +-529Mi/);
});

test('text: a container no verdict names is one line; --all and -c give its whole chain', async () => {
  const a = analyse(await loadSnapshot('examples/oomkilled-container'), { now: NOW });
  const short = renderText(a, { color: false, width: 100 });
  assert.match(
    short,
    /\n {2}Other containers {2}no verdict names them; --all or -c <name> shows the whole chain\n {4}sidecar {2}working set 256Ki of limit 32\.0Mi \(1%\) · request 16\.0Mi · running\n/,
  );
  assert.doesNotMatch(short, /Container sidecar/);
  assert.match(short, /\n {2}Container app {2}running, 1 restart, last: OOMKilled exit 137\n/);
  for (const text of [
    renderText(a, { color: false, width: 100, all: true }),
    renderText(a, { color: false, width: 100, container: 'sidecar' }),
  ]) {
    assert.match(text, /\n {2}Container sidecar {2}running\n/);
    assert.doesNotMatch(text, /Other containers/);
  }
  // Was 115 lines with every chain in full. The budget grew from 75 when the Sizing section (issue 11: the
  // advice and krr/VPA beside it) and the Prometheus names (issue 8) joined the text; the healthy sidecar stays
  // one line in both, and the reasoning and the metrics' formulas wait for --all.
  assert.ok(short.split('\n').length <= 95, `${short.split('\n').length} lines`);
  assert.match(short, /\n {2}container sidecar {2}request 1\.00Mi · limit 16\.0Mi · confidence low\n/);
  assert.doesNotMatch(short, /· Floor /, 'the sizing reasoning line by line waits for --all');
});

test('no node object but the kubelet summary: capacity = memory.available + node working set, said so', async () => {
  const facts = await loadSnapshot('test/fixtures/cases/running-k8s135-summary');
  const m = facts.summary!.node!.memory!;
  facts.node = null;
  facts.missing.node = 'nodes "x" is forbidden';
  const a = analyse(facts, { now: NOW });
  assert.equal(a.node?.capacityBytes, m.availableBytes! + m.workingSetBytes!);
  assert.equal(a.node?.capacitySource, 'kubelet summary: memory.available + node working set');
  const text = renderText(a, { color: false, width: 120 });
  assert.match(text, /\n {4}capacity +\S+ {2}kubelet summary: memory\.available \+ node working set\n/);
  assert.match(
    flat(text),
    /node: nodes "x" is forbidden: allocatable is unknown \(capacity from the kubelet summary: memory\.available \+ node working set\)\./,
  );
});
