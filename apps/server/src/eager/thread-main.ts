// The executor thread: runs the steps the accepting thread claimed, so their CPU work (mapping, HTTP
// calls, commits) does not sit in the event loop that answers the gateway.
import { parentPort, workerData } from 'node:worker_threads';
import { pino } from 'pino';
import { createPrisma } from '@qiao/db';
import { createExecutorDeps, createRedis, createSecretBox, createStepQueue, EagerExecutor, LocalEager, parseSecretKey } from '@qiao/runtime';
import type { EagerThreadConfig, FromThread, ToThread } from './thread-protocol';

const port = parentPort;
if (!port) throw new Error('thread-main runs as a worker thread of the server');
const config = workerData as EagerThreadConfig;
const logger = pino({ level: config.logLevel, base: { app: 'server', thread: 'eager', pid: process.pid } });
// Steps use the hot-path pool; Prisma here only reads plans and connections (cached) and writes the outbox.
const prisma = createPrisma(config.databaseUrl, { max: 2, hotMax: Math.max(2, Math.ceil(config.databasePoolSize / 2)) });
const redis = createRedis(config.redisUrl, 'producer');
const queue = createStepQueue(redis, config.queuePrefix);
const box = createSecretBox(parseSecretKey(config.secretKey));
const deps = createExecutorDeps({ prisma, queue, redis, prefix: config.queuePrefix, box, logger, leaseMarginMs: config.leaseMarginMs });
const executor = new EagerExecutor(deps, { capacity: config.capacity });
// The accepting thread reserved each entry step's slot; this executor counts it from arrival on.
const local = new LocalEager(executor, deps.plans, { adopt: true });
const send = (message: FromThread) => port.postMessage(message);

port.on('message', (message: ToThread) => {
  if (message.type === 'run') {
    local.startAndWait(message.handoff).finally(() => send({ type: 'done' })).catch(() => undefined);
    return;
  }
  void (async () => {
    await executor.close(message.graceMs);
    await queue.close().catch(() => undefined);
    redis.disconnect();
    await prisma.$disconnect().catch(() => undefined);
    send({ type: 'closed' });
    port.close();
  })();
});
