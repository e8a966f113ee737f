import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Simulator } from './simulator';
import type { TestDatabase } from './test-support/harness';
import { AUTH, K3TestClient, numberOf, rowsOf, salesOrder, sim, startSimulator, statusOf, testDatabase } from './test-support/harness';

let db: TestDatabase;

beforeAll(() => {
  db = testDatabase();
});

afterAll(async () => {
  await db.drop();
});

describe('lifecycle', () => {
  it('creates the database, survives two simultaneous starts, and keeps state across restarts', async () => {
    // The database does not exist yet: both starts race to create it and its schema.
    const [a, b] = await Promise.all([startSimulator(db), startSimulator(db)]);
    let restarted: Simulator | undefined;
    try {
      const counts = await a.store.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM k3sim.customer');
      expect(counts.rows[0]?.n).toBe(10);

      const c = new K3TestClient(a.url);
      await c.login();
      const so = await c.createAudited('SAL_SaleOrder', salesOrder({}, [{ FMaterialId: { FNumber: '01.019' }, FQty: 2, FTaxPrice: 5 }]));
      const pushed = statusOf(await c.op('Push', 'SAL_SaleOrder', { Numbers: [so], RuleId: 'SaleOrder-OutStock' }));
      const out = pushed.SuccessEntitys[0]?.Number ?? '';
      expect(statusOf(await c.op('Submit', 'SAL_OUTSTOCK', { Numbers: [out] })).IsSuccess).toBe(true);
      expect(statusOf(await c.op('Audit', 'SAL_OUTSTOCK', { Numbers: [out] })).IsSuccess).toBe(true);
      await a.close();
      await b.close();

      restarted = await startSimulator(db);
      const again = new K3TestClient(restarted.url);
      // Sessions live in memory, as in K3: a restart logs everyone out.
      const lost = await again.call(AUTH('ValidateUser'), {});
      expect(lost.status).toBe(200);
      await again.login();
      expect(rowsOf(await again.query({ FormId: 'SAL_SaleOrder', FieldKeys: 'FBillNo,FDocumentStatus' }))).toEqual([[so, 'C']]);
      expect(rowsOf(await again.query({ FormId: 'SAL_OUTSTOCK', FieldKeys: 'FBillNo,FDocumentStatus,FSrcBillNo' }))).toEqual([[out, 'C', so]]);
      // Seeding ran again but changed nothing: stock keeps its decrement, master data is not duplicated.
      expect(await restarted.store.inventory('01.019', 'CK001')).toEqual({ baseQty: '3', avbQty: '3' });
      const after = await restarted.store.pool.query<{ n: number }>('SELECT count(*)::int AS n FROM k3sim.material');
      expect(after.rows[0]?.n).toBe(20);
      // Numbering continues where it left off.
      expect(numberOf(await again.save('SAL_SaleOrder', salesOrder()))).toBe('XSDD000002');
      expect((await restarted.store.findBill('SAL_SaleOrder', so))?.status).toBe('C');
    } finally {
      await a.close();
      await b.close();
      await restarted?.close();
    }
  });

  it('closes promptly while a request hangs on the timeout fault', async () => {
    const s = await startSimulator(db);
    await sim(s.url, 'PUT', 'faults', { timeoutRate: 1 });
    const hanging = new K3TestClient(s.url).call(AUTH('ValidateUser'), {}).catch((err: unknown) => err);
    await new Promise((r) => setTimeout(r, 100));
    const started = Date.now();
    await s.close();
    expect(Date.now() - started).toBeLessThan(2000);
    expect(await hanging).toBeInstanceOf(Error);
  });

  it('starts without seeding when seed is false (and finds existing data)', async () => {
    const s = await startSimulator(db, { seed: false });
    try {
      const c = new K3TestClient(s.url);
      await c.login();
      expect(rowsOf(await c.query({ FormId: 'BD_Customer', FieldKeys: 'FNumber' }))).toHaveLength(10);
    } finally {
      await s.close();
    }
  });
});
