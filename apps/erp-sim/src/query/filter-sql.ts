import type { QueryField } from '../forms/types';
import type { FilterNode, Literal } from './filter-ast';
import type { SqlParams } from './sql-params';

export type FieldResolver = (name: string) => QueryField;

/**
 * Compiles a filter tree to a SQL predicate; literals become typed parameters (cast to the field's type).
 *
 * `positive` is true while no NOT encloses the node: there the WHERE clause only asks whether the predicate
 * is TRUE, so an equality on a field with a `lookup` may be narrowed by it (`lookup AND exact` is TRUE exactly
 * when `exact` is). Under NOT it may not: where `exact` is NULL, NOT(FALSE AND NULL) would turn TRUE.
 */
export function compileFilter(node: FilterNode, resolve: FieldResolver, params: SqlParams, positive = true): string {
  switch (node.type) {
    case 'and':
      return `(${compileFilter(node.left, resolve, params, positive)} AND ${compileFilter(node.right, resolve, params, positive)})`;
    case 'or':
      return `(${compileFilter(node.left, resolve, params, positive)} OR ${compileFilter(node.right, resolve, params, positive)})`;
    case 'not':
      return `(NOT ${compileFilter(node.expr, resolve, params, false)})`;
    case 'isNull':
      return `(${resolve(node.field).sql} IS ${node.negated ? 'NOT ' : ''}NULL)`;
    case 'like': {
      const field = resolve(node.field);
      const column = field.type === 'text' ? field.sql : `(${field.sql})::text`;
      return `(${column} ${node.negated ? 'NOT ' : ''}LIKE ${literalSql(node.pattern, params, 'text')})`;
    }
    case 'in': {
      const field = resolve(node.field);
      const list = node.values.map((v) => literalSql(v, params, field.type)).join(', ');
      const exact = `(${field.sql} ${node.negated ? 'NOT ' : ''}IN (${list}))`;
      return positive && !node.negated ? narrowed(field, list, exact) : exact;
    }
    case 'compare':
      return compileCompare(node, resolve, params, positive);
  }
}

/** `lookup AND exact` for a field with an index lookup, else `exact` (see QueryField.lookup). */
function narrowed(field: QueryField, list: string, exact: string): string {
  return field.lookup ? `(${field.lookup(list)} AND ${exact})` : exact;
}

function compileCompare(
  node: Extract<FilterNode, { type: 'compare' }>,
  resolve: FieldResolver,
  params: SqlParams,
  positive: boolean,
): string {
  const { left, op, right } = node;
  // `X = null` reads as IS NULL, which is what people writing it mean.
  if (right.kind === 'null' || left.kind === 'null') {
    const other = right.kind === 'null' ? left : right;
    if (other.kind === 'field' && (op === '=' || op === '<>')) {
      return `(${resolve(other.name).sql} IS ${op === '<>' ? 'NOT ' : ''}NULL)`;
    }
    return 'FALSE';
  }
  const leftField = left.kind === 'field' ? resolve(left.name) : null;
  const rightField = right.kind === 'field' ? resolve(right.name) : null;
  const bothNumbers = left.kind === 'number' && right.kind === 'number';
  const fallback = bothNumbers ? 'number' : 'text';
  const leftSql = leftField ? leftField.sql : literalSql(left as Literal, params, rightField?.type ?? fallback);
  const rightSql = rightField ? rightField.sql : literalSql(right as Literal, params, leftField?.type ?? fallback);
  const exact = `(${leftSql} ${op} ${rightSql})`;
  // field = literal (either way round): the literal's parameter serves the lookup too.
  if (!positive || op !== '=' || (leftField === null) === (rightField === null)) return exact;
  return leftField ? narrowed(leftField, rightSql, exact) : narrowed(rightField as QueryField, leftSql, exact);
}

function literalSql(literal: Literal, params: SqlParams, type: QueryField['type']): string {
  if (literal.kind === 'null') return 'NULL';
  return params.add(literal.value, type);
}

/** Every field key a filter mentions (to decide whether rows are per entry). */
export function filterFields(node: FilterNode | null): string[] {
  if (!node) return [];
  switch (node.type) {
    case 'and':
    case 'or':
      return [...filterFields(node.left), ...filterFields(node.right)];
    case 'not':
      return filterFields(node.expr);
    case 'compare':
      return [node.left, node.right].flatMap((o) => (o.kind === 'field' ? [o.name] : []));
    default:
      return [node.field];
  }
}
