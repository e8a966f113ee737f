import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { databaseExists, dropDatabase } from './database-admin';
import { migrate, MigrationChecksumError, MigrationFailedError, MIGRATIONS_TABLE } from './migrate';
import { readMigrationFiles } from './migration-files';
import { defaultMigrationsDir } from './migrations-dir';
import { DEFAULT_TEST_SERVER_URL, uniqueDatabaseName } from './testing';
import { withDatabase } from './url';

const baseUrl = process.env['TEST_DATABASE_URL'] ?? DEFAULT_TEST_SERVER_URL;
const created: string[] = [];
const tempDirs: string[] = [];

function freshUrl(): string {
  const url = withDatabase(baseUrl, uniqueDatabaseName('qiao_migrate'));
  created.push(url);
  return url;
}

async function migrationsDir(files: Record<string, string>): Promise<string> {
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'qiao-migrations-'));
  tempDirs.push(dir);
  for (const [name, sql] of Object.entries(files)) {
    await fs.mkdir(path.join(dir, name));
    await fs.writeFile(path.join(dir, name, 'migration.sql'), sql);
  }
  return dir;
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

afterEach(async () => {
  await Promise.all(tempDirs.splice(0).map((dir) => fs.rm(dir, { recursive: true, force: true })));
});
afterAll(async () => {
  for (const url of created) await dropDatabase(url);
});

describe('migrate', () => {
  it('creates the database, applies the repo migrations once, and skips them on the next run', async () => {
    const url = freshUrl();
    const names = (await readMigrationFiles(defaultMigrationsDir())).map((m) => m.name);
    expect(names.length).toBeGreaterThan(0);
    expect(await databaseExists(url)).toBe(false);

    expect(await migrate({ databaseUrl: url })).toEqual({ applied: names, skipped: [] });
    expect(await migrate({ databaseUrl: url })).toEqual({ applied: [], skipped: names });
    const rows = await query<{ name: string }>(url, `SELECT name FROM ${MIGRATIONS_TABLE} ORDER BY name`);
    expect(rows.map((r) => r.name)).toEqual(names);
  });

  it('lets two concurrent starts on a missing database both succeed, applying each file once', async () => {
    const url = freshUrl();
    const dir = await migrationsDir({
      '001_a': 'CREATE TABLE a (id int PRIMARY KEY); SELECT pg_sleep(0.3);',
      '002_b': 'CREATE TABLE b (id int PRIMARY KEY);',
    });
    const [first, second] = await Promise.all([
      migrate({ databaseUrl: url, migrationsDir: dir }),
      migrate({ databaseUrl: url, migrationsDir: dir }),
    ]);
    const results = [first, second].sort((x, y) => y.applied.length - x.applied.length);
    expect(results).toEqual([
      { applied: ['001_a', '002_b'], skipped: [] },
      { applied: [], skipped: ['001_a', '002_b'] },
    ]);
    expect(await query(url, `SELECT name FROM ${MIGRATIONS_TABLE}`)).toHaveLength(2);
  });

  it('refuses to run when an applied migration file was edited, naming the file', async () => {
    const url = freshUrl();
    const dir = await migrationsDir({ '001_a': 'CREATE TABLE a (id int);', '002_b': 'CREATE TABLE b (id int);' });
    await migrate({ databaseUrl: url, migrationsDir: dir });

    await fs.writeFile(path.join(dir, '001_a', 'migration.sql'), 'CREATE TABLE a (id bigint);');
    await fs.mkdir(path.join(dir, '003_c'));
    await fs.writeFile(path.join(dir, '003_c', 'migration.sql'), 'CREATE TABLE c (id int);');
    const run = migrate({ databaseUrl: url, migrationsDir: dir });
    await expect(run).rejects.toThrow(MigrationChecksumError);
    await expect(run).rejects.toThrow(/001_a\/migration\.sql/);
    // Nothing after the edited file ran either.
    expect(await query(url, "SELECT 1 FROM pg_class WHERE relname = 'c'")).toHaveLength(0);
  });

  it('treats CRLF line endings as the same file (a Windows checkout is not an edit)', async () => {
    const url = freshUrl();
    const dir = await migrationsDir({ '001_a': 'CREATE TABLE a (id int);\nCREATE TABLE b (id int);\n' });
    await migrate({ databaseUrl: url, migrationsDir: dir });
    await fs.writeFile(path.join(dir, '001_a', 'migration.sql'), 'CREATE TABLE a (id int);\r\nCREATE TABLE b (id int);\r\n');
    expect(await migrate({ databaseUrl: url, migrationsDir: dir })).toEqual({ applied: [], skipped: ['001_a'] });
  });

  it('rolls a failing file back completely and records nothing for it', async () => {
    const url = freshUrl();
    const dir = await migrationsDir({
      '001_ok': 'CREATE TABLE ok (id int);',
      '002_bad': "CREATE TABLE half (id int); CREATE TYPE mood AS ENUM ('up'); INSERT INTO missing VALUES (1);",
    });
    const run = migrate({ databaseUrl: url, migrationsDir: dir });
    await expect(run).rejects.toThrow(MigrationFailedError);
    await expect(run).rejects.toThrow(/002_bad\/migration\.sql failed.*"missing" does not exist/);

    expect(await query<{ name: string }>(url, `SELECT name FROM ${MIGRATIONS_TABLE}`)).toEqual([{ name: '001_ok' }]);
    expect(await query(url, "SELECT 1 FROM pg_class WHERE relname IN ('half')")).toHaveLength(0);
    expect(await query(url, "SELECT 1 FROM pg_type WHERE typname = 'mood'")).toHaveLength(0);

    // Fixing the file lets the next start apply it.
    await fs.writeFile(path.join(dir, '002_bad', 'migration.sql'), 'CREATE TABLE half (id int);');
    expect(await migrate({ databaseUrl: url, migrationsDir: dir })).toEqual({ applied: ['002_bad'], skipped: ['001_ok'] });
  });

  it('names a migration directory that has no migration.sql', async () => {
    const dir = await migrationsDir({ '001_a': 'SELECT 1;' });
    await fs.mkdir(path.join(dir, '002_empty'));
    await expect(migrate({ databaseUrl: freshUrl(), migrationsDir: dir })).rejects.toThrow(/002_empty has no readable migration\.sql/);
  });
});
