import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Prisma } from '@qiao/db';
import { createRedis, hashPassword, silentLogger, startWorker, type RunningWorker } from '@qiao/runtime';
import { startHarness, type Harness } from '../test-support/harness';

let h: Harness;
let worker: RunningWorker;
let sink: http.Server;
let sinkUrl = '';
let designer = '';
let operator = '';
let connectionId = '';
const received: { path: string; key: string | undefined; body: unknown }[] = [];

async function login(username: string, password: string): Promise<string> {
  const res = await h.app.inject({ method: 'POST', url: '/trpc/auth.login', headers: { 'content-type': 'application/json' }, payload: { username, password } });
  expect(res.statusCode).toBe(200);
  const raw = res.headers['set-cookie'];
  return (Array.isArray(raw) ? String(raw[0]) : String(raw)).split(';')[0] ?? '';
}

interface Answer<T> {
  status: number;
  data: T;
  message: string;
  details: unknown;
}

async function call<T>(cookie: string, method: 'GET' | 'POST', path: string, input?: unknown): Promise<Answer<T>> {
  const res = method === 'GET'
    ? await h.app.inject({ method, url: `/trpc/${path}${input === undefined ? '' : `?input=${encodeURIComponent(JSON.stringify(input))}`}`, headers: { cookie } })
    : await h.app.inject({ method, url: `/trpc/${path}`, headers: { cookie, 'content-type': 'application/json' }, payload: input as object });
  const body = res.json<{ result?: { data: T }; error?: { message: string; data?: { details?: unknown } } }>();
  return { status: res.statusCode, data: body.result?.data as T, message: body.error?.message ?? '', details: body.error?.data?.details };
}
const query = <T>(cookie: string, path: string, input?: unknown) => call<T>(cookie, 'GET', path, input);
const mutate = <T>(cookie: string, path: string, input: unknown) => call<T>(cookie, 'POST', path, input);

function httpNode(id: string, path: string, body: unknown) {
  return { id, type: 'http.request', connectionId, position: { x: 0, y: 0 }, retry: { maxAttempts: 1 }, parameters: { method: 'POST', url: `${sinkUrl}${path}`, body } };
}

/** save → notify: the second step posts what the first one got back. */
function orderFlow(extra: { savePath?: string } = {}) {
  return {
    schemaVersion: 1, name: 'Test orders', trigger: { eventType: 'com.example.order.created' },
    nodes: [httpNode('save', extra.savePath ?? '/orders', { $expr: '{ "orderNo": event.data.orderNo }' }), httpNode('notify', '/notify', { $expr: 'steps.save.body' })],
    edges: [{ id: 'e1', source: 'save', target: 'notify' }],
  };
}

async function createFlow(document: unknown): Promise<string> {
  // The flow's name and its document's are the same, as the designer keeps them.
  const name = `flow ${randomUUID().slice(0, 8)}`;
  const res = await mutate<{ id: string }>(designer, 'flows.create', { name, document: { ...(document as object), name } });
  expect(res.status).toBe(200);
  return res.data.id;
}

interface TestRunView {
  id: string;
  status: string;
  snapshot: number;
  steps: { nodeId: string; status: string; input: unknown; output: unknown; error: unknown; durationMs: number | null }[];
}

async function settledTestRun(flowId: string, runId: string): Promise<TestRunView> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const res = await query<TestRunView>(designer, 'testRuns.latest', { flowId, runId });
    if (res.data.status === 'succeeded' || res.data.status === 'needs_attention') return res.data;
    if (Date.now() > deadline) throw new Error(`test run ${runId} is still ${res.data.status}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

const sample = { subject: 'SO-1001', data: { orderNo: 'SO-1001', amount: '1200.50' } };

beforeAll(async () => {
  sink = http.createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      const path = req.url ?? '';
      const body: unknown = text ? JSON.parse(text) : null;
      received.push({ path, key: req.headers['idempotency-key'] as string | undefined, body });
      if (path.startsWith('/bad')) res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'customer unknown' }));
      else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ number: 'DOC-1', got: body }));
    });
  });
  await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));
  sinkUrl = `http://127.0.0.1:${(sink.address() as AddressInfo).port}`;
  h = await startHarness();
  worker = await startWorker({
    prisma: h.db.prisma, redisUrl: 'redis://127.0.0.1:6379', prefix: h.prefix, secretKey: h.secretKey, concurrency: 4,
    sweepIntervalMs: 500, sweepGraceMs: 1000, leaseMarginMs: 1000, compensationEveryMs: 0, logger: silentLogger,
  });
  await h.db.prisma.user.create({ data: { username: 'dora', displayName: 'Dora Designer', roles: ['designer'], passwordHash: await hashPassword('design password') } });
  await h.db.prisma.user.create({ data: { username: 'otto', displayName: 'Otto Operator', roles: ['operator'], passwordHash: await hashPassword('operate password') } });
  designer = await login('dora', 'design password');
  operator = await login('otto', 'operate password');
  const conn = await h.db.prisma.connection.create({ data: { name: 'sink', connectorId: 'http', secret: h.services.box.sealJson({ type: 'none' }) } });
  connectionId = conn.id;
});

afterAll(async () => {
  await worker?.close();
  await h?.close();
  sink?.close();
  // The worker's own keys (e.g. the compensation queue) under this test's prefix.
  const redis = createRedis('redis://127.0.0.1:6379', 'producer');
  let cursor = '0';
  do {
    const [next, found] = await redis.scan(cursor, 'MATCH', `${h.prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (found.length > 0) await redis.del(...found);
  } while (cursor !== '0');
  redis.disconnect();
});

describe('pinned sample event', () => {
  it('is stored per flow for every editor, audited, and can be unpinned', async () => {
    const flowId = await createFlow(orderFlow());
    const pinned = await mutate(designer, 'testRuns.pinSample', { flowId, sample: { ...sample, id: 'pasted', specversion: '1.0' } });
    expect(pinned.status).toBe(200);
    const flow = await query<{ sampleEvent: unknown }>(operator, 'flows.get', { id: flowId });
    expect(flow.data.sampleEvent).toEqual({ ...sample, id: 'pasted', specversion: '1.0' });
    expect(await h.db.prisma.auditLog.count({ where: { action: 'flow.pin_sample', targetId: flowId } })).toBe(1);
    expect((await mutate(designer, 'testRuns.pinSample', { flowId, sample: null })).status).toBe(200);
    expect((await h.db.prisma.flow.findUniqueOrThrow({ where: { id: flowId } })).sampleEvent).toBeNull();
  });

  it('refuses a sample without data, an unknown flow and an operator', async () => {
    const flowId = await createFlow(orderFlow());
    const bad = await mutate(designer, 'testRuns.pinSample', { flowId, sample: { subject: 'x' } });
    expect(bad.status).toBe(400);
    expect(bad.message).toContain('sample.data');
    const badTime = await mutate(designer, 'testRuns.pinSample', { flowId, sample: { data: {}, time: 'yesterday' } });
    expect(badTime.message).toContain('sample.time');
    expect((await mutate(designer, 'testRuns.pinSample', { flowId: randomUUID(), sample })).status).toBe(404);
    expect((await mutate(operator, 'testRuns.pinSample', { flowId, sample })).status).toBe(403);
    expect((await h.db.prisma.flow.findUniqueOrThrow({ where: { id: flowId } })).sampleEvent).toBeNull();
  });
});

describe('test run of the draft', () => {
  it('runs a snapshot of the draft on the workers with the real connection and reports each step', async () => {
    const flowId = await createFlow(orderFlow());
    await mutate(designer, 'testRuns.pinSample', { flowId, sample });
    expect((await query(designer, 'testRuns.latest', { flowId })).data).toBeNull();
    const started = await mutate<{ runId: string; status: string }>(designer, 'testRuns.start', { flowId });
    expect(started.status).toBe(200);
    const run = await settledTestRun(flowId, started.data.runId);
    expect(run.status).toBe('succeeded');
    expect(run.snapshot).toBe(1);
    const save = run.steps.find((s) => s.nodeId === 'save');
    const notify = run.steps.find((s) => s.nodeId === 'notify');
    expect(save).toMatchObject({ status: 'succeeded', input: { body: { orderNo: 'SO-1001' } }, output: { status: 200, body: { number: 'DOC-1' } } });
    expect(notify?.input).toMatchObject({ body: { number: 'DOC-1', got: { orderNo: 'SO-1001' } } });
    expect(typeof save?.durationMs).toBe('number');
    // The same idempotency keys as any run.
    expect(received.filter((r) => r.path === '/orders' && r.key === `"${started.data.runId}:save"`)).toHaveLength(1);

    const row = await h.db.prisma.run.findUniqueOrThrow({ where: { id: started.data.runId }, include: { flowVersion: true, event: true } });
    expect(row.mode).toBe('test');
    expect(row.flowVersion.snapshot).toBe(true);
    expect(row.event).toMatchObject({ source: 'qiao:test-run', type: 'com.example.order.created', subject: 'SO-1001' });
    expect(row.businessKey).toBe('SO-1001');
    // Not published, not a version, and the gateway's trigger index does not know the flow.
    const flow = await h.db.prisma.flow.findUniqueOrThrow({ where: { id: flowId } });
    expect(flow).toMatchObject({ status: 'draft', publishedVersion: null, triggerType: null });
    expect((await query<unknown[]>(operator, 'flows.versions', { id: flowId })).data).toEqual([]);

    // Viewable, but left out of monitoring unless asked for.
    expect((await query<{ id: string }>(operator, 'runs.get', { id: started.data.runId })).data.id).toBe(started.data.runId);
    const live = await query<{ items: { id: string }[]; counts: Record<string, number> }>(operator, 'runs.list', { flowId });
    expect(live.data.items).toEqual([]);
    expect(live.data.counts).toEqual({});
    const tests = await query<{ items: { id: string; mode: string }[]; counts: Record<string, number> }>(operator, 'runs.list', { flowId, mode: 'test' });
    expect(tests.data.items.map((r) => r.id)).toEqual([started.data.runId]);
    expect(tests.data.counts).toEqual({ succeeded: 1 });
    const events = await query<{ source: string }[]>(operator, 'events.list', {});
    expect(events.data.some((e) => e.source === 'qiao:test-run')).toBe(false);
    expect(await h.db.prisma.auditLog.count({ where: { action: 'flow.test_run', targetId: flowId } })).toBe(1);

    // Same draft: same snapshot. Changed draft: a new one, numbered on.
    const again = await mutate<{ runId: string }>(designer, 'testRuns.start', { flowId, sample: { data: { orderNo: 'SO-1002' } } });
    await settledTestRun(flowId, again.data.runId);
    const changed = orderFlow();
    changed.nodes[1] = httpNode('notify', '/notify2', { $expr: 'steps.save.body.number' });
    await mutate(designer, 'flows.saveDraft', { id: flowId, document: changed });
    const third = await mutate<{ runId: string }>(designer, 'testRuns.start', { flowId });
    const thirdRun = await settledTestRun(flowId, third.data.runId);
    expect(thirdRun.snapshot).toBe(2);
    const runs = await h.db.prisma.run.findMany({ where: { flowId }, orderBy: { createdAt: 'asc' }, select: { flowVersionId: true } });
    expect(runs[0]?.flowVersionId).toBe(runs[1]?.flowVersionId);
    expect(runs[2]?.flowVersionId).not.toBe(runs[1]?.flowVersionId);
    expect((await query<{ id: string }>(designer, 'testRuns.latest', { flowId })).data.id).toBe(third.data.runId);
  });

  it('a failing test run waits with its error but stays off the intervention desk', async () => {
    const flowId = await createFlow(orderFlow({ savePath: '/bad' }));
    const started = await mutate<{ runId: string }>(designer, 'testRuns.start', { flowId, sample });
    const run = await settledTestRun(flowId, started.data.runId);
    expect(run.status).toBe('needs_attention');
    expect(run.steps.find((s) => s.nodeId === 'save')).toMatchObject({ status: 'failed', error: { kind: 'connector' } });
    const admin = await h.db.prisma.user.create({ data: { username: `ada-${randomUUID().slice(0, 6)}`, displayName: 'Ada', roles: ['admin'], passwordHash: await hashPassword('admin password') } });
    const adminCookie = await login(admin.username, 'admin password');
    const desk = await query<{ runId: string }[]>(adminCookie, 'desk.list', {});
    expect(desk.data.some((d) => d.runId === started.data.runId)).toBe(false);
    expect((await query<{ needsAttention: number }>(adminCookie, 'desk.count')).data.needsAttention).toBe(0);
    // The designer can stop it.
    expect((await mutate(designer, 'testRuns.cancel', { runId: started.data.runId })).status).toBe(200);
    expect((await h.db.prisma.run.findUniqueOrThrow({ where: { id: started.data.runId } })).status).toBe('cancelled');
    expect((await mutate(designer, 'testRuns.cancel', { runId: started.data.runId })).status).toBe(409);
  });

  it('refuses a draft with compile errors, naming them, and starts nothing', async () => {
    const broken = orderFlow();
    broken.nodes[1] = httpNode('notify', '/notify', { $expr: 'steps.nowhere.body' });
    const flowId = await createFlow(broken);
    const res = await mutate(designer, 'testRuns.start', { flowId, sample });
    expect(res.status).toBe(400);
    expect(res.message).toContain('fix them before a test run');
    expect((res.details as { compileErrors: { nodeId?: string }[] }).compileErrors.some((e) => e.nodeId === 'notify')).toBe(true);
    expect(await h.db.prisma.run.count({ where: { flowId } })).toBe(0);
    expect(await h.db.prisma.flowVersion.count({ where: { flowId } })).toBe(0);
  });

  it('refuses without a sample, for an unknown flow or run, and for operators', async () => {
    const flowId = await createFlow(orderFlow());
    const none = await mutate(designer, 'testRuns.start', { flowId });
    expect(none.status).toBe(400);
    expect(none.message).toContain('none is pinned');
    expect((await mutate(designer, 'testRuns.start', { flowId: randomUUID(), sample })).status).toBe(404);
    expect((await query(designer, 'testRuns.latest', { flowId, runId: randomUUID() })).status).toBe(404);
    expect((await mutate(designer, 'testRuns.cancel', { runId: randomUUID() })).status).toBe(404);
    expect((await mutate(operator, 'testRuns.start', { flowId, sample })).status).toBe(403);
    expect((await query(operator, 'testRuns.latest', { flowId })).status).toBe(403);
    expect(await h.db.prisma.run.count({ where: { flowId } })).toBe(0);
  });
});

describe('trigger filter', () => {
  it("starts no test run for a sample the trigger's filter skips, and says so", async () => {
    const filtered = { ...orderFlow(), trigger: { eventType: 'com.example.order.created', filter: 'event.data.amount > 1000' } };
    const flowId = await createFlow(filtered);
    const skipped = await mutate(designer, 'testRuns.start', { flowId, sample: { data: { orderNo: 'SO-1', amount: 5 } } });
    expect(skipped.status).toBe(400);
    expect(skipped.message).toContain("trigger's filter skips this event");
    expect(await h.db.prisma.run.count({ where: { flowId } })).toBe(0);
    const passed = await mutate<{ runId: string }>(designer, 'testRuns.start', { flowId, sample: { data: { orderNo: 'SO-2', amount: 5000 } } });
    expect((await settledTestRun(flowId, passed.data.runId)).status).toBe('succeeded');
  });
});

describe('single-node run', () => {
  it('runs one node once with pinned upstream data and the request idempotency key, audited', async () => {
    const flowId = await createFlow(orderFlow());
    await mutate(designer, 'testRuns.pinSample', { flowId, sample });
    const requestId = randomUUID();
    const res = await mutate<{ nodeId: string; input: unknown; output: unknown; error?: unknown; durationMs: number }>(designer, 'testRuns.runNode', {
      flowId, nodeId: 'notify', requestId, steps: { save: { status: 200, body: { number: 'PINNED-7' } }, stranger: { x: 1 } },
    });
    expect(res.status).toBe(200);
    expect(res.data.error).toBeUndefined();
    expect(res.data.input).toMatchObject({ method: 'POST', body: { number: 'PINNED-7' } });
    expect(res.data.output).toMatchObject({ status: 200, body: { got: { number: 'PINNED-7' } } });
    expect(received.filter((r) => r.key === `"node-test:${requestId}:notify"`)).toHaveLength(1);
    const audit = await h.db.prisma.auditLog.findFirstOrThrow({ where: { action: 'flow.run_node', targetId: flowId } });
    expect(audit).toMatchObject({ username: 'dora', detail: { nodeId: 'notify', requestId, ok: true } });
    expect(await h.db.prisma.run.count({ where: { flowId } })).toBe(0);
  });

  it('returns the remote failure as data, and refuses bad requests', async () => {
    const flowId = await createFlow(orderFlow({ savePath: '/bad' }));
    const failed = await mutate<{ error?: { kind: string; code: string } }>(designer, 'testRuns.runNode', { flowId, nodeId: 'save', requestId: randomUUID(), sample });
    expect(failed.status).toBe(200);
    expect(failed.data.error?.kind).toBe('connector');
    const audit = await h.db.prisma.auditLog.findFirstOrThrow({ where: { action: 'flow.run_node', targetId: flowId } });
    expect(audit.detail).toMatchObject({ ok: false });

    const unknownNode = await mutate(designer, 'testRuns.runNode', { flowId, nodeId: 'ghost', requestId: randomUUID(), sample });
    expect(unknownNode.status).toBe(404);
    expect(unknownNode.message).toContain('"ghost"');
    expect((await mutate(designer, 'testRuns.runNode', { flowId, nodeId: 'save', requestId: 'not-a-uuid', sample })).status).toBe(400);
    expect((await mutate(operator, 'testRuns.runNode', { flowId, nodeId: 'save', requestId: randomUUID(), sample })).status).toBe(403);
    const broken = orderFlow();
    broken.nodes[0] = { ...httpNode('save', '/orders', {}), type: 'nope.nothing' };
    const brokenId = await createFlow(broken);
    const refused = await mutate(designer, 'testRuns.runNode', { flowId: brokenId, nodeId: 'notify', requestId: randomUUID(), sample });
    expect(refused.status).toBe(400);
    expect(refused.details).toMatchObject({ compileErrors: expect.any(Array) as unknown });
  });
});

describe('rollback', () => {
  it('publishes an old version as a new one, after confirming that unpublished changes are discarded', async () => {
    const v1Doc = orderFlow();
    const flowId = await createFlow(v1Doc);
    expect((await mutate(designer, 'flows.publish', { id: flowId, comment: 'first' })).status).toBe(200);
    const v2Doc = orderFlow();
    v2Doc.nodes[1] = httpNode('notify', '/notify-v2', { $expr: 'steps.save.body.number' });
    const { name } = await h.db.prisma.flow.findUniqueOrThrow({ where: { id: flowId } });
    await mutate(designer, 'flows.saveDraft', { id: flowId, document: { ...v2Doc, name } });
    expect((await mutate(designer, 'flows.publish', { id: flowId, comment: 'second' })).status).toBe(200);
    expect((await query(operator, 'flows.draftState', { id: flowId })).data).toEqual({ publishedVersion: 2, unpublishedChanges: false });

    // An unpublished edit: refused until the discard is confirmed.
    const edited = { ...v2Doc, name, nodes: [...v2Doc.nodes, httpNode('extra', '/extra', {})] } as unknown as Prisma.InputJsonValue;
    await mutate(designer, 'flows.saveDraft', { id: flowId, document: edited });
    expect((await query(operator, 'flows.draftState', { id: flowId })).data).toEqual({ publishedVersion: 2, unpublishedChanges: true });
    const refused = await mutate(designer, 'flows.rollback', { id: flowId, version: 1 });
    expect(refused.status).toBe(409);
    expect(refused.details).toEqual({ unpublishedChanges: true });
    expect(await h.db.prisma.flowVersion.count({ where: { flowId } })).toBe(2);

    const done = await mutate<{ version: number; comment: string }>(designer, 'flows.rollback', { id: flowId, version: 1, discardDraft: true });
    expect(done.status).toBe(200);
    expect(done.data).toMatchObject({ version: 3, comment: 'Rollback to v1: first' });
    const versions = await h.db.prisma.flowVersion.findMany({ where: { flowId }, orderBy: { version: 'asc' } });
    expect(versions.map((v) => v.version)).toEqual([1, 2, 3]);
    expect(versions[2]?.definition).toEqual(versions[0]?.definition);
    expect(versions[2]?.planHash).toBe(versions[0]?.planHash);
    const flow = await h.db.prisma.flow.findUniqueOrThrow({ where: { id: flowId } });
    expect(flow.publishedVersion).toBe(3);
    expect(flow.draft).toEqual(versions[0]?.definition);
    expect((await query(operator, 'flows.draftState', { id: flowId })).data).toEqual({ publishedVersion: 3, unpublishedChanges: false });
    const audit = await h.db.prisma.auditLog.findFirstOrThrow({ where: { action: 'flow.rollback', targetId: flowId } });
    expect(audit.detail).toMatchObject({ version: 3, toVersion: 1, discardedDraft: true });

    // Without unpublished changes no confirmation is needed.
    expect((await mutate<{ version: number }>(designer, 'flows.rollback', { id: flowId, version: 2 })).data.version).toBe(4);
  });

  it('refuses unknown versions and flows, and operators', async () => {
    const flowId = await createFlow(orderFlow());
    await mutate(designer, 'flows.publish', { id: flowId, comment: '' });
    const missing = await mutate(designer, 'flows.rollback', { id: flowId, version: 9, discardDraft: true });
    expect(missing.status).toBe(404);
    expect(missing.message).toContain('no version 9');
    expect((await mutate(designer, 'flows.rollback', { id: randomUUID(), version: 1 })).status).toBe(404);
    expect((await mutate(operator, 'flows.rollback', { id: flowId, version: 1 })).status).toBe(403);
    expect((await mutate(designer, 'flows.rollback', { id: flowId, version: 0 })).status).toBe(400);
    expect((await query(operator, 'flows.draftState', { id: randomUUID() })).status).toBe(404);
  });
});
