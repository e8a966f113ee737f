import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConnectorError } from './errors/connector-error';
import { createHttpClient } from './http-client';
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
