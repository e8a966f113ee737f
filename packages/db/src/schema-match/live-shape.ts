// What PostgreSQL reports for the current schema (normally `public`), read from the system catalogs.
import type pg from 'pg';
import { normaliseLiveDefault } from './default-values';
import type { DbShape, ReferentialAction } from './shape';

const ACTIONS: Record<string, ReferentialAction> = {
  a: 'NoAction',
  r: 'Restrict',
  c: 'Cascade',
  n: 'SetNull',
  d: 'SetDefault',
};

function action(code: string): ReferentialAction {
  const found = ACTIONS[code];
  if (found === undefined) throw new Error(`Unknown referential action code ${code}`);
  return found;
}

const COLUMNS_SQL = `
  SELECT c.relname AS table, a.attname AS column,
         CASE WHEN t.typtype = 'e' THEN t.typname::text
              WHEN et.typtype = 'e' THEN et.typname || '[]'
              ELSE format_type(a.atttypid, a.atttypmod) END AS type,
         t.typcategory = 'A' AS is_list,
         coalesce(et.typname, t.typname) IN ('json', 'jsonb') AS is_json,
         NOT a.attnotnull AS nullable,
         pg_get_expr(d.adbin, d.adrelid) AS default
  FROM pg_attribute a
  JOIN pg_class c ON c.oid = a.attrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_type t ON t.oid = a.atttypid
  LEFT JOIN pg_type et ON et.oid = t.typelem AND t.typcategory = 'A'
  LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
  WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND a.attnum > 0 AND NOT a.attisdropped
  ORDER BY c.relname, a.attnum`;

const INDEXES_SQL = `
  SELECT ic.relname AS name, c.relname AS table, i.indisprimary AS primary, i.indisunique AS unique,
         am.amname AS method, i.indpred IS NOT NULL AS partial,
         array(
           SELECT coalesce(a.attname::text, pg_get_indexdef(i.indexrelid, k.ord::int, true))
                  || CASE WHEN pg_index_column_has_property(i.indexrelid, k.ord::int, 'desc') THEN ' DESC' ELSE '' END
           FROM unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
           LEFT JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum AND k.attnum > 0
           WHERE k.ord <= i.indnkeyatts
           ORDER BY k.ord
         ) AS columns
  FROM pg_index i
  JOIN pg_class ic ON ic.oid = i.indexrelid
  JOIN pg_class c ON c.oid = i.indrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_am am ON am.oid = ic.relam
  WHERE n.nspname = current_schema()`;

const FOREIGN_KEYS_SQL = `
  SELECT con.conname AS name, c.relname AS table, rc.relname AS ref_table,
         con.confdeltype::text AS on_delete, con.confupdtype::text AS on_update,
         array(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY AS k(attnum, ord)
               JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.attnum ORDER BY k.ord) AS columns,
         array(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY AS k(attnum, ord)
               JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.attnum ORDER BY k.ord) AS ref_columns
  FROM pg_constraint con
  JOIN pg_class c ON c.oid = con.conrelid
  JOIN pg_class rc ON rc.oid = con.confrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE con.contype = 'f' AND n.nspname = current_schema()`;

const ENUMS_SQL = `
  SELECT t.typname AS name, array_agg(e.enumlabel::text ORDER BY e.enumsortorder) AS values
  FROM pg_type t
  JOIN pg_enum e ON e.enumtypid = t.oid
  JOIN pg_namespace n ON n.oid = t.typnamespace
  WHERE n.nspname = current_schema()
  GROUP BY t.typname`;

interface ColumnRow {
  table: string;
  column: string;
  type: string;
  is_list: boolean;
  is_json: boolean;
  nullable: boolean;
  default: string | null;
}
interface IndexRow {
  name: string;
  table: string;
  primary: boolean;
  unique: boolean;
  method: string;
  partial: boolean;
  columns: string[];
}
interface ForeignKeyRow {
  name: string;
  table: string;
  ref_table: string;
  on_delete: string;
  on_update: string;
  columns: string[];
  ref_columns: string[];
}

/** The live schema, leaving out the given tables (the migrator's bookkeeping) and their indexes. */
export async function liveShape(client: pg.ClientBase, ignoreTables: string[]): Promise<DbShape> {
  const ignored = new Set(ignoreTables);
  // One after another: a pg.Client runs one query at a time.
  const columns = await client.query<ColumnRow>(COLUMNS_SQL);
  const indexes = await client.query<IndexRow>(INDEXES_SQL);
  const foreignKeys = await client.query<ForeignKeyRow>(FOREIGN_KEYS_SQL);
  const enums = await client.query<{ name: string; values: string[] }>(ENUMS_SQL);
  const columnRows = columns.rows.filter((r) => !ignored.has(r.table));
  return {
    tables: [...new Set(columnRows.map((r) => r.table))],
    columns: columnRows.map((r) => ({
      table: r.table,
      column: r.column,
      type: r.type,
      nullable: r.nullable,
      default: normaliseLiveDefault(r.default, { isJson: r.is_json && !r.is_list, isList: r.is_list }),
    })),
    indexes: indexes.rows
      .filter((r) => !ignored.has(r.table))
      .map((r) => ({
        table: r.table,
        name: r.name,
        kind: r.primary ? 'primary' : r.unique ? 'unique' : 'index',
        columns: r.columns,
        method: r.method,
        partial: r.partial,
      })),
    foreignKeys: foreignKeys.rows
      .filter((r) => !ignored.has(r.table))
      .map((r) => ({
        table: r.table,
        name: r.name,
        columns: r.columns,
        refTable: r.ref_table,
        refColumns: r.ref_columns,
        onDelete: action(r.on_delete),
        onUpdate: action(r.on_update),
      })),
    enums: enums.rows.map((r) => ({ name: r.name, values: r.values })),
  };
}
