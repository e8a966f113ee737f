import { randomBytes } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWecomCallback, buildWecomUrlVerification, toWecomXml, wecomAuthSchema } from '@qiao/connectors';
import { createTestDatabase, type TestDatabase } from '@qiao/db';
import { createRedis, createSecretBox, createStepQueue, parseSecretKey, startWorker, type RunningWorker, type StepQueue } from '@qiao/runtime';
import { createWecomSimulator, DEMO_CALLBACK, DEMO_CORP, type WecomSimulator } from '@qiao/wecom-sim';
import { buildServer } from '../app';
import { LoginThrottle } from '../auth/login-throttle';
import { publishFlow } from '../flows/publish';
import { ApiKeyVerifier } from '../gateway/api-keys';
import { createWecomCallbackConnection, wecomApprovalMessage, wecomCallbackRequest, wecomUrlVerificationRequest } from '../test-support/wecom-callback';

// WeCom callbacks end to end: the simulator encrypts and POSTs as WeCom does, the server verifies,
// decrypts and commits a CloudEvent (real PostgreSQL and Redis), a flow triggered on it runs in a
// worker and sends a WeCom app message back to the simulator.

const REDIS_URL = 'redis://127.0.0.1:6379';
const secretKey = randomBytes(32).toString('hex');
const prefix = `qiao_wecom_${randomBytes(4).toString('hex')}`;
const agent = DEMO_CORP.apps[0] ?? { agentId: 0, secret: '', name: '' };
const secrets = { token: DEMO_CALLBACK.token, encodingAesKey: DEMO_CALLBACK.encodingAesKey, corpId: DEMO_CORP.corpId };

let db: TestDatabase;
let app: FastifyInstance;
let queue: StepQueue;
let sim: WecomSimulator;
let worker: RunningWorker;
let connectionId = '';
let callbackPath = '';
const redis = createRedis(REDIS_URL, 'producer');
/** What the server logged at warn and above (rejections must be logged). */
const logged: { msg?: string; reason?: string; connectionId?: string }[] = [];

async function counts() {
  const [events, runs, steps] = await Promise.all([db.prisma.event.count(), db.prisma.run.count(), db.prisma.step.count()]);
  return { events, runs, steps };
}

async function simPost(path: string, body: unknown): Promise<{ status: number; body: string; matches?: boolean }> {
  const response = await fetch(`${sim.url}/__sim/${path}`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  expect(response.status).toBe(200);
  return (await response.json()) as { status: number; body: string; matches?: boolean };
}

function post(query: Record<string, string>, payload: string, path = callbackPath) {
  return app.inject({ method: 'POST', url: `${path}?${new URLSearchParams(query).toString()}`, headers: { 'content-type': 'text/xml' }, payload });
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>): Promise<T> {
  const until = Date.now() + 30_000;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

beforeAll(async () => {
  db = await createTestDatabase('qiao_wecom_cb');
  queue = createStepQueue(redis, prefix);
  const logger = pino({ level: 'warn' }, { write: (line: string) => void logged.push(JSON.parse(line) as (typeof logged)[number]) });
  const box = createSecretBox(parseSecretKey(secretKey));
  app = await buildServer({
    services: { prisma: db.prisma, box, queue, logger, verifier: new ApiKeyVerifier({ prisma: db.prisma, box, redis, versionKey: `${prefix}:gw:api-keys-version` }), loginThrottle: new LoginThrottle({ redis, prefix }), sessionTtlMs: 3600_000, cookieSecure: false, production: false },
    maxEventBytes: 1024 * 1024,
    logger,
    pingRedis: async () => void (await redis.ping()),
    gateway: { redis, redisPrefix: prefix, rateLimitPerMinute: 60_000, idempotencyTtlMs: 3600_000 },
  });
  const serverUrl = await app.listen({ host: '127.0.0.1', port: 0 });
  sim = await createWecomSimulator();
  const credentials = wecomAuthSchema.parse({ baseUrl: sim.url, corpId: DEMO_CORP.corpId, agentId: agent.agentId, corpSecret: agent.secret, callbackToken: secrets.token, encodingAesKey: secrets.encodingAesKey });
  const connection = await db.prisma.connection.create({ data: { name: 'wecom', connectorId: 'wecom', secret: box.sealJson(credentials) } });
  connectionId = connection.id;
  callbackPath = `/api/callbacks/wecom/${connectionId}`;
  sim.setCallbackTarget({ url: `${serverUrl}${callbackPath}`, token: secrets.token, encodingAesKey: secrets.encodingAesKey });

  const flow = await db.prisma.flow.create({
    data: {
      name: 'approval → notify',
      draft: {
        schemaVersion: 1,
        name: 'approval → notify',
        trigger: { eventType: 'com.qiao.wecom.approval_change', filter: 'event.data.ApprovalInfo.SpStatus = "2"' },
        nodes: [{
          id: 'notify', type: 'wecom.sendAppMessage', name: 'notify', connectionId, position: { x: 0, y: 0 },
          parameters: { msgtype: 'text', touser: ['caiwu01'], content: { $expr: '"审批 " & event.subject & " 已通过"' } },
        }],
        edges: [],
      },
    },
  });
  const published = await publishFlow(db.prisma, { flowId: flow.id, comment: '', userId: null });
  expect(published).toMatchObject({ ok: true });
  worker = await startWorker({ prisma: db.prisma, redisUrl: REDIS_URL, prefix, secretKey, concurrency: 2, sweepIntervalMs: 1000, sweepGraceMs: 4000, leaseMarginMs: 5000, compensationEveryMs: 0, logger });
});

afterAll(async () => {
  await worker?.close();
  await sim?.close();
  await app?.close();
  await queue?.queue.obliterate({ force: true }).catch(() => undefined);
  await queue?.close();
  redis.disconnect();
  await db?.drop();
});

describe('WeCom callback URL', () => {
  it('passes WeCom’s URL verification (plaintext echo, nothing else)', async () => {
    const result = await simPost('callbacks/verify-url', {});
    expect(result).toMatchObject({ status: 200, matches: true });
    const { query } = buildWecomUrlVerification({ ...secrets, echo: '5927782489442352469' });
    const res = await app.inject({ method: 'GET', url: `${callbackPath}?${new URLSearchParams(query).toString()}` });
    expect(res.statusCode).toBe(200);
    expect(res.body).toBe('5927782489442352469');
    expect(res.headers['content-type']).toMatch(/^text\/plain/);
  });

  it('turns an approval into one CloudEvent and a run that messages WeCom back', async () => {
    const before = await counts();
    const delivered = await simPost('callbacks/approval-change', { spNo: '202611270001', spStatus: 2 });
    expect(delivered).toMatchObject({ status: 200, body: '' });
    const event = await db.prisma.event.findFirstOrThrow({ where: { type: 'com.qiao.wecom.approval_change' }, include: { runs: true } });
    expect(event).toMatchObject({ source: `wecom://${DEMO_CORP.corpId}/${agent.agentId}`, subject: '202611270001', runCount: 1 });
    expect(event.data).toMatchObject({ Event: 'sys_approval_change', ApprovalInfo: { SpNo: '202611270001', SpStatus: '2' } });
    expect(await counts()).toMatchObject({ events: before.events + 1, runs: before.runs + 1 });
    const runId = event.runs[0]?.id ?? '';
    await waitFor('the run to succeed', async () => ((await db.prisma.run.findUnique({ where: { id: runId } }))?.status === 'succeeded' ? true : undefined));
    const sent = sim.state.appMessages.find((m) => (m.body['text'] as { content?: string } | undefined)?.content === '审批 202611270001 已通过');
    expect(sent?.deliveredTo).toEqual(['caiwu01']);
    const connection = await db.prisma.connection.findUniqueOrThrow({ where: { id: connectionId } });
    expect(connection.lastUsedAt).not.toBeNull();
  });

  it('accepts a repeat (WeCom’s retry) with 200 and stores nothing twice', async () => {
    const message = toWecomXml({ ToUserName: secrets.corpId, FromUserName: 'sys', CreateTime: String(Math.floor(Date.now() / 1000)), MsgType: 'event', Event: 'sys_approval_change', AgentID: String(agent.agentId), ApprovalInfo: { SpNo: '202611270002', SpStatus: '1' } });
    const first = buildWecomCallback({ ...secrets, agentId: agent.agentId, message });
    expect((await post(first.query, first.body)).statusCode).toBe(200);
    const after = await counts();
    // A retry is encrypted and signed anew (new random prefix, nonce), but holds the same message.
    const retry = buildWecomCallback({ ...secrets, agentId: agent.agentId, message });
    expect(retry.encrypted).not.toBe(first.encrypted);
    expect((await post(retry.query, retry.body)).statusCode).toBe(200);
    expect((await post(first.query, first.body)).statusCode).toBe(200);
    expect(await counts()).toEqual(after);
    expect(await db.prisma.event.count({ where: { subject: '202611270002' } })).toBe(1);
  });

  it.each([
    ['a forged signature', 'signature', 401],
    ['a stale timestamp', 'timestamp', 401],
    ['another corp’s receiveid', 'receiveid', 400],
    ['bad padding', 'padding', 400],
  ])('refuses %s with a problem that says nothing more, writing nothing', async (_name, tamper, status) => {
    const before = await counts();
    const delivered = await simPost('callbacks/approval-change', { spNo: `forged-${tamper}`, tamper });
    expect(delivered.status).toBe(status);
    const problem = JSON.parse(delivered.body) as { detail: string; errors?: { path: string }[] };
    expect(problem.detail).toBe('The callback could not be verified; nothing was accepted.');
    // Which field, not why: enough for whoever configures the callback, nothing for someone probing it.
    const field = { signature: 'msg_signature', timestamp: 'timestamp', receiveid: 'Encrypt', padding: 'Encrypt' }[tamper];
    expect(problem.errors?.map((e) => e.path)).toEqual([field]);
    expect(await counts()).toEqual(before);
    const reason = { signature: 'bad_signature', timestamp: 'stale_timestamp', receiveid: 'bad_receive_id', padding: 'bad_padding' }[tamper];
    expect(logged).toContainEqual(expect.objectContaining({ msg: 'wecom callback rejected', reason, connectionId }));
  });

  it('refuses URL verification with a forged signature', async () => {
    const result = await simPost('callbacks/verify-url', { tamper: 'signature' });
    expect(result).toMatchObject({ status: 401, matches: false });
  });

  it('answers 404 for unknown connections and connections without callback settings', async () => {
    const other = await db.prisma.connection.create({ data: { name: 'robot only', connectorId: 'wecom', secret: createSecretBox(parseSecretKey(secretKey)).sealJson({ robotKey: 'abc' }) } });
    const signed = buildWecomCallback({ ...secrets, agentId: 1, message: toWecomXml({ MsgType: 'event', Event: 'x' }) });
    for (const path of ['/api/callbacks/wecom/not-a-uuid', '/api/callbacks/wecom/00000000-0000-4000-8000-000000000000', `/api/callbacks/wecom/${other.id}`]) {
      expect((await post(signed.query, signed.body, path)).statusCode).toBe(404);
    }
  });

  it('refuses bodies that are too large, not XML, or hold no usable event', async () => {
    const before = await counts();
    const signed = buildWecomCallback({ ...secrets, agentId: 1, message: toWecomXml({ MsgType: 'event', Event: '../x' }) });
    expect((await post(signed.query, signed.body)).statusCode).toBe(400);
    expect((await post(signed.query, 'x'.repeat(300_000))).statusCode).toBe(413);
    expect((await post(signed.query, '<xml><Encrypt>')).statusCode).toBe(400);
    const missing = await post({}, signed.body);
    expect(missing.statusCode).toBe(400);
    expect((JSON.parse(missing.body) as { errors?: { path: string }[] }).errors?.map((e) => e.path)).toEqual(['msg_signature']);
    const nul = buildWecomCallback({ ...secrets, agentId: 1, message: toWecomXml({ MsgType: 'event', Event: 'click', EventKey: 'a\u0000b' }) });
    expect((await post(nul.query, nul.body)).statusCode).toBe(400);
    expect(await counts()).toEqual(before);
  });

  it('works with the fuzz harness helpers (random secrets per connection)', async () => {
    const fixture = await createWecomCallbackConnection(db.prisma, createSecretBox(parseSecretKey(secretKey)));
    const echo = await app.inject(wecomUrlVerificationRequest(fixture, 'echo-123'));
    expect(echo.body).toBe('echo-123');
    const before = await counts();
    const accepted = await app.inject(wecomCallbackRequest(fixture, wecomApprovalMessage(fixture, 'FUZZ-1', { ApprovalInfo: { SpNo: 'FUZZ-1', SpStatus: '3' } })));
    expect(accepted.statusCode).toBe(200);
    expect((await counts()).events).toBe(before.events + 1);
    const other = await createWecomCallbackConnection(db.prisma, createSecretBox(parseSecretKey(secretKey)));
    const crossed = wecomCallbackRequest(other, wecomApprovalMessage(other, 'FUZZ-2'));
    expect((await app.inject({ ...crossed, url: crossed.url.replace(other.path, fixture.path) })).statusCode).toBe(401);
  });
});
