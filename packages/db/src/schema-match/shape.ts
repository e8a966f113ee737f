// A database schema reduced to what Prisma controls, in one form for both sides of the comparison:
// what schema.prisma declares (declared-shape.ts) and what PostgreSQL reports (live-shape.ts).

export interface ColumnShape {
  table: string;
  column: string;
  /** PostgreSQL's format_type() spelling, e.g. `timestamp(3) with time zone`; enums by name; lists end in `[]`. */
  type: string;
  nullable: boolean;
  /** Normalised by default-values.ts; null when the database supplies none. */
  default: string | null;
}

export interface IndexShape {
  table: string;
  name: string;
  kind: 'primary' | 'unique' | 'index';
  /** Column names in index order, ` DESC` appended for descending keys. */
  columns: string[];
  method: string;
  partial: boolean;
}

export type ReferentialAction = 'Cascade' | 'Restrict' | 'NoAction' | 'SetNull' | 'SetDefault';

export interface ForeignKeyShape {
  table: string;
  name: string;
  columns: string[];
  refTable: string;
  refColumns: string[];
  onDelete: ReferentialAction;
  onUpdate: ReferentialAction;
}

export interface EnumShape {
  name: string;
  values: string[];
}

export interface DbShape {
  tables: string[];
  columns: ColumnShape[];
  indexes: IndexShape[];
  foreignKeys: ForeignKeyShape[];
  enums: EnumShape[];
}

function describeColumn(c: ColumnShape): string {
  return `${c.type} ${c.nullable ? 'NULL' : 'NOT NULL'}${c.default === null ? '' : ` DEFAULT ${c.default}`}`;
}

function describeIndex(i: IndexShape): string {
  const kind = i.kind === 'primary' ? 'PRIMARY KEY' : i.kind === 'unique' ? 'UNIQUE INDEX' : 'INDEX';
  return `${kind} on ${i.table} USING ${i.method} (${i.columns.join(', ')})${i.partial ? ' WHERE …' : ''}`;
}

function describeForeignKey(f: ForeignKeyShape): string {
  return (
    `${f.table}(${f.columns.join(', ')}) -> ${f.refTable}(${f.refColumns.join(', ')}) ` +
    `ON DELETE ${f.onDelete} ON UPDATE ${f.onUpdate}`
  );
}

function diffMaps(what: string, declared: Map<string, string>, live: Map<string, string>): string[] {
  const out: string[] = [];
  for (const [key, want] of declared) {
    const have = live.get(key);
    if (have === undefined) out.push(`${what} ${key}: missing in the database (schema.prisma: ${want})`);
    else if (have !== want) out.push(`${what} ${key}: schema.prisma says ${want}; the database has ${have}`);
  }
  for (const [key, have] of live) {
    if (!declared.has(key)) out.push(`${what} ${key}: in the database but not in schema.prisma (${have})`);
  }
  return out;
}

/** Every difference as one readable line; empty when the database matches schema.prisma. */
export function compareShapes(declared: DbShape, live: DbShape): string[] {
  const byKey = <T>(items: T[], key: (item: T) => string, describe: (item: T) => string) =>
    new Map(items.map((item) => [key(item), describe(item)]));
  return [
    ...diffMaps('table', byKey(declared.tables, (t) => t, () => 'table'), byKey(live.tables, (t) => t, () => 'table')),
    ...diffMaps(
      'enum',
      byKey(declared.enums, (e) => e.name, (e) => e.values.join(', ')),
      byKey(live.enums, (e) => e.name, (e) => e.values.join(', ')),
    ),
    ...diffMaps(
      'column',
      byKey(declared.columns, (c) => `${c.table}.${c.column}`, describeColumn),
      byKey(live.columns, (c) => `${c.table}.${c.column}`, describeColumn),
    ),
    ...diffMaps('index', byKey(declared.indexes, (i) => i.name, describeIndex), byKey(live.indexes, (i) => i.name, describeIndex)),
    ...diffMaps(
      'foreign key',
      byKey(declared.foreignKeys, (f) => `${f.table}.${f.name}`, describeForeignKey),
      byKey(live.foreignKeys, (f) => `${f.table}.${f.name}`, describeForeignKey),
    ),
  ];
}
