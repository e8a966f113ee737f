import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SimStats } from './http/sim-routes';
import type { Simulator } from './simulator';
import type { TestDatabase } from './test-support/harness';
import { AUTH, K3TestClient, rowsOf, salesOrder, sim, startSimulator, statusOf, testDatabase } from './test-support/harness';

let db: TestDatabase;
let simulator: Simulator;
let c: K3TestClient;

beforeAll(async () => {
  db = testDatabase();
  simulator = await startSimulator(db, { faultSeed: 42 });
  c = new K3TestClient(simulator.url);
  await c.login();
});

afterEach(async () => {
  await sim(simulator.url, 'DELETE', 'faults');
});

afterAll(async () => {
  await simulator.close();
  await db.drop();
});

const stats = async (): Promise<SimStats> => (await sim<SimStats>(simulator.url, 'GET', 'stats')).json;

describe('fault configuration', () => {
  it('reads, updates partially, validates and restores defaults', async () => {
    expect((await sim(simulator.url, 'GET', 'faults')).json).toEqual({ http503Rate: 0, latencyMs: 0, timeoutRate: 0, dropAfterCommitRate: 0, sessionTtlMs: 20 * 60 * 1000 });
    const put = await sim(simulator.url, 'PUT', 'faults', { latencyMs: 5 });
    expect(put.json).toMatchObject({ latencyMs: 5, http503Rate: 0 });
    expect((await sim(simulator.url, 'PUT', 'faults', { http503Rate: 2 })).status).toBe(400);
    expect((await sim(simulator.url, 'PUT', 'faults', { nonsense: 1 })).status).toBe(400);
    expect((await sim(simulator.url, 'DELETE', 'faults')).json).toMatchObject({ latencyMs: 0 });
    expect((await sim(simulator.url, 'GET', 'health')).json).toEqual({ status: 'ok' });
  });
});

describe('injected faults', () => {
  it('answers HTTP 503 at rate 1.0, login included, without touching state', async () => {
    const before = await stats();
    await sim(simulator.url, 'PUT', 'faults', { http503Rate: 1 });
    const login = await new K3TestClient(simulator.url).call(AUTH('ValidateUser'), { acctID: 'QIAO_DEMO', username: 'demo', password: 'demo123', lcid: 2052 });
    expect(login.status).toBe(503);
    const save = await c.save('SAL_SaleOrder', salesOrder());
    expect(save.status).toBe(503);
    expect(save.text).toContain('Service Unavailable');
    // The control plane is never faulted.
    expect((await sim(simulator.url, 'GET', 'health')).status).toBe(200);
    const after = await stats();
    expect(after.faults.injected503 - before.faults.injected503).toBe(2);
    expect(after.documents.SAL_SaleOrder?.total).toBe(before.documents.SAL_SaleOrder?.total);
  });

  it('delays every call by latencyMs', async () => {
    await sim(simulator.url, 'PUT', 'faults', { latencyMs: 250 });
    const started = Date.now();
    const rows = rowsOf(await c.query({ FormId: 'BD_STOCK', FieldKeys: 'FNumber' }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(240);
    expect(rows).toHaveLength(2);
  });

  it('hangs a request until the client gives up (timeout)', async () => {
    const before = await stats();
    await sim(simulator.url, 'PUT', 'faults', { timeoutRate: 1 });
    const started = Date.now();
    await expect(c.call(AUTH('ValidateUser'), {}, { signal: AbortSignal.timeout(400) })).rejects.toThrow(/abort|timeout/i);
    expect(Date.now() - started).toBeGreaterThanOrEqual(390);
    await expect(
      c.call('Kingdee.BOS.WebApi.ServicesStub.DynamicFormService.Save', { formid: 'SAL_SaleOrder', data: { Model: salesOrder({ FBillNo: 'HUNG-1' }) } }, { signal: AbortSignal.timeout(300) }),
    ).rejects.toThrow(/abort|timeout/i);
    expect((await stats()).faults.timeouts - before.faults.timeouts).toBe(2);
    await sim(simulator.url, 'DELETE', 'faults');
    // A hung request is never handled: nothing was saved.
    expect(rowsOf(await c.query({ FormId: 'SAL_SaleOrder', FieldKeys: 'FBillNo', FilterString: "FBillNo = 'HUNG-1'" }))).toEqual([]);
  });

  it('commits, then drops the connection without a response (dropAfterCommit)', async () => {
    await sim(simulator.url, 'PUT', 'faults', { dropAfterCommitRate: 1 });
    // Reads are never dropped.
    expect(rowsOf(await c.query({ FormId: 'BD_STOCK', FieldKeys: 'FNumber' }))).toHaveLength(2);
    const error = await c.save('SAL_SaleOrder', salesOrder({ FBillNo: 'DROP-1' })).then(
      () => null,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(Error);
    await sim(simulator.url, 'DELETE', 'faults');
    expect(rowsOf(await c.query({ FormId: 'SAL_SaleOrder', FieldKeys: 'FBillNo,FDocumentStatus', FilterString: "FBillNo = 'DROP-1'" }))).toEqual([['DROP-1', 'A']]);
    // A blind retry of the same number now shows the duplicate.
    expect(statusOf(await c.save('SAL_SaleOrder', salesOrder({ FBillNo: 'DROP-1' }))).MsgCode).toBe(11);
    expect((await stats()).faults.dropped).toBeGreaterThanOrEqual(1);
  });

  it('draws faults from a seeded PRNG, so a seed replays the same sequence', async () => {
    const pattern = async (): Promise<number[]> => {
      await sim(simulator.url, 'PUT', 'faults', { http503Rate: 0.5, seed: 7 });
      const statuses: number[] = [];
      for (let i = 0; i < 24; i++) statuses.push((await c.query({ FormId: 'BD_STOCK', FieldKeys: 'FNumber' })).status);
      return statuses;
    };
    const first = await pattern();
    const second = await pattern();
    expect(second).toEqual(first);
    expect(first).toContain(503);
    expect(first).toContain(200);
  });
});

describe('stats', () => {
  it('counts calls per service, reads, writes per form and documents by status', async () => {
    await sim(simulator.url, 'POST', 'reset');
    await c.login();
    const number = await c.createAudited('SAL_SaleOrder', salesOrder());
    await c.save('SAL_SaleOrder', salesOrder());
    await c.query({ FormId: 'SAL_SaleOrder', FieldKeys: 'FBillNo' });
    await c.op('View', 'SAL_SaleOrder', { Number: number });
    const s = await stats();
    expect(s.calls).toMatchObject({ ValidateUser: 1, Save: 2, Submit: 1, Audit: 1, ExecuteBillQuery: 1, View: 1 });
    expect(s.reads).toBe(2);
    expect(s.writes).toBe(4);
    expect(s.writesByForm.SAL_SaleOrder).toEqual({ Save: 2, Submit: 1, Audit: 1 });
    expect(s.documents.SAL_SaleOrder).toEqual({ total: 2, byStatus: { A: 1, C: 1 } });
    expect(s.documents.SAL_OUTSTOCK).toEqual({ total: 0, byStatus: {} });
    expect(s).toMatchObject({ duplicates: 0, pushedTwice: 0, duplicateExtNos: 0 });
  });

  it('counts F_QIAO_ExtNo values stored twice (a blind retry without a unique key)', async () => {
    await c.save('SAL_SaleOrder', salesOrder({ F_QIAO_ExtNo: 'PO-1' }));
    await c.save('SAL_SaleOrder', salesOrder({ F_QIAO_ExtNo: 'PO-1' }));
    await c.save('SAL_SaleOrder', salesOrder({ F_QIAO_ExtNo: 'PO-2' }));
    expect((await stats()).duplicateExtNos).toBe(1);
  });
});
