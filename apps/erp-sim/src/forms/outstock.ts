import type { DocumentFormDef } from './types';

/** 销售出库单. Auditing it moves stock; the warehouse is required on every entry. */
export const OUTSTOCK: DocumentFormDef = {
  formId: 'SAL_OUTSTOCK',
  title: '销售出库单',
  numberPrefix: 'XSCKD',
  numberDigits: 6,
  numberSequence: 'k3sim.no_sal_outstock',
  defaultBillType: 'XSCKD01_SYS',
  entryKey: 'FEntity',
  customer: { key: 'FCustomerID', label: '客户' },
  orgs: [
    { key: 'FStockOrgId', label: '发货组织', column: 'second_org', required: true, fallbackTo: 'FSaleOrgId' },
    { key: 'FSaleOrgId', label: '销售组织', column: 'main_org', required: true, fallbackTo: 'FStockOrgId' },
  ],
  entry: {
    material: 'FMaterialId',
    qty: 'FRealQty',
    qtyLabel: '实发数量',
    taxPrice: 'FTaxPrice',
    taxRate: 'FEntryTaxRate',
    unit: 'FUnitID',
    deliveryDate: null,
    stock: { key: 'FStockId', required: true },
  },
};
