/**
 * bench/wecom-callbacks: N WeCom approval callbacks at concurrency C into a real server (over HTTP,
 * PostgreSQL and Redis on this machine), each verified, decrypted, parsed and committed as a CloudEvent;
 * next to a baseline in the same run: the same number of plain CloudEvents of the same data through
 * the event gateway (POST /api/events), which skips only the WeCom crypto and XML. Also times URL
 * verification (WeCom allows 1 s) — events are allowed 5 s.
 *
 *   pnpm exec tsx bench/wecom-callbacks.ts [--events 1000] [--concurrency 16]
 */
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { pino } from 'pino';
import { createTestDatabase } from '@qiao/db';
import { createRedis, createSecretBox, createStepQueue } from '@qiao/runtime';
import { buildServer } from '../apps/server/src/app';
import { LoginThrottle } from '../apps/server/src/auth/login-throttle';
import { ApiKeyVerifier, issueApiKey } from '../apps/server/src/gateway/api-keys';
import { createWecomCallbackConnection, wecomApprovalMessage, wecomCallbackRequest, wecomUrlVerificationRequest } from '../apps/server/src/test-support/wecom-callback';
import { pool } from '../e2e/support/orders';
import { fmt, summary } from './stats';

const { values } = parseArgs({ options: { events: { type: 'string', default: '1000' }, concurrency: { type: 'string', default: '16' } } });
const N = Number(values.events);
const C = Number(values.concurrency);

const db = await createTestDatabase('qiao_bench_wecom');
const redis = createRedis('redis://127.0.0.1:6379', 'producer');
const prefix = `qiao_bench_wecom_${randomBytes(4).toString('hex')}`;
const queue = createStepQueue(redis, prefix);
const logger = pino({ level: 'warn' });
const box = createSecretBox(randomBytes(32));
const app = await buildServer({
  services: { prisma: db.prisma, box, queue, logger, verifier: new ApiKeyVerifier({ prisma: db.prisma, box, redis, versionKey: `${prefix}:gw:api-keys-version` }), loginThrottle: new LoginThrottle({ redis, prefix }), sessionTtlMs: 3600_000, cookieSecure: false, production: false },
  maxEventBytes: 1024 * 1024,
  logger,
  pingRedis: async () => void (await redis.ping()),
  gateway: { redis, redisPrefix: prefix, rateLimitPerMinute: 1_000_000, idempotencyTtlMs: 3600_000 },
});
try {
  const base = await app.listen({ host: '127.0.0.1', port: 0 });
  const issued = issueApiKey();
  await db.prisma.apiKey.create({ data: { name: 'bench', source: '*', scopes: ['*', 'com.qiao.wecom.*'], prefix: issued.prefix, keyHash: issued.keyHash } });
  const fixture = await createWecomCallbackConnection(db.prisma, box);

  const timed = async (requests: (() => Promise<Response>)[], expected: number) => {
    const latencies: number[] = [];
    const started = performance.now();
    await pool(requests, C, async (send) => {
      const t0 = performance.now();
      const res = await send();
      await res.text();
      if (res.status !== expected) throw new Error(`unexpected HTTP ${res.status}`);
      latencies.push(performance.now() - t0);
    });
    return { ...summary(latencies), perSecond: requests.length / ((performance.now() - started) / 1000) };
  };

  // Warm-up (JIT, connection pools), not measured.
  await timed(Array.from({ length: 50 }, (_, i) => () => fetch(`${base}/api/events`, { method: 'POST', headers: { authorization: `Bearer ${issued.key}`, 'content-type': 'application/cloudevents+json' }, body: JSON.stringify({ specversion: '1.0', id: `warm-${i}`, source: 'bench/warm', type: 'warm' }) })), 202);
  await timed(Array.from({ length: 50 }, (_, i) => { const r = wecomCallbackRequest(fixture, wecomApprovalMessage(fixture, `WARM-${i}`)); return () => fetch(`${base}${r.url}`, { method: 'POST', body: r.payload }); }), 200);

  // Baseline: the same approval data as a plain CloudEvent through the gateway.
  const gateway = await timed(
    Array.from({ length: N }, (_, i) => () =>
      fetch(`${base}/api/events`, {
        method: 'POST',
        headers: { authorization: `Bearer ${issued.key}`, 'content-type': 'application/cloudevents+json' },
        body: JSON.stringify({ specversion: '1.0', id: `base-${i}`, source: 'bench/wecom', type: 'com.qiao.wecom.approval_change', subject: `BASE-${i}`, data: { ApprovalInfo: { SpNo: `BASE-${i}`, SpStatus: '2', StatuChangeEvent: '2' } } }),
      })),
    202,
  );
  const callbacks = await timed(
    Array.from({ length: N }, (_, i) => {
      const request = wecomCallbackRequest(fixture, wecomApprovalMessage(fixture, `SP-${i}`));
      return () => fetch(`${base}${request.url}`, { method: 'POST', headers: { 'content-type': 'text/xml' }, body: request.payload });
    }),
    200,
  );
  const verification = await timed(
    Array.from({ length: N }, (_, i) => {
      const request = wecomUrlVerificationRequest(fixture, `echo-${i}`);
      return () => fetch(`${base}${request.url}`);
    }),
    200,
  );
  const events = await db.prisma.event.count({ where: { source: { startsWith: 'wecom://' } } });
  if (events !== N + 50) throw new Error(`expected ${N + 50} WeCom events, found ${events}`);

  const row = (name: string, s: typeof gateway) => `${name.padEnd(44)} ${fmt(s.perSecond, 0).padStart(8)}/s   p50 ${fmt(s.p50).padStart(6)} ms   p99 ${fmt(s.p99).padStart(6)} ms   max ${fmt(s.max).padStart(6)} ms`;
  console.log(`\nWeCom callbacks: ${N} requests each, concurrency ${C}, one server process\n`);
  console.log(row('baseline: POST /api/events (same data)', gateway));
  console.log(row('WeCom event callback (verify+decrypt+commit)', callbacks));
  console.log(row('WeCom URL verification (no database write)', verification));
  console.log('\nWeCom allows 5 s for an event and 1 s for URL verification.');
} finally {
  await app.close();
  await queue.queue.obliterate({ force: true }).catch(() => undefined);
  await queue.close();
  const leftovers = await redis.keys(`${prefix}:gw:*`);
  if (leftovers.length > 0) await redis.del(...leftovers);
  redis.disconnect();
  await db.drop();
}
