import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { handleStreamFrame, type StreamAccept } from '@qiao/connectors/dingtalk-stream';
import { createMemoryLogger } from '@qiao/connectors/testing';
import { createTestDatabase, type TestDatabase } from '@qiao/db';
import { createRedis, createSecretBox, createStepQueue, silentLogger, type StepQueue } from '@qiao/runtime';
import { startStreamSubscribers, type StreamSubscribers } from './stream-subscribers';

// Stream-mode subscribers with a stand-in client (DingTalk's stream gateway is unreachable from
// here): which connections get one, and that an event is in PostgreSQL before it is acknowledged.

const box = createSecretBox(randomBytes(32));
const prefix = `qiao_dts_${randomBytes(4).toString('hex')}`;
const redis = createRedis('redis://127.0.0.1:6379', 'producer');
let db: TestDatabase;
let queue: StepQueue;
let subscribers: StreamSubscribers;
const accepts = new Map<string, StreamAccept>();
const disconnected: string[] = [];

beforeAll(async () => {
  db = await createTestDatabase('qiao_dtstream_test');
  queue = createStepQueue(redis, prefix);
});

afterAll(async () => {
  subscribers.close();
  await queue.queue.obliterate({ force: true }).catch(() => undefined);
  await queue.close();
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
  await db.drop();
});

it('subscribes stream-mode app connections only, and commits each event before acking it', async () => {
  const make = async (name: string, credentials: Record<string, unknown>) => (await db.prisma.connection.create({ data: { name, connectorId: 'dingtalk', secret: box.sealJson(credentials) } })).id;
  const stream = await make('stream', { kind: 'app', appKey: 'k1', appSecret: 's1', mode: 'stream' });
  await make('push', { kind: 'app', appKey: 'k2', appSecret: 's2' });
  await make('robot', { kind: 'robot', accessToken: 't' });
  subscribers = await startStreamSubscribers({
    prisma: db.prisma, box, queue, logger: silentLogger, refreshMs: 3_600_000,
    createClient: ({ connectionId, accept }) => {
      accepts.set(connectionId, accept);
      return { connect: async () => undefined, disconnect: () => void disconnected.push(connectionId) };
    },
  });
  expect(subscribers.active()).toEqual([stream]);
  const accept = accepts.get(stream);
  if (!accept) throw new Error('no subscriber');

  const frame = { specVersion: '1.0', type: 'EVENT', headers: { appId: 'a', connectionId: 'x', contentType: 'application/json', messageId: 'm1', time: '0', topic: '*', eventType: 'bpms_task_change', eventId: 'ev-42' }, data: '{"processInstanceId":"PI-42","type":"finish"}' };
  let rowsWhenAcked = -1;
  const ack = await handleStreamFrame(frame, { connectionId: stream, logger: createMemoryLogger(), accept: async (event) => {
    await accept(event);
    rowsWhenAcked = await db.prisma.event.count({ where: { eventId: 'ev-42' } });
  } });
  expect(ack).toEqual({ status: 'SUCCESS' });
  expect(rowsWhenAcked).toBe(1);
  // DingTalk redelivers (no ack seen): deduplicated.
  expect(await handleStreamFrame(frame, { connectionId: stream, logger: createMemoryLogger(), accept })).toEqual({ status: 'SUCCESS' });
  expect(await db.prisma.event.findMany({ where: { eventId: 'ev-42' }, select: { type: true, source: true, subject: true } }))
    .toEqual([{ type: 'com.qiao.dingtalk.bpms_task_change', source: `urn:qiao:dingtalk:${stream}`, subject: 'PI-42' }]);

  // An event that can never be stored (text with NUL is refused by the event schema) is acknowledged and
  // logged, not sent back with LATER: DingTalk would redeliver it forever.
  const logger = createMemoryLogger();
  const poison = { ...frame, headers: { ...frame.headers, messageId: 'm2', eventId: 'ev-nul' }, data: '{"processInstanceId":"PI-43","remark":"a\\u0000b"}' };
  expect(await handleStreamFrame(poison, { connectionId: stream, logger, accept })).toMatchObject({ status: 'SUCCESS' });
  expect(await db.prisma.event.count({ where: { eventId: 'ev-nul' } })).toBe(0);

  // Switching the connection to HTTP push stops its subscriber.
  await db.prisma.connection.update({ where: { id: stream }, data: { secret: box.sealJson({ kind: 'app', appKey: 'k1', appSecret: 's1', mode: 'http' }) } });
  await subscribers.refresh();
  expect(subscribers.active()).toEqual([]);
  expect(disconnected).toEqual([stream]);
});
