/**
 * The external system failed. Carries the retry decision so the runtime never has to guess
 * from a message: `retryable` and, when the remote side said so, `retryAfterMs`.
 */
export interface ConnectorErrorOptions {
  /** Which remote system failed, e.g. `kingdee`, `http`. */
  system: string;
  /** Stable machine code, e.g. `timeout`, `network`, `k3_11`, `http_503`. */
  code: string;
  message: string;
  retryable: boolean;
  retryAfterMs?: number;
  /** Raw vendor body or structured facts, kept for the operator and the audit trail. */
  detail?: unknown;
  cause?: unknown;
}

export class ConnectorError extends Error {
  override readonly name = 'ConnectorError';
  readonly system: string;
  readonly code: string;
  readonly retryable: boolean;
  readonly retryAfterMs?: number;
  readonly detail?: unknown;

  constructor(options: ConnectorErrorOptions) {
    super(options.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.system = options.system;
    this.code = options.code;
    this.retryable = options.retryable;
    if (options.retryAfterMs !== undefined) this.retryAfterMs = options.retryAfterMs;
    if (options.detail !== undefined) this.detail = options.detail;
  }
}

export function isConnectorError(error: unknown): error is ConnectorError {
  return error instanceof ConnectorError;
}
