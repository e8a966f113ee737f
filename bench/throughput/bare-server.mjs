// The ceiling: a bare Node HTTP handler that does the reference flow's map-and-POST in process and
// persists nothing. Run as its own process: node bare-server.mjs <sinkUrl>; prints its port.
import http from 'node:http';
import { mapOrder } from './mapping.mjs';

const sinkUrl = process.argv[2];
// Keep-alive node:http, as Qiao's connector kit uses: the ceiling should be the cheapest honest client.
const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
const postJson = (url, body) =>
  new Promise((resolve, reject) => {
    const req = http.request(url, { method: 'POST', agent, headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk) => (text += chunk));
      res.on('end', () => resolve({ ok: res.statusCode >= 200 && res.statusCode < 300, text }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', async () => {
    try {
      const order = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      const answer = await postJson(`${sinkUrl}/documents`, JSON.stringify(mapOrder(order)));
      res.writeHead(answer.ok ? 200 : 502, { 'content-type': 'application/json' }).end(answer.text);
    } catch (err) {
      res.writeHead(500).end(String(err));
    }
  });
});
server.listen(0, '127.0.0.1', () => console.log(`listening ${server.address().port}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
