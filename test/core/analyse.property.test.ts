// Property tests: whatever the cluster or a snapshot hands us — random objects, truncated cgroup files,
// fields of the wrong type — analyse() and the renderers never throw, and every number they put out is
// finite or null (unknown), never NaN or Infinity.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { loadSnapshot } from '../../src/app/snapshot.js';
import { analyse } from '../../src/core/analyse.js';
import { renderJson } from '../../src/render/json.js';
import { renderText } from '../../src/render/text.js';
import type { Facts, KPod } from '../../src/core/types.js';

const NOW = '2026-11-23T00:00:00.000Z';

function assertSane(value: unknown, path = '$'): void {
  if (typeof value === 'number') assert.ok(Number.isFinite(value), `${path} is ${value}`);
  else if (Array.isArray(value)) value.forEach((v, i) => assertSane(v, `${path}[${i}]`));
  else if (value && typeof value === 'object')
    for (const [k, v] of Object.entries(value)) assertSane(v, `${path}.${k}`);
}

function check(facts: Facts): void {
  const a = analyse(facts, { now: NOW });
  assertSane(a);
  JSON.parse(renderJson(a));
  renderText(a, { color: false, width: 80 });
}

/** Deletes, truncates or replaces parts of a JSON value at random (seeded by fast-check). */
function mutate(value: unknown, rnd: () => number, depth = 0): unknown {
  if (depth > 8) return value;
  const r = rnd();
  if (r < 0.05) return undefined;
  if (r < 0.08) return null;
  if (r < 0.1) return 'garbage';
  if (r < 0.12) return -1;
  if (Array.isArray(value)) return value.map((v) => mutate(v, rnd, depth + 1)).filter((v) => v !== undefined);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const m = mutate(v, rnd, depth + 1);
      if (m !== undefined) out[k] = m;
    }
    return out;
  }
  if (typeof value === 'string' && r < 0.2) return value.slice(0, Math.floor(value.length * rnd()));
  return value;
}

const CASES = [
  'examples/oomkilled-container',
  'examples/cache-driven',
  'test/fixtures/cases/cgroupv2-elastic-relocated',
  'test/fixtures/cases/running-k8s135-summary',
  'test/fixtures/cases/pending-insufficient-memory',
  'test/fixtures/cases/evicted-aks-threshold',
  'test/fixtures/cases/oomkilled-aks-allocatable',
];

/** mulberry32: a small seeded PRNG, so mutations are uniform (fast-check biases its doubles to 0 and 1). */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

test('random mutations of real snapshots never break the analysis', async () => {
  const bases = await Promise.all(CASES.map((c) => loadSnapshot(c)));
  fc.assert(
    fc.property(fc.integer({ min: 0, max: bases.length - 1 }), fc.integer(), (i, seed) => {
      const rnd = prng(seed);
      const base = bases[i]!;
      const cgroupFiles = base.cgroupFiles
        ? Object.fromEntries(
            Object.entries(base.cgroupFiles)
              .filter(() => rnd() > 0.1)
              .map(([k, v]) => [k, rnd() < 0.2 ? v.slice(0, Math.floor(v.length * rnd())) : v]),
          )
        : null;
      const facts: Facts = {
        ...base,
        pod: (mutate(base.pod, rnd) ?? {}) as KPod,
        node: mutate(base.node, rnd) as Facts['node'],
        nodePods: mutate(base.nodePods, rnd) as Facts['nodePods'],
        summary: mutate(base.summary, rnd) as Facts['summary'],
        events: mutate(base.events, rnd) as Facts['events'],
        kernelLog:
          base.kernelLog && rnd() < 0.5
            ? base.kernelLog.slice(0, Math.floor(base.kernelLog.length * rnd()))
            : base.kernelLog,
        cgroupFiles,
      };
      if (facts.pod === null || typeof facts.pod !== 'object') facts.pod = {};
      check(facts);
    }),
    { numRuns: 1000 },
  );
});

test('known crashers: wrong types where arrays and objects belong', () => {
  const empty = {
    node: null,
    nodes: null,
    nodePods: null,
    events: null,
    summary: null,
    podMetrics: null,
    kernelLog: null,
    cgroupFiles: null,
    missing: {},
  };
  for (const pod of [
    { spec: { containers: 'garbage' } },
    { spec: { containers: ['x', null] } },
    { status: { containerStatuses: [{ lastState: { terminated: 'x' } }] } },
  ]) {
    check({ ...empty, pod: pod as unknown as KPod });
  }
});

test('arbitrary values at the places the analysis reads never break it', () => {
  const anything = fc.anything({ maxDepth: 2 });
  const container = fc.record(
    {
      name: anything,
      resources: fc.oneof(
        anything,
        fc.record({ requests: anything, limits: fc.oneof(anything, fc.record({ memory: anything })) }),
      ),
    },
    { requiredKeys: [] },
  );
  const pod = fc.record(
    {
      metadata: fc.oneof(
        anything,
        fc.record({ name: anything, uid: anything, namespace: anything }, { requiredKeys: [] }),
      ),
      spec: fc.oneof(
        anything,
        fc.record(
          {
            containers: fc.oneof(anything, fc.array(fc.oneof(anything, container), { maxLength: 3 })),
            initContainers: anything,
            nodeName: anything,
            overhead: anything,
          },
          { requiredKeys: [] },
        ),
      ),
      status: fc.oneof(
        anything,
        fc.record(
          {
            phase: anything,
            reason: anything,
            message: anything,
            containerStatuses: fc.oneof(
              anything,
              fc.array(
                fc.oneof(
                  anything,
                  fc.record(
                    { name: anything, containerID: anything, state: anything, lastState: anything },
                    { requiredKeys: [] },
                  ),
                ),
                { maxLength: 3 },
              ),
            ),
          },
          { requiredKeys: [] },
        ),
      ),
    },
    { requiredKeys: [] },
  );
  fc.assert(
    fc.property(pod, anything, anything, anything, anything, (p, node, summary, nodePods, cgroupFiles) => {
      check({
        pod: p as KPod,
        node: node as Facts['node'],
        nodes: null,
        nodePods: nodePods as Facts['nodePods'],
        events: null,
        summary: summary as Facts['summary'],
        podMetrics: null,
        kernelLog: null,
        cgroupFiles: cgroupFiles as Facts['cgroupFiles'],
        missing: {},
      });
    }),
    { numRuns: 500 },
  );
});

test('arbitrary objects in every fact never break the analysis', () => {
  const anyObj = fc.option(fc.object({ maxDepth: 4 }), { nil: null });
  fc.assert(
    fc.property(
      fc.object({ maxDepth: 5 }),
      anyObj,
      anyObj,
      fc.option(fc.string(), { nil: null }),
      fc.option(fc.dictionary(fc.string(), fc.string()), { nil: null }),
      (pod, node, summary, kernelLog, cgroupFiles) => {
        check({
          pod: pod as KPod,
          node: node as Facts['node'],
          nodes: null,
          nodePods: null,
          events: null,
          summary: summary as Facts['summary'],
          podMetrics: null,
          kernelLog,
          cgroupFiles,
          missing: {},
        });
      },
    ),
    { numRuns: 300 },
  );
});
