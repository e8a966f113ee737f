import { blankTemplate } from './blank';
import { orderToInvoiceTemplate } from './order-to-invoice';
import { paymentToReceiptTemplate } from './payment-to-receipt';
import type { FlowTemplate } from './template';

export type { FlowTemplate, TemplateArgs } from './template';

/** The template gallery, in the order the web app shows it. */
export const flowTemplates: readonly FlowTemplate[] = [blankTemplate, orderToInvoiceTemplate, paymentToReceiptTemplate];

export function findTemplate(id: string): FlowTemplate | undefined {
  return flowTemplates.find((t) => t.id === id);
}
