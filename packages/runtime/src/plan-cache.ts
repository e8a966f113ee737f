import { executionPlanSchema, type ExecutionPlan } from '@qiao/flow';
import type { PrismaClient } from '@qiao/db';

/** Flow versions are immutable, so a plan read once can be kept for the life of the process. */
export class PlanCache {
  private readonly plans = new Map<string, ExecutionPlan>();
  constructor(private readonly prisma: PrismaClient) {}

  async get(flowVersionId: string): Promise<ExecutionPlan> {
    const hit = this.plans.get(flowVersionId);
    if (hit) return hit;
    const version = await this.prisma.flowVersion.findUniqueOrThrow({ where: { id: flowVersionId }, select: { plan: true } });
    // Parsed, not cast: a plan stored by an older release fails here clearly, not deep in a run.
    const plan = executionPlanSchema.parse(version.plan);
    this.plans.set(flowVersionId, plan);
    return plan;
  }
}
