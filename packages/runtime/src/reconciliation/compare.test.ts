import { describe, expect, it } from 'vitest';
import { compareDocuments, type CompareInput, type ErpDocument, type QiaoChain } from './compare';

const FORMS = ['SAL_SaleOrder', 'SAL_OUTSTOCK', 'AR_receivable', 'IV_SALESIC'] as const;
const expected = { customer: 'CUST0001', qty: '3', amount: '339.00' };

/** A run of the demo flow for order `no`, every stage recorded as XX-<no>. */
function chain(no: string, overrides: Partial<QiaoChain> = {}): QiaoChain {
  return {
    runId: `run-${no}`,
    status: 'succeeded',
    businessKey: no,
    rootBillNo: no,
    expected,
    stages: FORMS.map((formId, i) => ({ formId, nodeId: `n${i}`, recorded: [i === 0 ? no : `${formId}-${no}`] })),
    ...overrides,
  };
}

/** What the ERP holds for a fully carried order `no`. */
function erpChain(no: string, fields: Partial<ErpDocument> = {}): ErpDocument[] {
  return FORMS.map((formId, i) => ({
    formId,
    billNo: i === 0 ? no : `${formId}-${no}`,
    sourceBillNos: i === 0 ? [] : [i === 1 ? no : `${FORMS[i - 1]}-${no}`],
    customer: 'CUST0001',
    qty: '3',
    amount: '339.00',
    ...fields,
  }));
}

/** The sales order of a fully carried order `no`. */
function orderOf(no: string): ErpDocument {
  const [order] = erpChain(no);
  if (!order) throw new Error('no order');
  return order;
}

function run(input: Partial<CompareInput>) {
  return compareDocuments({ chains: [], erp: [], inPeriod: [], outsidePeriod: new Set(), ...input });
}

const without = (docs: ErpDocument[], formId: string) => docs.filter((d) => d.formId !== formId);

describe('compareDocuments', () => {
  it('finds nothing wrong when every order is carried exactly once, and sums counts and amounts per type', () => {
    const result = run({ chains: [chain('SO1'), chain('SO2')], erp: [...erpChain('SO1'), ...erpChain('SO2')] });
    expect(result.discrepancies).toBe(0);
    expect(result.discrepancyRate).toBe(0);
    expect(result.documents).toBe(8);
    expect(result.types.map((t) => [t.formId, t.qiaoCount, t.erpCount, t.qiaoAmount, t.erpAmount])).toEqual(
      FORMS.map((f) => [f, 2, 2, '678.00', '678.00']),
    );
    expect(result.runs).toEqual({ total: 2, succeeded: 2, inProgress: 0, needsAttention: 0, cancelled: 0 });
  });

  // One case per finding: the input, the finding kinds expected, and the per-type counters they touch.
  const cases: { name: string; input: Partial<CompareInput>; kinds: string[]; counters?: Record<string, Record<string, number>>; extra?: Record<string, number> }[] = [
    {
      name: 'a succeeded run whose order the ERP does not hold (missing in ERP, and all after it)',
      input: { chains: [chain('SO1')], erp: [] },
      kinds: ['missing_in_erp', 'missing_in_erp', 'missing_in_erp', 'missing_in_erp'],
      counters: { SAL_SaleOrder: { missingInErp: 1, erpCount: 0 } },
    },
    {
      name: 'a run stopped for a person before the outbound: the rest of the chain is missing',
      input: { chains: [chain('SO1', { status: 'needs_attention', stages: FORMS.map((formId, i) => ({ formId, nodeId: `n${i}`, recorded: i === 0 ? ['SO1'] : [] })) })], erp: erpChain('SO1').slice(0, 1) },
      kinds: ['missing_in_erp', 'missing_in_erp', 'missing_in_erp'],
      counters: { SAL_OUTSTOCK: { missingInErp: 1 }, IV_SALESIC: { missingInErp: 1 } },
    },
    {
      name: 'a run still running is not missing anything yet',
      input: { chains: [chain('SO1', { status: 'running', stages: FORMS.map((formId, i) => ({ formId, nodeId: `n${i}`, recorded: i === 0 ? ['SO1'] : [] })) })], erp: erpChain('SO1').slice(0, 1) },
      kinds: [],
      extra: { inProgress: 1 },
    },
    {
      name: 'the ERP holds an outbound the run did not record (response lost after commit)',
      input: {
        chains: [chain('SO1', { status: 'needs_attention', stages: FORMS.map((formId, i) => ({ formId, nodeId: `n${i}`, recorded: i === 0 ? ['SO1'] : [] })) })],
        erp: erpChain('SO1').slice(0, 2),
      },
      kinds: ['not_recorded', 'missing_in_erp', 'missing_in_erp', 'shipped_not_invoiced'],
      counters: { SAL_OUTSTOCK: { notRecorded: 1, erpCount: 1, missingInErp: 0 } },
      extra: { shippedNotInvoiced: 1 },
    },
    {
      name: 'two outbounds pushed from one order (a duplicate)',
      input: { chains: [chain('SO1')], erp: [...erpChain('SO1'), { formId: 'SAL_OUTSTOCK', billNo: 'XSCKD-EXTRA', sourceBillNos: ['SO1'], customer: 'CUST0001', qty: '3', amount: '339.00' }] },
      kinds: ['duplicate'],
      counters: { SAL_OUTSTOCK: { duplicates: 1, erpCount: 2 } },
    },
    {
      name: 'quantity, amount and customer differing from the event',
      input: { chains: [chain('SO1')], erp: [...without(erpChain('SO1'), 'SAL_SaleOrder'), { ...orderOf('SO1'), qty: '4', amount: '452.00', customer: 'CUST0002' }] },
      kinds: ['mismatch'],
      counters: { SAL_SaleOrder: { mismatched: 1 } },
    },
    {
      name: 'an amount within the rounding tolerance is not a mismatch',
      input: { chains: [chain('SO1')], erp: [...without(erpChain('SO1'), 'SAL_SaleOrder'), { ...orderOf('SO1'), amount: '339.01' }] },
      kinds: [],
    },
    {
      name: 'an order entered in the ERP by hand (unknown to Qiao)',
      input: { chains: [chain('SO1')], erp: [...erpChain('SO1'), { formId: 'SAL_SaleOrder', billNo: 'XSDD000001', sourceBillNos: [], customer: 'C9', qty: '1', amount: '10.00' }], inPeriod: [{ formId: 'SAL_SaleOrder', billNo: 'SO1' }, { formId: 'SAL_SaleOrder', billNo: 'XSDD000001' }] },
      kinds: ['unknown_to_qiao'],
      counters: { SAL_SaleOrder: { unknownToQiao: 1, erpCount: 2 } },
    },
    {
      name: 'a document of a run outside the period is a cut-off, not unknown',
      input: { chains: [], inPeriod: [{ formId: 'SAL_OUTSTOCK', billNo: 'XSCKD-OLD' }], outsidePeriod: new Set(['XSCKD-OLD']) },
      kinds: [],
      extra: { outsidePeriod: 1 },
    },
    {
      name: 'shipped but never invoiced',
      input: { chains: [chain('SO1')], erp: without(without(erpChain('SO1'), 'IV_SALESIC'), 'AR_receivable') },
      kinds: ['missing_in_erp', 'missing_in_erp', 'shipped_not_invoiced'],
      extra: { shippedNotInvoiced: 1 },
    },
    {
      name: 'invoiced without an outbound (the outbound was deleted, its successors relinked by number)',
      input: { chains: [chain('SO1')], erp: without(erpChain('SO1'), 'SAL_OUTSTOCK') },
      kinds: ['missing_in_erp', 'invoiced_not_shipped'],
      extra: { invoicedNotShipped: 1 },
    },
    {
      name: 'a cancelled run expects nothing',
      input: { chains: [chain('SO1', { status: 'cancelled', stages: FORMS.map((formId, i) => ({ formId, nodeId: `n${i}`, recorded: [] })) })] },
      kinds: [],
      extra: { cancelled: 1 },
    },
  ];

  it.each(cases)('$name', ({ input, kinds, counters, extra }) => {
    const result = run(input);
    expect(result.details.map((d) => d.kind).sort()).toEqual([...kinds].sort());
    for (const [formId, fields] of Object.entries(counters ?? {})) {
      expect(result.types.find((t) => t.formId === formId)).toMatchObject(fields);
    }
    const flat = { ...result.runs, shippedNotInvoiced: result.shippedNotInvoiced, invoicedNotShipped: result.invoicedNotShipped, outsidePeriod: result.outsidePeriod };
    expect(flat).toMatchObject(extra ?? {});
    if (kinds.length === 0) expect(result.discrepancyRate).toBe(0);
    else expect(result.discrepancyRate).toBeGreaterThan(0);
  });

  it('names the differing fields of a mismatch', () => {
    const result = run({ chains: [chain('SO1')], erp: [...without(erpChain('SO1'), 'SAL_SaleOrder'), { ...orderOf('SO1'), qty: '4' }] });
    expect(result.details).toEqual([expect.objectContaining({ kind: 'mismatch', formId: 'SAL_SaleOrder', billNo: 'SO1', runId: 'run-SO1', diffs: [{ field: 'qty', expected: '3', actual: '4' }] })]);
  });

  it('rates discrepancies over the documents both sides know: 1 bad order in 4 chains is 1/16 documents', () => {
    const chains = ['A', 'B', 'C', 'D'].map((no) => chain(no));
    const erp = ['A', 'B', 'C', 'D'].flatMap((no) => erpChain(no, no === 'D' ? {} : {}));
    erp[0] = { ...orderOf('A'), customer: 'OTHER' };
    const result = run({ chains, erp });
    expect(result.documents).toBe(16);
    expect(result.discrepancies).toBe(1);
    expect(result.discrepancyRate).toBeCloseTo(1 / 16);
    expect(result.types[0]?.discrepancyRate).toBeCloseTo(1 / 4);
  });
});
