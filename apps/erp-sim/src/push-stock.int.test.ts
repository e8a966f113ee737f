import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Simulator } from './simulator';
import type { TestDatabase } from './test-support/harness';
import { K3TestClient, numberOf, rowsOf, salesOrder, sim, startSimulator, statusOf, testDatabase } from './test-support/harness';

let db: TestDatabase;
let simulator: Simulator;
let c: K3TestClient;

beforeAll(async () => {
  db = testDatabase();
  simulator = await startSimulator(db);
  c = new K3TestClient(simulator.url);
  await c.login();
});

beforeEach(async () => {
  await sim(simulator.url, 'POST', 'reset');
});

afterAll(async () => {
  await simulator.close();
  await db.drop();
});

const order = (material: string, qty: number, stock?: string): Record<string, unknown> =>
  salesOrder({}, [{ FMaterialId: { FNumber: material }, FQty: qty, FTaxPrice: 113, FEntryTaxRate: 13, ...(stock ? { FStockId: { FNumber: stock } } : {}) }]);

function push(formId: string, number: string, ruleId: string, extra: Record<string, unknown> = {}) {
  return c.op('Push', formId, { Ids: '', Numbers: [number], EntryIds: '', RuleId: ruleId, TargetBillTypeId: '', TargetOrgId: 0, IsEnableDefaultRule: 'false', CustomParams: {}, ...extra });
}

async function auditNumber(formId: string, number: string, data: Record<string, unknown> = {}) {
  const submit = statusOf(await c.op('Submit', formId, { Numbers: [number] }));
  if (!submit.IsSuccess) return submit;
  return statusOf(await c.op('Audit', formId, { Numbers: [number], ...data }));
}

async function onHand(material: string, stock = 'CK001'): Promise<[number, number] | undefined> {
  const rows = rowsOf(
    await c.query({
      FormId: 'STK_Inventory',
      FieldKeys: 'FBaseQty,FBaseAVBQty',
      FilterString: `FMaterialId.FNumber = '${material}' and FStockId.FNumber = '${stock}'`,
    }),
  );
  return rows[0] as [number, number] | undefined;
}

describe('Push', () => {
  it('runs order → outbound → receivable → invoice with link rows and FSrcBillNo', async () => {
    const so = await c.createAudited('SAL_SaleOrder', order('01.001', 10));

    const toOut = statusOf(await push('SAL_SaleOrder', so, 'SaleOrder-OutStock', { TargetFormId: 'SAL_OUTSTOCK', IsDraftWhenSaveFail: 'true' }));
    expect(toOut).toMatchObject({ IsSuccess: true, MsgCode: 0 });
    expect(toOut.SuccessEntitys).toEqual([{ Id: expect.any(Number), Number: 'XSCKD000001', DIndex: 0 }]);
    const out = 'XSCKD000001';
    const outRows = rowsOf(
      await c.query({
        FormId: 'SAL_OUTSTOCK',
        FieldKeys: 'FBillNo,FDocumentStatus,FCustomerID.FNumber,FMaterialId.FNumber,FRealQty,FStockId.FNumber,FSrcBillNo,FSrcBillType,FAllAmount',
        FilterString: `FSrcBillNo = '${so}'`,
      }),
    );
    expect(outRows).toEqual([[out, 'A', 'CUST0001', '01.001', 10, 'CK001', so, 'SAL_SaleOrder', 1130]]);
    expect(await auditNumber('SAL_OUTSTOCK', out)).toMatchObject({ IsSuccess: true });

    const toAr = statusOf(await push('SAL_OUTSTOCK', out, 'AR_OutStockToReceivableMap'));
    expect(toAr.SuccessEntitys[0]?.Number).toBe('AR00000001');
    expect(await auditNumber('AR_receivable', 'AR00000001')).toMatchObject({ IsSuccess: true });

    const toIv = statusOf(await push('AR_receivable', 'AR00000001', 'IV_ReceivableToSalesIC_Entry', { TargetFormId: 'IV_SALESIC' }));
    expect(toIv.SuccessEntitys[0]?.Number).toBe('XSZYFP000001');
    const ivRows = rowsOf(
      await c.query({ FormId: 'IV_SALESIC', FieldKeys: 'FBillNo,FCUSTOMERID.FNumber,FMATERIALID.FNumber,FPRICEQTY,FAUXTAXPRICE,FTAXRATE,FALLAMOUNT,FAMOUNT,FSrcBillNo', FilterString: "FSrcBillNo = 'AR00000001'" }),
    );
    expect(ivRows).toEqual([['XSZYFP000001', 'CUST0001', '01.001', 10, 113, 13, 1130, 1000, 'AR00000001']]);

    const links = await simulator.store.pool.query<{ rule_id: string; source_form: string; target_form: string }>(
      'SELECT rule_id, source_form, target_form FROM k3sim.bill_link ORDER BY id',
    );
    expect(links.rows).toEqual([
      { rule_id: 'SaleOrder-OutStock', source_form: 'SAL_SaleOrder', target_form: 'SAL_OUTSTOCK' },
      { rule_id: 'AR_OutStockToReceivableMap', source_form: 'SAL_OUTSTOCK', target_form: 'AR_receivable' },
      { rule_id: 'IV_ReceivableToSalesIC_Entry', source_form: 'AR_receivable', target_form: 'IV_SALESIC' },
    ]);
    const view = (await c.op('View', 'SAL_OUTSTOCK', { Number: out })).json as { Result: { Result: { FEntity: Record<string, unknown>[] } } };
    expect(view.Result.Result.FEntity[0]).toMatchObject({ FSrcBillNo: so, FEntity_Link: [expect.objectContaining({ FEntity_Link_FRuleId: 'SaleOrder-OutStock' })] });
  });

  it('refuses an unaudited source, an unknown rule and a rule for another form', async () => {
    const so = numberOf(await c.save('SAL_SaleOrder', order('01.001', 1)));
    expect(statusOf(await push('SAL_SaleOrder', so, 'SaleOrder-OutStock'))).toMatchObject({ IsSuccess: false, MsgCode: 12 });
    expect(statusOf(await push('SAL_SaleOrder', so, 'NoSuchRule')).MsgCode).toBe(8);
    expect(statusOf(await push('SAL_SaleOrder', so, 'AR_OutStockToReceivableMap')).MsgCode).toBe(8);
    expect(statusOf(await push('SAL_SaleOrder', 'NOPE', 'SaleOrder-OutStock')).MsgCode).toBe(10);
  });

  it('refuses pushing what is already fully pushed, so a blind retry is visible', async () => {
    const so = await c.createAudited('SAL_SaleOrder', order('01.001', 4));
    expect(statusOf(await push('SAL_SaleOrder', so, 'SaleOrder-OutStock')).IsSuccess).toBe(true);
    const again = statusOf(await push('SAL_SaleOrder', so, 'SaleOrder-OutStock'));
    expect(again).toMatchObject({ IsSuccess: false, MsgCode: 12 });
    expect(again.Errors[0]?.Message).toContain('已全部下推');
    const stats = await sim<{ pushedTwice: number }>(simulator.url, 'GET', 'stats');
    expect(stats.json.pushedTwice).toBe(0);
  });

  it('pushes only the remaining quantity after a partial push, and again after the target is deleted', async () => {
    const so = await c.createAudited('SAL_SaleOrder', order('01.001', 10));
    expect(statusOf(await push('SAL_SaleOrder', so, 'SaleOrder-OutStock')).IsSuccess).toBe(true);
    const id = rowsOf(await c.query({ FormId: 'SAL_OUTSTOCK', FieldKeys: 'FID,FEntity_FEntryID', FilterString: `FSrcBillNo = '${so}'` }))[0] ?? [];
    // Reduce the outbound to 6: 4 remain open on the order.
    expect(statusOf(await c.save('SAL_OUTSTOCK', { FID: id[0], FEntity: [{ FEntryID: id[1], FRealQty: 6 }] })).IsSuccess).toBe(true);
    const second = statusOf(await push('SAL_SaleOrder', so, 'SaleOrder-OutStock'));
    expect(second.IsSuccess).toBe(true);
    const qty = rowsOf(await c.query({ FormId: 'SAL_OUTSTOCK', FieldKeys: 'FBillNo,FRealQty', FilterString: `FSrcBillNo = '${so}'`, OrderString: 'FBillNo' }));
    expect(qty).toEqual([
      ['XSCKD000001', 6],
      ['XSCKD000002', 4],
    ]);
    expect(statusOf(await c.op('Delete', 'SAL_OUTSTOCK', { Numbers: ['XSCKD000002'] })).IsSuccess).toBe(true);
    expect(statusOf(await push('SAL_SaleOrder', so, 'SaleOrder-OutStock')).SuccessEntitys[0]?.Number).toBe('XSCKD000003');
  });

  it('lets exactly one of several concurrent pushes of the same order succeed', async () => {
    const so = await c.createAudited('SAL_SaleOrder', order('01.001', 3));
    const results = await Promise.all(Array.from({ length: 5 }, () => push('SAL_SaleOrder', so, 'SaleOrder-OutStock')));
    expect(results.filter((r) => statusOf(r).IsSuccess)).toHaveLength(1);
    expect(rowsOf(await c.query({ FormId: 'SAL_OUTSTOCK', FieldKeys: 'FBillNo' }))).toHaveLength(1);
  });

  it('keeps the target as a draft when the warehouse is missing and IsDraftWhenSaveFail is set', async () => {
    // 01.018 has no default warehouse and the order entry names none.
    const so = await c.createAudited('SAL_SaleOrder', order('01.018', 2));
    const refused = statusOf(await push('SAL_SaleOrder', so, 'SaleOrder-OutStock', { IsDraftWhenSaveFail: 'false' }));
    expect(refused).toMatchObject({ IsSuccess: false, MsgCode: 11, SuccessEntitys: [] });
    const drafted = statusOf(await push('SAL_SaleOrder', so, 'SaleOrder-OutStock', { IsDraftWhenSaveFail: true }));
    expect(drafted.IsSuccess).toBe(false);
    expect(drafted.MsgCode).toBe(11);
    expect(drafted.SuccessEntitys).toEqual([expect.objectContaining({ Number: 'XSCKD000001' })]);
    expect(drafted.Errors[0]?.FieldName).toBe('FStockId');
    expect(rowsOf(await c.query({ FormId: 'SAL_OUTSTOCK', FieldKeys: 'FDocumentStatus,FSrcBillNo,FStockId.FNumber' }))).toEqual([['Z', so, null]]);
  });

  it('carries the order entry warehouse (FStockId extension) to the outbound', async () => {
    const so = await c.createAudited('SAL_SaleOrder', order('01.018', 2, 'CK002'));
    expect(statusOf(await push('SAL_SaleOrder', so, 'SaleOrder-OutStock')).IsSuccess).toBe(true);
    expect(rowsOf(await c.query({ FormId: 'SAL_OUTSTOCK', FieldKeys: 'FDocumentStatus,FStockId.FNumber' }))).toEqual([['A', 'CK002']]);
  });

  it('refuses to unaudit a source that has downstream bills', async () => {
    const so = await c.createAudited('SAL_SaleOrder', order('01.001', 1));
    await push('SAL_SaleOrder', so, 'SaleOrder-OutStock');
    expect(statusOf(await c.op('UnAudit', 'SAL_SaleOrder', { Numbers: [so] })).MsgCode).toBe(12);
  });
});

describe('stock', () => {
  it('decrements stock when an outbound is audited and restores it on unaudit', async () => {
    expect(await onHand('01.001')).toEqual([1_000_000, 1_000_000]);
    const so = await c.createAudited('SAL_SaleOrder', order('01.001', 7.5));
    await push('SAL_SaleOrder', so, 'SaleOrder-OutStock');
    expect(await auditNumber('SAL_OUTSTOCK', 'XSCKD000001')).toMatchObject({ IsSuccess: true });
    expect(await onHand('01.001')).toEqual([999_992.5, 999_992.5]);
    expect(await simulator.store.inventory('01.001', 'CK001')).toEqual({ baseQty: '999992.5', avbQty: '999992.5' });
    expect(statusOf(await c.op('UnAudit', 'SAL_OUTSTOCK', { Numbers: ['XSCKD000001'] })).IsSuccess).toBe(true);
    expect(await onHand('01.001')).toEqual([1_000_000, 1_000_000]);
  });

  it('refuses an audit that would make stock negative, naming material and warehouse', async () => {
    const so = await c.createAudited('SAL_SaleOrder', order('01.019', 10));
    await push('SAL_SaleOrder', so, 'SaleOrder-OutStock');
    const refused = await auditNumber('SAL_OUTSTOCK', 'XSCKD000001');
    expect(refused).toMatchObject({ IsSuccess: false, MsgCode: 11 });
    expect(refused.Errors[0]?.Message).toContain('库存不足');
    expect(refused.Errors[0]?.Message).toContain('01.019');
    expect(refused.Errors[0]?.Message).toContain('CK001');
    expect(await onHand('01.019')).toEqual([5, 5]);
    expect(rowsOf(await c.query({ FormId: 'SAL_OUTSTOCK', FieldKeys: 'FDocumentStatus' }))).toEqual([['B']]);
    // STK_InvCheckResult allows the negative balance.
    const allowed = statusOf(await c.op('Audit', 'SAL_OUTSTOCK', { Numbers: ['XSCKD000001'], InterationFlags: 'STK_InvCheckResult' }));
    expect(allowed.IsSuccess).toBe(true);
    expect(await onHand('01.019')).toEqual([-5, -5]);
  });

  it('never oversells under concurrent audits', async () => {
    // 01.019 has 5 on hand: five outbounds of 2 each, audited concurrently → exactly two succeed.
    const outs: string[] = [];
    for (let i = 0; i < 5; i++) {
      const so = await c.createAudited('SAL_SaleOrder', order('01.019', 2));
      outs.push(statusOf(await push('SAL_SaleOrder', so, 'SaleOrder-OutStock')).SuccessEntitys[0]?.Number ?? '');
      expect(statusOf(await c.op('Submit', 'SAL_OUTSTOCK', { Numbers: [outs[i]] })).IsSuccess).toBe(true);
    }
    const results = await Promise.all(outs.map((n) => c.op('Audit', 'SAL_OUTSTOCK', { Numbers: [n] })));
    expect(results.filter((r) => statusOf(r).IsSuccess)).toHaveLength(2);
    expect(await onHand('01.019')).toEqual([1, 1]);
  });

  it('/__sim/reset restores the seeded stock and deletes documents', async () => {
    const so = await c.createAudited('SAL_SaleOrder', order('01.019', 5));
    await push('SAL_SaleOrder', so, 'SaleOrder-OutStock');
    await auditNumber('SAL_OUTSTOCK', 'XSCKD000001');
    expect(await onHand('01.019')).toEqual([0, 0]);
    await sim(simulator.url, 'POST', 'reset');
    expect(await onHand('01.019')).toEqual([5, 5]);
    expect(await onHand('01.020')).toEqual([0, 0]);
    expect(rowsOf(await c.query({ FormId: 'SAL_SaleOrder', FieldKeys: 'FBillNo' }))).toEqual([]);
    expect(numberOf(await c.save('SAL_SaleOrder', order('01.001', 1)))).toBe('XSDD000001');
  });
});
