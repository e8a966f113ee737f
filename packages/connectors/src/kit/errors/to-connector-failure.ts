import { z } from 'zod';
import type { LocalizedText } from '@qiao/flow';
import { ConnectorError } from './connector-error';
import { UserError } from './user-error';

/** The one shape the runtime stores and shows for a failed step. */
export interface ConnectorFailure {
  kind: 'connector' | 'user' | 'internal';
  retryable: boolean;
  code: string;
  message: string;
  retryAfterMs?: number;
  detail?: unknown;
  /** Only for `user`: where in the input the problem is. */
  path?: (string | number)[];
  /** Only for `user`, when the thrower gave both languages. */
  localized?: LocalizedText;
  /** Only for `connector`. */
  system?: string;
}

/**
 * Normalises anything an action may throw. Zod errors (input that slipped past validation)
 * count as user errors; anything unrecognised is an internal error (a bug) and is not retried.
 */
export function toConnectorFailure(error: unknown): ConnectorFailure {
  if (error instanceof ConnectorError || looksLike(error, 'ConnectorError')) {
    const failure: ConnectorFailure = {
      kind: 'connector',
      retryable: error.retryable,
      code: error.code,
      message: error.message,
      system: error.system,
    };
    if (error.retryAfterMs !== undefined) failure.retryAfterMs = error.retryAfterMs;
    if (error.detail !== undefined) failure.detail = error.detail;
    return failure;
  }
  if (error instanceof UserError || looksLike(error, 'UserError')) {
    const failure: ConnectorFailure = { kind: 'user', retryable: false, code: error.code, message: error.message, path: error.path ?? [] };
    if (error.localized) failure.localized = error.localized;
    return failure;
  }
  if (error instanceof z.ZodError) {
    const first = error.issues[0];
    return {
      kind: 'user',
      retryable: false,
      code: 'invalid_input',
      message: first ? `${formatPath(first.path)}: ${first.message}` : 'Invalid input',
      path: first ? first.path.map(pathSegment) : [],
      detail: error.issues,
    };
  }
  if (error instanceof Error) {
    const code = 'code' in error && typeof error.code === 'string' && error.name === 'InternalError' ? error.code : 'internal';
    return { kind: 'internal', retryable: false, code, message: error.message, detail: { name: error.name, stack: error.stack } };
  }
  return { kind: 'internal', retryable: false, code: 'internal', message: String(error) };
}

interface ErrorShapes {
  ConnectorError: Pick<ConnectorError, 'name' | 'message' | 'system' | 'code' | 'retryable' | 'retryAfterMs' | 'detail'>;
  UserError: Pick<UserError, 'name' | 'message' | 'code'> & { path?: (string | number)[]; localized?: LocalizedText };
}

/**
 * Recognises errors by name and shape too, so one thrown by another copy of this package (or a
 * plain Error the runtime decorated) is classified the same as an instance.
 */
function looksLike<K extends keyof ErrorShapes>(error: unknown, name: K): error is ErrorShapes[K] {
  if (!(error instanceof Error) || error.name !== name || !('code' in error) || typeof error.code !== 'string') return false;
  return name === 'UserError' || ('retryable' in error && typeof error.retryable === 'boolean' && 'system' in error && typeof error.system === 'string');
}

function pathSegment(segment: PropertyKey): string | number {
  return typeof segment === 'number' ? segment : String(segment);
}

function formatPath(path: readonly PropertyKey[]): string {
  return path.length === 0 ? '(root)' : path.map(pathSegment).join('.');
}
