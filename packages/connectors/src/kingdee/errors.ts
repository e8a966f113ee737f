import { ConnectorError } from '../kit/errors/connector-error';

export const SYSTEM = 'kingdee';

/**
 * MsgCode → retry decision. Retrying is safe for every write this connector makes, because each
 * write is preceded by a look-up (see idempotency.ts); so the question is only "can a later try
 * succeed without a human?".
 */
export const MSG_CODES: Readonly<Record<number, { meaning: string; retryable: boolean }>> = {
  0: { meaning: 'default (unclassified business failure)', retryable: false },
  1: { meaning: 'session lost (after one re-login and replay)', retryable: true },
  2: { meaning: 'no permission', retryable: false },
  3: { meaning: 'empty operation id', retryable: false },
  // Generic server exception: often a deadlock, timeout or plugin hiccup that clears on its own;
  // a deterministic one reaches "needs attention" after the node's retry budget.
  4: { meaning: 'exception', retryable: true },
  5: { meaning: 'empty bill id', retryable: false },
  // Database operation failure: deadlocks and lock timeouts are the common cause.
  6: { meaning: 'database operation failed', retryable: true },
  7: { meaning: 'licence error', retryable: false },
  8: { meaning: 'bad parameter', retryable: false },
  9: { meaning: 'field or value does not exist', retryable: false },
  10: { meaning: 'data not found', retryable: false },
  11: { meaning: 'validation failed', retryable: false },
  12: { meaning: 'operation not allowed', retryable: false },
  13: { meaning: 'network-lock conflict (someone else holds the document)', retryable: true },
  14: { meaning: 'call limit reached', retryable: true },
  15: { meaning: 'administrator login forbidden', retryable: false },
};

export function isRetryableMsgCode(msgCode: number): boolean {
  return MSG_CODES[msgCode]?.retryable ?? false;
}

export function sessionLostError(operation: string): ConnectorError {
  return new ConnectorError({
    system: SYSTEM,
    code: 'session_lost',
    message: `Kingdee ${operation}: the session was lost again right after logging in anew`,
    retryable: true,
  });
}
