import type { Pool } from 'pg';

export interface MasterRecord {
  id: number;
  number: string;
  name: string;
}

export interface MaterialRecord extends MasterRecord {
  specification: string;
  unit: string;
  defaultStock: string | null;
}

export type MasterKind = 'organization' | 'customer' | 'material' | 'stock';

/**
 * Master data held in memory: it only changes on seeding/reset, and validating every Save against the
 * database would add a round trip per reference on the benchmark's hot path.
 */
export class MasterData {
  organization = new Map<string, MasterRecord>();
  customer = new Map<string, MasterRecord>();
  material = new Map<string, MaterialRecord>();
  stock = new Map<string, MasterRecord>();

  async load(pool: Pool): Promise<void> {
    const [orgs, customers, materials, stocks] = await Promise.all([
      pool.query<MasterRecord>('SELECT id, number, name FROM k3sim.organization'),
      pool.query<MasterRecord>('SELECT id, number, name FROM k3sim.customer'),
      pool.query<MaterialRecord>(
        'SELECT id, number, name, specification, unit, default_stock AS "defaultStock" FROM k3sim.material',
      ),
      pool.query<MasterRecord>('SELECT id, number, name FROM k3sim.stock'),
    ]);
    this.organization = new Map(orgs.rows.map((r) => [r.number, r]));
    this.customer = new Map(customers.rows.map((r) => [r.number, r]));
    this.material = new Map(materials.rows.map((r) => [r.number, r]));
    this.stock = new Map(stocks.rows.map((r) => [r.number, r]));
  }

  has(kind: MasterKind, number: string): boolean {
    return this[kind].has(number);
  }

  name(kind: MasterKind, number: string | null): string | null {
    if (number === null) return null;
    return this[kind].get(number)?.name ?? null;
  }

  id(kind: MasterKind, number: string | null): number {
    if (number === null) return 0;
    return this[kind].get(number)?.id ?? 0;
  }
}
