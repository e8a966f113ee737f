import { ConnectorError } from './errors/connector-error';
import { HttpFlight, type Hop } from './http-flight';
import { invalidRequest, ownTimeout, responseTooLarge, toTransportError } from './http-errors';
import { isRedirect, redirectHop } from './http-redirect';
import { checkMethod, parseUrl, prepareUrl, redact, requestBody, requestHeaders, type QueryValue, type RequestLabel } from './http-request-parts';
import { parseJsonLossless } from './json';

export type { QueryValue } from './http-request-parts';

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
 * The HTTP client handed to connectors as ctx.http. Built on node:http / node:https over
 * process-wide keep-alive pools (http-agents.ts); on the wire it behaves like the global fetch it
 * replaced (default headers, decompression, redirects), at a fraction of fetch's CPU per request.
 * Timeouts and network failures become retryable ConnectorErrors; HTTP statuses are returned,
 * never thrown, because what a status means is the connector's decision.
 */
export function createHttpClient(): HttpClient {
  return { request: sendRequest };
}

const NULL_BODY_STATUSES = new Set([101, 204, 205, 304]);
const MAX_TIMER_MS = 2 ** 31 - 1;

async function sendRequest(request: HttpRequest): Promise<HttpResponse> {
  const system = request.system ?? 'http';
  const method = request.method.toUpperCase();
  const parsed = parseUrl(request.url);
  const label: RequestLabel = { system, target: `${method} ${parsed ? redact(parsed) : request.url}` };
  const maxBytes = request.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  if (!Number.isSafeInteger(maxBytes) || maxBytes < 0) {
    throw invalidRequest({ ...label, reason: `maxResponseBytes must be a non-negative integer, got ${maxBytes}` });
  }
  const { timeoutMs } = request;
  if (!Number.isInteger(timeoutMs) || timeoutMs < 0 || timeoutMs > MAX_TIMER_MS) {
    throw invalidRequest({ ...label, reason: `timeoutMs must be an integer from 0 to ${MAX_TIMER_MS}, got ${timeoutMs}` });
  }
  checkMethod(method, label);
  const { url, basicAuth } = prepareUrl({ parsed, query: request.query, label });
  const headers = requestHeaders(request.headers, label);
  if (basicAuth && headers.authorization === undefined) headers.authorization = basicAuth;
  const body = requestBody({ json: request.json, body: request.body, headers });
  if (body !== undefined && (method === 'GET' || method === 'HEAD')) {
    throw invalidRequest({ ...label, reason: 'Request with GET/HEAD method cannot have body.' });
  }

  const { signal } = request;
  const fail = (error: unknown, timedOut: boolean) => toTransportError({ error, ...label, timeoutMs, callerSignal: signal, timedOut });
  if (signal?.aborted) throw fail(signal.reason, false);
  // One timer and one listener per request, both gone in `finally`: AbortSignal.timeout and
  // AbortSignal.any cost more CPU than the rest of a keep-alive request.
  const flight = new HttpFlight();
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    flight.cancel(ownTimeout());
  }, timeoutMs);
  const onAbort = () => flight.cancel(signal?.reason);
  signal?.addEventListener('abort', onAbort, { once: true });
  try {
    return await exchange({ flight, hop: { url, method, headers, body }, maxBytes, label });
  } catch (error) {
    throw fail(error, timedOut);
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
    flight.close();
  }
}

/** Sends the request, follows redirects, and reads the final answer under the size limit. */
async function exchange(args: { flight: HttpFlight; hop: Hop; maxBytes: number; label: RequestLabel }): Promise<HttpResponse> {
  const { flight, maxBytes, label } = args;
  let hop = args.hop;
  for (let redirects = 0; ; redirects++) {
    const head = await flight.send(hop);
    const { status } = head;
    if (isRedirect(head)) {
      const next = redirectHop(hop, head, redirects);
      flight.discard(head);
      hop = next;
      continue;
    }
    const text = await flight.readText(head, {
      hasBody: hop.method !== 'HEAD' && !NULL_BODY_STATUSES.has(status),
      maxBytes,
      tooLarge: (contentLength) => responseTooLarge({ ...label, maxBytes, status, contentLength }),
    });
    return { status, headers: head.headers, setCookie: head.setCookie, text, json: () => parseBody({ text, status, ...label }) };
  }
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

export function excerpt(text: string, max = 500): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} chars)`;
}
