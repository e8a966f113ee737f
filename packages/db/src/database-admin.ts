// Creating and dropping whole databases, done from a maintenance database on the same server.
import pg from 'pg';
import {
  PG_DUPLICATE_DATABASE,
  PG_INVALID_CATALOG_NAME,
  PG_UNIQUE_VIOLATION,
  pgErrorCode,
} from './pg-errors';
import { databaseNameFromUrl, quoteIdent, withDatabase } from './url';

// `postgres` exists on every normal install; `template1` is the fallback PostgreSQL itself relies on.
const MAINTENANCE_DATABASES = ['postgres', 'template1'];

async function withMaintenanceClient<T>(databaseUrl: string, work: (client: pg.Client) => Promise<T>): Promise<T> {
  let lastError: unknown;
  for (const name of MAINTENANCE_DATABASES) {
    const client = new pg.Client({ connectionString: withDatabase(databaseUrl, name) });
    try {
      await client.connect();
    } catch (err) {
      lastError = err;
      await client.end().catch(() => undefined);
      if (pgErrorCode(err) === PG_INVALID_CATALOG_NAME) continue;
      throw err;
    }
    try {
      return await work(client);
    } finally {
      await client.end();
    }
  }
  throw lastError;
}

/** Whether the database the URL names can be connected to (false only when it does not exist). */
export async function databaseExists(databaseUrl: string): Promise<boolean> {
  const client = new pg.Client({ connectionString: databaseUrl });
  try {
    await client.connect();
    return true;
  } catch (err) {
    if (pgErrorCode(err) === PG_INVALID_CATALOG_NAME) return false;
    throw err;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Creates the database the URL names unless it exists. Safe when several processes start at once:
 * the loser of the CREATE DATABASE race sees duplicate_database (or a unique violation) and moves on.
 * Returns whether this call created it.
 */
export async function createDatabaseIfMissing(databaseUrl: string): Promise<boolean> {
  if (await databaseExists(databaseUrl)) return false;
  const name = databaseNameFromUrl(databaseUrl);
  return withMaintenanceClient(databaseUrl, async (client) => {
    try {
      await client.query(`CREATE DATABASE ${quoteIdent(name)}`);
      return true;
    } catch (err) {
      const code = pgErrorCode(err);
      if (code === PG_DUPLICATE_DATABASE || code === PG_UNIQUE_VIOLATION) return false;
      throw err;
    }
  });
}

/** Drops the database the URL names, ending its other sessions first (PostgreSQL 13+). */
export async function dropDatabase(databaseUrl: string): Promise<void> {
  const name = databaseNameFromUrl(databaseUrl);
  await withMaintenanceClient(databaseUrl, async (client) => {
    await client.query(`DROP DATABASE IF EXISTS ${quoteIdent(name)} WITH (FORCE)`);
  });
}
