import type { ExecutionPlan } from '@qiao/flow';
import type { PrismaClient } from '@qiao/db';

/** Flow versions are immutable, so a plan read once can be kept for the life of the process. */
export class PlanCache {
  private readonly plans = new Map<string, ExecutionPlan>();
  constructor(private readonly prisma: PrismaClient) {}

  async get(flowVersionId: string): Promise<ExecutionPlan> {
    const hit = this.plans.get(flowVersionId);
    if (hit) return hit;
    const version = await this.prisma.flowVersion.findUniqueOrThrow({ where: { id: flowVersionId }, select: { plan: true } });
    // The plan was produced by compile() at publish time and stored as-is.
    const plan = version.plan as unknown as ExecutionPlan;
    this.plans.set(flowVersionId, plan);
    return plan;
  }
}
