import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson, compile } from '@qiao/flow';
import { nodeTypeRegistry } from '@qiao/connectors';
import { createPrisma, createTestDatabase, type Prisma, type PrismaClient, type TestDatabase } from '@qiao/db';
import { acceptEvent } from './accept-event';
import { silentLogger } from './logger';
import { createStepQueue, type StepQueue } from './queue';
import { createRedis } from './redis';

// Two database clients stand for two server processes: each has its own cache of published flows.
// Never called: these tests stop at accept, so the connection need not exist.
const CONNECTION = randomUUID();
let db: TestDatabase;
let otherProcess: PrismaClient;
let queue: StepQueue;
const prefix = `qiao_acc_${randomBytes(4).toString('hex')}`;
const redis = createRedis('redis://127.0.0.1:6379', 'producer');

const node = (id: string) => ({ id, type: 'http.request', connectionId: CONNECTION, position: { x: 0, y: 0 }, parameters: { method: 'POST', url: 'http://127.0.0.1:9/x', body: { a: 1 } } });

/** Publishes `version` of a flow for `type` the way publishFlow does: a new immutable version, then the flow row points at it. */
async function publish({ flowId, type, version, entry, filter }: { flowId: string | null; type: string; version: number; entry: string; filter?: string }): Promise<{ flowId: string; versionId: string }> {
  const document = { schemaVersion: 1, name: type, trigger: { eventType: type, ...(filter ? { filter } : {}) }, nodes: [node(entry)], edges: [] };
  const result = compile(document, nodeTypeRegistry());
  if (!result.ok) throw new Error(JSON.stringify(result.errors));
  const flow = flowId
    ? await db.prisma.flow.update({ where: { id: flowId }, data: { draft: document as Prisma.InputJsonValue }, select: { id: true } })
    : await db.prisma.flow.create({ data: { name: type, draft: document as Prisma.InputJsonValue }, select: { id: true } });
  const row = await db.prisma.flowVersion.create({
    data: { flowId: flow.id, version, definition: document as Prisma.InputJsonValue, plan: result.plan as unknown as Prisma.InputJsonValue, planHash: createHash('sha256').update(canonicalJson(result.plan)).digest('hex') },
    select: { id: true },
  });
  await db.prisma.flow.update({ where: { id: flow.id }, data: { status: 'published', publishedVersion: version, triggerType: type } });
  return { flowId: flow.id, versionId: row.id };
}

const event = (type: string, data: Record<string, unknown> = { amount: 1 }) => ({ specversion: '1.0' as const, id: randomBytes(8).toString('hex'), source: '/test/acc', type, data });
const accept = (prisma: PrismaClient, e: ReturnType<typeof event>) => acceptEvent({ prisma, queue, logger: silentLogger }, { event: e });

async function runsOf(eventId: string) {
  const stored = await db.prisma.event.findFirstOrThrow({ where: { eventId }, select: { runCount: true, runs: { select: { flowVersionId: true, status: true, steps: { select: { nodeId: true, status: true } } } } } });
  return stored;
}

beforeAll(async () => {
  db = await createTestDatabase('qiao_accept_test');
  otherProcess = createPrisma(db.url, { max: 2 });
  queue = createStepQueue(redis, prefix);
});

afterAll(async () => {
  await queue?.queue.obliterate({ force: true }).catch(() => undefined);
  await queue?.close();
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
  redis.disconnect();
  await otherProcess?.$disconnect();
  await db?.drop();
});

describe('acceptEvent', () => {
  it('commits the event, a run per published flow and its entry step, and queues the step', async () => {
    const v1 = await publish({ flowId: null, type: 'acc.basic', version: 1, entry: 'first' });
    const e = event('acc.basic');
    const { duplicate, receipt } = await accept(db.prisma, e);
    expect(duplicate).toBe(false);
    expect(receipt.runs).toHaveLength(1);
    const stored = await runsOf(e.id);
    expect(stored.runCount).toBe(1);
    expect(stored.runs).toEqual([{ flowVersionId: v1.versionId, status: 'pending', steps: [{ nodeId: 'first', status: 'pending' }] }]);
    expect(await queue.queue.getJob(`${receipt.runs[0]?.id ?? ''}.first.1`)).toBeDefined();
  });

  it('starts the version published a moment ago by another process, whatever this process remembered', async () => {
    const v1 = await publish({ flowId: null, type: 'acc.republish', version: 1, entry: 'old' });
    await accept(db.prisma, event('acc.republish')); // fills this process's cache with version 1
    const v2 = await publish({ flowId: v1.flowId, type: 'acc.republish', version: 2, entry: 'new' });
    const e = event('acc.republish');
    await accept(db.prisma, e);
    expect((await runsOf(e.id)).runs).toEqual([{ flowVersionId: v2.versionId, status: 'pending', steps: [{ nodeId: 'new', status: 'pending' }] }]);
  });

  it('starts no run for a flow archived since the cache was filled, and a run for one published since', async () => {
    const first = await publish({ flowId: null, type: 'acc.set', version: 1, entry: 'a' });
    await accept(db.prisma, event('acc.set'));
    await accept(otherProcess, event('acc.set'));
    await db.prisma.flow.update({ where: { id: first.flowId }, data: { status: 'archived' } });
    const second = await publish({ flowId: null, type: 'acc.set', version: 1, entry: 'b' });
    for (const prisma of [db.prisma, otherProcess]) {
      const e = event('acc.set');
      await accept(prisma, e);
      expect((await runsOf(e.id)).runs.map((r) => r.flowVersionId)).toEqual([second.versionId]);
    }
  });

  it('answers a repeat with the original receipt and writes nothing more', async () => {
    await publish({ flowId: null, type: 'acc.dup', version: 1, entry: 'only' });
    const e = event('acc.dup');
    const first = await accept(db.prisma, e);
    const counts = async () => Promise.all([db.prisma.event.count(), db.prisma.run.count(), db.prisma.step.count()]);
    const before = await counts();
    const again = await accept(otherProcess, e);
    expect(again.duplicate).toBe(true);
    expect(again.receipt).toEqual(first.receipt);
    expect(await counts()).toEqual(before);
  });

  it('records an event no flow listens to, and one whose filter rejects it, without runs', async () => {
    await publish({ flowId: null, type: 'acc.filtered', version: 1, entry: 'x', filter: 'event.data.amount > 10' });
    const nobody = event('acc.nobody');
    const filtered = event('acc.filtered', { amount: 2 });
    expect((await accept(db.prisma, nobody)).receipt.runs).toEqual([]);
    expect((await accept(db.prisma, filtered)).receipt.runs).toEqual([]);
    expect((await runsOf(nobody.id)).runCount).toBe(0);
    expect((await runsOf(filtered.id)).runs).toEqual([]);
  });

  it('starts a run stopped for a person when the trigger filter itself fails', async () => {
    await publish({ flowId: null, type: 'acc.badfilter', version: 1, entry: 'x', filter: 'event.data.amount.$nope()' });
    const e = event('acc.badfilter');
    const { receipt } = await accept(db.prisma, e);
    expect(receipt.runs.map((r) => r.status)).toEqual(['needs_attention']);
    expect((await runsOf(e.id)).runs[0]?.steps).toEqual([]);
  });

  it('commits events that arrive together in one statement, each on its own terms: a repeat inside the batch, a stale type, a value the database refuses', async () => {
    await publish({ flowId: null, type: 'acc.batch', version: 1, entry: 'only' });
    const staleType = await publish({ flowId: null, type: 'acc.batch.stale', version: 1, entry: 'old' });
    await accept(db.prisma, event('acc.batch.stale'));
    // Another process publishes v2 of the second type: this process's cache is now stale for it.
    await db.prisma.flow.update({ where: { id: staleType.flowId }, data: { status: 'archived' } });
    const v2 = await publish({ flowId: null, type: 'acc.batch.stale', version: 1, entry: 'new' });
    const events = Array.from({ length: 12 }, (_, i) => event('acc.batch', { amount: i }));
    const repeat = events[3] ?? event('acc.batch');
    const stale = event('acc.batch.stale');
    // \u0000 cannot be stored in jsonb: PostgreSQL refuses the whole statement, so this one must fail alone.
    const refused = event('acc.batch', { note: 'a\u0000b' });
    const settled = await Promise.allSettled([...events, repeat, stale, refused].map((e) => accept(db.prisma, e)));
    const outcome = settled.map((s) => (s.status === 'fulfilled' ? (s.value.duplicate ? 'duplicate' : 'accepted') : 'refused'));
    // The repeat and its original went together: whichever the statement wrote first is the original.
    expect([outcome[3], outcome[12]].sort()).toEqual(['accepted', 'duplicate']);
    expect(outcome.filter((_, i) => i !== 3 && i !== 12)).toEqual([...events.slice(1).map(() => 'accepted'), 'accepted', 'refused']);
    for (const e of events) expect((await runsOf(e.id)).runs).toHaveLength(1);
    expect((await runsOf(stale.id)).runs.map((r) => r.flowVersionId)).toEqual([v2.versionId]);
    expect(await db.prisma.event.count({ where: { eventId: refused.id } })).toBe(0);
    const first = settled[3];
    const again = settled[12];
    if (first?.status !== 'fulfilled' || again?.status !== 'fulfilled') throw new Error('expected both answers');
    expect(again.value.receipt.id).toBe(first.value.receipt.id);
  });

  it('stores an event whose data is JSON null as that value, and one without data as no data', async () => {
    await publish({ flowId: null, type: 'acc.nulldata', version: 1, entry: 'only' });
    const withNull = { specversion: '1.0' as const, id: randomBytes(8).toString('hex'), source: '/test/acc', type: 'acc.nulldata', data: null };
    const without = { specversion: '1.0' as const, id: randomBytes(8).toString('hex'), source: '/test/acc', type: 'acc.nulldata' };
    await Promise.all([acceptEvent({ prisma: db.prisma, queue, logger: silentLogger }, { event: withNull }), acceptEvent({ prisma: db.prisma, queue, logger: silentLogger }, { event: without })]);
    const rows = await db.prisma.$queryRaw<{ eventId: string; kind: string | null }[]>`SELECT "eventId", jsonb_typeof(data) AS kind FROM events WHERE "eventId" IN (${withNull.id}, ${without.id})`;
    expect(Object.fromEntries(rows.map((r) => [r.eventId, r.kind]))).toEqual({ [withNull.id]: 'null', [without.id]: null });
  });
});
