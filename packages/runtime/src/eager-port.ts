import type { ExecutionPlan } from '@qiao/flow';
import type { Inserted } from './accept-statement';
import type { EagerExecutor } from './eager-executor';
import type { Claim } from './execute-step';
import type { PlanCache } from './plan-cache';
import type { StepJob } from './queue';

/** A step the accept statement claimed, in plain data, so it can cross to another thread. */
export interface EagerHandoff {
  job: StepJob;
  flowId: string;
  versionId: string;
  /** The event as PostgreSQL stored it. */
  stored: Inserted['stored'];
  stepId: string;
  idempotencyKey: string;
  leaseUntil: string;
  /** bigint, as text. */
  attemptId: string;
}

/** Where the accepting code hands the steps it claimed: this thread's executor, or an executor thread. */
export interface EagerPort {
  /** Takes `count` slots if all are free; each must then be start()ed or given back with release(). */
  reserve(count: number): boolean;
  release(count: number): void;
  /** Runs a step on a reserved slot; never throws. */
  start(handoff: EagerHandoff): void;
  close(graceMs: number): Promise<void>;
  readonly running: number;
}

export function claimFromHandoff(h: EagerHandoff, plan: ExecutionPlan): Claim | null {
  const node = plan.nodes[h.job.nodeId];
  if (!node) return null;
  const claimed = { id: h.stepId, runId: h.job.runId, idempotencyKey: h.idempotencyKey, leaseUntil: new Date(h.leaseUntil), inputOverride: null, attemptBase: 0 };
  return {
    run: { runStatus: 'running', flowId: h.flowId, flowVersionId: h.versionId, settings: null, ...h.stored, ...claimed, attemptId: h.attemptId },
    plan, node, claimed, attemptId: h.attemptId,
  };
}

/**
 * The executor of this thread as an EagerPort. `adopt`: the slots were reserved by another thread
 * (which counts them), so this executor only starts counting them when they arrive.
 */
export class LocalEager implements EagerPort {
  constructor(private readonly executor: EagerExecutor, private readonly plans: PlanCache, private readonly options: { adopt?: boolean } = {}) {}

  reserve(count: number): boolean {
    return this.executor.reserve(count);
  }

  release(count: number): void {
    this.executor.release(count);
  }

  start(h: EagerHandoff): void {
    void this.startAndWait(h);
  }

  /** Resolves when the step has finished (or was given up: its lease then lets a worker take it over). */
  async startAndWait(h: EagerHandoff): Promise<void> {
    const claim = await this.plans.get(h.versionId).then((plan) => claimFromHandoff(h, plan), () => null);
    if (!claim) {
      if (!this.options.adopt) this.executor.release(1);
      return;
    }
    await (this.options.adopt ? this.executor.adopt(h.job, claim) : this.executor.run(h.job, claim));
  }

  close(graceMs: number): Promise<void> {
    return this.executor.close(graceMs);
  }

  get running(): number {
    return this.executor.running;
  }
}
