import type { PrismaClient } from '@qiao/db';
import type { Logger } from './logger';
import type { StepJob, StepQueue } from './queue';

export interface SweepDeps {
  prisma: PrismaClient;
  queue: StepQueue;
  logger: Logger;
}

export interface SweepOptions {
  /** A pending step older than this with no job is assumed lost from the queue. */
  graceMs?: number;
  limit?: number;
}

/**
 * PostgreSQL is the truth, Redis a delivery hint. The sweeper re-queues every step the database says
 * should be moving: pending ones the queue may have lost (Redis restart, crash between commit and
 * enqueue), retries whose time has come, and running ones whose worker's lease ran out. The job id
 * names the try, so re-queuing a step that is in fact still queued does nothing.
 */
export async function sweep(deps: SweepDeps, options: SweepOptions = {}): Promise<{ requeued: number }> {
  const graceMs = options.graceMs ?? 15_000;
  const limit = options.limit ?? 2000;
  const rows = await deps.prisma.$queryRaw<{ runId: string; nodeId: string; status: string; attempt: number }[]>`
    SELECT s."runId", s."nodeId", s.status::text AS status, s.attempt
    FROM steps s JOIN runs r ON r.id = s."runId"
    WHERE r.status IN ('pending', 'running')
      AND ((s.status = 'pending' AND s."updatedAt" < now() - make_interval(secs => ${graceMs / 1000}))
        OR (s.status = 'retrying' AND s."nextAttemptAt" < now() - make_interval(secs => ${graceMs / 1000}))
        OR (s.status = 'retrying' AND s."nextAttemptAt" IS NULL AND s."updatedAt" < now() - make_interval(secs => ${graceMs / 1000}))
        OR (s.status = 'running' AND s."leaseUntil" < now()))
    ORDER BY s."updatedAt"
    LIMIT ${limit}`;
  let requeued = 0;
  for (const row of rows) {
    // A running step whose lease expired is taken over as the next try: same idempotency key, and a
    // higher attempt number, which tells the connector an earlier try may have reached the remote system.
    const job: StepJob = { runId: row.runId, nodeId: row.nodeId, attempt: row.attempt + 1 };
    await deps.queue.requeue(job);
    requeued += 1;
  }
  if (requeued > 0) deps.logger.info({ requeued }, 'sweeper re-queued steps');
  return { requeued };
}
