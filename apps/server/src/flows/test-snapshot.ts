import { canonicalJson, type ExecutionPlan } from '@qiao/flow';
import type { Prisma, PrismaClient } from '@qiao/db';

/**
 * The snapshot a test run executes: the flow's latest snapshot when it holds the same document,
 * else a new one (snapshots are immutable, like published versions, so a run's plan never changes).
 */
export async function draftSnapshot(prisma: PrismaClient, args: { flowId: string; definition: unknown; plan: ExecutionPlan; planHash: string; userId: string }): Promise<string> {
  return prisma.$transaction(async (tx) => {
    await tx.$queryRaw`SELECT id FROM flows WHERE id = ${args.flowId}::uuid FOR UPDATE`;
    const latest = await tx.flowVersion.findFirst({ where: { flowId: args.flowId, snapshot: true }, orderBy: { version: 'desc' }, select: { id: true, version: true, planHash: true, definition: true } });
    if (latest && latest.planHash === args.planHash && canonicalJson(latest.definition) === canonicalJson(args.definition)) return latest.id;
    const created = await tx.flowVersion.create({
      data: {
        flowId: args.flowId, snapshot: true, version: (latest?.version ?? 0) + 1,
        definition: args.definition as Prisma.InputJsonValue, plan: args.plan as unknown as Prisma.InputJsonValue,
        planHash: args.planHash, comment: 'test run', publishedById: args.userId,
      },
      select: { id: true },
    });
    return created.id;
  });
}
