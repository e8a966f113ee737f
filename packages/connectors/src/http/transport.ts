import { createHash } from 'node:crypto';
import { ConnectorError } from '../kit/errors/connector-error';
import { UserError } from '../kit/errors/user-error';
import { excerpt, type QueryValue } from '../kit/http-client';
import { parseJsonLossless } from '../kit/json';
import { parseRetryAfter } from '../kit/retry-after';
import { authHeaders, type HttpConnectionContext } from './auth';

const SYSTEM = 'http';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface SendOptions {
  method: string;
  url: string;
  headers?: Record<string, string> | undefined;
  query?: Record<string, QueryValue> | undefined;
  body?: unknown;
  timeoutMs: number;
  expectJson: boolean;
  successStatuses?: readonly number[] | undefined;
  /** Sent as `Idempotency-Key` on unsafe methods. */
  idempotencyKey?: string | undefined;
  /** Largest answer accepted; the HTTP client's default (10 MiB) when absent. */
  maxResponseBytes?: number | undefined;
}

export interface SendResult {
  status: number;
  headers: Record<string, string>;
  body: unknown;
}

/** The only code in this connector that talks to the remote system. */
export async function send(ctx: HttpConnectionContext, options: SendOptions): Promise<SendResult> {
  const method = options.method.toUpperCase();
  const url = resolveUrl(options.url, ctx.credentials.baseUrl);
  if (options.body !== undefined && (method === 'GET' || method === 'HEAD')) {
    throw new UserError({ code: 'body_not_allowed', path: ['body'], message: { en: `${method} requests cannot carry a body`, 'zh-CN': `${method} 请求不能带请求体` } });
  }

  const headers = lowerCaseKeys(options.headers ?? {});
  if (options.expectJson && !headers.accept) headers.accept = 'application/json';
  if (options.idempotencyKey && !SAFE_METHODS.has(method) && !headers['idempotency-key']) {
    headers['idempotency-key'] = structuredFieldString(options.idempotencyKey);
  }
  // The connection's credentials win over a header of the same name typed into a node.
  Object.assign(headers, lowerCaseKeys(authHeaders(ctx.credentials)));

  const rawBody = typeof options.body === 'string' && headers['content-type'] && !/json/i.test(headers['content-type']);
  const response = await ctx.http.request({
    method,
    url,
    headers,
    query: options.query,
    ...(options.body === undefined ? {} : rawBody ? { body: String(options.body) } : { json: options.body }),
    timeoutMs: options.timeoutMs,
    signal: ctx.signal,
    system: SYSTEM,
    ...(options.maxResponseBytes === undefined ? {} : { maxResponseBytes: options.maxResponseBytes }),
  });

  const ok = options.successStatuses ? options.successStatuses.includes(response.status) : response.status >= 200 && response.status < 300;
  if (!ok) throw statusError({ method, url, status: response.status, text: response.text, retryAfter: response.headers['retry-after'] });
  return { status: response.status, headers: response.headers, body: options.expectJson ? readJson(response.text, `${method} ${url}`) : response.text };
}

function statusError(args: { method: string; url: string; status: number; text: string; retryAfter: string | undefined }): ConnectorError {
  const { status } = args;
  const retryable = status >= 500 || status === 408 || status === 429;
  const retryAfterMs = retryable ? parseRetryAfter(args.retryAfter) : undefined;
  const body = excerpt(args.text, 500);
  const options = {
    system: SYSTEM,
    code: `http_${status}`,
    message: `${args.method} ${stripQuery(args.url)} answered HTTP ${status}${body ? `: ${body}` : ''}`,
    retryable,
    detail: { status, body: excerpt(args.text, 2000) },
  };
  return new ConnectorError(retryAfterMs === undefined ? options : { ...options, retryAfterMs });
}

function readJson(text: string, target: string): unknown {
  if (text.trim() === '') return null; // 204 and friends
  try {
    return parseJsonLossless(text);
  } catch (error) {
    throw new ConnectorError({
      system: SYSTEM,
      code: 'bad_response',
      message: `${stripQuery(target)} answered a body that is not JSON (set expectJson to false to get text): ${excerpt(text, 300)}`,
      retryable: false,
      detail: { body: excerpt(text, 2000) },
      cause: error,
    });
  }
}

/** Absolute http(s) URLs are used as they are; anything else is appended to the connection's baseUrl. */
export function resolveUrl(url: string, baseUrl: string | undefined): string {
  if (/^[a-z][a-z0-9+.-]*:/i.test(url)) {
    if (!/^https?:\/\//i.test(url)) {
      throw new UserError({ code: 'unsupported_url', path: ['url'], message: { en: 'Only http and https URLs are supported', 'zh-CN': '仅支持 http 和 https 地址' } });
    }
    return url;
  }
  if (!baseUrl) {
    throw new UserError({
      code: 'relative_url_without_base',
      path: ['url'],
      message: { en: `"${url}" is relative but the connection has no baseUrl`, 'zh-CN': `「${url}」是相对地址，但连接未设置 baseUrl` },
    });
  }
  // Joined rather than resolved: a base of https://api.example.com/v1 with "orders" must keep /v1.
  return url === '' ? baseUrl : `${baseUrl.replace(/\/+$/, '')}/${url.replace(/^\/+/, '')}`;
}

/**
 * Idempotency-Key is a Structured-Field string: quoted, with \ and " escaped, printable ASCII only.
 * A key outside that range is replaced by its SHA-256, which is still stable across retries.
 */
export function structuredFieldString(value: string): string {
  const printable = /^[\x20-\x7e]*$/.test(value) ? value : createHash('sha256').update(value).digest('hex');
  return `"${printable.replace(/[\\"]/g, (c) => `\\${c}`)}"`;
}

function lowerCaseKeys(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}

function stripQuery(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? url : url.slice(0, q);
}
