import { createHash, randomBytes } from 'node:crypto';
import { connectAsync, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson, compile } from '@qiao/flow';
import { closePublishers, forgetSession, mqttAuthSchema, nodeTypeRegistry } from '@qiao/connectors';
import { createTestDatabase, type Prisma, type TestDatabase } from '@qiao/db';
import { acceptEvent } from '../accept-event';
import type { CloudEvent } from '../events/cloud-event';
import { silentLogger } from '../logger';
import { createStepQueue, type StepQueue } from '../queue';
import { createRedis } from '../redis';
import { createSecretBox } from '../secret-box';
import { startWorker, type RunningWorker } from '../start-worker';
import { MQTT_MESSAGE_TYPE } from './mqtt-event';
import { mqttClientId, startMqttHost, type MqttHost, type MqttHostOptions } from './mqtt-host';

// Real PostgreSQL, Redis and the Mosquitto of the machine; topics, client ids and Redis keys are unique to this run.
const BROKER = 'mqtt://127.0.0.1:1883';
const run = randomBytes(4).toString('hex');
const root = `qiao-test/${run}`;
const key = randomBytes(32);
const box = createSecretBox(key);
const prefix = `qiao_mqtt_${run}`;
const redis = createRedis('redis://127.0.0.1:6379', 'producer');
let db: TestDatabase;
let queue: StepQueue;
let publisher: MqttClient;
const hosts: MqttHost[] = [];
const sessions: { clientId: string }[] = [];

async function mqttConnection(name: string, subscriptions: string): Promise<string> {
  const credentials = mqttAuthSchema.parse({ brokerUrl: BROKER, clientIdPrefix: `q${run}`, subscriptions });
  const row = await db.prisma.connection.create({ data: { name, connectorId: 'mqtt', secret: box.sealJson(credentials) } });
  sessions.push({ clientId: mqttClientId(`q${run}`, row.id) });
  return row.id;
}

function host(extra: Partial<MqttHostOptions> = {}): MqttHost {
  const h = startMqttHost({ prisma: db.prisma, redis, prefix, box, queue, logger: silentLogger, pollIntervalMs: 200, lockTtlMs: 1500, minBackoffMs: 100, maxBackoffMs: 1000, ...extra });
  hosts.push(h);
  return h;
}

async function until<T>(what: string, probe: () => Promise<T | null | undefined | false>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const eventsOn = (topicPrefix: string) => db.prisma.event.findMany({ where: { type: MQTT_MESSAGE_TYPE, subject: { startsWith: topicPrefix } }, orderBy: { receivedAt: 'asc' } });
/** Until `n` events arrived on the prefix; then a little longer, to see that no more (duplicates) follow. */
async function exactly(topicPrefix: string, n: number) {
  await until(`${n} events on ${topicPrefix}`, async () => (await eventsOn(topicPrefix)).length >= n);
  await new Promise((r) => setTimeout(r, 800));
  return eventsOn(topicPrefix);
}
const subscribed = (h: MqttHost, id: string) => until(`a subscriber for ${id}`, async () => h.subscribed().includes(id));
/** The broker has our SUBSCRIBE once a probe message published now arrives. */
async function ready(topic: string) {
  const probe = JSON.stringify({ probe: randomBytes(4).toString('hex') });
  await until(`the subscription on ${topic}`, async () => {
    await publisher.publishAsync(topic, probe, { qos: 1 });
    return (await db.prisma.event.count({ where: { subject: topic } })) > 0;
  });
}

async function publishFlow(name: string, filter: string, nodes: unknown[]): Promise<string> {
  const document = { schemaVersion: 1, name, trigger: { eventType: MQTT_MESSAGE_TYPE, filter }, nodes, edges: [] };
  const result = compile(document, nodeTypeRegistry());
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  const flow = await db.prisma.flow.create({ data: { name, draft: document as Prisma.InputJsonValue, status: 'published', triggerType: MQTT_MESSAGE_TYPE, publishedVersion: 1 } });
  await db.prisma.flowVersion.create({
    data: { flowId: flow.id, version: 1, definition: document as Prisma.InputJsonValue, plan: result.plan as unknown as Prisma.InputJsonValue, planHash: createHash('sha256').update(canonicalJson(result.plan)).digest('hex') },
  });
  return flow.id;
}

beforeAll(async () => {
  db = await createTestDatabase('qiao_mqtt_test');
  queue = createStepQueue(redis, prefix);
  publisher = await connectAsync(BROKER, { clientId: `p${run}`, clean: true });
});

afterAll(async () => {
  for (const h of hosts) await h.close().catch(() => undefined);
  await publisher?.endAsync();
  await closePublishers();
  // Leave no persistent session behind in Mosquitto.
  for (const s of sessions) await forgetSession(mqttAuthSchema.parse({ brokerUrl: BROKER }), s.clientId).catch(() => undefined);
  await queue?.queue.obliterate({ force: true }).catch(() => undefined);
  await queue?.close();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
  redis.disconnect();
  await db?.drop();
});

describe('MQTT trigger', () => {
  it('a JSON message becomes one event and one run of the flow filtering on its topic; a bad payload is recorded as failed with the reason', async () => {
    const base = `${root}/flow`;
    const connectionId = await mqttConnection('meters', `${base}/+/energy 1`);
    const flowId = await publishFlow('forward readings', `$contains(event.subject, "${base}/") and $not($contains(event.subject, "probe"))`, [{
      id: 'forward', type: 'mqtt.publish', connectionId, position: { x: 0, y: 0 },
      parameters: { topic: `${base}-out/forwarded`, payload: { $expr: '{ "meter": event.data.meterId, "kwh": event.data.kwh, "topic": event.subject }' }, qos: 1 },
    }]);
    const worker: RunningWorker = await startWorker({
      prisma: db.prisma, redisUrl: 'redis://127.0.0.1:6379', prefix, secretKey: key.toString('hex'), concurrency: 4,
      sweepIntervalMs: 300, sweepGraceMs: 500, leaseMarginMs: 200, logger: silentLogger, compensationEveryMs: 0,
      mqtt: { pollIntervalMs: 200, lockTtlMs: 1500, minBackoffMs: 100 },
    });
    try {
      const reader = await connectAsync(BROKER, { clientId: `r${run}`, clean: true });
      await reader.subscribeAsync(`${base}-out/forwarded`, { qos: 1 });
      const forwarded = new Promise<unknown>((resolve) => reader.on('message', (_t, payload) => resolve(JSON.parse(payload.toString()))));
      await ready(`${base}/probe/energy`);

      await publisher.publishAsync(`${base}/M-7/energy`, JSON.stringify({ meterId: 'M-7', kwh: 1234.5 }), { qos: 1 });
      const run1 = await until('the run', () => db.prisma.run.findFirst({ where: { flowId, event: { subject: `${base}/M-7/energy` }, status: 'succeeded' }, include: { event: true } }));
      expect(run1.event).toMatchObject({ type: MQTT_MESSAGE_TYPE, subject: `${base}/M-7/energy`, source: `mqtt://127.0.0.1:1883/${connectionId}`, data: { meterId: 'M-7', kwh: 1234.5 } });
      expect(await forwarded).toEqual({ meter: 'M-7', kwh: 1234.5, topic: `${base}/M-7/energy` });
      await reader.endAsync();

      await publisher.publishAsync(`${base}/M-8/energy`, 'kwh=12.5;kw=3', { qos: 1 });
      const failed = await until('the failed run', () => db.prisma.run.findFirst({ where: { flowId, event: { subject: `${base}/M-8/energy` } }, include: { event: true } }));
      expect(failed.status).toBe('needs_attention');
      expect(failed.error).toMatchObject({ code: 'bad_payload', message: expect.stringContaining('not JSON') });
      expect(failed.event.data).toEqual({ base64: Buffer.from('kwh=12.5;kw=3').toString('base64') });
      expect(failed.event.extensions).toMatchObject({ payloaderror: expect.stringContaining('kwh=12.5;kw=3') });
      // The messages marked the connection used (the connections page shows it).
      expect((await db.prisma.connection.findUniqueOrThrow({ where: { id: connectionId } })).lastUsedAt).not.toBeNull();
    } finally {
      await worker.close();
    }
  });

  it('persistent session: QoS 1 messages published while the subscriber is stopped arrive once it is back, each exactly once', async () => {
    const base = `${root}/session`;
    const connectionId = await mqttConnection('session', `${base}/# 1`);
    const first = host();
    await subscribed(first, connectionId);
    await ready(`${base}/probe`);
    await first.close();

    for (let i = 1; i <= 5; i += 1) await publisher.publishAsync(`${base}/m/${i}`, JSON.stringify({ seq: i }), { qos: 1 });
    const second = host();
    const events = await exactly(`${base}/m/`, 5);
    // Committed concurrently, so compare as a set: each exactly once.
    expect(events.map((e) => (e.data as { seq: number }).seq).sort()).toEqual([1, 2, 3, 4, 5]);
    await second.close();
  });

  it('with two workers one subscribes; when it dies the other takes over after the lock expires and gets what was queued meanwhile', async () => {
    const base = `${root}/leader`;
    const connectionId = await mqttConnection('leader', `${base}/# 1`);
    const a = host();
    const b = host();
    const leader = await until('a leader', async () => [a, b].find((h) => h.subscribed().includes(connectionId)));
    const standby = leader === a ? b : a;
    await new Promise((r) => setTimeout(r, 600));
    expect(standby.subscribed()).not.toContain(connectionId);
    await ready(`${base}/probe`);

    leader.abandon(); // as a crash: no lock release, no unsubscribe, the socket simply drops
    for (let i = 1; i <= 3; i += 1) await publisher.publishAsync(`${base}/m/${i}`, JSON.stringify({ seq: i }), { qos: 1 });
    await subscribed(standby, connectionId);
    const events = await exactly(`${base}/m/`, 3);
    expect(events.map((e) => (e.data as { seq: number }).seq).sort()).toEqual([1, 2, 3]);
    await standby.close();
  });

  it('acknowledges only after the commit: while the database fails the message stays with the broker and arrives once later', async () => {
    const base = `${root}/ack`;
    const connectionId = await mqttConnection('ack', `${base}/# 1`);
    let failuresLeft = 0;
    let calls = 0;
    let committedThenLost = 0;
    const h = host({
      accept: async (event: CloudEvent) => {
        calls += 1;
        if (failuresLeft > 0) {
          failuresLeft -= 1;
          throw new Error('connect ECONNREFUSED 127.0.0.1:5432 (database down)');
        }
        const result = await acceptEvent({ prisma: db.prisma, queue, logger: silentLogger }, { event });
        // Once: committed, but the process "dies" before the PUBACK; the broker must redeliver and we must dedupe.
        if (committedThenLost > 0 && event.subject === `${base}/lost`) {
          committedThenLost -= 1;
          throw new Error('lost after commit');
        }
        return result;
      },
    });
    await subscribed(h, connectionId);
    await ready(`${base}/probe`);

    failuresLeft = 5; // more than the in-place retries: the subscriber reconnects and the broker delivers again
    calls = 0;
    await publisher.publishAsync(`${base}/down`, JSON.stringify({ kwh: 1 }), { qos: 1 });
    const down = await exactly(`${base}/down`, 1);
    expect(down).toHaveLength(1);
    expect(calls).toBeGreaterThanOrEqual(6);

    committedThenLost = 3;
    await publisher.publishAsync(`${base}/lost`, JSON.stringify({ kwh: 2 }), { qos: 1 });
    await until('the redeliveries', async () => committedThenLost === 0);
    const lost = await exactly(`${base}/lost`, 1);
    expect(lost).toHaveLength(1);
    await h.close();
  });

  it('sends no PUBACK before the commit: a worker that dies while committing leaves the message to the next one', async () => {
    const base = `${root}/crash`;
    const connectionId = await mqttConnection('crash', `${base}/# 1`);
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let seen = 0;
    const dying = host({
      accept: async (event: CloudEvent) => {
        if (event.subject === `${base}/slow`) {
          seen += 1;
          await gate; // the commit never finishes in this worker
        }
        return acceptEvent({ prisma: db.prisma, queue, logger: silentLogger }, { event });
      },
    });
    await subscribed(dying, connectionId);
    await ready(`${base}/probe`);
    // Later messages are committed and acknowledged meanwhile: the stuck one must not hold them up.
    await publisher.publishAsync(`${base}/slow`, JSON.stringify({ kwh: 3 }), { qos: 1 });
    await until('the message in hand', async () => seen > 0);
    await publisher.publishAsync(`${base}/fast`, JSON.stringify({ kwh: 4 }), { qos: 1 });
    await exactly(`${base}/fast`, 1);
    dying.abandon();

    const next = host();
    const events = await exactly(`${base}/slow`, 1);
    expect(events).toHaveLength(1);
    expect(await db.prisma.event.count({ where: { subject: `${base}/fast` } })).toBe(1);
    release();
    await next.close();
  });

  it('records a retained message once, although the broker replays it on every subscribe', async () => {
    const base = `${root}/retained`;
    await publisher.publishAsync(`${base}/state`, JSON.stringify({ line: 'L1', running: true }), { qos: 1, retain: true });
    const connectionId = await mqttConnection('retained', `${base}/# 1`);
    const first = host();
    await subscribed(first, connectionId);
    await exactly(`${base}/state`, 1);
    await first.close();
    const second = host(); // subscribes again: the broker sends the retained message again
    await subscribed(second, connectionId);
    await ready(`${base}/probe`);
    expect(await eventsOn(`${base}/state`)).toHaveLength(1);
    await second.close();
    await publisher.publishAsync(`${base}/state`, '', { qos: 1, retain: true }); // clear it from the broker
  });

  it('picks up an edited subscription list and a deleted connection without a restart', async () => {
    const base = `${root}/edit`;
    const connectionId = await mqttConnection('edit', `${base}/a/# 1`);
    const h = host();
    await subscribed(h, connectionId);
    await ready(`${base}/a/probe`);
    await db.prisma.connection.update({ where: { id: connectionId }, data: { secret: box.sealJson(mqttAuthSchema.parse({ brokerUrl: BROKER, clientIdPrefix: `q${run}`, subscriptions: `${base}/b/# 1` })) } });
    await ready(`${base}/b/probe`);
    await publisher.publishAsync(`${base}/a/after`, JSON.stringify({ x: 1 }), { qos: 1 });
    await new Promise((r) => setTimeout(r, 800));
    expect(await db.prisma.event.count({ where: { subject: `${base}/a/after` } })).toBe(0);

    await db.prisma.connection.delete({ where: { id: connectionId } });
    await until('the subscriber to stop', async () => !h.subscribed().includes(connectionId));
    await h.close();
  });
});
