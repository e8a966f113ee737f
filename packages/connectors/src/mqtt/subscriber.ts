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
   * Called once per message, one at a time, in arrival order. The acknowledgement (PUBACK) is sent
   * only after it resolves; if it rejects, the message is not acknowledged and the session is
   * reconnected so the broker delivers it again.
   */
  onMessage(message: MqttInboundMessage): Promise<void>;
  onState?(state: SubscriberState): void;
  logger: Logger;
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
 * only after `onMessage` committed it. mqtt.js hands packets over one at a time and waits for
 * handleMessage's callback before sending the PUBACK and reading the next packet.
 */
export function openSubscriber(options: SubscriberOptions): MqttSubscriber {
  const { credentials, logger } = options;
  const parsed = parseSubscriptions(credentials.subscriptions);
  const subscriptions = parsed.ok ? parsed.subscriptions : [];
  const minBackoff = options.minBackoffMs ?? 1000;
  const maxBackoff = options.maxBackoffMs ?? 30_000;
  let backoff = minBackoff;
  let closed = false;
  let pendingUnsubscribe = [...(options.unsubscribe ?? [])].filter((f) => !subscriptions.some((s) => s.filter === f));
  const host = brokerHost(credentials);

  const client: MqttClient = connect(credentials.brokerUrl, clientOptions(credentials, { clientId: options.clientId, clean: false, reconnectPeriodMs: minBackoff }));

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
    options.onMessage(message).then(
      () => callback(),
      (err: unknown) => {
        // Not committed: no PUBACK. Drop the connection so the broker redelivers it (with dup) after the backoff.
        logger.warn('mqtt message not accepted; reconnecting so the broker delivers it again', { topic: message.topic, err: String(err) });
        if (closed) return;
        const wait = backoff;
        backoff = Math.min(maxBackoff, backoff * 2);
        client.end(true, undefined, () => {
          setTimeout(() => {
            if (!closed) client.reconnect();
          }, wait).unref();
        });
      },
    );
  };

  client.on('connect', (connack) => {
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
    // Exponential backoff: the next reconnect waits longer, up to the maximum.
    backoff = Math.min(maxBackoff, backoff * 2);
    client.options.reconnectPeriod = backoff;
    if (!closed) options.onState?.({ state: 'offline', retryInMs: backoff });
  });

  return {
    async close() {
      closed = true;
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
