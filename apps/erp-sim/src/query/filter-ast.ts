export type CompareOp = '=' | '<>' | '>' | '<' | '>=' | '<=';

export type Literal = { kind: 'string'; value: string } | { kind: 'number'; value: string } | { kind: 'null' };

/** Right-hand side of a comparison: a literal or another field. */
export type Operand = Literal | { kind: 'field'; name: string };

export type FilterNode =
  | { type: 'and'; left: FilterNode; right: FilterNode }
  | { type: 'or'; left: FilterNode; right: FilterNode }
  | { type: 'not'; expr: FilterNode }
  | { type: 'compare'; left: Operand; op: CompareOp; right: Operand }
  | { type: 'like'; field: string; pattern: Literal; negated: boolean }
  | { type: 'in'; field: string; values: Literal[]; negated: boolean }
  | { type: 'isNull'; field: string; negated: boolean };

export class FilterSyntaxError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(`${message} (位置 ${position})`);
    this.name = 'FilterSyntaxError';
  }
}

export class UnknownFieldError extends Error {
  constructor(readonly field: string) {
    super(`字段 ${field} 不存在`);
    this.name = 'UnknownFieldError';
  }
}
