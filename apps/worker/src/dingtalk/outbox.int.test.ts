import { createHash, randomBytes } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { canonicalJson, compile } from '@qiao/flow';
import { createSessionStore, nodeTypeRegistry } from '@qiao/connectors';
import { createTestDatabase, type Prisma, type TestDatabase } from '@qiao/db';
import { acceptEvent, ConnectionResolver, createOutboxPort, createRedis, createSecretBox, createStepQueue, drainOutbox, silentLogger, startWorker, type OutboxDeps, type StepQueue } from '@qiao/runtime';
import { createSimulator, type Simulator } from '@qiao/dingtalk-sim';

// The outbox against real PostgreSQL and Redis and the DingTalk simulator, with the robot's
// 20-per-minute window shortened to 1 s on both sides so the test runs in seconds.

const WINDOW_MS = 1000;
const SECRET = 'SECoutboxsecret';
const key = randomBytes(32);
const box = createSecretBox(key);
const prefix = `qiao_dt_${randomBytes(4).toString('hex')}`;
const redisUrl = 'redis://127.0.0.1:6379';
const redis = createRedis(redisUrl, 'producer');

let db: TestDatabase;
let sim: Simulator;
let queue: StepQueue;

beforeAll(async () => {
  db = await createTestDatabase('qiao_outbox_test');
  sim = await createSimulator({ limits: { robotPerWindow: 20, robotWindowMs: WINDOW_MS, robotThrottleMs: 60_000 } });
  queue = createStepQueue(redis, prefix);
});

afterAll(async () => {
  await queue.queue.obliterate({ force: true }).catch(() => undefined);
  await queue.close();
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length > 0) await redis.del(...keys);
  redis.disconnect();
  await sim.close();
  await db.drop();
});

beforeEach(() => sim.state.reset());

async function robotConnection(options: { digestThreshold?: number } = {}): Promise<{ id: string; token: string }> {
  const token = randomBytes(8).toString('hex');
  sim.state.robots.set(token, { accessToken: token, secret: SECRET });
  const credentials = { kind: 'robot', baseUrl: sim.url, accessToken: token, secret: SECRET, digestThreshold: options.digestThreshold ?? 0, timeoutMs: 5000 };
  const row = await db.prisma.connection.create({ data: { name: `robot-${token}`, connectorId: 'dingtalk', secret: box.sealJson(credentials) } });
  return { id: row.id, token };
}

function deps(): OutboxDeps {
  return { prisma: db.prisma, connections: new ConnectionResolver(db.prisma, box, 0), sessions: createSessionStore(), logger: silentLogger };
}

const contents = (token: string) => sim.state.robotMessages.filter((m) => m.accessToken === token).map((m) => (m.body as { text?: { content: string }; markdown?: { text: string } }).text?.content ?? (m.body as { markdown: { text: string } }).markdown.text);

async function until(check: () => Promise<boolean> | boolean, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function enqueue(connectionId: string, n: number, tag: string): Promise<void> {
  const port = createOutboxPort(db.prisma);
  for (let i = 0; i < n; i += 1) {
    await port.enqueue({ channel: 'dingtalk.robot', connectionId, dedupeKey: `${tag}-${i}`, payload: { msgtype: 'text', text: { content: `${tag}-${i}` } } });
  }
}

describe('DingTalk robot outbox', () => {
  it('45 messages from a flow reach one robot exactly once, within 20 per window, across a worker restart', async () => {
    const robot = await robotConnection();
    const document = {
      schemaVersion: 1, name: 'notify', trigger: { eventType: 'outbound.audited' },
      nodes: [{
        id: 'notify', type: 'dingtalk.sendRobotMessage', connectionId: robot.id, position: { x: 0, y: 0 },
        retry: { maxAttempts: 3, initialDelayMs: 50, maxDelayMs: 200, multiplier: 2 },
        parameters: { message: { msgtype: 'text', text: { content: { $expr: '"出库单 " & event.data.no & " 已审核"' } } } },
      }],
      edges: [],
    };
    const compiled = compile(document, nodeTypeRegistry());
    if (!compiled.ok) throw new Error(JSON.stringify(compiled.errors));
    const flow = await db.prisma.flow.create({ data: { name: 'notify', draft: document as Prisma.InputJsonValue, status: 'published', triggerType: 'outbound.audited', publishedVersion: 1 } });
    await db.prisma.flowVersion.create({ data: { flowId: flow.id, version: 1, definition: document as Prisma.InputJsonValue, plan: compiled.plan as unknown as Prisma.InputJsonValue, planHash: createHash('sha256').update(canonicalJson(compiled.plan)).digest('hex') } });

    const start = () => startWorker({ prisma: db.prisma, redisUrl, prefix, secretKey: key.toString('hex'), concurrency: 8, sweepIntervalMs: 300, sweepGraceMs: 500, leaseMarginMs: 200, logger: silentLogger, outboxEveryMs: 100, outboxRateWindowMs: WINDOW_MS, compensationEveryMs: 0 });
    let worker = await start();
    try {
      for (let i = 0; i < 45; i += 1) {
        await acceptEvent({ prisma: db.prisma, queue, logger: silentLogger }, { event: { specversion: '1.0', id: `out-${i}`, source: '/wms', type: 'outbound.audited', data: { no: `OUT-${i}` } } });
      }
      // The steps complete as soon as their message is queued, long before all are sent.
      await until(async () => (await db.prisma.run.count({ where: { flowId: flow.id, status: 'succeeded' } })) === 45);
      await until(() => contents(robot.token).length >= 10);
      await worker.close();
      worker = await start();
      await until(async () => (await db.prisma.outboxMessage.count({ where: { connectionId: robot.id, status: 'sent' } })) === 45);
    } finally {
      await worker.close();
    }
    const sent = contents(robot.token);
    expect(sent).toHaveLength(45);
    expect(new Set(sent).size).toBe(45);
    expect(sim.state.robotRejections).toEqual([]);
    const outputs = await db.prisma.step.findMany({ where: { run: { flowId: flow.id } }, select: { output: true } });
    expect(outputs.every((s) => (s.output as { status: string }).status === 'queued')).toBe(true);
    // It took at least three windows: the limit held.
    const times = sim.state.robotMessages.map((m) => m.receivedAt).sort((a, b) => a - b);
    expect((times.at(-1) ?? 0) - (times[0] ?? 0)).toBeGreaterThanOrEqual(2 * WINDOW_MS);
  });

  it('two drainers running at once share the 20-per-window limit and send each message once', async () => {
    // Two drainers in one process delay each other's calls: a call reaches the robot a variable time
    // after its claim, which the window must allow for (a breach would throttle the robot for minutes).
    const robot = await robotConnection();
    await enqueue(robot.id, 50, 'pair');
    const deadline = Date.now() + 20_000;
    const loop = async () => {
      const ownDeps = deps();
      while (Date.now() < deadline && (await db.prisma.outboxMessage.count({ where: { connectionId: robot.id, status: { not: 'sent' } } })) > 0) {
        await drainOutbox(ownDeps, { rateWindowMs: WINDOW_MS });
        await new Promise((r) => setTimeout(r, 20));
      }
    };
    await Promise.all([loop(), loop()]);
    const sent = contents(robot.token);
    expect(sent).toHaveLength(50);
    expect(new Set(sent).size).toBe(50);
    expect(sim.state.robotRejections).toEqual([]);
  });

  it('a repeated enqueue (the step ran again) returns the first entry and sends once', async () => {
    const robot = await robotConnection();
    const port = createOutboxPort(db.prisma);
    const entry = { channel: 'dingtalk.robot', connectionId: robot.id, dedupeKey: 'same-step', payload: { msgtype: 'text', text: { content: 'once' } } };
    const first = await port.enqueue(entry);
    const again = await port.enqueue(entry);
    expect(again).toEqual({ id: first.id, status: 'queued', duplicate: true });
    await drainOutbox(deps(), { rateWindowMs: WINDOW_MS });
    expect(contents(robot.token)).toEqual(['once']);
  });

  it('a burst over the digest threshold goes out as markdown digests of at most 20; a small one does not', async () => {
    const small = await robotConnection({ digestThreshold: 5 });
    await enqueue(small.id, 3, 'small');
    const burst = await robotConnection({ digestThreshold: 5 });
    await enqueue(burst.id, 30, 'burst');
    await drainOutbox(deps(), { rateWindowMs: WINDOW_MS });
    expect(contents(small.token)).toEqual(['small-0', 'small-1', 'small-2']);
    // 30 waiting > 5: a digest of 20 (the most one digest takes), then 10 still > 5: a digest of 10.
    const digests = sim.state.robotMessages.filter((m) => m.accessToken === burst.token);
    expect(digests).toHaveLength(2);
    expect(digests.every((d) => (d.body as { msgtype: string }).msgtype === 'markdown')).toBe(true);
    const entries = contents(burst.token).flatMap((text) => text.split('\n\n---\n\n'));
    expect(entries).toHaveLength(30);
    entries.forEach((entry, i) => expect(entry.endsWith(`${(i % 20) + 1}. burst-${i}`)).toBe(true));
    const rows = await db.prisma.outboxMessage.findMany({ where: { connectionId: burst.id }, select: { status: true, batchId: true } });
    expect(rows.every((r) => r.status === 'sent' && r.batchId !== null)).toBe(true);
    expect(new Set(rows.map((r) => r.batchId)).size).toBe(2);
  });

  it('a drainer that dies after claiming, before sending: the message is sent once by the next one', async () => {
    const robot = await robotConnection();
    await enqueue(robot.id, 5, 'crash-before');
    let release: () => void = () => undefined;
    const stuck = new Promise<void>((resolve) => (release = resolve));
    const dead = drainOutbox(deps(), { rateWindowMs: WINDOW_MS, leaseMs: 400, hooks: { beforeDeliver: () => stuck } });
    await until(async () => (await db.prisma.outboxMessage.count({ where: { connectionId: robot.id, status: 'sending' } })) === 1);
    await new Promise((r) => setTimeout(r, 450));
    const stats = await drainOutbox(deps(), { rateWindowMs: WINDOW_MS, leaseMs: 5000 });
    expect(stats.recovered).toBe(1);
    // The stalled drainer wakes up past its lease: it must not send.
    release();
    await dead;
    expect(contents(robot.token).sort()).toEqual(['crash-before-0', 'crash-before-1', 'crash-before-2', 'crash-before-3', 'crash-before-4']);
  });

  it('a drainer that dies after DingTalk accepted, before recording: resent and flagged uncertain (the documented at-least-once window)', async () => {
    const robot = await robotConnection();
    await enqueue(robot.id, 1, 'crash-after');
    let release: () => void = () => undefined;
    const stuck = new Promise<void>((resolve) => (release = resolve));
    const dead = drainOutbox(deps(), { rateWindowMs: WINDOW_MS, leaseMs: 400, hooks: { afterDeliver: () => stuck } });
    await until(() => contents(robot.token).length === 1);
    await new Promise((r) => setTimeout(r, 450));
    await drainOutbox(deps(), { rateWindowMs: WINDOW_MS, leaseMs: 5000 });
    release();
    await dead;
    expect(contents(robot.token)).toEqual(['crash-after-0', 'crash-after-0']);
    const row = await db.prisma.outboxMessage.findFirstOrThrow({ where: { connectionId: robot.id } });
    expect(row).toMatchObject({ status: 'sent', uncertain: true, attempts: 2 });
  });

  it('a database hiccup while recording a send does not make the message go out twice', async () => {
    const robot = await robotConnection();
    await enqueue(robot.id, 1, 'record-blip');
    // The drainer's PostgreSQL connection drops once, right when it records `sent` (DingTalk already has the message).
    let failNext = true;
    const flaky = new Proxy(db.prisma, {
      get(target, prop) {
        const value: unknown = Reflect.get(target, prop, target);
        if (prop === '$executeRaw') {
          return (strings: TemplateStringsArray, ...values: unknown[]) => {
            if (failNext && strings.join('?').includes("'sent'")) {
              failNext = false;
              return Promise.reject(new Error('Connection terminated unexpectedly'));
            }
            return target.$executeRaw(strings, ...values);
          };
        }
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      },
    });
    await drainOutbox({ ...deps(), prisma: flaky }, { rateWindowMs: WINDOW_MS, leaseMs: 2000 }).catch(() => undefined);
    expect(failNext).toBe(false);
    // Later passes, after the lease: nothing may be sent again.
    await new Promise((r) => setTimeout(r, 2100));
    await drainOutbox(deps(), { rateWindowMs: WINDOW_MS, leaseMs: 5000 });
    expect(contents(robot.token)).toEqual(['record-blip-0']);
    const row = await db.prisma.outboxMessage.findFirstOrThrow({ where: { connectionId: robot.id } });
    expect(row).toMatchObject({ status: 'sent', uncertain: false, attempts: 1 });
  });

  it('a permanent refusal is kept as failed with the reason; a retryable one is retried', async () => {
    const robot = await robotConnection();
    await enqueue(robot.id, 2, 'faults');
    sim.state.faults.push({ target: 'robot', kind: 'errcode', errcode: -1, errmsg: '系统繁忙', times: 1 });
    sim.state.robots.set(robot.token, { accessToken: robot.token, secret: SECRET });
    await drainOutbox(deps(), { rateWindowMs: WINDOW_MS });
    // -1 → retried after a backoff; the second message was not held up.
    await until(async () => {
      await drainOutbox(deps(), { rateWindowMs: WINDOW_MS });
      return (await db.prisma.outboxMessage.count({ where: { connectionId: robot.id, status: 'sent' } })) === 2;
    });
    const other = await robotConnection();
    await enqueue(other.id, 1, 'refused');
    sim.state.robots.set(other.token, { accessToken: other.token, secret: 'SECchanged' });
    await drainOutbox(deps(), { rateWindowMs: WINDOW_MS });
    const failed = await db.prisma.outboxMessage.findFirstOrThrow({ where: { connectionId: other.id } });
    expect(failed.status).toBe('failed');
    expect(failed.error).toMatchObject({ code: 'dingtalk_310000', retryable: false });
    const connection = await db.prisma.connection.findUniqueOrThrow({ where: { id: other.id } });
    expect(connection.lastError).toMatch(/310000/);
  });
});
