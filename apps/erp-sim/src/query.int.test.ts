import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CUSTOMERS, MATERIALS } from './seed-data';
import type { Simulator } from './simulator';
import type { TestDatabase } from './test-support/harness';
import { DF, K3TestClient, rowsOf, salesOrder, startSimulator, testDatabase } from './test-support/harness';

let db: TestDatabase;
let simulator: Simulator;
let c: K3TestClient;

// 12 orders: customers cycle CUST0001..CUST0003, two entries each, dates across January.
beforeAll(async () => {
  db = testDatabase();
  simulator = await startSimulator(db);
  c = new K3TestClient(simulator.url);
  await c.login();
  for (let i = 1; i <= 12; i++) {
    const customer = `CUST000${((i - 1) % 3) + 1}`;
    const entries = [
      { FMaterialId: { FNumber: '01.001' }, FQty: i, FTaxPrice: 10, FEntryTaxRate: 13 },
      { FMaterialId: { FNumber: '01.002' }, FQty: 100 + i, FTaxPrice: 20, FEntryTaxRate: 13 },
    ];
    const model = salesOrder({ FBillNo: `Q${String(i).padStart(3, '0')}`, FCustId: { FNumber: customer }, FDate: `2025-01-${String(i).padStart(2, '0')}` }, entries);
    if (i % 4 === 0) await c.createAudited('SAL_SaleOrder', model);
    else await c.save('SAL_SaleOrder', model);
  }
});

afterAll(async () => {
  await simulator.close();
  await db.drop();
});

const q = async (data: Record<string, unknown>): Promise<unknown[][]> =>
  rowsOf(await c.query({ FormId: 'SAL_SaleOrder', FieldKeys: 'FBillNo', ...data }));

function nestedError(json: unknown): { MsgCode: number; Message: string; FieldName: string | null } {
  const status = (json as [[{ Result: { ResponseStatus: { MsgCode: number; IsSuccess: boolean; Errors: { Message: string; FieldName: string | null }[] } } }]])[0][0].Result
    .ResponseStatus;
  expect(status.IsSuccess).toBe(false);
  return { MsgCode: status.MsgCode, Message: status.Errors[0]?.Message ?? '', FieldName: status.Errors[0]?.FieldName ?? null };
}

describe('ExecuteBillQuery rows', () => {
  it('returns one row per header for header keys, one per entry when an entry key is named', async () => {
    expect(await q({})).toHaveLength(12);
    const entries = await q({ FieldKeys: 'FBillNo,FSaleOrderEntry_FEntryID,FMaterialId.FNumber,FQty', FilterString: "FBillNo = 'Q003'" });
    expect(entries).toEqual([
      ['Q003', expect.any(Number), '01.001', 3],
      ['Q003', expect.any(Number), '01.002', 103],
    ]);
  });

  it('supports FID, FDate, FDocumentStatus, dotted base data keys and amounts', async () => {
    const rows = await q({
      FieldKeys: 'FID,FBillNo,FDate,FDocumentStatus,FCustId.FNumber,FCustId.FName,FSaleOrgId.FNumber,FAllAmount,FAmount,FMaterialId.FName',
      FilterString: "FBillNo = 'Q004' and FMaterialId.FNumber = '01.001'",
    });
    expect(rows).toEqual([[expect.any(Number), 'Q004', '2025-01-04T00:00:00', 'C', 'CUST0001', CUSTOMERS[0]?.name, '100', 40, 35.4, MATERIALS[0]?.name]]);
  });

  it('filters with in, like, and/or, parentheses, numbers and dates', async () => {
    expect(await q({ FilterString: "FDocumentStatus in ('C')", OrderString: 'FBillNo' })).toEqual([['Q004'], ['Q008'], ['Q012']]);
    expect(await q({ FilterString: "FBillNo like 'Q01%'", OrderString: 'FBillNo desc' })).toEqual([['Q012'], ['Q011'], ['Q010']]);
    expect(await q({ FilterString: "FCustId.FNumber = 'CUST0002' and (FDate >= '2025-01-05' or FBillNo = 'Q002')" })).toEqual([['Q002'], ['Q005'], ['Q008'], ['Q011']]);
    expect(await q({ FilterString: "FMaterialId.FNumber = '01.001' and FQty > 10" })).toEqual([['Q011'], ['Q012']]);
    expect(await q({ FilterString: 'FQty >= 111.5' })).toEqual([['Q012']]);
    expect(await q({ FilterString: "FDocumentStatus <> 'A' and FDocumentStatus != 'B' and not FBillNo in ('Q004', 'Q008')" })).toEqual([['Q012']]);
    expect(await q({ FilterString: "1=1 and FBillNo = 'Q001'" })).toEqual([['Q001']]);
    expect(await q({ FilterString: "fbillno = 'Q001'", FieldKeys: 'fbillno,FCUSTID.FNUMBER' })).toEqual([['Q001', 'CUST0001']]);
  });

  it('accepts the array FilterString form with symbolic comparisons', async () => {
    const rows = await q({
      FilterString: [
        { Left: '(', FieldName: 'FBillNo', Compare: '=', Value: 'Q001', Right: '', Logic: 1 },
        { Left: '', FieldName: 'FBillNo', Compare: '=', Value: 'Q002', Right: ')', Logic: 0 },
      ],
    });
    expect(rows).toEqual([['Q001'], ['Q002']]);
  });

  it('pages with StartRow/Limit and clips with TopRowCount', async () => {
    const all = await q({ OrderString: 'FBillNo' });
    const pages: unknown[][] = [];
    for (let start = 0; ; start += 5) {
      const page = await q({ OrderString: 'FBillNo', StartRow: start, Limit: 5 });
      pages.push(...page);
      if (page.length < 5) break;
    }
    expect(pages).toEqual(all);
    expect(await q({ TopRowCount: 3 })).toHaveLength(3);
    expect(await q({ TopRowCount: 5, StartRow: 3, Limit: 10 })).toHaveLength(2);
    expect(await q({ Limit: 0 })).toHaveLength(12);
  });

  it('answers unknown fields and bad syntax with a nested query error', async () => {
    const unknownKey = await c.query({ FormId: 'SAL_SaleOrder', FieldKeys: 'FBillNo,FNoSuch' });
    expect(nestedError(unknownKey.json)).toMatchObject({ MsgCode: 9, FieldName: 'FNoSuch' });
    const unknownFilter = await c.query({ FormId: 'SAL_SaleOrder', FieldKeys: 'FBillNo', FilterString: "FNoSuch = 'x'" });
    expect(nestedError(unknownFilter.json).Message).toContain('FNoSuch');
    const syntax = await c.query({ FormId: 'SAL_SaleOrder', FieldKeys: 'FBillNo', FilterString: "FBillNo = 'x' and" });
    expect(nestedError(syntax.json).MsgCode).toBe(8);
    const mismatch = await c.query({ FormId: 'SAL_SaleOrder', FieldKeys: 'FBillNo', FilterString: "FQty > 'lots'" });
    expect(nestedError(mismatch.json).MsgCode).toBe(8);
    const noForm = await c.query({ FormId: 'XX_Nothing', FieldKeys: 'FBillNo' });
    expect(nestedError(noForm.json).MsgCode).toBe(8);
    const injection = await q({ FilterString: "FBillNo = 'x'' or ''1''=''1'" });
    expect(injection).toEqual([]);
  });

  it('queries stock and base data', async () => {
    const stock = rowsOf(
      await c.query({ FormId: 'STK_Inventory', FieldKeys: 'FMaterialId.FNumber,FStockId.FNumber,FBaseQty,FBaseAVBQty', FilterString: "FMaterialId.FNumber in ('01.001','01.019','01.020')" }),
    );
    expect(stock).toEqual([
      ['01.001', 'CK001', 1_000_000, 1_000_000],
      ['01.019', 'CK001', 5, 5],
      ['01.020', 'CK001', 0, 0],
    ]);
    expect(rowsOf(await c.query({ FormId: 'BD_Customer', FieldKeys: 'FNumber,FName' }))).toEqual(CUSTOMERS.map((x) => [x.number, x.name]));
    expect(rowsOf(await c.query({ FormId: 'BD_MATERIAL', FieldKeys: 'FNumber', FilterString: "FNumber like '01.00%'" }))).toHaveLength(9);
    expect(rowsOf(await c.query({ FormId: 'BD_STOCK', FieldKeys: 'FNumber,FName' }))).toEqual([
      ['CK001', '成品仓'],
      ['CK002', '原料仓'],
    ]);
  });
});

describe('BillQuery', () => {
  it('returns objects keyed by the requested field keys', async () => {
    const r = await c.call(DF('BillQuery'), { data: { FormId: 'SAL_SaleOrder', FieldKeys: 'FBillNo,FCustId.FNumber,FQty', FilterString: "FBillNo = 'Q001'" } });
    expect(r.json).toEqual([
      { FBillNo: 'Q001', 'FCustId.FNumber': 'CUST0001', FQty: 1 },
      { FBillNo: 'Q001', 'FCustId.FNumber': 'CUST0001', FQty: 101 },
    ]);
  });
});
