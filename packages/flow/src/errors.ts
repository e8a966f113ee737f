import { z } from 'zod';

export const localizedTextSchema = z.object({ en: z.string(), 'zh-CN': z.string() });

export const compileErrorCodeSchema = z.enum([
  'schema',
  'duplicate_id',
  'dangling_edge',
  'cycle',
  'unknown_node_type',
  'missing_connection',
  'invalid_parameter',
  'expression_syntax',
  'unknown_reference',
  'not_upstream',
  'unknown_value_map',
  'empty_flow',
  'unsupported_version',
]);
export type CompileErrorCode = z.infer<typeof compileErrorCodeSchema>;

export const pathSchema = z.array(z.union([z.string(), z.number()]));
export type Path = z.infer<typeof pathSchema>;

/**
 * One problem found in a flow document.
 * `path` is relative to the node when `nodeId` is set, else to the edge when `edgeId` is set,
 * else to the document — so the canvas can select the node and then the field.
 */
export const compileErrorSchema = z.object({
  code: compileErrorCodeSchema,
  nodeId: z.string().optional(),
  edgeId: z.string().optional(),
  path: pathSchema,
  /** Character offset inside the expression, for `expression_syntax`. */
  position: z.int().optional(),
  message: localizedTextSchema,
});
export type CompileError = z.infer<typeof compileErrorSchema>;

export const expressionErrorCodeSchema = z.enum(['expression_timeout', 'expression_depth', 'expression_too_large', 'expression_error']);
export type ExpressionErrorCode = z.infer<typeof expressionErrorCodeSchema>;

export interface ExpressionErrorInit {
  code: ExpressionErrorCode;
  message: z.infer<typeof localizedTextSchema>;
  expression: string;
  position?: number;
  /** The JSONata error code (e.g. `T2001`) when JSONata raised the error. */
  jsonataCode?: string;
  /** Where the expression sits, e.g. `['parameters', 'model', 'FCustId']`, when known. */
  path?: Path;
}

/**
 * Thrown by expression evaluation. Not an `Error` subclass on purpose: `message` is bilingual
 * (`{ en, 'zh-CN' }`), which `Error#message: string` cannot carry. Use `isExpressionError`.
 */
export class ExpressionError {
  readonly name = 'ExpressionError';
  readonly code: ExpressionErrorCode;
  readonly message: z.infer<typeof localizedTextSchema>;
  readonly expression: string;
  readonly position?: number;
  readonly jsonataCode?: string;
  readonly path?: Path;

  constructor(init: ExpressionErrorInit) {
    this.code = init.code;
    this.message = init.message;
    this.expression = init.expression;
    if (init.position !== undefined) this.position = init.position;
    if (init.jsonataCode !== undefined) this.jsonataCode = init.jsonataCode;
    if (init.path !== undefined) this.path = init.path;
  }

  /** The same error, located at `path`. */
  at(path: Path): ExpressionError {
    return new ExpressionError({ ...this.init(), path });
  }

  private init(): ExpressionErrorInit {
    return {
      code: this.code,
      message: this.message,
      expression: this.expression,
      ...(this.position === undefined ? {} : { position: this.position }),
      ...(this.jsonataCode === undefined ? {} : { jsonataCode: this.jsonataCode }),
      ...(this.path === undefined ? {} : { path: this.path }),
    };
  }

  toString(): string {
    return `ExpressionError(${this.code}): ${this.message.en}`;
  }
}

export function isExpressionError(value: unknown): value is ExpressionError {
  return value instanceof ExpressionError;
}
