import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { z } from 'zod';
import type { ConnectorError } from '../kit/errors/connector-error';
import { UserError } from '../kit/errors/user-error';
import { runAction } from '../kit/run-action';
import { createTestContext, sendJson, startTestServer, type ReceivedRequest, type TestServer } from '../kit/testing';
import { request } from './actions/request';
import { httpAuthSchema } from './auth';
import { http } from './index';
import { structuredFieldString } from './transport';

type Reply = (req: ReceivedRequest, res: Parameters<Parameters<typeof startTestServer>[0]>[1]) => void;
let reply: Reply;
let server: TestServer;
beforeEach(async () => {
  reply = (_req, res) => sendJson(res, 200, { ok: true });
  server = await startTestServer((req, res) => reply(req, res));
});
afterEach(async () => {
  await server.close();
});

function call(input: Record<string, unknown>, options: { auth?: z.input<typeof httpAuthSchema>; idempotencyKey?: string; attempt?: number } = {}) {
  const ctx = createTestContext({
    credentials: options.auth ?? { type: 'none', baseUrl: `${server.url}/api/v1` },
    idempotencyKey: options.idempotencyKey ?? 'run-7:node-3:0',
    attempt: options.attempt ?? 1,
  });
  return runAction({ connector: http, action: request, context: ctx, input });
}

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (e: unknown) => e,
  );
}

const last = () => server.requests.at(-1);

describe('auth', () => {
  it.each([
    [{ type: 'none' }, 'authorization', undefined],
    [{ type: 'header', name: 'X-Api-Key', value: 'k-123' }, 'x-api-key', 'k-123'],
    [{ type: 'basic', username: 'aladdin', password: 'open sesame' }, 'authorization', 'Basic YWxhZGRpbjpvcGVuIHNlc2FtZQ=='],
    [{ type: 'bearer', token: 'tok' }, 'authorization', 'Bearer tok'],
  ] as const)('%j sends %s: %s', async (auth, header, value) => {
    await call({ url: `${server.url}/x` }, { auth });
    expect(last()?.headers[header]).toBe(value);
  });

  it('lets the connection’s credentials win over a node header of the same name', async () => {
    await call({ url: `${server.url}/x`, headers: { Authorization: 'Bearer forged' } }, { auth: { type: 'bearer', token: 'real' } });
    expect(last()?.headers.authorization).toBe('Bearer real');
  });

  it('rejects an invalid auth configuration as a user error on credentials', async () => {
    const error = await failure(call({ url: `${server.url}/x` }, { auth: { type: 'header', name: 'bad name', value: 'v' } }));
    expect(error).toBeInstanceOf(UserError);
    expect(error).toMatchObject({ code: 'invalid_credentials', path: ['credentials', 'name'] });
  });
});

describe('requests', () => {
  it('sends JSON and a quoted Idempotency-Key on POST, resolving the URL against baseUrl', async () => {
    reply = (req, res) => sendJson(res, 201, { id: 'o-1', total: '12345678901234567.89', echo: JSON.parse(req.body) as unknown }, { 'X-Trace': 't1' });
    const result = await call({ method: 'POST', url: 'orders', query: { dry: true, tag: ['a', 'b'] }, body: { amount: '99.90', qty: 3 } });
    const req = last();
    expect(req?.url).toBe('/api/v1/orders?dry=true&tag=a&tag=b');
    expect(req?.headers['content-type']).toContain('application/json');
    expect(req?.headers['idempotency-key']).toBe('"run-7:node-3:0"');
    expect(JSON.parse(req?.body ?? '')).toEqual({ amount: '99.90', qty: 3 });
    // A number a double cannot hold comes back as an exact decimal string.
    expect(result).toMatchObject({ status: 201, headers: { 'x-trace': 't1' }, body: { id: 'o-1', total: '12345678901234567.89' } });
  });

  it('keeps the Idempotency-Key stable across attempts and omits it on GET', async () => {
    await call({ method: 'PUT', url: '/a', body: {} }, { attempt: 1 });
    await call({ method: 'PUT', url: '/a', body: {} }, { attempt: 2 });
    await call({ method: 'GET', url: '/a' });
    const keys = server.requests.map((r) => r.headers['idempotency-key']);
    expect(keys).toEqual(['"run-7:node-3:0"', '"run-7:node-3:0"', undefined]);
  });

  it('encodes the key as a Structured-Field string', () => {
    expect(structuredFieldString('a"b\\c')).toBe('"a\\"b\\\\c"');
    expect(structuredFieldString('订单-1')).toMatch(/^"[0-9a-f]{64}"$/);
  });

  it('returns text when expectJson is false, and null for an empty JSON answer', async () => {
    reply = (_req, res) => res.writeHead(200, { 'content-type': 'text/plain' }).end('hello');
    expect(await call({ url: '/t', expectJson: false })).toMatchObject({ body: 'hello' });
    reply = (_req, res) => res.writeHead(204).end();
    expect(await call({ method: 'DELETE', url: '/t' })).toMatchObject({ status: 204, body: null });
  });

  it('sends a string body as-is under a non-JSON content type', async () => {
    await call({ method: 'POST', url: '/xml', headers: { 'Content-Type': 'application/xml' }, body: '<a/>' });
    expect(last()?.body).toBe('<a/>');
  });

  it('refuses a relative URL without baseUrl, a non-http URL and a GET body as user errors', async () => {
    expect(await failure(call({ url: 'orders' }, { auth: { type: 'none' } }))).toMatchObject({ code: 'relative_url_without_base', path: ['url'] });
    expect(await failure(call({ url: 'file:///etc/passwd' }))).toMatchObject({ code: 'unsupported_url', path: ['url'] });
    expect(await failure(call({ method: 'GET', url: '/x', body: { a: 1 } }))).toMatchObject({ code: 'body_not_allowed', path: ['body'] });
    expect(server.requests).toHaveLength(0);
  });

  it('accepts listed non-2xx statuses as success', async () => {
    reply = (_req, res) => sendJson(res, 404, { found: false });
    expect(await call({ url: '/x', successStatuses: [200, 404] })).toMatchObject({ status: 404, body: { found: false } });
  });
});

describe('failures', () => {
  it.each([500, 502, 503, 408, 429])('HTTP %i is retryable', async (status) => {
    reply = (_req, res) => res.writeHead(status).end('busy');
    expect(await failure(call({ url: '/x' }))).toMatchObject({ code: `http_${status}`, retryable: true, system: 'http' });
  });

  it.each([400, 401, 403, 404, 409, 422])('HTTP %i is not retryable and quotes the body', async (status) => {
    reply = (_req, res) => sendJson(res, status, { error: 'customer C-9 is blocked' });
    const error = await failure(call({ method: 'POST', url: '/x', body: {} }));
    expect(error).toMatchObject({ code: `http_${status}`, retryable: false });
    expect(String((error as Error).message)).toContain('customer C-9 is blocked');
  });

  it('honours Retry-After in seconds and as an HTTP date', async () => {
    reply = (_req, res) => res.writeHead(429, { 'retry-after': '120' }).end();
    expect(await failure(call({ url: '/x' }))).toMatchObject({ retryAfterMs: 120_000 });
    reply = (_req, res) => res.writeHead(503, { 'retry-after': new Date(Date.now() + 60_000).toUTCString() }).end();
    const error = (await failure(call({ url: '/x' }))) as ConnectorError;
    expect(error.retryAfterMs).toBeGreaterThan(55_000);
    expect(error.retryAfterMs).toBeLessThanOrEqual(60_000);
  });

  it('times out, retryable', async () => {
    reply = () => undefined; // never answers
    expect(await failure(call({ url: '/slow', timeoutMs: 100 }))).toMatchObject({ code: 'timeout', retryable: true });
  });

  it('a refused connection is a retryable network error', async () => {
    const url = server.url;
    await server.close();
    const error = await failure(call({ url: `${url}/x` }));
    expect(error).toMatchObject({ code: 'network', retryable: true });
    server = await startTestServer((req, res) => reply(req, res));
  });

  it('a 2xx body that is not JSON is a non-retryable bad_response', async () => {
    reply = (_req, res) => res.writeHead(200).end('<html>');
    expect(await failure(call({ url: '/x' }))).toMatchObject({ code: 'bad_response', retryable: false });
  });
});

describe('testConnection', () => {
  const ctx = (auth: z.input<typeof httpAuthSchema>) => createTestContext({ credentials: httpAuthSchema.parse(auth) });

  it('reports the status of baseUrl', async () => {
    expect(await http.testConnection?.(ctx({ type: 'bearer', token: 't', baseUrl: `${server.url}/api` }))).toEqual({ ok: true, detail: `${server.url}/api answered HTTP 200` });
  });

  it('says when the credentials are refused', async () => {
    reply = (_req, res) => res.writeHead(401).end();
    const error = await failure(Promise.resolve(http.testConnection?.(ctx({ type: 'bearer', token: 't', baseUrl: server.url }))));
    expect(error).toMatchObject({ code: 'http_401', retryable: false });
  });
});

describe('response size', () => {
  it('passes the node’s maxResponseBytes to the client; a larger answer fails without retry', async () => {
    reply = (_req, res) => sendJson(res, 200, { data: 'x'.repeat(2000) });
    const error = await failure(call({ url: 'items', maxResponseBytes: 1024 }));
    expect(error).toMatchObject({ code: 'response_too_large', retryable: false, system: 'http' });
    expect(await call({ url: 'items', maxResponseBytes: 4096 })).toMatchObject({ status: 200 });
    const tooBig = await failure(call({ url: 'items', maxResponseBytes: 200 * 1024 * 1024 }));
    expect(tooBig).toMatchObject({ code: 'invalid_input', path: ['params', 'maxResponseBytes'] });
  });
});
