// Applies prisma/migrations/*/migration.sql in order. Prisma's own `migrate deploy` needs a native engine
// downloaded from Prisma's host, which air-gapped plants cannot reach (see prisma/README.md).
import pg from 'pg';
import { createDatabaseIfMissing } from './database-admin';
import { readMigrationFiles, type MigrationFile } from './migration-files';
import { defaultMigrationsDir } from './migrations-dir';

export const MIGRATIONS_TABLE = '_qiao_migrations';

// One constant key: every Qiao process migrating the same database queues on it
// (advisory locks are per database, so other databases on the server are unaffected).
const MIGRATION_LOCK_KEY = 0x7169_616f_6d69_67n.toString(); // "qiaomig" in ASCII

export interface MigrateLogger {
  info(message: string): void;
  warn(message: string): void;
}

export interface MigrateOptions {
  databaseUrl: string;
  /** Defaults to `<repo root>/prisma/migrations`. */
  migrationsDir?: string;
  logger?: MigrateLogger;
}

export interface MigrateResult {
  /** Migrations this call applied, in order. */
  applied: string[];
  /** Migrations that were already applied (checksums verified). */
  skipped: string[];
}

export class MigrationChecksumError extends Error {
  constructor(readonly migration: string) {
    super(
      `Migration ${migration}/migration.sql was changed after it was applied (SHA-256 differs). ` +
        'Applied migrations must never be edited: restore the file and add a new migration instead.',
    );
    this.name = 'MigrationChecksumError';
  }
}

export class MigrationFailedError extends Error {
  constructor(
    readonly migration: string,
    cause: unknown,
  ) {
    const reason = cause instanceof Error ? cause.message : String(cause);
    super(`Migration ${migration}/migration.sql failed and was rolled back: ${reason}`, { cause });
    this.name = 'MigrationFailedError';
  }
}

interface AppliedRow {
  name: string;
  checksum: string;
}

async function applyOne(client: pg.Client, file: MigrationFile): Promise<void> {
  await client.query('BEGIN');
  try {
    // No parameters: the simple query protocol runs the whole multi-statement file.
    await client.query(file.sql);
    await client.query(`INSERT INTO ${MIGRATIONS_TABLE} (name, checksum) VALUES ($1, $2)`, [file.name, file.checksum]);
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw new MigrationFailedError(file.name, err);
  }
}

async function migrateLocked(client: pg.Client, files: MigrationFile[], logger?: MigrateLogger): Promise<MigrateResult> {
  await client.query(
    `CREATE TABLE IF NOT EXISTS ${MIGRATIONS_TABLE} (
       name text PRIMARY KEY,
       checksum text NOT NULL,
       applied_at timestamptz NOT NULL DEFAULT now()
     )`,
  );
  const { rows } = await client.query<AppliedRow>(`SELECT name, checksum FROM ${MIGRATIONS_TABLE}`);
  const applied = new Map(rows.map((row) => [row.name, row.checksum]));

  // Verify every applied file before applying anything, so an edited history stops the start cleanly.
  for (const file of files) {
    const checksum = applied.get(file.name);
    if (checksum !== undefined && checksum !== file.checksum) throw new MigrationChecksumError(file.name);
  }
  const known = new Set(files.map((file) => file.name));
  for (const name of applied.keys()) {
    if (!known.has(name)) logger?.warn(`Database has migration ${name}, which is not in the migrations directory`);
  }

  const result: MigrateResult = { applied: [], skipped: [] };
  for (const file of files) {
    if (applied.has(file.name)) {
      result.skipped.push(file.name);
      continue;
    }
    logger?.info(`Applying migration ${file.name}`);
    await applyOne(client, file);
    result.applied.push(file.name);
  }
  return result;
}

/**
 * Brings the database up to date: creates it if missing, then applies pending migrations in name order,
 * one transaction per file, under an advisory lock so concurrent starts apply each file once.
 */
export async function migrate(options: MigrateOptions): Promise<MigrateResult> {
  const { databaseUrl, logger } = options;
  const files = await readMigrationFiles(options.migrationsDir ?? defaultMigrationsDir());
  if (await createDatabaseIfMissing(databaseUrl)) logger?.info('Created database');

  const client = new pg.Client({ connectionString: databaseUrl });
  // A dropped connection also rejects the pending query; this only keeps it from crashing the process.
  client.on('error', () => undefined);
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1::bigint)', [MIGRATION_LOCK_KEY]);
    try {
      const result = await migrateLocked(client, files, logger);
      logger?.info(`Migrations: ${result.applied.length} applied, ${result.skipped.length} already applied`);
      return result;
    } finally {
      await client.query('SELECT pg_advisory_unlock($1::bigint)', [MIGRATION_LOCK_KEY]).catch(() => undefined);
    }
  } finally {
    await client.end();
  }
}
