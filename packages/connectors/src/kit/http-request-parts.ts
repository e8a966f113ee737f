import { invalidRequest } from './http-errors';

/**
 * Turning an HttpRequest into what goes on the wire, the way fetch did it, so that moving off
 * fetch changed nothing a server can see: the same default headers, the same body headers.
 */

export type QueryValue = string | number | boolean | null | undefined | readonly (string | number | boolean)[];

/** Names the request in errors: `system` and `METHOD url-without-credentials-or-query`. */
export interface RequestLabel {
  system: string;
  target: string;
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
const UNSUPPORTED_METHODS = new Set(['CONNECT', 'TRACE', 'TRACK']);
// The client frames the message itself (Content-Length, keep-alive); fetch refused these too.
const FRAMING_HEADERS = new Set(['transfer-encoding', 'keep-alive', 'upgrade', 'expect']);
const HTTP_WHITESPACE = /^[\t\n\r ]+|[\t\n\r ]+$/g;

export function checkMethod(method: string, label: RequestLabel): void {
  if (!TOKEN.test(method)) throw invalidRequest({ ...label, reason: `'${method}' is not a valid HTTP method.` });
  if (UNSUPPORTED_METHODS.has(method)) throw invalidRequest({ ...label, reason: `'${method}' HTTP method is unsupported.` });
}

/** `new URL`, or undefined when it is not an absolute URL (reported once the request has a label). */
export function parseUrl(url: string): URL | undefined {
  try {
    return new URL(url);
  } catch {
    return undefined;
  }
}

/** Moves user:password@ into a Basic Authorization value and appends the query. Changes `parsed`. */
export function prepareUrl(args: { parsed: URL | undefined; query: Record<string, QueryValue> | undefined; label: RequestLabel }): { url: URL; basicAuth?: string } {
  const { parsed } = args;
  if (parsed === undefined) throw invalidRequest({ ...args.label, reason: 'not an absolute URL' });
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw invalidRequest({ ...args.label, reason: `unsupported protocol ${parsed.protocol}` });
  }
  let basicAuth: string | undefined;
  // Browsers and curl turn user:password@ into Basic auth; so did this client on fetch.
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
  return basicAuth === undefined ? { url: parsed } : { url: parsed, basicAuth };
}

/**
 * The caller's headers with lower-case names, values trimmed of surrounding whitespace and a name
 * given twice (in different case) joined with ", ", as fetch's Headers did. Host and
 * Content-Length are the client's to set. Characters a header cannot hold are left for node:http
 * to refuse (the client turns that into invalid_request).
 */
export function requestHeaders(given: Record<string, string> | undefined, label: RequestLabel): Record<string, string> {
  const headers: Record<string, string> = {};
  if (given === undefined) return headers;
  for (const name of Object.keys(given)) {
    const key = name.toLowerCase();
    const value = trimHttpWhitespace(String(given[name]));
    if (FRAMING_HEADERS.has(key) || (key === 'connection' && !/^(close|keep-alive)$/i.test(value))) {
      throw invalidRequest({ ...label, reason: `the ${key} header cannot be set: the client frames requests itself` });
    }
    if (key === 'host' || key === 'content-length') continue;
    const previous = Object.hasOwn(headers, key) ? headers[key] : undefined;
    headers[key] = previous === undefined ? value : `${previous}, ${value}`;
  }
  return headers;
}

function trimHttpWhitespace(value: string): string {
  const first = value.charCodeAt(0);
  const last = value.charCodeAt(value.length - 1);
  const edge = (c: number) => c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
  return value.length > 0 && (edge(first) || edge(last)) ? value.replace(HTTP_WHITESPACE, '') : value;
}

/**
 * The body to send, UTF-8 when text; sets the Content-Type fetch would have set (JSON: ours; text:
 * fetch's). Text stays a string: node:http then writes head and body in one go, without a Buffer.
 */
export function requestBody(args: { json: unknown; body: string | Uint8Array | undefined; headers: Record<string, string> }): string | Uint8Array | undefined {
  const { headers } = args;
  if (args.json !== undefined) {
    headers['content-type'] ??= 'application/json; charset=utf-8';
    // JSON.stringify gives undefined for a function or a symbol: no body then, as with fetch.
    return JSON.stringify(args.json) as string | undefined;
  }
  if (typeof args.body === 'string') headers['content-type'] ??= 'text/plain;charset=UTF-8';
  return args.body;
}

/** One hop's headers: the request's plus fetch's defaults (Accept-Encoding depends on the scheme). */
export function wireHeaders(headers: Record<string, string>, url: URL, body: string | Uint8Array | undefined): Record<string, string> {
  const wire = { ...headers };
  wire.accept ??= '*/*';
  wire['accept-language'] ??= '*';
  wire['sec-fetch-mode'] = 'cors';
  wire['user-agent'] ??= 'node';
  // A byte range is of the encoded body: ask for none, so the range means what the caller meant.
  if (wire.range !== undefined) wire['accept-encoding'] = wire['accept-encoding'] === undefined ? 'identity' : `${wire['accept-encoding']}, identity`;
  wire['accept-encoding'] ??= url.protocol === 'https:' ? 'br, gzip, deflate' : 'gzip, deflate';
  if (body !== undefined) wire['content-length'] = String(typeof body === 'string' ? Buffer.byteLength(body, 'utf8') : body.byteLength);
  return wire;
}

/**
 * The URL for logs and error messages: credentials and query never appear there. Built from the
 * parts rather than by copying the URL, which would parse it again.
 */
export function redact(url: URL): string {
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    const copy = new URL(url.href);
    copy.username = '';
    copy.password = '';
    copy.search = '';
    return copy.toString();
  }
  const credentials = url.username || url.password ? '***@' : '';
  return `${url.protocol}//${credentials}${url.host}${url.pathname}${url.hash}`;
}
