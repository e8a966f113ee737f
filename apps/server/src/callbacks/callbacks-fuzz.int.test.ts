import { createCipheriv, randomBytes, randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWecomCallback, buildWecomUrlVerification, callbackSignature, encryptCallback, toWecomXml, wecomSignatureOf } from '@qiao/connectors';
import { binaryGarbage, brokenJson, deepNesting, hostileHeaderValue, runHostileRequests, TEN_MB, type HostileRequest } from '../test-support/fuzz/hostile-requests';
import { startHarness, type Harness } from '../test-support/harness';
import { createWecomCallbackConnection, wecomApprovalMessage, type WecomCallbackFixture } from '../test-support/wecom-callback';
import { dingtalkCallbackRequest } from './dingtalk-testing';

/**
 * Hostile requests to the WeCom and DingTalk callback endpoints (the event gateway has its own
 * 10,000 in gateway/gateway-fuzz.int.test.ts): forged, stale, tampered, oversized, malformed. Every
 * one must be answered 4xx and write nothing; an exact replay of a valid callback is answered 200
 * (so the vendor stops retrying) and writes nothing either.
 */
const RUNS_PER_ROUTE = 3_000;
const DT_AES_KEY = 'Qiao0dingtalk0fuzz0callback0key0abcdefghijk';
const DT_TOKEN = 'fuzz-callback-token';
const DT_APP_KEY = 'dingfuzzapp';

let h: Harness;
let wecom: WecomCallbackFixture;
let dingtalkId = '';
const replays: { wecom?: HostileRequest; dingtalk?: HostileRequest } = {};

async function rowCounts() {
  const p = h.db.prisma;
  const [events, runs, steps, audit, outbox, connections] = await Promise.all([p.event.count(), p.run.count(), p.step.count(), p.auditLog.count(), p.outboxMessage.count(), p.connection.count()]);
  return { events, runs, steps, audit, outbox, connections };
}

beforeAll(async () => {
  h = await startHarness();
  wecom = await createWecomCallbackConnection(h.db.prisma, h.services.box);
  dingtalkId = (await h.db.prisma.connection.create({
    data: { name: 'dingtalk fuzz', connectorId: 'dingtalk', secret: h.services.box.sealJson({ kind: 'app', appKey: DT_APP_KEY, appSecret: 's', callbackToken: DT_TOKEN, aesKey: DT_AES_KEY }) },
    select: { id: true },
  })).id;

  // One valid callback each, accepted before counting starts: the fuzz replays them byte for byte.
  const signed = buildWecomCallback({ ...wecom.secrets, agentId: wecom.agentId, message: wecomApprovalMessage(wecom, 'SP-FUZZ-1') });
  replays.wecom = { label: 'replay', query: `/wecom/${wecom.connectionId}?${new URLSearchParams(signed.query).toString()}`, headers: { 'content-type': 'text/xml' }, payload: signed.body, accepts: [200] };
  const dt = dingtalkCallbackRequest({ connectionId: dingtalkId, token: DT_TOKEN, aesKey: DT_AES_KEY, ownerKey: DT_APP_KEY, event: { EventType: 'bpms_instance_change', processInstanceId: 'PI-FUZZ-1', result: 'agree' } });
  replays.dingtalk = { label: 'replay', query: `/dingtalk/${dingtalkId}?${new URLSearchParams(dt.query).toString()}`, headers: dt.headers, payload: dt.payload, accepts: [200] };
  for (const replay of [replays.wecom, replays.dingtalk]) {
    const res = await h.app.inject({ method: 'POST', url: `/api/callbacks${replay.query ?? ''}`, headers: replay.headers, payload: replay.payload });
    expect(res.statusCode).toBe(200);
  }
});
afterAll(async () => h?.close());

// ── shared pieces ────────────────────────────────────────────────────────────────────────────────
const nonce = fc.stringMatching(/^[A-Za-z0-9]{1,16}$/);
const skew = fc.integer({ min: 301, max: 10_000_000 });
const now = () => Math.floor(Date.now() / 1000);
const qs = (query: Record<string, string | undefined>) => new URLSearchParams(Object.entries(query).filter((e): e is [string, string] => e[1] !== undefined)).toString();
const otherConnection = fc.oneof(fc.constant('not-a-uuid'), fc.constant('../../api/events'), fc.uuid({ version: 4 }), fc.constant('%00'), fc.constant('x'.repeat(300)));

/** AES-256-CBC as both vendors do it (key = base64(aesKey + "="), IV = key[0..16)), but over any bytes: no valid padding, framing or owner unless given. */
function rawEncrypt(aesKey: string, plain: Buffer): string {
  const key = Buffer.from(`${aesKey}=`, 'base64');
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
  cipher.setAutoPadding(false);
  return Buffer.concat([cipher.update(plain), cipher.final()]).toString('base64');
}

/** 16 random bytes ‖ length ‖ message ‖ owner, then a last block whose PKCS#7 padding is wrong (0, > 32, or inconsistent). */
const badPaddingPlain = fc.tuple(fc.constantFrom(0, 33, 200, 255, -1), fc.string({ maxLength: 40 })).map(([pad, text]) => {
  const message = Buffer.from(text, 'utf8');
  const length = Buffer.alloc(4);
  length.writeUInt32BE(message.length);
  const body = Buffer.concat([randomBytes(16), length, message, Buffer.from('owner')]);
  const padded = Buffer.concat([body, Buffer.alloc(32 - (body.length % 32), 7)]);
  // -1: a pad byte that says 7 but an earlier pad byte differs.
  if (pad === -1) padded[padded.length - 2] = 9;
  else padded[padded.length - 1] = pad;
  return padded;
});

/** Ciphertexts that are not base64, or base64 of the wrong length, or of random bytes. */
const badCiphertext = fc.oneof(
  fc.constantFrom('', '!!!!', 'not base64 at all', '====', 'AAAA', 'A'.repeat(43), '%00', '<![CDATA[x]]>', 'AAAAAAAAAAAAAAAAAAAAAA=='),
  fc.uint8Array({ minLength: 1, maxLength: 200 }).map((a) => Buffer.from(a).toString('base64')),
  fc.integer({ min: 1, max: 20 }).map((blocks) => randomBytes(16 * blocks).toString('base64')),
);

// ── WeCom ────────────────────────────────────────────────────────────────────────────────────────
const wecomXml = (encrypted: string) => toWecomXml({ ToUserName: wecom.secrets.corpId, AgentID: String(wecom.agentId), Encrypt: encrypted });
const wecomPath = () => `/wecom/${wecom.connectionId}`;
/** A POST whose query is signed correctly over the given ciphertext (so only the named fault remains). */
const wecomSigned = (label: string, encrypted: string, extra: { timestamp?: string; body?: string } = {}): HostileRequest => {
  const timestamp = extra.timestamp ?? String(now());
  const n = randomBytes(6).toString('hex');
  const msg_signature = wecomSignatureOf({ token: wecom.secrets.token, timestamp, nonce: n, encrypted });
  return { label, query: `${wecomPath()}?${qs({ msg_signature, timestamp, nonce: n })}`, headers: { 'content-type': 'text/xml' }, payload: extra.body ?? wecomXml(encrypted) };
};
const validWecom = (fields: Record<string, unknown> = {}) => buildWecomCallback({ ...wecom.secrets, agentId: wecom.agentId, message: wecomApprovalMessage(wecom, `SP-${randomUUID()}`, fields) });

const brokenXml = fc.oneof(
  fc.constantFrom(
    '', '<', '<xml>', '<xml><Encrypt>', '</xml>', '<xml><Encrypt><![CDATA[abc</Encrypt></xml>', '<xml><Encrypt>a</Encrypt>',
    '<?xml version="1.0"?><!DOCTYPE xml [<!ENTITY e SYSTEM "file:///etc/passwd">]><xml><Encrypt>&e;</Encrypt></xml>',
    '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]><xml><Encrypt>&lol2;</Encrypt></xml>',
    '<xml a="1"><Encrypt>x</Encrypt></xml>', '<?pi x?><xml><Encrypt>x</Encrypt></xml>', '<xml><Encrypt>&#0;</Encrypt></xml>', '<xml><Encrypt>&bogus;</Encrypt></xml>',
    '{"Encrypt":"abc"}', '<xml><Encrypt>a</Encrypt><Encrypt>b</Encrypt></xml>', '<xml><ToUserName>x</ToUserName></xml>',
  ),
  fc.string({ maxLength: 200 }),
  fc.nat().map((cut) => {
    const body = validWecom().body;
    return body.slice(0, 1 + (cut % (body.length - 1)));
  }),
);

const wecomHostile: fc.Arbitrary<HostileRequest> = fc.oneof(
  // Broken XML, with a query signed over nothing useful.
  fc.tuple(brokenXml, nonce).map(([payload, n]) => ({ label: 'wc-broken-xml', query: `${wecomPath()}?${qs({ msg_signature: 'a'.repeat(40), timestamp: String(now()), nonce: n })}`, headers: { 'content-type': 'text/xml' }, payload })),
  binaryGarbage.map((payload) => ({ label: 'wc-binary', query: `${wecomPath()}?${qs({ msg_signature: 'a'.repeat(40), timestamp: String(now()), nonce: 'n' })}`, headers: { 'content-type': 'text/xml' }, payload })),
  // Signatures: missing, wrong, made with another token, malformed, in the wrong parameter.
  fc.tuple(fc.oneof(fc.constant(undefined), fc.stringMatching(/^[0-9a-f]{40}$/), hostileHeaderValue, fc.constant('other-token')), fc.boolean()).map(([signature, misnamed]) => {
    const valid = validWecom();
    const forged = signature === 'other-token' ? wecomSignatureOf({ token: 'not-the-token', timestamp: valid.query.timestamp, nonce: valid.query.nonce, encrypted: valid.encrypted }) : signature;
    const query = { ...valid.query, msg_signature: misnamed ? undefined : forged, ...(misnamed ? { signature: valid.query.msg_signature } : {}) };
    return { label: 'wc-signature', query: `${wecomPath()}?${qs(query)}`, headers: { 'content-type': 'text/xml' }, payload: valid.body };
  }),
  // Replayed or future timestamps, correctly signed; timestamps that are not numbers.
  fc.tuple(fc.oneof(skew.map((s) => String(now() - s)), skew.map((s) => String(now() + s)), fc.constantFrom('', 'abc', '1e10', '-1', '0', ' ', '99999999999999999999', '1.5'))).map(([timestamp]) => {
    const valid = validWecom();
    return wecomSigned('wc-timestamp', valid.encrypted, { timestamp, body: valid.body });
  }),
  // Encrypted for another corp (receiveid), correctly signed.
  fc.stringMatching(/^ww[0-9a-f]{16}$/).filter((id) => id !== wecom.secrets.corpId).map((corpId) => {
    const other = buildWecomCallback({ ...wecom.secrets, corpId, agentId: wecom.agentId, message: wecomApprovalMessage(wecom, `SP-${randomUUID()}`) });
    return wecomSigned('wc-receiveid', other.encrypted);
  }),
  // Bad padding and bad base64, correctly signed.
  badPaddingPlain.map((plain) => wecomSigned('wc-padding', rawEncrypt(wecom.secrets.encodingAesKey, plain))),
  badCiphertext.map((encrypted) => wecomSigned('wc-base64', encrypted)),
  // Oversized and deeply nested bodies.
  fc.constant(0).map(() => ({ label: 'wc-10MB', query: `${wecomPath()}?${qs({ msg_signature: 'a'.repeat(40), timestamp: String(now()), nonce: 'n' })}`, headers: { 'content-type': 'text/xml' }, payload: TEN_MB })),
  fc.integer({ min: 33, max: 20_000 }).map((depth) => ({ label: 'wc-deep-nesting', query: `${wecomPath()}?${qs({ msg_signature: 'a'.repeat(40), timestamp: String(now()), nonce: 'n' })}`, headers: { 'content-type': 'text/xml' }, payload: `<xml>${'<a>'.repeat(depth)}${'</a>'.repeat(depth)}</xml>` })),
  // A correctly signed and encrypted message that is itself hostile: deep, prototype keys, or no event at all.
  fc.oneof(
    fc.integer({ min: 33, max: 2_000 }).map((depth) => `<xml><MsgType>event</MsgType>${'<a>'.repeat(depth)}x${'</a>'.repeat(depth)}</xml>`),
    // "__proto__" only: "constructor" or "prototype" elements in a genuine signed message are plain data, as at the gateway.
    fc.boolean().map((nested) => wecomApprovalMessage(wecom, `SP-${randomUUID()}`).replace(nested ? '<ApprovalInfo>' : '<xml>', (open) => `${open}<__proto__><polluted>1</polluted></__proto__>`)),
    fc.constantFrom('', 'not xml', '<xml></xml>', '<xml><MsgType>event</MsgType></xml>', '{"a":1}'),
  ).map((message) => {
    const signed = buildWecomCallback({ ...wecom.secrets, agentId: wecom.agentId, message });
    return { label: 'wc-hostile-message', query: `${wecomPath()}?${qs(signed.query)}`, headers: { 'content-type': 'text/xml' }, payload: signed.body };
  }),
  // Prototype keys in the outer envelope.
  fc.constantFrom('__proto__', 'constructor').map((name) => {
    const valid = validWecom();
    return { label: 'wc-proto-envelope', query: `${wecomPath()}?${qs({ ...valid.query, msg_signature: 'b'.repeat(40) })}`, headers: { 'content-type': 'text/xml' }, payload: valid.body.replace('<xml>', `<xml><${name}><Encrypt>x</Encrypt></${name}>`) };
  }),
  // URL verification GETs that must fail: wrong signature, stale, bad echostr, missing fields.
  fc.tuple(fc.constantFrom('signature', 'stale', 'echostr', 'missing', 'receiveid'), fc.string({ maxLength: 20 })).map(([fault, echo]) => {
    const good = buildWecomUrlVerification({ ...wecom.secrets, echo: echo || 'echo', ...(fault === 'stale' ? { timestamp: String(now() - 3600) } : {}) }).query;
    const bad = fault === 'receiveid' ? buildWecomUrlVerification({ ...wecom.secrets, corpId: 'wwother', echo: 'echo' }).query : good;
    const query: Record<string, string | undefined> = { ...bad };
    if (fault === 'signature') query['msg_signature'] = '0'.repeat(40);
    if (fault === 'echostr') { query['echostr'] = 'AAAA'; query['msg_signature'] = wecomSignatureOf({ token: wecom.secrets.token, timestamp: good.timestamp, nonce: good.nonce, encrypted: 'AAAA' }); }
    if (fault === 'missing') query['echostr'] = undefined;
    return { label: 'wc-verify-url', method: 'GET' as const, query: `${wecomPath()}?${qs(query)}`, headers: {}, payload: '' };
  }),
  // Unknown connections, a DingTalk connection, malformed ids.
  otherConnection.map((id) => {
    const valid = validWecom();
    return { label: 'wc-connection', query: `/wecom/${encodeURIComponent(id)}?${qs(valid.query)}`, headers: { 'content-type': 'text/xml' }, payload: valid.body };
  }),
  fc.constant(0).map(() => {
    const valid = validWecom();
    return { label: 'wc-connection', query: `/wecom/${dingtalkId}?${qs(valid.query)}`, headers: { 'content-type': 'text/xml' }, payload: valid.body };
  }),
  // The accepted callback again, byte for byte.
  fc.constant(0).map(() => replays.wecom ?? { label: 'replay', headers: {}, payload: '' }),
);

// ── DingTalk ─────────────────────────────────────────────────────────────────────────────────────
const dingtalkPath = () => `/dingtalk/${dingtalkId}`;
const dtEvent = () => ({ EventType: 'bpms_instance_change', processInstanceId: `PI-${randomUUID()}`, result: 'agree' });
const validDingtalk = (event: Record<string, unknown> = dtEvent()) => dingtalkCallbackRequest({ connectionId: dingtalkId, token: DT_TOKEN, aesKey: DT_AES_KEY, ownerKey: DT_APP_KEY, event });
const dtSigned = (label: string, encrypt: string, extra: { timestamp?: string; body?: string } = {}): HostileRequest => {
  const timestamp = extra.timestamp ?? String(Date.now());
  const n = randomBytes(6).toString('hex');
  const signature = callbackSignature({ token: DT_TOKEN, timestamp, nonce: n, encrypt });
  return { label, query: `${dingtalkPath()}?${qs({ signature, timestamp, nonce: n })}`, headers: { 'content-type': 'application/json' }, payload: extra.body ?? JSON.stringify({ encrypt }) };
};
const dtQuery = () => qs({ signature: 'a'.repeat(40), timestamp: String(Date.now()), nonce: 'n' });

const dingtalkHostile: fc.Arbitrary<HostileRequest> = fc.oneof(
  brokenJson.map((payload) => ({ label: 'dt-broken-json', query: `${dingtalkPath()}?${dtQuery()}`, headers: { 'content-type': 'application/json' }, payload })),
  binaryGarbage.map((payload) => ({ label: 'dt-binary', query: `${dingtalkPath()}?${dtQuery()}`, headers: { 'content-type': 'application/json' }, payload })),
  // Wrong bodies that are JSON: no encrypt, encrypt of the wrong type.
  fc.oneof(fc.json(), fc.record({ encrypt: fc.oneof(fc.integer(), fc.constant(null), fc.array(fc.string()), fc.object({ maxDepth: 1 })) }).map((o) => JSON.stringify(o))).map((payload) => ({ label: 'dt-wrong-types', query: `${dingtalkPath()}?${dtQuery()}`, headers: { 'content-type': 'application/json' }, payload })),
  // Signatures: missing, wrong, another token's, in either spelling.
  fc.tuple(fc.oneof(fc.constant(undefined), fc.stringMatching(/^[0-9a-f]{40}$/), hostileHeaderValue, fc.constant('other-token')), fc.constantFrom('signature', 'msg_signature')).map(([signature, name]) => {
    const valid = validDingtalk();
    const encrypt = (JSON.parse(valid.payload) as { encrypt: string }).encrypt;
    const forged = signature === 'other-token' ? callbackSignature({ token: 'not-the-token', timestamp: valid.query.timestamp ?? '', nonce: valid.query.nonce ?? '', encrypt }) : signature;
    return { label: 'dt-signature', query: `${dingtalkPath()}?${qs({ timestamp: valid.query.timestamp, nonce: valid.query.nonce, [name]: forged })}`, headers: valid.headers, payload: valid.payload };
  }),
  // A captured request with its timestamp or nonce replaced (the signature no longer matches), or missing.
  fc.tuple(fc.oneof(skew.map((s) => String(Date.now() - s * 1000)), fc.constantFrom('', 'abc', '0')), fc.constantFrom('timestamp', 'nonce', 'drop-timestamp', 'drop-nonce')).map(([value, field]) => {
    const valid = validDingtalk();
    const query: Record<string, string | undefined> = { ...valid.query };
    if (field === 'drop-timestamp') query['timestamp'] = undefined;
    else if (field === 'drop-nonce') query['nonce'] = undefined;
    else query[field] = value || 'x';
    return { label: 'dt-timestamp', query: `${dingtalkPath()}?${qs(query)}`, headers: valid.headers, payload: valid.payload };
  }),
  // Encrypted for another app (owner key), correctly signed.
  fc.stringMatching(/^ding[a-z0-9]{4,16}$/).filter((k) => k !== DT_APP_KEY).map((ownerKey) => dtSigned('dt-owner', encryptCallback({ aesKey: DT_AES_KEY, ownerKey, message: JSON.stringify(dtEvent()) }))),
  // Bad padding, bad base64, correctly signed.
  badPaddingPlain.map((plain) => dtSigned('dt-padding', rawEncrypt(DT_AES_KEY, plain))),
  badCiphertext.map((encrypt) => dtSigned('dt-base64', encrypt)),
  fc.constant(0).map(() => ({ label: 'dt-10MB', query: `${dingtalkPath()}?${dtQuery()}`, headers: { 'content-type': 'application/json' }, payload: TEN_MB })),
  deepNesting.map((nested) => ({ label: 'dt-deep-nesting', query: `${dingtalkPath()}?${dtQuery()}`, headers: { 'content-type': 'application/json' }, payload: `{"encrypt":${nested}}` })),
  // Prototype keys in the envelope (the encrypt field hidden behind them).
  fc.constantFrom('__proto__', 'constructor', 'prototype').map((name) => {
    const valid = validDingtalk();
    return { label: 'dt-proto-envelope', query: `${dingtalkPath()}?${qs(valid.query)}`, headers: valid.headers, payload: `{"${name}":${valid.payload}}` };
  }),
  // Correctly signed and encrypted, but the event itself is hostile or useless.
  fc.oneof(
    fc.constant(0).map(() => `{"EventType":"bpms_instance_change","processInstanceId":"PI-${randomUUID()}","__proto__":{"polluted":true}}`),
    fc.constant(0).map(() => `{"EventType":"bpms_instance_change","processInstanceId":"PI-${randomUUID()}","data":{"__proto__":{"polluted":true}}}`),
    fc.integer({ min: 65, max: 5_000 }).map((depth) => `{"EventType":"bpms_instance_change","processInstanceId":"PI-${randomUUID()}","deep":${'['.repeat(depth)}${']'.repeat(depth)}}`),
    fc.constantFrom('', 'not json', '[]', '"text"', '42', 'null', '{}', '{"EventType":""}', '{"EventType":true}', '{"EventType":["a"]}', '{"EventType":"bad type with spaces"}', '{"EventType":"x","a":"\\u0000"}'),
  ).map((message) => dtSigned('dt-hostile-event', encryptCallback({ aesKey: DT_AES_KEY, ownerKey: DT_APP_KEY, message }))),
  otherConnection.map((id) => {
    const valid = validDingtalk();
    return { label: 'dt-connection', query: `/dingtalk/${encodeURIComponent(id)}?${qs(valid.query)}`, headers: valid.headers, payload: valid.payload };
  }),
  fc.constant(0).map(() => {
    const valid = validDingtalk();
    return { label: 'dt-connection', query: `/dingtalk/${wecom.connectionId}?${qs(valid.query)}`, headers: valid.headers, payload: valid.payload };
  }),
  fc.constant(0).map(() => replays.dingtalk ?? { label: 'replay', headers: {}, payload: '' }),
);

describe('callback fuzz', () => {
  it(`answers ${RUNS_PER_ROUTE} hostile WeCom and ${RUNS_PER_ROUTE} hostile DingTalk callbacks with 4xx only (exact replays: 200), stays up, and writes nothing`, async () => {
    const before = await rowCounts();
    const outcomes = [];
    for (const requests of [wecomHostile, dingtalkHostile]) {
      outcomes.push(await runHostileRequests({ app: h.app, route: '/api/callbacks', requests, numRuns: RUNS_PER_ROUTE }));
    }
    expect(outcomes.map((o) => o.runs)).toEqual([RUNS_PER_ROUTE, RUNS_PER_ROUTE]);
    expect(await rowCounts()).toEqual(before);
    expect((({}) as Record<string, unknown>)['polluted']).toBeUndefined();
    const tally = Object.assign({}, ...outcomes.map((o) => o.tally)) as Record<string, number>;
    console.info('callback fuzz answers:', JSON.stringify(tally));
    // Every family was exercised, and replays were answered 200.
    const labels = new Set(Object.keys(tally).map((k) => k.split(' ')[0]));
    expect([...labels].sort()).toEqual([
      'dt-10MB', 'dt-base64', 'dt-binary', 'dt-broken-json', 'dt-connection', 'dt-deep-nesting', 'dt-hostile-event', 'dt-owner', 'dt-padding', 'dt-proto-envelope', 'dt-signature', 'dt-timestamp', 'dt-wrong-types',
      'replay',
      'wc-10MB', 'wc-base64', 'wc-binary', 'wc-broken-xml', 'wc-connection', 'wc-deep-nesting', 'wc-hostile-message', 'wc-padding', 'wc-proto-envelope', 'wc-receiveid', 'wc-signature', 'wc-timestamp', 'wc-verify-url',
    ]);
    expect(Object.keys(tally).filter((k) => k.startsWith('replay')).every((k) => k === 'replay 200')).toBe(true);

    // Still up: a new valid callback of each kind is accepted and stored once.
    const wc = buildWecomCallback({ ...wecom.secrets, agentId: wecom.agentId, message: wecomApprovalMessage(wecom, 'SP-AFTER-FUZZ') });
    expect((await h.app.inject({ method: 'POST', url: `/api/callbacks/wecom/${wecom.connectionId}?${qs(wc.query)}`, headers: { 'content-type': 'text/xml' }, payload: wc.body })).statusCode).toBe(200);
    const dt = validDingtalk();
    expect((await h.app.inject({ method: 'POST', url: `/api/callbacks/dingtalk/${dingtalkId}?${qs(dt.query)}`, headers: dt.headers, payload: dt.payload })).statusCode).toBe(200);
    expect((await rowCounts()).events).toBe(before.events + 2);
    expect((await h.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  }, 180_000);

  it('refuses a correctly signed event that holds a "__proto__" key (either vendor), or DingTalk JSON nested deeper than 64, and writes nothing', async () => {
    const before = await rowCounts();
    const wcMessage = wecomApprovalMessage(wecom, 'SP-PROTO').replace('<ApprovalInfo>', '<ApprovalInfo><__proto__><SpStatus>2</SpStatus></__proto__>');
    const wc = buildWecomCallback({ ...wecom.secrets, agentId: wecom.agentId, message: wcMessage });
    const wcAnswer = await h.app.inject({ method: 'POST', url: `/api/callbacks/wecom/${wecom.connectionId}?${qs(wc.query)}`, headers: { 'content-type': 'text/xml' }, payload: wc.body });
    expect(wcAnswer.statusCode).toBe(400);
    for (const message of [
      '{"EventType":"bpms_instance_change","processInstanceId":"PI-PROTO","__proto__":{"result":"agree"}}',
      `{"EventType":"bpms_instance_change","processInstanceId":"PI-DEEP","x":${'['.repeat(65)}${']'.repeat(65)}}`,
    ]) {
      const request = dtSigned('direct', encryptCallback({ aesKey: DT_AES_KEY, ownerKey: DT_APP_KEY, message }));
      const answer = await h.app.inject({ method: 'POST', url: `/api/callbacks${request.query ?? ''}`, headers: request.headers, payload: request.payload });
      expect(answer.statusCode).toBe(400);
      expect(answer.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
    expect(await rowCounts()).toEqual(before);
  });
});
