import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const main = path.join(import.meta.dirname, 'main.ts');

function start(env: Record<string, string>) {
  return spawnSync(process.execPath, ['--import', 'tsx', main], {
    env: { DATABASE_URL: 'postgres://postgres@127.0.0.1:5432/qiao_never_used', QIAO_SECRET_KEY: 'a'.repeat(64), LOG_LEVEL: 'silent', ...env },
    encoding: 'utf8',
    timeout: 30_000,
  });
}

describe('server startup', () => {
  it('refuses plain HTTP on a non-loopback address, naming the settings that fix it', () => {
    const res = start({ HOST: '0.0.0.0', PORT: '0' });
    expect(res.status).toBe(1);
    expect(res.stderr).toMatch(/Refusing to serve plain HTTP on 0\.0\.0\.0/);
    expect(res.stderr).toMatch(/TLS_CERT_FILE/);
    expect(res.stderr).toMatch(/TLS_TERMINATED_BY_PROXY=true/);
  });

  it('names an unreadable certificate file', () => {
    const res = start({ HOST: '0.0.0.0', PORT: '0', TLS_CERT_FILE: '/nonexistent/server.crt', TLS_KEY_FILE: '/nonexistent/server.key' });
    expect(res.status).toBe(1);
    expect(res.stderr).toMatch(/TLS_CERT_FILE: cannot read \/nonexistent\/server\.crt/);
  });

  it('with SERVER_PROCESSES > 1, exits 1 when a server process fails to start rather than restarting it', () => {
    const res = start({ HOST: '0.0.0.0', PORT: '0', SERVER_PROCESSES: '2' });
    expect(res.error).toBeUndefined();
    expect(res.status).toBe(1);
    expect(res.stderr).toMatch(/Refusing to serve plain HTTP on 0\.0\.0\.0/);
  });

  it('names a bad SERVER_PROCESSES before starting anything', () => {
    const res = start({ SERVER_PROCESSES: 'many' });
    expect(res.status).toBe(1);
    expect(res.stderr).toMatch(/SERVER_PROCESSES must be a whole number from 1 to 64, or "auto"/);
  });
});
