import type { PoolClient } from 'pg';
import type { Dec } from '../decimal';
import { D } from '../decimal';

export interface StockDelta {
  material: string;
  stock: string;
  /** Negative for an outbound audit, positive for its reversal. */
  qty: Dec;
}

export const stockKey = (material: string, stock: string): string => `${material}\u0000${stock}`;

/**
 * Locks the inventory rows for the given pairs in a fixed order (material, stock) so concurrent audits
 * never deadlock, and returns their on-hand quantity. Missing rows read as zero.
 */
export async function lockInventory(
  client: PoolClient,
  pairs: readonly { material: string; stock: string }[],
): Promise<Map<string, Dec>> {
  const quantities = new Map<string, Dec>();
  if (pairs.length === 0) return quantities;
  const result = await client.query<{ material: string; stock: string; baseQty: string }>(
    `SELECT i.material, i.stock, i.base_qty AS "baseQty" FROM k3sim.inventory i
     JOIN unnest($1::text[], $2::text[]) AS p(material, stock) ON p.material = i.material AND p.stock = i.stock
     ORDER BY i.material, i.stock FOR UPDATE OF i`,
    [pairs.map((p) => p.material), pairs.map((p) => p.stock)],
  );
  for (const row of result.rows) quantities.set(stockKey(row.material, row.stock), new D(row.baseQty));
  return quantities;
}

/** Applies quantity changes to on-hand and available stock, creating rows that did not exist. */
export async function applyStockDeltas(client: PoolClient, deltas: readonly StockDelta[]): Promise<void> {
  if (deltas.length === 0) return;
  const merged = new Map<string, StockDelta>();
  for (const d of deltas) {
    const key = stockKey(d.material, d.stock);
    const prev = merged.get(key);
    merged.set(key, prev ? { ...prev, qty: prev.qty.plus(d.qty) } : d);
  }
  const rows = [...merged.values()].sort((a, b) => (stockKey(a.material, a.stock) < stockKey(b.material, b.stock) ? -1 : 1));
  await client.query(
    `INSERT INTO k3sim.inventory (material, stock, base_qty, avb_qty)
     SELECT m, s, q, q FROM unnest($1::text[], $2::text[], $3::numeric[]) AS x(m, s, q)
     ON CONFLICT (material, stock) DO UPDATE
       SET base_qty = k3sim.inventory.base_qty + excluded.base_qty,
           avb_qty = k3sim.inventory.avb_qty + excluded.avb_qty`,
    [rows.map((r) => r.material), rows.map((r) => r.stock), rows.map((r) => r.qty.toString())],
  );
}

export async function inventoryOf(
  client: { query: PoolClient['query'] },
  material: string,
  stock: string,
): Promise<{ baseQty: string; avbQty: string } | null> {
  const result = await client.query<{ baseQty: string; avbQty: string }>(
    'SELECT base_qty AS "baseQty", avb_qty AS "avbQty" FROM k3sim.inventory WHERE material = $1 AND stock = $2',
    [material, stock],
  );
  return result.rows[0] ?? null;
}
