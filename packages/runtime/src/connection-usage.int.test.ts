import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson, compile } from '@qiao/flow';
import { nodeTypeRegistry } from '@qiao/connectors';
import { createTestDatabase, type Prisma, type TestDatabase } from '@qiao/db';
import { acceptEvent } from './accept-event';
import { markConnectionUsed } from './connection-usage';
import { silentLogger } from './logger';
import { createStepQueue, type StepQueue } from './queue';
import { createRedis } from './redis';
import { createSecretBox } from './secret-box';
import { startWorker, type RunningWorker } from './start-worker';

const key = randomBytes(32);
const prefix = `qiao_usage_${randomBytes(4).toString('hex')}`;
const redis = createRedis('redis://127.0.0.1:6379', 'producer');
let db: TestDatabase;
let queue: StepQueue;
let worker: RunningWorker;
let sink: http.Server;
let sinkUrl = '';

beforeAll(async () => {
  sink = http.createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      if (req.url?.startsWith('/bad')) res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"customer unknown"}');
      else res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
  });
  await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));
  sinkUrl = `http://127.0.0.1:${(sink.address() as AddressInfo).port}`;
  db = await createTestDatabase('qiao_usage_test');
  queue = createStepQueue(redis, prefix);
  worker = await startWorker({ prisma: db.prisma, redisUrl: 'redis://127.0.0.1:6379', prefix, secretKey: key.toString('hex'), concurrency: 4, sweepIntervalMs: 300, sweepGraceMs: 500, leaseMarginMs: 200, logger: silentLogger, compensationEveryMs: 0 });
});

afterAll(async () => {
  await worker?.close();
  await queue?.queue.obliterate({ force: true }).catch(() => undefined);
  await queue?.close();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
  redis.disconnect();
  await new Promise((r) => sink.close(r));
  await db?.drop();
});

async function flow(type: string, connectionId: string, path: string) {
  const document = { schemaVersion: 1, name: type, trigger: { eventType: type }, nodes: [{ id: 'call', type: 'http.request', connectionId, position: { x: 0, y: 0 }, retry: { maxAttempts: 1 }, parameters: { method: 'POST', url: `${sinkUrl}${path}`, body: { a: 1 } } }], edges: [] };
  const result = compile(document, nodeTypeRegistry());
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  const row = await db.prisma.flow.create({ data: { name: type, draft: document as Prisma.InputJsonValue, status: 'published', triggerType: type, publishedVersion: 1 } });
  await db.prisma.flowVersion.create({ data: { flowId: row.id, version: 1, definition: document as Prisma.InputJsonValue, plan: result.plan as unknown as Prisma.InputJsonValue, planHash: createHash('sha256').update(canonicalJson(result.plan)).digest('hex') } });
}

async function until<T>(probe: () => Promise<T | null | undefined | false>): Promise<T> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const value = await probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('connection use by steps', () => {
  it('a step marks its connection used; a failed attempt joins its recent errors with run, node and message', async () => {
    const good = await db.prisma.connection.create({ data: { name: 'good', connectorId: 'http', secret: createSecretBox(key).sealJson({ type: 'none' }) } });
    const bad = await db.prisma.connection.create({ data: { name: 'bad', connectorId: 'http', secret: createSecretBox(key).sealJson({ type: 'none' }) } });
    await flow('usage.ok', good.id, '/ok');
    await flow('usage.bad', bad.id, '/bad');
    const ok = await acceptEvent({ prisma: db.prisma, queue, logger: silentLogger }, { event: { specversion: '1.0', id: 'e1', source: '/t', type: 'usage.ok', data: {} } });
    const ko = await acceptEvent({ prisma: db.prisma, queue, logger: silentLogger }, { event: { specversion: '1.0', id: 'e2', source: '/t', type: 'usage.bad', data: {} } });

    await until(async () => (await db.prisma.connection.findUniqueOrThrow({ where: { id: good.id } })).lastUsedAt);
    expect(await db.prisma.connectionError.count({ where: { connectionId: good.id } })).toBe(0);
    const error = await until(() => db.prisma.connectionError.findFirst({ where: { connectionId: bad.id } }));
    expect(error).toMatchObject({ source: 'step', runId: ko.receipt.runs[0]?.id, nodeId: 'call', attempt: 1, code: 'http_400', message: expect.stringContaining('customer unknown') });
    const row = await db.prisma.connection.findUniqueOrThrow({ where: { id: bad.id } });
    expect(row.lastUsedAt).not.toBeNull();
    expect(row.lastError).toContain('customer unknown');
    expect(ok.receipt.runs).toHaveLength(1);
  });

  it('writes last used at most once per interval per connection and process', async () => {
    const c = await db.prisma.connection.create({ data: { name: 'throttled', connectorId: 'http', secret: createSecretBox(key).sealJson({ type: 'none' }) } });
    const t0 = Date.parse('2026-11-27T08:00:00Z');
    expect(await markConnectionUsed(db.prisma, c.id, t0)).toBe(true);
    expect(await markConnectionUsed(db.prisma, c.id, t0 + 10_000)).toBe(false);
    expect((await db.prisma.connection.findUniqueOrThrow({ where: { id: c.id } })).lastUsedAt?.getTime()).toBe(t0);
    expect(await markConnectionUsed(db.prisma, c.id, t0 + 31_000)).toBe(true);
    expect((await db.prisma.connection.findUniqueOrThrow({ where: { id: c.id } })).lastUsedAt?.getTime()).toBe(t0 + 31_000);
  });
});
