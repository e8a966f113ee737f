import { Queue } from 'bullmq';
import { RECONCILIATION_QUEUE, type ReconciliationJob, type StepQueue } from '@qiao/runtime';

const queues = new WeakMap<StepQueue, Queue<ReconciliationJob>>();

/** The workers' reconciliation queue, on the step queue's Redis connection and prefix. */
export function reconciliationQueue(steps: StepQueue): Queue<ReconciliationJob> {
  let queue = queues.get(steps);
  if (!queue) {
    queue = new Queue<ReconciliationJob>(RECONCILIATION_QUEUE, { connection: steps.queue.opts.connection, prefix: steps.queue.opts.prefix });
    queues.set(steps, queue);
  }
  return queue;
}
