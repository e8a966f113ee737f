import type { Prisma } from '@qiao/db';
import type { Context } from './trpc/context';

export interface AuditEntry {
  action: string;
  targetType?: string;
  targetId?: string;
  detail?: Record<string, unknown>;
}

/** Records who did what; called inside the same transaction as the change when there is one. */
export async function audit(ctx: Context, entry: AuditEntry, tx?: Prisma.TransactionClient): Promise<void> {
  const db = tx ?? ctx.services.prisma;
  await db.auditLog.create({
    data: {
      userId: ctx.user?.id ?? null,
      username: ctx.user?.username ?? null,
      action: entry.action,
      targetType: entry.targetType ?? null,
      targetId: entry.targetId ?? null,
      detail: (entry.detail ?? {}) as Prisma.InputJsonValue,
      ip: ctx.ip,
    },
  });
}
