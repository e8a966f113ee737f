import { describe, expect, it } from 'vitest';
import { queryForm } from '../forms/registry';
import { buildQuery } from './build-query';

const SEMI_JOIN = 'e.id = ANY (ARRAY(SELECT l.target_entry_id FROM k3sim.bill_link l WHERE';

function build(formId: string, filter: string, fieldKeys = 'FID,FBillNo,FDocumentStatus,FSrcBillNo'): { sql: string; params: unknown[] } {
  const form = queryForm(formId);
  if (!form) throw new Error(formId);
  return buildQuery(form, { fieldKeys, filter, order: '', startRow: 0, limit: 0, topRowCount: 0 });
}

describe('FSrcBillNo filters compile to an index lookup plus the exact test', () => {
  it('narrows = and in (either side, any target form, the FSOURCEBILLNO alias too)', () => {
    for (const [formId, filter] of [
      ['SAL_OUTSTOCK', "FSrcBillNo in ('XSDD000123')"],
      ['SAL_OUTSTOCK', "FSrcBillNo='XSDD000123'"],
      ['AR_receivable', "'XSCKD000001' = FSrcBillNo"],
      ['AR_receivable', "FSOURCEBILLNO = 'XSCKD000001'"],
      ['IV_SALESIC', "fsrcbillno in ('AR00000001', 'AR00000002') and FDocumentStatus = 'C'"],
    ] as const) {
      const { sql } = build(formId, filter);
      expect(sql, filter).toContain(`${SEMI_JOIN} l.source_bill_no IN ($1::text`);
      // The exact per-entry test is kept: the correlated subquery appears in the SELECT list and in the WHERE.
      const where = sql.slice(sql.indexOf(' WHERE b.form_id'));
      expect(where, filter).toContain('WHERE l.target_entry_id = e.id ORDER BY l.id LIMIT 1)');
    }
  });

  it('uses each literal once as a parameter', () => {
    expect(build('SAL_OUTSTOCK', "FSrcBillNo in ('A', 'B')").params.slice(0, 2)).toEqual(['A', 'B']);
  });

  it('narrows FSrcBillId and FSrcEntryId through the link indexes', () => {
    expect(build('SAL_OUTSTOCK', 'FSrcBillId = 100001').sql).toContain(`${SEMI_JOIN} l.source_bill_id IN ($1::bigint)`);
    expect(build('SAL_OUTSTOCK', 'FSrcEntryId in (1, 2)').sql).toContain(`${SEMI_JOIN} l.source_entry_id IN ($1::bigint, $2::bigint)`);
  });

  it('leaves negations, other operators and field comparisons exact', () => {
    for (const filter of [
      "not FSrcBillNo = 'A'",
      "not (FSrcBillNo in ('A') or FDocumentStatus = 'A')",
      "FSrcBillNo not in ('A')",
      "FSrcBillNo <> 'A'",
      "FSrcBillNo like 'XSDD%'",
      'FSrcBillNo is null',
      'FSrcBillNo = FBillNo',
      "FSrcBillType = 'SAL_SaleOrder'",
      "FBillNo = 'XSCKD000001'",
    ]) {
      expect(build('SAL_OUTSTOCK', filter).sql, filter).not.toContain(SEMI_JOIN);
    }
  });

  it('keeps FBillNo lookups on the (form_id, bill_no) unique index', () => {
    const { sql } = build('SAL_OUTSTOCK', "FBillNo in ('A','B')", 'FID,FBillNo,FDocumentStatus');
    expect(sql).toContain("FROM k3sim.bill b WHERE b.form_id = 'SAL_OUTSTOCK' AND (b.bill_no IN ($1::text, $2::text))");
  });
});
