import type { QueryField } from '../forms/types';
import type { FilterNode, Literal } from './filter-ast';
import type { SqlParams } from './sql-params';

export type FieldResolver = (name: string) => QueryField;

/** Compiles a filter tree to a SQL predicate; literals become typed parameters (cast to the field's type). */
export function compileFilter(node: FilterNode, resolve: FieldResolver, params: SqlParams): string {
  switch (node.type) {
    case 'and':
      return `(${compileFilter(node.left, resolve, params)} AND ${compileFilter(node.right, resolve, params)})`;
    case 'or':
      return `(${compileFilter(node.left, resolve, params)} OR ${compileFilter(node.right, resolve, params)})`;
    case 'not':
      return `(NOT ${compileFilter(node.expr, resolve, params)})`;
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
      return `(${field.sql} ${node.negated ? 'NOT ' : ''}IN (${list}))`;
    }
    case 'compare':
      return compileCompare(node, resolve, params);
  }
}

function compileCompare(node: Extract<FilterNode, { type: 'compare' }>, resolve: FieldResolver, params: SqlParams): string {
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
  return `(${leftSql} ${op} ${rightSql})`;
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
