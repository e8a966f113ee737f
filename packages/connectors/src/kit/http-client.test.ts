import { gzipSync } from 'node:zlib';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConnectorError } from './errors/connector-error';
import { createHttpClient, DEFAULT_MAX_RESPONSE_BYTES } from './http-client';
import { startTestServer, type TestServer } from './testing';

let server: TestServer;
beforeEach(async () => {
  server = await startTestServer((req, res) => {
    if (req.url.startsWith('/hang')) return;
    res.writeHead(req.url.startsWith('/fail') ? 502 : 200, {
      'Set-Cookie': ['a=1; Path=/', 'b=2, with comma; HttpOnly'],
      'X-Custom': 'Yes',
    });
    res.end(req.url.startsWith('/fail') ? '<html>bad gateway</html>' : '{"n":1}');
  });
});
afterEach(async () => {
  await server.close();
});

const client = createHttpClient();

describe('createHttpClient', () => {
  it('returns status, lower-case headers, every Set-Cookie line and the body', async () => {
    const res = await client.request({ method: 'get', url: `${server.url}/x?keep=1`, query: { add: 2, skip: undefined }, timeoutMs: 2000 });
    expect(res.status).toBe(200);
    expect(res.headers['x-custom']).toBe('Yes');
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(res.setCookie).toEqual(['a=1; Path=/', 'b=2, with comma; HttpOnly']);
    expect(res.json()).toEqual({ n: 1 });
    expect(server.requests[0]?.url).toBe('/x?keep=1&add=2');
  });

  it('returns error statuses instead of throwing; json() of a non-JSON 5xx body is a retryable bad_response', async () => {
    const res = await client.request({ method: 'GET', url: `${server.url}/fail`, timeoutMs: 2000, system: 'erp' });
    expect(res.status).toBe(502);
    expect(() => res.json()).toThrow(ConnectorError);
    expect(() => res.json()).toThrow(expect.objectContaining({ code: 'bad_response', retryable: true, system: 'erp' }));
  });

  it('distinguishes its own timeout from the caller aborting', async () => {
    await expect(client.request({ method: 'GET', url: `${server.url}/hang`, timeoutMs: 100 })).rejects.toMatchObject({ code: 'timeout', retryable: true });
    const controller = new AbortController();
    const pending = client.request({ method: 'GET', url: `${server.url}/hang`, timeoutMs: 5000, signal: controller.signal });
    controller.abort();
    await expect(pending).rejects.toMatchObject({ code: 'aborted', retryable: true });
  });

  it('reports a caller deadline (the step timeout) as a timeout', async () => {
    const pending = client.request({ method: 'GET', url: `${server.url}/hang`, timeoutMs: 5000, signal: AbortSignal.timeout(80) });
    await expect(pending).rejects.toMatchObject({ code: 'timeout', retryable: true });
  });

  it('never puts URL credentials or query strings into error messages', async () => {
    const url = server.url.replace('http://', 'http://user:pw@');
    await server.close();
    const error: unknown = await client.request({ method: 'GET', url: `${url}/x?token=secret`, timeoutMs: 2000 }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'network', retryable: true });
    expect(String((error as Error).message)).not.toMatch(/pw|secret/);
    server = await startTestServer(() => undefined);
  });
});

describe('requests that cannot be built', () => {
  it('are non-retryable invalid_request errors, not network errors', async () => {
    await expect(client.request({ method: 'GET', url: 'not a url', timeoutMs: 100 })).rejects.toMatchObject({ code: 'invalid_request', retryable: false });
    await expect(client.request({ method: 'GET', url: 'ftp://x/y', timeoutMs: 100 })).rejects.toMatchObject({ code: 'invalid_request', retryable: false });
    await expect(client.request({ method: 'GET', url: 'http://127.0.0.1:9/', headers: { 'x-a': 'line\nbreak' }, timeoutMs: 100 })).rejects.toMatchObject({
      code: 'invalid_request',
      retryable: false,
    });
  });
});

describe('response size limit', () => {
  let big: TestServer;
  beforeEach(async () => {
    big = await startTestServer((req, res) => {
      const url = new URL(req.url, 'http://x');
      const bytes = Number(url.searchParams.get('bytes') ?? 0);
      if (url.pathname === '/endless') {
        // Streams forever: only the limit can stop it (the timeout is far away).
        res.writeHead(200, { 'content-type': 'text/plain' });
        const chunk = Buffer.alloc(64 * 1024, 'x');
        const pump = () => {
          while (!res.destroyed && res.write(chunk));
          if (!res.destroyed) res.once('drain', pump);
        };
        pump();
        return;
      }
      if (url.pathname === '/gzip') {
        // 100 bytes on the wire, `bytes` once decompressed.
        res.writeHead(200, { 'content-encoding': 'gzip' });
        res.end(gzipSync(Buffer.alloc(bytes, 'a')));
        return;
      }
      if (url.pathname === '/declared') {
        // Announces a huge body, then sends a small one: the announcement alone fails it.
        res.writeHead(200, { 'content-length': String(bytes) });
        res.end();
        return;
      }
      if (url.pathname === '/utf8') {
        // "é" (2 bytes) split across two chunks.
        res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' });
        res.write(Buffer.from([0xef, 0xbb, 0xbf, 0x61, 0xc3]));
        setTimeout(() => res.end(Buffer.from([0xa9, 0x62])), 10);
        return;
      }
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.end(Buffer.alloc(bytes, 'b'));
    });
  });
  afterEach(async () => {
    await big.close();
  });

  it('accepts a body of exactly the limit and fails one byte over, naming the limit', async () => {
    const ok = await client.request({ method: 'GET', url: `${big.url}/?bytes=1024`, timeoutMs: 2000, maxResponseBytes: 1024 });
    expect(ok.text).toHaveLength(1024);
    const error: unknown = await client.request({ method: 'GET', url: `${big.url}/?bytes=1025`, timeoutMs: 2000, maxResponseBytes: 1024, system: 'erp' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectorError);
    expect(error).toMatchObject({ system: 'erp', code: 'response_too_large', retryable: false, detail: { status: 200, maxResponseBytes: 1024 } });
    expect((error as Error).message).toContain('1 KiB (1024 bytes)');
    expect((error as Error).message).toContain('maxResponseBytes');
  });

  it('defaults to 10 MiB', async () => {
    expect(DEFAULT_MAX_RESPONSE_BYTES).toBe(10 * 1024 * 1024);
    const ok = await client.request({ method: 'GET', url: `${big.url}/?bytes=${DEFAULT_MAX_RESPONSE_BYTES}`, timeoutMs: 5000 });
    expect(ok.text).toHaveLength(DEFAULT_MAX_RESPONSE_BYTES);
    await expect(client.request({ method: 'GET', url: `${big.url}/?bytes=${DEFAULT_MAX_RESPONSE_BYTES + 1}`, timeoutMs: 5000 })).rejects.toMatchObject({
      code: 'response_too_large',
      message: expect.stringContaining('10 MiB (10485760 bytes)'),
    });
  });

  it('stops reading an endless body at the limit instead of waiting for the timeout', async () => {
    const started = Date.now();
    await expect(client.request({ method: 'GET', url: `${big.url}/endless`, timeoutMs: 20_000, maxResponseBytes: 1024 * 1024 })).rejects.toMatchObject({
      code: 'response_too_large',
      retryable: false,
    });
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('counts decompressed bytes, so a small gzip bomb is caught', async () => {
    await expect(client.request({ method: 'GET', url: `${big.url}/gzip?bytes=${2 * 1024 * 1024}`, timeoutMs: 5000, maxResponseBytes: 1024 * 1024 })).rejects.toMatchObject({
      code: 'response_too_large',
    });
    const ok = await client.request({ method: 'GET', url: `${big.url}/gzip?bytes=1000`, timeoutMs: 5000, maxResponseBytes: 1024 * 1024 });
    expect(ok.text).toBe('a'.repeat(1000));
  });

  it('fails on a Content-Length over the limit before reading, but not for HEAD', async () => {
    await expect(client.request({ method: 'GET', url: `${big.url}/declared?bytes=5000`, timeoutMs: 2000, maxResponseBytes: 1000 })).rejects.toMatchObject({
      code: 'response_too_large',
      detail: { contentLength: 5000 },
    });
    const head = await client.request({ method: 'HEAD', url: `${big.url}/?bytes=5000`, timeoutMs: 2000, maxResponseBytes: 1000 });
    expect(head).toMatchObject({ status: 200, text: '' });
  });

  it('decodes UTF-8 split across chunks and drops a BOM, like response.text()', async () => {
    const res = await client.request({ method: 'GET', url: `${big.url}/utf8`, timeoutMs: 2000 });
    expect(res.text).toBe('aéb');
  });

  it('refuses a limit that is not a non-negative integer', async () => {
    await expect(client.request({ method: 'GET', url: `${big.url}/`, timeoutMs: 2000, maxResponseBytes: -1 })).rejects.toMatchObject({ code: 'invalid_request', retryable: false });
  });
});
