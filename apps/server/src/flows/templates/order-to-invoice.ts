import { CURRENT_SCHEMA_VERSION } from '@qiao/flow';
import { SALES_ORDER_CREATED } from '@qiao/runtime';
import { orderToInvoiceFlow } from '../../seed/demo-flow';
import type { FlowTemplate } from './template';

/** The demo flow: sales order → outbound → receivable → VAT invoice in Kingdee, each audited. */
export const orderToInvoiceTemplate: FlowTemplate = {
  id: 'order-to-invoice',
  name: { en: 'Sales order → outbound → invoice (Kingdee)', 'zh-CN': '销售订单 → 出库 → 发票（金蝶）' },
  description: {
    en: 'Saves and audits the sales order in Kingdee, then pushes the outbound delivery, the receivable and the VAT invoice.',
    'zh-CN': '在金蝶保存并审核销售订单，再下推销售出库单、应收单和增值税专用发票。',
  },
  eventType: SALES_ORDER_CREATED,
  connector: 'kingdee',
  build: ({ name, connectionId }) => {
    const flow = orderToInvoiceFlow(connectionId ?? '');
    const nodes = flow.nodes.map(({ connectionId: id, ...node }) => (id ? { ...node, connectionId: id } : node));
    return { ...flow, schemaVersion: CURRENT_SCHEMA_VERSION, name, nodes };
  },
};
