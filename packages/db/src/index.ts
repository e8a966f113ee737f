// @qiao/db: the Prisma client, its types and enums, the migrator and test-database helpers.
// Apps import from here only, never from ./generated.
export * from './generated/client';
export { createPrisma, sendTogether, sqlPool, type CreatePrismaOptions, type SqlClient, type SqlPool } from './client';
export {
  migrate,
  MIGRATIONS_TABLE,
  MigrationChecksumError,
  MigrationFailedError,
  type MigrateLogger,
  type MigrateOptions,
  type MigrateResult,
} from './migrate';
export { defaultMigrationsDir } from './migrations-dir';
export { readMigrationFiles, migrationChecksum, type MigrationFile } from './migration-files';
export { createDatabaseIfMissing, databaseExists, dropDatabase } from './database-admin';
export { databaseNameFromUrl, withDatabase, redactUrl, quoteIdent } from './url';
export {
  createTestDatabase,
  uniqueDatabaseName,
  DEFAULT_TEST_SERVER_URL,
  type TestDatabase,
  type TestDatabaseOptions,
} from './testing';
