import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Simulator } from './simulator';
import type { TestDatabase } from './test-support/harness';
import { DF, K3TestClient, envelopeOf, numberOf, rowsOf, salesOrder, sim, startSimulator, statusOf, testDatabase } from './test-support/harness';

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

async function statusOfBill(number: string): Promise<unknown> {
  const rows = rowsOf(await c.query({ FormId: 'SAL_SaleOrder', FieldKeys: 'FDocumentStatus', FilterString: `FBillNo = '${number}'` }));
  return rows[0]?.[0] ?? null;
}

describe('Save', () => {
  it('auto-numbers per form, computes amounts with decimals and returns NeedReturnData', async () => {
    const r = await c.save(
      'SAL_SaleOrder',
      salesOrder({}, [
        { FMaterialId: { FNumber: '01.001' }, FQty: '3', FTaxPrice: '0.1', FEntryTaxRate: 13 },
        { FMaterialId: { FNumber: '01.002' }, FQty: 2, FTaxPrice: 56.5, FEntryTaxRate: '13' },
      ]),
      { NeedReturnFields: ['FBillNo', 'FID', 'FSaleOrderEntry.FEntryID'] },
    );
    const env = envelopeOf(r);
    expect(env.Result.ResponseStatus).toMatchObject({ IsSuccess: true, ErrorCode: 0, MsgCode: 0, Errors: [] });
    expect(env.Result.Number).toBe('XSDD000001');
    expect(env.Result.ResponseStatus.SuccessEntitys).toEqual([{ Id: env.Result.Id, Number: 'XSDD000001', DIndex: 0 }]);
    expect(env.Result.NeedReturnData).toEqual([
      { FBillNo: 'XSDD000001', FID: env.Result.Id, FSaleOrderEntry: [{ FEntryID: expect.any(Number) }, { FEntryID: expect.any(Number) }] },
    ]);
    expect(numberOf(await c.save('SAL_SaleOrder', salesOrder()))).toBe('XSDD000002');
    const rows = rowsOf(
      await c.query({ FormId: 'SAL_SaleOrder', FieldKeys: 'FMaterialId.FNumber,FQty,FAllAmount,FAmount,FTaxAmount,FBillAllAmount', FilterString: "FBillNo = 'XSDD000001'" }),
    );
    expect(rows).toEqual([
      ['01.001', 3, 0.3, 0.27, 0.03, 113.3],
      ['01.002', 2, 113, 100, 13, 113.3],
    ]);
    const stored = await simulator.store.pool.query<{ t: string }>(
      "SELECT pg_typeof(all_amount)::text AS t FROM k3sim.bill_entry LIMIT 1",
    );
    expect(stored.rows[0]?.t).toBe('numeric');
  });

  it('refuses unknown base data with MsgCode 9 and the field name', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [salesOrder({ FCustId: { FNumber: 'CUST9999' } }), 'FCustId'],
      [salesOrder({}, [{ FMaterialId: { FNumber: '99.999' }, FQty: 1, FTaxPrice: 1 }]), 'FMaterialId'],
      [salesOrder({}, [{ FMaterialId: { FNumber: '01.001' }, FQty: 1, FStockId: { FNumber: 'CK999' } }]), 'FStockId'],
      [salesOrder({ FSaleOrgId: { FNumber: '999' } }), 'FSaleOrgId'],
    ];
    for (const [model, field] of cases) {
      const status = statusOf(await c.save('SAL_SaleOrder', model));
      expect(status).toMatchObject({ IsSuccess: false, MsgCode: 9, ErrorCode: 500 });
      expect(status.Errors[0]?.FieldName).toBe(field);
    }
    const outbound = statusOf(
      await c.save('SAL_OUTSTOCK', {
        FCustomerID: { FNumber: 'CUST0001' },
        FStockOrgId: { FNumber: '100' },
        FEntity: [{ FMaterialId: { FNumber: '01.001' }, FRealQty: 1, FStockId: { FNumber: 'NOPE' } }],
      }),
    );
    expect(outbound).toMatchObject({ IsSuccess: false, MsgCode: 9 });
    expect(outbound.Errors[0]?.FieldName).toBe('FStockId');
  });

  it('refuses missing required fields with MsgCode 11', async () => {
    const noCustomer = salesOrder();
    delete noCustomer.FCustId;
    const status = statusOf(await c.save('SAL_SaleOrder', noCustomer));
    expect(status).toMatchObject({ IsSuccess: false, MsgCode: 11 });
    expect(status.Errors[0]?.FieldName).toBe('FCustId');
    expect(statusOf(await c.save('SAL_SaleOrder', salesOrder({}, [])))).toMatchObject({ MsgCode: 11 });
    expect(statusOf(await c.save('SAL_SaleOrder', salesOrder({}, [{ FMaterialId: { FNumber: '01.001' } }])))).toMatchObject({ MsgCode: 11 });
    expect(statusOf(await c.save('SAL_SaleOrder', salesOrder({}, [{ FMaterialId: { FNumber: '01.001' }, FQty: 0 }])))).toMatchObject({ MsgCode: 11 });
    expect(statusOf(await c.save('AR_receivable', { FCUSTOMERID: { FNumber: 'CUST0001' }, FEntityDetail: [{ FMaterialId: { FNumber: '01.001' }, FPriceQty: 1 }] }))).toMatchObject({
      MsgCode: 11,
      Errors: [expect.objectContaining({ FieldName: 'FSETTLEORGID' })],
    });
    expect(statusOf(await c.save('STK_Inventory', {}))).toMatchObject({ IsSuccess: false, MsgCode: 8 });
    expect(statusOf(await c.call(DF('Save'), { data: { Model: salesOrder() } }))).toMatchObject({ IsSuccess: false, MsgCode: 5 });
  });

  it('refuses a duplicate FBillNo with MsgCode 11 naming the number', async () => {
    expect(statusOf(await c.save('SAL_SaleOrder', salesOrder({ FBillNo: 'EXT-0001' }))).IsSuccess).toBe(true);
    const dup = statusOf(await c.save('SAL_SaleOrder', salesOrder({ FBillNo: 'EXT-0001' })));
    expect(dup).toMatchObject({ IsSuccess: false, MsgCode: 11 });
    expect(dup.Errors[0]?.Message).toContain('EXT-0001');
    expect(dup.Errors[0]?.FieldName).toBe('FBillNo');
    // The same number in another form is fine.
    const ar = await c.save('AR_receivable', { FBillNo: 'EXT-0001', FCUSTOMERID: { FNumber: 'CUST0001' }, FSETTLEORGID: { FNumber: '100' }, FEntityDetail: [{ FMaterialId: { FNumber: '01.001' }, FPriceQty: 1 }] });
    expect(statusOf(ar).IsSuccess).toBe(true);
  });

  it('lets exactly one of two concurrent saves of the same number succeed', async () => {
    for (let round = 0; round < 5; round++) {
      const number = `RACE-${round}`;
      const results = await Promise.all(Array.from({ length: 6 }, () => c.save('SAL_SaleOrder', salesOrder({ FBillNo: number }))));
      expect(results.filter((r) => statusOf(r).IsSuccess)).toHaveLength(1);
      expect(results.filter((r) => statusOf(r).MsgCode === 11)).toHaveLength(5);
    }
    const stats = await sim<{ duplicates: number; documents: { SAL_SaleOrder: { total: number } } }>(simulator.url, 'GET', 'stats');
    expect(stats.json.duplicates).toBe(0);
    expect(stats.json.documents.SAL_SaleOrder.total).toBe(5);
  });

  it('skips auto-numbers already taken by hand', async () => {
    await c.save('SAL_SaleOrder', salesOrder({ FBillNo: 'XSDD000001' }));
    expect(numberOf(await c.save('SAL_SaleOrder', salesOrder()))).toBe('XSDD000002');
  });

  it('reports BatchSave failures per model with DIndex', async () => {
    const r = await c.call(DF('BatchSave'), {
      formid: 'SAL_SaleOrder',
      data: { Model: [salesOrder(), salesOrder({ FCustId: { FNumber: 'BAD' } }), salesOrder()] },
    });
    const status = statusOf(r);
    expect(status.IsSuccess).toBe(false);
    expect(status.SuccessEntitys.map((s) => s.DIndex)).toEqual([0, 2]);
    expect(status.Errors).toEqual([expect.objectContaining({ DIndex: 1, FieldName: 'FCustId' })]);
  });

  it('Draft stores an incomplete bill as Z; Save then completes it to A', async () => {
    const r = await c.call(DF('Draft'), { formid: 'SAL_SaleOrder', data: { Model: salesOrder({ FCustId: null }) } });
    expect(statusOf(r).IsSuccess).toBe(true);
    const number = numberOf(r);
    expect(await statusOfBill(number)).toBe('Z');
    expect(statusOf(await c.op('Submit', 'SAL_SaleOrder', { Numbers: [number] })).MsgCode).toBe(12);
    const id = envelopeOf(r).Result.Id;
    expect(statusOf(await c.save('SAL_SaleOrder', { FID: id })).MsgCode).toBe(11);
    expect(statusOf(await c.save('SAL_SaleOrder', { FID: id, FCustId: { FNumber: 'CUST0002' } })).IsSuccess).toBe(true);
    expect(await statusOfBill(number)).toBe('A');
  });

  it('rejects an identical packet twice when ValidateRepeatJson is true', async () => {
    const data = { ValidateRepeatJson: 'true', Model: salesOrder({ FBillNo: '' , FNote: 'once' }) };
    expect(statusOf(await c.call(DF('Save'), { formid: 'SAL_SaleOrder', data })).IsSuccess).toBe(true);
    expect(statusOf(await c.call(DF('Save'), { formid: 'SAL_SaleOrder', data }))).toMatchObject({ IsSuccess: false, MsgCode: 11 });
    expect(statusOf(await c.call(DF('Save'), { formid: 'SAL_SaleOrder', data: { ...data, ValidateRepeatJson: false } })).IsSuccess).toBe(true);
  });

  it('IsAutoSubmitAndAudit takes the bill straight to C', async () => {
    const r = await c.save('SAL_SaleOrder', salesOrder(), { IsAutoSubmitAndAudit: 'true' });
    expect(statusOf(r).IsSuccess).toBe(true);
    expect(await statusOfBill(numberOf(r))).toBe('C');
  });
});

describe('update (FID ≠ 0)', () => {
  async function entryIds(number: string): Promise<number[]> {
    const rows = rowsOf(await c.query({ FormId: 'SAL_SaleOrder', FieldKeys: 'FSaleOrderEntry_FEntryID', FilterString: `FBillNo = '${number}'` }));
    return rows.map((r) => Number(r[0]));
  }

  it('updates listed fields, keeps entry ids, and honours IsDeleteEntry', async () => {
    const saved = await c.save(
      'SAL_SaleOrder',
      salesOrder({}, [
        { FMaterialId: { FNumber: '01.001' }, FQty: 1, FTaxPrice: 10 },
        { FMaterialId: { FNumber: '01.002' }, FQty: 2, FTaxPrice: 20 },
      ]),
    );
    const id = envelopeOf(saved).Result.Id;
    const number = numberOf(saved);
    const [first, second] = await entryIds(number);

    // NeedUpDateFields limits the change to FQty; the customer change is ignored. IsDeleteEntry false keeps entry 2.
    const r1 = await c.save(
      'SAL_SaleOrder',
      { FID: id, FCustId: { FNumber: 'CUST0003' }, FSaleOrderEntry: [{ FEntryID: first, FQty: 5, FTaxPrice: 99 }] },
      { NeedUpDateFields: ['FQty', 'FSaleOrderEntry'], IsDeleteEntry: 'false' },
    );
    expect(statusOf(r1).IsSuccess).toBe(true);
    let rows = rowsOf(await c.query({ FormId: 'SAL_SaleOrder', FieldKeys: 'FCustId.FNumber,FSaleOrderEntry_FEntryID,FQty,FTaxPrice,FAllAmount', FilterString: `FID = ${id}` }));
    expect(rows).toEqual([
      ['CUST0001', first, 5, 10, 50],
      ['CUST0001', second, 2, 20, 40],
    ]);

    // Default IsDeleteEntry (true): entry 2 is missing from the model, so it goes; a new entry is added.
    const r2 = await c.save('SAL_SaleOrder', {
      FID: id,
      FCustId: { FNumber: 'CUST0003' },
      FSaleOrderEntry: [{ FEntryID: first }, { FMaterialId: { FNumber: '01.003' }, FQty: 7, FTaxPrice: 1 }],
    });
    expect(statusOf(r2).IsSuccess).toBe(true);
    rows = rowsOf(await c.query({ FormId: 'SAL_SaleOrder', FieldKeys: 'FCustId.FNumber,FSaleOrderEntry_FEntryID,FMaterialId.FNumber,FQty', FilterString: `FID = ${id}` }));
    expect(rows).toHaveLength(2);
    expect(rows[0]).toEqual(['CUST0003', first, '01.001', 5]);
    expect(rows[1]?.[2]).toBe('01.003');
    expect(rows[1]?.[1]).not.toBe(second);
  });

  it('refuses to update a submitted or audited bill and an unknown FID', async () => {
    const number = await c.createAudited('SAL_SaleOrder', salesOrder());
    const id = rowsOf(await c.query({ FormId: 'SAL_SaleOrder', FieldKeys: 'FID', FilterString: `FBillNo = '${number}'` }))[0]?.[0];
    expect(statusOf(await c.save('SAL_SaleOrder', { FID: id, FCustId: { FNumber: 'CUST0002' } })).MsgCode).toBe(12);
    expect(statusOf(await c.save('SAL_SaleOrder', { FID: 987654321 })).MsgCode).toBe(10);
  });

  it('refuses renaming to a number that exists', async () => {
    await c.save('SAL_SaleOrder', salesOrder({ FBillNo: 'TAKEN' }));
    const other = envelopeOf(await c.save('SAL_SaleOrder', salesOrder())).Result.Id;
    const r = statusOf(await c.save('SAL_SaleOrder', { FID: other, FBillNo: 'TAKEN' }));
    expect(r).toMatchObject({ IsSuccess: false, MsgCode: 11 });
    expect(r.Errors[0]?.Message).toContain('TAKEN');
  });
});

describe('state machine', () => {
  it('walks A → B → C → D → B and refuses wrong-state operations with MsgCode 12', async () => {
    const number = numberOf(await c.save('SAL_SaleOrder', salesOrder()));
    const op = (name: string) => c.op(name, 'SAL_SaleOrder', { Numbers: [number] }).then(statusOf);
    expect(await statusOfBill(number)).toBe('A');
    expect((await op('Audit')).MsgCode).toBe(12);
    expect((await op('UnAudit')).MsgCode).toBe(12);
    expect((await op('Submit')).IsSuccess).toBe(true);
    expect(await statusOfBill(number)).toBe('B');
    expect((await op('Submit')).MsgCode).toBe(12);
    expect((await op('Delete')).MsgCode).toBe(12);
    expect((await op('Audit')).IsSuccess).toBe(true);
    expect(await statusOfBill(number)).toBe('C');
    const audited = await op('Audit');
    expect(audited).toMatchObject({ IsSuccess: false, MsgCode: 12 });
    expect(audited.Errors[0]?.Message).toContain(number);
    expect((await op('Delete')).MsgCode).toBe(12);
    expect((await op('UnAudit')).IsSuccess).toBe(true);
    expect(await statusOfBill(number)).toBe('D');
    expect((await op('Submit')).IsSuccess).toBe(true);
    expect(await statusOfBill(number)).toBe('B');
  });

  it('deletes Z, A and D bills', async () => {
    const a = numberOf(await c.save('SAL_SaleOrder', salesOrder()));
    const z = numberOf(await c.call(DF('Draft'), { formid: 'SAL_SaleOrder', data: { Model: salesOrder() } }));
    const d = await c.createAudited('SAL_SaleOrder', salesOrder());
    expect(statusOf(await c.op('UnAudit', 'SAL_SaleOrder', { Numbers: [d] })).IsSuccess).toBe(true);
    const r = statusOf(await c.op('Delete', 'SAL_SaleOrder', { Numbers: [a, z, d] }));
    expect(r.IsSuccess).toBe(true);
    expect(r.SuccessEntitys.map((s) => s.Number).sort()).toEqual([a, d, z].sort());
    expect(rowsOf(await c.query({ FormId: 'SAL_SaleOrder', FieldKeys: 'FBillNo' }))).toEqual([]);
  });

  it('accepts Ids as a comma-separated string and Numbers as an array, reporting each miss with DIndex', async () => {
    const one = envelopeOf(await c.save('SAL_SaleOrder', salesOrder()));
    const two = envelopeOf(await c.save('SAL_SaleOrder', salesOrder()));
    const byIds = statusOf(await c.op('Submit', 'SAL_SaleOrder', { Ids: `${one.Result.Id},${two.Result.Id}`, Numbers: [] }));
    expect(byIds.IsSuccess).toBe(true);
    expect(byIds.SuccessEntitys).toHaveLength(2);
    const mixed = statusOf(await c.op('Audit', 'SAL_SaleOrder', { Numbers: [one.Result.Number, 'NOPE'] }));
    expect(mixed.IsSuccess).toBe(false);
    expect(mixed.MsgCode).toBe(10);
    expect(mixed.SuccessEntitys).toEqual([{ Id: one.Result.Id, Number: one.Result.Number, DIndex: 0 }]);
    expect(mixed.Errors).toEqual([expect.objectContaining({ DIndex: 1 })]);
    expect(statusOf(await c.op('Audit', 'SAL_SaleOrder', {})).MsgCode).toBe(5);
  });
});

describe('View', () => {
  it('returns the bill by number or id, and MsgCode 10 when unknown', async () => {
    const saved = envelopeOf(await c.save('SAL_SaleOrder', salesOrder({ F_QIAO_ExtNo: 'PO-77' })));
    for (const data of [{ Number: saved.Result.Number }, { Id: saved.Result.Id }, { Id: String(saved.Result.Id) }]) {
      const r = await c.op('View', 'SAL_SaleOrder', data);
      const body = r.json as { Result: { ResponseStatus: { IsSuccess: boolean }; Result: Record<string, unknown> } };
      expect(body.Result.ResponseStatus.IsSuccess).toBe(true);
      expect(body.Result.Result).toMatchObject({
        Id: saved.Result.Id,
        FBillNo: saved.Result.Number,
        FDocumentStatus: 'A',
        FDate: '2025-01-31T00:00:00',
        F_QIAO_ExtNo: 'PO-77',
        FCustId: { FNumber: 'CUST0001', FName: '苏州精工机械有限公司' },
        FSalerId: { FNumber: '0002' },
        FSaleOrderEntry: [expect.objectContaining({ FMaterialId: expect.objectContaining({ FNumber: '01.001' }), FQty: 10, FAllAmount: 1130, FAmount: 1000 })],
      });
    }
    const missing = statusOf(await c.op('View', 'SAL_SaleOrder', { Number: 'NOPE' }));
    expect(missing).toMatchObject({ IsSuccess: false, MsgCode: 10 });
  });
});
