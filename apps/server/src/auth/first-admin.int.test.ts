import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrisma, createTestDatabase, type PrismaClient, type TestDatabase } from '@qiao/db';
import { ensureFirstAdmin } from './first-admin';

let db: TestDatabase;
const clients: PrismaClient[] = [];

beforeAll(async () => {
  db = await createTestDatabase('qiao_first_admin');
});
afterAll(async () => {
  await Promise.all(clients.map((c) => c.$disconnect()));
  await db?.drop();
});

describe('ensureFirstAdmin', () => {
  it('makes one admin when several server processes start at once, and none of them fails', async () => {
    // One client each, as separate processes have.
    for (let i = 0; i < 4; i += 1) clients.push(createPrisma(db.url, { max: 2 }));
    const infos: string[] = [];
    const logger = { info: (_obj: object, msg?: string) => void infos.push(msg ?? ''), warn: () => undefined };
    await Promise.all(clients.map((prisma) => ensureFirstAdmin(prisma, { username: 'admin', password: 'a long enough password', logger })));
    expect(await db.prisma.user.findMany({ select: { username: true, roles: true } })).toEqual([{ username: 'admin', roles: ['admin'] }]);
    expect(infos.filter((m) => m.includes('first admin created'))).toHaveLength(1);
  });
});
