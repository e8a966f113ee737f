import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { drainOutbox, type DrainOptions, type DrainStats, type OutboxDeps } from './drain-outbox';

export const OUTBOX_QUEUE = 'qiao-outbox';

export interface OutboxDrainerOptions extends Omit<DrainOptions, 'signal'> {
  /** A worker-role Redis connection (BullMQ blocks on it); duplicated for the worker. */
  redis: Redis;
  prefix: string;
  /** How often the outbox is drained (one BullMQ job scheduler per cluster); default 1000 ms. */
  everyMs?: number;
  onDrained?(stats: DrainStats): void;
}

export interface OutboxDrainer {
  /** Runs one pass now, outside the schedule (tests, operators). */
  drainNow(): Promise<DrainStats>;
  /** Stops scheduling; lets a pass in progress finish its current send and record it. */
  close(): Promise<void>;
}

/**
 * Drains the outbox on a BullMQ job scheduler, so however many workers run, one pass starts per
 * interval; passes that do overlap are safe because every claim is under a per-connection advisory lock.
 */
export async function startOutboxDrainer(deps: OutboxDeps, options: OutboxDrainerOptions): Promise<OutboxDrainer> {
  const stopping = new AbortController();
  const drainOptions: DrainOptions = { ...options, signal: stopping.signal };
  const queue = new Queue(OUTBOX_QUEUE, { connection: options.redis, prefix: options.prefix });
  const workerRedis = options.redis.duplicate();
  const worker = new Worker(OUTBOX_QUEUE, async () => {
    const stats = await drainOutbox(deps, drainOptions);
    options.onDrained?.(stats);
    return stats;
  }, { connection: workerRedis, prefix: options.prefix, concurrency: 1 });
  worker.on('error', (err) => deps.logger.error({ err: String(err) }, 'outbox drainer error'));
  worker.on('failed', (_job, err) => deps.logger.warn({ err: String(err) }, 'outbox pass failed; the next one retries'));
  await worker.waitUntilReady();
  await queue.upsertJobScheduler('outbox-drain', { every: options.everyMs ?? 1000 }, { name: 'drain', opts: { removeOnComplete: 10, removeOnFail: 50 } });
  return {
    drainNow: () => drainOutbox(deps, drainOptions),
    async close() {
      stopping.abort();
      await worker.close();
      await queue.close();
      workerRedis.disconnect();
    },
  };
}
