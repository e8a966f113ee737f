import { ConnectorError } from './errors/connector-error';
import { parseJsonLossless } from './json';

export type QueryValue = string | number | boolean | null | undefined | readonly (string | number | boolean)[];

export interface HttpRequest {
  method: string;
  url: string;
  headers?: Record<string, string>;
  query?: Record<string, QueryValue>;
  /** Serialised with JSON.stringify; sets content-type application/json unless given. */
  json?: unknown;
  /** Raw body; ignored when `json` is set. */
  body?: string | Uint8Array;
  timeoutMs: number;
  /** Combined with the timeout; normally ctx.signal. */
  signal?: AbortSignal;
  /** Named in errors, e.g. `kingdee`. Defaults to `http`. */
  system?: string;
  /**
   * Largest body accepted, in bytes after decompression; default DEFAULT_MAX_RESPONSE_BYTES
   * (10 MiB). A longer body is not read further and the request fails with the non-retryable
   * ConnectorError `response_too_large`, so one huge answer cannot exhaust the worker's memory.
   */
  maxResponseBytes?: number;
}

export const DEFAULT_MAX_RESPONSE_BYTES = 10 * 1024 * 1024;

export interface HttpResponse {
  status: number;
  /** Lower-case header names; repeated headers joined with ", " (except set-cookie, see below). */
  headers: Record<string, string>;
  /** Every Set-Cookie line, unjoined (they may contain commas). */
  setCookie: string[];
  text: string;
  /** Parses `text` without losing digits; throws ConnectorError `bad_response` when it is not JSON. */
  json(): unknown;
}

export interface HttpClient {
  request(request: HttpRequest): Promise<HttpResponse>;
}

/**
 * The HTTP client handed to connectors as ctx.http. Built on Node's fetch (undici inside).
 * Timeouts and network failures become retryable ConnectorErrors; HTTP statuses are returned,
 * never thrown, because what a status means is the connector's decision.
 */
export function createHttpClient(): HttpClient {
  return { request: sendRequest };
}

async function sendRequest(request: HttpRequest): Promise<HttpResponse> {
  const system = request.system ?? 'http';
  const target = `${request.method.toUpperCase()} ${redact(request.url)}`;
  const maxBytes = request.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) {
    throw invalidRequest({ system, target, reason: `maxResponseBytes must be a non-negative integer, got ${maxBytes}` });
  }
  const { url, basicAuth } = prepareUrl({ url: request.url, query: request.query, system, target });
  let headers: Headers;
  try {
    headers = new Headers(request.headers);
  } catch (error) {
    throw invalidRequest({ system, target, reason: error instanceof Error ? error.message : String(error), cause: error });
  }
  // fetch refuses user:password@ in URLs; honour it the way browsers and curl do.
  if (basicAuth && !headers.has('authorization')) headers.set('authorization', basicAuth);
  let body: string | Uint8Array | undefined = request.body;
  if (request.json !== undefined) {
    body = JSON.stringify(request.json);
    if (!headers.has('content-type')) headers.set('content-type', 'application/json; charset=utf-8');
  }

  const timeout = AbortSignal.timeout(request.timeoutMs);
  const signal = request.signal ? AbortSignal.any([request.signal, timeout]) : timeout;
  try {
    // The cast is for the DOM lib (the web app type-checks the server's router type with it), whose
    // fetch refuses views that might sit on a SharedArrayBuffer; ours never do.
    const response = await fetch(url, { method: request.method.toUpperCase(), headers, body: body as string | Uint8Array<ArrayBuffer> | undefined, signal });
    // Reading the body is under the same signal, so a server that stalls mid-body also times out.
    const text = await readBody({ response, maxBytes, system, target });
    const responseHeaders: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      if (name !== 'set-cookie') responseHeaders[name] = value;
    });
    const status = response.status;
    return {
      status,
      headers: responseHeaders,
      setCookie: response.headers.getSetCookie(),
      text,
      json: () => parseBody({ text, status, system, target }),
    };
  } catch (error) {
    throw toTransportError({ error, system, target, timeoutMs: request.timeoutMs, callerSignal: request.signal, timedOut: timeout.aborted });
  }
}

/**
 * response.text() with a size limit: the body is streamed and decoded chunk by chunk (UTF-8, BOM
 * dropped, as text() does), and the stream is cancelled as soon as it passes `maxBytes`. A
 * Content-Length over the limit fails before anything is read.
 */
async function readBody(args: { response: Response; maxBytes: number; system: string; target: string }): Promise<string> {
  const { response, maxBytes } = args;
  const tooLarge = (contentLength: number | undefined) => responseTooLarge({ ...args, status: response.status, contentLength });
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  // Content-Length counts encoded bytes; only a plain body's length says the decoded one is too big.
  if (response.body && declared > maxBytes && !response.headers.has('content-encoding')) {
    await response.body.cancel().catch(() => undefined);
    throw tooLarge(declared);
  }
  if (!response.body) return '';
  const reader = response.body.getReader();
  const decoder = new TextDecoder('utf-8');
  const parts: string[] = [];
  let received = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    received += value.byteLength;
    if (received > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw tooLarge(undefined);
    }
    parts.push(decoder.decode(value, { stream: true }));
  }
  parts.push(decoder.decode());
  return parts.join('');
}

/** `contentLength` when the announced length was over the limit; undefined when reading passed it. */
function responseTooLarge(args: { system: string; target: string; maxBytes: number; status: number; contentLength: number | undefined }): ConnectorError {
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

function parseBody(args: { text: string; status: number; system: string; target: string }): unknown {
  try {
    return parseJsonLossless(args.text);
  } catch (error) {
    throw new ConnectorError({
      system: args.system,
      code: 'bad_response',
      message: `${args.target} answered HTTP ${args.status} with a body that is not JSON: ${excerpt(args.text)}`,
      retryable: args.status >= 500,
      detail: { status: args.status, body: excerpt(args.text, 2000) },
      cause: error,
    });
  }
}

function toTransportError(args: {
  error: unknown;
  system: string;
  target: string;
  timeoutMs: number;
  callerSignal: AbortSignal | undefined;
  timedOut: boolean;
}): ConnectorError {
  const { error, system, target } = args;
  if (error instanceof ConnectorError) return error;
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
  // fetch reports network trouble as TypeError("fetch failed") with the reason in `cause`;
  // any other TypeError is a request it refused to build (bad header value, body on GET…).
  if (error instanceof TypeError && error.cause === undefined) {
    return invalidRequest({ system, target, reason: error.message, cause: error });
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

/** fetch hides the useful part (ECONNREFUSED, ENOTFOUND, socket hang up) in `cause`. */
function networkReason(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const cause: unknown = error.cause;
  if (cause instanceof Error) {
    const code = 'code' in cause && typeof cause.code === 'string' ? cause.code : undefined;
    return code && !cause.message.includes(code) ? `${code} ${cause.message}` : cause.message;
  }
  return error.message;
}

function prepareUrl(args: { url: string; query: Record<string, QueryValue> | undefined; system: string; target: string }): { url: string; basicAuth?: string } {
  let parsed: URL;
  try {
    parsed = new URL(args.url);
  } catch (error) {
    throw invalidRequest({ system: args.system, target: args.target, reason: 'not an absolute URL', cause: error });
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw invalidRequest({ system: args.system, target: args.target, reason: `unsupported protocol ${parsed.protocol}` });
  }
  let basicAuth: string | undefined;
  if (parsed.username || parsed.password) {
    const user = decodeURIComponent(parsed.username);
    const password = decodeURIComponent(parsed.password);
    basicAuth = `Basic ${Buffer.from(`${user}:${password}`, 'utf8').toString('base64')}`;
    parsed.username = '';
    parsed.password = '';
  }
  for (const [key, value] of Object.entries(args.query ?? {})) {
    if (value === undefined || value === null) continue;
    const values: readonly (string | number | boolean)[] = Array.isArray(value) ? value : [value];
    for (const item of values) parsed.searchParams.append(key, String(item));
  }
  return basicAuth === undefined ? { url: parsed.toString() } : { url: parsed.toString(), basicAuth };
}

/** A request that can never succeed as written: retrying will not help. */
function invalidRequest(args: { system: string; target: string; reason: string; cause?: unknown }): ConnectorError {
  return new ConnectorError({
    system: args.system,
    code: 'invalid_request',
    message: `${args.target}: ${args.reason}`,
    retryable: false,
    cause: args.cause,
  });
}

/** Credentials in a URL must not reach logs or error messages. */
function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.username || parsed.password) {
      parsed.username = '***';
      parsed.password = '';
    }
    parsed.search = '';
    return parsed.toString();
  } catch {
    return url;
  }
}

export function excerpt(text: string, max = 500): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} chars)`;
}
