import pg from 'pg';
import type { CustomTypesConfig, PoolClient } from 'pg';

// NUMERIC, INT8, DATE and TIMESTAMP stay as text: money goes through decimal.js and dates are formatted
// the way K3 prints them, without a detour through JS floats or time-zone shifts.
const TEXT_OIDS = new Set<number>([20, 1700, 1082, 1114, 1184]);

const types: CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (TEXT_OIDS.has(oid)) return (value: string) => value;
    return pg.types.getTypeParser(oid, format);
  }) as CustomTypesConfig['getTypeParser'],
};

export type Pool = pg.Pool;

export function createPool(databaseUrl: string, max = 10): pg.Pool {
  const pool = new pg.Pool({ connectionString: databaseUrl, max, types });
  // An idle client dropping (e.g. the test database being dropped) must not crash the process.
  pool.on('error', () => undefined);
  return pool;
}

function databaseName(url: URL): string {
  return decodeURIComponent(url.pathname.replace(/^\//, ''));
}

function quoteIdent(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

function pgCode(err: unknown): string | undefined {
  if (typeof err === 'object' && err !== null && 'code' in err) {
    const code = (err as { code: unknown }).code;
    return typeof code === 'string' ? code : undefined;
  }
  return undefined;
}

/** Creates the database named in the URL when missing, via the server's `postgres` database. */
export async function ensureDatabase(databaseUrl: string): Promise<void> {
  const probe = new pg.Client({ connectionString: databaseUrl });
  try {
    await probe.connect();
    await probe.end();
    return;
  } catch (err) {
    await probe.end().catch(() => undefined);
    if (pgCode(err) !== '3D000') throw err;
  }
  const url = new URL(databaseUrl);
  const name = databaseName(url);
  url.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: url.toString() });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${quoteIdent(name)}`);
  } catch (err) {
    // Another process won the race: fine. A simultaneous CREATE surfaces as a unique violation on the catalog.
    const code = pgCode(err);
    if (code !== '42P04' && code !== '23505') throw err;
  } finally {
    await admin.end();
  }
}

export function isUniqueViolation(err: unknown): boolean {
  return pgCode(err) === '23505';
}

export function isDataError(err: unknown): boolean {
  const code = pgCode(err);
  return code !== undefined && (code.startsWith('22') || code === '42883' || code === '42804');
}

export async function withTransaction<T>(pool: pg.Pool, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
