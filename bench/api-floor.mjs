// What Node itself needs for what memwhy reads, with nothing of memwhy: the same GETs in the same shape over Node's
// https with a keep-alive agent; no command line, no kubeconfig, no analysis, no output but a name. bench/run.ts
// times the pod form beside `memwhy <pod> --no-reader` and `kubectl describe pod`; bench/scale.ts the node form
// beside `memwhy node/<name> --no-reader` and `kubectl describe node`, and the list form beside `memwhy -A` and
// `kubectl top pods -A`.
//   node bench/api-floor.mjs https://127.0.0.1:PORT TOKEN /path/ca.pem pod NAMESPACE POD
//     the pod, then its node, the node's Summary, the node's pods and the two event lists at once; JSON parsed
//   node bench/api-floor.mjs https://127.0.0.1:PORT TOKEN /path/ca.pem node NODE
//     the node, then its pods, its Summary, its kubelet configz and the two event lists at once; JSON parsed
//   node bench/api-floor.mjs https://127.0.0.1:PORT TOKEN /path/ca.pem list
//     every page of the pod list (limit=500 and the continue token, as kubectl pages) and the PodMetrics list at
//     the same time; the bodies read and dropped, never parsed: the server's and the wire's share of `memwhy -A`
import { readFileSync } from 'node:fs';
import https from 'node:https';

const [server, token, caFile, form, ...names] = process.argv.slice(2);
const base = new URL(server ?? '');
const agent = new https.Agent({ keepAlive: true, ca: readFileSync(caFile ?? '') });
const headers = { authorization: `Bearer ${token}`, accept: 'application/json' };
const enc = encodeURIComponent;

/** GET → { body, bytes }: the whole body, or with `dropped` only its first 512 bytes (where a list's continue is). */
function request(path, dropped = false) {
  return new Promise((resolve, reject) => {
    const req = https.get({ host: base.hostname, port: base.port, path, agent, headers }, (res) => {
      const chunks = [];
      let bytes = 0;
      res.on('data', (c) => {
        if (!dropped || bytes < 512) chunks.push(dropped ? c.subarray(0, 512) : c);
        bytes += c.length;
      });
      res.on('end', () => {
        if (res.statusCode !== 200) reject(new Error(`GET ${path}: HTTP ${res.statusCode}`));
        else resolve({ body: Buffer.concat(chunks).toString('utf8'), bytes });
      });
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

const get = async (path) => JSON.parse((await request(path)).body);

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

async function listForm() {
  const podPages = async () => {
    let cont = '';
    let bytes = 0;
    do {
      const page = await request(`/api/v1/pods?limit=500${cont ? `&continue=${enc(cont)}` : ''}`, true);
      bytes += page.bytes;
      cont = /"continue":"([^"]*)"/.exec(page.body)?.[1] ?? '';
    } while (cont);
    return bytes;
  };
  const [pods, metrics] = await Promise.all([podPages(), request('/apis/metrics.k8s.io/v1beta1/pods', true)]);
  return JSON.stringify({ podBytes: pods, metricsBytes: metrics.bytes });
}

const forms = { pod: () => podForm(names[0], names[1]), node: () => nodeForm(names[0]), list: listForm };
if (!Object.hasOwn(forms, form ?? '')) throw new Error('the fourth argument is pod, node or list');
console.log(await forms[form]());
agent.destroy();
