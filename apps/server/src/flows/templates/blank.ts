import { SALES_ORDER_CREATED } from '@qiao/runtime';
import type { FlowTemplate } from './template';

/** An empty flow on the sales-order event: nothing to run until nodes are added. */
export const blankTemplate: FlowTemplate = {
  id: 'blank',
  name: { en: 'Blank flow', 'zh-CN': '空白流程' },
  description: { en: 'A trigger and nothing else; add the steps yourself.', 'zh-CN': '只有触发事件，步骤由你添加。' },
  eventType: SALES_ORDER_CREATED,
  connector: null,
  build: ({ name }) => ({ schemaVersion: 1, name, trigger: { eventType: SALES_ORDER_CREATED }, nodes: [], edges: [], metadata: { template: 'blank' } }),
};
