import { createHash, X509Certificate } from 'node:crypto';
import { request } from 'node:https';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../test-support/harness';
import { createTestPki, type Pem, type TestPki } from '../test-support/test-certificates';
import { loadTlsOptions } from '../tls';

let pki: TestPki;
let h: Harness;
let port: number;

const event = (id: string) => JSON.stringify({ specversion: '1.0', id, source: '/test/erp', type: 'com.acme.order.created', data: { n: 1 } });

function send(id: string, client: Pem | null): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1', port, path: '/api/events', method: 'POST', ca: pki.ca, ...(client ?? {}),
        headers: { authorization: `Bearer ${h.apiKey}`, 'content-type': 'application/cloudevents+json' },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end(event(id));
  });
}

beforeAll(async () => {
  pki = createTestPki();
  const https = loadTlsOptions({ certFile: pki.serverCertFile, keyFile: pki.serverKeyFile, caFile: pki.caFile });
  if (!https) throw new Error('TLS options expected');
  h = await startHarness({ https });
  await h.app.listen({ host: '127.0.0.1', port: 0 });
  port = (h.app.server.address() as AddressInfo).port;
});
afterAll(async () => {
  await h?.close();
  pki?.remove();
});

describe('mutual TLS', () => {
  it('accepts a client certificate from the configured CA and records its subject and fingerprint with the event', async () => {
    const res = await send('mtls-1', pki.client);
    expect(res.status).toBe(202);
    const row = await h.db.prisma.event.findFirstOrThrow({ where: { eventId: 'mtls-1' } });
    expect(row.clientCertSubject).toBe('CN=acme-erp,O=Acme Manufacturing,C=CN');
    const expected = new X509Certificate(pki.client.cert).fingerprint256;
    expect(row.clientCertFingerprint).toBe(expected);
    expect(expected.replaceAll(':', '').toLowerCase()).toBe(createHash('sha256').update(new X509Certificate(pki.client.cert).raw).digest('hex'));
  });

  it('refuses at the handshake a client without a certificate, and one from another CA; nothing is written', async () => {
    const before = await h.db.prisma.event.count();
    await expect(send('mtls-2', null)).rejects.toThrow(/certificate|ECONNRESET|socket hang up|EPIPE/i);
    await expect(send('mtls-3', pki.rogueClient)).rejects.toThrow(/certificate|unknown ca|ECONNRESET|socket hang up|EPIPE/i);
    expect(await h.db.prisma.event.count()).toBe(before);
    // The server is still up for a good client.
    expect((await send('mtls-4', pki.client)).status).toBe(202);
  });
});

describe('a separate gateway listener', () => {
  it('serves only events on the gateway port, and no events on the app port', async () => {
    const { buildServer } = await import('../app');
    const base = {
      services: h.services, maxEventBytes: 1024 * 1024, logger: pino({ level: 'silent' }), pingRedis: async () => void (await h.redis.ping()),
      gateway: { redis: h.redis, redisPrefix: h.redisPrefix, rateLimitPerMinute: 60_000, idempotencyTtlMs: 3600_000 },
    };
    const gatewayOnly = await buildServer({ ...base, serves: 'gateway' });
    const appOnly = await buildServer({ ...base, serves: 'app' });
    try {
      const post = (app: typeof gatewayOnly, id: string) => app.inject({ method: 'POST', url: '/api/events', headers: { authorization: `Bearer ${h.apiKey}`, 'content-type': 'application/cloudevents+json' }, payload: event(id) });
      expect((await post(gatewayOnly, 'split-1')).statusCode).toBe(202);
      const trpc = await gatewayOnly.inject({ method: 'GET', url: '/trpc/auth.me' });
      expect(trpc.statusCode).toBe(404);
      expect(String(trpc.headers['content-type'])).toMatch(/problem\+json/);
      expect((await post(appOnly, 'split-2')).statusCode).toBe(404);
      // tRPC is there (it answers, refusing the missing session), the gateway is not.
      expect((await appOnly.inject({ method: 'GET', url: '/trpc/auth.me' })).statusCode).toBe(401);
      expect(await h.db.prisma.event.count({ where: { eventId: 'split-2' } })).toBe(0);
    } finally {
      await gatewayOnly.close();
      await appOnly.close();
    }
  });
});
