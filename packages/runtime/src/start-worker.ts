import { setMaxListeners } from 'node:events';
import { DelayedError, Queue, Worker } from 'bullmq';
import { compensate } from './compensation';
import type { PrismaClient } from '@qiao/db';
import { executeStep } from './execute-step';
import { createExecutorDeps } from './executor-deps';
import type { Logger } from './logger';
import { COMPENSATION_QUEUE, RECONCILIATION_QUEUE, STEP_QUEUE, createStepQueue, type ReconciliationJob, type StepJob } from './queue';
import { kingdeeErpQuery } from './reconciliation/erp-query';
import { requestReconciliation, resumeStrandedReports, runReconciliationReport } from './reconciliation/reconcile';
import { createRedis } from './redis';
import { createSecretBox, parseSecretKey } from './secret-box';
import { sweep } from './sweeper';
import { startOutboxDrainer } from './outbox/outbox-drainer';
import { startMqttHost, type MqttHostOptions } from './mqtt/mqtt-host';

export interface WorkerOptions {
  prisma: PrismaClient;
  redisUrl: string;
  prefix: string;
  secretKey: string;
  concurrency: number;
  sweepIntervalMs: number;
  sweepGraceMs: number;
  leaseMarginMs: number;
  /** How often the compensation pass runs (BullMQ job scheduler, one per cluster); 0 turns it off. */
  compensationEveryMs?: number;
  /** How often a reconciliation report is filed for the period just ended (job scheduler); 0 turns it off. */
  reconciliationEveryMs?: number;
  /** The ERP's wall-clock zone, for the reconciliation's date-range queries. */
  erpTimeZone?: string;
  /** How long close() lets steps in hand finish before aborting their calls. */
  shutdownGraceMs?: number;
  /** How often the outbox (rate-limited sends) is drained; default 1000 ms. */
  outboxEveryMs?: number;
  /** Overrides the outbox rate windows (tests only; DingTalk's robot window is a minute). */
  outboxRateWindowMs?: number;
  logger: Logger;
  /** Runs the MQTT trigger (one subscriber per MQTT connection across all workers); off unless given. */
  mqtt?: Pick<MqttHostOptions, 'pollIntervalMs' | 'lockTtlMs' | 'minBackoffMs' | 'maxBackoffMs'>;
}

export interface RunningWorker {
  close(): Promise<void>;
  sweepNow(): Promise<{ requeued: number }>;
}

/** Wires the step executor to BullMQ and runs the sweeper; used by apps/worker and by tests. */
export async function startWorker(options: WorkerOptions): Promise<RunningWorker> {
  const { prisma, logger } = options;
  const workerRedis = createRedis(options.redisUrl, 'worker');
  const producerRedis = createRedis(options.redisUrl, 'producer');
  const queue = createStepQueue(producerRedis, options.prefix);
  const shutdown = new AbortController();
  // Every step in flight listens for shutdown: WORKER_CONCURRENCY of them at once is normal, not a leak.
  setMaxListeners(0, shutdown.signal);
  const box = createSecretBox(parseSecretKey(options.secretKey));
  const deps = createExecutorDeps({ prisma, queue, redis: producerRedis, prefix: options.prefix, box, logger, leaseMarginMs: options.leaseMarginMs, shutdown: shutdown.signal });

  const desk = { prisma, queue, plans: deps.plans, logger };
  const worker = new Worker<StepJob>(STEP_QUEUE, async (job, token) => {
    const outcome = await executeStep(deps, job.data);
    if (outcome === 'deferred') {
      // The flow is at its concurrency limit: offer the job again shortly, without counting a failure.
      await job.moveToDelayed(Date.now() + 200 + Math.floor(Math.random() * 300), token);
      throw new DelayedError();
    }
    return outcome;
  }, {
    connection: workerRedis,
    prefix: options.prefix,
    concurrency: options.concurrency,
  });
  worker.on('failed', (job, err) => logger.error({ jobId: job?.id, err: String(err) }, 'step job failed (infrastructure)'));
  worker.on('error', (err) => logger.error({ err: String(err) }, 'worker error'));
  await worker.waitUntilReady();

  // Compensation is a repeatable BullMQ job: the scheduler guarantees one run per interval however many workers there are.
  const compensationQueue = new Queue(COMPENSATION_QUEUE, { connection: producerRedis, prefix: options.prefix });
  const compensationRedis = workerRedis.duplicate();
  const compensationWorker = new Worker(COMPENSATION_QUEUE, async () => compensate(desk), { connection: compensationRedis, prefix: options.prefix, concurrency: 1 });
  compensationWorker.on('error', (err) => logger.error({ err: String(err) }, 'compensation worker error'));
  // Reconciliation: reports filed from the console ({ reportId }) and by the scheduler ({ periodMs }).
  const reconciliationQueue = new Queue<ReconciliationJob>(RECONCILIATION_QUEUE, { connection: producerRedis, prefix: options.prefix });
  const reconciliationRedis = workerRedis.duplicate();
  const reconcileDeps = {
    prisma,
    plans: deps.plans,
    ...(options.erpTimeZone ? { erpTimeZone: options.erpTimeZone } : {}),
    erpFor: async (connectionId: string) => {
      const resolved = await deps.connections.resolve(connectionId);
      if (!resolved) throw new Error(`Connection ${connectionId} no longer exists; its documents cannot be reconciled.`);
      return kingdeeErpQuery({ credentials: resolved.credentials, connectionId, sessions: deps.sessions, signal: shutdown.signal });
    },
  };
  const reconciliationWorker = new Worker<ReconciliationJob>(RECONCILIATION_QUEUE, async (job) => {
    const data = job.data;
    let reportId: string;
    if ('reportId' in data) reportId = data.reportId;
    else {
      reportId = (await requestReconciliation(prisma, { from: new Date(Date.now() - data.periodMs), to: new Date(), trigger: 'schedule', requestedBy: null })).id;
      // Should this worker die now, the stalled job is handed on with the report it filed, not a second one.
      await job.updateData({ reportId });
    }
    await runReconciliationReport(reconcileDeps, reportId);
    return { reportId };
  }, { connection: reconciliationRedis, prefix: options.prefix, concurrency: 1 });
  reconciliationWorker.on('error', (err) => logger.error({ err: String(err) }, 'reconciliation worker error'));
  reconciliationWorker.on('failed', (job, err) => logger.warn({ jobId: job?.id, err: String(err) }, 'reconciliation failed'));
  const reconcileEvery = options.reconciliationEveryMs ?? 24 * 60 * 60_000;
  if (reconcileEvery > 0) await reconciliationQueue.upsertJobScheduler('reconciliation', { every: reconcileEvery }, { name: 'reconcile', data: { periodMs: reconcileEvery }, opts: { removeOnComplete: 100, removeOnFail: 100 } });
  else await reconciliationQueue.removeJobScheduler('reconciliation');

  const every = options.compensationEveryMs ?? 10 * 60_000;
  if (every > 0) await compensationQueue.upsertJobScheduler('compensation', { every }, { name: 'compensate', opts: { removeOnComplete: 100, removeOnFail: 100 } });
  else await compensationQueue.removeJobScheduler('compensation');

  const outbox = await startOutboxDrainer(
    { prisma, connections: deps.connections, sessions: deps.sessions, logger },
    { redis: workerRedis, prefix: options.prefix, ...(options.outboxEveryMs ? { everyMs: options.outboxEveryMs } : {}), ...(options.outboxRateWindowMs ? { rateWindowMs: options.outboxRateWindowMs } : {}) },
  );
  const mqttHost = options.mqtt ? startMqttHost({ ...options.mqtt, prisma, redis: producerRedis, prefix: options.prefix, box, queue, logger }) : null;

  const sweepNow = () => sweep({ prisma, queue, logger }, { graceMs: options.sweepGraceMs });
  let sweeping = false;
  const timer = setInterval(() => {
    if (sweeping) return;
    sweeping = true;
    sweepNow()
      .catch((err: unknown) => logger.warn({ err: String(err) }, 'sweep failed; will try again'))
      .finally(() => (sweeping = false));
  }, options.sweepIntervalMs);
  timer.unref();
  // Reports whose job was lost with Redis's data are queued again (a filed report is never dropped).
  const reportTimer = setInterval(() => {
    resumeStrandedReports(prisma, reconciliationQueue)
      .then((n) => n > 0 && logger.info({ resumed: n }, 'reconciliation reports queued again'))
      .catch((err: unknown) => logger.warn({ err: String(err) }, 'checking stranded reconciliation reports failed'));
  }, 5 * 60_000);
  reportTimer.unref();

  return {
    sweepNow,
    async close() {
      clearInterval(timer);
      await mqttHost?.close();
      clearInterval(reportTimer);
      // Stop taking jobs and give the ones in hand time to finish and commit. Calls still running
      // after the grace period are aborted; their steps fail as retryable and another worker
      // retries them (looking before it writes), so nothing is lost and nothing done twice.
      const closing = worker.close();
      const graceOver = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), options.shutdownGraceMs ?? 20_000).unref());
      if ((await Promise.race([closing.then(() => 'closed' as const), graceOver])) === 'timeout') shutdown.abort();
      await closing;
      shutdown.abort();
      await outbox.close();
      await compensationWorker.close();
      await compensationQueue.close();
      await reconciliationWorker.close();
      await reconciliationQueue.close();
      await queue.close();
      workerRedis.disconnect();
      compensationRedis.disconnect();
      reconciliationRedis.disconnect();
      producerRedis.disconnect();
    },
  };
}
