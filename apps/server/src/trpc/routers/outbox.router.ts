import { z } from 'zod';
import type { Prisma } from '@qiao/db';
import { procedure, router } from '../init';

/** Operators watch what has not gone out yet; admins too. Designers fix flows, not deliveries. */
export const OUTBOX_VIEW = ['admin', 'operator'] as const;

/** What an operator may need to act on: waiting, being sent, failed for good, or possibly sent twice. */
const state = z.enum(['waiting', 'sending', 'failed', 'uncertain']);
export type OutboxState = z.infer<typeof state>;

function whereFor(states: readonly OutboxState[]): Prisma.OutboxMessageWhereInput[] {
  return states.map((s) => (s === 'waiting' ? { status: 'queued' } : s === 'sending' ? { status: 'sending' } : s === 'failed' ? { status: 'failed' } : { uncertain: true }));
}

function errorOf(value: unknown): { code: string | null; message: string | null } | null {
  if (typeof value !== 'object' || value === null) return null;
  const { code, message } = value as { code?: unknown; message?: unknown };
  return { code: typeof code === 'string' ? code : null, message: typeof message === 'string' ? message : null };
}

export const outboxRouter = router({
  /**
   * Outbox messages that are not simply sent: waiting (queued, maybe backing off), being sent, failed
   * (kept with the error), or flagged uncertain (re-sent after a crash, possibly a duplicate). Newest
   * first, with the connection's name and the run that queued each, and the count of each state.
   */
  list: procedure(OUTBOX_VIEW)
    .input(
      z
        .object({
          connectionId: z.uuid().optional(),
          states: z.array(state).min(1).max(4).default(['waiting', 'sending', 'failed', 'uncertain']),
          limit: z.number().int().min(1).max(500).default(100),
        })
        .default({ states: ['waiting', 'sending', 'failed', 'uncertain'], limit: 100 }),
    )
    .query(async ({ ctx, input }) => {
      const { prisma } = ctx.services;
      const scope: Prisma.OutboxMessageWhereInput = input.connectionId ? { connectionId: input.connectionId } : {};
      const [rows, byStatus, uncertain] = await Promise.all([
        prisma.outboxMessage.findMany({
          where: { ...scope, OR: whereFor(input.states) },
          orderBy: { seq: 'desc' },
          take: input.limit,
          select: { id: true, channel: true, connectionId: true, status: true, uncertain: true, attempts: true, nextAttemptAt: true, sentAt: true, error: true, runId: true, createdAt: true, updatedAt: true },
        }),
        prisma.outboxMessage.groupBy({ by: ['status'], where: { ...scope, status: { in: ['queued', 'sending', 'failed'] } }, _count: { _all: true } }),
        prisma.outboxMessage.count({ where: { ...scope, uncertain: true } }),
      ]);
      const connectionIds = [...new Set(rows.map((r) => r.connectionId))];
      const runIds = [...new Set(rows.map((r) => r.runId).filter((id): id is string => id !== null))];
      const [connections, runs] = await Promise.all([
        connectionIds.length > 0 ? prisma.connection.findMany({ where: { id: { in: connectionIds } }, select: { id: true, name: true } }) : [],
        runIds.length > 0 ? prisma.run.findMany({ where: { id: { in: runIds } }, select: { id: true, businessKey: true } }) : [],
      ]);
      const nameOf = new Map(connections.map((c) => [c.id, c.name]));
      const keyOf = new Map(runs.map((r) => [r.id, r.businessKey]));
      const count = (status: 'queued' | 'sending' | 'failed') => byStatus.find((g) => g.status === status)?._count._all ?? 0;
      return {
        items: rows.map((r) => ({
          ...r,
          connectionName: nameOf.get(r.connectionId) ?? null,
          businessKey: r.runId ? (keyOf.get(r.runId) ?? null) : null,
          error: errorOf(r.error),
        })),
        counts: { waiting: count('queued'), sending: count('sending'), failed: count('failed'), uncertain },
      };
    }),
});
