import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import type { SecureContextOptions, TlsOptions } from 'node:tls';

export interface TlsFiles {
  certFile?: string | undefined;
  keyFile?: string | undefined;
  /** Client CA bundle; turns on mutual TLS. */
  caFile?: string | undefined;
}

/**
 * HTTPS options from PEM files, or null for plain HTTP. With a CA bundle, the handshake itself refuses
 * a client without a certificate from that CA (requestCert + rejectUnauthorized): such a client never
 * reaches a route.
 */
export function loadTlsOptions(files: TlsFiles): TlsOptions | null {
  if (!files.certFile || !files.keyFile) return null;
  const read = (what: string, file: string) => {
    try {
      return readFileSync(file);
    } catch (err) {
      throw new Error(`${what}: cannot read ${file} (${err instanceof Error ? err.message : String(err)})`, { cause: err });
    }
  };
  const base: SecureContextOptions = { cert: read('TLS_CERT_FILE', files.certFile), key: read('TLS_KEY_FILE', files.keyFile), minVersion: 'TLSv1.2' };
  if (!files.caFile) return base;
  return { ...base, ca: read('TLS_CA_FILE', files.caFile), requestCert: true, rejectUnauthorized: true };
}

export function isLoopback(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h === '::1') return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  return h === '::ffff:127.0.0.1';
}

/** Plain HTTP is for development on loopback; anywhere else it needs TLS or an explicit proxy declaration. */
export function assertSafeListen(options: { host: string; tls: boolean; terminatedByProxy: boolean }): void {
  if (options.tls || options.terminatedByProxy || isLoopback(options.host)) return;
  throw new Error(
    `Refusing to serve plain HTTP on ${options.host}: API keys and events would cross the network unencrypted.\n` +
      '  Set TLS_CERT_FILE and TLS_KEY_FILE (and TLS_CA_FILE for mutual TLS), or bind HOST=127.0.0.1,\n' +
      '  or set TLS_TERMINATED_BY_PROXY=true if a proxy or load balancer in front terminates TLS.',
  );
}
