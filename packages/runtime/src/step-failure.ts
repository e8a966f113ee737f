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
  if (isDatabaseError(err)) {
    // The platform's own database hiccuped (restart, failover, pool exhausted): the try is worth repeating.
    return { kind: 'internal', code: 'database_unavailable', message: err instanceof Error ? err.message.slice(0, 500) : String(err), retryable: true };
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

/** Prisma's connection/timeout errors (P1xxx, P2024 pool timeout, P2028 transaction, P2034 conflict) and driver adapter failures. */
function isDatabaseError(err: unknown): boolean {
  if (!(err instanceof Error)) return false;
  const code = 'code' in err && typeof err.code === 'string' ? err.code : '';
  if (/^P1\d{3}$/.test(code) || code === 'P2024' || code === 'P2028' || code === 'P2034') return true;
  return err.name === 'DriverAdapterError' || err.name === 'PrismaClientInitializationError' || err.name === 'PrismaClientRustPanicError';
}
