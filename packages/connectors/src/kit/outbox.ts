/**
 * A durable outbox for messages a remote system accepts only at a limited rate (e.g. a DingTalk
 * robot: 20 per minute). An action puts the message in the outbox (a committed row); the runtime
 * sends it later through the channel, within the rate: one entry per `dedupeKey`, sent once (the
 * runtime documents the one crash window in which a send may repeat).
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
