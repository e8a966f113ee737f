// Reads a Prisma-layout migrations folder: one directory per migration, holding migration.sql.
import { createHash } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';

export interface MigrationFile {
  /** The directory name, e.g. `20261127000000_init`; also the key in `_qiao_migrations`. */
  name: string;
  sql: string;
  /** SHA-256 (hex) of the SQL with CRLF read as LF, so a Windows checkout does not look like an edit. */
  checksum: string;
}

export function migrationChecksum(sql: string): string {
  return createHash('sha256').update(sql.replaceAll('\r\n', '\n')).digest('hex');
}

/** All migrations in name order (the timestamp prefix makes that the order they were written in). */
export async function readMigrationFiles(migrationsDir: string): Promise<MigrationFile[]> {
  let entries;
  try {
    entries = await fs.readdir(migrationsDir, { withFileTypes: true });
  } catch (err) {
    throw new Error(`Cannot read migrations directory ${migrationsDir}`, { cause: err });
  }
  const names = entries
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const files: MigrationFile[] = [];
  for (const name of names) {
    const file = path.join(migrationsDir, name, 'migration.sql');
    let sql;
    try {
      sql = await fs.readFile(file, 'utf8');
    } catch (err) {
      throw new Error(`Migration directory ${name} has no readable migration.sql (${file})`, { cause: err });
    }
    files.push({ name, sql, checksum: migrationChecksum(sql) });
  }
  return files;
}
