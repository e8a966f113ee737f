import { describe, expect, it } from 'vitest';
import { erpDocuments, nodesOf } from './erp-documents';

const definition = {
  nodes: [
    { id: 'saveOrder', type: 'kingdee.saveBill', parameters: { formId: 'SAL_SaleOrder', billNo: { $expr: 'event.data.orderNo' } } },
    { id: 'pushOutbound', type: 'kingdee.pushBill', parameters: { sourceFormId: 'SAL_SaleOrder', targetFormId: 'SAL_OUTSTOCK' } },
    { id: 'pushInvoice', type: 'kingdee.pushBill', parameters: { targetFormId: { $expr: '"IV_" & "SALESIC"' } } },
    { id: 'notify', type: 'http.request', parameters: { url: '/x' } },
    { broken: true },
  ],
};

describe('ERP documents of a run', () => {
  it('reads saved and pushed bill numbers with their form ids, in step order', () => {
    const docs = erpDocuments(
      [
        { nodeId: 'saveOrder', status: 'succeeded', input: { formId: 'SAL_SaleOrder' }, output: { id: '100', number: 'SO-1', status: 'C', created: true } },
        { nodeId: 'pushOutbound', status: 'succeeded', input: null, output: { targets: [{ id: '7', number: 'XSCKD000001' }, { id: '8', number: 'XSCKD000002' }], created: true } },
        // An expression form id is known only from the resolved input.
        { nodeId: 'pushInvoice', status: 'succeeded', input: { targetFormId: 'IV_SALESIC' }, output: { targets: [{ id: '9', number: 'IV0001' }] } },
        { nodeId: 'notify', status: 'succeeded', input: {}, output: { status: 200, body: { number: 42 } } },
      ],
      nodesOf(definition),
    );
    expect(docs).toEqual([
      { nodeId: 'saveOrder', formId: 'SAL_SaleOrder', number: 'SO-1', id: '100' },
      { nodeId: 'pushOutbound', formId: 'SAL_OUTSTOCK', number: 'XSCKD000001', id: '7' },
      { nodeId: 'pushOutbound', formId: 'SAL_OUTSTOCK', number: 'XSCKD000002', id: '8' },
      { nodeId: 'pushInvoice', formId: 'IV_SALESIC', number: 'IV0001', id: '9' },
    ]);
  });

  it('skips steps that did not succeed and outputs without numbers', () => {
    const docs = erpDocuments(
      [
        { nodeId: 'saveOrder', status: 'failed', input: null, output: { number: 'SO-1' } },
        { nodeId: 'pushOutbound', status: 'succeeded', input: null, output: { targets: [{ id: '1' }, 'junk', null] } },
        { nodeId: 'unknown', status: 'succeeded', input: null, output: { number: 'N-1' } },
      ],
      nodesOf(definition),
    );
    expect(docs).toEqual([{ nodeId: 'unknown', formId: null, number: 'N-1', id: null }]);
  });

  it('tolerates a malformed definition', () => {
    expect(nodesOf(null)).toEqual([]);
    expect(nodesOf({ nodes: 'x' })).toEqual([]);
    expect(nodesOf(definition).map((n) => n.id)).toEqual(['saveOrder', 'pushOutbound', 'pushInvoice', 'notify']);
    expect(nodesOf({ nodes: [{ id: 'a', type: 't', name: 'A', connectionId: 'c1', parameters: {} }] })).toEqual([{ id: 'a', type: 't', name: 'A', connectionId: 'c1', parameters: {} }]);
  });
});
