// What Node itself needs for the API-only diagnosis, with nothing of memwhy: the same six GETs in the same shape
// (the pod, then its node, the node's Summary, the node's pods and the two event lists at once) over Node's https
// with a keep-alive agent, each body parsed as JSON; no command line, no kubeconfig, no analysis, no output but a
// name. bench/run.ts times it beside `memwhy <pod> --no-reader` and `kubectl describe pod`.
//   node bench/api-floor.mjs https://127.0.0.1:PORT TOKEN /path/ca.pem NAMESPACE POD
import { readFileSync } from 'node:fs';
import https from 'node:https';

const [server, token, caFile, namespace, pod] = process.argv.slice(2);
const base = new URL(server ?? '');
const agent = new https.Agent({ keepAlive: true, ca: readFileSync(caFile ?? '') });
const headers = { authorization: `Bearer ${token}`, accept: 'application/json' };

function get(path) {
  return new Promise((resolve, reject) => {
    const req = https.get({ host: base.hostname, port: base.port, path, agent, headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => {
        if (res.statusCode !== 200) reject(new Error(`GET ${path}: HTTP ${res.statusCode}`));
        else resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
      });
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

const enc = encodeURIComponent;
const p = await get(`/api/v1/namespaces/${enc(namespace)}/pods/${enc(pod)}`);
const node = p.spec.nodeName;
await Promise.all([
  get(`/api/v1/nodes/${enc(node)}`),
  get(`/api/v1/nodes/${enc(node)}/proxy/stats/summary`),
  get(`/api/v1/pods?fieldSelector=${enc(`spec.nodeName=${node}`)}`),
  get(`/api/v1/namespaces/${enc(namespace)}/events?fieldSelector=${enc(`involvedObject.name=${pod}`)}`),
  get(`/api/v1/namespaces/default/events?fieldSelector=${enc(`involvedObject.kind=Node,involvedObject.name=${node}`)}`),
]);
console.log(p.metadata.name);
agent.destroy();
