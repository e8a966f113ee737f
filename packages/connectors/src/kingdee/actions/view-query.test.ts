import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeK3Cloud, type FakeK3Cloud } from '../testing/fake-k3cloud';
import { contextFor, run } from '../testing/helpers';
import { queryBills } from './query-bills';
import { viewBill } from './view-bill';

let fake: FakeK3Cloud;
beforeEach(async () => {
  fake = await startFakeK3Cloud();
  for (let i = 1; i <= 5; i += 1) {
    fake.bills.push({
      formId: 'SAL_SaleOrder',
      id: i,
      number: `SO-${i}`,
      status: i % 2 === 0 ? 'A' : 'C',
      model: { FCustId: { FNumber: `CUST${i}` }, FAllAmount: '1130.50' },
    });
  }
});
afterEach(async () => {
  await fake.close();
});

const pages = () => fake.callsTo('ExecuteBillQuery').map((c) => (c.body as { data: { StartRow: number; Limit: number } }).data);

describe('queryBills', () => {
  it('maps the bare 2-D array to objects keyed by field and pages until a short page', async () => {
    const result = await run(queryBills, contextFor(fake), { formId: 'SAL_SaleOrder', fieldKeys: ['FBillNo', 'FCustId.FNumber', 'FAllAmount'], pageSize: 2 });
    expect(result).toEqual({
      rows: [1, 2, 3, 4, 5].map((i) => ({ FBillNo: `SO-${i}`, 'FCustId.FNumber': `CUST${i}`, FAllAmount: '1130.50' })),
    });
    expect(pages()).toMatchObject([
      { StartRow: 0, Limit: 2 },
      { StartRow: 2, Limit: 2 },
      { StartRow: 4, Limit: 2 },
    ]);
  });

  it('asks for one more page when the last one was exactly full', async () => {
    const result = (await run(queryBills, contextFor(fake), { formId: 'SAL_SaleOrder', fieldKeys: ['FBillNo'], filter: "FDocumentStatus='C'", pageSize: 3 })) as { rows: unknown[] };
    expect(result.rows).toEqual([{ FBillNo: 'SO-1' }, { FBillNo: 'SO-3' }, { FBillNo: 'SO-5' }]);
    expect(pages()).toMatchObject([{ StartRow: 0 }, { StartRow: 3 }]);
  });

  it('stops at the limit, asking only for what is still needed', async () => {
    const result = (await run(queryBills, contextFor(fake), { formId: 'SAL_SaleOrder', fieldKeys: ['FBillNo'], limit: 3, pageSize: 2 })) as { rows: unknown[] };
    expect(result.rows).toHaveLength(3);
    expect(pages()).toMatchObject([
      { StartRow: 0, Limit: 2 },
      { StartRow: 2, Limit: 1 },
    ]);
  });

  it('reports a failed query envelope as an error', async () => {
    fake.failNext('ExecuteBillQuery', { kind: 'answer', body: [[{ Result: { ResponseStatus: { IsSuccess: false, MsgCode: 9, Errors: [{ Message: '字段 FNope 不存在' }] } } }]] });
    const error = await run(queryBills, contextFor(fake), { formId: 'SAL_SaleOrder', fieldKeys: ['FNope'] }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'k3_9', retryable: false });
  });
});

describe('viewBill', () => {
  it('returns the whole bill', async () => {
    expect(await run(viewBill, contextFor(fake), { formId: 'SAL_SaleOrder', number: 'SO-2' })).toEqual({
      bill: { Id: 2, BillNo: 'SO-2', DocumentStatus: 'A', FCustId: { FNumber: 'CUST2' }, FAllAmount: '1130.50' },
    });
  });

  it('reports a missing bill as non-retryable k3_10', async () => {
    const error = await run(viewBill, contextFor(fake), { formId: 'SAL_SaleOrder', number: 'SO-404' }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'k3_10', retryable: false });
  });
});
