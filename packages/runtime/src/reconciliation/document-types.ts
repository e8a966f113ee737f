/**
 * What reconciliation reads from each Kingdee form it knows: the customer, quantity and amount
 * field keys (entry-level quantity and amount are summed per bill) and the part the form plays in
 * order-to-cash. Keys are K3Cloud's own, so the same queries run against a real data centre.
 */
export type DocumentRole = 'order' | 'outbound' | 'receivable' | 'invoice' | 'other';

export interface DocumentType {
  formId: string;
  role: DocumentRole;
  customerKey: string;
  qtyKey: string;
  amountKey: string;
}

const TYPES: readonly DocumentType[] = [
  { formId: 'SAL_SaleOrder', role: 'order', customerKey: 'FCustId.FNumber', qtyKey: 'FQty', amountKey: 'FAllAmount' },
  { formId: 'SAL_OUTSTOCK', role: 'outbound', customerKey: 'FCustomerID.FNumber', qtyKey: 'FRealQty', amountKey: 'FAllAmount' },
  { formId: 'AR_receivable', role: 'receivable', customerKey: 'FCUSTOMERID.FNumber', qtyKey: 'FPriceQty', amountKey: 'FALLAMOUNTFOR_D' },
  { formId: 'IV_SALESIC', role: 'invoice', customerKey: 'FCUSTOMERID.FNumber', qtyKey: 'FPRICEQTY', amountKey: 'FALLAMOUNT' },
  { formId: 'IV_SALESOC', role: 'invoice', customerKey: 'FCUSTOMERID.FNumber', qtyKey: 'FPRICEQTY', amountKey: 'FALLAMOUNT' },
];

export function documentType(formId: string): DocumentType {
  return TYPES.find((t) => t.formId.toLowerCase() === formId.toLowerCase()) ?? { formId, role: 'other', customerKey: 'FCustId.FNumber', qtyKey: 'FQty', amountKey: 'FAllAmount' };
}

/** Entry keys of a model's lines for the forms a flow saves (the sales order's FSaleOrderEntry, …). */
export const MODEL_ENTRY_KEYS: Readonly<Record<string, { entry: string; customer: string; qty: string; taxPrice: string }>> = {
  sal_saleorder: { entry: 'FSaleOrderEntry', customer: 'FCustId', qty: 'FQty', taxPrice: 'FTaxPrice' },
  sal_outstock: { entry: 'FEntity', customer: 'FCustomerID', qty: 'FRealQty', taxPrice: 'FTaxPrice' },
  ar_receivable: { entry: 'FEntityDetail', customer: 'FCUSTOMERID', qty: 'FPriceQty', taxPrice: 'FTaxPrice' },
};
