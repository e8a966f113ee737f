import { describe, expect, it } from 'vitest';
import { DingtalkStreamClient, handleStreamFrame } from '@qiao/connectors/dingtalk-stream';
import { createMemoryLogger } from '@qiao/connectors/testing';

// Stream mode cannot reach DingTalk from here (the SDK's gateway URL is fixed to api.dingtalk.com):
// these tests cover the frame → CloudEvent mapping and that the ack waits for the commit.

const frame = (data: string, headers: Record<string, string> = {}) => ({
  specVersion: '1.0',
  type: 'EVENT',
  headers: { appId: 'a', connectionId: 'c', contentType: 'application/json', messageId: 'msg-1', time: '1700000000000', topic: '*', eventType: 'bpms_instance_change', eventId: 'ev-1', eventBornTime: '1700000000000', ...headers },
  data,
});

describe('stream frames', () => {
  it('maps an EVENT frame to the same CloudEvent shape as HTTP push and acks SUCCESS after accept', async () => {
    const accepted: unknown[] = [];
    const ack = await handleStreamFrame(frame('{"processInstanceId":"PI-9","result":"agree"}'), { connectionId: 'conn', logger: createMemoryLogger(), accept: async (e) => void accepted.push(e) });
    expect(ack).toEqual({ status: 'SUCCESS' });
    expect(accepted).toEqual([expect.objectContaining({ id: 'ev-1', type: 'com.qiao.dingtalk.bpms_instance_change', source: 'urn:qiao:dingtalk:conn', subject: 'PI-9', time: '2023-11-14T22:13:20.000Z' })]);
  });

  it('asks for redelivery (LATER) when the commit fails; acks unusable frames without accepting', async () => {
    const logger = createMemoryLogger();
    expect(await handleStreamFrame(frame('{}'), { connectionId: 'c', logger, accept: async () => Promise.reject(new Error('db down')) })).toMatchObject({ status: 'LATER' });
    let called = false;
    expect(await handleStreamFrame(frame('not json'), { connectionId: 'c', logger, accept: async () => void (called = true) })).toMatchObject({ status: 'SUCCESS' });
    expect(await handleStreamFrame(frame('{}', { eventType: '' }), { connectionId: 'c', logger, accept: async () => void (called = true) })).toMatchObject({ status: 'SUCCESS' });
    expect(called).toBe(false);
    expect(logger.entries.filter((e) => e.level === 'error')).toHaveLength(2);
  });

  it('the SDK client subclass sends the ack only after the commit resolved', async () => {
    let commit: () => void = () => undefined;
    const client = new DingtalkStreamClient({ clientId: 'k', clientSecret: 's', connectionId: 'c', logger: createMemoryLogger(), accept: () => new Promise<void>((resolve) => (commit = resolve)) });
    const sent: [string, unknown][] = [];
    client.send = (messageId: string, value: unknown) => void sent.push([messageId, value]);
    client.onEvent(frame('{"processInstanceId":"PI-1"}'));
    await new Promise((r) => setTimeout(r, 20));
    expect(sent).toEqual([]);
    commit();
    await new Promise((r) => setTimeout(r, 20));
    expect(sent).toEqual([['msg-1', { status: 'SUCCESS' }]]);
  });
});
