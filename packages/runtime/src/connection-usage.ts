import { toStorableString } from '@qiao/connectors';
import type { PrismaClient } from '@qiao/db';
import type { Logger } from './logger';

/** At most one `lastUsedAt` write per connection per this interval and process: hot paths stay cheap. */
export const LAST_USED_WRITE_INTERVAL_MS = 30_000;
/** How many recent errors each connection keeps. */
export const RECENT_ERRORS_KEPT = 20;

const lastWrites = new WeakMap<PrismaClient, Map<string, number>>();

/** Sets `lastUsedAt` unless this process wrote it for the connection less than the interval ago. */
export async function markConnectionUsed(prisma: PrismaClient, connectionId: string, now = Date.now()): Promise<boolean> {
  let writes = lastWrites.get(prisma);
  if (!writes) {
    writes = new Map();
    lastWrites.set(prisma, writes);
  }
  const last = writes.get(connectionId);
  if (last !== undefined && now - last < LAST_USED_WRITE_INTERVAL_MS) return false;
  writes.set(connectionId, now);
  await prisma.$executeRaw`UPDATE connections SET "lastUsedAt" = GREATEST("lastUsedAt", ${new Date(now)}) WHERE id = ${connectionId}::uuid`;
  return true;
}

export interface ConnectionErrorEntry {
  connectionId: string;
  /** `step` (a failed step attempt), `trigger` (an MQTT subscriber…), `test` (test-connection). */
  source: 'step' | 'trigger' | 'test';
  code: string;
  message: string;
  runId?: string | null;
  nodeId?: string | null;
  attempt?: number | null;
}

/** Appends an error, keeps only the most recent ones, and sets the connection's `lastError`. */
export async function recordConnectionError(prisma: PrismaClient, entry: ConnectionErrorEntry): Promise<void> {
  const message = toStorableString(entry.message.slice(0, 1000));
  const code = toStorableString(entry.code.slice(0, 100));
  await prisma.$transaction([
    prisma.$executeRaw`
      INSERT INTO connection_errors ("connectionId", source, "runId", "nodeId", attempt, code, message)
      VALUES (${entry.connectionId}::uuid, ${entry.source}, ${entry.runId ?? null}::uuid, ${entry.nodeId ?? null}, ${entry.attempt ?? null}, ${code}, ${message})`,
    prisma.$executeRaw`
      DELETE FROM connection_errors WHERE "connectionId" = ${entry.connectionId}::uuid AND id NOT IN (
        SELECT id FROM connection_errors WHERE "connectionId" = ${entry.connectionId}::uuid ORDER BY at DESC, id DESC LIMIT ${RECENT_ERRORS_KEPT})`,
    prisma.$executeRaw`UPDATE connections SET "lastError" = ${message.slice(0, 500)} WHERE id = ${entry.connectionId}::uuid`,
  ]);
}

interface StepUse {
  connectionId: string | null | undefined;
  runId: string;
  nodeId: string;
  attempt: number;
  failure: { code: string; message: string } | null;
}

/**
 * After a step attempt: the connection it used was used now, and a failure joins its recent errors.
 * Never fails the step: bookkeeping that cannot be written is logged and dropped.
 */
export function noteStepConnectionUse(deps: { prisma: PrismaClient; logger: Logger }, use: StepUse): void {
  const { connectionId } = use;
  if (!connectionId) return;
  const writes: Promise<unknown>[] = [markConnectionUsed(deps.prisma, connectionId)];
  if (use.failure) {
    writes.push(recordConnectionError(deps.prisma, { connectionId, source: 'step', runId: use.runId, nodeId: use.nodeId, attempt: use.attempt, code: use.failure.code, message: use.failure.message }));
  }
  Promise.all(writes).catch((err: unknown) => deps.logger.warn({ connectionId, err: String(err) }, 'could not record connection use'));
}
