import { documentQueryDef } from './document-query';
import { CUSTOMER_FORM, INVENTORY_FORM, MATERIAL_FORM, STOCK_FORM } from './master-forms';
import { OUTSTOCK } from './outstock';
import { RECEIVABLE } from './receivable';
import { SALES_INVOICE } from './sales-invoice';
import { SALES_ORDER } from './sales-order';
import type { DocumentFormDef, QueryFormDef } from './types';

export const DOCUMENT_FORMS: readonly DocumentFormDef[] = [SALES_ORDER, OUTSTOCK, RECEIVABLE, SALES_INVOICE];

const documentsByKey = new Map(DOCUMENT_FORMS.map((f) => [f.formId.toLowerCase(), f]));

const queryForms: readonly QueryFormDef[] = [
  ...DOCUMENT_FORMS.map(documentQueryDef),
  INVENTORY_FORM,
  CUSTOMER_FORM,
  MATERIAL_FORM,
  STOCK_FORM,
];
const queryByKey = new Map(queryForms.map((f) => [f.formId.toLowerCase(), f]));

/** Form ids are matched case-insensitively, as K3 does. */
export function documentForm(formId: string): DocumentFormDef | undefined {
  return documentsByKey.get(formId.toLowerCase());
}

export function queryForm(formId: string): QueryFormDef | undefined {
  return queryByKey.get(formId.toLowerCase());
}

export const BILL_NO_SEQUENCES: readonly string[] = DOCUMENT_FORMS.map((f) => f.numberSequence);
