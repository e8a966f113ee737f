// Throwaway databases for integration tests: each test file gets its own, so runs never collide.
import { randomBytes } from 'node:crypto';
import { createPrisma } from './client';
import { createDatabaseIfMissing, dropDatabase } from './database-admin';
import type { PrismaClient } from './generated/client';
import { migrate } from './migrate';
import { withDatabase } from './url';

export const DEFAULT_TEST_SERVER_URL = 'postgres://root@127.0.0.1:5432/postgres';

export interface TestDatabaseOptions {
  /** Any URL on the server to use; its database part is replaced. */
  baseUrl?: string;
  /** Migrations to apply (default: the repo's prisma/migrations). */
  migrationsDir?: string;
  /** false leaves the database empty. */
  migrate?: boolean;
}

export interface TestDatabase {
  url: string;
  name: string;
  prisma: PrismaClient;
  /** Disconnects the client and drops the database, ending any other sessions on it. Safe to call twice. */
  drop(): Promise<void>;
}

/** A fresh name such as `qiao_test_mfy3k2_9f2c1a0b` (lower case, so it never needs quoting in psql). */
export function uniqueDatabaseName(prefix = 'qiao_test'): string {
  if (!/^[a-z_][a-z0-9_]{0,40}$/.test(prefix)) {
    throw new Error(`Test database prefix must be lower-case letters, digits and _ (max 41): ${prefix}`);
  }
  return `${prefix}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
}

export async function createTestDatabase(
  prefix = 'qiao_test',
  options: TestDatabaseOptions = {},
): Promise<TestDatabase> {
  const name = uniqueDatabaseName(prefix);
  const url = withDatabase(options.baseUrl ?? DEFAULT_TEST_SERVER_URL, name);
  try {
    if (options.migrate === false) await createDatabaseIfMissing(url);
    else await migrate({ databaseUrl: url, ...(options.migrationsDir ? { migrationsDir: options.migrationsDir } : {}) });
  } catch (err) {
    // The caller never gets a handle to drop it, so do not leave it behind.
    await dropDatabase(url).catch(() => undefined);
    throw err;
  }
  const prisma = createPrisma(url, { max: 4 });
  let dropped = false;
  return {
    url,
    name,
    prisma,
    async drop() {
      if (dropped) return;
      dropped = true;
      await prisma.$disconnect();
      await dropDatabase(url);
    },
  };
}
