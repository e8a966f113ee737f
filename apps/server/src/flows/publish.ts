import { createHash } from 'node:crypto';
import { canonicalJson, compile, migrateDocument, type CompileError } from '@qiao/flow';
import { nodeTypeRegistry } from '@qiao/connectors';
import type { Prisma, PrismaClient } from '@qiao/db';

export type PublishResult = { ok: true; version: number; planHash: string } | { ok: false; errors: CompileError[] } | { ok: false; notFound: true };

export interface PublishArgs {
  flowId: string;
  comment: string;
  userId: string | null;
  /** Runs inside the publishing transaction, e.g. to write the audit entry atomically. */
  onPublished?: (tx: Prisma.TransactionClient, published: { version: number; planHash: string }) => Promise<void>;
}

/** Compiles the draft and, only if it has no errors, stores it as the next immutable version. */
export async function publishFlow(prisma: PrismaClient, args: PublishArgs): Promise<PublishResult> {
  const flow = await prisma.flow.findUnique({ where: { id: args.flowId }, select: { draft: true, status: true } });
  if (!flow || flow.status === 'archived') return { ok: false, notFound: true };
  const result = compile(flow.draft, nodeTypeRegistry());
  if (!result.ok) return { ok: false, errors: result.errors };
  // Stored as the current schema version, so old drafts keep loading after a migration.
  const migrated = migrateDocument(flow.draft);
  if (!migrated.ok) return { ok: false, errors: migrated.errors };
  const definition = migrated.document;
  const planHash = createHash('sha256').update(canonicalJson(result.plan)).digest('hex');
  return prisma.$transaction(async (tx) => {
    // Lock the flow row so two publishes cannot take the same version number.
    await tx.$queryRaw`SELECT id FROM flows WHERE id = ${args.flowId}::uuid FOR UPDATE`;
    const last = await tx.flowVersion.aggregate({ where: { flowId: args.flowId }, _max: { version: true } });
    const version = (last._max.version ?? 0) + 1;
    await tx.flowVersion.create({
      data: {
        flowId: args.flowId, version, definition: definition as Prisma.InputJsonValue, plan: result.plan as unknown as Prisma.InputJsonValue,
        planHash, comment: args.comment, publishedById: args.userId,
      },
    });
    await tx.flow.update({ where: { id: args.flowId }, data: { status: 'published', publishedVersion: version, triggerType: result.plan.trigger.eventType, updatedById: args.userId } });
    await args.onPublished?.(tx, { version, planHash });
    return { ok: true as const, version, planHash };
  });
}
