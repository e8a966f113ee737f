import { getEventListeners } from 'node:events';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { brotliCompressSync, deflateRawSync, deflateSync, gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { createHttpClient, type HttpRequest } from './http-client';
import { startRecordingServer, type Answer, type RecordingServer, type SeenRequest } from './http-client.test-support';

const client = createHttpClient();
const servers: RecordingServer[] = [];
async function serve(answer?: Answer, options?: { tls?: boolean; host?: string }): Promise<RecordingServer> {
  const server = await startRecordingServer(answer, options);
  servers.push(server);
  return server;
}
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => s.close()));
});

const failure = (promise: Promise<unknown>): Promise<unknown> => promise.then(
  () => {
    throw new Error('expected the request to fail');
  },
  (error: unknown) => error,
);

describe('on the wire, as fetch did it', () => {
  const wire = (seen: SeenRequest | undefined) => seen && { method: seen.method, url: seen.url, headers: seen.headers, body: seen.body.toString('latin1') };

  it.each<[string, Omit<HttpRequest, 'url' | 'timeoutMs'>, RequestInit]>([
    ['POST text', { method: 'POST', body: 'hi é', headers: { 'X-A': ' v ' } }, { method: 'POST', body: 'hi é', headers: { 'X-A': ' v ' } }],
    ['POST nothing', { method: 'post' }, { method: 'POST' }],
    ['PATCH nothing', { method: 'PATCH' }, { method: 'PATCH' }],
    ['DELETE', { method: 'DELETE' }, { method: 'DELETE' }],
    ['PUT bytes', { method: 'PUT', body: new Uint8Array([0, 1, 255]) }, { method: 'PUT', body: new Uint8Array([0, 1, 255]) }],
    ['GET with a range', { method: 'GET', headers: { Range: 'bytes=0-1' } }, { method: 'GET', headers: { Range: 'bytes=0-1' } }],
    ['GET with own defaults', { method: 'GET', headers: { accept: 'text/csv', 'User-Agent': 'qiao', 'accept-encoding': 'br' } }, { method: 'GET', headers: { accept: 'text/csv', 'User-Agent': 'qiao', 'accept-encoding': 'br' } }],
    [
      'POST json',
      { method: 'POST', json: { n: 1, s: '中' } },
      { method: 'POST', body: JSON.stringify({ n: 1, s: '中' }), headers: { 'content-type': 'application/json; charset=utf-8' } },
    ],
  ])('%s: the same request line, headers and body', async (_name, request, init) => {
    const server = await serve();
    await client.request({ ...request, url: `${server.url}/p?q=1`, timeoutMs: 2000 });
    await (await fetch(`${server.url}/p?q=1`, init)).text();
    expect(server.seen).toHaveLength(2);
    expect(wire(server.seen[0])).toEqual(wire(server.seen[1]));
  });

  it('returns the response headers fetch returned: repeats joined (even those node:http drops), Set-Cookie apart', async () => {
    const server = await serve((_seen, res) => {
      res.writeHead(200, ['X-Dup', 'a', 'x-dup', 'b', 'Age', '1', 'Age', '2', 'Content-Type', 'text/plain', 'Set-Cookie', 'c=1', 'Set-Cookie', 'd=2, e']);
      res.end('ok');
    });
    const ours = await client.request({ method: 'GET', url: server.url, timeoutMs: 2000 });
    const theirs = await fetch(server.url);
    const fetched: Record<string, string> = {};
    theirs.headers.forEach((value, name) => {
      if (name !== 'set-cookie') fetched[name] = value;
    });
    expect(ours.headers).toEqual(fetched);
    expect(ours.headers).toMatchObject({ 'x-dup': 'a, b', age: '1, 2' });
    expect(ours.setCookie).toEqual(theirs.headers.getSetCookie());
  });

  it('turns user:password@ into Basic auth unless an Authorization header is given', async () => {
    const server = await serve();
    const withCredentials = server.url.replace('http://', 'http://us%20er:p%40ss@');
    await client.request({ method: 'GET', url: withCredentials, timeoutMs: 2000 });
    await client.request({ method: 'GET', url: withCredentials, headers: { Authorization: 'Bearer t' }, timeoutMs: 2000 });
    expect(server.seen[0]?.headers.authorization).toBe(`Basic ${Buffer.from('us er:p@ss').toString('base64')}`);
    expect(server.seen[1]?.headers.authorization).toBe('Bearer t');
  });

  it('reaches an IPv6 literal', async () => {
    const server = await serve(undefined, { host: '::1' });
    const res = await client.request({ method: 'GET', url: `${server.url}/six`, timeoutMs: 2000 });
    expect(res.status).toBe(200);
    expect(server.seen[0]?.headers.host).toBe(server.url.replace('http://', ''));
  });
});

describe('keep-alive', () => {
  it('sends sequential requests over one connection', async () => {
    const server = await serve();
    await client.request({ method: 'POST', url: server.url, json: { a: 1 }, timeoutMs: 2000 });
    await client.request({ method: 'GET', url: server.url, timeoutMs: 2000 });
    expect(server.connections()).toBe(1);
    expect(server.seen[1]?.socket).toBe(server.seen[0]?.socket);
  });

  it('opens sockets for concurrent requests and reuses them for the next batch', async () => {
    const server = await serve((_seen, res) => setTimeout(() => res.end('{}'), 20));
    const batch = () => Promise.all(Array.from({ length: 4 }, () => client.request({ method: 'GET', url: server.url, timeoutMs: 2000 })));
    await batch();
    await batch();
    expect(server.seen).toHaveLength(8);
    expect(server.connections()).toBe(4);
  });

  it('drops a connection whose body was abandoned, and the next request still works', async () => {
    const server = await serve((seen, res) => res.end(seen.url === '/big' ? 'x'.repeat(4096) : 'small'));
    await expect(client.request({ method: 'GET', url: `${server.url}/big`, timeoutMs: 2000, maxResponseBytes: 100 })).rejects.toMatchObject({ code: 'response_too_large' });
    const res = await client.request({ method: 'GET', url: `${server.url}/small`, timeoutMs: 2000 });
    expect(res.text).toBe('small');
    expect(server.connections()).toBe(2);
  });
});

describe('decompression', () => {
  const text = 'héllo, 世界 '.repeat(50);
  const gzip = (b: Buffer) => gzipSync(b);
  it.each<[string, (b: Buffer) => Buffer]>([
    ['gzip', gzip],
    ['x-gzip', gzip],
    ['deflate', (b) => deflateSync(b)],
    ['deflate', (b) => deflateRawSync(b)], // raw deflate, as some servers send it
    ['br', (b) => brotliCompressSync(b)],
    ['gzip, br', (b) => brotliCompressSync(gzipSync(b))],
    ['GZip', gzip],
  ])('decodes Content-Encoding: %s', async (encoding, encode) => {
    const server = await serve((_seen, res) => {
      res.writeHead(200, { 'content-encoding': encoding });
      res.end(encode(Buffer.from(text)));
    });
    const res = await client.request({ method: 'GET', url: server.url, timeoutMs: 2000 });
    expect(res.text).toBe(text);
  });

  it('leaves a body with an unknown coding as it is', async () => {
    const server = await serve((_seen, res) => {
      res.writeHead(200, { 'content-encoding': 'gzip, zstd' });
      res.end('not compressed');
    });
    expect((await client.request({ method: 'GET', url: server.url, timeoutMs: 2000 })).text).toBe('not compressed');
  });

  it('counts decompressed bytes for brotli too', async () => {
    const server = await serve((_seen, res) => {
      res.writeHead(200, { 'content-encoding': 'br' });
      res.end(brotliCompressSync(Buffer.alloc(4 * 1024 * 1024, 'a')));
    });
    await expect(client.request({ method: 'GET', url: server.url, timeoutMs: 5000, maxResponseBytes: 1024 * 1024 })).rejects.toMatchObject({ code: 'response_too_large', retryable: false });
  });

  it('does not hold an encoded body to its Content-Length (it counts encoded bytes)', async () => {
    // Level 0 stores the body: the encoded form is longer than the decoded one.
    const encoded = gzipSync(Buffer.from('a'.repeat(300)), { level: 0 });
    const server = await serve((_seen, res) => {
      res.writeHead(200, { 'content-encoding': 'gzip', 'content-length': String(encoded.length) });
      res.end(encoded);
    });
    expect(encoded.length).toBeGreaterThan(310);
    const res = await client.request({ method: 'GET', url: server.url, timeoutMs: 2000, maxResponseBytes: 310 });
    expect(res.text).toBe('a'.repeat(300));
  });

  it('reports a corrupt body as a retryable network error', async () => {
    const server = await serve((_seen, res) => {
      res.writeHead(200, { 'content-encoding': 'gzip' });
      res.end('this is not gzip');
    });
    await expect(client.request({ method: 'GET', url: server.url, timeoutMs: 2000 })).rejects.toMatchObject({ code: 'network', retryable: true });
  });
});

describe('timeouts and cancellation', () => {
  const stallMidBody = (res: ServerResponse) => {
    res.writeHead(200, { 'content-length': '100' });
    res.write('x'.repeat(10));
  };

  it('times out a body that stalls halfway, and the next request is fine', async () => {
    const server = await serve((seen, res) => (seen.url === '/stall' ? stallMidBody(res) : res.end('ok')));
    const started = Date.now();
    const error = await failure(client.request({ method: 'GET', url: `${server.url}/stall`, timeoutMs: 150 }));
    expect(error).toMatchObject({ code: 'timeout', retryable: true, message: expect.stringContaining('did not answer within 150 ms') });
    expect(Date.now() - started).toBeLessThan(2000);
    expect((await client.request({ method: 'GET', url: `${server.url}/ok`, timeoutMs: 2000 })).text).toBe('ok');
  });

  it('stops when the caller aborts while the body is read', async () => {
    const server = await serve((_seen, res) => stallMidBody(res));
    const controller = new AbortController();
    const pending = client.request({ method: 'GET', url: server.url, timeoutMs: 10_000, signal: controller.signal });
    while (server.seen.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
    await new Promise((resolve) => setTimeout(resolve, 20));
    controller.abort();
    await expect(pending).rejects.toMatchObject({ code: 'aborted', retryable: true });
  });

  it('fails at once, sending nothing, when the caller has already aborted', async () => {
    const server = await serve();
    await expect(client.request({ method: 'GET', url: server.url, timeoutMs: 2000, signal: AbortSignal.abort() })).rejects.toMatchObject({ code: 'aborted' });
    const deadline = AbortSignal.abort(new DOMException('step deadline', 'TimeoutError'));
    await expect(client.request({ method: 'GET', url: server.url, timeoutMs: 2000, signal: deadline })).rejects.toMatchObject({ code: 'timeout' });
    expect(server.seen).toHaveLength(0);
  });

  it("leaves no listener on the caller's signal, whether the request succeeds or fails", async () => {
    const server = await serve((seen, res) => (seen.url === '/hang' ? undefined : res.end('{}')));
    const signal = new AbortController().signal;
    await client.request({ method: 'GET', url: server.url, timeoutMs: 2000, signal });
    await failure(client.request({ method: 'GET', url: `${server.url}/hang`, timeoutMs: 50, signal }));
    await failure(client.request({ method: 'GET', url: 'http://127.0.0.1:9/', timeoutMs: 2000, signal }));
    expect(getEventListeners(signal, 'abort')).toHaveLength(0);
  });
});

describe('failures', () => {
  it('returns an early answer to an upload the server did not read (413, connection closed), as fetch does', async () => {
    // Answers as soon as the head is in, without reading the body: the rest of the upload fails to write.
    const rejecting = createServer((_req, res) => {
      res.writeHead(413, { connection: 'close' });
      res.end('too big');
    });
    await new Promise<void>((resolve) => rejecting.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(rejecting.address() as AddressInfo).port}/upload`;
      const res = await client.request({ method: 'POST', url, body: 'x'.repeat(8 * 1024 * 1024), timeoutMs: 5000 });
      expect(res).toMatchObject({ status: 413, text: 'too big' });
    } finally {
      rejecting.closeAllConnections();
      await new Promise((resolve) => rejecting.close(resolve));
    }
  });

  it('names the network error', async () => {
    const error = await failure(client.request({ method: 'GET', url: 'http://127.0.0.1:9/', timeoutMs: 2000, system: 'erp' }));
    expect(error).toMatchObject({ system: 'erp', code: 'network', retryable: true, message: expect.stringContaining('ECONNREFUSED') });
  });

  it('verifies HTTPS certificates: a self-signed server is refused', async () => {
    const server = await serve(undefined, { tls: true });
    const error = await failure(client.request({ method: 'GET', url: server.url, timeoutMs: 2000 }));
    expect(error).toMatchObject({ code: 'network', retryable: true, message: expect.stringMatching(/self[- ]signed/i) });
    expect(server.seen).toHaveLength(0);
  });

  it.each<[string, Partial<HttpRequest>]>([
    ['a header name that is not a token', { headers: { 'bad name': 'x' } }],
    ['a header value beyond latin1', { headers: { 'x-a': '中文' } }],
    ['a header value with a control character', { headers: { 'x-a': 'a\u0000b' } }],
    ['Transfer-Encoding', { method: 'POST', body: 'x', headers: { 'Transfer-Encoding': 'chunked' } }],
    ['Connection: upgrade', { headers: { connection: 'upgrade' } }],
    ['a body on GET', { method: 'GET', body: '' }],
    ['a method that is not a token', { method: 'GE T' }],
    ['CONNECT', { method: 'CONNECT' }],
    ['a negative timeout', { timeoutMs: -1 }],
  ])('refuse %s as invalid_request, sending nothing', async (_name, change) => {
    const server = await serve();
    await expect(client.request({ method: 'GET', url: server.url, timeoutMs: 2000, ...change })).rejects.toMatchObject({ code: 'invalid_request', retryable: false });
    expect(server.seen).toHaveLength(0);
  });
});
