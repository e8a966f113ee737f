import type { Dec } from '../decimal';
import type { BillRow, EntryRow } from '../store/documents';
import type { Json } from './request';

export interface PushSourceEntry {
  entry: EntryRow;
  remaining: Dec;
}

/** A conversion rule: which form it reads, which it creates, and how a target model is built. */
export interface PushRule {
  id: string;
  source: string;
  target: string;
  /** Builds the target Model (K3 keys); entries map 1:1, in order, onto `entries`. */
  convert(bill: BillRow, entries: readonly PushSourceEntry[], today: string): Json;
}

const ref = (number: string | null): Json | undefined => (number === null ? undefined : { FNumber: number });

const SALE_ORDER_TO_OUTSTOCK: PushRule = {
  id: 'SaleOrder-OutStock',
  source: 'SAL_SaleOrder',
  target: 'SAL_OUTSTOCK',
  convert: (bill, entries, today) => ({
    FDate: today,
    FCustomerID: ref(bill.customer),
    FSaleOrgId: ref(bill.mainOrg),
    FStockOrgId: ref(bill.mainOrg),
    FEntity: entries.map(({ entry, remaining }) => ({
      FMaterialId: ref(entry.material),
      FUnitID: ref(entry.unit),
      FRealQty: remaining.toString(),
      FTaxPrice: entry.taxPrice,
      FEntryTaxRate: entry.taxRate,
      // Order-entry warehouse (simulator extension); absent → the material's default warehouse.
      FStockId: ref(entry.stock),
    })),
  }),
};

const OUTSTOCK_TO_RECEIVABLE: PushRule = {
  id: 'AR_OutStockToReceivableMap',
  source: 'SAL_OUTSTOCK',
  target: 'AR_receivable',
  convert: (bill, entries, today) => ({
    FDATE: today,
    FCUSTOMERID: ref(bill.customer),
    FSETTLEORGID: ref(bill.mainOrg),
    FSALEORGID: ref(bill.mainOrg),
    FEntityDetail: entries.map(({ entry, remaining }) => ({
      FMaterialId: ref(entry.material),
      FPriceUnitId: ref(entry.unit),
      FPriceQty: remaining.toString(),
      FTaxPrice: entry.taxPrice,
      FEntryTaxRate: entry.taxRate,
    })),
  }),
};

const RECEIVABLE_TO_SALES_INVOICE: PushRule = {
  id: 'IV_ReceivableToSalesIC_Entry',
  source: 'AR_receivable',
  target: 'IV_SALESIC',
  convert: (bill, entries, today) => ({
    FDATE: today,
    FCUSTOMERID: ref(bill.customer),
    FSETTLEORGID: ref(bill.mainOrg),
    FSALESICENTRY: entries.map(({ entry, remaining }) => ({
      FMATERIALID: ref(entry.material),
      FPRICEUNITID: ref(entry.unit),
      FPRICEQTY: remaining.toString(),
      FAUXTAXPRICE: entry.taxPrice,
      FTAXRATE: entry.taxRate,
    })),
  }),
};

export const PUSH_RULES: readonly PushRule[] = [SALE_ORDER_TO_OUTSTOCK, OUTSTOCK_TO_RECEIVABLE, RECEIVABLE_TO_SALES_INVOICE];

export function ruleById(id: string): PushRule | undefined {
  const lower = id.toLowerCase();
  return PUSH_RULES.find((r) => r.id.toLowerCase() === lower);
}

export function defaultRule(source: string, target: string): PushRule | undefined {
  return PUSH_RULES.find(
    (r) => r.source.toLowerCase() === source.toLowerCase() && r.target.toLowerCase() === target.toLowerCase(),
  );
}
