import { Queue, type ConnectionOptions } from 'bullmq';

export const STEP_QUEUE = 'qiao-steps';
export const COMPENSATION_QUEUE = 'qiao-compensation';
export const RECONCILIATION_QUEUE = 'qiao-reconciliation';

/** A reconciliation job: run a filed report, or (from the scheduler) file one for the last `periodMs`. */
export type ReconciliationJob = { reportId: string } | { periodMs: number };

export interface StepJob {
  runId: string;
  nodeId: string;
  attempt: number;
}

export interface StepQueue {
  enqueue(job: StepJob, delayMs?: number): Promise<void>;
  /**
   * Like enqueue, but first clears a finished or failed job left under the same id — BullMQ
   * ignores an add whose id exists in any state, which would otherwise strand the step.
   */
  requeue(job: StepJob): Promise<void>;
  close(): Promise<void>;
  queue: Queue<StepJob>;
}

/**
 * The job id names the exact try, so enqueuing the same try twice (the gateway and the sweeper
 * racing, or a retry after a crash) is a no-op while the first is still queued. BullMQ forbids ':' in ids.
 */
export function stepJobId(job: StepJob): string {
  return `${job.runId}.${job.nodeId}.${job.attempt}`;
}

export function createStepQueue(connection: ConnectionOptions, prefix: string): StepQueue {
  const queue = new Queue<StepJob>(STEP_QUEUE, {
    connection,
    prefix,
    defaultJobOptions: {
      // PostgreSQL keeps the record of every try; Redis only delivers. Keeping finished or failed
      // jobs would block their ids from being queued again by the sweeper.
      removeOnComplete: true,
      removeOnFail: true,
      // Connector failures are handled inside the step; BullMQ retries only infrastructure hiccups.
      attempts: 5,
      backoff: { type: 'exponential', delay: 1000 },
    },
  });
  return {
    queue,
    async enqueue(job, delayMs = 0) {
      await queue.add('step', job, { jobId: stepJobId(job), delay: Math.max(0, Math.round(delayMs)) });
    },
    async requeue(job) {
      const existing = await queue.getJob(stepJobId(job));
      if (existing) {
        const state = await existing.getState();
        if (state === 'completed' || state === 'failed') await existing.remove();
        else return;
      }
      await queue.add('step', job, { jobId: stepJobId(job) });
    },
    close: () => queue.close(),
  };
}
