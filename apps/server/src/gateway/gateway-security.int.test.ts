import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { adminCaller } from '../test-support/admin-caller';
import { startHarness, type Harness } from '../test-support/harness';
import { Redis } from 'ioredis';
import { ApiKeyVerifier } from './api-keys';
import { requestFingerprint } from './idempotency';
import { signBody } from './signature';

let a: Harness;
let b: Harness;
let admin: Awaited<ReturnType<typeof adminCaller>>;

const event = (id: string, type = 'com.acme.order.created', data: unknown = { n: 1 }) => JSON.stringify({ specversion: '1.0', id, source: '/test/erp', type, data });

function post(h: Harness, key: string, body: string, headers: Record<string, string> = {}) {
  return h.app.inject({ method: 'POST', url: '/api/events', headers: { authorization: `Bearer ${key}`, 'content-type': 'application/cloudevents+json', ...headers }, payload: body });
}

async function rows() {
  const [events, runs, idempotency] = await Promise.all([a.db.prisma.event.count(), a.db.prisma.run.count(), a.db.prisma.idempotencyKey.count()]);
  return { events, runs, idempotency };
}

type ProblemBody = { status: number; detail: string; errors?: { path: string; message: string }[] };

function expectProblem(res: { statusCode: number; headers: Record<string, unknown>; json: () => unknown }, status: number, path?: string): ProblemBody {
  expect(res.statusCode).toBe(status);
  expect(String(res.headers['content-type'])).toMatch(/^application\/problem\+json/);
  const body = res.json() as ProblemBody;
  expect(body.status).toBe(status);
  if (path) expect(body.errors?.map((e) => e.path)).toContain(path);
  return body;
}

beforeAll(async () => {
  a = await startHarness();
  // A second server instance of the same deployment: same database, same Redis prefix, its own key cache.
  b = await startHarness({ sharedWith: a });
  admin = await adminCaller(a);
});
afterAll(async () => {
  await b?.close();
  await a?.close();
});

describe('API key scopes', () => {
  it('accepts types inside the scopes and refuses others with 403 naming the type, writing nothing', async () => {
    const key = await admin.apiKeys.create({ name: 'acme orders', scopes: ['com.acme.order.*', 'com.acme.ping'] });
    expect((await post(a, key.key, event('s-1'))).statusCode).toBe(202);
    expect((await post(a, key.key, event('s-2', 'com.acme.ping'))).statusCode).toBe(202);
    const before = await rows();
    const res = await post(a, key.key, event('s-3', 'com.acme.invoice.created'));
    const problem = expectProblem(res, 403, 'type');
    expect(problem.detail).toContain('"com.acme.invoice.created"');
    expect(await rows()).toEqual(before);
  });

  it('stores only a hash of the key and lists scopes without any secret', async () => {
    const key = await admin.apiKeys.create({ name: 'listed', scopes: ['com.acme.x'], withSigningSecret: true });
    expect(key.signingSecret).toMatch(/^qsig_/);
    const row = await a.db.prisma.apiKey.findUniqueOrThrow({ where: { id: key.id } });
    expect(row.keyHash).not.toContain(key.key);
    expect(row.signingSecret).not.toContain(key.signingSecret ?? '');
    const listed = (await admin.apiKeys.list()).find((k) => k.id === key.id);
    expect(listed).toMatchObject({ scopes: ['com.acme.x'], hasSigningSecret: true, requireSignature: false });
    expect(JSON.stringify(listed)).not.toContain('qsig_');
  });

  it('applies edited scopes on every instance at once', async () => {
    const key = await admin.apiKeys.create({ name: 'edited', scopes: ['com.acme.order.*'] });
    expect((await post(b, key.key, event('e-1'))).statusCode).toBe(202); // b caches the key
    await admin.apiKeys.update({ id: key.id, scopes: ['com.acme.ping'] });
    expectProblem(await post(b, key.key, event('e-2')), 403, 'type');
  });
});

describe('events only Qiao\'s connectors publish', () => {
  // A wildcard key must not stand in for a signed WeCom/DingTalk callback or an MQTT broker: flows
  // trigger on the type alone, and a forged source+id would make the genuine callback a "duplicate".
  it('refuses connector event types under a wildcard or broader scope, naming the type, writing nothing', async () => {
    const key = await admin.apiKeys.create({ name: 'wildcard', scopes: ['*', 'com.qiao.*'] });
    const before = await rows();
    for (const type of ['com.qiao.wecom.approval_change', 'com.qiao.dingtalk.bpms_instance_change', 'com.qiao.mqtt.message']) {
      expectProblem(await post(a, key.key, event(`forged-${type}`, type)), 403, 'type');
    }
    expect(await rows()).toEqual(before);
    expect((await post(a, key.key, event('own-qiao-type', 'com.qiao.stock.checked'))).statusCode).toBe(202);
  });

  it('refuses a connector source (wecom://, urn:qiao:dingtalk:, mqtt://) to a key that may send any source', async () => {
    const key = await admin.apiKeys.create({ name: 'any source', scopes: ['*'] });
    const before = await rows();
    for (const source of ['wecom://ww0123/1000002', 'urn:qiao:dingtalk:5f0c6f7e-1111-4222-8333-944445555666', 'mqtt://broker/5f0c6f7e-1111-4222-8333-944445555666', 'WECOM://ww0123/1000002']) {
      const res = await post(a, key.key, JSON.stringify({ specversion: '1.0', id: 'msg-1', source, type: 'com.acme.order.created' }));
      expectProblem(res, 403, 'source');
    }
    expect(await rows()).toEqual(before);
  });

  it('accepts them from a key that names them explicitly (a deliberate relay)', async () => {
    const issued = await admin.apiKeys.create({ name: 'relay', source: 'wecom://ww0123/1000002', scopes: ['com.qiao.wecom.*'] });
    const res = await post(a, issued.key, JSON.stringify({ specversion: '1.0', id: 'relay-1', source: 'wecom://ww0123/1000002', type: 'com.qiao.wecom.approval_change' }));
    expect(res.statusCode).toBe(202);
  });
});

describe('revocation', () => {
  it('takes effect at once on another instance that has the key cached', async () => {
    const key = await admin.apiKeys.create({ name: 'revoked', scopes: ['*'] });
    expect((await post(b, key.key, event('r-1'))).statusCode).toBe(202);
    expect((await post(b, key.key, event('r-2'))).statusCode).toBe(202); // served from b's cache
    await admin.apiKeys.revoke({ id: key.id }); // through instance a's services
    const before = await rows();
    expectProblem(await post(b, key.key, event('r-3')), 401, 'Authorization');
    expectProblem(await post(a, key.key, event('r-4')), 401, 'Authorization');
    expect(await rows()).toEqual(before);
  });

  it('takes effect at once even after Redis lost the version (a restart without persistence)', async () => {
    const versionKey = `${a.redisPrefix}:gw:api-keys-version`;
    const key = await admin.apiKeys.create({ name: 'revoked after a Redis restart', scopes: ['*'] });
    await a.redis.del(versionKey); // a fresh Redis…
    await admin.apiKeys.update({ id: key.id, scopes: ['*'] }); // …one change…
    expect((await post(b, key.key, event('rr-1'))).statusCode).toBe(202); // …b caches the key under that version
    await a.redis.del(versionKey); // Redis restarted empty
    await admin.apiKeys.revoke({ id: key.id }); // one change again: a counter would come back to the same value
    expectProblem(await post(b, key.key, event('rr-2')), 401, 'Authorization');
  });
});

describe('API key cache without Redis', () => {
  it('reads PostgreSQL on every request, so a revocation still applies at once', async () => {
    const deadRedis = new Redis({ port: 1, lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
    deadRedis.on('error', () => undefined);
    const verifier = new ApiKeyVerifier({ prisma: a.db.prisma, box: a.services.box, redis: deadRedis, versionKey: 'unused' });
    const key = await admin.apiKeys.create({ name: 'no-redis', scopes: ['*'] });
    expect(await verifier.verify(key.key)).toMatchObject({ id: key.id });
    await a.db.prisma.apiKey.update({ where: { id: key.id }, data: { revokedAt: new Date() } });
    expect(await verifier.verify(key.key)).toBeNull();
    await verifier.invalidate(); // logged, not thrown
    deadRedis.disconnect();
  });
});

describe('signed requests', () => {
  let key: { key: string; secret: string; id: string };
  const now = () => Math.floor(Date.now() / 1000);
  const sign = (body: string, t = now(), secret = key.secret) => `t=${t},v1=${signBody(secret, t, body)}`;

  beforeAll(async () => {
    const created = await admin.apiKeys.create({ name: 'signed', scopes: ['*'], withSigningSecret: true, requireSignature: true });
    key = { key: created.key, secret: created.signingSecret ?? '', id: created.id };
  });

  it('accepts a valid signature once and refuses its replay, on any instance', async () => {
    const body = event('sig-1');
    const header = sign(body);
    expect((await post(a, key.key, body, { 'x-qiao-signature': header })).statusCode).toBe(202);
    const before = await rows();
    expect(expectProblem(await post(b, key.key, body, { 'x-qiao-signature': header }), 401, 'X-Qiao-Signature').detail).toMatch(/already used/);
    expect(await rows()).toEqual(before);
  });

  const refusals: [string, (body: string) => Record<string, string>, RegExp][] = [
    ['no signature on a key that requires one', () => ({}), /missing/],
    ['a signature of another body', (body) => ({ 'x-qiao-signature': sign(`${body} `) }), /does not match/],
    ['a signature made with another secret', (body) => ({ 'x-qiao-signature': sign(body, now(), 'qsig_wrong') }), /does not match/],
    ['a timestamp 6 minutes old', (body) => ({ 'x-qiao-signature': sign(body, now() - 360) }), /300 seconds/],
    ['a timestamp 6 minutes ahead', (body) => ({ 'x-qiao-signature': sign(body, now() + 360) }), /300 seconds/],
    ['a malformed header', () => ({ 'x-qiao-signature': 'sha256=abc' }), /t=<unix seconds>/],
    ['a short digest', () => ({ 'x-qiao-signature': `t=${now()},v1=abcd` }), /64 hex/],
  ];
  for (const [what, headers, message] of refusals) {
    it(`refuses ${what} with 401 and writes nothing`, async () => {
      const body = event(`sig-bad-${what}`);
      const before = await rows();
      expect(expectProblem(await post(a, key.key, body, headers(body)), 401, 'X-Qiao-Signature').detail).toMatch(message);
      expect(await rows()).toEqual(before);
    });
  }

  it('accepts any one matching v1 (secret rotation) and refuses a signature on a key without a secret', async () => {
    const body = event('sig-2');
    const t = now();
    expect((await post(a, key.key, body, { 'x-qiao-signature': `t=${t},v1=${signBody('qsig_old', t, body)},v1=${signBody(key.secret, t, body)}` })).statusCode).toBe(202);
    const plain = await admin.apiKeys.create({ name: 'unsigned', scopes: ['*'] });
    expect(expectProblem(await post(a, plain.key, event('sig-3'), { 'x-qiao-signature': sign(event('sig-3')) }), 401, 'X-Qiao-Signature').detail).toMatch(/no signing secret/);
  });

  // The 503 and 409 answers say "retry": retrying the very same signed request must then work, or a
  // sender that follows the advice gets a permanent-looking 401 and may drop the event.
  it('a signed request that was not accepted (503: not stored) may be retried as is', async () => {
    await a.db.prisma.$executeRawUnsafe(`CREATE FUNCTION qiao_test_fail_insert() RETURNS trigger AS $$ BEGIN IF NEW."eventId" = 'sig-503' THEN RAISE EXCEPTION 'disk full (test)' USING ERRCODE = '53100'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql`);
    await a.db.prisma.$executeRawUnsafe('CREATE TRIGGER qiao_test_fail_insert BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION qiao_test_fail_insert()');
    const body = event('sig-503');
    const header = sign(body);
    try {
      expectProblem(await post(a, key.key, body, { 'x-qiao-signature': header }), 503);
    } finally {
      await a.db.prisma.$executeRawUnsafe('DROP TRIGGER qiao_test_fail_insert ON events');
      await a.db.prisma.$executeRawUnsafe('DROP FUNCTION qiao_test_fail_insert()');
    }
    // Only the very same request: the released signature does not carry other attributes (binary mode does not sign ce-* headers).
    const binary = { authorization: `Bearer ${key.key}`, 'content-type': 'application/json', 'ce-specversion': '1.0', 'ce-id': 'sig-503-bin', 'ce-source': '/test/erp', 'ce-type': 'com.acme.order.created', 'x-qiao-signature': sign('{"n":1}') };
    await a.db.prisma.$executeRawUnsafe(`CREATE FUNCTION qiao_test_fail_insert() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'disk full (test)' USING ERRCODE = '53100'; END $$ LANGUAGE plpgsql`);
    await a.db.prisma.$executeRawUnsafe('CREATE TRIGGER qiao_test_fail_insert BEFORE INSERT ON events FOR EACH ROW EXECUTE FUNCTION qiao_test_fail_insert()');
    try {
      expectProblem(await a.app.inject({ method: 'POST', url: '/api/events', headers: binary, payload: '{"n":1}' }), 503);
    } finally {
      await a.db.prisma.$executeRawUnsafe('DROP TRIGGER qiao_test_fail_insert ON events');
      await a.db.prisma.$executeRawUnsafe('DROP FUNCTION qiao_test_fail_insert()');
    }
    expectProblem(await a.app.inject({ method: 'POST', url: '/api/events', headers: { ...binary, 'ce-type': 'com.acme.order.cancelled' }, payload: '{"n":1}' }), 401, 'X-Qiao-Signature');
    expect((await b.app.inject({ method: 'POST', url: '/api/events', headers: binary, payload: '{"n":1}' })).statusCode).toBe(202);

    expect((await post(b, key.key, body, { 'x-qiao-signature': header })).statusCode).toBe(202);
    // Once accepted, the same signature is a replay again.
    expectProblem(await post(a, key.key, body, { 'x-qiao-signature': header }), 401, 'X-Qiao-Signature');
  });

  it('a signed request answered 409 (Idempotency-Key in flight) may be retried as is', async () => {
    const body = event('sig-409');
    const header = sign(body);
    await a.db.prisma.idempotencyKey.create({ data: { apiKeyId: key.id, key: 'sig-409', fingerprint: requestFingerprint({ 'content-type': 'application/cloudevents+json' }, Buffer.from(body)), lockedUntil: new Date(Date.now() + 30_000), expiresAt: new Date(Date.now() + 3600_000) } });
    expectProblem(await post(a, key.key, body, { 'x-qiao-signature': header, 'idempotency-key': 'sig-409' }), 409, 'Idempotency-Key');
    await a.db.prisma.idempotencyKey.deleteMany({ where: { apiKeyId: key.id, key: 'sig-409' } });
    expect((await post(a, key.key, body, { 'x-qiao-signature': header, 'idempotency-key': 'sig-409' })).statusCode).toBe(202);
  });

  it('rotating the secret retires the old one at once', async () => {
    const { signingSecret } = await admin.apiKeys.rotateSigningSecret({ id: key.id });
    const body = event('sig-4');
    expectProblem(await post(b, key.key, body, { 'x-qiao-signature': sign(body) }), 401, 'X-Qiao-Signature');
    expect((await post(b, key.key, body, { 'x-qiao-signature': sign(body, now(), signingSecret) })).statusCode).toBe(202);
    key.secret = signingSecret;
  });
});

describe('Idempotency-Key', () => {
  let key: string;
  let keyId: string;
  beforeAll(async () => {
    const created = await admin.apiKeys.create({ name: 'idem', scopes: ['*'] });
    key = created.key;
    keyId = created.id;
  });

  it('replays the original response for the same key and payload, on any instance', async () => {
    const body = event('i-1');
    const first = await post(a, key, body, { 'idempotency-key': '"order-1"' });
    expect(first.statusCode).toBe(202);
    const before = await rows();
    const again = await post(b, key, body, { 'idempotency-key': '"order-1"' });
    expect(again.statusCode).toBe(202);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json()).toEqual(first.json());
    expect(await rows()).toEqual(before);
  });

  it('answers 422 for the same key with a different payload, writing nothing', async () => {
    const before = await rows();
    const res = await post(a, key, event('i-1', 'com.acme.order.created', { n: 2 }), { 'idempotency-key': '"order-1"' });
    expect(expectProblem(res, 422, 'Idempotency-Key').detail).toContain('order-1');
    expect(await rows()).toEqual(before);
  });

  it('answers 409 while the first request is still in flight', async () => {
    const body = event('i-2');
    // The first request holds the claim (as it would mid-transaction).
    await a.db.prisma.idempotencyKey.create({ data: { apiKeyId: keyId, key: 'order-2', fingerprint: requestFingerprint({ 'content-type': 'application/cloudevents+json' }, Buffer.from(body)), lockedUntil: new Date(Date.now() + 30_000), expiresAt: new Date(Date.now() + 3600_000) } });
    const before = await rows();
    const res = await post(a, key, body, { 'idempotency-key': 'order-2' });
    expectProblem(res, 409, 'Idempotency-Key');
    expect(res.headers['retry-after']).toBe('1');
    expect(await rows()).toEqual(before);
    // Its process died: once the lock runs out, a retry takes the key over and is processed.
    await a.db.prisma.idempotencyKey.update({ where: { apiKeyId_key: { apiKeyId: keyId, key: 'order-2' } }, data: { lockedUntil: new Date(Date.now() - 1) } });
    expect((await post(a, key, body, { 'idempotency-key': 'order-2' })).statusCode).toBe(202);
  });

  it('scopes keys per API key and lets an expired record be reused', async () => {
    const other = await admin.apiKeys.create({ name: 'idem-2', scopes: ['*'] });
    expect((await post(a, other.key, event('i-3'), { 'idempotency-key': 'order-1' })).statusCode).toBe(202);
    await a.db.prisma.idempotencyKey.updateMany({ where: { apiKeyId: other.id }, data: { expiresAt: new Date(Date.now() - 1) } });
    expect((await post(a, other.key, event('i-4'), { 'idempotency-key': 'order-1' })).statusCode).toBe(202);
  });

  it('still deduplicates by CloudEvent source+id under a new Idempotency-Key', async () => {
    const first = await post(a, key, event('i-5'), { 'idempotency-key': 'k-5a' });
    const second = await post(a, key, event('i-5'), { 'idempotency-key': 'k-5b' });
    expect(second.statusCode).toBe(200);
    expect(second.json()).toMatchObject({ duplicate: true, id: first.json<{ id: string }>().id });
    // …and that 200 is what k-5b replays from now on.
    expect((await post(a, key, event('i-5'), { 'idempotency-key': 'k-5b' })).statusCode).toBe(200);
  });

  for (const [what, value] of [['an empty value', '""'], ['spaces', 'a b'], ['an unterminated quote', '"abc'], ['256 characters', 'x'.repeat(256)], ['non-ASCII', 'clé']] as const) {
    it(`refuses an Idempotency-Key with ${what} (400), writing nothing`, async () => {
      const before = await rows();
      expectProblem(await post(a, key, event(`i-bad-${what}`), { 'idempotency-key': value }), 400, 'Idempotency-Key');
      expect(await rows()).toEqual(before);
    });
  }

  it('a released claim (the request failed after claiming) leaves no record and lets a retry run', async () => {
    const { IdempotencyStore } = await import('./idempotency');
    const store = new IdempotencyStore(a.db.prisma, 3600_000);
    const claim = { apiKeyId: keyId, key: 'k-fail', fingerprint: 'f' };
    expect(await store.claim(claim)).toEqual({ kind: 'claimed' });
    expect(await store.claim(claim)).toEqual({ kind: 'in_flight' });
    await store.release(claim);
    expect(await a.db.prisma.idempotencyKey.count({ where: { key: 'k-fail' } })).toBe(0);
    expect(await store.claim(claim)).toEqual({ kind: 'claimed' });
    await store.release(claim);
  });
});

describe('rate limits', () => {
  it('answers 429 with Retry-After once a key exceeds its limit, counted across instances, writing nothing', async () => {
    const key = await admin.apiKeys.create({ name: 'limited', scopes: ['*'], rateLimitPerMinute: 3 });
    expect((await post(a, key.key, event('l-1'))).statusCode).toBe(202);
    expect((await post(b, key.key, event('l-2'))).statusCode).toBe(202);
    expect((await post(a, key.key, event('l-3'))).statusCode).toBe(202);
    const before = await rows();
    const res = await post(b, key.key, event('l-4'));
    expectProblem(res, 429);
    expect(Number(res.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(res.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(await rows()).toEqual(before);
    // Other keys have their own budget.
    expect((await post(a, a.apiKey, event('l-5'))).statusCode).toBe(202);
  });

  it('answers 413 as problem details for a body over the limit', async () => {
    const before = await rows();
    expectProblem(await post(a, a.apiKey, event('big', 'com.acme.big', { x: 'x'.repeat(2 * 1024 * 1024) })), 413, '(body)');
    expect(await rows()).toEqual(before);
  });

  it('refuses JSON nested deeper than 64 levels with 400', async () => {
    const deep = `${'['.repeat(5000)}${']'.repeat(5000)}`;
    expectProblem(await post(a, a.apiKey, `{"specversion":"1.0","id":"d","source":"/x","type":"t","data":${deep}}`), 400, '(body)');
  });
});

describe('prototype keys', () => {
  it('refuses a "__proto__" key at the top or nested, naming where, so no attribute can ride in unvalidated', async () => {
    const before = await rows();
    const top = '{"__proto__":{"subject":{"not":"a string"}},"specversion":"1.0","id":"p-1","source":"/x","type":"com.acme.order.created"}';
    expect(expectProblem(await post(a, a.apiKey, top), 400, '__proto__').detail).toContain('__proto__');
    const nested = '{"specversion":"1.0","id":"p-2","source":"/x","type":"com.acme.order.created","data":{"a":[{"__proto__":{"x":1}}]}}';
    expectProblem(await post(a, a.apiKey, nested), 400, 'data.a.0.__proto__');
    expect(await rows()).toEqual(before);
  });
});
