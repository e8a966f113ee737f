import type { Pool, PoolClient } from 'pg';
import { CUSTOMERS, INVENTORY, MATERIALS, ORGANIZATIONS, STOCKS } from '../seed-data';

type Queryable = Pool | PoolClient;

/** Inserts the demo master data and opening stock where absent; existing rows (and stock levels) are kept. */
export async function seedMasterData(db: Queryable): Promise<void> {
  await db.query(
    `INSERT INTO k3sim.organization (number, id, name) SELECT * FROM unnest($1::text[], $2::int[], $3::text[])
     ON CONFLICT DO NOTHING`,
    [ORGANIZATIONS.map((o) => o.number), ORGANIZATIONS.map((o) => o.id), ORGANIZATIONS.map((o) => o.name)],
  );
  await db.query(
    `INSERT INTO k3sim.customer (number, id, name) SELECT * FROM unnest($1::text[], $2::int[], $3::text[])
     ON CONFLICT DO NOTHING`,
    [CUSTOMERS.map((c) => c.number), CUSTOMERS.map((c) => c.id), CUSTOMERS.map((c) => c.name)],
  );
  await db.query(
    `INSERT INTO k3sim.stock (number, id, name) SELECT * FROM unnest($1::text[], $2::int[], $3::text[])
     ON CONFLICT DO NOTHING`,
    [STOCKS.map((s) => s.number), STOCKS.map((s) => s.id), STOCKS.map((s) => s.name)],
  );
  await db.query(
    `INSERT INTO k3sim.material (number, id, name, specification, unit, default_stock)
     SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::text[], $6::text[])
     ON CONFLICT DO NOTHING`,
    [
      MATERIALS.map((m) => m.number),
      MATERIALS.map((m) => m.id),
      MATERIALS.map((m) => m.name),
      MATERIALS.map((m) => m.specification),
      MATERIALS.map((m) => m.unit),
      MATERIALS.map((m) => m.defaultStock),
    ],
  );
  await insertSeedInventory(db);
}

async function insertSeedInventory(db: Queryable): Promise<void> {
  await db.query(
    `INSERT INTO k3sim.inventory (material, stock, base_qty, avb_qty)
     SELECT m, s, q, q FROM unnest($1::text[], $2::text[], $3::numeric[]) AS x(m, s, q)
     ON CONFLICT (material, stock) DO NOTHING`,
    [INVENTORY.map((i) => i.material), INVENTORY.map((i) => i.stock), INVENTORY.map((i) => i.qty)],
  );
}

/** Deletes every document (entries and links cascade), restarts numbering and puts stock back to the seed. */
export async function resetDocuments(client: PoolClient, billNoSequences: readonly string[], seed: boolean): Promise<void> {
  await client.query(
    'TRUNCATE k3sim.bill_link, k3sim.bill_entry, k3sim.bill, k3sim.repeat_json RESTART IDENTITY',
  );
  await client.query(`ALTER SEQUENCE k3sim.bill_id_seq RESTART`);
  await client.query(`ALTER SEQUENCE k3sim.bill_entry_id_seq RESTART`);
  for (const seq of billNoSequences) await client.query(`ALTER SEQUENCE ${seq} RESTART`);
  await client.query('DELETE FROM k3sim.inventory');
  if (seed) await seedMasterData(client);
}
