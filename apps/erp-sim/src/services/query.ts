import { MsgCode, failure, nestedForQuery } from '../envelope';
import type { MsgCodeValue } from '../envelope';
import { queryForm } from '../forms/registry';
import { buildQuery } from '../query/build-query';
import type { BuiltQuery } from '../query/build-query';
import { FilterSyntaxError, UnknownFieldError } from '../query/filter-ast';
import { isDataError } from '../store/pool';
import type { ServiceCall, ServiceOutcome, SimContext } from './context';
import { formatValue } from './format';
import type { Json } from './request';
import { asInt, asString, isObject, isOpError, pick, queryData } from './request';

const SYMBOLS = new Set(['=', '<>', '!=', '>', '<', '>=', '<=', 'like', 'not like']);

/**
 * The newer FilterString form: [{Left,FieldName,Compare,Value,Right,Logic}] with Logic 0=AND, 1=OR.
 * Only symbolic Compare values are understood (the numeric operator codes are not documented publicly);
 * the pieces are re-assembled into legacy text and go through the same parser.
 */
function filterFromArray(items: unknown[]): string {
  const parts: string[] = [];
  items.forEach((item, i) => {
    if (!isObject(item)) throw new FilterSyntaxError('FilterString 数组元素格式错误', i);
    const field = asString(pick(item, 'FieldName'))?.trim() ?? '';
    const compare = (asString(pick(item, 'Compare')) ?? '=').trim().toLowerCase();
    if (!SYMBOLS.has(compare)) throw new FilterSyntaxError(`不支持的比较符 ${compare}`, i);
    const value = `'${(asString(pick(item, 'Value')) ?? '').replace(/'/g, "''")}'`;
    const left = asString(pick(item, 'Left')) ?? '';
    const right = asString(pick(item, 'Right')) ?? '';
    if (/[^()\s]/.test(left + right)) throw new FilterSyntaxError('Left/Right 只能是括号', i);
    if (i > 0) parts.push(asInt(pick(items[i - 1] as Json, 'Logic'), 0) === 1 ? 'or' : 'and');
    parts.push(`${left} ${field} ${compare} ${value} ${right}`);
  });
  return parts.join(' ');
}

function queryError(code: MsgCodeValue, message: string, field?: string): ServiceOutcome {
  return { body: nestedForQuery(failure(code, message, field)) };
}

function fieldKeys(value: unknown): string {
  if (Array.isArray(value)) return value.map((v) => asString(v) ?? '').join(',');
  return asString(value) ?? '';
}

/** ExecuteBillQuery (bare 2-D array) and BillQuery (array of objects keyed by the requested field keys). */
export function queryService(shape: 'rows' | 'objects') {
  return async (ctx: SimContext, call: ServiceCall): Promise<ServiceOutcome> => {
    const data = queryData(call.body);
    if (isOpError(data)) return queryError(data.code, data.message);
    const formId = asString(pick(data, 'FormId'))?.trim() ?? '';
    if (formId === '') return queryError(MsgCode.EmptyBillId, '参数 FormId 不能为空');
    const form = queryForm(formId);
    if (!form) return queryError(MsgCode.BadParameter, `表单“${formId}”不存在或不支持查询`);
    let built: BuiltQuery;
    try {
      const rawFilter = pick(data, 'FilterString');
      built = buildQuery(form, {
        fieldKeys: fieldKeys(pick(data, 'FieldKeys')),
        filter: Array.isArray(rawFilter) ? filterFromArray(rawFilter) : (asString(rawFilter) ?? ''),
        order: asString(pick(data, 'OrderString')) ?? '',
        startRow: asInt(pick(data, 'StartRow'), 0),
        limit: asInt(pick(data, 'Limit'), 0),
        topRowCount: asInt(pick(data, 'TopRowCount'), 0),
      });
    } catch (err) {
      if (err instanceof UnknownFieldError) return queryError(MsgCode.FieldNotFound, `表单“${form.formId}”中${err.message}`, err.field);
      if (err instanceof FilterSyntaxError) return queryError(MsgCode.BadParameter, `查询条件语法错误：${err.message}`);
      throw err;
    }
    let rows: unknown[][];
    try {
      const result = await ctx.pool.query({ text: built.sql, values: built.params, rowMode: 'array' });
      rows = (result.rows as unknown[][]).map((row) => row.map((v, i) => formatValue(v, built.columns[i]?.field.type ?? 'text')));
    } catch (err) {
      // A literal that does not fit the field's type (e.g. FQty > 'abc') is the caller's error, not ours.
      if (isDataError(err)) return queryError(MsgCode.BadParameter, `查询条件的值与字段类型不匹配：${err instanceof Error ? err.message : ''}`);
      throw err;
    }
    if (shape === 'rows') return { body: rows };
    return { body: rows.map((row) => Object.fromEntries(built.columns.map((c, i) => [c.key, row[i] ?? null]))) };
  };
}
