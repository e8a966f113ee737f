import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson, compile } from '@qiao/flow';
import { nodeTypeRegistry } from '@qiao/connectors';
import { createTestDatabase, type Prisma, type TestDatabase } from '@qiao/db';
import { acceptEvent, type AcceptDeps } from './accept-event';
import { EagerExecutor } from './eager-executor';
import { LocalEager } from './eager-port';
import type { PlanCache } from './plan-cache';
import { createExecutorDeps } from './executor-deps';
import { silentLogger } from './logger';
import { createStepQueue, stepJobId, type StepQueue } from './queue';
import { createRedis } from './redis';
import { createSecretBox } from './secret-box';
import { startWorker, type RunningWorker } from './start-worker';

// Eager execution: the accepting process claims and runs steps itself; the queue and the sweeper stay the safety net.
const received: { path: string; key: string | undefined; order: string | undefined }[] = [];
let sink: http.Server;
let sinkUrl = '';
let db: TestDatabase;
let queue: StepQueue;
let connectionId = '';
const key = randomBytes(32);
const prefix = `qiao_eager_${randomBytes(4).toString('hex')}`;
const redis = createRedis('redis://127.0.0.1:6379', 'producer');

async function publish(eventType: string, nodes: unknown[], edges: unknown[] = [], settings: Prisma.InputJsonValue = {}): Promise<void> {
  const document = { schemaVersion: 1, name: eventType, trigger: { eventType }, nodes, edges };
  const result = compile(document, nodeTypeRegistry());
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  const flow = await db.prisma.flow.create({ data: { name: eventType, draft: document as Prisma.InputJsonValue, status: 'published', triggerType: eventType, publishedVersion: 1, settings } });
  await db.prisma.flowVersion.create({
    data: { flowId: flow.id, version: 1, definition: document as Prisma.InputJsonValue, plan: result.plan as unknown as Prisma.InputJsonValue, planHash: createHash('sha256').update(canonicalJson(result.plan)).digest('hex') },
  });
}

const httpNode = (id: string, path: string) => ({
  id, type: 'http.request', connectionId, position: { x: 0, y: 0 }, timeoutMs: 1000,
  retry: { maxAttempts: 4, initialDelayMs: 50, maxDelayMs: 200, multiplier: 2 },
  parameters: { method: 'POST', url: `${sinkUrl}${path}`, body: { $expr: '{ "order": event.data.orderNo, "amount": event.data.amount }' } },
});

function eagerDeps(executor: EagerExecutor, plans: PlanCache): AcceptDeps {
  return { prisma: db.prisma, queue, logger: silentLogger, eager: { port: new LocalEager(executor, plans), leaseMarginMs: 200 } };
}

function newExecutor(capacity: number): { executor: EagerExecutor; deps: AcceptDeps } {
  const base = createExecutorDeps({ prisma: db.prisma, queue, redis, prefix, box: createSecretBox(key), logger: silentLogger, leaseMarginMs: 200 });
  const executor = new EagerExecutor(base, { capacity });
  return { executor, deps: eagerDeps(executor, base.plans) };
}

const send = (deps: AcceptDeps, type: string, orderNo: string, amount = 1) =>
  acceptEvent(deps, { event: { specversion: '1.0', id: randomBytes(8).toString('hex'), source: '/test/eager', type, data: { orderNo, amount } } });

async function settled(runId: string, timeoutMs = 15_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const run = await db.prisma.run.findUniqueOrThrow({ where: { id: runId }, include: { steps: { include: { attempts: true }, orderBy: { nodeId: 'asc' } } } });
    if (run.status === 'succeeded' || run.status === 'needs_attention') return run;
    if (Date.now() > deadline) throw new Error(`run ${runId} still ${run.status}: ${JSON.stringify(run.steps.map((s) => [s.nodeId, s.status, s.attempt]))}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  sink = http.createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      const path = req.url ?? '';
      const body = text ? (JSON.parse(text) as { order?: string }) : {};
      received.push({ path, key: req.headers['idempotency-key'] as string | undefined, order: body.order });
      const answer = () => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, ...body }));
      if (path.startsWith('/slow')) setTimeout(answer, 300);
      else answer();
    });
  });
  await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));
  sinkUrl = `http://127.0.0.1:${(sink.address() as AddressInfo).port}`;
  db = await createTestDatabase('qiao_eager_test');
  queue = createStepQueue(redis, prefix);
  connectionId = (await db.prisma.connection.create({ data: { name: 'sink', connectorId: 'http', secret: createSecretBox(key).sealJson({ type: 'none' }) } })).id;
  await publish('e.chain', [httpNode('first', '/first'), httpNode('second', '/second')], [{ id: 'next', source: 'first', target: 'second' }]);
  await publish('e.slow', [httpNode('call', '/slow')]);
  await publish('e.diamond', [httpNode('a', '/a'), httpNode('b', '/b'), httpNode('c', '/c'), httpNode('d', '/d')], [
    { id: 'ab', source: 'a', target: 'b' }, { id: 'ac', source: 'a', target: 'c' }, { id: 'bd', source: 'b', target: 'd' }, { id: 'cd', source: 'c', target: 'd' },
  ]);
  await publish('e.limited', [httpNode('call', '/limited')], [], { maxConcurrency: 1 });
});

afterAll(async () => {
  await queue?.queue.obliterate({ force: true }).catch(() => undefined);
  await queue?.close();
  redis.disconnect();
  await new Promise((r) => sink.close(r));
  await db?.drop();
});

describe('eager execution', () => {
  it('claims the entry step in the accept statement and runs the whole run in process, with no queue job', async () => {
    const { executor, deps } = newExecutor(8);
    const { receipt } = await send(deps, 'e.chain', 'EAGER-1');
    const runId = receipt.runs[0]?.id ?? '';
    expect(receipt.runs[0]?.status).toBe('running');
    const run = await settled(runId);
    expect(run.status).toBe('succeeded');
    // One try each, each with its attempt record, and each effect once under the step's key.
    expect(run.steps.map((s) => [s.nodeId, s.status, s.attempt, s.attempts.length, s.attempts[0]?.outcome])).toEqual([
      ['first', 'succeeded', 1, 1, 'succeeded'],
      ['second', 'succeeded', 1, 1, 'succeeded'],
    ]);
    const calls = received.filter((r) => r.order === 'EAGER-1');
    expect(calls.map((c) => c.path)).toEqual(['/first', '/second']);
    expect(calls.map((c) => c.key)).toEqual(run.steps.map((s) => `"${s.idempotencyKey}"`));
    for (const nodeId of ['first', 'second']) expect(await queue.queue.getJob(stepJobId({ runId, nodeId, attempt: 1 }))).toBeUndefined();
    await executor.close(1000);
    expect(executor.running).toBe(0);
  });

  it('commits steps that finish together, including parallel branches of one run, and joins them exactly once', async () => {
    const { executor, deps } = newExecutor(64);
    const orders = Array.from({ length: 12 }, (_, i) => `DIAMOND-${i}`);
    const receipts = await Promise.all(orders.map((o) => send(deps, 'e.diamond', o)));
    for (const { receipt } of receipts) {
      const run = await settled(receipt.runs[0]?.id ?? '');
      expect(run.status).toBe('succeeded');
      expect(run.steps.map((s) => [s.nodeId, s.status, s.attempt, s.attempts.length])).toEqual(['a', 'b', 'c', 'd'].map((n) => [n, 'succeeded', 1, 1]));
    }
    for (const order of orders) expect(received.filter((r) => r.order === order).map((r) => r.path).sort()).toEqual(['/a', '/b', '/c', '/d']);
    await executor.close(1000);
  });

  it('sends steps past its capacity, and every step of a flow with a concurrency limit, to the queue', async () => {
    const { executor, deps } = newExecutor(1);
    const first = await send(deps, 'e.slow', 'CAP-1');
    const second = await send(deps, 'e.slow', 'CAP-2');
    const limited = await send(deps, 'e.limited', 'LIM-1');
    const pending = async (runId: string) => db.prisma.step.findFirstOrThrow({ where: { runId }, select: { status: true, attempt: true } });
    expect(first.receipt.runs[0]?.status).toBe('running');
    for (const r of [second, limited]) {
      const runId = r.receipt.runs[0]?.id ?? '';
      expect(r.receipt.runs[0]?.status).toBe('pending');
      expect(await pending(runId)).toEqual({ status: 'pending', attempt: 0 });
      expect(await queue.queue.getJob(stepJobId({ runId, nodeId: 'call', attempt: 1 }))).toBeDefined();
    }
    expect((await settled(first.receipt.runs[0]?.id ?? '')).status).toBe('succeeded');
    await executor.close(1000);
  });

  it('loses nothing when the accepting process dies holding a claimed step: a worker takes it over after the lease, once', async () => {
    // A process that committed the claim and died before running it (or while running it).
    class DeadProcess extends EagerExecutor {
      override run(): Promise<void> {
        // never runs, never releases: the process is gone
        return Promise.resolve();
      }
    }
    const base = createExecutorDeps({ prisma: db.prisma, queue, redis, prefix, box: createSecretBox(key), logger: silentLogger, leaseMarginMs: 200 });
    const dead = new DeadProcess(base, { capacity: 8 });
    const { receipt } = await send(eagerDeps(dead, base.plans), 'e.slow', 'DIED-1');
    const runId = receipt.runs[0]?.id ?? '';
    const claimed = await db.prisma.step.findFirstOrThrow({ where: { runId }, include: { attempts: true } });
    expect([claimed.status, claimed.attempt, claimed.attempts.length]).toEqual(['running', 1, 1]);
    expect(claimed.leaseUntil).not.toBeNull();

    let worker: RunningWorker | null = null;
    try {
      worker = await startWorker({
        prisma: db.prisma, redisUrl: 'redis://127.0.0.1:6379', prefix, secretKey: key.toString('hex'), concurrency: 4,
        sweepIntervalMs: 300, sweepGraceMs: 500, leaseMarginMs: 200, logger: silentLogger, compensationEveryMs: 0, reconciliationEveryMs: 0,
      });
      const run = await settled(runId);
      expect(run.status).toBe('succeeded');
      // Taken over as attempt 2 with the same key; the first try's record stays open as evidence.
      expect(run.steps[0]?.attempt).toBe(2);
      expect(run.steps[0]?.attempts.map((a) => [a.attempt, a.outcome])).toEqual([[1, null], [2, 'succeeded']]);
      expect(received.filter((r) => r.order === 'DIED-1').map((r) => r.key)).toEqual([`"${run.steps[0]?.idempotencyKey ?? ""}"`]);
    } finally {
      await worker?.close();
    }
  });

  it('on close, lets the steps in hand finish before it returns, and takes no new ones', async () => {
    const { executor, deps } = newExecutor(4);
    const { receipt } = await send(deps, 'e.slow', 'CLOSE-1');
    await executor.close(5000);
    const run = await db.prisma.run.findUniqueOrThrow({ where: { id: receipt.runs[0]?.id ?? '' }, select: { status: true } });
    expect(run.status).toBe('succeeded');
    const after = await send(deps, 'e.slow', 'CLOSE-2');
    expect(after.receipt.runs[0]?.status).toBe('pending');
  });
});
