import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DATA_CENTER, DEMO_APP, DEMO_USER, SESSION_LOST_MESSAGE } from './seed-data';
import type { Simulator } from './simulator';
import type { TestDatabase } from './test-support/harness';
import { AUTH, DF, K3TestClient, loginOf, rowsOf, salesOrder, sim, startSimulator, statusOf, testDatabase } from './test-support/harness';

let db: TestDatabase;
let simulator: Simulator;

beforeAll(async () => {
  db = testDatabase();
  simulator = await startSimulator(db);
});

afterAll(async () => {
  await simulator.close();
  await db.drop();
});

const client = (): K3TestClient => new K3TestClient(simulator.url);

function expectSessionLost(status: ReturnType<typeof statusOf>): void {
  expect(status.IsSuccess).toBe(false);
  expect(status.MsgCode).toBe(1);
  expect(status.ErrorCode).toBe(500);
  expect(status.Errors[0]?.Message).toBe(SESSION_LOST_MESSAGE);
}

describe('ValidateUser', () => {
  it('accepts the flat body with acctID and issues both cookies', async () => {
    const c = client();
    const r = await c.call(AUTH('ValidateUser'), { acctID: DATA_CENTER.id, username: DEMO_USER.username, password: DEMO_USER.password, lcid: 2052 });
    const login = loginOf(r);
    expect(r.status).toBe(200);
    expect(login.LoginResultType).toBe(1);
    expect(login.IsSuccessByAPI).toBe(true);
    expect(login.Message).toBeNull();
    expect(login.Context?.SessionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(login.KDSVCSessionId).toMatch(/^[0-9a-f-]{36}$/);
    expect(login.Context?.DBid).toBe(DATA_CENTER.id);
    expect(r.json).toMatchObject({ FormId: null, RedirectFormParam: null, FormInputObject: null, ErrorStackTrace: null, Lcid: 2052, AccessToken: null, KdAccessResult: null });
    expect(r.setCookies).toContain(`kdservice-sessionid=${login.KDSVCSessionId}; Path=/`);
    expect(r.setCookies).toContain(`ASP.NET_SessionId=${login.Context?.SessionId}; Path=/; HttpOnly`);
  });

  it('accepts acctId spelling and the parameters envelope', async () => {
    const flat = await client().call(AUTH('ValidateUser'), { acctId: DATA_CENTER.id, username: 'demo', password: 'demo123', lcid: 1033 });
    expect(loginOf(flat)).toMatchObject({ LoginResultType: 1, Lcid: 1033 });
    const envelope = await client().call(AUTH('ValidateUser'), {
      format: 1,
      useragent: 'ApiClient',
      rid: '12345',
      parameters: [DATA_CENTER.id, 'demo', 'demo123', 2052],
      timestamp: '2025-01-31',
      v: '1.0',
    });
    expect(loginOf(envelope).LoginResultType).toBe(1);
  });

  it('refuses a bad password, an unknown data centre and an unsupported lcid', async () => {
    for (const body of [
      { acctID: DATA_CENTER.id, username: 'demo', password: 'wrong', lcid: 2052 },
      { acctID: 'NOPE', username: 'demo', password: 'demo123', lcid: 2052 },
      { acctID: DATA_CENTER.id, username: 'demo', password: 'demo123', lcid: 9999 },
    ]) {
      const r = await client().call(AUTH('ValidateUser'), body);
      const login = loginOf(r);
      expect(r.status).toBe(200);
      expect(login.LoginResultType).toBe(0);
      expect(login.Message).toEqual(expect.any(String));
      expect(login.Context).toBeNull();
      expect(r.setCookies).toEqual([]);
    }
  });
});

describe('LoginByAppSecret', () => {
  it('accepts appid/appsecret and appId/appSecret, flat and enveloped', async () => {
    const bodies = [
      { acctID: DATA_CENTER.id, username: 'demo', appid: DEMO_APP.appId, appsecret: DEMO_APP.appSecret, lcid: 2052 },
      { acctId: DATA_CENTER.id, username: 'demo', appId: DEMO_APP.appId, appSecret: DEMO_APP.appSecret, lcid: 2052 },
      { format: 1, parameters: [DATA_CENTER.id, 'demo', DEMO_APP.appId, DEMO_APP.appSecret, 2052] },
    ];
    for (const body of bodies) {
      const r = await client().call(AUTH('LoginByAppSecret'), body);
      expect(loginOf(r).LoginResultType).toBe(1);
      expect(r.setCookies).toHaveLength(2);
    }
  });

  it('refuses a wrong secret', async () => {
    const r = await client().call(AUTH('LoginByAppSecret'), { acctID: DATA_CENTER.id, username: 'demo', appid: DEMO_APP.appId, appsecret: 'nope', lcid: 2052 });
    expect(loginOf(r).LoginResultType).toBe(0);
  });
});

describe('sessions', () => {
  it('accepts the cookie jar, either cookie alone, or the kdservice-sessionid header', async () => {
    const c = client();
    const login = loginOf(await c.login());
    const query = { FormId: 'BD_Customer', FieldKeys: 'FNumber', FilterString: "FNumber = 'CUST0001'" };
    expect(rowsOf(await c.query(query))).toEqual([['CUST0001']]);
    const bare = client();
    expect(rowsOf(await bare.call(DF('ExecuteBillQuery'), { data: query }, { headers: { 'kdservice-sessionid': c.sessionId } }))).toEqual([['CUST0001']]);
    expect(rowsOf(await bare.call(DF('ExecuteBillQuery'), { data: query }, { headers: { cookie: `ASP.NET_SessionId=${login.Context?.SessionId}` } }))).toEqual([['CUST0001']]);
    expect(rowsOf(await bare.call(DF('ExecuteBillQuery'), { data: query }, { headers: { cookie: `kdservice-sessionid=${c.sessionId}` } }))).toEqual([['CUST0001']]);
  });

  it('answers a call without a session with the session-lost body (write and query forms)', async () => {
    const c = client();
    const save = await c.save('SAL_SaleOrder', salesOrder());
    expect(save.status).toBe(200);
    expectSessionLost(statusOf(save));
    expect(save.json).toMatchObject({ Result: { Id: '', Number: '', NeedReturnData: [] } });

    const query = await c.query({ FormId: 'SAL_SaleOrder', FieldKeys: 'FBillNo' });
    expect(query.status).toBe(200);
    const nested = query.json as [[{ Result: { ResponseStatus: ReturnType<typeof statusOf> } }]];
    expect(nested).toHaveLength(1);
    expect(nested[0]).toHaveLength(1);
    expectSessionLost(nested[0][0].Result.ResponseStatus);

    const billQuery = await c.call(DF('BillQuery'), { data: { FormId: 'SAL_SaleOrder', FieldKeys: 'FBillNo' } });
    expect((billQuery.json as [[{ Result: { ResponseStatus: ReturnType<typeof statusOf> } }]])[0][0].Result.ResponseStatus.MsgCode).toBe(1);
  });

  it('forgets a session after LogOut', async () => {
    const c = client();
    await c.login();
    expect(await c.call(AUTH('LogOut'), {}).then((r) => r.json)).toBe(true);
    expectSessionLost(statusOf(await c.save('SAL_SaleOrder', salesOrder())));
  });

  it('expires every session on POST /__sim/expire-sessions', async () => {
    const a = client();
    const b = client();
    await a.login();
    await b.login();
    const expired = await sim<{ expired: number }>(simulator.url, 'POST', 'expire-sessions');
    expect(expired.json.expired).toBeGreaterThanOrEqual(2);
    expectSessionLost(statusOf(await a.op('Submit', 'SAL_SaleOrder', { Numbers: ['X'] })));
    const rows = await b.query({ FormId: 'SAL_SaleOrder', FieldKeys: 'FBillNo' });
    expect(JSON.stringify(rows.json)).toContain(SESSION_LOST_MESSAGE);
    await a.login();
    expect(statusOf(await a.op('Submit', 'SAL_SaleOrder', { Numbers: ['X'] })).MsgCode).toBe(10);
  });

  it('expires idle sessions after the TTL and keeps busy ones alive', async () => {
    await sim(simulator.url, 'PUT', 'faults', { sessionTtlMs: 300 });
    try {
      const idle = client();
      const busy = client();
      await idle.login();
      await busy.login();
      for (let i = 0; i < 4; i++) {
        await new Promise((r) => setTimeout(r, 120));
        expect(rowsOf(await busy.query({ FormId: 'BD_STOCK', FieldKeys: 'FNumber' }))).toHaveLength(2);
      }
      expectSessionLost(statusOf(await idle.save('SAL_SaleOrder', salesOrder())));
    } finally {
      await sim(simulator.url, 'DELETE', 'faults');
    }
  });
});

describe('transport', () => {
  it('lists data centres without a session', async () => {
    const r = await client().call('Kingdee.BOS.ServiceFacade.ServicesStub.Account.AccountService.GetDataCenterList', {});
    expect(r.json).toEqual([expect.objectContaining({ Id: DATA_CENTER.id, Name: DATA_CENTER.name })]);
  });

  it('matches service names case-insensitively and parses text/plain bodies', async () => {
    const c = client();
    await c.login();
    const r = await c.call(
      'kingdee.bos.webapi.servicesstub.dynamicformservice.executebillquery',
      { data: { FormId: 'BD_STOCK', FieldKeys: 'FNumber,FName' } },
      { contentType: 'text/plain; charset=utf-8' },
    );
    expect(rowsOf(r)).toEqual([
      ['CK001', '成品仓'],
      ['CK002', '原料仓'],
    ]);
    const upper = await fetch(`${simulator.url}/K3Cloud/${DF('Save')}.common.kdsvc`, {
      method: 'POST',
      headers: { cookie: c.cookie },
      body: '\uFEFF' + JSON.stringify({ formid: 'SAL_SaleOrder', data: { Model: salesOrder() } }),
    });
    expect(((await upper.json()) as { Result: { ResponseStatus: { IsSuccess: boolean } } }).Result.ResponseStatus.IsSuccess).toBe(true);
  });

  it('answers malformed JSON with MsgCode 8', async () => {
    const c = client();
    await c.login();
    const r = await c.call(DF('Save'), null, { raw: '{"formid": "SAL_SaleOrder", data: ' });
    expect(r.status).toBe(200);
    expect(statusOf(r)).toMatchObject({ IsSuccess: false, MsgCode: 8 });
    const q = await c.call(DF('ExecuteBillQuery'), null, { raw: 'not json' });
    expect(JSON.stringify(q.json)).toContain('"MsgCode":8');
  });

  it('accepts data sent as a JSON string and the parameters envelope on business calls', async () => {
    const c = client();
    await c.login();
    const asString = await c.call(DF('Save'), { formid: 'SAL_SaleOrder', data: JSON.stringify({ Model: salesOrder() }) });
    expect(statusOf(asString).IsSuccess).toBe(true);
    const enveloped = await c.call(DF('Save'), { format: 1, parameters: ['SAL_SaleOrder', JSON.stringify({ Model: salesOrder() })] });
    expect(statusOf(enveloped).IsSuccess).toBe(true);
    const query = await c.call(DF('ExecuteBillQuery'), { parameters: [JSON.stringify({ FormId: 'BD_STOCK', FieldKeys: 'FNumber', TopRowCount: 1 })] });
    expect(rowsOf(query)).toEqual([['CK001']]);
  });

  it('answers an unknown service with an error envelope', async () => {
    const c = client();
    await c.login();
    const r = await c.call(DF('ExcuteOperation'), { formid: 'SAL_SaleOrder', opNumber: 'Close', data: {} });
    expect(statusOf(r)).toMatchObject({ IsSuccess: false, MsgCode: 4 });
  });
});
