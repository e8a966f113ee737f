export type DocStatus = 'Z' | 'A' | 'B' | 'C' | 'D';

export type FieldType = 'text' | 'number' | 'int' | 'date' | 'datetime';

/** How a query key maps onto SQL. `entry` fields force one row per entry. */
export interface QueryField {
  sql: string;
  level: 'header' | 'entry';
  type: FieldType;
  /**
   * For a field whose `sql` no index can serve (a correlated subquery). Builds an index-driven predicate that
   * holds for every row where `sql IN (values)` holds, i.e. it selects a superset of those rows. `values` is
   * a comma-separated list of SQL parameters.
   *
   * `field = v` and `field IN (…)` filters are compiled as `lookup(values) AND <the exact test>`. PostgreSQL
   * then starts from the index, and the exact test checks only the few candidates, so the answers do not change.
   */
  lookup?: (values: string) => string;
}

export interface QueryFormDef {
  formId: string;
  /** FROM clause for header-level rows, with alias `b` (documents) or the table's own alias. */
  fromHeader: string;
  /** FROM clause joining entries (alias `e`); null for single-level forms. */
  fromEntry: string | null;
  /** Trusted constant predicate selecting this form's rows ('TRUE' when the table holds only this form). */
  where: string;
  orderHeader: string;
  orderEntry: string;
  /** Keyed by lower-cased field key: K3 field keys are case-insensitive. */
  fields: ReadonlyMap<string, QueryField>;
}

export interface OrgFieldDef {
  key: string;
  label: string;
  column: 'main_org' | 'second_org';
  required: boolean;
  /** Key of another org field whose value is copied when this one is absent. */
  fallbackTo?: string;
}

export interface DocumentFormDef {
  formId: string;
  title: string;
  numberPrefix: string;
  numberDigits: number;
  /** Qualified sequence feeding auto-numbering. */
  numberSequence: string;
  defaultBillType: string;
  entryKey: string;
  customer: { key: string; label: string };
  orgs: readonly OrgFieldDef[];
  entry: {
    material: string;
    qty: string;
    qtyLabel: string;
    taxPrice: string;
    taxRate: string;
    unit: string;
    deliveryDate: string | null;
    /** Warehouse field; `required` means Save refuses an entry without one (after the material default). */
    stock: { key: string; required: boolean } | null;
  };
  /** Extra query keys (aliases K3 uses on this form). */
  queryAliases?: Readonly<Record<string, QueryField>>;
}
