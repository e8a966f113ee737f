import { pino } from 'pino';
import { createPrisma } from '@qiao/db';
import { createRedis, createSecretBox, createStepQueue, parseSecretKey } from '@qiao/runtime';
import { buildServer } from './app';
import { ensureFirstAdmin } from './auth/first-admin';
import { loadEnv } from './env';
import { ApiKeyVerifier } from './gateway/api-keys';
import { IdempotencyStore } from './gateway/idempotency';
import { assertSafeListen, loadTlsOptions } from './tls';

async function main(): Promise<void> {
  const env = loadEnv();
  const https = loadTlsOptions({ certFile: env.TLS_CERT_FILE, keyFile: env.TLS_KEY_FILE, caFile: env.TLS_CA_FILE });
  assertSafeListen({ host: env.HOST, tls: https !== null, terminatedByProxy: env.TLS_TERMINATED_BY_PROXY === 'true' });
  const logger = pino({ level: env.LOG_LEVEL, base: { app: 'server' } });
  const prisma = createPrisma(env.DATABASE_URL, { max: env.DATABASE_POOL_SIZE });
  const redis = createRedis(env.REDIS_URL, 'producer');
  const queue = createStepQueue(redis, env.QUEUE_PREFIX);
  const box = createSecretBox(parseSecretKey(env.QIAO_SECRET_KEY));
  const services = {
    prisma,
    box,
    queue,
    logger,
    verifier: new ApiKeyVerifier({ prisma, box, redis, versionKey: `${env.QUEUE_PREFIX}:gw:api-keys-version`, logger }),
    sessionTtlMs: env.SESSION_TTL_HOURS * 3600_000,
    cookieSecure: env.COOKIE_SECURE ? env.COOKIE_SECURE === 'true' : env.NODE_ENV === 'production',
    production: env.NODE_ENV === 'production',
  };
  const app = await buildServer({ services, maxEventBytes: env.MAX_EVENT_BYTES, logger, ...(env.WEB_DIST ? { webDist: env.WEB_DIST } : {}), ...(env.TRUST_PROXY ? { trustProxy: env.TRUST_PROXY } : {}), pingRedis: async () => void (await redis.ping()),
    https,
    gateway: { redis, redisPrefix: env.QUEUE_PREFIX, rateLimitPerMinute: env.GATEWAY_RATE_LIMIT_PER_MINUTE, idempotencyTtlMs: env.GATEWAY_IDEMPOTENCY_TTL_HOURS * 3600_000 },
  });
  await ensureFirstAdmin(prisma, { username: env.QIAO_ADMIN_USERNAME, password: env.QIAO_ADMIN_PASSWORD, logger });
  await app.listen({ host: env.HOST, port: env.PORT });
  app.log.info({ tls: https !== null, mutualTls: Boolean(env.TLS_CA_FILE) }, 'server listening');
  // Expired Idempotency-Key records are also overwritten on reuse; this keeps the table small.
  const idempotency = new IdempotencyStore(prisma, 0);
  const cleanup = setInterval(() => {
    idempotency.deleteExpired().catch((err: unknown) => app.log.warn({ err }, 'could not delete expired Idempotency-Key records'));
  }, 15 * 60_000);
  cleanup.unref();

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'server stopping');
    clearInterval(cleanup);
    await app.close();
    await queue.close();
    redis.disconnect();
    await prisma.$disconnect();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
