import type { FlowNode } from '@qiao/flow';
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

/** The outbound bill number(s) the push made, joined for a message. */
const OUTBOUND_NUMBERS = '$join(steps.pushOutbound.targets.number, "、")';

/** Where the outbound announcements go: a DingTalk robot connection and/or a WeCom app connection. */
export interface OutboundNotifications {
  dingtalkRobotConnectionId?: string;
  wecomConnectionId?: string;
  /** WeCom userids told about the outbound (the warehouse and finance). */
  wecomUsers?: string[];
}

/** Announces the audited outbound in a DingTalk group (through the rate-limited outbox) and to WeCom users. */
function notificationNodes(notify: OutboundNotifications): FlowNode[] {
  const nodes: FlowNode[] = [];
  if (notify.dingtalkRobotConnectionId) {
    nodes.push({
      id: 'notifyDingtalk',
      type: 'dingtalk.sendRobotMessage',
      name: '钉钉群通知出库',
      connectionId: notify.dingtalkRobotConnectionId,
      retry,
      position: { x: 600, y: 300 },
      parameters: {
        message: {
          msgtype: 'markdown',
          markdown: {
            title: { $expr: `"出库单已审核 " & ${OUTBOUND_NUMBERS}` },
            text: { $expr: `"#### Qiao · 出库单已审核\n\n- 出库单 Outbound: **" & ${OUTBOUND_NUMBERS} & "**\n- 销售订单 Sales order: " & steps.saveOrder.number & "\n- 客户 Customer: " & event.data.customer.code` },
          },
        },
      },
    });
  }
  if (notify.wecomConnectionId) {
    nodes.push({
      id: 'notifyWecom',
      type: 'wecom.sendAppMessage',
      name: '企业微信通知出库',
      connectionId: notify.wecomConnectionId,
      retry,
      position: { x: 600, y: 460 },
      parameters: {
        msgtype: 'text',
        touser: notify.wecomUsers ?? ['caiwu01'],
        content: { $expr: `"出库单 " & ${OUTBOUND_NUMBERS} & " 已审核（销售订单 " & steps.saveOrder.number & "，客户 " & event.data.customer.code & "）。Outbound audited."` },
      },
    });
  }
  return nodes;
}

/**
 * Sales order → outbound → receivable → VAT invoice, each audited, in a Kingdee-compatible ERP. With
 * `notify`, the audited outbound is also announced (DingTalk robot, WeCom app message) on a branch
 * beside the receivable, so a slow chat service never holds up the invoice.
 */
export function orderToInvoiceFlow(connectionId: string, notify: OutboundNotifications = {}) {
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
    description:
      notify.dingtalkRobotConnectionId || notify.wecomConnectionId
        ? '把销售订单写入金蝶并审核，下推出库单、应收单和增值税专用发票；出库单审核后通知钉钉群和企业微信。Saves and audits the order in Kingdee, then pushes outbound, receivable and VAT invoice; the audited outbound is announced in DingTalk and WeCom.'
        : '把销售订单写入金蝶并审核，下推出库单、应收单和增值税专用发票。Saves and audits the order in Kingdee, then pushes outbound, receivable and VAT invoice.',
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
      ...notificationNodes(notify),
    ],
    edges: [
      { id: 'e1', source: 'saveOrder', target: 'pushOutbound' },
      { id: 'e2', source: 'pushOutbound', target: 'pushReceivable' },
      { id: 'e3', source: 'pushReceivable', target: 'pushInvoice' },
      ...(notify.dingtalkRobotConnectionId ? [{ id: 'e4', source: 'pushOutbound', target: 'notifyDingtalk' }] : []),
      ...(notify.wecomConnectionId ? [{ id: 'e5', source: 'pushOutbound', target: 'notifyWecom' }] : []),
    ],
    metadata: { template: 'order-to-invoice' },
  };
}
