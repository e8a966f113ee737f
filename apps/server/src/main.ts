import { pino } from 'pino';
import { createPrisma } from '@qiao/db';
import { createRedis, createSecretBox, createStepQueue, parseSecretKey } from '@qiao/runtime';
import { buildServer } from './app';
import { ensureFirstAdmin } from './auth/first-admin';
import { loadEnv } from './env';
import { ApiKeyVerifier } from './gateway/api-keys';

async function main(): Promise<void> {
  const env = loadEnv();
  const logger = pino({ level: env.LOG_LEVEL, base: { app: 'server' } });
  const prisma = createPrisma(env.DATABASE_URL, { max: env.DATABASE_POOL_SIZE });
  const redis = createRedis(env.REDIS_URL, 'producer');
  const queue = createStepQueue(redis, env.QUEUE_PREFIX);
  const services = {
    prisma,
    box: createSecretBox(parseSecretKey(env.QIAO_SECRET_KEY)),
    queue,
    logger,
    verifier: new ApiKeyVerifier(prisma),
    sessionTtlMs: env.SESSION_TTL_HOURS * 3600_000,
    cookieSecure: env.COOKIE_SECURE ? env.COOKIE_SECURE === 'true' : env.NODE_ENV === 'production',
    production: env.NODE_ENV === 'production',
  };
  const app = await buildServer({ services, maxEventBytes: env.MAX_EVENT_BYTES, logger, ...(env.WEB_DIST ? { webDist: env.WEB_DIST } : {}), ...(env.TRUST_PROXY ? { trustProxy: env.TRUST_PROXY } : {}), pingRedis: async () => void (await redis.ping()) });
  await ensureFirstAdmin(prisma, { username: env.QIAO_ADMIN_USERNAME, password: env.QIAO_ADMIN_PASSWORD, logger });
  await app.listen({ host: env.HOST, port: env.PORT });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    app.log.info({ signal }, 'server stopping');
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
