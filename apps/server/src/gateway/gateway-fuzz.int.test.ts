import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminCaller } from '../test-support/admin-caller';
import {
  binaryGarbage, brokenJson, deepNesting, hostileContentType, hostileHeaderValue, runHostileRequests, TEN_MB, withPollutionKeys, type HostileRequest,
} from '../test-support/fuzz/hostile-requests';
import { startHarness, type Harness } from '../test-support/harness';
import { requestFingerprint } from './idempotency';
import { signBody } from './signature';

/**
 * 10,000+ malformed or hostile requests to POST /api/events: every one must get a 4xx problem, the
 * server must stay up, and no row may be written (every generated request is invalid by construction).
 */
let h: Harness;
const keys = { open: '', scoped: '', signed: '', signedSecret: '', revoked: '', limited: '', idem: '' };
let replayed: { header: string; body: string };
const CE = 'application/cloudevents+json';

const validEvent = (id: string, extra: Record<string, unknown> = {}) => ({ specversion: '1.0', id, source: '/fuzz/erp', type: 'com.acme.order.created', data: { orderNo: id, qty: 1 }, ...extra });

async function rowCounts() {
  const p = h.db.prisma;
  const [events, runs, steps, idempotency, audit] = await Promise.all([p.event.count(), p.run.count(), p.step.count(), p.idempotencyKey.count(), p.auditLog.count()]);
  return { events, runs, steps, idempotency, audit };
}

beforeAll(async () => {
  h = await startHarness();
  const admin = await adminCaller(h);
  keys.open = h.apiKey;
  keys.scoped = (await admin.apiKeys.create({ name: 'scoped', scopes: ['com.acme.invoice.*'] })).key;
  const signed = await admin.apiKeys.create({ name: 'signed', scopes: ['*'], withSigningSecret: true, requireSignature: true });
  keys.signed = signed.key;
  keys.signedSecret = signed.signingSecret ?? '';
  const revoked = await admin.apiKeys.create({ name: 'revoked', scopes: ['*'] });
  await admin.apiKeys.revoke({ id: revoked.id });
  keys.revoked = revoked.key;
  const limited = await admin.apiKeys.create({ name: 'limited', scopes: ['*'], rateLimitPerMinute: 1 });
  keys.limited = limited.key;
  const idem = await admin.apiKeys.create({ name: 'idem', scopes: ['*'] });
  keys.idem = idem.key;

  // Fixtures the hostile requests collide with, made before the counting starts.
  const post = (key: string, body: string, headers: Record<string, string> = {}) => h.app.inject({ method: 'POST', url: '/api/events', headers: { authorization: `Bearer ${key}`, 'content-type': CE, ...headers }, payload: body });
  const body = JSON.stringify(validEvent('fixture-signed'));
  const t = Math.floor(Date.now() / 1000);
  replayed = { body, header: `t=${t},v1=${signBody(keys.signedSecret, t, body)}` };
  expect((await post(keys.signed, body, { 'x-qiao-signature': replayed.header })).statusCode).toBe(202);
  expect((await post(keys.limited, JSON.stringify(validEvent('fixture-limited')))).statusCode).toBe(202);
  expect((await post(keys.idem, JSON.stringify(validEvent('fixture-idem')), { 'idempotency-key': 'fixed' })).statusCode).toBe(202);
  const inFlightBody = JSON.stringify(validEvent('fixture-in-flight'));
  await h.db.prisma.idempotencyKey.create({ data: { apiKeyId: idem.id, key: 'in-flight', fingerprint: requestFingerprint({ 'content-type': CE }, Buffer.from(inFlightBody)), lockedUntil: new Date(Date.now() + 3600_000), expiresAt: new Date(Date.now() + 3600_000) } });
});
afterAll(async () => h?.close());

const auth = (key: string) => ({ authorization: `Bearer ${key}` });
const eventId = fc.stringMatching(/^[a-z0-9-]{1,24}$/).map((s) => `fz-${s}`);
const notString = fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.nat(), { maxLength: 3 }), fc.dictionary(fc.string({ maxLength: 4 }), fc.nat(), { maxKeys: 2 }));

/** A field of an otherwise valid event made invalid: a wrong type, empty, missing, or an impossible value. */
const brokenEvent: fc.Arbitrary<string> = fc
  .tuple(eventId, fc.constantFrom('id', 'source', 'type', 'specversion'), fc.oneof(notString, fc.constant(''), fc.constant(undefined), fc.constant('   ')))
  .map(([id, field, value]) => JSON.stringify({ ...validEvent(id), [field]: value }));
const badAttribute: fc.Arbitrary<string> = fc.tuple(eventId, fc.oneof(
  fc.record({ time: fc.oneof(fc.constantFrom('yesterday', '2026-13-40T00:00:00Z', '0000-01-01T00:00:00Z', '2026-11-27'), notString) }),
  fc.record({ specversion: fc.constantFrom('0.3', '1', '1.0.0', '2.0') }),
  fc.record({ 'Bad-Name': fc.string() }),
  fc.record({ extensionnamelongerthan20: fc.string() }),
  fc.record({ ext: fc.oneof(fc.constant(null), fc.array(fc.nat()), fc.object({ maxDepth: 1 })) }),
  fc.record({ data_base64: fc.string() }),
  fc.record({ subject: fc.constant('a\u0000b') }),
  fc.record({ id: fc.constant('x'.repeat(300)) }),
)).map(([id, extra]) => JSON.stringify(validEvent(id, extra)));

/** Every kind of hostile request the gateway must refuse. */
const gatewayHostile: fc.Arbitrary<HostileRequest> = fc.oneof(
  // Authentication: none, malformed, unknown, revoked.
  fc.tuple(eventId, fc.oneof(fc.constant(undefined), fc.constantFrom('Bearer', 'Basic dXNlcjpwYXNz', 'Bearer qiao_', `Bearer ${keys.open}x`, 'bearer  ', 'Bearer qiao_000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'), hostileHeaderValue, fc.constant('revoked')))
    .map(([id, authorization]) => ({
      label: 'auth',
      headers: { 'content-type': CE, ...(authorization === 'revoked' ? auth(keys.revoked) : authorization === undefined ? {} : { authorization }) },
      payload: JSON.stringify(validEvent(id)),
    })),
  brokenJson.map((payload) => ({ label: 'broken-json', headers: { ...auth(keys.open), 'content-type': CE }, payload })),
  brokenEvent.map((payload) => ({ label: 'wrong-types', headers: { ...auth(keys.open), 'content-type': CE }, payload })),
  badAttribute.map((payload) => ({ label: 'bad-attribute', headers: { ...auth(keys.open), 'content-type': CE }, payload })),
  deepNesting.map((nested) => ({ label: 'deep-nesting', headers: { ...auth(keys.open), 'content-type': CE }, payload: `{"specversion":"1.0","id":"deep","source":"/x","type":"t","data":${nested}}` })),
  // "__proto__" anywhere is refused; "constructor"/"prototype" at the top carry an object (not an attribute value);
  // nested ones ride in sales-order data that is invalid anyway (no lines), to prove parsing them is harmless.
  eventId.chain((id) =>
    withPollutionKeys({ ...validEvent(id), type: 'com.qiao.sales_order.created', data: { orderNo: id } }).map((payload) => ({ label: 'proto-keys', headers: { ...auth(keys.open), 'content-type': CE }, payload })),
  ),
  fc.constant(0).map(() => ({ label: '10MB-body', headers: { ...auth(keys.open), 'content-type': CE }, payload: TEN_MB })),
  binaryGarbage.map((payload) => ({ label: 'binary-garbage', headers: { ...auth(keys.open), 'content-type': CE }, payload })),
  fc.tuple(eventId, hostileContentType).map(([id, contentType]) => ({ label: 'content-type', headers: { ...auth(keys.open), 'content-type': contentType }, payload: JSON.stringify(validEvent(id)) })),
  // Binary mode with ce-* headers that never make a whole valid event.
  fc.tuple(eventId, fc.constantFrom('ce-specversion', 'ce-id', 'ce-source', 'ce-type'), fc.constantFrom(null, '', '%00', 'a%00b', '%20%20')).map(([id, field, value]) => {
    const headers: Record<string, string> = { ...auth(keys.open), 'content-type': 'application/json', 'ce-specversion': '1.0', 'ce-id': id, 'ce-source': '/fuzz', 'ce-type': 'com.acme.order.created' };
    if (value === null) delete headers[field];
    else headers[field] = field === 'ce-specversion' ? '0.3' : value;
    return { label: 'binary-mode', headers, payload: '{"n":1}' };
  }),
  fc.tuple(eventId, fc.constantFrom('{', 'not json', '{"a":')).map(([id, body]) => ({ label: 'binary-mode', headers: { ...auth(keys.open), 'content-type': 'application/json', 'ce-specversion': '1.0', 'ce-id': id, 'ce-source': '/fuzz', 'ce-type': 't' }, payload: body })),
  // Scopes.
  eventId.map((id) => ({ label: 'out-of-scope', headers: { ...auth(keys.scoped), 'content-type': CE }, payload: JSON.stringify(validEvent(id)) })),
  // Signatures: missing, wrong, stale or future, malformed, replayed.
  fc.tuple(eventId, fc.oneof(
    fc.constant('missing'), fc.constant('replayed'), hostileHeaderValue,
    fc.integer({ min: 301, max: 10_000_000 }).map((skew) => `stale:${skew}`), fc.integer({ min: 301, max: 10_000_000 }).map((skew) => `future:${skew}`),
    fc.stringMatching(/^[0-9a-f]{64}$/).map((hex) => `digest:${hex}`),
  )).map(([id, kind]) => {
    const body = kind === 'replayed' ? replayed.body : JSON.stringify(validEvent(id));
    const now = Math.floor(Date.now() / 1000);
    const headers: Record<string, string> = { ...auth(keys.signed), 'content-type': CE };
    if (kind === 'replayed') headers['x-qiao-signature'] = replayed.header;
    else if (kind.startsWith('stale:')) { const t = now - Number(kind.slice(6)); headers['x-qiao-signature'] = `t=${t},v1=${signBody(keys.signedSecret, t, body)}`; }
    else if (kind.startsWith('future:')) { const t = now + Number(kind.slice(7)); headers['x-qiao-signature'] = `t=${t},v1=${signBody(keys.signedSecret, t, body)}`; }
    else if (kind.startsWith('digest:')) headers['x-qiao-signature'] = `t=${now},v1=${kind.slice(7)}`;
    else if (kind !== 'missing') headers['x-qiao-signature'] = kind;
    return { label: 'signature', headers, payload: body };
  }),
  // Idempotency-Key: malformed, reused with another payload, still in flight.
  fc.tuple(eventId, fc.oneof(fc.constantFrom('', '""', '"open', 'two words', 'é', 'x'.repeat(256), '"a\\"b"'), fc.constant('reuse'), fc.constant('in-flight'))).map(([id, value]) => {
    if (value === 'reuse') return { label: 'idempotency', headers: { ...auth(keys.idem), 'content-type': CE, 'idempotency-key': 'fixed' }, payload: JSON.stringify(validEvent(id)) };
    if (value === 'in-flight') return { label: 'idempotency', headers: { ...auth(keys.idem), 'content-type': CE, 'idempotency-key': 'in-flight' }, payload: JSON.stringify(validEvent('fixture-in-flight')) };
    return { label: 'idempotency', headers: { ...auth(keys.open), 'content-type': CE, 'idempotency-key': value }, payload: JSON.stringify(validEvent(id)) };
  }),
  // Over the rate limit.
  eventId.map((id) => ({ label: 'rate-limit', headers: { ...auth(keys.limited), 'content-type': CE }, payload: JSON.stringify(validEvent(id)) })),
);

describe('gateway fuzz', () => {
  it('answers 10,000 hostile requests with 4xx problems only, stays up, and writes nothing', async () => {
    const before = await rowCounts();
    const outcome = await runHostileRequests({ app: h.app, route: '/api/events', requests: gatewayHostile, numRuns: 10_000 });
    expect(outcome.runs).toBe(10_000);
    expect(await rowCounts()).toEqual(before);
    // Nothing leaked onto shared prototypes.
    expect((({}) as Record<string, unknown>)['polluted']).toBeUndefined();
    // Every family of hostility was exercised.
    const labels = new Set(Object.keys(outcome.tally).map((k) => k.split(' ')[0]));
    expect([...labels].sort()).toEqual(['10MB-body', 'auth', 'bad-attribute', 'binary-garbage', 'binary-mode', 'broken-json', 'content-type', 'deep-nesting', 'idempotency', 'out-of-scope', 'proto-keys', 'rate-limit', 'signature', 'wrong-types']);
    console.info('gateway fuzz answers:', JSON.stringify(outcome.tally));
    // Still up and still accepting a good event.
    const ok = await h.app.inject({ method: 'POST', url: '/api/events', headers: { ...auth(keys.open), 'content-type': CE }, payload: JSON.stringify(validEvent('after-fuzz')) });
    expect(ok.statusCode).toBe(202);
    expect((await h.app.inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
  }, 180_000);
});
