import { pino } from 'pino';
import { createPrisma } from '@qiao/db';
import { createEagerExecution, createRedis, createSecretBox, createStepQueue, parseSecretKey } from '@qiao/runtime';
import { buildServer } from './app';
import { ensureFirstAdmin } from './auth/first-admin';
import { LoginThrottle } from './auth/login-throttle';
import { loadEnv } from './env';
import { ApiKeyVerifier } from './gateway/api-keys';
import { IdempotencyStore } from './gateway/idempotency';
import { EagerThread } from './eager/eager-thread';
import { runServerProcesses } from './server-processes';
import { assertSafeListen, loadTlsOptions } from './tls';

/** The executor thread's entry: next to the bundle in dist, or a loader for the TypeScript source when run through tsx. */
function eagerThreadEntry(): URL {
  return import.meta.url.endsWith('.mjs') ? new URL('./eager-thread.mjs', import.meta.url) : new URL('./eager/thread-source.mjs', import.meta.url);
}

async function main(): Promise<void> {
  const env = loadEnv();
  const separateGateway = env.GATEWAY_PORT !== undefined;
  const gatewayHost = env.GATEWAY_HOST ?? env.HOST;
  // With a separate gateway port, client certificates are asked for there only; browsers on PORT need none.
  const gatewayTls = loadTlsOptions({ certFile: env.TLS_CERT_FILE, keyFile: env.TLS_KEY_FILE, caFile: env.TLS_CA_FILE });
  const appTls = separateGateway ? loadTlsOptions({ certFile: env.TLS_CERT_FILE, keyFile: env.TLS_KEY_FILE }) : gatewayTls;
  const terminatedByProxy = env.TLS_TERMINATED_BY_PROXY === 'true';
  assertSafeListen({ host: env.HOST, tls: appTls !== null, terminatedByProxy });
  if (separateGateway) assertSafeListen({ host: gatewayHost, tls: gatewayTls !== null, terminatedByProxy });
  const logger = pino({ level: env.LOG_LEVEL, base: { app: 'server', pid: process.pid } });
  const prisma = createPrisma(env.DATABASE_URL, { max: env.DATABASE_POOL_SIZE });
  const redis = createRedis(env.REDIS_URL, 'producer');
  const queue = createStepQueue(redis, env.QUEUE_PREFIX);
  const box = createSecretBox(parseSecretKey(env.QIAO_SECRET_KEY));
  const eager = env.EAGER_STEPS === 0 ? undefined : env.EAGER_THREAD === 'true'
    ? { port: new EagerThread(eagerThreadEntry(), {
        databaseUrl: env.DATABASE_URL, databasePoolSize: env.DATABASE_POOL_SIZE, redisUrl: env.REDIS_URL, queuePrefix: env.QUEUE_PREFIX,
        secretKey: env.QIAO_SECRET_KEY, leaseMarginMs: env.LEASE_MARGIN_MS, capacity: env.EAGER_STEPS, logLevel: env.LOG_LEVEL,
      }, logger), leaseMarginMs: env.LEASE_MARGIN_MS }
    : createEagerExecution({ prisma, queue, redis, prefix: env.QUEUE_PREFIX, box, logger, leaseMarginMs: env.LEASE_MARGIN_MS }, env.EAGER_STEPS);
  const services = {
    eager,
    prisma,
    box,
    queue,
    logger,
    verifier: new ApiKeyVerifier({ prisma, box, redis, versionKey: `${env.QUEUE_PREFIX}:gw:api-keys-version`, logger }),
    loginThrottle: new LoginThrottle({ redis, prefix: env.QUEUE_PREFIX, onRedisError: (err) => logger.warn({ err: String(err) }, 'login throttle counting in this process: Redis did not answer') }),
    sessionTtlMs: env.SESSION_TTL_HOURS * 3600_000,
    cookieSecure: env.COOKIE_SECURE ? env.COOKIE_SECURE === 'true' : env.NODE_ENV === 'production',
    production: env.NODE_ENV === 'production',
  };
  const common = {
    services, maxEventBytes: env.MAX_EVENT_BYTES, logger, ...(env.TRUST_PROXY ? { trustProxy: env.TRUST_PROXY } : {}), pingRedis: async () => void (await redis.ping()),
    gateway: { redis, redisPrefix: env.QUEUE_PREFIX, rateLimitPerMinute: env.GATEWAY_RATE_LIMIT_PER_MINUTE, idempotencyTtlMs: env.GATEWAY_IDEMPOTENCY_TTL_HOURS * 3600_000 },
  };
  const app = await buildServer({ ...common, ...(env.WEB_DIST ? { webDist: env.WEB_DIST } : {}), https: appTls, serves: separateGateway ? 'app' : 'all' });
  const gatewayApp = separateGateway ? await buildServer({ ...common, https: gatewayTls, serves: 'gateway' }) : null;
  await ensureFirstAdmin(prisma, { username: env.QIAO_ADMIN_USERNAME, password: env.QIAO_ADMIN_PASSWORD, logger });
  await app.listen({ host: env.HOST, port: env.PORT });
  if (gatewayApp) await gatewayApp.listen({ host: gatewayHost, port: env.GATEWAY_PORT });
  app.log.info({ tls: appTls !== null, gatewayPort: env.GATEWAY_PORT ?? env.PORT, gatewayTls: gatewayTls !== null, mutualTls: Boolean(env.TLS_CA_FILE) }, 'server listening');
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
    await gatewayApp?.close();
    await app.close();
    // Steps in hand finish and commit (or are aborted after the grace period and left to a worker).
    await eager?.port.close(env.SHUTDOWN_GRACE_MS);
    await queue.close();
    redis.disconnect();
    await prisma.$disconnect();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

// One process, or a primary and SERVER_PROCESSES workers that each run main.
runServerProcesses(main);
