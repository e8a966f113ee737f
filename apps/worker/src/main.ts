import { pino } from 'pino';
import { createPrisma } from '@qiao/db';
import { createRedis, createSecretBox, createStepQueue, parseSecretKey, startWorker } from '@qiao/runtime';
import { startStreamSubscribers } from './dingtalk/stream-subscribers';
import { loadEnv } from './env';

async function main(): Promise<void> {
  const env = loadEnv();
  const logger = pino({ level: env.LOG_LEVEL, base: { app: 'worker', pid: process.pid } });
  const prisma = createPrisma(env.DATABASE_URL, { max: env.DATABASE_POOL_SIZE });
  const worker = await startWorker({
    prisma,
    redisUrl: env.REDIS_URL,
    prefix: env.QUEUE_PREFIX,
    secretKey: env.QIAO_SECRET_KEY,
    concurrency: env.WORKER_CONCURRENCY,
    sweepIntervalMs: env.SWEEP_INTERVAL_MS,
    sweepGraceMs: env.SWEEP_GRACE_MS,
    leaseMarginMs: env.LEASE_MARGIN_MS,
    compensationEveryMs: env.COMPENSATION_INTERVAL_MS,
    reconciliationEveryMs: env.RECONCILIATION_INTERVAL_MS,
    erpTimeZone: env.ERP_TIME_ZONE,
    logger,
    ...(env.MQTT_TRIGGERS ? { mqtt: { pollIntervalMs: env.MQTT_POLL_INTERVAL_MS, lockTtlMs: Math.max(env.MQTT_LOCK_TTL_MS, env.MQTT_POLL_INTERVAL_MS * 3) } } : {}),
  });
  logger.info({ concurrency: env.WORKER_CONCURRENCY }, 'worker started');
  // DingTalk Stream mode (app connections with mode "stream"): events arrive over the SDK's WebSocket instead of HTTP push.
  const streamRedis = createRedis(env.REDIS_URL, 'producer');
  const streamQueue = createStepQueue(streamRedis, env.QUEUE_PREFIX);
  const streams = await startStreamSubscribers({ prisma, box: createSecretBox(parseSecretKey(env.QIAO_SECRET_KEY)), queue: streamQueue, logger });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'worker stopping: finishing steps in hand');
    streams.close();
    await worker.close();
    await streamQueue.close();
    streamRedis.disconnect();
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
