import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConnectorError } from '../kit/errors/connector-error';
import { createSessionStore } from '../kit/session-store';
import { kingdee } from './index';
import { startFakeK3Cloud, type FakeK3Cloud } from './testing/fake-k3cloud';
import { contextFor } from './testing/helpers';
import { createKingdeeTransport } from './transport';

let fake: FakeK3Cloud;
beforeEach(async () => {
  fake = await startFakeK3Cloud();
});
afterEach(async () => {
  await fake.close();
});

const QUERY = 'DynamicFormService.ExecuteBillQuery';
const queryBody = { data: { FormId: 'SAL_SaleOrder', FieldKeys: 'FBillNo', FilterString: '', StartRow: 0, Limit: 10 } };

async function rejection(promise: Promise<unknown>): Promise<ConnectorError> {
  const error: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof ConnectorError)) throw new Error(`expected a ConnectorError, got ${String(error)}`);
  return error;
}

describe('login', () => {
  it.each([
    ['password', 'flat'],
    ['password', 'parameters'],
    ['appSecret', 'flat'],
    ['appSecret', 'parameters'],
  ] as const)('logs in lazily with %s in the %s body form, then replays the cookie jar', async (authType, loginBodyForm) => {
    const ctx = contextFor(fake, {
      credentials: { authType, loginBodyForm, appId: fake.account.appId, appSecret: fake.account.appSecret, ...(authType === 'appSecret' ? { password: undefined } : {}) },
    });
    const transport = createKingdeeTransport(ctx);
    expect(fake.logins).toBe(0);
    await transport.call(QUERY, queryBody);
    await transport.call(QUERY, queryBody);
    expect(fake.logins).toBe(1);

    const [login, first, second] = fake.calls;
    expect(login?.service).toBe(`Kingdee.BOS.WebApi.ServicesStub.AuthService.${authType === 'password' ? 'ValidateUser' : 'LoginByAppSecret'}`);
    if (loginBodyForm === 'flat') {
      expect(login?.body).toMatchObject({ acctID: 'DC001', username: 'api', lcid: 2052 });
    } else {
      expect(login?.body).toMatchObject({ format: 1, useragent: 'ApiClient', v: '1.0' });
      const params = (login?.body as { parameters: unknown[] }).parameters;
      expect(params[0]).toBe('DC001');
      expect(params.at(-1)).toBe(2052);
    }
    for (const call of [first, second]) {
      expect(call?.cookie).toMatch(/kdservice-sessionid=[\w-]+/);
      expect(call?.cookie).toMatch(/ASP\.NET_SessionId=asp-/);
      expect(call?.sessionHeader).toBe(/kdservice-sessionid=([\w-]+)/.exec(call?.cookie ?? '')?.[1]);
    }
  });

  it('normalises the server URL with or without a trailing slash', async () => {
    const ctx = contextFor(fake, { credentials: { serverUrl: fake.serverUrl.replace(/\/$/, '') } });
    await createKingdeeTransport(ctx).call(QUERY, queryBody);
    expect(fake.calls.at(-1)?.service).toBe('Kingdee.BOS.WebApi.ServicesStub.DynamicFormService.ExecuteBillQuery');
  });

  it('fails with login_failed, not retryable, carrying Kingdee’s message for a wrong password', async () => {
    const ctx = contextFor(fake, { credentials: { password: 'wrong' } });
    const error = await rejection(createKingdeeTransport(ctx).call(QUERY, queryBody));
    expect(error).toMatchObject({ code: 'login_failed', retryable: false, system: 'kingdee' });
    expect(error.message).toContain('用户名或密码错误');
    expect(fake.calls).toHaveLength(1);
  });

  it('shares one login between concurrent calls on a cold connection', async () => {
    const sessions = createSessionStore();
    await Promise.all([1, 2, 3, 4].map(() => createKingdeeTransport(contextFor(fake, { sessions })).call(QUERY, queryBody)));
    expect(fake.logins).toBe(1);
  });

  it('keeps sessions of different credentials apart', async () => {
    const sessions = createSessionStore();
    await createKingdeeTransport(contextFor(fake, { sessions })).call(QUERY, queryBody);
    const other = contextFor(fake, { sessions, credentials: { authType: 'appSecret', appId: fake.account.appId, appSecret: fake.account.appSecret } });
    await createKingdeeTransport(other).call(QUERY, queryBody);
    expect(fake.logins).toBe(2);
  });
});

describe('session lost', () => {
  it('logs in again and replays a write once', async () => {
    const ctx = contextFor(fake);
    const transport = createKingdeeTransport(ctx);
    await transport.call(QUERY, queryBody);
    fake.expireSessions();
    const answer = await transport.call('DynamicFormService.Save', { formid: 'SAL_SaleOrder', data: { Model: { FBillNo: 'SO-1' } } });
    expect(answer).toMatchObject({ Result: { ResponseStatus: { IsSuccess: true } } });
    expect(fake.logins).toBe(2);
    expect(fake.callsTo('Save')).toHaveLength(2);
    expect(fake.bills).toHaveLength(1);
  });

  it('detects the session-lost message even without MsgCode 1', async () => {
    const transport = createKingdeeTransport(contextFor(fake));
    await transport.call(QUERY, queryBody);
    fake.failNext('Submit', { kind: 'sessionLost', withMsgCode: false });
    await transport.call('DynamicFormService.Submit', { formid: 'SAL_SaleOrder', data: { Numbers: [] } });
    expect(fake.callsTo('Submit')).toHaveLength(2);
    expect(fake.logins).toBe(2);
  });

  it('detects the form nested in the ExecuteBillQuery 2-D array', async () => {
    const transport = createKingdeeTransport(contextFor(fake));
    await transport.call(QUERY, queryBody);
    fake.expireSessions();
    const rows = await transport.call(QUERY, queryBody);
    expect(rows).toEqual([]);
    expect(fake.callsTo('ExecuteBillQuery')).toHaveLength(3);
    expect(fake.logins).toBe(2);
  });

  it('gives up with a retryable session_lost when the replay loses the session too', async () => {
    const transport = createKingdeeTransport(contextFor(fake));
    fake.failNext('Save', { kind: 'sessionLost' }, 2);
    const error = await rejection(transport.call('DynamicFormService.Save', { formid: 'SAL_SaleOrder', data: { Model: {} } }));
    expect(error).toMatchObject({ code: 'session_lost', retryable: true });
    expect(fake.callsTo('Save')).toHaveLength(2);
    expect(fake.bills).toHaveLength(0);
  });
});

const SUBMIT = 'DynamicFormService.Submit';
const submitBody = { formid: 'SAL_SaleOrder', data: { Numbers: ['XSDD000001'] } };

describe('HTTP failures', () => {
  it.each([500, 502, 503, 519])('HTTP %i on a write is retryable and not retried blindly', async (status) => {
    const transport = createKingdeeTransport(contextFor(fake));
    await transport.call(QUERY, queryBody);
    fake.failNext('Submit', { kind: 'status', status, body: '{"errcode":"gateway"}' });
    const error = await rejection(transport.call(SUBMIT, submitBody));
    expect(error).toMatchObject({ code: `http_${status}`, retryable: true });
    expect(fake.callsTo('Submit')).toHaveLength(1);
  });

  it('HTTP 429 is retryable after Retry-After', async () => {
    const transport = createKingdeeTransport(contextFor(fake));
    await transport.call(QUERY, queryBody);
    fake.failNext('Submit', { kind: 'status', status: 429, headers: { 'retry-after': '7' } });
    const error = await rejection(transport.call(SUBMIT, submitBody));
    expect(error).toMatchObject({ code: 'rate_limited', retryable: true, retryAfterMs: 7000 });
  });

  it('retries a read-only call through up to two transient failures, then gives up', async () => {
    const transport = createKingdeeTransport(contextFor(fake));
    await transport.call(QUERY, queryBody);
    const before = fake.callsTo('ExecuteBillQuery').length;
    fake.failNext('ExecuteBillQuery', { kind: 'status', status: 503, body: 'busy' }, 2);
    await expect(transport.call(QUERY, queryBody)).resolves.toBeDefined();
    expect(fake.callsTo('ExecuteBillQuery').length - before).toBe(3);
    fake.failNext('ExecuteBillQuery', { kind: 'status', status: 503, body: 'busy' }, 3);
    expect(await rejection(transport.call(QUERY, queryBody))).toMatchObject({ code: 'http_503', retryable: true });
  });

  it('a non-JSON 200 body is a non-retryable bad_response', async () => {
    const transport = createKingdeeTransport(contextFor(fake));
    fake.failNext('ExecuteBillQuery', { kind: 'status', status: 200, body: '<html>proxy login</html>' });
    expect(await rejection(transport.call(QUERY, queryBody))).toMatchObject({ code: 'bad_response', retryable: false });
  });

  it('a wrong server URL says so (HTTP 404), not retryable', async () => {
    const ctx = contextFor(fake, { credentials: { serverUrl: fake.serverUrl.replace('/k3cloud/', '/K3/') } });
    const error = await rejection(createKingdeeTransport(ctx).call(QUERY, queryBody));
    expect(error).toMatchObject({ code: 'http_404', retryable: false });
    expect(error.message).toContain('serverUrl');
  });

  it('times out through the abort signal, retryable', async () => {
    const transport = createKingdeeTransport(contextFor(fake, { credentials: { timeoutMs: 150 } }));
    await transport.call(QUERY, queryBody);
    fake.failNext('ExecuteBillQuery', { kind: 'hang' });
    const error = await rejection(transport.call(QUERY, queryBody));
    expect(error).toMatchObject({ code: 'timeout', retryable: true });
  });

  it('stops when the caller aborts', async () => {
    const controller = new AbortController();
    const transport = createKingdeeTransport(contextFor(fake, { signal: controller.signal }));
    await transport.call(QUERY, queryBody);
    fake.failNext('ExecuteBillQuery', { kind: 'hang' });
    const pending = rejection(transport.call(QUERY, queryBody));
    setTimeout(() => controller.abort(), 50);
    expect(await pending).toMatchObject({ code: 'aborted' });
  });

  it('an unreachable host is a retryable network error', async () => {
    const url = fake.serverUrl;
    await fake.close();
    const error = await rejection(createKingdeeTransport(contextFor(fake, { credentials: { serverUrl: url } })).call(QUERY, queryBody));
    expect(error).toMatchObject({ code: 'network', retryable: true });
    expect(error.message).toMatch(/ECONNREFUSED/);
    fake = await startFakeK3Cloud();
  });
});

describe('testConnection', () => {
  it('reports the data centre and user', async () => {
    const result = await kingdee.testConnection?.(contextFor(fake));
    expect(result).toEqual({ ok: true, detail: 'Logged in to data centre Demo Co. (DC001) as api' });
  });

  it('says precisely that the host is unreachable', async () => {
    const url = fake.serverUrl;
    await fake.close();
    const error = await rejection(Promise.resolve(kingdee.testConnection?.(contextFor(fake, { credentials: { serverUrl: url } }))));
    expect(error.code).toBe('network');
    expect(error.message).toContain(`Cannot reach the Kingdee server at ${url}`);
    expect(error.message).toContain('ECONNREFUSED');
    fake = await startFakeK3Cloud();
  });

  it('says precisely that the password is wrong', async () => {
    const error = await rejection(Promise.resolve(kingdee.testConnection?.(contextFor(fake, { credentials: { password: 'nope' } }))));
    expect(error).toMatchObject({ code: 'login_failed', retryable: false });
    expect(error.message).toContain('用户名或密码错误');
  });

  it('says precisely that the data centre is unknown', async () => {
    const error = await rejection(Promise.resolve(kingdee.testConnection?.(contextFor(fake, { credentials: { acctId: 'NOPE' } }))));
    expect(error.code).toBe('login_failed');
    expect(error.message).toContain('"NOPE"');
    expect(error.message).toContain('数据中心 NOPE 不存在');
  });
});
