import type { z } from 'zod';
import type { ConnectionContext } from './context';

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
