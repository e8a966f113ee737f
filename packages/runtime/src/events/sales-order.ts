import { z } from 'zod';

export const SALES_ORDER_CREATED = 'com.qiao.sales_order.created';

/** Decimal numbers travel as strings so no amount is ever rounded by a float; plain numbers are accepted and normalised. */
export const decimalString = z
  .union([z.string(), z.number()])
  .transform((v) => (typeof v === 'number' ? String(v) : v.trim()))
  .pipe(z.string().regex(/^-?\d{1,15}(\.\d{1,8})?$/, 'must be a decimal number such as "12.50"'));

export const salesOrderLineSchema = z.object({
  material: z.string().trim().min(1).max(64).describe('ERP material number, e.g. 01.001'),
  quantity: decimalString.refine((v) => Number(v) > 0, 'quantity must be greater than 0'),
  taxPrice: decimalString.describe('unit price including tax, CNY'),
  taxRate: decimalString.describe('VAT rate in percent, e.g. 13'),
  warehouse: z.string().trim().min(1).max(64).describe('ERP warehouse number, e.g. CK001'),
  deliveryDate: z.iso.date().optional(),
});

/** The `data` of a `com.qiao.sales_order.created` CloudEvent. */
export const salesOrderCreatedSchema = z.object({
  orderNo: z.string().trim().min(1).max(64).regex(/^[A-Za-z0-9_.\-/]+$/, 'orderNo may hold letters, digits and _ . - / only'),
  orderDate: z.iso.date(),
  customer: z.object({ code: z.string().trim().min(1).max(64), name: z.string().max(200).optional() }),
  salesOrg: z.string().trim().min(1).max(32).default('100'),
  salesperson: z.string().trim().max(32).optional(),
  currency: z.string().length(3).default('CNY'),
  lines: z.array(salesOrderLineSchema).min(1).max(500),
});

export type SalesOrderCreated = z.infer<typeof salesOrderCreatedSchema>;

/** Known event types whose `data` the gateway validates before accepting. */
export const eventDataSchemas: Record<string, z.ZodType> = {
  [SALES_ORDER_CREATED]: salesOrderCreatedSchema,
};
