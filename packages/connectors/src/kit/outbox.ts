import type { z } from 'zod';
import type { ConnectionContext } from './context';

/**
 * A durable outbox for messages a remote system accepts only at a limited rate (e.g. a DingTalk
 * robot: 20 per minute). An action puts the message in the outbox (a committed row); the runtime
 * sends it later through the channel, within the rate, exactly once per `dedupeKey`.
 */
export interface OutboxEntry {
  /** `<connector>.<channel>`, e.g. `dingtalk.robot`; must be a registered OutboxChannel. */
  channel: string;
  connectionId: string;
  /** Stable across retries of the same step (derive it from ctx.idempotencyKey): a repeat returns the first entry. */
  dedupeKey: string;
  payload: unknown;
}

export interface OutboxReceipt {
  id: string;
  status: 'queued' | 'sending' | 'sent' | 'failed';
  /** True when an entry with this dedupeKey existed already (the step ran again). */
  duplicate: boolean;
}

export interface OutboxPort {
  enqueue(entry: OutboxEntry): Promise<OutboxReceipt>;
}

export interface OutboxLimits {
  /** Sends allowed per window, per connection. */
  perWindow: number;
  windowMs: number;
  /** More than this many waiting → one digest send; 0 = never digest. */
  digestThreshold: number;
  /** Most messages combined into one digest. */
  digestMax: number;
}

/** How the runtime sends what waits in the outbox for one channel. */
export interface OutboxChannel<TCredentials = unknown, TPayload = unknown> {
  id: string;
  connectorId: string;
  payload: z.ZodType<TPayload>;
  limits(credentials: TCredentials): OutboxLimits;
  /** Sends one payload; throws ConnectorError (retryable or not) like an action. */
  deliver(ctx: ConnectionContext<TCredentials>, payload: TPayload): Promise<unknown>;
  /** Combines several waiting payloads into one. */
  digest?(payloads: readonly TPayload[]): TPayload;
}
