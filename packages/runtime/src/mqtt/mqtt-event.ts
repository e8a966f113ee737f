import { createHash, randomUUID } from 'node:crypto';
import { parseJsonLossless, type MqttInboundMessage } from '@qiao/connectors';
import { cloudEventSchema, type CloudEvent } from '../events/cloud-event';
import { PAYLOAD_ERROR_EXTENSION } from '../events/payload-error';

/** Every MQTT message becomes an event of this type; flows pick topics with their trigger filter on `event.subject`. */
export const MQTT_MESSAGE_TYPE = 'com.qiao.mqtt.message';
/** Larger payloads are recorded without their bytes (the reason says why). */
export const MAX_MQTT_PAYLOAD_BYTES = 1024 * 1024;

/** `mqtt://<broker host>/<connection id>`: one source per connection, so event ids are scoped to it. */
export function mqttSource(host: string, connectionId: string): string {
  return `mqtt://${host}/${connectionId}`;
}

/**
 * The event id. A QoS ≥ 1 message the broker redelivers (we committed it but our PUBACK was lost:
 * a crash, a dropped connection) comes back with the same packet id, topic and payload, so the id
 * is a hash of those three and the redelivery is a duplicate PostgreSQL ignores. The broker reuses
 * a packet id only after it got our PUBACK, so two different messages share an id only if they also
 * have the same topic and byte-identical payload (readings with a timestamp or sequence never do).
 * QoS 0 is never redelivered: a random id. A retained message replayed on every (re)subscribe is
 * identified by topic and payload.
 */
export function mqttEventId(message: Pick<MqttInboundMessage, 'topic' | 'payload' | 'qos' | 'messageId' | 'retain'>): string {
  // retain set on delivery = the broker replays its stored message because we (re)subscribed (live
  // messages reach existing subscriptions with retain cleared): the same state again, not a new message.
  if (message.retain) return `mqtt-r-${createHash('sha256').update(message.topic).update('\u0000').update(message.payload).digest('hex').slice(0, 40)}`;
  if (message.qos === 0 || message.messageId === undefined) return randomUUID();
  const hash = createHash('sha256').update(message.topic).update('\u0000').update(String(message.messageId)).update('\u0000').update(message.payload);
  return `mqtt-${hash.digest('hex').slice(0, 40)}`;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/**
 * A message as a CloudEvent: JSON payloads parsed into `data` (numbers beyond double precision kept
 * as decimal strings). A payload that cannot be read is kept as `data_base64` with the reason in
 * the `payloaderror` extension, so it is recorded (and its runs need attention) instead of lost.
 */
export function mqttCloudEvent(message: MqttInboundMessage, args: { source: string; now?: Date }): CloudEvent {
  const base: CloudEvent = {
    specversion: '1.0',
    id: mqttEventId(message),
    source: args.source,
    type: MQTT_MESSAGE_TYPE,
    subject: message.topic,
    time: (args.now ?? new Date()).toISOString(),
    mqttqos: message.qos,
    mqttretain: message.retain,
  };
  const bad = (reason: string, keepBytes = true): CloudEvent => ({
    ...base,
    datacontenttype: 'application/octet-stream',
    ...(keepBytes ? { data_base64: message.payload.toString('base64') } : {}),
    [PAYLOAD_ERROR_EXTENSION]: reason,
  });
  if (message.payload.length > MAX_MQTT_PAYLOAD_BYTES) return bad(`The payload is ${message.payload.length} bytes; at most ${MAX_MQTT_PAYLOAD_BYTES} are accepted, so it was not stored.`, false);
  if (message.payload.length === 0) return bad('The payload is empty (zero bytes).');
  let text: string;
  try {
    text = utf8.decode(message.payload);
  } catch {
    return bad('The payload is not valid UTF-8 text.');
  }
  let data: unknown;
  try {
    data = parseJsonLossless(text);
  } catch (err) {
    return bad(`The payload is not JSON: ${err instanceof Error ? err.message : String(err)}. It starts with: ${JSON.stringify(text.slice(0, 80))}`);
  }
  const event: CloudEvent = { ...base, datacontenttype: 'application/json', data };
  const checked = cloudEventSchema.safeParse(event);
  if (!checked.success) {
    const issue = checked.error.issues[0];
    return bad(`The payload cannot be stored: ${issue ? `${issue.path.join('.')}: ${issue.message}` : checked.error.message}.`);
  }
  return event;
}
