import { connect, type IPublishPacket, type MqttClient } from 'mqtt';
import type { ConnectorError } from '../kit/errors/connector-error';
import type { Logger } from '../kit/context';
import { brokerHost, parseSubscriptions, type MqttCredentials } from './auth';
import { clientOptions, connectOnce, mqttError } from './transport';

export interface MqttInboundMessage {
  topic: string;
  payload: Buffer;
  qos: 0 | 1 | 2;
  retain: boolean;
  /** The broker resends a QoS ≥ 1 message it has no acknowledgement for with dup set. */
  dup: boolean;
  /** Packet identifier (QoS ≥ 1); the same on a redelivery, reused by the broker once acknowledged. */
  messageId: number | undefined;
  /** MQTT 5 user properties, when any. */
  userProperties: Record<string, string | string[]> | undefined;
}

export type SubscriberState =
  | { state: 'connected'; sessionPresent: boolean }
  | { state: 'offline'; error?: ConnectorError; retryInMs: number };

export interface SubscriberOptions {
  credentials: MqttCredentials;
  /** Stable per connection, so the broker keeps the session (and its queued messages) for it. */
  clientId: string;
  /** Filters of an earlier configuration to drop from the persistent session. */
  unsubscribe?: readonly string[];
  /**
   * Called once per message in arrival order, up to `concurrency` at a time (so commits may finish
   * out of order). The acknowledgement (PUBACK) is sent only after it resolves; if it rejects, the
   * message is not acknowledged and the session is reconnected so the broker delivers it again.
   */
  onMessage(message: MqttInboundMessage): Promise<void>;
  onState?(state: SubscriberState): void;
  logger: Logger;
  /** Messages being committed at once (default 16); each PUBACK still waits for its own commit. */
  concurrency?: number;
  /** Reconnect backoff: first delay, doubled up to the maximum (default 1 s → 30 s). */
  minBackoffMs?: number;
  maxBackoffMs?: number;
}

export interface MqttSubscriber {
  /** Graceful: finishes the message in hand, disconnects; the broker keeps the session. */
  close(): Promise<void>;
  /** Drops the socket at once without acknowledging anything in hand (as a crash would). */
  abandon(): void;
}

/**
 * A persistent-session subscriber (clean: false, stable client id): QoS 1 messages published while
 * it is away are queued by the broker and delivered when it is back, and a message is acknowledged
 * only after `onMessage` committed it.
 */
export function openSubscriber(options: SubscriberOptions): MqttSubscriber {
  const { credentials, logger } = options;
  const parsed = parseSubscriptions(credentials.subscriptions);
  const subscriptions = parsed.ok ? parsed.subscriptions : [];
  const minBackoff = options.minBackoffMs ?? 1000;
  const maxBackoff = options.maxBackoffMs ?? 30_000;
  const concurrency = options.concurrency ?? 16;
  let backoff = minBackoff;
  let closed = false;
  let pendingUnsubscribe = [...(options.unsubscribe ?? [])].filter((f) => !subscriptions.some((s) => s.filter === f));
  const host = brokerHost(credentials);

  const client: MqttClient = connect(credentials.brokerUrl, clientOptions(credentials, { clientId: options.clientId, clean: false, reconnectPeriodMs: minBackoff }));

  // Acknowledge after commit without handling one message at a time. mqtt.js reads the next packet
  // only once the PUBACK of the current one is handed to _sendPacket, so the PUBACK of a QoS 1
  // message is held here until its commit resolved, while up to `concurrency` commits run at once.
  // A PUBACK is dropped when its commit failed or the connection it belongs to is gone (packet ids
  // are per connection: a stale PUBACK could acknowledge another message after a reconnect).
  // Relies on mqtt.js 5.16 internals (pinned exactly); mqtt-trigger.int.test.ts proves the behaviour.
  let epoch = 0;
  const held = new Map<number, { commit: Promise<void>; epoch: number }>();
  const internals = client as unknown as { _sendPacket(packet: { cmd: string; messageId?: number }, cb?: (err?: Error) => void, ...rest: unknown[]): void };
  const sendPacket = internals._sendPacket.bind(client);
  internals._sendPacket = (packet, cb, ...rest) => {
    const wait = packet.cmd === 'puback' && packet.messageId !== undefined ? held.get(packet.messageId) : undefined;
    if (!wait || packet.messageId === undefined) {
      sendPacket(packet, cb, ...rest);
      return;
    }
    held.delete(packet.messageId);
    cb?.();
    wait.commit.then(
      () => {
        if (client.connected && epoch === wait.epoch) sendPacket(packet);
      },
      () => undefined,
    );
  };

  const inflight = new Set<Promise<void>>();
  let reconnecting = false;
  const redeliver = (err: unknown, topic: string) => {
    // Not committed: no PUBACK. Drop the connection so the broker delivers it again (with dup) after the backoff.
    logger.warn('mqtt message not accepted; reconnecting so the broker delivers it again', { topic, err: String(err) });
    if (closed || reconnecting) return;
    reconnecting = true;
    const wait = backoff;
    backoff = Math.min(maxBackoff, backoff * 2);
    epoch += 1;
    client.end(true, undefined, () => {
      setTimeout(() => {
        reconnecting = false;
        if (!closed) client.reconnect();
      }, wait).unref();
    });
  };

  client.handleMessage = (packet: IPublishPacket, callback: (error?: Error) => void) => {
    const message: MqttInboundMessage = {
      topic: packet.topic,
      payload: Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload),
      qos: packet.qos,
      retain: packet.retain,
      dup: packet.dup,
      messageId: packet.messageId,
      userProperties: packet.properties?.userProperties,
    };
    const commit = options.onMessage(message);
    if (packet.qos > 0 && packet.messageId !== undefined) held.set(packet.messageId, { commit, epoch });
    const tracked: Promise<void> = commit.then(
      () => undefined,
      (err: unknown) => redeliver(err, message.topic),
    );
    inflight.add(tracked);
    void tracked.finally(() => inflight.delete(tracked));
    // Backpressure: with `concurrency` commits running, the next packet is read when one finishes.
    if (inflight.size < concurrency) callback();
    else void Promise.race(inflight).then(() => callback());
  };

  client.on('close', () => {
    epoch += 1;
    // Each failed or lost connection doubles the wait before the next attempt, up to the maximum.
    if (!client.connected) {
      backoff = Math.min(maxBackoff, backoff * 2);
      client.options.reconnectPeriod = backoff;
    }
  });
  client.on('connect', (connack) => {
    epoch += 1;
    backoff = minBackoff;
    client.options.reconnectPeriod = backoff;
    options.onState?.({ state: 'connected', sessionPresent: connack.sessionPresent });
    if (pendingUnsubscribe.length > 0) {
      const dropping = pendingUnsubscribe;
      client.unsubscribe(dropping, (err) => {
        if (!err) pendingUnsubscribe = [];
      });
    }
    if (subscriptions.length === 0) return;
    const wanted = Object.fromEntries(subscriptions.map((s) => [s.filter, { qos: s.qos }]));
    client.subscribe(wanted, (err, granted) => {
      if (err) {
        logger.error('mqtt subscribe failed', { host, err: String(err) });
        return;
      }
      for (const g of granted ?? []) {
        if (g.qos === 128) logger.error('the broker refused a subscription (SUBACK 0x80: not allowed by its ACL?)', { host, filter: g.topic });
      }
    });
  });
  client.on('error', (err) => {
    const failure = mqttError(err, credentials);
    logger.warn('mqtt subscriber error', { host, code: failure.code, message: failure.message });
    options.onState?.({ state: 'offline', error: failure, retryInMs: backoff });
  });
  client.on('offline', () => {
    if (!closed) options.onState?.({ state: 'offline', retryInMs: backoff });
  });

  return {
    async close() {
      closed = true;
      // Let the commits in hand finish so their PUBACKs go out before the disconnect.
      await Promise.allSettled([...inflight]);
      await new Promise((resolve) => setImmediate(resolve));
      await client.endAsync();
    },
    abandon() {
      closed = true;
      client.end(true);
    },
  };
}

/**
 * Ends a persistent session on the broker (connect with clean: true, disconnect), so a deleted
 * connection's subscriptions stop queueing messages nobody will read.
 */
export async function forgetSession(credentials: MqttCredentials, clientId: string): Promise<void> {
  const client = await connectOnce(credentials, { clientId, clean: true });
  await client.endAsync();
}
