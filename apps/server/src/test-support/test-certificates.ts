import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface Pem {
  cert: Buffer;
  key: Buffer;
}

export interface TestPki {
  dir: string;
  caFile: string;
  serverCertFile: string;
  serverKeyFile: string;
  ca: Buffer;
  /** Signed by the CA: CN=acme-erp, O=Acme Manufacturing, C=CN. */
  client: Pem;
  /** Same subject, signed by a CA the server does not trust. */
  rogueClient: Pem;
  remove(): void;
}

/** A throw-away CA with server and client certificates (P-256, one day), made with the openssl CLI. */
export function createTestPki(): TestPki {
  const dir = mkdtempSync(path.join(tmpdir(), 'qiao-pki-'));
  const file = (name: string) => path.join(dir, name);
  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] });
  const newKey = (name: string) => openssl('genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', file(name));
  const makeCa = (name: string, cn: string) => {
    newKey(`${name}.key`);
    openssl('req', '-x509', '-new', '-key', file(`${name}.key`), '-out', file(`${name}.crt`), '-days', '1', '-subj', `/CN=${cn}`);
  };
  const issue = (name: string, ca: string, subject: string, ext: string) => {
    newKey(`${name}.key`);
    openssl('req', '-new', '-key', file(`${name}.key`), '-out', file(`${name}.csr`), '-subj', subject);
    writeFileSync(file(`${name}.ext`), ext);
    openssl('x509', '-req', '-in', file(`${name}.csr`), '-CA', file(`${ca}.crt`), '-CAkey', file(`${ca}.key`), '-CAcreateserial', '-out', file(`${name}.crt`), '-days', '1', '-extfile', file(`${name}.ext`));
  };
  makeCa('ca', 'Qiao Test CA');
  makeCa('rogue-ca', 'Rogue CA');
  issue('server', 'ca', '/CN=localhost', 'subjectAltName=IP:127.0.0.1,DNS:localhost\nextendedKeyUsage=serverAuth\n');
  issue('client', 'ca', '/C=CN/O=Acme Manufacturing/CN=acme-erp', 'extendedKeyUsage=clientAuth\n');
  issue('rogue-client', 'rogue-ca', '/C=CN/O=Acme Manufacturing/CN=acme-erp', 'extendedKeyUsage=clientAuth\n');
  const pem = (name: string): Pem => ({ cert: readFileSync(file(`${name}.crt`)), key: readFileSync(file(`${name}.key`)) });
  return {
    dir,
    caFile: file('ca.crt'),
    serverCertFile: file('server.crt'),
    serverKeyFile: file('server.key'),
    ca: readFileSync(file('ca.crt')),
    client: pem('client'),
    rogueClient: pem('rogue-client'),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
