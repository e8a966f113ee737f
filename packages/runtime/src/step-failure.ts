import { toConnectorFailure } from '@qiao/connectors';

/** What a failed try leaves on the step row and on the run: enough for an operator to act. */
export interface StepFailure {
  kind: 'connector' | 'user' | 'internal';
  code: string;
  message: string;
  retryable: boolean;
  retryAfterMs?: number;
  detail?: unknown;
}

export function describeFailure(err: unknown): StepFailure {
  if (isExpressionError(err)) {
    return { kind: 'user', code: err.code, message: err.message, retryable: false };
  }
  const f = toConnectorFailure(err);
  return {
    kind: f.kind,
    code: f.code,
    message: f.message,
    retryable: f.retryable,
    ...(f.retryAfterMs === undefined ? {} : { retryAfterMs: f.retryAfterMs }),
    ...(f.detail === undefined ? {} : { detail: f.detail }),
  };
}

function isExpressionError(err: unknown): err is { code: string; message: string } {
  return err instanceof Error && err.name === 'ExpressionError' && 'code' in err && typeof err.code === 'string';
}
