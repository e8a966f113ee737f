import { describe, expect, it } from 'vitest';
import { loadEnv } from './env';
import { assertSafeListen, isLoopback, loadTlsOptions } from './tls';

describe('listening safely', () => {
  it('knows loopback addresses', () => {
    for (const h of ['127.0.0.1', '127.1.2.3', 'localhost', '::1', '[::1]']) expect(isLoopback(h), h).toBe(true);
    for (const h of ['0.0.0.0', '::', '10.0.0.5', 'qiao.example.com', '128.0.0.1']) expect(isLoopback(h), h).toBe(false);
  });

  it('refuses plain HTTP off loopback unless TLS or a terminating proxy is declared', () => {
    expect(() => assertSafeListen({ host: '0.0.0.0', tls: false, terminatedByProxy: false })).toThrow(/Refusing to serve plain HTTP on 0\.0\.0\.0.*\n.*TLS_CERT_FILE/s);
    expect(() => assertSafeListen({ host: '0.0.0.0', tls: true, terminatedByProxy: false })).not.toThrow();
    expect(() => assertSafeListen({ host: '0.0.0.0', tls: false, terminatedByProxy: true })).not.toThrow();
    expect(() => assertSafeListen({ host: '127.0.0.1', tls: false, terminatedByProxy: false })).not.toThrow();
  });

  it('needs certificate and key together, and the server certificate for mutual TLS', () => {
    const base = { DATABASE_URL: 'postgres://x@localhost/db', QIAO_SECRET_KEY: 'a'.repeat(64) };
    expect(() => loadEnv({ ...base, TLS_CERT_FILE: '/c.pem' })).toThrow(/TLS_KEY_FILE/);
    expect(() => loadEnv({ ...base, TLS_CA_FILE: '/ca.pem' })).toThrow(/TLS_CA_FILE: mutual TLS needs/);
    expect(loadTlsOptions({})).toBeNull();
    expect(() => loadTlsOptions({ certFile: '/nonexistent/c.pem', keyFile: '/nonexistent/k.pem' })).toThrow(/TLS_CERT_FILE: cannot read/);
  });
});
