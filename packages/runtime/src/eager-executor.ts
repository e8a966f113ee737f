import { setMaxListeners } from 'node:events';
import type { RunCommand } from '@qiao/engine';
import { executeClaimed, executeStep, type Claim, type ExecutorDeps } from './execute-step';
import { enqueueCommands } from './run-transition';
import type { StepJob } from './queue';

export interface EagerOptions {
  /** Steps this process runs at once; past it, steps go to the queue as usual. */
  capacity: number;
}

/**
 * Runs steps in the process that accepted their event, without the trip through the queue: the
 * accept statement itself claims a run's entry steps (lease, attempt record) when a slot is free,
 * and the follow-on steps are claimed and run here too while slots last.
 *
 * Durability does not depend on this process: every step it holds is leased in PostgreSQL, so if
 * the process dies, the sweeper hands the step to a worker when the lease runs out (the same key,
 * the next attempt), exactly as for a worker that died. Delayed retries, flows with a concurrency
 * limit and anything over capacity go through the queue.
 */
export class EagerExecutor {
  private inFlight = 0;
  private closing = false;
  private readonly shutdown = new AbortController();
  private readonly deps: ExecutorDeps;
  private idle: (() => void) | null = null;

  constructor(deps: Omit<ExecutorDeps, 'dispatch' | 'shutdown'>, private readonly options: EagerOptions) {
    // Every step in flight listens for shutdown: hundreds at once is normal, not a leak.
    setMaxListeners(0, this.shutdown.signal);
    this.deps = { ...deps, shutdown: this.shutdown.signal, dispatch: (runId, commands) => this.dispatch(runId, commands) };
  }

  /** Takes `count` slots if all are free; the caller must hand each to run() or give it back with release(). */
  reserve(count: number): boolean {
    if (this.closing || count <= 0 || this.inFlight + count > this.options.capacity) return false;
    this.inFlight += count;
    return true;
  }

  release(count: number): void {
    this.inFlight = Math.max(0, this.inFlight - count);
    if (this.inFlight === 0) this.idle?.();
  }

  /** Runs a step claimed on a reserved slot; never throws (a failure leaves the step to the sweeper). */
  run(job: StepJob, claim: Claim): Promise<void> {
    return this.settle(job, executeClaimed(this.deps, job, claim));
  }

  /** Like run(), for a step whose slot was reserved elsewhere (the accepting thread): counted here from now on. */
  adopt(job: StepJob, claim: Claim): Promise<void> {
    this.inFlight += 1;
    return this.run(job, claim);
  }

  get running(): number {
    return this.inFlight;
  }

  /**
   * Stops taking steps, lets those in hand finish for `graceMs`, then aborts their calls: an aborted
   * step fails as retryable and is retried by a worker (looking before it writes).
   */
  async close(graceMs: number): Promise<void> {
    this.closing = true;
    const drained = () => (this.inFlight === 0 ? Promise.resolve() : new Promise<void>((resolve) => (this.idle = resolve)));
    const grace = new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), graceMs).unref());
    if ((await Promise.race([drained().then(() => 'drained' as const), grace])) === 'timeout') this.shutdown.abort(new Error('the server is shutting down'));
    await drained();
  }

  private async dispatch(runId: string, commands: RunCommand[]): Promise<void> {
    const queued: RunCommand[] = [];
    for (const command of commands) {
      if (command.type === 'execute' && command.delayMs <= 0 && this.reserve(1)) {
        const job = { runId, nodeId: command.nodeId, attempt: command.attempt };
        void this.settle(job, executeStep(this.deps, job).then(async (outcome) => {
          // The flow is at its concurrency limit: a worker takes the step once a slot frees up.
          if (outcome === 'deferred') await this.deps.queue.enqueue(job, 200 + Math.floor(Math.random() * 300));
          return outcome;
        }));
      } else {
        queued.push(command);
      }
    }
    if (queued.length > 0) await enqueueCommands(this.deps, runId, queued);
  }

  private settle(job: StepJob, work: Promise<unknown>): Promise<void> {
    return work
      .catch((err: unknown) => this.deps.logger.warn({ err: String(err), runId: job.runId, nodeId: job.nodeId }, 'eager step stopped; the sweeper will hand it to a worker'))
      .then(() => undefined)
      .finally(() => this.release(1));
  }
}
