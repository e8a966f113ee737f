import type { DocumentFormDef, QueryField, QueryFormDef } from './types';

const h = (sql: string, type: QueryField['type']): QueryField => ({ sql, level: 'header', type });
const e = (sql: string, type: QueryField['type']): QueryField => ({ sql, level: 'entry', type });

function masterName(table: string, column: string): string {
  return `(SELECT x.name FROM k3sim.${table} x WHERE x.number = ${column})`;
}

function masterId(table: string, column: string): string {
  return `COALESCE((SELECT x.id FROM k3sim.${table} x WHERE x.number = ${column}), 0)`;
}

/** number/name/id keys for a base-data reference: `K.FNumber`, `K.FName`, and bare `K` (internal id). */
function refKeys(
  key: string,
  table: string,
  column: string,
  level: 'header' | 'entry',
): [string, QueryField][] {
  const f = level === 'header' ? h : e;
  return [
    [`${key}.fnumber`, f(column, 'text')],
    [`${key}.fname`, f(masterName(table, column), 'text')],
    [key, f(masterId(table, column), 'int')],
  ];
}

// FSrcBill* read the entry's first link (whose source bill still exists): one correlated subquery per row.
const srcLink = (column: string): string => `(SELECT ${column} FROM k3sim.bill_link l JOIN k3sim.bill sb ON sb.id = l.source_bill_id
  WHERE l.target_entry_id = e.id ORDER BY l.id LIMIT 1)`;

// A filter on them must not run that subquery for every entry of the form. The lookups below find the
// candidate entries through a bill_link index, and the exact subquery then checks only those. A lookup
// holds wherever the exact test does (see QueryField.lookup). bill_link.source_bill_no is the source's
// current number; a deleted source's links may match it but fail the exact test.
// `= ANY(ARRAY(…))` and not `IN (…)`: the array is an InitPlan computed once, and the entries are then read by
// primary key whatever the statistics say. With `IN`, a join plan made before bill_link was analysed (e.g.
// right after the source_bill_no migration) could scan bill_link once per entry of the form.
const linkedEntries = (where: string): string => `e.id = ANY (ARRAY(SELECT l.target_entry_id FROM k3sim.bill_link l WHERE ${where}))`;

/** FSrcBillNo: the source bill number of the entry's first link. Also K3's FSOURCEBILLNO on some forms. */
export const SRC_BILL_NO: QueryField = {
  ...e(srcLink('sb.bill_no'), 'text'),
  lookup: (values) => linkedEntries(`l.source_bill_no IN (${values})`),
};

const SRC_BILL_ID: QueryField = {
  ...e(srcLink('l.source_bill_id'), 'int'),
  lookup: (values) => linkedEntries(`l.source_bill_id IN (${values})`),
};

const SRC_ENTRY_ID: QueryField = {
  ...e(srcLink('l.source_entry_id'), 'int'),
  lookup: (values) => linkedEntries(`l.source_entry_id IN (${values})`),
};

// No lookup: every entry of a target form comes from the same source form, so no index would narrow it.
const SRC_BILL_TYPE = e(srcLink('l.source_form'), 'text');

/** The query surface shared by every document form, derived from its field names. */
export function documentQueryDef(form: DocumentFormDef): QueryFormDef {
  const fields: [string, QueryField][] = [
    ['fid', h('b.id', 'int')],
    ['fbillno', h('b.bill_no', 'text')],
    ['fdocumentstatus', h('b.status', 'text')],
    ['fdate', h('b.bill_date', 'date')],
    ['fcreatedate', h('b.created_at', 'datetime')],
    ['fmodifydate', h('b.modified_at', 'datetime')],
    ['fapprovedate', h('b.approved_at', 'datetime')],
    ['fbilltypeid.fnumber', h(`(b.header #>> '{FBillTypeID,FNumber}')`, 'text')],
    ['f_qiao_extno', h('b.ext_no', 'text')],
    ['fbillallamount', h('b.all_amount', 'number')],
    ['fbillamount', h('b.amount', 'number')],
    ['fbilltaxamount', h('b.tax_amount', 'number')],
    ...refKeys(form.customer.key.toLowerCase(), 'customer', 'b.customer', 'header'),
    ...form.orgs.flatMap((o) => refKeys(o.key.toLowerCase(), 'organization', `b.${o.column}`, 'header')),
    [`${form.entryKey.toLowerCase()}_fentryid`, e('e.id', 'int')],
    [`${form.entryKey.toLowerCase()}_fseq`, e('e.seq', 'int')],
    ...refKeys(form.entry.material.toLowerCase(), 'material', 'e.material', 'entry'),
    [`${form.entry.material.toLowerCase()}.fspecification`, e(`(SELECT x.specification FROM k3sim.material x WHERE x.number = e.material)`, 'text')],
    ['funitid.fnumber', e('e.unit', 'text')],
    [form.entry.qty.toLowerCase(), e('e.qty', 'number')],
    [form.entry.taxPrice.toLowerCase(), e('e.tax_price', 'number')],
    [form.entry.taxRate.toLowerCase(), e('e.tax_rate', 'number')],
    ['fprice', e('e.price', 'number')],
    ['fallamount', e('e.all_amount', 'number')],
    ['famount', e('e.amount', 'number')],
    ['ftaxamount', e('e.tax_amount', 'number')],
    ['fsrcbillno', SRC_BILL_NO],
    ['fsrcbilltype', SRC_BILL_TYPE],
    ['fsrcbilltypeid', SRC_BILL_TYPE],
    ['fsrcbillid', SRC_BILL_ID],
    ['fsrcentryid', SRC_ENTRY_ID],
  ];
  if (form.entry.deliveryDate) fields.push([form.entry.deliveryDate.toLowerCase(), e('e.delivery_date', 'date')]);
  if (form.entry.stock) fields.push(...refKeys(form.entry.stock.key.toLowerCase(), 'stock', 'e.stock', 'entry'));
  for (const [key, field] of Object.entries(form.queryAliases ?? {})) fields.push([key.toLowerCase(), field]);
  const where = `b.form_id = '${form.formId}'`;
  return {
    formId: form.formId,
    fromHeader: 'k3sim.bill b',
    fromEntry: 'k3sim.bill b JOIN k3sim.bill_entry e ON e.bill_id = b.id',
    where,
    orderHeader: 'b.id',
    orderEntry: 'b.id, e.seq',
    fields: new Map(fields),
  };
}

export const queryField = { header: h, entry: e };
