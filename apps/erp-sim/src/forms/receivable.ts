import { SRC_BILL_NO, queryField } from './document-query';
import type { DocumentFormDef } from './types';

/** 应收单. */
export const RECEIVABLE: DocumentFormDef = {
  formId: 'AR_receivable',
  title: '应收单',
  numberPrefix: 'AR',
  numberDigits: 8,
  numberSequence: 'k3sim.no_ar_receivable',
  defaultBillType: 'YSD01_SYS',
  entryKey: 'FEntityDetail',
  customer: { key: 'FCUSTOMERID', label: '客户' },
  orgs: [
    { key: 'FSETTLEORGID', label: '结算组织', column: 'main_org', required: true, fallbackTo: 'FSALEORGID' },
    { key: 'FSALEORGID', label: '销售组织', column: 'second_org', required: false, fallbackTo: 'FSETTLEORGID' },
  ],
  entry: {
    material: 'FMaterialId',
    qty: 'FPriceQty',
    qtyLabel: '计价数量',
    taxPrice: 'FTaxPrice',
    taxRate: 'FEntryTaxRate',
    unit: 'FPriceUnitId',
    deliveryDate: null,
    stock: null,
  },
  queryAliases: {
    FALLAMOUNTFOR: queryField.header('b.all_amount', 'number'),
    FALLAMOUNTFOR_D: queryField.entry('e.all_amount', 'number'),
    FNOTAXAMOUNTFOR_D: queryField.entry('e.amount', 'number'),
    FSOURCEBILLNO: SRC_BILL_NO,
  },
};
