import { randomUUID } from 'node:crypto';
import { getOutboxChannel, UserError, type OutboxChannel, type OutboxPort, type OutboxReceipt } from '@qiao/connectors';
import type { PrismaClient } from '@qiao/db';

/**
 * The outbox as an action sees it (ctx.outbox). Enqueueing is one committed INSERT; a second
 * enqueue with the same channel + dedupeKey (the step ran again after a crash or a retry) returns
 * the first entry instead of queueing the message twice.
 */
export function createOutboxPort(prisma: PrismaClient, options: { runId?: string; channels?: readonly OutboxChannel[] } = {}): OutboxPort {
  return {
    async enqueue(entry): Promise<OutboxReceipt> {
      const channel = getOutboxChannel(entry.channel, options.channels);
      if (!channel) throw new Error(`No outbox channel "${entry.channel}" is registered`);
      const parsed = channel.payload.safeParse(entry.payload);
      if (!parsed.success) {
        throw new UserError({ code: 'invalid_message', path: ['message'], message: `The message cannot be queued: ${parsed.error.issues[0]?.message ?? 'invalid'}` });
      }
      const rows = await prisma.$queryRaw<{ id: string; status: OutboxReceipt['status'] }[]>`
        INSERT INTO outbox_messages (id, channel, "connectionId", "dedupeKey", payload, "runId")
        VALUES (${randomUUID()}::uuid, ${entry.channel}, ${entry.connectionId}::uuid, ${entry.dedupeKey}, ${JSON.stringify(parsed.data)}::jsonb, ${options.runId ?? null}::uuid)
        ON CONFLICT (channel, "dedupeKey") DO NOTHING
        RETURNING id, status::text AS status`;
      const inserted = rows[0];
      if (inserted) return { id: inserted.id, status: inserted.status, duplicate: false };
      const existing = await prisma.outboxMessage.findUniqueOrThrow({ where: { channel_dedupeKey: { channel: entry.channel, dedupeKey: entry.dedupeKey } }, select: { id: true, status: true } });
      return { id: existing.id, status: existing.status, duplicate: true };
    },
  };
}
