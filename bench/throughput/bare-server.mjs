// The ceiling: a bare Node HTTP handler that does the reference flow's map-and-POST in process and
// persists nothing. Run as its own process: node bare-server.mjs <sinkUrl>; prints its port.
import http from 'node:http';
import { mapOrder } from './mapping.mjs';

const sinkUrl = process.argv[2];
const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', async () => {
    try {
      const order = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      const answer = await fetch(`${sinkUrl}/documents`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(mapOrder(order)) });
      const text = await answer.text();
      res.writeHead(answer.ok ? 200 : 502, { 'content-type': 'application/json' }).end(text);
    } catch (err) {
      res.writeHead(500).end(String(err));
    }
  });
});
server.listen(0, '127.0.0.1', () => console.log(`listening ${server.address().port}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
