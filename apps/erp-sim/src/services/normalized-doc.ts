import type { Dec, LineAmounts } from '../decimal';
import type { Json } from './request';

/** A document as the simulator stores it, after validation; shared by the services and the store. */
export interface LinkRef {
  ruleId: string;
  sourceForm: string;
  sourceBillId: string;
  sourceEntryId: string;
}

export interface NormalizedEntry {
  /** Existing entry id when updating, else null. */
  id: string | null;
  material: string | null;
  stock: string | null;
  unit: string | null;
  qty: Dec;
  taxPrice: Dec;
  taxRate: Dec;
  amounts: LineAmounts;
  deliveryDate: string | null;
  extra: Json;
  links: LinkRef[];
}

export interface NormalizedDoc {
  billNo: string | null;
  date: string;
  customer: string | null;
  mainOrg: string | null;
  secondOrg: string | null;
  extNo: string | null;
  header: Json;
  entries: NormalizedEntry[];
  totals: { allAmount: Dec; amount: Dec; taxAmount: Dec };
}

