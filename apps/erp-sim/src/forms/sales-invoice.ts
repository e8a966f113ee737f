import type { DocumentFormDef } from './types';

/** 销售增值税专用发票 (VAT special invoice). Field keys are upper-case on this form in K3. */
export const SALES_INVOICE: DocumentFormDef = {
  formId: 'IV_SALESIC',
  title: '销售增值税专用发票',
  numberPrefix: 'XSZYFP',
  numberDigits: 6,
  numberSequence: 'k3sim.no_iv_salesic',
  defaultBillType: 'XSZYFP01_SYS',
  entryKey: 'FSALESICENTRY',
  customer: { key: 'FCUSTOMERID', label: '客户' },
  orgs: [{ key: 'FSETTLEORGID', label: '结算组织', column: 'main_org', required: true }],
  entry: {
    material: 'FMATERIALID',
    qty: 'FPRICEQTY',
    qtyLabel: '计价数量',
    taxPrice: 'FAUXTAXPRICE',
    taxRate: 'FTAXRATE',
    unit: 'FPRICEUNITID',
    deliveryDate: null,
    stock: null,
  },
};
