import { z } from 'zod';

/** One document-level finding, for drill-down. */
export const discrepancyKindSchema = z.enum([
  'missing_in_erp',
  'unknown_to_qiao',
  'not_recorded',
  'mismatch',
  'duplicate',
  'shipped_not_invoiced',
  'invoiced_not_shipped',
]);
export type DiscrepancyKind = z.infer<typeof discrepancyKindSchema>;

export const fieldDiffSchema = z.object({ field: z.enum(['customer', 'qty', 'amount']), expected: z.string().nullable(), actual: z.string().nullable() });
export type FieldDiff = z.infer<typeof fieldDiffSchema>;

export const discrepancySchema = z.object({
  kind: discrepancyKindSchema,
  formId: z.string(),
  /** The ERP bill number, or null when the ERP holds no such document. */
  billNo: z.string().nullable(),
  /** The business key of the run (the order number). */
  businessKey: z.string().nullable(),
  runId: z.string().nullable(),
  diffs: z.array(fieldDiffSchema).default([]),
  note: z.string().default(''),
});
export type Discrepancy = z.infer<typeof discrepancySchema>;

export const typeSummarySchema = z.object({
  formId: z.string(),
  role: z.string(),
  qiaoCount: z.int(),
  erpCount: z.int(),
  /** Decimal strings: money is never a float. */
  qiaoAmount: z.string(),
  erpAmount: z.string(),
  missingInErp: z.int(),
  unknownToQiao: z.int(),
  notRecorded: z.int(),
  mismatched: z.int(),
  duplicates: z.int(),
  /** Documents of this type with at least one finding ÷ the documents either side knows. */
  discrepancyRate: z.number(),
});
export type TypeSummary = z.infer<typeof typeSummarySchema>;

export const reconciliationResultSchema = z.object({
  runs: z.object({ total: z.int(), succeeded: z.int(), inProgress: z.int(), needsAttention: z.int(), cancelled: z.int() }),
  types: z.array(typeSummarySchema),
  shippedNotInvoiced: z.int(),
  invoicedNotShipped: z.int(),
  /** ERP documents whose run lies outside the period (cut-off), not counted as unknown. */
  outsidePeriod: z.int(),
  discrepancies: z.int(),
  documents: z.int(),
  discrepancyRate: z.number(),
  details: z.array(discrepancySchema),
});
export type ReconciliationResult = z.infer<typeof reconciliationResultSchema>;
