import type { DocumentFormDef } from '../forms/types';
import type { BillRow, EntryRow } from '../store/documents';
import { EXT_NO_KEY } from './model';
import type { Json } from './request';
import { asString, isObject, pick } from './request';

const ref = (number: string | null): Json | undefined => (number === null ? undefined : { FNumber: number });

/** The stored bill rendered back as a K3 Model, so an update can overlay it and re-validate as a whole. */
export function billToModel(form: DocumentFormDef, bill: BillRow, entries: readonly EntryRow[]): Json {
  const model: Json = { ...bill.header, FID: bill.id, FBillNo: bill.billNo, FDate: bill.billDate };
  model[form.customer.key] = ref(bill.customer);
  for (const org of form.orgs) model[org.key] = ref(org.column === 'main_org' ? bill.mainOrg : bill.secondOrg);
  if (bill.extNo !== null) model[EXT_NO_KEY] = bill.extNo;
  const e = form.entry;
  model[form.entryKey] = entries.map((row) => {
    const out: Json = { ...row.extra, FEntryID: row.id };
    out[e.material] = ref(row.material);
    out[e.unit] = ref(row.unit);
    out[e.qty] = row.qty;
    out[e.taxPrice] = row.taxPrice;
    out[e.taxRate] = row.taxRate;
    if (e.deliveryDate) out[e.deliveryDate] = row.deliveryDate;
    if (e.stock) out[e.stock.key] = ref(row.stock);
    return out;
  });
  return model;
}

/** NeedUpDateFields entries may be "FQty", "FSaleOrderEntry.FQty" or "SAL_SaleOrder__FSaleOrderEntry". */
function fieldFilter(needUpdateFields: readonly string[]): (key: string) => boolean {
  const names = new Set(needUpdateFields.map((f) => (f.split(/\.|__/).pop() ?? f).trim().toLowerCase()));
  return (key) => names.size === 0 || names.has(key.toLowerCase()) || key.toLowerCase() === 'fentryid';
}

function overlay(base: Json, incoming: Json, allow: (key: string) => boolean, skip: readonly string[] = []): Json {
  const out: Json = { ...base };
  const skipped = new Set(skip.map((s) => s.toLowerCase()));
  for (const [key, value] of Object.entries(incoming)) {
    if (skipped.has(key.toLowerCase()) || !allow(key)) continue;
    for (const existing of Object.keys(out)) if (existing.toLowerCase() === key.toLowerCase()) delete out[existing];
    out[key] = value;
  }
  return out;
}

export interface MergeOptions {
  needUpdateFields: readonly string[];
  /** IsDeleteEntry (default true): entries missing from the Model are deleted. */
  deleteMissingEntries: boolean;
}

/** Applies an update Model (FID ≠ 0) to the stored bill, following NeedUpDateFields and IsDeleteEntry. */
export function mergeModel(form: DocumentFormDef, stored: Json, incoming: Json, options: MergeOptions): Json {
  const allow = fieldFilter(options.needUpdateFields);
  const merged = overlay(stored, incoming, allow, ['FID', form.entryKey]);
  const incomingEntries = pick(incoming, form.entryKey);
  if (!Array.isArray(incomingEntries)) return merged;
  const existing = (pick(stored, form.entryKey) as Json[] | undefined) ?? [];
  const byId = new Map(existing.map((e) => [asString(pick(e, 'FEntryID')) ?? '', e]));
  const updated = new Map<string, Json>();
  const added: Json[] = [];
  const ordered: Json[] = [];
  for (const raw of incomingEntries) {
    if (!isObject(raw)) continue;
    const id = asString(pick(raw, 'FEntryID')) ?? '';
    const current = byId.get(id);
    if (current) {
      const next = overlay(current, raw, allow);
      updated.set(id, next);
      ordered.push(next);
    } else {
      // An unknown FEntryID cannot update anything: treat the row as new.
      const fresh = overlay({}, raw, () => true, ['FEntryID']);
      added.push(fresh);
      ordered.push(fresh);
    }
  }
  merged[form.entryKey] = options.deleteMissingEntries
    ? ordered
    : [...existing.map((e) => updated.get(asString(pick(e, 'FEntryID')) ?? '') ?? e), ...added];
  return merged;
}
