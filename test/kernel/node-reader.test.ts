// The node reader's SCRIPT on the REAL kernel (cgroup v1): a kubelet-shaped kubepods hierarchy (./lab.ts) with
// real workloads in a Burstable pod, a BestEffort pod, a Guaranteed pod (directly under kubepods) and a
// system.slice beside kubepods; the script runs under busybox sh against it, as the reader pod would, and the
// node view's kubepods limit and usage, tier usage and what lives outside kubepods must equal what the kernel's
// files say (read just before and just after: usage of idle holders moves by a few pages at most).
// Skips where the lab cannot run (not root, no v1 memory controller) or busybox is missing.
import assert from 'node:assert/strict';
import { spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { after, before, test } from 'node:test';
import { parseNodeFrames } from '../../src/core/views/node-frames.js';
import { nodeMemory } from '../../src/core/views/node-memory.js';
import { nodeReaderCommand } from '../../src/kube/reader-node-script.js';
import { cleanupAllLabs, Lab, labSkipReason, MiB, sweepStaleLabs } from './lab.js';

const busybox = spawnSync('sh', ['-c', 'command -v busybox'], { encoding: 'utf8' }).stdout.trim();
const skip = labSkipReason() ?? (busybox ? null : 'busybox is not installed');
const SLACK = 2 * MiB;

let lab: Lab | null = null;
let hostRoot: string | null = null;
before(() => {
  if (!skip) sweepStaleLabs();
});
after(() => {
  if (hostRoot) fs.rmSync(hostRoot, { recursive: true, force: true });
  cleanupAllLabs();
});

function mkcg(rel: string, limit: number | null = null): { dir: string; rel: string } {
  const dir = path.join(lab!.root, rel);
  fs.mkdirSync(dir);
  if (limit !== null) fs.writeFileSync(path.join(dir, 'memory.limit_in_bytes'), String(limit));
  return { dir, rel };
}

/** A Node process in `ref` (it joins before allocating) holding `mib` MiB of anonymous memory. */
function hold(ref: { dir: string; rel: string }, mib: number): Promise<ChildProcess> {
  const script = `const k=[];for(let i=0;i<${mib};i++){const b=Buffer.allocUnsafeSlow(1<<20);b.fill(1);k.push(b)}process.stdout.write('ready\\n');setInterval(()=>k.length,1<<30)`;
  const child = lab!.spawnIn(ref, [process.execPath, '-e', script]);
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('holder not ready in 20 s')), 20_000);
    child.stdout?.on('data', (d: Buffer) => {
      if (d.toString().includes('ready')) {
        clearTimeout(timer);
        resolve(child);
      }
    });
    child.once('exit', (c) => reject(new Error(`holder exited (${c})`)));
  });
}

const kernel = (rel: string, file: string): number =>
  Number(fs.readFileSync(path.join(lab!.root, rel, file), 'utf8').trim());
const near = (actual: number | null, a: number, b: number, what: string) =>
  assert.ok(
    actual !== null && actual >= Math.min(a, b) - SLACK && actual <= Math.max(a, b) + SLACK,
    `${what}: ${actual} not within the kernel's ${a}…${b}`,
  );

test(
  'v1 kernel: the node reader script reads kubepods, its tiers and system.slice as the kernel writes them',
  { skip: skip ?? false },
  async () => {
    lab = Lab.create({
      containers: [{ name: 'app', requestBytes: 64 * MiB, limitBytes: 512 * MiB }],
      kubepodsLimitBytes: 3 * 1024 * MiB,
    });
    assert.equal(lab.qos, 'Burstable');
    const hex = () => randomBytes(32).toString('hex');
    const bestPod = mkcg(`kubepods/besteffort/pod${randomUUID()}`);
    const best = mkcg(`${bestPod.rel}/${hex()}`);
    const guarPod = mkcg(`kubepods/pod${randomUUID()}`, 256 * MiB);
    const guar = mkcg(`${guarPod.rel}/${hex()}`, 256 * MiB);
    const system = mkcg('system.slice');
    await lab.holdAnon('app', 48);
    await hold(best, 24);
    await hold(guar, 32);
    await hold(system, 16);

    // ROOT as the reader pod sees it: <ROOT>/memory is the memory controller (here the lab's root).
    hostRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'memwhy-node-reader-'));
    fs.symlinkSync(lab.root, path.join(hostRoot, 'memory'));
    const levels = ['', 'kubepods', 'kubepods/burstable', 'kubepods/besteffort', 'system.slice'];
    const before = Object.fromEntries(levels.map((l) => [l, kernel(l, 'memory.usage_in_bytes')]));
    const r = spawnSync(busybox, nodeReaderCommand(hostRoot), { encoding: 'utf8', timeout: 20_000 });
    const afterUsage = Object.fromEntries(levels.map((l) => [l, kernel(l, 'memory.usage_in_bytes')]));
    assert.equal(r.status, 0, r.stderr);

    const frames = parseNodeFrames(r.stdout);
    assert.equal(frames.complete, true, frames.problems.join('; '));
    assert.match(frames.meminfo ?? '', /^MemTotal: +\d+ kB$/m);
    const view = nodeMemory({
      node: lab.nodeObject(),
      pods: [],
      summary: null,
      nodeMetricsWorkingSetBytes: null,
      kubeletConfig: null,
      cgroupFiles: frames.files,
      meminfo: frames.meminfo,
      events: null,
    });
    assert.equal(view.node.cgroupVersion, 'v1');
    assert.equal(view.node.kubepodsLimitBytes, kernel('kubepods', 'memory.limit_in_bytes'));
    assert.equal(view.node.kubepodsLimitBytes, 3 * 1024 * MiB);
    near(view.node.kubepodsUsageBytes, before.kubepods!, afterUsage.kubepods!, 'kubepods usage');
    assert.ok(view.node.kubepodsUsageBytes! >= (48 + 24 + 32) * MiB, 'kubepods holds the three pods');
    const tier = (q: string) => view.tiers.find((t) => t.qosClass === q)!.cgroupUsageBytes;
    assert.equal(tier('Guaranteed'), null);
    near(tier('Burstable'), before['kubepods/burstable']!, afterUsage['kubepods/burstable']!, 'burstable usage');
    near(tier('BestEffort'), before['kubepods/besteffort']!, afterUsage['kubepods/besteffort']!, 'besteffort usage');
    assert.ok(tier('Burstable')! >= 48 * MiB && tier('BestEffort')! >= 24 * MiB);
    // The Guaranteed pod counts in kubepods but in neither tier.
    assert.ok(view.node.kubepodsUsageBytes! - tier('Burstable')! - tier('BestEffort')! >= 32 * MiB - SLACK);
    const sys = view.outsideKubepods.parts.find((p) => p.path === 'system.slice');
    near(sys?.usageBytes ?? null, before['system.slice']!, afterUsage['system.slice']!, 'system.slice usage');
    near(
      view.outsideKubepods.bytes,
      before['']! - before.kubepods!,
      afterUsage['']! - afterUsage.kubepods!,
      'root − kubepods',
    );
    assert.ok((view.free?.totalBytes ?? 0) > 0);
  },
);
