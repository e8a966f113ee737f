import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { Socket } from 'node:net';
import { finished, pipeline, type Readable } from 'node:stream';
import { httpAgent, httpsAgent } from './http-agents';
import { contentDecoders } from './http-decoders';
import { UnsendableRequestError } from './http-errors';
import { wireHeaders } from './http-request-parts';

/** One request on the wire: the first one, or one that follows a redirect. */
export interface Hop {
  url: URL;
  method: string;
  /** The request's own headers; fetch's defaults are added per hop (wireHeaders). */
  headers: Record<string, string>;
  /** Text is sent as UTF-8. */
  body: string | Uint8Array | undefined;
}

export interface ResponseHead {
  status: number;
  /** Lower-case names; repeated headers joined with ", "; no set-cookie. */
  headers: Record<string, string>;
  setCookie: string[];
  message: IncomingMessage;
}

// fetch (undici) gave up on a connection not established within 10 s, whatever the request's timeout.
const CONNECT_TIMEOUT_MS = 10_000;
const utf8 = new TextDecoder('utf-8');

/**
 * The traffic of one HttpClient request: its hops one after the other over the shared keep-alive
 * pools, and one cancel() for whatever stops it early (its timer, the caller's signal). Whatever
 * is pending then rejects with the cancel's reason and the socket is destroyed, since a response
 * read halfway cannot be reused.
 */
export class HttpFlight {
  private req: ClientRequest | undefined;
  /** Rejects the promise that is pending, if any. */
  private fail: ((error: unknown) => void) | undefined;
  private cancelled = false;
  private reason: unknown;

  cancel(reason: unknown): void {
    if (this.cancelled) return;
    this.cancelled = true;
    this.reason = reason;
    const fail = this.fail;
    this.fail = undefined;
    this.req?.destroy();
    this.req = undefined;
    fail?.(reason);
  }

  /** Sends `hop` and resolves once the response head is in; the body is left for readText or discard. */
  send(hop: Hop): Promise<ResponseHead> {
    if (this.cancelled) return Promise.reject(this.reason as Error);
    const https = hop.url.protocol === 'https:';
    let req: ClientRequest;
    try {
      req = (https ? httpsRequest : httpRequest)({
        agent: https ? httpsAgent : httpAgent,
        protocol: hop.url.protocol,
        // URL keeps IPv6 literals in brackets; node:http wants the bare address.
        hostname: hop.url.hostname.startsWith('[') ? hop.url.hostname.slice(1, -1) : hop.url.hostname,
        port: hop.url.port,
        method: hop.method,
        path: `${hop.url.pathname}${hop.url.search}`,
        headers: wireHeaders(hop.headers, hop.url, hop.body),
      });
    } catch (error) {
      // node:http checks the method and every header as it builds the request, before any I/O.
      return Promise.reject(new UnsendableRequestError(error));
    }
    this.req = req;
    return new Promise<ResponseHead>((resolve, reject) => {
      let answered = false;
      this.fail = reject;
      // Once the head is in, the response stream reports what matters (a body cut short); an
      // error writing the rest of the upload (the server answered early and closed) does not.
      // The listener stays, so such an error is never unhandled.
      req.on('error', (error) => {
        if (!answered && this.req === req) this.failWith(error);
      });
      req.on('response', (message: IncomingMessage) => {
        answered = true;
        this.fail = undefined;
        resolve(readHead(message));
      });
      req.on('socket', (socket: Socket) => {
        if (socket.connecting) limitConnect({ req, socket, url: hop.url, https });
      });
      req.end(hop.body);
    });
  }

  /** A response that will not be read (a redirect being followed): its socket goes back to the pool if it can. */
  discard(head: ResponseHead): void {
    this.req = undefined;
    // Already complete when the body came with the head; otherwise it could be long, so drop the connection.
    if (head.message.complete) head.message.resume();
    else head.message.destroy();
  }

  /**
   * The body as text: decompressed per Content-Encoding, decoded as UTF-8 with a BOM dropped, and
   * refused (tooLarge) once past maxBytes after decompression. A Content-Length over the limit
   * fails before reading when the body is not encoded (otherwise it counts encoded bytes).
   */
  readText(head: ResponseHead, limit: { hasBody: boolean; maxBytes: number; tooLarge: (contentLength: number | undefined) => Error }): Promise<string> {
    const { message } = head;
    if (!limit.hasBody) {
      this.req = undefined;
      message.resume();
      return Promise.resolve('');
    }
    if (this.cancelled) return Promise.reject(this.reason as Error);
    const encoding = head.headers['content-encoding'];
    const declared = Number(head.headers['content-length'] ?? Number.NaN);
    if (encoding === undefined && declared > limit.maxBytes) {
      this.abandon();
      return Promise.reject(limit.tooLarge(declared));
    }
    let decoders;
    try {
      decoders = contentDecoders(encoding);
    } catch (error) {
      this.abandon();
      return Promise.reject(error as Error);
    }
    const last = decoders[decoders.length - 1];
    const source: Readable = last ?? message;
    // Both also report a response destroyed before this was called (its socket failed after the head).
    if (last) pipeline([message, ...decoders], (error) => error && this.failWith(error));
    else finished(message, (error) => error && this.failWith(error));
    return new Promise<string>((resolve, reject) => {
      this.fail = reject;
      const chunks: Buffer[] = [];
      let received = 0;
      source.on('data', (chunk: Buffer) => {
        if (this.fail === undefined) return; // already settled (over the limit, cancelled)
        received += chunk.length;
        if (received > limit.maxBytes) {
          this.fail = undefined;
          this.abandon();
          reject(limit.tooLarge(undefined));
          return;
        }
        chunks.push(chunk);
      });
      source.on('end', () => {
        if (this.fail === undefined) return;
        this.fail = undefined;
        this.req = undefined;
        resolve(chunks.length === 0 ? '' : utf8.decode(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, received)));
      });
    });
  }

  /** Called when the request is over, however it ended: a response still being sent is not wanted. */
  close(): void {
    this.fail = undefined;
    this.abandon();
  }

  private failWith(error: unknown): void {
    const fail = this.fail;
    this.fail = undefined;
    fail?.(error);
  }

  /** Stops reading: the rest of the body is not wanted, so the connection cannot be reused. */
  private abandon(): void {
    this.req?.destroy();
    this.req = undefined;
  }
}

function readHead(message: IncomingMessage): ResponseHead {
  const headers: Record<string, string> = {};
  const setCookie: string[] = [];
  const raw = message.rawHeaders;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = (raw[i] as string).toLowerCase();
    const value = raw[i + 1] as string;
    if (name === 'set-cookie') {
      setCookie.push(value);
      continue;
    }
    const previous = headers[name];
    headers[name] = previous === undefined || !Object.hasOwn(headers, name) ? value : `${previous}, ${value}`;
  }
  return { status: message.statusCode ?? 0, headers, setCookie, message };
}

/** Only for a new connection (TCP, and TLS for https); a pooled socket is already connected. */
function limitConnect(args: { req: ClientRequest; socket: Socket; url: URL; https: boolean }): void {
  const { req, socket, url } = args;
  const timer = setTimeout(() => {
    const error = Object.assign(new Error(`connection to ${url.host} not established within ${CONNECT_TIMEOUT_MS} ms`), { code: 'ETIMEDOUT' });
    req.destroy(error);
  }, CONNECT_TIMEOUT_MS);
  const done = () => {
    clearTimeout(timer);
    socket.off('close', done);
  };
  socket.once(args.https ? 'secureConnect' : 'connect', done);
  socket.once('close', done);
}
