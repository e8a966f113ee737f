import type { Hop, ResponseHead } from './http-flight';

const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
export const MAX_REDIRECTS = 20;
/** Describe a body; dropped with it when a redirect turns the request into a GET. */
const BODY_HEADERS = ['content-encoding', 'content-language', 'content-location', 'content-type', 'content-length'];
/** Meant for the origin they were given for; never sent on to another one. */
const ORIGIN_HEADERS = ['authorization', 'proxy-authorization', 'cookie', 'host'];

/** Whether the response is a redirect to follow rather than the answer (fetch's redirect: 'follow'). */
export function isRedirect(head: ResponseHead): boolean {
  return REDIRECT_STATUSES.has(head.status) && head.headers.location !== undefined;
}

/**
 * The next hop of a redirect, by fetch's rules: at most 20; 303 turns anything but GET/HEAD into
 * a GET without body, and 301/302 do the same to a POST; 307/308 resend the same request;
 * Authorization and Cookie do not go to another origin. Throws what fetch refused, as network errors.
 */
export function redirectHop(hop: Hop, head: ResponseHead, redirects: number): Hop {
  const location = head.headers.location ?? '';
  let url: URL;
  try {
    // Header values arrive as latin1; a server that wrote UTF-8 bytes meant UTF-8 (fetch reads it so).
    url = new URL(/^[\x20-\x7e]*$/.test(location) ? location : Buffer.from(location, 'latin1').toString('utf8'), hop.url);
  } catch (error) {
    throw new Error(`redirect to an invalid URL (HTTP ${head.status})`, { cause: error });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new Error('URL scheme must be a HTTP(S) scheme');
  if (redirects >= MAX_REDIRECTS) throw new Error('redirect count exceeded');
  const sameOrigin = url.protocol === hop.url.protocol && url.hostname === hop.url.hostname && url.port === hop.url.port;
  if ((url.username || url.password) && !sameOrigin) throw new Error('cross origin not allowed for request mode "cors"');
  url.username = '';
  url.password = '';

  let { method, body, headers } = hop;
  if (((head.status === 301 || head.status === 302) && method === 'POST') || (head.status === 303 && method !== 'GET' && method !== 'HEAD')) {
    method = 'GET';
    body = undefined;
    headers = without(headers, BODY_HEADERS);
  }
  if (!sameOrigin) headers = without(headers, ORIGIN_HEADERS);
  return { url, method, headers, body };
}

function without(headers: Record<string, string>, names: readonly string[]): Record<string, string> {
  const copy = { ...headers };
  for (const name of names) delete copy[name];
  return copy;
}
