import { TRPCClientError } from '@trpc/client';

const CJK = /[\u3400-\u9fff\uf900-\ufaff]/;

/**
 * Some server messages carry both languages as "English. / 中文。"; show the half in the
 * interface's language. Any other message is shown as the server wrote it.
 */
export function pickLanguage(message: string, language: string): string {
  const at = message.lastIndexOf(' / ');
  if (at < 0) return message;
  const en = message.slice(0, at).trim();
  const zh = message.slice(at + 3).trim();
  if (!en || !zh || CJK.test(en) || !CJK.test(zh)) return message;
  return language.startsWith('zh') ? zh : en;
}

export interface ErrorTexts {
  /** When the server could not be reached or answered something that is not the API's. */
  network: string;
  /** When the error is not one the API produced. */
  unknown: string;
}

/** The server's message for a failed tRPC call (never a stack trace), or a plain sentence. */
export function errorMessage(err: unknown, language: string, texts: ErrorTexts): string {
  if (err instanceof TRPCClientError) {
    // No shape: the answer was not the API's (server down, proxy error page, network gone).
    if (err.shape === undefined || err.shape === null) return texts.network;
    const message = typeof err.message === 'string' && err.message.trim() !== '' ? err.message : texts.unknown;
    return pickLanguage(message, language);
  }
  if (err instanceof TypeError) return texts.network;
  return texts.unknown;
}

/** HTTP status of a failed tRPC call, when the server answered. */
export function httpStatusOf(err: unknown): number | undefined {
  if (!(err instanceof TRPCClientError)) return undefined;
  const data: unknown = err.data;
  if (typeof data === 'object' && data !== null && 'httpStatus' in data && typeof data.httpStatus === 'number') return data.httpStatus;
  return undefined;
}

/** Field-level problems the server named (input validation, connection credentials), keyed by path. */
export function fieldIssues(err: unknown): Record<string, string> {
  if (!(err instanceof TRPCClientError)) return {};
  const data: unknown = err.data;
  if (typeof data !== 'object' || data === null) return {};
  const lists: unknown[] = [];
  if ('issues' in data) lists.push(data.issues);
  if ('details' in data && typeof data.details === 'object' && data.details !== null && 'issues' in data.details) lists.push(data.details.issues);
  const out: Record<string, string> = {};
  for (const list of lists) {
    if (!Array.isArray(list)) continue;
    for (const item of list as unknown[]) {
      if (typeof item === 'object' && item !== null && 'path' in item && 'message' in item && typeof item.path === 'string' && typeof item.message === 'string') {
        out[item.path] ??= item.message;
      }
    }
  }
  return out;
}
