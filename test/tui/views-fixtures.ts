// Real reports for the views' TUI tests: the overview and the node view of the running-k8s135-summary fixture
// (a kind node with 24 pods), built by the same core functions the CLI's gathering calls.
import { readFileSync } from 'node:fs';
import type { NodeReport } from '../../src/app/views/node-view.js';
import type { OverviewReport } from '../../src/app/views/overview.js';
import { nodeMemory } from '../../src/core/views/node-memory.js';
import { overview } from '../../src/core/views/overview.js';

const dir = 'test/fixtures/cases/running-k8s135-summary/';
const read = (f: string) => JSON.parse(readFileSync(dir + f, 'utf8'));
const list = read('node-pods.json');
const pods = list.items ?? list;

export function overviewReport(): OverviewReport {
  return {
    schemaVersion: 1,
    kind: 'Overview',
    generatedAt: 'now',
    scope: { namespace: null, allNamespaces: true, labelSelector: null, deep: true },
    pods: overview({ pods, podMetrics: [], summaries: [read('summary.json')], nodes: [] }),
    nodes: [],
    missing: [{ part: 'nodes', reason: 'forbidden' }],
  };
}

export function nodeReport(): NodeReport {
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
  return {
    schemaVersion: 1,
    kind: 'NodeMemory',
    generatedAt: 'now',
    ...view,
    missing: [{ part: 'cgroup', reason: 'the node reader was turned off (--no-reader)' }],
  };
}
