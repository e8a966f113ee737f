// The baseline: a bare Fastify route that parses the JSON body and answers 202 with a small receipt,
// storing nothing. Run as its own process; prints its port.
import { randomUUID } from 'node:crypto';
import { createRequire } from 'node:module';

// Fastify is the server app's dependency; load the very same copy.
const require = createRequire(new URL('../../apps/server/package.json', import.meta.url));
const Fastify = require('fastify');

const app = Fastify({ logger: false, bodyLimit: 1024 * 1024 });
app.addContentTypeParser('application/cloudevents+json', { parseAs: 'string' }, (_req, body, done) => {
  try {
    done(null, JSON.parse(body));
  } catch (err) {
    done(err);
  }
});
app.post('/api/events', async (req, reply) => {
  const event = req.body;
  return reply.code(202).send({ duplicate: false, id: randomUUID(), source: event.source, eventId: event.id, type: event.type, receivedAt: new Date().toISOString(), runs: [] });
});
await app.listen({ host: '127.0.0.1', port: 0 });
console.log(`listening ${app.server.address().port}`);
process.on('SIGTERM', () => void app.close().then(() => process.exit(0)));
