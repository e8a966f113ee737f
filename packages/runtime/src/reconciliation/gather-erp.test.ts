import { describe, expect, it } from 'vitest';
import type { QiaoChain } from './compare';
import type { ErpQueryRequest } from './erp-query';
import { CHUNK, erpDateTime, gatherErpDocuments } from './gather-erp';

const FORMS = ['SAL_SaleOrder', 'SAL_OUTSTOCK'] as const;

/** An in-memory ERP answering the two filter shapes reconciliation sends; anything else fails the test. */
function fakeErp(orders: number) {
  const rows: Record<string, Record<string, unknown>[]> = {
    SAL_SaleOrder: Array.from({ length: orders }, (_, i) => ({ FBillNo: `SO${i}`, 'FCustId.FNumber': 'C1', FQty: 1, FAllAmount: 10 })),
    SAL_OUTSTOCK: Array.from({ length: orders }, (_, i) => ({ FBillNo: `OUT${i}`, FSrcBillNo: `SO${i}`, 'FCustomerID.FNumber': 'C1', FRealQty: 1, FAllAmount: 10 })),
  };
  rows['SAL_SaleOrder']?.push({ FBillNo: 'MANUAL1', 'FCustId.FNumber': 'C9', FQty: 2, FAllAmount: 20 });
  const requests: ErpQueryRequest[] = [];
  const query = async (request: ErpQueryRequest) => {
    requests.push(request);
    const all = rows[request.formId] ?? [];
    const pick = (r: Record<string, unknown>) => Object.fromEntries(request.fieldKeys.map((k) => [k, r[k] ?? null]));
    const inList = /^(FBillNo|FSrcBillNo)(?:=| IN \()(.*?)\)?$/.exec(request.filter);
    if (inList) {
      const values = new Set([...(inList[2] ?? '').matchAll(/'([^']*)'/g)].map((m) => m[1]));
      return all.filter((r) => values.has(String(r[inList[1] ?? '']))).map(pick);
    }
    if (/^FCreateDate>='[^']+' and FCreateDate<'[^']+'$/.test(request.filter)) return all.map(pick);
    throw new Error(`unexpected filter: ${request.filter}`);
  };
  return { query, requests };
}

const chain = (i: number): QiaoChain => ({
  runId: `r${i}`, status: 'succeeded', businessKey: `SO${i}`, rootBillNo: `SO${i}`, expected: { customer: 'C1', qty: '1', amount: '10.00' },
  stages: FORMS.map((formId, s) => ({ formId, nodeId: `n${s}`, recorded: [s === 0 ? `SO${i}` : `OUT${i}`] })),
});

describe('gatherErpDocuments', () => {
  it('reads the ERP only with IN lists of at most CHUNK numbers and one date range per form', async () => {
    const erp = fakeErp(450);
    const result = await gatherErpDocuments({
      query: erp.query,
      chains: Array.from({ length: 450 }, (_, i) => chain(i)),
      period: { from: new Date('2026-11-27T00:00:00Z'), to: new Date('2026-11-28T00:00:00Z') },
      timeZone: 'UTC',
      knownRoots: async () => new Set(),
    });
    for (const r of erp.requests) expect(r.filter).not.toBe('');
    const inLists = erp.requests.filter((r) => r.filter.includes(' IN ('));
    expect(Math.max(...inLists.map((r) => r.filter.split(',').length))).toBeLessThanOrEqual(CHUNK);
    // Orders by number (3 chunks), outbounds by number and by source (3 + 3), a date range per form, the stray order by number.
    expect(erp.requests).toHaveLength(3 + 6 + 2 + 1);
    expect(result.erp).toHaveLength(901);
    expect(result.inPeriod.filter((d) => d.billNo === 'MANUAL1')).toHaveLength(1);
    expect(result.erp.find((d) => d.billNo === 'OUT7')).toEqual({ formId: 'SAL_OUTSTOCK', billNo: 'OUT7', sourceBillNos: ['SO7'], customer: 'C1', qty: '1', amount: '10.00' });
  });

  it('writes datetimes as the ERP’s local wall clock', () => {
    expect(erpDateTime(new Date('2026-11-27T16:30:05Z'), 'Asia/Shanghai')).toBe('2026-11-28 00:30:05');
    expect(erpDateTime(new Date('2026-11-27T16:30:05Z'), 'UTC')).toBe('2026-11-27 16:30:05');
  });
});
