import type { QueryField, QueryFormDef } from '../forms/types';
import { FilterSyntaxError, UnknownFieldError } from './filter-ast';
import { compileFilter, filterFields } from './filter-sql';
import { parseFilter } from './filter-parser';
import { parseOrder } from './order-parser';
import { SqlParams } from './sql-params';

export const DEFAULT_LIMIT = 2000;
export const MAX_LIMIT = 10000;

export interface QueryRequest {
  fieldKeys: string;
  filter: string;
  order: string;
  startRow: number;
  limit: number;
  topRowCount: number;
}

export interface SelectColumn {
  key: string;
  field: QueryField;
}

export interface BuiltQuery {
  sql: string;
  params: unknown[];
  columns: SelectColumn[];
}

/** Turns a K3 query (FieldKeys, FilterString, OrderString, paging) into one parameterised SELECT. */
export function buildQuery(form: QueryFormDef, req: QueryRequest): BuiltQuery {
  const resolve = (name: string): QueryField => {
    const field = form.fields.get(name.trim().toLowerCase());
    if (!field) throw new UnknownFieldError(name.trim());
    return field;
  };
  const keys = req.fieldKeys
    .split(',')
    .map((k) => k.trim())
    .filter((k) => k !== '');
  if (keys.length === 0) throw new FilterSyntaxError('FieldKeys 不能为空', 0);
  const columns = keys.map((key) => ({ key, field: resolve(key) }));
  const filter = parseFilter(req.filter);
  const order = parseOrder(req.order);
  const params = new SqlParams();
  const where = filter ? compileFilter(filter, resolve, params) : 'TRUE';
  const mentioned = [...columns.map((c) => c.field), ...filterFields(filter).map(resolve), ...order.map((o) => resolve(o.field))];
  const perEntry = form.fromEntry !== null && mentioned.some((f) => f.level === 'entry');
  const from = perEntry && form.fromEntry ? form.fromEntry : form.fromHeader;
  const orderSql = [
    ...order.map((o) => `${resolve(o.field).sql} ${o.descending ? 'DESC' : 'ASC'}`),
    // Stable tiebreak so StartRow paging never skips or repeats a row.
    perEntry ? form.orderEntry : form.orderHeader,
  ].join(', ');
  const { offset, limit } = window(req);
  const select = columns.map((c, i) => `${c.field.sql} AS c${i}`).join(', ');
  const sql = `SELECT ${select} FROM ${from} WHERE ${form.where} AND ${where} ORDER BY ${orderSql} OFFSET ${params.add(offset)} LIMIT ${params.add(limit)}`;
  return { sql, params: params.values, columns };
}

/** StartRow/Limit page, clipped to the first TopRowCount rows when TopRowCount > 0. */
export function window(req: Pick<QueryRequest, 'startRow' | 'limit' | 'topRowCount'>): { offset: number; limit: number } {
  const offset = Math.max(0, Math.trunc(req.startRow) || 0);
  let limit = Math.trunc(req.limit) || 0;
  if (limit <= 0) limit = DEFAULT_LIMIT;
  limit = Math.min(limit, MAX_LIMIT);
  const top = Math.trunc(req.topRowCount) || 0;
  if (top > 0) limit = Math.max(0, Math.min(limit, top - offset));
  return { offset, limit };
}
