import type { FlowTemplate } from './template';

export const PAYMENT_CONFIRMED = 'com.qiao.payment.confirmed';

/**
 * A confirmed customer payment becomes an audited receipt (收款单, AR_RECEIVEBILL) in Kingdee.
 * Expected event data: { paymentNo, paymentDate, customer: { code }, amount (CNY), settleOrg?, bankAccount?, orderNo? }.
 */
const RECEIPT_MODEL = `{
  "FBillTypeID": { "FNumber": "SKDLX01_SYS" },
  "FDATE": event.data.paymentDate,
  "FCONTACTUNITTYPE": "BD_Customer",
  "FCONTACTUNIT": { "FNumber": event.data.customer.code },
  "FPAYUNITTYPE": "BD_Customer",
  "FPAYUNIT": { "FNumber": event.data.customer.code },
  "FCURRENCYID": { "FNumber": "PRE001" },
  "FSETTLEORGID": { "FNumber": event.data.settleOrg ? event.data.settleOrg : "100" },
  "FRECEIVEBILLENTRY": [{
    "FSETTLETYPEID": { "FNumber": "JSFS04_SYS" },
    "FPURPOSEID": { "FNumber": "SFKYT01_SYS" },
    "FRECTOTALAMOUNTFOR": event.data.amount,
    "FACCOUNTID": { "FNumber": event.data.bankAccount },
    "FCOMMENT": event.data.orderNo
  }]
}`;

export const paymentToReceiptTemplate: FlowTemplate = {
  id: 'payment-to-receipt',
  name: { en: 'Payment confirmed → ERP receipt (Kingdee)', 'zh-CN': '收款确认 → ERP 收款单（金蝶）' },
  description: {
    en: 'Saves and audits a receipt (AR_RECEIVEBILL) for each confirmed payment; the payment number becomes the bill number, so a repeat creates nothing.',
    'zh-CN': '每笔确认的收款在金蝶生成并审核收款单（AR_RECEIVEBILL）；收款编号即单据编号，重复事件不会重复建单。',
  },
  eventType: PAYMENT_CONFIRMED,
  connector: 'kingdee',
  build: ({ name, connectionId }) => ({
    schemaVersion: 1,
    name,
    description: 'Payment confirmed → Kingdee receipt (AR_RECEIVEBILL), saved and audited.',
    trigger: { eventType: PAYMENT_CONFIRMED },
    nodes: [
      {
        id: 'saveReceipt',
        type: 'kingdee.saveBill',
        name: '保存并审核收款单',
        ...(connectionId ? { connectionId } : {}),
        retry: { maxAttempts: 10, initialDelayMs: 1000, maxDelayMs: 60_000, multiplier: 2 },
        position: { x: 0, y: 120 },
        parameters: { formId: 'AR_RECEIVEBILL', billNo: { $expr: 'event.data.paymentNo' }, model: { $expr: RECEIPT_MODEL }, submit: true, audit: true },
      },
    ],
    edges: [],
    metadata: { template: 'payment-to-receipt' },
  }),
};
