import { randomUUID } from 'node:crypto';
import { builtinOutboxChannels, createConnectionContext, getConnector, toConnectorFailure, toStorableJson, type ConnectorFailure, type OutboxChannel, type SessionStore } from '@qiao/connectors';
import type { PrismaClient } from '@qiao/db';
import type { ConnectionResolver } from '../connections';
import type { Logger } from '../logger';
import { TX_OPTIONS } from '../transactions';

export interface OutboxDeps {
  prisma: PrismaClient;
  connections: ConnectionResolver;
  sessions: SessionStore;
  logger: Logger;
  channels?: readonly OutboxChannel[];
}

export interface DrainOptions {
  /** How long a claimed message is protected; past it another drainer treats the send as uncertain. */
  leaseMs?: number;
  /** Overrides every channel's rate window (tests use a short one; production keeps DingTalk's minute). */
  rateWindowMs?: number;
  maxAttempts?: number;
  /** Stops between messages (worker shutdown); a send in progress is finished and recorded. */
  signal?: AbortSignal;
  /** Test seams: run around each remote call, e.g. to simulate a crash at an exact point. */
  hooks?: { beforeDeliver?(ids: string[]): Promise<void>; afterDeliver?(ids: string[]): Promise<void> };
}

export interface DrainStats {
  sent: number;
  failed: number;
  retried: number;
  recovered: number;
}

interface Claimed {
  ids: string[];
  payloads: unknown[];
  batchId: string | null;
  leaseUntil: number;
  leaseMs: number;
  /** The outbox_sends row counting this call in the window. */
  sendId: bigint;
}

type ClaimResult = { claimed: Claimed } | { stop: 'empty' | 'window_full' | 'throttled' };

// A send starts only while at least half the lease remains, and half of it (120 s) is the longest
// connector timeout, so a slow send is never taken for a dead one.
const DEFAULT_LEASE_MS = 240_000;
const DEFAULT_MAX_ATTEMPTS = 12;

/**
 * One pass over the outbox. Per channel and connection, under a PostgreSQL advisory lock (so any
 * number of workers share the limit): count the calls in the sliding window, claim the next message
 * (or, past the digest threshold, a batch combined into one digest) as `sending` with a lease, COMMIT,
 * then call the remote system and record the answer. See README "Outbox" for the delivery guarantees.
 */
export async function drainOutbox(deps: OutboxDeps, options: DrainOptions = {}): Promise<DrainStats> {
  const stats: DrainStats = { sent: 0, failed: 0, retried: 0, recovered: await recoverExpired(deps) };
  // The send log only matters within a window; keep an hour (any window we use is far shorter).
  await deps.prisma.$executeRaw`DELETE FROM outbox_sends WHERE at < now() - interval '1 hour'`;
  const due = await deps.prisma.$queryRaw<{ channel: string; connectionId: string }[]>`
    SELECT DISTINCT channel, "connectionId" FROM outbox_messages WHERE status = 'queued'::"OutboxStatus" AND "nextAttemptAt" <= now()`;
  await Promise.all(due.map((target) => drainTarget(deps, options, target, stats)));
  return stats;
}

/**
 * A message still `sending` after its lease: its drainer died after claiming it, possibly after
 * DingTalk accepted it. DingTalk robots take no idempotency key and cannot be asked what they
 * received, so it is sent again, flagged `uncertain` (at-least-once in that window, see README).
 */
async function recoverExpired(deps: OutboxDeps): Promise<number> {
  const rows = await deps.prisma.$queryRaw<{ id: string; channel: string; connectionId: string }[]>`
    UPDATE outbox_messages SET status = 'queued'::"OutboxStatus", uncertain = true, "leaseUntil" = NULL, "batchId" = NULL, "nextAttemptAt" = now(), "updatedAt" = now()
    WHERE status = 'sending'::"OutboxStatus" AND "leaseUntil" < now()
    RETURNING id, channel, "connectionId"`;
  for (const row of rows) deps.logger.warn({ outboxId: row.id, channel: row.channel, connectionId: row.connectionId }, 'outbox: a drainer stopped while sending this message; sending it again (it may arrive twice)');
  return rows.length;
}

async function drainTarget(deps: OutboxDeps, options: DrainOptions, target: { channel: string; connectionId: string }, stats: DrainStats): Promise<void> {
  const channel = (deps.channels ?? builtinOutboxChannels).find((c) => c.id === target.channel);
  if (!channel) {
    // Left queued, not failed: during a rolling upgrade another worker may know the channel.
    deps.logger.warn(target, `outbox: no channel "${target.channel}" in this worker; leaving its messages queued`);
    return;
  }
  // A database error here propagates (the pass fails and the next one retries); only a connection
  // that is really gone or unusable fails its messages.
  const connection = await deps.connections.resolve(target.connectionId);
  const connector = getConnector(channel.connectorId);
  const parsed = connection && connector ? connector.auth.safeParse(connection.credentials) : null;
  if (!parsed?.success) {
    await failAll(deps, target, { kind: 'user', retryable: false, code: 'connection_missing', message: `Connection ${target.connectionId} no longer exists or its credentials are invalid; the message cannot be sent.` });
    return;
  }
  const credentials: unknown = parsed.data;
  const limits = channel.limits(credentials);
  const windowMs = options.rateWindowMs ?? limits.windowMs;
  // Sliding window, widened a little: the remote side counts arrivals, which lag our claims by a
  // variable network delay, so an exact window could let it see one message too many.
  const guardedWindowMs = windowMs + Math.min(2000, Math.ceil(windowMs / 10));
  for (;;) {
    if (options.signal?.aborted) return;
    const result = await claim(deps, { target, limits, windowMs: guardedWindowMs, leaseMs: options.leaseMs ?? DEFAULT_LEASE_MS });
    if ('stop' in result) return;
    await deliver(deps, options, { channel, target, credentials, claimed: result.claimed, stats });
  }
}

async function claim(deps: OutboxDeps, args: { target: { channel: string; connectionId: string }; limits: ReturnType<OutboxChannel['limits']>; windowMs: number; leaseMs: number }): Promise<ClaimResult> {
  const { target, limits } = args;
  return deps.prisma.$transaction(async (tx) => {
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`qiao-outbox:${target.channel}:${target.connectionId}`}))`;
    const throttled = await tx.$queryRaw<{ until: Date }[]>`
      SELECT until FROM outbox_throttles WHERE channel = ${target.channel} AND "connectionId" = ${target.connectionId}::uuid AND until > now()`;
    if (throttled.length > 0) return { stop: 'throttled' as const };
    const used = await tx.$queryRaw<{ n: number }[]>`
      SELECT count(*)::int AS n FROM outbox_sends
      WHERE channel = ${target.channel} AND "connectionId" = ${target.connectionId}::uuid AND at > now() - make_interval(secs => ${args.windowMs / 1000})`;
    if ((used[0]?.n ?? 0) >= limits.perWindow) return { stop: 'window_full' as const };
    let take = 1;
    if (limits.digestThreshold > 0) {
      const waiting = await tx.$queryRaw<{ n: number }[]>`
        SELECT count(*)::int AS n FROM outbox_messages
        WHERE status = 'queued'::"OutboxStatus" AND channel = ${target.channel} AND "connectionId" = ${target.connectionId}::uuid AND "nextAttemptAt" <= now()`;
      if ((waiting[0]?.n ?? 0) > limits.digestThreshold) take = limits.digestMax;
    }
    const rows = await tx.$queryRaw<{ id: string; payload: unknown }[]>`
      SELECT id, payload FROM outbox_messages
      WHERE status = 'queued'::"OutboxStatus" AND channel = ${target.channel} AND "connectionId" = ${target.connectionId}::uuid AND "nextAttemptAt" <= now()
      ORDER BY seq LIMIT ${take}
      FOR UPDATE SKIP LOCKED`;
    if (rows.length === 0) return { stop: 'empty' as const };
    const ids = rows.map((r) => r.id);
    const batchId = rows.length > 1 ? randomUUID() : null;
    // Recorded as `sending` and counted in the window BEFORE the call, in this committed transaction.
    const leased = await tx.$queryRaw<{ leaseUntil: Date }[]>`
      UPDATE outbox_messages SET status = 'sending'::"OutboxStatus", attempts = attempts + 1, "batchId" = ${batchId}::uuid,
        "leaseUntil" = now() + make_interval(secs => ${args.leaseMs / 1000}), "updatedAt" = now()
      WHERE id = ANY(${ids}::uuid[])
      RETURNING "leaseUntil"`;
    const send = await tx.$queryRaw<{ id: bigint }[]>`INSERT INTO outbox_sends (channel, "connectionId") VALUES (${target.channel}, ${target.connectionId}::uuid) RETURNING id`;
    return { claimed: { ids, payloads: rows.map((r) => r.payload), batchId, leaseUntil: leased[0]?.leaseUntil.getTime() ?? 0, leaseMs: args.leaseMs, sendId: send[0]?.id ?? 0n } };
  }, TX_OPTIONS);
}

interface DeliverArgs {
  channel: OutboxChannel;
  target: { channel: string; connectionId: string };
  credentials: unknown;
  claimed: Claimed;
  stats: DrainStats;
}

async function deliver(deps: OutboxDeps, options: DrainOptions, args: DeliverArgs): Promise<void> {
  const { channel, claimed, target } = args;
  let failure: ConnectorFailure | null = null;
  try {
    const payloads = claimed.payloads.map((p) => channel.payload.parse(p));
    const payload = payloads.length > 1 && channel.digest ? channel.digest(payloads) : payloads[0];
    await options.hooks?.beforeDeliver?.(claimed.ids);
    // A drainer that stalled (GC pause, suspended VM) past its lease may have been replaced already:
    // then it must not send, or the message would go out twice. It leaves the row to the recovery.
    if (claimed.leaseUntil - Date.now() < claimed.leaseMs / 2) {
      deps.logger.warn({ outboxIds: claimed.ids }, 'outbox: lease ran out before the send; leaving the message to another pass');
      return;
    }
    // No abort on shutdown: a send in progress is finished and recorded, so shutdown never leaves an uncertain message.
    const ctx = createConnectionContext({ credentials: args.credentials, connectionId: target.connectionId, logger: connectorLogger(deps.logger), sessions: deps.sessions });
    try {
      await channel.deliver(ctx, payload);
    } finally {
      await stampSend(deps, claimed);
    }
    await options.hooks?.afterDeliver?.(claimed.ids);
  } catch (error) {
    failure = toConnectorFailure(error);
  }
  const ids = claimed.ids;
  if (!failure) {
    await recordSent(deps, claimed, () => deps.prisma.$executeRaw`
      UPDATE outbox_messages SET status = 'sent'::"OutboxStatus", "sentAt" = now(), "leaseUntil" = NULL, error = NULL, "updatedAt" = now()
      WHERE id = ANY(${ids}::uuid[]) AND status = 'sending'::"OutboxStatus"`);
    args.stats.sent += ids.length;
    await deps.connections.recordUse(target.connectionId, null).catch(() => undefined);
    return;
  }
  const attempts = await deps.prisma.outboxMessage.aggregate({ where: { id: { in: ids } }, _max: { attempts: true } });
  const attempt = attempts._max.attempts ?? 1;
  const error = JSON.stringify(toStorableJson({ ...failure, detail: undefined }));
  if (failure.retryable && attempt < (options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS)) {
    const delayMs = failure.retryAfterMs ?? backoff(attempt);
    if (failure.retryAfterMs !== undefined) {
      // The remote side throttles the whole connection (DingTalk: 10 minutes after a breach): pause it.
      await deps.prisma.$executeRaw`
        INSERT INTO outbox_throttles (channel, "connectionId", until) VALUES (${target.channel}, ${target.connectionId}::uuid, now() + make_interval(secs => ${delayMs / 1000}))
        ON CONFLICT (channel, "connectionId") DO UPDATE SET until = GREATEST(outbox_throttles.until, EXCLUDED.until)`;
    }
    await deps.prisma.$executeRaw`
      UPDATE outbox_messages SET status = 'queued'::"OutboxStatus", "batchId" = NULL, "leaseUntil" = NULL, error = ${error}::jsonb,
        "nextAttemptAt" = now() + make_interval(secs => ${delayMs / 1000}), "updatedAt" = now()
      WHERE id = ANY(${ids}::uuid[]) AND status = 'sending'::"OutboxStatus"`;
    args.stats.retried += ids.length;
    deps.logger.warn({ outboxIds: ids, code: failure.code, delayMs }, 'outbox: send failed; will retry');
  } else {
    await deps.prisma.$executeRaw`
      UPDATE outbox_messages SET status = 'failed'::"OutboxStatus", "leaseUntil" = NULL, error = ${error}::jsonb, "updatedAt" = now()
      WHERE id = ANY(${ids}::uuid[]) AND status = 'sending'::"OutboxStatus"`;
    args.stats.failed += ids.length;
    deps.logger.error({ outboxIds: ids, code: failure.code, message: failure.message }, 'outbox: send failed for good; the message is kept as failed');
  }
  await deps.connections.recordUse(target.connectionId, `${failure.code}: ${failure.message}`.slice(0, 1000)).catch(() => undefined);
}

/**
 * The call is counted in the window from its claim, which is before the remote side saw it; how much
 * before varies (a slow connect, a busy event loop, another drainer). Re-dated to when the answer came
 * back, which is after the arrival, the window can only count it longer than the remote side does.
 */
async function stampSend(deps: OutboxDeps, claimed: Claimed): Promise<void> {
  await deps.prisma.$executeRaw`UPDATE outbox_sends SET at = now() WHERE id = ${claimed.sendId}`.catch((err: unknown) => {
    deps.logger.warn({ outboxIds: claimed.ids, err: String(err) }, 'outbox: could not re-date the send in the rate window; it counts from its claim');
  });
}

/**
 * The remote side has the message: if this write is lost, the recovery sends it again once the lease
 * runs out. So a failed write (a dropped connection, a failover) is retried while the lease holds;
 * after that the row belongs to the recovery and the error propagates.
 */
async function recordSent(deps: OutboxDeps, claimed: Claimed, write: () => Promise<unknown>): Promise<void> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      await write();
      return;
    } catch (error) {
      const waitMs = Math.min(5000, 50 * 2 ** attempt);
      if (Date.now() + waitMs >= claimed.leaseUntil) throw error;
      deps.logger.warn({ outboxIds: claimed.ids, attempt, err: String(error) }, 'outbox: sent, but could not record it; retrying the write');
      await new Promise((resolve) => setTimeout(resolve, waitMs));
    }
  }
}

async function failAll(deps: OutboxDeps, target: { channel: string; connectionId: string }, failure: ConnectorFailure): Promise<void> {
  await deps.prisma.$executeRaw`
    UPDATE outbox_messages SET status = 'failed'::"OutboxStatus", error = ${JSON.stringify(failure)}::jsonb, "updatedAt" = now()
    WHERE status = 'queued'::"OutboxStatus" AND channel = ${target.channel} AND "connectionId" = ${target.connectionId}::uuid`;
  deps.logger.error({ ...target, code: failure.code }, failure.message);
}

/** 1 s, 2 s, 4 s … capped at 5 minutes, with jitter so a fleet of messages does not retry in step. */
function backoff(attempt: number): number {
  const base = Math.min(300_000, 1000 * 2 ** Math.max(0, attempt - 1));
  return Math.round(base * (0.75 + Math.random() * 0.5));
}

function connectorLogger(logger: Logger) {
  return {
    debug: (msg: string, data?: object) => logger.debug(data ?? {}, msg),
    info: (msg: string, data?: object) => logger.info(data ?? {}, msg),
    warn: (msg: string, data?: object) => logger.warn(data ?? {}, msg),
    error: (msg: string, data?: object) => logger.error(data ?? {}, msg),
  };
}
