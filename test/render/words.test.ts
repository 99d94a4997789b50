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
  const text = flat(renderText(analyse(await loadSnapshot('examples/oomkilled-container'), { now: NOW }), { color: false, width: 100 }));
  assert.match(text, /it killed process "node" \(pid 13771, anon-rss 69\.9Mi, oom_score_adj 999\)\./);
  assert.doesNotMatch(text, /killed node /);
  assert.match(text, /Its RSS \(anon 69\.9Mi \+ file 37\.7Mi\) is above the 64\.0Mi limit because RSS counts every page the process maps/);
});

test('a child process OOM-killed in a container that kept running: not "the container was killed", no --previous', async () => {
  const facts = await loadSnapshot('examples/oomkilled-container');
  const status = facts.pod.status!.containerStatuses!.find((s) => s.name === 'app')!;
  delete status.lastState;
  status.restartCount = 0;
  // The cgroup counted the kill (a child process), the container's state never changed.
  const oomControl = Object.keys(facts.cgroupFiles!).find((k) => k.includes('/279ec88ded88a4af') && k.endsWith('/memory.oom_control'))!;
  facts.cgroupFiles![oomControl] = 'oom_kill_disable 0\nunder_oom 0\noom_kill 1\n';

  const text = flat(renderText(analyse(facts, { now: NOW }), { color: false, width: 100 }));
  assert.match(text, /✖ A process in container app was OOM-killed; the container kept running; which limit fired is unknown/);
  assert.doesNotMatch(text, /Container app was OOM-killed/);
  assert.doesNotMatch(text, /--previous/);
});

test('the log step: --previous only after a restart', () => {
  assert.equal(logsStep('web-0', 'app', true), 'Read the last log before the kill: kubectl logs web-0 -c app --previous');
  assert.equal(logsStep('web-0', 'app', false), 'Read the log around the kill: kubectl logs web-0 -c app (the container did not restart, so there is no --previous)');
  assert.equal(oomSummary('app', 'its own memory limit of 64.0Mi', false), 'A process in container app was OOM-killed by its own memory limit of 64.0Mi; the container kept running.');
});
