// What Node itself needs for a diagnosis, with nothing of memwhy: the same GETs in the same shape over Node's https
// with a keep-alive agent, each body parsed as JSON; no command line, no kubeconfig, no analysis, no output but a
// name. bench/run.ts times the pod form beside `memwhy <pod> --no-reader` and `kubectl describe pod`; bench/scale.ts
// the node form beside `memwhy node/<name> --no-reader` and `kubectl describe node`.
//   node bench/api-floor.mjs https://127.0.0.1:PORT TOKEN /path/ca.pem pod NAMESPACE POD
//     the pod, then its node, the node's Summary, the node's pods and the two event lists at once
//   node bench/api-floor.mjs https://127.0.0.1:PORT TOKEN /path/ca.pem node NODE
//     the node, then its pods, its Summary, its kubelet configz and the two event lists at once
import { readFileSync } from 'node:fs';
import https from 'node:https';

const [server, token, caFile, form, ...names] = process.argv.slice(2);
const base = new URL(server ?? '');
const agent = new https.Agent({ keepAlive: true, ca: readFileSync(caFile ?? '') });
const headers = { authorization: `Bearer ${token}`, accept: 'application/json' };
const enc = encodeURIComponent;

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

async function podForm(namespace, pod) {
  const p = await get(`/api/v1/namespaces/${enc(namespace)}/pods/${enc(pod)}`);
  const node = p.spec.nodeName;
  await Promise.all([
    get(`/api/v1/nodes/${enc(node)}`),
    get(`/api/v1/nodes/${enc(node)}/proxy/stats/summary`),
    get(`/api/v1/pods?fieldSelector=${enc(`spec.nodeName=${node}`)}`),
    get(`/api/v1/namespaces/${enc(namespace)}/events?fieldSelector=${enc(`involvedObject.name=${pod}`)}`),
    get(
      `/api/v1/namespaces/default/events?fieldSelector=${enc(`involvedObject.kind=Node,involvedObject.name=${node}`)}`,
    ),
  ]);
  return p.metadata.name;
}

async function nodeForm(node) {
  await get(`/api/v1/nodes/${enc(node)}`);
  await Promise.all([
    get(`/api/v1/pods?fieldSelector=${enc(`spec.nodeName=${node}`)}&limit=500`),
    get(`/api/v1/nodes/${enc(node)}/proxy/stats/summary`),
    get(`/api/v1/nodes/${enc(node)}/proxy/configz`),
    get(
      `/api/v1/namespaces/default/events?fieldSelector=${enc(`involvedObject.kind=Node,involvedObject.name=${node}`)}&limit=500`,
    ),
    get('/api/v1/events?fieldSelector=reason%3DEvicted&limit=500'),
  ]);
  return node;
}

if (form !== 'pod' && form !== 'node') throw new Error('the fourth argument is pod or node');
console.log(form === 'pod' ? await podForm(names[0], names[1]) : await nodeForm(names[0]));
agent.destroy();
