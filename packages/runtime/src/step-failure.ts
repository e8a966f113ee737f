import { toConnectorFailure } from '@qiao/connectors';
import { isExpressionError } from '@qiao/flow';

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
    // A mapping that fails now fails the same way on retry: it needs a person, not another try.
    return { kind: 'user', code: err.code, message: `${err.message.en} / ${err.message['zh-CN']}`, retryable: false, detail: { expression: err.expression, path: err.path } };
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
