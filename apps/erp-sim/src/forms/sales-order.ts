import { queryField } from './document-query';
import type { DocumentFormDef } from './types';

/** 销售订单. FStockId per entry is a simulator extension, carried to the outbound by Push. */
export const SALES_ORDER: DocumentFormDef = {
  formId: 'SAL_SaleOrder',
  title: '销售订单',
  numberPrefix: 'XSDD',
  numberDigits: 6,
  numberSequence: 'k3sim.no_sal_saleorder',
  defaultBillType: 'XSDD01_SYS',
  entryKey: 'FSaleOrderEntry',
  customer: { key: 'FCustId', label: '客户' },
  orgs: [{ key: 'FSaleOrgId', label: '销售组织', column: 'main_org', required: true }],
  entry: {
    material: 'FMaterialId',
    qty: 'FQty',
    qtyLabel: '销售数量',
    taxPrice: 'FTaxPrice',
    taxRate: 'FEntryTaxRate',
    unit: 'FUnitID',
    deliveryDate: 'FDeliveryDate',
    stock: { key: 'FStockId', required: false },
  },
  queryAliases: {
    'FSalerId.FNumber': queryField.header(`(b.header #>> '{FSalerId,FNumber}')`, 'text'),
    'FSettleCurrId.FNumber': queryField.header(`(b.header #>> '{FSaleOrderFinance,FSettleCurrId,FNumber}')`, 'text'),
  },
};
