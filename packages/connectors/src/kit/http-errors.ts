import { ConnectorError } from './errors/connector-error';

/** node:http refused to build the request (bad header character, bad method): nothing was sent. */
export class UnsendableRequestError extends Error {
  constructor(cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause), { cause });
    this.name = 'UnsendableRequestError';
  }
}

/** A request that can never succeed as written: retrying will not help. */
export function invalidRequest(args: { system: string; target: string; reason: string; cause?: unknown }): ConnectorError {
  return new ConnectorError({
    system: args.system,
    code: 'invalid_request',
    message: `${args.target}: ${args.reason}`,
    retryable: false,
    cause: args.cause,
  });
}

/** `contentLength` when the announced length was over the limit; undefined when reading passed it. */
export function responseTooLarge(args: { system: string; target: string; maxBytes: number; status: number; contentLength: number | undefined }): ConnectorError {
  const size = args.contentLength === undefined ? `more than ${formatBytes(args.maxBytes)}` : formatBytes(args.contentLength);
  return new ConnectorError({
    system: args.system,
    code: 'response_too_large',
    message:
      `${args.target} answered HTTP ${args.status} with a body of ${size}, over the limit of ${formatBytes(args.maxBytes)} (maxResponseBytes); ` +
      `ask for less (filter or page the request) or raise the limit`,
    retryable: false,
    detail: { status: args.status, maxResponseBytes: args.maxBytes, ...(args.contentLength === undefined ? {} : { contentLength: args.contentLength }) },
  });
}

function formatBytes(bytes: number): string {
  if (bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0) return `${bytes / (1024 * 1024)} MiB (${bytes} bytes)`;
  if (bytes >= 1024 && bytes % 1024 === 0) return `${bytes / 1024} KiB (${bytes} bytes)`;
  return `${bytes} bytes`;
}

/** What the request's own timer aborts with: the same reason AbortSignal.timeout gives. */
export function ownTimeout(): DOMException {
  return new DOMException('The operation was aborted due to timeout', 'TimeoutError');
}

export function toTransportError(args: {
  error: unknown;
  system: string;
  target: string;
  timeoutMs: number;
  callerSignal: AbortSignal | undefined;
  timedOut: boolean;
}): ConnectorError {
  const { error, system, target } = args;
  if (error instanceof ConnectorError) return error;
  if (error instanceof UnsendableRequestError) return invalidRequest({ system, target, reason: error.message, cause: error.cause });
  // The caller's signal wins over our timeout. It may itself be a deadline (the step's timeout,
  // AbortSignal.timeout) — still a timeout — or a cancellation / worker shutdown.
  if (args.callerSignal?.aborted) {
    if (isTimeout(args.callerSignal.reason)) {
      return new ConnectorError({ system, code: 'timeout', message: `${target} was stopped by the step's time limit`, retryable: true, cause: error });
    }
    return new ConnectorError({
      system,
      code: 'aborted',
      message: `${target} was aborted by the caller`,
      retryable: true,
      cause: error,
    });
  }
  if (args.timedOut || isTimeout(error)) {
    return new ConnectorError({
      system,
      code: 'timeout',
      message: `${target} did not answer within ${args.timeoutMs} ms`,
      retryable: true,
      cause: error,
    });
  }
  const reason = networkReason(error);
  return new ConnectorError({
    system,
    code: 'network',
    message: `${target} failed: ${reason}`,
    retryable: true,
    detail: { reason },
    cause: error,
  });
}

function isTimeout(error: unknown): boolean {
  // DOMException is an Error subclass in Node; AbortSignal.timeout aborts with name TimeoutError.
  return error instanceof Error && error.name === 'TimeoutError';
}

/** The useful part, code first: `ECONNREFUSED connect ECONNREFUSED 127.0.0.1:9`, `ECONNRESET socket hang up`. */
function networkReason(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  // Failing every address of a host (IPv4 and IPv6 tried in turn) gives an AggregateError with no message.
  const inner = error instanceof AggregateError && error.message === '' && error.errors[0] instanceof Error ? (error.errors[0] as Error) : error;
  const code = 'code' in error && typeof error.code === 'string' ? error.code : undefined;
  return code && !inner.message.includes(code) ? `${code} ${inner.message}` : inner.message;
}
