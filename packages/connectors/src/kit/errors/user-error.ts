import type { LocalizedText } from '@qiao/flow';

/**
 * Bad input or configuration: the flow (or the connection) must be changed, so it is never retried.
 * `path` points at the offending field so the designer can highlight it.
 */
export interface UserErrorOptions {
  code: string;
  path?: readonly (string | number)[];
  message: LocalizedText | string;
  cause?: unknown;
}

export class UserError extends Error {
  override readonly name = 'UserError';
  readonly code: string;
  readonly path: (string | number)[];
  /** Both languages when the thrower provided them; `message` holds the English text. */
  readonly localized: LocalizedText;

  constructor(options: UserErrorOptions) {
    const localized =
      typeof options.message === 'string' ? { en: options.message, 'zh-CN': options.message } : options.message;
    super(localized.en, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = options.code;
    this.path = [...(options.path ?? [])];
    this.localized = localized;
  }
}

export function isUserError(error: unknown): error is UserError {
  return error instanceof UserError;
}
