import { SALES_ORDER_CREATED } from '@qiao/runtime';

/** The JSONata that maps a sales-order event onto a K3Cloud SAL_SaleOrder model. */
const ORDER_MODEL = `{
  "FBillTypeID": { "FNumber": "XSDD01_SYS" },
  "FDate": event.data.orderDate,
  "FSaleOrgId": { "FNumber": event.data.salesOrg },
  "FCustId": { "FNumber": event.data.customer.code },
  "FSaleOrderFinance": { "FSettleCurrId": { "FNumber": "PRE001" }, "FIsIncludedTax": true, "FExchangeRate": 1 },
  "FSaleOrderEntry": [event.data.lines.{
    "FMaterialId": { "FNumber": material },
    "FUnitID": { "FNumber": "Pcs" },
    "FQty": quantity,
    "FTaxPrice": taxPrice,
    "FEntryTaxRate": taxRate,
    "FStockId": { "FNumber": warehouse },
    "FDeliveryDate": deliveryDate ? deliveryDate : $$.event.data.orderDate
  }]
}`;

// Generous: every step looks before it writes, so retrying is safe, and an ERP outage of ~15 minutes heals itself.
const retry = { maxAttempts: 20, initialDelayMs: 500, maxDelayMs: 60_000, multiplier: 2 };

/** Sales order → outbound → receivable → VAT invoice, each audited, in a Kingdee-compatible ERP. */
export function orderToInvoiceFlow(connectionId: string) {
  interface PushSpec {
    id: string;
    numbers: string;
    source: string;
    ruleId: string;
    target: string;
    x: number;
  }
  const push = ({ id, numbers, source, ruleId, target, x }: PushSpec) => ({
    id,
    type: 'kingdee.pushBill',
    name: id,
    connectionId,
    retry,
    position: { x, y: 120 },
    parameters: { sourceFormId: source, sourceNumbers: { $expr: numbers }, ruleId, targetFormId: target, submit: true, audit: true, reuseExisting: 'always' },
  });
  return {
    schemaVersion: 1,
    name: '销售订单 → 出库 → 发票 · Sales order → outbound → invoice',
    description: '把销售订单写入金蝶并审核，下推出库单、应收单和增值税专用发票。Saves and audits the order in Kingdee, then pushes outbound, receivable and VAT invoice.',
    trigger: { eventType: SALES_ORDER_CREATED },
    nodes: [
      {
        id: 'saveOrder',
        type: 'kingdee.saveBill',
        name: '保存并审核销售订单',
        connectionId,
        retry,
        position: { x: 0, y: 120 },
        parameters: { formId: 'SAL_SaleOrder', billNo: { $expr: 'event.data.orderNo' }, model: { $expr: ORDER_MODEL }, submit: true, audit: true },
      },
      { ...push({ id: 'pushOutbound', numbers: '[steps.saveOrder.number]', source: 'SAL_SaleOrder', ruleId: 'SaleOrder-OutStock', target: 'SAL_OUTSTOCK', x: 300 }), name: '下推销售出库单' },
      { ...push({ id: 'pushReceivable', numbers: 'steps.pushOutbound.targets.number[]', source: 'SAL_OUTSTOCK', ruleId: 'AR_OutStockToReceivableMap', target: 'AR_receivable', x: 600 }), name: '下推应收单' },
      { ...push({ id: 'pushInvoice', numbers: 'steps.pushReceivable.targets.number[]', source: 'AR_receivable', ruleId: 'IV_ReceivableToSalesIC_Entry', target: 'IV_SALESIC', x: 900 }), name: '下推增值税专用发票' },
    ],
    edges: [
      { id: 'e1', source: 'saveOrder', target: 'pushOutbound' },
      { id: 'e2', source: 'pushOutbound', target: 'pushReceivable' },
      { id: 'e3', source: 'pushReceivable', target: 'pushInvoice' },
    ],
    metadata: { template: 'order-to-invoice' },
  };
}
