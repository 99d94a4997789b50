// Runs the test cluster by hand:
//
//   npm run cluster -- --from examples/oomkilled-container --port 0 --kubeconfig /tmp/kc.yaml
//
// prints the addresses and the kubeconfig path, and serves until Ctrl-C (SIGINT/SIGTERM).
import { readFileSync } from 'node:fs';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';
import { loadSnapshotState, startCluster, type StateInput } from './index.js';

const argv = await yargs(hideBin(process.argv))
  .scriptName('npm run cluster --')
  .usage('$0 [--from <snapshot dir>] [--state <state.json>] [options]')
  .option('from', { type: 'string', describe: 'memwhy snapshot folder to serve (pod.json, node.json, …, cgroup/)' })
  .option('state', {
    type: 'string',
    describe: 'JSON file with a state description (namespaces, nodes, pods, events, users, hostPaths, …)',
  })
  .option('port', { type: 'number', default: 0, describe: 'HTTP port (0 = random)' })
  .option('https-port', { type: 'number', default: 0, describe: 'HTTPS port (0 = random)' })
  .option('kubeconfig', { type: 'string', describe: 'write a kubeconfig here' })
  .option('user', { type: 'string', default: 'admin', describe: 'user of that kubeconfig' })
  .option('server', {
    choices: ['http', 'https'] as const,
    default: 'https' as const,
    describe: 'listener the kubeconfig points at',
  })
  .option('auth', { choices: ['token', 'cert', 'tokenFile'] as const, default: 'token' as const })
  .option('namespace', { type: 'string', describe: 'namespace of the kubeconfig context' })
  .option('http-user', {
    type: 'string',
    describe: 'user for credential-less requests on the HTTP listener (kubectl sends none over http)',
  })
  .option('psa-default', { choices: ['privileged', 'baseline', 'restricted'] as const, default: 'privileged' as const })
  .option('metrics', {
    type: 'boolean',
    default: true,
    describe: 'serve metrics.k8s.io (--no-metrics: as without metrics-server)',
  })
  .option('deny-image', {
    type: 'string',
    array: true,
    default: [] as string[],
    describe: 'image pattern whose pull fails',
  })
  .strict()
  .help()
  .parseAsync();

let state: StateInput = {};
if (argv.state) state = JSON.parse(readFileSync(argv.state, 'utf8')) as StateInput;
if (argv.from) {
  const snap = loadSnapshotState(argv.from);
  state = {
    ...state,
    pods: [...(state.pods ?? []), ...(snap.pods ?? [])],
    nodes: [...(state.nodes ?? []), ...(snap.nodes ?? [])],
    events: [...(state.events ?? []), ...(snap.events ?? [])],
    summaries: { ...(state.summaries ?? {}), ...(snap.summaries ?? {}) },
    podMetrics: [...(state.podMetrics ?? []), ...(snap.podMetrics ?? [])],
    hostPaths: { ...(state.hostPaths ?? {}), ...(snap.hostPaths ?? {}) },
  };
}
if (argv.denyImage.length) state.images = { deny: [...(state.images?.deny ?? []), ...argv.denyImage.map(String)] };

const cluster = await startCluster(state, {
  port: argv.port,
  httpsPort: argv.httpsPort,
  psaDefault: argv.psaDefault,
  metrics: argv.metrics,
  httpAnonymousUser: argv.httpUser,
});
const kc = argv.kubeconfig
  ? cluster.writeKubeconfig(argv.kubeconfig, {
      user: argv.user,
      server: argv.server,
      auth: argv.auth,
      namespace: argv.namespace,
    })
  : cluster.kubeconfig(argv.user, { server: argv.server, auth: argv.auth, namespace: argv.namespace });

console.log(`test cluster serving`);
console.log(`  http:       ${cluster.httpUrl}`);
console.log(`  https:      ${cluster.httpsUrl}`);
console.log(`  kubeconfig: ${kc}   (user ${argv.user}, ${argv.server}, ${argv.auth})`);
for (const u of cluster.state.users) console.log(`  token ${u.name}: ${u.token}`);
console.log(
  `  pods: ${cluster.state.pods.map((p) => `${p.metadata?.namespace}/${p.metadata?.name}`).join(', ') || '(none)'}`,
);
console.log('Ctrl-C to stop.');

let stopping = false;
const stop = (): void => {
  if (stopping) return;
  stopping = true;
  console.log(`stopping (${cluster.requests.length} requests served)`);
  void cluster.close().then(() => process.exit(0));
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
