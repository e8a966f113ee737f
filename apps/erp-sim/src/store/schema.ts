import type { PoolClient } from 'pg';
import type { Pool } from './pool';

// Fixed key for the advisory lock that serialises schema creation and seeding between concurrent starts.
const SCHEMA_LOCK_KEY = 731_202_501;

const DDL = `
CREATE SCHEMA IF NOT EXISTS k3sim;

CREATE TABLE IF NOT EXISTS k3sim.organization (
  number text PRIMARY KEY, id integer NOT NULL UNIQUE, name text NOT NULL);
CREATE TABLE IF NOT EXISTS k3sim.customer (
  number text PRIMARY KEY, id integer NOT NULL UNIQUE, name text NOT NULL);
CREATE TABLE IF NOT EXISTS k3sim.material (
  number text PRIMARY KEY, id integer NOT NULL UNIQUE, name text NOT NULL,
  specification text NOT NULL DEFAULT '', unit text NOT NULL, default_stock text);
CREATE TABLE IF NOT EXISTS k3sim.stock (
  number text PRIMARY KEY, id integer NOT NULL UNIQUE, name text NOT NULL);

CREATE TABLE IF NOT EXISTS k3sim.inventory (
  id bigserial PRIMARY KEY,
  material text NOT NULL,
  stock text NOT NULL,
  base_qty numeric NOT NULL DEFAULT 0,
  avb_qty numeric NOT NULL DEFAULT 0,
  UNIQUE (material, stock));

CREATE SEQUENCE IF NOT EXISTS k3sim.bill_id_seq START 100001;
CREATE SEQUENCE IF NOT EXISTS k3sim.bill_entry_id_seq START 100001;

CREATE TABLE IF NOT EXISTS k3sim.bill (
  id bigint PRIMARY KEY DEFAULT nextval('k3sim.bill_id_seq'),
  form_id text NOT NULL,
  bill_no text NOT NULL,
  status char(1) NOT NULL,
  bill_date date NOT NULL,
  customer text,
  main_org text,
  second_org text,
  ext_no text,
  header jsonb NOT NULL DEFAULT '{}',
  all_amount numeric NOT NULL DEFAULT 0,
  amount numeric NOT NULL DEFAULT 0,
  tax_amount numeric NOT NULL DEFAULT 0,
  created_at timestamp(3) NOT NULL DEFAULT localtimestamp,
  modified_at timestamp(3) NOT NULL DEFAULT localtimestamp,
  approved_at timestamp(3));
-- The unique index is what keeps FBillNo unique under concurrent saves.
CREATE UNIQUE INDEX IF NOT EXISTS bill_form_bill_no_uq ON k3sim.bill (form_id, bill_no);
CREATE INDEX IF NOT EXISTS bill_form_status_idx ON k3sim.bill (form_id, status);
CREATE INDEX IF NOT EXISTS bill_form_ext_no_idx ON k3sim.bill (form_id, ext_no) WHERE ext_no IS NOT NULL;

CREATE TABLE IF NOT EXISTS k3sim.bill_entry (
  id bigint PRIMARY KEY DEFAULT nextval('k3sim.bill_entry_id_seq'),
  bill_id bigint NOT NULL REFERENCES k3sim.bill (id) ON DELETE CASCADE,
  seq integer NOT NULL,
  material text,
  stock text,
  unit text,
  qty numeric NOT NULL DEFAULT 0,
  tax_price numeric NOT NULL DEFAULT 0,
  tax_rate numeric NOT NULL DEFAULT 0,
  price numeric NOT NULL DEFAULT 0,
  all_amount numeric NOT NULL DEFAULT 0,
  amount numeric NOT NULL DEFAULT 0,
  tax_amount numeric NOT NULL DEFAULT 0,
  delivery_date date,
  extra jsonb NOT NULL DEFAULT '{}');
CREATE INDEX IF NOT EXISTS bill_entry_bill_idx ON k3sim.bill_entry (bill_id, seq);

CREATE TABLE IF NOT EXISTS k3sim.bill_link (
  id bigserial PRIMARY KEY,
  rule_id text NOT NULL,
  target_form text NOT NULL,
  target_bill_id bigint NOT NULL REFERENCES k3sim.bill (id) ON DELETE CASCADE,
  target_entry_id bigint NOT NULL REFERENCES k3sim.bill_entry (id) ON DELETE CASCADE,
  source_form text NOT NULL,
  source_bill_id bigint NOT NULL,
  source_entry_id bigint NOT NULL);
CREATE INDEX IF NOT EXISTS bill_link_source_entry_idx ON k3sim.bill_link (source_entry_id, rule_id);
CREATE INDEX IF NOT EXISTS bill_link_source_bill_idx ON k3sim.bill_link (source_bill_id);
-- (entry, id): an entry's first link (FSrcBillNo in query results) without walking the whole table in id order.
DROP INDEX IF EXISTS k3sim.bill_link_target_entry_idx;
CREATE INDEX IF NOT EXISTS bill_link_target_entry_order_idx ON k3sim.bill_link (target_entry_id, id);
CREATE INDEX IF NOT EXISTS bill_link_target_bill_idx ON k3sim.bill_link (target_bill_id);
-- The source bill's current number, so that FSrcBillNo filters find their entries through an index
-- (QueryField.lookup in forms/types.ts). insertLinks writes it and updateBill carries renames over. It was
-- added after the first release: on an existing database it is added here and filled by BACKFILL below.
ALTER TABLE k3sim.bill_link ADD COLUMN IF NOT EXISTS source_bill_no text;
CREATE INDEX IF NOT EXISTS bill_link_source_bill_no_idx ON k3sim.bill_link (source_bill_no);

-- ValidateRepeatJson: digests of packets already accepted, per form.
CREATE TABLE IF NOT EXISTS k3sim.repeat_json (
  form_id text NOT NULL, digest text NOT NULL,
  created_at timestamp(3) NOT NULL DEFAULT localtimestamp,
  PRIMARY KEY (form_id, digest));

-- Auto-numbering: prefix + zero-padded sequence value; never truncates once past the padding width.
CREATE OR REPLACE FUNCTION k3sim.next_bill_no(prefix text, seq regclass, digits integer) RETURNS text
LANGUAGE sql VOLATILE AS $$
  SELECT prefix || CASE WHEN length(n) >= digits THEN n ELSE lpad(n, digits, '0') END
  FROM (SELECT nextval(seq)::text AS n) s
$$;
`;

// Fills columns added after the first release on rows written before them. Runs at every start and finds
// nothing to do once done (the IS NULL probe uses the index). Links whose source bill was deleted stay NULL.
const BACKFILL = `
UPDATE k3sim.bill_link l SET source_bill_no = sb.bill_no FROM k3sim.bill sb
WHERE l.source_bill_no IS NULL AND sb.id = l.source_bill_id`;

/** DDL and (optionally) seeding under one advisory lock, so two simulators starting together are safe. */
export async function initializeSchema(
  pool: Pool,
  billNoSequences: readonly string[],
  afterDdl: (client: PoolClient) => Promise<void>,
): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [SCHEMA_LOCK_KEY]);
    try {
      await client.query(DDL);
      const filled = await client.query(BACKFILL);
      // Fresh statistics for the filled column, so the planner does not wait for autovacuum to learn it is selective.
      if ((filled.rowCount ?? 0) > 0) await client.query('ANALYZE k3sim.bill_link');
      for (const seq of billNoSequences) {
        await client.query(`CREATE SEQUENCE IF NOT EXISTS ${seq} START 1`);
      }
      await afterDdl(client);
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [SCHEMA_LOCK_KEY]);
    }
  } finally {
    client.release();
  }
}
