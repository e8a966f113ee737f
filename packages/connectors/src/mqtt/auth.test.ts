import { describe, expect, it } from 'vitest';
import { mqttAuthSchema, parseSubscriptions, topicFilterProblem } from './auth';

describe('MQTT subscriptions', () => {
  it('reads filters one per line or comma-separated, with QoS 1 by default', () => {
    expect(parseSubscriptions('plant/+/energy 0\nplant/alarms/#, meters/x 1')).toEqual({
      ok: true, subscriptions: [{ filter: 'plant/+/energy', qos: 0 }, { filter: 'plant/alarms/#', qos: 1 }, { filter: 'meters/x', qos: 1 }],
    });
    expect(parseSubscriptions('  \n')).toEqual({ ok: true, subscriptions: [] });
  });

  it('names the problem: bad wildcard, QoS 2, duplicates', () => {
    expect(parseSubscriptions('a/#/b')).toMatchObject({ ok: false, problem: expect.stringContaining('"#" must be the last level') });
    expect(parseSubscriptions('a/b+ 1')).toMatchObject({ ok: false, problem: expect.stringContaining('"+" must fill a whole level') });
    expect(parseSubscriptions('a/b 2')).toMatchObject({ ok: false, problem: expect.stringContaining('QoS must be 0 or 1') });
    expect(parseSubscriptions('a, a')).toMatchObject({ ok: false, problem: expect.stringContaining('twice') });
    expect(topicFilterProblem('#')).toBeNull();
  });

  it('the auth schema refuses other schemes and a bad subscription list, naming the field', () => {
    expect(mqttAuthSchema.safeParse({ brokerUrl: 'http://x' }).success).toBe(false);
    const bad = mqttAuthSchema.safeParse({ brokerUrl: 'mqtt://x:1883', subscriptions: 'a/#/b' });
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]).toMatchObject({ path: ['subscriptions'], message: expect.stringContaining('"#"') });
    expect(mqttAuthSchema.parse({ brokerUrl: 'mqtts://broker.plant:8883' })).toMatchObject({ clientIdPrefix: 'qiao-', protocolVersion: '3.1.1', tlsRejectUnauthorized: true, subscriptions: '' });
  });
});
