import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@qiao/db';
import { createSecretBox } from '@qiao/runtime';
import { seedWecomDemo } from './seed-wecom';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase('qiao_seed_wecom');
});
afterAll(async () => db?.drop());

describe('seedWecomDemo', () => {
  it('creates the WeCom demo connection and publishes its flow, once', async () => {
    const box = createSecretBox(randomBytes(32));
    const first = await seedWecomDemo(db.prisma, box, 'http://127.0.0.1:3200');
    const again = await seedWecomDemo(db.prisma, box, 'http://127.0.0.1:3201');
    expect(again).toMatchObject({ connectionId: first.connectionId, flowId: first.flowId, callbackPath: `/api/callbacks/wecom/${first.connectionId}` });
    const flow = await db.prisma.flow.findUniqueOrThrow({ where: { id: first.flowId } });
    expect(flow).toMatchObject({ status: 'published', triggerType: 'com.qiao.wecom.approval_change' });
    const connection = await db.prisma.connection.findUniqueOrThrow({ where: { id: first.connectionId } });
    expect(connection.summary).toMatchObject({ baseUrl: 'http://127.0.0.1:3201', corpId: 'ww5f3c2a1b0d9e8f70', agentId: 1000002 });
    expect(box.openJson(connection.secret)).toMatchObject({ callbackToken: first.callbackToken, encodingAesKey: first.encodingAesKey });
  });
});
