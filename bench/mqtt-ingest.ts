/**
 * bench/mqtt-ingest: how fast the MQTT trigger turns QoS 1 meter readings into committed events.
 * Publishes N simulated readings to the broker while one MQTT trigger host (as in a worker)
 * subscribes, and measures committed events/s — next to a baseline that calls acceptEvent for the
 * same events in a plain loop (the database's share), in the same run.
 *
 *   pnpm exec tsx bench/mqtt-ingest.ts [--messages 5000] [--url mqtt://127.0.0.1:1883]
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { connectAsync } from 'mqtt';
import { createTestDatabase } from '@qiao/db';
import { acceptEvent, createRedis, createSecretBox, createStepQueue, mqttClientId, silentLogger, startMqttHost } from '@qiao/runtime';
import { createFleet } from './meters/meter';
import { seededRandom } from './meters/random';
import { fmt } from './stats';

const { values } = parseArgs({ options: { messages: { type: 'string', default: '5000' }, url: { type: 'string', default: 'mqtt://127.0.0.1:1883' } } });
const N = Number(values.messages);
const url = values.url;
const run = randomBytes(4).toString('hex');
const db = await createTestDatabase('qiao_bench_mqtt');
const redis = createRedis('redis://127.0.0.1:6379', 'producer');
const prefix = `qiao_bench_${run}`;
const queue = createStepQueue(redis, prefix);
const box = createSecretBox(randomBytes(32));
const fleet = createFleet(500, seededRandom(1));
const reading = (i: number) => {
  const meter = fleet[i % fleet.length];
  if (!meter) throw new Error('empty fleet');
  return meter.read(Date.now());
};

try {
  // Baseline: acceptEvent straight from a loop, one event at a time (what the trigger does per message).
  const baseStart = performance.now();
  for (let i = 0; i < N; i += 1) {
    const r = reading(i);
    await acceptEvent({ prisma: db.prisma, queue, logger: silentLogger }, { event: { specversion: '1.0', id: `base-${i}`, source: '/bench', type: 'bench.reading', subject: `plant/b/meter/${r.meterId}/energy`, data: r } });
  }
  const baseSeconds = (performance.now() - baseStart) / 1000;
  console.log(`baseline done in ${fmt(baseSeconds, 1)} s`);

  const topic = `qiao-bench/${run}/meter`;
  const credentials = { brokerUrl: url, clientIdPrefix: `b${run}`, subscriptions: `${topic}/+/energy 1` };
  const connection = await db.prisma.connection.create({ data: { name: 'bench meters', connectorId: 'mqtt', secret: box.sealJson(credentials) } });
  const host = startMqttHost({ prisma: db.prisma, redis, prefix, box, queue, logger: silentLogger, pollIntervalMs: 200 });
  while (!host.subscribed().includes(connection.id)) await new Promise((r) => setTimeout(r, 50));
  await new Promise((r) => setTimeout(r, 500));

  const publisher = await connectAsync(url, { clientId: `bp${run}`, clean: true });
  // Keep at most WINDOW readings between broker and database: Mosquitto queues 1000 messages per client by
  // default (max_queued_messages) and drops QoS 1 messages beyond that, so a flood would measure the broker's limit.
  const WINDOW = 800;
  const committed = () => db.prisma.event.count({ where: { type: 'com.qiao.mqtt.message' } });
  const start = performance.now();
  for (let i = 0; i < N; i += 1) {
    if (i % 100 === 0) {
      while (i - (await committed()) > WINDOW) await new Promise((r) => setTimeout(r, 20));
    }
    const r = reading(i);
    await publisher.publishAsync(`${topic}/${r.meterId}/energy`, JSON.stringify(r), { qos: 1 });
  }
  const published = (performance.now() - start) / 1000;
  while ((await committed()) < N) await new Promise((r) => setTimeout(r, 50));
  const seconds = (performance.now() - start) / 1000;
  await publisher.endAsync();
  await host.close();
  // End the persistent session the host left on the broker.
  await (await connectAsync(url, { clientId: mqttClientId(`b${run}`, connection.id), clean: true })).endAsync();

  console.log(`MQTT trigger ingest, ${N} QoS 1 readings (one trigger host, ack after commit):`);
  console.log(`  baseline  acceptEvent in a loop     ${fmt(N / baseSeconds, 0)} events/s`);
  console.log(`  mqtt      broker → committed events  ${fmt(N / seconds, 0)} events/s  (all published in ${fmt(published, 2)} s)`);
} finally {
  await queue.queue.obliterate({ force: true }).catch(() => undefined);
  await queue.close();
  redis.disconnect();
  await db.drop();
}
