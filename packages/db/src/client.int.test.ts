import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Prisma, Role, RunStatus } from './generated/client';
import { createTestDatabase, DEFAULT_TEST_SERVER_URL, type TestDatabase } from './testing';
import { databaseNameFromUrl } from './url';

const baseUrl = process.env['TEST_DATABASE_URL'] ?? DEFAULT_TEST_SERVER_URL;

describe('createPrisma against a migrated database', () => {
  let db: TestDatabase;

  beforeAll(async () => {
    db = await createTestDatabase('qiao_client', { baseUrl });
  });
  afterAll(async () => {
    await db?.drop();
  });

  it('points at the test database', () => {
    expect(databaseNameFromUrl(db.url)).toBe(db.name);
  });

  it('writes and reads users, flows, versions, events, runs and steps', async () => {
    const { prisma } = db;
    const user = await prisma.user.create({
      data: { username: 'li.wei', displayName: '李伟', passwordHash: 'x', roles: [Role.admin, Role.approver] },
    });
    expect(user.roles).toEqual(['admin', 'approver']);
    expect(user.locale).toBe('zh-CN');

    const flow = await prisma.flow.create({ data: { name: 'Orders to ERP', draft: { nodes: [] }, createdById: user.id } });
    const version = await prisma.flowVersion.create({
      data: { flowId: flow.id, version: 1, definition: { nodes: [] }, plan: { steps: [] }, planHash: 'h1', publishedById: user.id },
    });
    const event = await prisma.event.create({
      data: { source: 'shop', eventId: 'order-1', type: 'order.created', data: { total: 12.5 } },
    });
    const run = await prisma.run.create({
      data: { flowId: flow.id, flowVersionId: version.id, eventId: event.id, businessKey: 'SO-1' },
    });
    await prisma.step.create({ data: { runId: run.id, nodeId: 'n1', idempotencyKey: `${run.id}:n1`, input: { a: 1 } } });

    const read = await prisma.run.findUniqueOrThrow({
      where: { eventId_flowVersionId: { eventId: event.id, flowVersionId: version.id } },
      include: { steps: true, event: true, flowVersion: { include: { flow: true } } },
    });
    expect(read.status).toBe(RunStatus.pending);
    expect(read.event.data).toEqual({ total: 12.5 });
    expect(read.flowVersion.flow.name).toBe('Orders to ERP');
    expect(read.steps.map((s) => [s.nodeId, s.status, s.attempt, s.input])).toEqual([['n1', 'pending', 0, { a: 1 }]]);
  });

  it('enforces one event per (source, eventId)', async () => {
    const { prisma } = db;
    await prisma.event.create({ data: { source: 'mes', eventId: 'e-1', type: 'x' } });
    const duplicate = prisma.event.create({ data: { source: 'mes', eventId: 'e-1', type: 'x' } });
    await expect(duplicate).rejects.toBeInstanceOf(Prisma.PrismaClientKnownRequestError);
    await expect(duplicate).rejects.toMatchObject({ code: 'P2002' });
    // The same eventId from another source is a different event.
    await expect(prisma.event.create({ data: { source: 'erp', eventId: 'e-1', type: 'x' } })).resolves.toBeTruthy();
  });

  it('numbers audit log rows from the BIGSERIAL sequence', async () => {
    const { prisma } = db;
    const a = await prisma.auditLog.create({ data: { action: 'login' } });
    const b = await prisma.auditLog.create({ data: { action: 'logout' } });
    expect(typeof a.id).toBe('bigint');
    expect(b.id).toBeGreaterThan(a.id);
  });
});

describe('flow versions', () => {
  it('cannot be changed once published', async () => {
    const db = await createTestDatabase('qiao_immutable');
    try {
      const flow = await db.prisma.flow.create({ data: { name: 'f', draft: {} } });
      const version = await db.prisma.flowVersion.create({ data: { flowId: flow.id, version: 1, definition: {}, plan: {}, planHash: 'h' } });
      await expect(db.prisma.flowVersion.update({ where: { id: version.id }, data: { comment: 'rewritten' } })).rejects.toThrow(/immutable/);
      expect((await db.prisma.flowVersion.findUniqueOrThrow({ where: { id: version.id } })).comment).toBe('');
    } finally {
      await db.drop();
    }
  });
});
