import type { TLSSocket } from 'node:tls';
import type { FastifyRequest } from 'fastify';

export interface ClientCertificate {
  subject: string;
  fingerprint: string;
}

/**
 * The verified client certificate of a mutual-TLS connection, or null on plain HTTP or without one.
 * Only an authorized certificate counts (the server refuses others at the handshake anyway).
 */
export function clientCertificate(req: FastifyRequest): ClientCertificate | null {
  const socket = req.raw.socket as Partial<TLSSocket>;
  if (typeof socket.getPeerCertificate !== 'function' || !socket.authorized) return null;
  const cert = socket.getPeerCertificate();
  if (!cert.fingerprint256) return null;
  return { subject: formatSubject(cert.subject), fingerprint: cert.fingerprint256 };
}

/** RFC 4514-style: most specific first (CN=…,OU=…,O=…,C=…), as openssl and most proxies print it. */
export function formatSubject(subject: Record<string, string | string[] | undefined> | undefined): string {
  if (!subject) return '';
  const order = ['CN', 'OU', 'O', 'L', 'ST', 'C'];
  const names = [...order.filter((n) => n in subject), ...Object.keys(subject).filter((n) => !order.includes(n))];
  const escape = (v: string) => v.replace(/([,+"\\<>;])/g, '\\$1');
  return names
    .flatMap((name) => {
      const value = subject[name];
      const values = Array.isArray(value) ? value : value === undefined ? [] : [value];
      return values.map((v) => `${name}=${escape(v)}`);
    })
    .join(',');
}
