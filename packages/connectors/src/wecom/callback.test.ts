import { describe, expect, it } from 'vitest';
import { buildSignedCallback, buildUrlVerification, openEventPost, openUrlVerification, toWecomXml } from './callback';
import { toWecomCloudEvent, wecomEventId, wecomEventType } from './callback-event';
import { encryptMessage, signatureOf } from './crypto';

const secrets = { token: 'QiaoToken', encodingAesKey: 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C', corpId: 'ww5f3c2a1b0d9e8f70' };
const approval = (spNo: string, extra: Record<string, unknown> = {}) =>
  toWecomXml({ ToUserName: secrets.corpId, FromUserName: 'sys', CreateTime: '1764230400', MsgType: 'event', Event: 'sys_approval_change', AgentID: '1000002', ApprovalInfo: { SpNo: spNo, SpStatus: '2', StatuChangeEvent: '2', ...extra } });

describe('URL verification', () => {
  it('answers the decrypted echostr', () => {
    const { query } = buildUrlVerification({ ...secrets, echo: '1616140317555161061' });
    expect(openUrlVerification(secrets, query)).toEqual({ ok: true, value: '1616140317555161061' });
  });

  it('refuses a wrong token, a missing parameter, an old timestamp and another corp', () => {
    const { query } = buildUrlVerification({ ...secrets, echo: 'x' });
    expect(openUrlVerification({ ...secrets, token: 'other' }, query)).toMatchObject({ ok: false, reason: 'bad_signature' });
    expect(openUrlVerification(secrets, { ...query, echostr: undefined })).toMatchObject({ ok: false, reason: 'missing_parameter' });
    expect(openUrlVerification(secrets, { ...query, msg_signature: 'zz' })).toMatchObject({ ok: false, reason: 'missing_parameter' });
    const old = buildUrlVerification({ ...secrets, echo: 'x', timestamp: String(Math.floor(Date.now() / 1000) - 3600) });
    expect(openUrlVerification(secrets, old.query)).toMatchObject({ ok: false, reason: 'stale_timestamp' });
    const foreign = buildUrlVerification({ ...secrets, corpId: 'wwsomeoneelse', echo: 'x' });
    expect(openUrlVerification(secrets, foreign.query)).toMatchObject({ ok: false, reason: 'bad_receive_id' });
  });
});

describe('event POSTs', () => {
  it('verifies, decrypts and parses the inner message', () => {
    const signed = buildSignedCallback({ ...secrets, agentId: 1000002, message: approval('202611270001') });
    const opened = openEventPost(secrets, signed.query, signed.body);
    expect(opened).toMatchObject({ ok: true, value: { Event: 'sys_approval_change', ApprovalInfo: { SpNo: '202611270001' } } });
  });

  it('refuses a forged signature, a tampered ciphertext, bad padding and a body without Encrypt', () => {
    const signed = buildSignedCallback({ ...secrets, agentId: 1, message: approval('1') });
    expect(openEventPost(secrets, { ...signed.query, msg_signature: signatureOf({ token: 'forged', timestamp: signed.query.timestamp, nonce: signed.query.nonce, encrypted: signed.encrypted }) }, signed.body)).toMatchObject({ reason: 'bad_signature' });
    expect(openEventPost(secrets, signed.query, signed.body.replace(signed.encrypted, `A${signed.encrypted.slice(1)}`))).toMatchObject({ reason: 'bad_signature' });
    expect(openEventPost(secrets, signed.query, '<xml><ToUserName>x</ToUserName></xml>')).toMatchObject({ reason: 'bad_body' });
    expect(openEventPost(secrets, signed.query, 'not xml')).toMatchObject({ reason: 'bad_xml' });
    // A correctly signed ciphertext whose padding is wrong (signed by someone holding the token only).
    const badPad = Buffer.from(encryptMessage({ encodingAesKey: secrets.encodingAesKey, message: 'x', receiveId: secrets.corpId }), 'base64');
    const forgedCipher = Buffer.concat([badPad.subarray(0, 16), Buffer.alloc(16, 7)]).toString('base64');
    const query = { ...signed.query, msg_signature: signatureOf({ token: secrets.token, timestamp: signed.query.timestamp, nonce: signed.query.nonce, encrypted: forgedCipher }) };
    const outcome = openEventPost(secrets, query, toWecomXml({ Encrypt: forgedCipher }));
    expect(outcome.ok).toBe(false);
  });

  it('refuses XML with entity declarations inside the encrypted message', () => {
    const signed = buildSignedCallback({ ...secrets, agentId: 1, message: '<!DOCTYPE x [<!ENTITY a "b">]><xml><a>&a;</a></xml>' });
    expect(openEventPost(secrets, signed.query, signed.body)).toMatchObject({ ok: false, reason: 'bad_xml' });
  });
});

describe('CloudEvents from callbacks', () => {
  it('maps approvals to com.qiao.wecom.approval_change with the approval number as subject', () => {
    const signed = buildSignedCallback({ ...secrets, agentId: 1000002, message: approval('202611270001') });
    const opened = openEventPost(secrets, signed.query, signed.body);
    if (!opened.ok) throw new Error(opened.message);
    const event = toWecomCloudEvent(opened.value, { corpId: secrets.corpId });
    expect(event).toMatchObject({ specversion: '1.0', type: 'com.qiao.wecom.approval_change', source: `wecom://${secrets.corpId}/1000002`, subject: '202611270001', time: '2025-11-27T08:00:00.000Z' });
  });

  it('gives retries the same id, and events of one batch (same second) different ids', () => {
    const parse = (xml: string) => {
      const signed = buildSignedCallback({ ...secrets, agentId: 1, message: xml });
      const opened = openEventPost(secrets, signed.query, signed.body);
      if (!opened.ok) throw new Error(opened.message);
      return opened.value;
    };
    expect(wecomEventId(parse(approval('A')))).toBe(wecomEventId(parse(approval('A'))));
    expect(wecomEventId(parse(approval('A')))).not.toBe(wecomEventId(parse(approval('B'))));
    expect(wecomEventId(parse(approval('A')))).not.toBe(wecomEventId(parse(approval('A', { SpStatus: '3' }))));
    expect(wecomEventId(parse(toWecomXml({ MsgType: 'text', MsgId: '1234567890', Content: 'hi' })))).toBe('msg-1234567890');
  });

  it('names other events after their Event, messages after their MsgType, and refuses odd names', () => {
    expect(wecomEventType({ MsgType: 'event', Event: 'change_contact' })).toBe('com.qiao.wecom.change_contact');
    expect(wecomEventType({ MsgType: 'event', Event: 'open_approval_change' })).toBe('com.qiao.wecom.approval_change');
    expect(wecomEventType({ MsgType: 'text' })).toBe('com.qiao.wecom.message.text');
    expect(wecomEventType({ MsgType: 'event', Event: '../../x' })).toBeUndefined();
    expect(wecomEventType({})).toBeUndefined();
  });
});
