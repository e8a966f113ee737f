import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { canonicalJson, compile } from '@qiao/flow';
import { nodeTypeRegistry } from '@qiao/connectors';
import { createTestDatabase, type Prisma, type TestDatabase } from '@qiao/db';
import { acceptEvent, createRedis, createSecretBox, createStepQueue, silentLogger, stepJobId, type Logger, type StepQueue } from '@qiao/runtime';
import { EagerThread } from './eager-thread';

// The server's executor thread, started from its TypeScript source as main.ts does under tsx.
const entry = new URL('./thread-source.mjs', import.meta.url);
const received: string[] = [];
let sink: http.Server;
let sinkUrl = '';
let db: TestDatabase;
let queue: StepQueue;
const key = randomBytes(32);
const prefix = `qiao_thread_${randomBytes(4).toString('hex')}`;
const redis = createRedis('redis://127.0.0.1:6379', 'producer');

const config = () => ({
  databaseUrl: db.url, databasePoolSize: 4, redisUrl: 'redis://127.0.0.1:6379', queuePrefix: prefix,
  secretKey: key.toString('hex'), leaseMarginMs: 500, capacity: 4, logLevel: 'silent',
});

beforeAll(async () => {
  sink = http.createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      received.push((JSON.parse(text) as { order: string }).order);
      setTimeout(() => res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}'), 100);
    });
  });
  await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));
  sinkUrl = `http://127.0.0.1:${(sink.address() as AddressInfo).port}`;
  db = await createTestDatabase('qiao_eager_thread');
  queue = createStepQueue(redis, prefix);
  const connectionId = (await db.prisma.connection.create({ data: { name: 'sink', connectorId: 'http', secret: createSecretBox(key).sealJson({ type: 'none' }) } })).id;
  const document = {
    schemaVersion: 1, name: 'thread', trigger: { eventType: 'thread.order' }, edges: [],
    nodes: [{ id: 'post', type: 'http.request', connectionId, position: { x: 0, y: 0 }, parameters: { method: 'POST', url: `${sinkUrl}/doc`, body: { $expr: '{ "order": event.data.orderNo }' } } }],
  };
  const result = compile(document, nodeTypeRegistry());
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  const flow = await db.prisma.flow.create({ data: { name: 'thread', draft: document as Prisma.InputJsonValue, status: 'published', triggerType: 'thread.order', publishedVersion: 1 } });
  await db.prisma.flowVersion.create({
    data: { flowId: flow.id, version: 1, definition: document as Prisma.InputJsonValue, plan: result.plan as unknown as Prisma.InputJsonValue, planHash: createHash('sha256').update(canonicalJson(result.plan)).digest('hex') },
  });
}, 60_000);

afterAll(async () => {
  await queue?.queue.obliterate({ force: true }).catch(() => undefined);
  await queue?.close();
  redis.disconnect();
  await new Promise((r) => sink.close(r));
  await db?.drop();
});

async function settled(runId: string) {
  for (let i = 0; i < 300; i += 1) {
    const run = await db.prisma.run.findUniqueOrThrow({ where: { id: runId }, include: { steps: true } });
    if (run.status === 'succeeded' || run.status === 'needs_attention') return run;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`run ${runId} did not finish`);
}

describe('EagerThread', () => {
  it('runs the steps the accept statement claimed in its own thread, counts slots on the accepting side, and closes after they finish', async () => {
    const thread = new EagerThread(entry, config(), silentLogger);
    const deps = { prisma: db.prisma, queue, logger: silentLogger, eager: { port: thread, leaseMarginMs: 500 } };
    const send = (orderNo: string) => acceptEvent(deps, { event: { specversion: '1.0', id: randomBytes(8).toString('hex'), source: '/test/thread', type: 'thread.order', data: { orderNo } } });
    try {
      // Capacity 4: the fifth event of a burst is not claimed and goes to the queue.
      const receipts = await Promise.all(['T-1', 'T-2', 'T-3', 'T-4', 'T-5'].map((o) => send(o)));
      const statuses = receipts.map((r) => r.receipt.runs[0]?.status);
      expect(statuses.filter((s) => s === 'running')).toHaveLength(4);
      expect(statuses.filter((s) => s === 'pending')).toHaveLength(1);
      const queued = receipts.find((r) => r.receipt.runs[0]?.status === 'pending')?.receipt.runs[0]?.id ?? '';
      expect(await queue.queue.getJob(stepJobId({ runId: queued, nodeId: 'post', attempt: 1 }))).toBeDefined();
      expect(thread.running).toBe(4);
      for (const r of receipts.filter((x) => x.receipt.runs[0]?.status === 'running')) {
        const run = await settled(r.receipt.runs[0]?.id ?? '');
        expect(run.status).toBe('succeeded');
        expect(run.steps.map((s) => s.attempt)).toEqual([1]);
      }
      for (let i = 0; i < 100 && thread.running > 0; i += 1) await new Promise((r) => setTimeout(r, 20));
      expect(thread.running).toBe(0);
      expect(received.filter((o) => o.startsWith('T-')).sort()).toHaveLength(4);
    } finally {
      await thread.close(5000);
    }
    expect(thread.reserve(1)).toBe(false);
  }, 60_000);

  it('starts a new thread when its thread dies, and frees the slots the dead one held', async () => {
    const errors: unknown[] = [];
    const logger = { ...silentLogger, error: vi.fn((obj: unknown) => errors.push(obj)) } as unknown as Logger;
    // A thread that dies at once, as one that crashed would.
    const dying = new URL('data:text/javascript,process.exit(3)');
    const thread = new EagerThread(dying, config(), logger);
    try {
      expect(thread.reserve(2)).toBe(true);
      for (let i = 0; i < 100 && errors.length < 2; i += 1) await new Promise((r) => setTimeout(r, 50));
      expect(errors.length).toBeGreaterThanOrEqual(2);
      expect(errors[0]).toMatchObject({ code: 3 });
      expect(thread.running).toBe(0);
    } finally {
      await thread.close(100);
    }
  }, 30_000);
});
