import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson, compile } from '@qiao/flow';
import { nodeTypeRegistry } from '@qiao/connectors';
import { createTestDatabase, type Prisma, type TestDatabase } from '@qiao/db';
import { acceptEvent } from './accept-event';
import { compensate } from './compensation';
import { cancelRun, retryStep, skipStep } from './interventions';
import { PlanCache } from './plan-cache';
import { silentLogger } from './logger';
import { createStepQueue, type StepQueue } from './queue';
import { createRedis } from './redis';
import { createSecretBox } from './secret-box';
import { startWorker, type RunningWorker } from './start-worker';

/** A local HTTP sink that records what it received and answers per path. */
interface Received {
  at: number;
  path: string;
  key: string | undefined;
  body: unknown;
}
const received: Received[] = [];
const flakyFailures = new Map<string, number>();
let slowInFlight = 0;
let slowMaxInFlight = 0;
let sink: http.Server;
let sinkUrl = '';

let db: TestDatabase;
let queue: StepQueue;
let worker: RunningWorker | null = null;
let connectionId = '';
const key = randomBytes(32);
const prefix = `qiao_rt_${randomBytes(4).toString('hex')}`;
const redis = createRedis('redis://127.0.0.1:6379', 'producer');

async function start(): Promise<RunningWorker> {
  return startWorker({
    prisma: db.prisma, redisUrl: 'redis://127.0.0.1:6379', prefix, secretKey: key.toString('hex'), concurrency: 8,
    sweepIntervalMs: 300, sweepGraceMs: 500, leaseMarginMs: 200, logger: silentLogger,
  });
}

async function publish(eventType: string, nodes: unknown[], edges: unknown[] = [], options: { filter?: string; settings?: Prisma.InputJsonValue; valueMaps?: unknown[] } = {}): Promise<void> {
  const { filter, settings = {}, valueMaps } = options;
  const document = { schemaVersion: 1, name: eventType, trigger: { eventType, ...(filter ? { filter } : {}) }, nodes, edges, ...(valueMaps ? { valueMaps } : {}) };
  const result = compile(document, nodeTypeRegistry());
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  const flow = await db.prisma.flow.create({ data: { name: eventType, draft: document as Prisma.InputJsonValue, status: 'published', triggerType: eventType, publishedVersion: 1, settings } });
  await db.prisma.flowVersion.create({
    data: { flowId: flow.id, version: 1, definition: document as Prisma.InputJsonValue, plan: result.plan as unknown as Prisma.InputJsonValue, planHash: createHash('sha256').update(canonicalJson(result.plan)).digest('hex') },
  });
}

let limitedConnectionId = '';
const httpNode = (id: string, path: string, extra: Record<string, unknown> = {}) => ({
  id, type: 'http.request', connectionId, position: { x: 0, y: 0 },
  retry: { maxAttempts: 4, initialDelayMs: 50, maxDelayMs: 200, multiplier: 2 },
  parameters: { method: 'POST', url: `${sinkUrl}${path}`, body: { $expr: '{ "order": event.data.orderNo, "amount": event.data.amount }' } },
  ...extra,
});

async function send(type: string, data: Record<string, unknown>) {
  return acceptEvent({ prisma: db.prisma, queue, logger: silentLogger }, { event: { specversion: '1.0', id: randomBytes(8).toString('hex'), source: '/test', type, data } });
}

async function settled(runId: string, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = await db.prisma.run.findUniqueOrThrow({ where: { id: runId }, include: { steps: { include: { attempts: true } } } });
    if (run.status === 'succeeded' || run.status === 'needs_attention') return run;
    if (Date.now() > deadline) throw new Error(`run ${runId} still ${run.status}: ${JSON.stringify(run.steps.map((s) => [s.nodeId, s.status, s.attempt]))}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

beforeAll(async () => {
  sink = http.createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      const path = req.url ?? '';
      const body = text ? (JSON.parse(text) as { order?: string; amount?: number }) : null;
      received.push({ at: Date.now(), path, key: req.headers['idempotency-key'] as string | undefined, body });
      const failuresLeft = flakyFailures.get(body?.order ?? '') ?? 0;
      if (path.startsWith('/slow')) {
        slowInFlight += 1;
        slowMaxInFlight = Math.max(slowMaxInFlight, slowInFlight);
        setTimeout(() => {
          slowInFlight -= 1;
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, ...body }));
        }, 150);
      } else if (path.startsWith('/flaky') && failuresLeft > 0) {
        flakyFailures.set(body?.order ?? '', failuresLeft - 1);
        res.writeHead(503).end('busy');
      } else if (path.startsWith('/bad')) {
        res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'customer unknown' }));
      } else {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, ...body }));
      }
    });
  });
  await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));
  sinkUrl = `http://127.0.0.1:${(sink.address() as AddressInfo).port}`;
  db = await createTestDatabase('qiao_runtime_test');
  queue = createStepQueue(redis, prefix);
  const conn = await db.prisma.connection.create({ data: { name: 'sink', connectorId: 'http', secret: createSecretBox(key).sealJson({ type: 'none' }) } });
  connectionId = conn.id;
  const limited = await db.prisma.connection.create({ data: { name: 'limited sink', connectorId: 'http', secret: createSecretBox(key).sealJson({ type: 'none' }), settings: { rateLimitPerSecond: 4 } } });
  limitedConnectionId = limited.id;
  await publish('t.branch', [httpNode('post', '/ok'), httpNode('big', '/big'), httpNode('small', '/small')], [
    { id: 'yes', source: 'post', target: 'big', condition: 'steps.post.body.amount > 100' },
    { id: 'no', source: 'post', target: 'small', condition: 'steps.post.body.amount <= 100' },
  ]);
  await publish('t.flaky', [httpNode('call', '/flaky')]);
  await publish('t.filtered', [httpNode('call', '/ok')], [], { filter: 'event.data.amount > 10' });
  await publish('t.concurrent', [httpNode('call', '/slow')], [], { settings: { maxConcurrency: 2 } });
  await publish('t.limited', [httpNode('call', '/limited', { connectionId: limitedConnectionId })]);
  await publish('t.skip', [httpNode('post', '/bad'), httpNode('big', '/big'), httpNode('small', '/small')], [
    { id: 'yes', source: 'post', target: 'big', condition: 'steps.post.body.amount > 100' },
    { id: 'no', source: 'post', target: 'small', condition: 'steps.post.body.amount <= 100' },
  ]);
  await publish('t.bad', [httpNode('call', '/bad')]);
  const customerMap = { name: 'customers', entries: [{ key: 'CRM-7', value: 'ERP-0007' }] };
  await publish(
    't.mapped',
    [httpNode('call', '/ok', { parameters: { method: 'POST', url: `${sinkUrl}/ok`, body: { $expr: `{ "order": event.data.orderNo, "customer": $valueMap('customers', event.data.customer) }` } } }), httpNode('after', '/after')],
    [{ id: 'mapped', source: 'call', target: 'after', condition: `steps.call.body.customer = $valueMap('customers', 'CRM-7')` }],
    { valueMaps: [customerMap], filter: `$valueMap('customers', event.data.customer, '') != ''` },
  );
  await publish('t.hostile', [httpNode('call', '/ok', { parameters: { method: 'POST', url: `${sinkUrl}/ok`, body: { $expr: '($f := function($x){ $f($x) + 1 }; $f(1))' } } })]);
  worker = await start();
});

afterAll(async () => {
  await worker?.close();
  await queue?.queue.obliterate({ force: true }).catch(() => undefined);
  await queue?.close();
  // Leave nothing of this test's prefix in the shared Redis (the compensation scheduler keeps keys of its own).
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
  redis.disconnect();
  await db?.drop();
  sink?.close();
});

describe('durable runs', () => {
  it('follows the edge whose condition holds, skips the other, and sends each call with its stable idempotency key', async () => {
    const { receipt } = await send('t.branch', { orderNo: 'B-1', amount: 150 });
    const runId = receipt.runs[0]?.id ?? '';
    const run = await settled(runId);
    expect(run.status).toBe('succeeded');
    expect(Object.fromEntries(run.steps.map((s) => [s.nodeId, s.status]))).toEqual({ post: 'succeeded', big: 'succeeded', small: 'skipped' });
    const calls = received.filter((r) => (r.body as { order?: string } | null)?.order === 'B-1');
    expect(calls.map((c) => [c.path, c.key])).toEqual([['/ok', `"${runId}:post"`], ['/big', `"${runId}:big"`]]);
  });

  it('starts a run only when the trigger filter holds, but records every event', async () => {
    const small = await send('t.filtered', { orderNo: 'TF-1', amount: 5 });
    const large = await send('t.filtered', { orderNo: 'TF-2', amount: 50 });
    expect(small.receipt.runs).toEqual([]);
    expect(large.receipt.runs).toHaveLength(1);
    expect((await settled(large.receipt.runs[0]?.id ?? '')).status).toBe('succeeded');
    expect(await db.prisma.event.count({ where: { type: 't.filtered' } })).toBe(2);
  });

  it('retries a 503 with backoff, keeping the idempotency key, and records every attempt', async () => {
    flakyFailures.set('F-1', 2);
    const { receipt } = await send('t.flaky', { orderNo: 'F-1', amount: 5 });
    const run = await settled(receipt.runs[0]?.id ?? '');
    expect(run.status).toBe('succeeded');
    const step = run.steps[0];
    expect(step?.attempt).toBe(3);
    expect(step?.attempts.map((a) => a.outcome).sort()).toEqual(['failed', 'failed', 'succeeded']);
    const keys = new Set(received.filter((r) => (r.body as { order?: string } | null)?.order === 'F-1').map((r) => r.key));
    expect(keys.size).toBe(1);
  });

  it('stops at needs_attention on a non-retryable error, with the error kept', async () => {
    const { receipt } = await send('t.bad', { orderNo: 'X-1', amount: 5 });
    const run = await settled(receipt.runs[0]?.id ?? '');
    expect(run.status).toBe('needs_attention');
    expect(run.steps[0]?.status).toBe('failed');
    expect(run.steps[0]?.attempt).toBe(1);
    expect(JSON.stringify(run.error)).toContain('customer unknown');
  });

  it('reads the published value maps in mappings, edge conditions and the trigger filter', async () => {
    const { receipt } = await send('t.mapped', { orderNo: 'VM-1', customer: 'CRM-7' });
    const run = await settled(receipt.runs[0]?.id ?? '');
    expect(run.status).toBe('succeeded');
    expect(received.find((r) => (r.body as { order?: string } | null)?.order === 'VM-1' && r.path === '/ok')?.body).toEqual({ order: 'VM-1', customer: 'ERP-0007' });
    expect(run.steps.find((s) => s.nodeId === 'after')?.status).toBe('succeeded');
    // A customer with no row: the filter's default ('') keeps the run from starting.
    expect((await send('t.mapped', { orderNo: 'VM-2', customer: 'CRM-unknown' })).receipt.runs).toEqual([]);
  });

  it('fails a step whose mapping is hostile, and keeps serving other runs meanwhile', async () => {
    const hostile = await send('t.hostile', { orderNo: 'H-1', amount: 5 });
    const normal = await send('t.branch', { orderNo: 'B-2', amount: 5 });
    const ok = await settled(normal.receipt.runs[0]?.id ?? '');
    expect(ok.status).toBe('succeeded');
    const bad = await settled(hostile.receipt.runs[0]?.id ?? '');
    expect(bad.status).toBe('needs_attention');
    expect(JSON.stringify(bad.error)).toMatch(/expression_(timeout|depth)/);
  });

  it('loses nothing when the queue is wiped: the sweeper re-queues from PostgreSQL', async () => {
    await worker?.close();
    worker = null;
    const receipts = await Promise.all(Array.from({ length: 5 }, (_, i) => send('t.branch', { orderNo: `Q-${i}`, amount: 500 })));
    await queue.queue.obliterate({ force: true });
    expect(await queue.queue.count()).toBe(0);
    worker = await start();
    for (const r of receipts) expect((await settled(r.receipt.runs[0]?.id ?? '')).status).toBe('succeeded');
    for (let i = 0; i < 5; i += 1) {
      expect(received.filter((r) => (r.body as { order?: string } | null)?.order === `Q-${i}`).map((r) => r.path)).toEqual(['/ok', '/big']);
    }
  });

  it('re-queues a step whose job BullMQ gave up on (failed set), instead of leaving the run pending', async () => {
    await worker?.close();
    worker = null;
    const { receipt } = await send('t.branch', { orderNo: 'FJ-1', amount: 500 });
    const runId = receipt.runs[0]?.id ?? '';
    const jobId = `${runId}.post.1`;
    // Stand-in for a database outage longer than BullMQ's retries: the job ends in the failed set.
    const existing = await queue.queue.getJob(jobId);
    await existing?.remove();
    await queue.queue.add('step', { runId, nodeId: 'post', attempt: 1 }, { jobId, attempts: 1, removeOnFail: false });
    const { Worker } = await import('bullmq');
    const connection = createRedis('redis://127.0.0.1:6379', 'worker');
    const failing = new Worker(queue.queue.name, async () => { throw new Error('database unreachable'); }, { connection, prefix });
    await new Promise<void>((resolve) => failing.on('failed', () => resolve()));
    await failing.close();
    connection.disconnect();
    expect(await (await queue.queue.getJob(jobId))?.getState()).toBe('failed');
    await db.prisma.$executeRaw`UPDATE steps SET "updatedAt" = now() - interval '1 minute' WHERE "runId" = ${runId}::uuid`;
    worker = await start();
    expect((await settled(runId)).status).toBe('succeeded');
  });

  it('stops re-running a step whose workers keep dying, leaving it for a person', async () => {
    const { receipt } = await send('t.flaky', { orderNo: 'D-1', amount: 1 });
    const runId = receipt.runs[0]?.id ?? '';
    await settled(runId);
    // As if four workers in a row had died holding it (maxAttempts is 4): the next take-over is attempt 5.
    await db.prisma.$executeRaw`UPDATE runs SET status = 'running' WHERE id = ${runId}::uuid`;
    await db.prisma.$executeRaw`UPDATE steps SET status = 'running', attempt = 4, "leaseUntil" = now() - interval '1 second' WHERE "runId" = ${runId}::uuid`;
    const before = received.length;
    const run = await settled(runId);
    expect(run.status).toBe('needs_attention');
    expect(JSON.stringify(run.error)).toContain('attempts_exhausted');
    expect(received.length).toBe(before);
  });

  it('lets an operator retry a failed step with edited input, exactly once however often it is clicked', async () => {
    const { receipt } = await send('t.bad', { orderNo: 'R-1', amount: 5 });
    const runId = receipt.runs[0]?.id ?? '';
    expect((await settled(runId)).status).toBe('needs_attention');
    const desk = { prisma: db.prisma, queue, plans: new PlanCache(db.prisma), logger: silentLogger };
    const input = { method: 'POST', url: `${sinkUrl}/ok`, body: { order: 'R-1', amount: 6 } };
    const clicks = await Promise.all([1, 2, 3].map(() => retryStep(desk, { runId, nodeId: 'call', attempt: 1 }, { input })));
    expect(clicks.filter((c) => c.ok)).toHaveLength(1);
    expect(clicks.filter((c) => !c.ok).map((c) => !c.ok && c.reason)).toEqual(['conflict', 'conflict']);
    const run = await settled(runId);
    expect(run.status).toBe('succeeded');
    expect(run.steps[0]?.input).toMatchObject({ url: `${sinkUrl}/ok` });
    expect(received.filter((r) => (r.body as { order?: string } | null)?.order === 'R-1').map((r) => r.path)).toEqual(['/bad', '/ok']);
  });

  it('lets an operator skip a failed step with a given output and continues the run from there', async () => {
    const { receipt } = await send('t.skip', { orderNo: 'S-1', amount: 500 });
    const runId = receipt.runs[0]?.id ?? '';
    expect((await settled(runId)).status).toBe('needs_attention');
    const desk = { prisma: db.prisma, queue, plans: new PlanCache(db.prisma), logger: silentLogger };
    expect(await skipStep(desk, { runId, nodeId: 'post', attempt: 1 }, { status: 'two hundred' })).toMatchObject({ ok: false, reason: 'invalid' });
    const skipped = await skipStep(desk, { runId, nodeId: 'post', attempt: 1 }, { status: 200, headers: {}, body: { amount: 500 } });
    expect(skipped.ok).toBe(true);
    const run = await settled(runId);
    expect(run.status).toBe('succeeded');
    expect(Object.fromEntries(run.steps.map((s) => [s.nodeId, s.status]))).toEqual({ post: 'succeeded', big: 'succeeded', small: 'skipped' });
    expect(await skipStep(desk, { runId, nodeId: 'post', attempt: 1 }, { status: 200, headers: {}, body: { amount: 500 } })).toMatchObject({ ok: false, reason: 'conflict' });
  });

  it('compensation retries runs stopped by an unreachable system, with the same key, and leaves refusals to people', async () => {
    flakyFailures.set('CP-1', 100);
    const unreachable = await send('t.flaky', { orderNo: 'CP-1', amount: 1 });
    const refused = await send('t.bad', { orderNo: 'CP-2', amount: 1 });
    const stuck = await settled(unreachable.receipt.runs[0]?.id ?? '');
    expect(stuck.status).toBe('needs_attention');
    expect((await settled(refused.receipt.runs[0]?.id ?? '')).status).toBe('needs_attention');
    flakyFailures.set('CP-1', 0); // the remote system is back
    const desk = { prisma: db.prisma, queue, plans: new PlanCache(db.prisma), logger: silentLogger };
    const report = await compensate(desk, { minAgeMs: 0 });
    expect(report.retried.map((r) => r.runId)).toContain(stuck.id);
    expect(report.retried.map((r) => r.runId)).not.toContain(refused.receipt.runs[0]?.id);
    expect((await settled(stuck.id)).status).toBe('succeeded');
    expect(new Set(received.filter((r) => (r.body as { order?: string } | null)?.order === 'CP-1').map((r) => r.key)).size).toBe(1);
    expect(await db.prisma.auditLog.count({ where: { action: 'run.compensate', targetId: stuck.id } })).toBe(1);
  });

  it('keeps a connection under its calls-per-second limit across the worker, delaying steps rather than dropping them', async () => {
    const receipts = await Promise.all(Array.from({ length: 14 }, (_, i) => send('t.limited', { orderNo: `L-${i}`, amount: 1 })));
    for (const r of receipts) expect((await settled(r.receipt.runs[0]?.id ?? '')).status).toBe('succeeded');
    const perSecond = new Map<number, number>();
    for (const r of received.filter((x) => x.path === '/limited')) perSecond.set(Math.floor(r.at / 1000), (perSecond.get(Math.floor(r.at / 1000)) ?? 0) + 1);
    expect([...perSecond.values()].reduce((a, b) => a + b, 0)).toBe(14);
    // Admission is per clock second; a call admitted at the very end of one may arrive in the next, hence 4 + 1.
    expect(Math.max(...perSecond.values())).toBeLessThanOrEqual(5);
    // Unthrottled, 14 calls finish within one second; at 4/s they need at least four.
    expect(perSecond.size).toBeGreaterThanOrEqual(4);
  });

  it('runs no more steps of a flow at once than its concurrency limit allows; the rest wait', async () => {
    slowMaxInFlight = 0;
    const receipts = await Promise.all(Array.from({ length: 10 }, (_, i) => send('t.concurrent', { orderNo: `CC-${i}`, amount: 1 })));
    for (const r of receipts) expect((await settled(r.receipt.runs[0]?.id ?? '')).status).toBe('succeeded');
    expect(received.filter((r) => r.path === '/slow')).toHaveLength(10);
    expect(slowMaxInFlight).toBe(2);
  });

  it('cancels a run so that nothing more of it runs', async () => {
    const { receipt } = await send('t.bad', { orderNo: 'C-1', amount: 5 });
    const runId = receipt.runs[0]?.id ?? '';
    await settled(runId);
    const desk = { prisma: db.prisma, queue, plans: new PlanCache(db.prisma), logger: silentLogger };
    expect(await cancelRun(desk, runId)).toMatchObject({ ok: true });
    expect(await cancelRun(desk, runId)).toMatchObject({ ok: false, reason: 'conflict' });
    expect(await retryStep(desk, { runId, nodeId: 'call', attempt: 1 })).toMatchObject({ ok: false, reason: 'conflict' });
    expect((await db.prisma.run.findUniqueOrThrow({ where: { id: runId } })).status).toBe('cancelled');
  });

  it('takes over a step whose worker died mid-call as the next attempt with the same key', async () => {
    await worker?.close();
    worker = null;
    const { receipt } = await send('t.flaky', { orderNo: 'K-1', amount: 1 });
    const runId = receipt.runs[0]?.id ?? '';
    // What a SIGKILLed worker leaves behind: the step claimed (attempt 1, running) and its lease running out.
    await queue.queue.obliterate({ force: true });
    await db.prisma.$executeRaw`UPDATE steps SET status = 'running', attempt = 1, "leaseUntil" = now() - interval '1 second' WHERE "runId" = ${runId}::uuid`;
    await db.prisma.$executeRaw`UPDATE runs SET status = 'running' WHERE id = ${runId}::uuid`;
    worker = await start();
    const run = await settled(runId);
    expect(run.status).toBe('succeeded');
    expect(run.steps[0]?.attempt).toBe(2);
    expect(received.filter((r) => (r.body as { order?: string } | null)?.order === 'K-1').map((r) => r.key)).toEqual([`"${runId}:call"`]);
  });
});
