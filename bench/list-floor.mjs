// The least an overview must read, with nothing else: every page of the pod list (limit=500 and the continue
// token, as kubectl pages) and the PodMetrics list, at the same time, over Node's https with a keep-alive agent;
// the bodies are read and dropped, never parsed. What this takes is the server's and the wire's share of
// `memwhy -A` (bench/scale.ts runs it against the same test cluster as a floor).
//   MEMWHY_FLOOR_SERVER=https://127.0.0.1:PORT MEMWHY_FLOOR_TOKEN=… MEMWHY_FLOOR_CA=/path/ca.pem node bench/list-floor.mjs
import { readFileSync } from 'node:fs';
import https from 'node:https';

const server = new URL(process.env.MEMWHY_FLOOR_SERVER ?? '');
const agent = new https.Agent({ keepAlive: true, ca: readFileSync(process.env.MEMWHY_FLOOR_CA ?? '') });
const headers = { authorization: `Bearer ${process.env.MEMWHY_FLOOR_TOKEN}`, accept: 'application/json' };

/** GET → the body's first 512 bytes (where a list's metadata.continue is) and its length. */
function get(path) {
  return new Promise((resolve, reject) => {
    const req = https.get({ host: server.hostname, port: server.port, path, agent, headers }, (res) => {
      if (res.statusCode !== 200) reject(new Error(`GET ${path}: HTTP ${res.statusCode}`));
      let head = '';
      let bytes = 0;
      res.on('data', (chunk) => {
        if (head.length < 512) head += chunk.subarray(0, 512).toString('latin1');
        bytes += chunk.length;
      });
      res.on('end', () => resolve({ head, bytes }));
      res.on('error', reject);
    });
    req.on('error', reject);
  });
}

async function podPages() {
  let cont = '';
  let bytes = 0;
  do {
    const page = await get(`/api/v1/pods?limit=500${cont ? `&continue=${encodeURIComponent(cont)}` : ''}`);
    bytes += page.bytes;
    cont = /"continue":"([^"]*)"/.exec(page.head)?.[1] ?? '';
  } while (cont);
  return bytes;
}

const [pods, metrics] = await Promise.all([podPages(), get('/apis/metrics.k8s.io/v1beta1/pods')]);
console.log(JSON.stringify({ podBytes: pods, metricsBytes: metrics.bytes }));
agent.destroy();
