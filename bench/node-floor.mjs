// What Node itself needs for `memwhy node/<name> --no-reader`, with nothing of memwhy: the node, then its pods, its
// Summary, its kubelet configz and the two event lists at once, over Node's https with a keep-alive agent, each
// body parsed as JSON. bench/scale.ts times it beside the node view and `kubectl describe node`.
//   node bench/node-floor.mjs https://127.0.0.1:PORT TOKEN /path/ca.pem NODE
import { readFileSync } from 'node:fs';
import https from 'node:https';

const [server, token, caFile, node] = process.argv.slice(2);
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
const name = enc(node ?? '');
await get(`/api/v1/nodes/${name}`);
await Promise.all([
  get(`/api/v1/pods?fieldSelector=${enc(`spec.nodeName=${node}`)}&limit=500`),
  get(`/api/v1/nodes/${name}/proxy/stats/summary`),
  get(`/api/v1/nodes/${name}/proxy/configz`),
  get(
    `/api/v1/namespaces/default/events?fieldSelector=${enc(`involvedObject.kind=Node,involvedObject.name=${node}`)}&limit=500`,
  ),
  get('/api/v1/events?fieldSelector=reason%3DEvicted&limit=500'),
]);
console.log(node);
agent.destroy();
