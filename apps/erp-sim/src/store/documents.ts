import type { Pool, PoolClient } from 'pg';
import type { DocStatus, DocumentFormDef } from '../forms/types';
import type { LinkRef, NormalizedDoc, NormalizedEntry } from '../services/normalized-doc';

type Queryable = Pool | PoolClient;

export interface BillRow {
  id: string;
  formId: string;
  billNo: string;
  status: DocStatus;
  billDate: string;
  customer: string | null;
  mainOrg: string | null;
  secondOrg: string | null;
  extNo: string | null;
  header: Record<string, unknown>;
  allAmount: string;
  amount: string;
  taxAmount: string;
  createdAt: string;
  modifiedAt: string;
  approvedAt: string | null;
}

export interface EntryRow {
  id: string;
  billId: string;
  seq: number;
  material: string | null;
  stock: string | null;
  unit: string | null;
  qty: string;
  taxPrice: string;
  taxRate: string;
  price: string;
  allAmount: string;
  amount: string;
  taxAmount: string;
  deliveryDate: string | null;
  extra: Record<string, unknown>;
}

const BILL_COLUMNS = `id, form_id AS "formId", bill_no AS "billNo", status, bill_date AS "billDate", customer,
  main_org AS "mainOrg", second_org AS "secondOrg", ext_no AS "extNo", header, all_amount AS "allAmount",
  amount, tax_amount AS "taxAmount", created_at AS "createdAt", modified_at AS "modifiedAt", approved_at AS "approvedAt"`;

const ENTRY_COLUMNS = `id, bill_id AS "billId", seq, material, stock, unit, qty, tax_price AS "taxPrice",
  tax_rate AS "taxRate", price, all_amount AS "allAmount", amount, tax_amount AS "taxAmount",
  delivery_date AS "deliveryDate", extra`;

/** unnest() columns for entries, in the bill_entry column order used by the INSERT below. */
function entryArrays(entries: readonly NormalizedEntry[]): unknown[] {
  return [
    entries.map((_, i) => i + 1),
    entries.map((e) => e.material),
    entries.map((e) => e.stock),
    entries.map((e) => e.unit),
    entries.map((e) => e.qty.toString()),
    entries.map((e) => e.taxPrice.toString()),
    entries.map((e) => e.taxRate.toString()),
    entries.map((e) => e.amounts.price.toString()),
    entries.map((e) => e.amounts.allAmount.toString()),
    entries.map((e) => e.amounts.amount.toString()),
    entries.map((e) => e.amounts.taxAmount.toString()),
    entries.map((e) => e.deliveryDate),
    entries.map((e) => JSON.stringify(e.extra)),
  ];
}

const ENTRY_UNNEST = (first: number): string => {
  const types = ['int', 'text', 'text', 'text', 'numeric', 'numeric', 'numeric', 'numeric', 'numeric', 'numeric', 'numeric', 'date', 'jsonb'];
  return `unnest(${types.map((t, i) => `$${first + i}::${t}[]`).join(', ')})
    AS x(seq, material, stock, unit, qty, tax_price, tax_rate, price, all_amount, amount, tax_amount, delivery_date, extra)`;
};

// One statement inserts header and entries atomically. ON CONFLICT DO NOTHING makes a duplicate FBillNo
// (even from a concurrent save) show up as zero rows instead of an aborted transaction.
const INSERT_SQL = `
WITH b AS (
  INSERT INTO k3sim.bill (form_id, bill_no, status, bill_date, customer, main_org, second_org, ext_no, header,
                          all_amount, amount, tax_amount)
  VALUES ($1, COALESCE($2, k3sim.next_bill_no($3, $4::regclass, $5)), $6, $7::date, $8, $9, $10, $11, $12::jsonb,
          $13, $14, $15)
  ON CONFLICT (form_id, bill_no) DO NOTHING
  RETURNING id, bill_no
), e AS (
  INSERT INTO k3sim.bill_entry (bill_id, seq, material, stock, unit, qty, tax_price, tax_rate, price, all_amount,
                                amount, tax_amount, delivery_date, extra)
  SELECT b.id, x.* FROM b CROSS JOIN ${ENTRY_UNNEST(16)}
  RETURNING id, seq
)
SELECT b.id, b.bill_no AS "billNo", COALESCE((SELECT json_agg(e.id ORDER BY e.seq) FROM e), '[]'::json) AS "entryIds"
FROM b`;

export interface InsertedBill {
  id: string;
  billNo: string;
  entryIds: string[];
}

/** Inserts a bill; null when FBillNo already exists in the form. */
export async function insertBill(
  db: Queryable,
  form: DocumentFormDef,
  doc: NormalizedDoc,
  status: DocStatus,
): Promise<InsertedBill | null> {
  const result = await db.query<{ id: string; billNo: string; entryIds: (number | string)[] }>(INSERT_SQL, [
    form.formId,
    doc.billNo,
    form.numberPrefix,
    form.numberSequence,
    form.numberDigits,
    status,
    doc.date,
    doc.customer,
    doc.mainOrg,
    doc.secondOrg,
    doc.extNo,
    JSON.stringify(doc.header),
    doc.totals.allAmount.toString(),
    doc.totals.amount.toString(),
    doc.totals.taxAmount.toString(),
    ...entryArrays(doc.entries),
  ]);
  const row = result.rows[0];
  if (!row) return null;
  return { id: String(row.id), billNo: row.billNo, entryIds: row.entryIds.map(String) };
}

/** Rewrites an existing bill: header, kept entries in place, removed entries deleted, new ones added. */
export async function updateBill(client: PoolClient, billId: string, doc: NormalizedDoc, status: DocStatus): Promise<string[]> {
  await client.query(
    `UPDATE k3sim.bill SET bill_no = COALESCE($2, bill_no), status = $3, bill_date = $4::date, customer = $5,
       main_org = $6, second_org = $7, ext_no = $8, header = $9::jsonb, all_amount = $10, amount = $11,
       tax_amount = $12, modified_at = localtimestamp
     WHERE id = $1`,
    [
      billId,
      doc.billNo,
      status,
      doc.date,
      doc.customer,
      doc.mainOrg,
      doc.secondOrg,
      doc.extNo,
      JSON.stringify(doc.header),
      doc.totals.allAmount.toString(),
      doc.totals.amount.toString(),
      doc.totals.taxAmount.toString(),
    ],
  );
  if (doc.billNo !== null) {
    // A renamed bill: links from it carry its number (bill_link.source_bill_no, for FSrcBillNo filters).
    await client.query(
      'UPDATE k3sim.bill_link SET source_bill_no = $2 WHERE source_bill_id = $1 AND source_bill_no IS DISTINCT FROM $2',
      [billId, doc.billNo],
    );
  }
  const kept = doc.entries.filter((e) => e.id !== null);
  await client.query('DELETE FROM k3sim.bill_entry WHERE bill_id = $1 AND NOT (id = ANY($2::bigint[]))', [
    billId,
    kept.map((e) => e.id),
  ]);
  // Entries keep their ids (links point at them); x.seq is the new position, matched to ids by ordinality.
  const arrays = entryArrays(doc.entries);
  const ids = doc.entries.map((e) => e.id);
  const result = await client.query<{ id: string; seq: number }>(
    `WITH x AS (SELECT * FROM ${ENTRY_UNNEST(3)}),
       src AS (SELECT x.*, u.id FROM x JOIN unnest($2::bigint[]) WITH ORDINALITY AS u(id, ord) ON u.ord = x.seq),
       upd AS (
         UPDATE k3sim.bill_entry t SET seq = src.seq, material = src.material, stock = src.stock, unit = src.unit,
           qty = src.qty, tax_price = src.tax_price, tax_rate = src.tax_rate, price = src.price,
           all_amount = src.all_amount, amount = src.amount, tax_amount = src.tax_amount,
           delivery_date = src.delivery_date, extra = src.extra
         FROM src WHERE src.id IS NOT NULL AND t.id = src.id AND t.bill_id = $1
         RETURNING t.id, t.seq),
       ins AS (
         INSERT INTO k3sim.bill_entry (bill_id, seq, material, stock, unit, qty, tax_price, tax_rate, price,
                                       all_amount, amount, tax_amount, delivery_date, extra)
         SELECT $1, seq, material, stock, unit, qty, tax_price, tax_rate, price, all_amount, amount, tax_amount,
                delivery_date, extra FROM src WHERE src.id IS NULL
         RETURNING id, seq)
     SELECT id, seq FROM upd UNION ALL SELECT id, seq FROM ins ORDER BY seq`,
    [billId, ids, ...arrays],
  );
  return result.rows.map((r) => String(r.id));
}

/** Adds link rows in the given order (the first link of an entry is its FSrcBillNo). Runs inside a transaction. */
export async function insertLinks(
  client: PoolClient,
  targetForm: string,
  targetBillId: string,
  links: readonly (LinkRef & { targetEntryId: string })[],
): Promise<void> {
  if (links.length === 0) return;
  // Share-lock the source bills, in id order, so that a rename (updateBill, which locks the bill FOR UPDATE)
  // cannot commit between reading the number below and committing the link: source_bill_no stays current.
  await client.query('SELECT 1 FROM k3sim.bill WHERE id = ANY($1::bigint[]) ORDER BY id FOR SHARE', [links.map((l) => l.sourceBillId)]);
  // Joining the source entry drops references to bills/entries that do not exist.
  await client.query(
    `INSERT INTO k3sim.bill_link (rule_id, target_form, target_bill_id, target_entry_id, source_form, source_bill_id, source_entry_id,
                                 source_bill_no)
     SELECT x.rule_id, $1, $2, x.target_entry_id, x.source_form, x.source_bill_id, x.source_entry_id, sb.bill_no
     FROM unnest($3::text[], $4::bigint[], $5::text[], $6::bigint[], $7::bigint[]) WITH ORDINALITY
       AS x(rule_id, target_entry_id, source_form, source_bill_id, source_entry_id, ord)
     JOIN k3sim.bill_entry se ON se.id = x.source_entry_id AND se.bill_id = x.source_bill_id
     JOIN k3sim.bill sb ON sb.id = se.bill_id
     ORDER BY x.ord`,
    [
      targetForm,
      targetBillId,
      links.map((l) => l.ruleId),
      links.map((l) => l.targetEntryId),
      links.map((l) => l.sourceForm),
      links.map((l) => l.sourceBillId),
      links.map((l) => l.sourceEntryId),
    ],
  );
}

export type BillKey = { id: string } | { billNo: string };

export async function findBill(db: Queryable, formId: string, key: BillKey, forUpdate = false): Promise<BillRow | null> {
  const [column, value] = 'id' in key ? ['id', key.id] : ['bill_no', key.billNo];
  if (column === 'id' && !/^\d{1,18}$/.test(value)) return null;
  const result = await db.query<BillRow>(
    `SELECT ${BILL_COLUMNS} FROM k3sim.bill WHERE form_id = $1 AND ${column} = $2${forUpdate ? ' FOR UPDATE' : ''}`,
    [formId, value],
  );
  return result.rows[0] ?? null;
}

export async function loadEntries(db: Queryable, billIds: readonly string[]): Promise<EntryRow[]> {
  if (billIds.length === 0) return [];
  const result = await db.query<EntryRow>(
    `SELECT ${ENTRY_COLUMNS} FROM k3sim.bill_entry WHERE bill_id = ANY($1::bigint[]) ORDER BY bill_id, seq`,
    [billIds],
  );
  return result.rows;
}

export interface LockedBill {
  id: string;
  billNo: string;
  status: DocStatus;
}

/** Locks the named bills (by number or id) in id order, so concurrent batches cannot deadlock. */
export async function lockBills(
  client: PoolClient,
  formId: string,
  numbers: readonly string[],
  ids: readonly string[],
): Promise<LockedBill[]> {
  const numericIds = ids.filter((id) => /^\d{1,18}$/.test(id));
  // Only the arms that name something: an empty `id = ANY('{}')` arm can be planned on any index with form_id.
  const arms: [string, unknown[]][] = [];
  if (numbers.length > 0) arms.push(['bill_no = ANY($%::text[])', [...numbers]]);
  if (numericIds.length > 0) arms.push(['id = ANY($%::bigint[])', numericIds]);
  if (arms.length === 0) return [];
  const result = await client.query<LockedBill>(
    `SELECT id, bill_no AS "billNo", status FROM k3sim.bill
     WHERE form_id = $1 AND (${arms.map(([sql], i) => sql.replace('%', String(i + 2))).join(' OR ')})
     ORDER BY id FOR UPDATE`,
    [formId, ...arms.map(([, values]) => values)],
  );
  return result.rows.map((r) => ({ ...r, id: String(r.id) }));
}

export async function setStatus(
  client: PoolClient,
  billIds: readonly string[],
  status: DocStatus,
  approval: 'set' | 'clear' | 'keep',
): Promise<void> {
  if (billIds.length === 0) return;
  const approved = approval === 'set' ? 'localtimestamp' : approval === 'clear' ? 'NULL' : 'approved_at';
  await client.query(
    `UPDATE k3sim.bill SET status = $2, approved_at = ${approved}, modified_at = localtimestamp WHERE id = ANY($1::bigint[])`,
    [billIds, status],
  );
}

export async function deleteBills(client: PoolClient, billIds: readonly string[]): Promise<void> {
  if (billIds.length === 0) return;
  await client.query('DELETE FROM k3sim.bill WHERE id = ANY($1::bigint[])', [billIds]);
}

/** Bills among `billIds` that some other bill was pushed from. */
export async function billsWithDownstream(client: PoolClient, billIds: readonly string[]): Promise<Set<string>> {
  if (billIds.length === 0) return new Set();
  const result = await client.query<{ id: string }>(
    'SELECT DISTINCT source_bill_id AS id FROM k3sim.bill_link WHERE source_bill_id = ANY($1::bigint[])',
    [billIds],
  );
  return new Set(result.rows.map((r) => String(r.id)));
}

export interface SourceLink {
  targetEntryId: string;
  sourceForm: string;
  sourceBillNo: string;
  sourceBillId: string;
  sourceEntryId: string;
  ruleId: string;
}

export async function linksOfTarget(db: Queryable, billId: string): Promise<SourceLink[]> {
  const result = await db.query<SourceLink>(
    `SELECT l.target_entry_id AS "targetEntryId", l.source_form AS "sourceForm", sb.bill_no AS "sourceBillNo",
            l.source_bill_id AS "sourceBillId", l.source_entry_id AS "sourceEntryId", l.rule_id AS "ruleId"
     FROM k3sim.bill_link l JOIN k3sim.bill sb ON sb.id = l.source_bill_id
     WHERE l.target_bill_id = $1 ORDER BY l.id`,
    [billId],
  );
  return result.rows.map((r) => ({ ...r, targetEntryId: String(r.targetEntryId), sourceBillId: String(r.sourceBillId), sourceEntryId: String(r.sourceEntryId) }));
}
