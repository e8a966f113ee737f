import { describe, expect, it } from 'vitest';
import type { MqttInboundMessage } from '@qiao/connectors';
import { payloadFailure } from '../events/payload-error';
import { MQTT_MESSAGE_TYPE, mqttCloudEvent, mqttEventId, mqttSource } from './mqtt-event';

const message = (payload: Buffer | string, extra: Partial<MqttInboundMessage> = {}): MqttInboundMessage => ({
  topic: 'plant/a/meter/M-1/energy', payload: Buffer.isBuffer(payload) ? payload : Buffer.from(payload), qos: 1, retain: false, dup: false, messageId: 7, userProperties: undefined, ...extra,
});
const source = mqttSource('broker:1883', 'c1');

describe('MQTT message → CloudEvent', () => {
  it('parses JSON into data, keeps the topic as subject, digits beyond a double as decimal strings', () => {
    const event = mqttCloudEvent(message('{"meterId":"M-1","kwh":12345678901234567.25}'), { source });
    expect(event).toMatchObject({ type: MQTT_MESSAGE_TYPE, source: 'mqtt://broker:1883/c1', subject: 'plant/a/meter/M-1/energy', datacontenttype: 'application/json', data: { meterId: 'M-1', kwh: '12345678901234567.25' }, mqttqos: 1, mqttretain: false });
    expect(payloadFailure(event)).toBeNull();
  });

  it('a redelivery (same packet id, topic, payload) gets the same id; anything different does not; QoS 0 is random', () => {
    const a = mqttEventId(message('{"v":1}'));
    expect(mqttEventId(message('{"v":1}', { dup: true }))).toBe(a);
    expect(mqttEventId(message('{"v":2}'))).not.toBe(a);
    expect(mqttEventId(message('{"v":1}', { messageId: 8 }))).not.toBe(a);
    expect(mqttEventId(message('{"v":1}', { topic: 'other' }))).not.toBe(a);
    expect(mqttEventId(message('{"v":1}', { qos: 0, messageId: undefined }))).not.toBe(mqttEventId(message('{"v":1}', { qos: 0, messageId: undefined })));
    // A retained message replayed on each subscribe: same topic and payload, whatever the packet id or QoS.
    const retained = mqttEventId(message('{"state":"on"}', { retain: true, messageId: 3 }));
    expect(mqttEventId(message('{"state":"on"}', { retain: true, messageId: 9, qos: 0 }))).toBe(retained);
    expect(mqttEventId(message('{"state":"off"}', { retain: true }))).not.toBe(retained);
  });

  it('keeps an unreadable payload as bytes with the reason', () => {
    const notJson = mqttCloudEvent(message('temperature=21'), { source });
    expect(notJson).toMatchObject({ datacontenttype: 'application/octet-stream', data_base64: Buffer.from('temperature=21').toString('base64') });
    expect(payloadFailure(notJson)?.message).toMatch(/not JSON.*temperature=21/);
    expect(payloadFailure(mqttCloudEvent(message(Buffer.from([0xff, 0xfe, 0x00])), { source }))?.message).toMatch(/UTF-8/);
    expect(payloadFailure(mqttCloudEvent(message(''), { source }))?.message).toMatch(/empty/);
    expect(payloadFailure(mqttCloudEvent(message('{"a":"\\u0000"}'), { source }))?.message).toMatch(/cannot be stored: data\.a/);
    const huge = mqttCloudEvent(message(Buffer.alloc(2 * 1024 * 1024, 0x31)), { source });
    expect(huge.data_base64).toBeUndefined();
    expect(payloadFailure(huge)?.message).toMatch(/2097152 bytes/);
  });
});
