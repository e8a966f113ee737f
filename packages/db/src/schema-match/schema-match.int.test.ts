// The migrated database must be exactly what schema.prisma declares: every table, column (type,
// nullability, default), index, unique, foreign key and enum. When this fails, the lines it prints are
// what a new migration.sql has to change (see prisma/README.md).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultMigrationsDir } from '../migrations-dir';
import { MIGRATIONS_TABLE } from '../migrate';
import { createTestDatabase, DEFAULT_TEST_SERVER_URL, type TestDatabase } from '../testing';
import { declaredShape } from './declared-shape';
import { liveShape } from './live-shape';
import { compareShapes } from './shape';

const baseUrl = process.env['TEST_DATABASE_URL'] ?? DEFAULT_TEST_SERVER_URL;
const here = path.dirname(fileURLToPath(import.meta.url));
const schemaPath = path.join(defaultMigrationsDir(), '..', 'schema.prisma');

// Objects a migration may add on purpose that Prisma cannot express; name each one with the reason.
const ALLOWED_EXTRAS: string[] = [];

async function differences(db: TestDatabase, schema: string): Promise<string[]> {
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    const found = compareShapes(declaredShape(schema), await liveShape(client, [MIGRATIONS_TABLE]));
    return found.filter((line) => !ALLOWED_EXTRAS.some((extra) => line.startsWith(extra)));
  } finally {
    await client.end();
  }
}

describe('prisma/migrations vs prisma/schema.prisma', () => {
  let db: TestDatabase;
  const schema = fs.readFileSync(schemaPath, 'utf8');

  beforeAll(async () => {
    db = await createTestDatabase('qiao_schema_match', { baseUrl });
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('the migrated database matches schema.prisma', async () => {
    const found = await differences(db, schema);
    // The lines go into the message too, so they show even when a reporter abbreviates arrays.
    expect(found, `\n${found.join('\n')}\n`).toEqual([]);
  });

  it('notices a field added to schema.prisma without a migration', async () => {
    const edited = schema.replace(/^(model User \{\n)/m, '$1  nickname String?\n');
    expect(edited).not.toBe(schema);
    expect(await differences(db, edited)).toEqual([
      'column users.nickname: missing in the database (schema.prisma: text NULL)',
    ]);
  });

  it('notices a changed type, nullability, default, index and referential action', async () => {
    const edited = schema
      .replace('locale       String    @default("zh-CN")', 'locale       String?   @default("en")')
      .replace('runCount    Int      @default(0)', 'runCount    BigInt   @default(0)')
      .replace('@@index([businessKey])', '@@index([businessKey, createdAt])')
      .replace('run            Run        @relation(fields: [runId], references: [id], onDelete: Cascade)',
        'run            Run        @relation(fields: [runId], references: [id])');
    expect(await differences(db, edited)).toEqual([
      'column users.locale: schema.prisma says text NULL DEFAULT en; the database has text NOT NULL DEFAULT zh-CN',
      'column events.runCount: schema.prisma says bigint NOT NULL DEFAULT 0; the database has integer NOT NULL DEFAULT 0',
      'index runs_businessKey_createdAt_idx: missing in the database (schema.prisma: INDEX on runs USING btree (businessKey, createdAt))',
      'index runs_businessKey_idx: in the database but not in schema.prisma (INDEX on runs USING btree (businessKey))',
      'foreign key steps.steps_runId_fkey: schema.prisma says steps(runId) -> runs(id) ON DELETE Restrict ON UPDATE Cascade; the database has steps(runId) -> runs(id) ON DELETE Cascade ON UPDATE Cascade',
    ]);
  });
});

describe('the comparison itself, on Prisma features the real schema does not use yet', () => {
  const fixture = path.join(here, 'fixtures', 'exotic');
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase('qiao_schema_exotic', { baseUrl, migrationsDir: path.join(fixture, 'migrations') });
  });
  afterAll(async () => {
    await db?.drop();
  });

  it("accepts Prisma's own SQL for mapped names, enums, lists, defaults, native types, sorted and GIN indexes", async () => {
    const found = await differences(db, fs.readFileSync(path.join(fixture, 'schema.prisma'), 'utf8'));
    expect(found, `\n${found.join('\n')}\n`).toEqual([]);
  });
});
