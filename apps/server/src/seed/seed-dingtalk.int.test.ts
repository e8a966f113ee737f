import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '@qiao/db';
import { createSecretBox } from '@qiao/runtime';
import { seedDemo } from './seed-demo';
import { DINGTALK_SIM_DEMO, seedDingtalkDemo } from './seed-dingtalk';
import { seedWecomDemo } from './seed-wecom';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase('qiao_seed_dingtalk');
});
afterAll(async () => db?.drop());

describe('the DingTalk demo connection and the announcing demo flow', () => {
  it('seeds the robot against the simulator (re-pointed on the next start) and a published demo flow that announces the outbound', async () => {
    const box = createSecretBox(randomBytes(32));
    const first = await seedDingtalkDemo(db.prisma, box, 'http://127.0.0.1:3300');
    const again = await seedDingtalkDemo(db.prisma, box, 'http://127.0.0.1:3301');
    expect(again.connectionId).toBe(first.connectionId);
    const connection = await db.prisma.connection.findUniqueOrThrow({ where: { id: first.connectionId } });
    expect(connection).toMatchObject({ connectorId: 'dingtalk', summary: { kind: 'robot', baseUrl: 'http://127.0.0.1:3301' } });
    expect(JSON.stringify(connection.summary)).not.toContain(DINGTALK_SIM_DEMO.robot.secret);
    expect(box.openJson(connection.secret)).toMatchObject({ accessToken: DINGTALK_SIM_DEMO.robot.accessToken, secret: DINGTALK_SIM_DEMO.robot.secret, keywords: ['Qiao'] });

    const wecom = await seedWecomDemo(db.prisma, box, 'http://127.0.0.1:3200');
    const dataDir = mkdtempSync(path.join(tmpdir(), 'qiao-seed-'));
    const seeded = await seedDemo({ prisma: db.prisma, box, erpSimUrl: 'http://127.0.0.1:3100', dataDir, production: false, notify: { dingtalkRobotConnectionId: first.connectionId, wecomConnectionId: wecom.connectionId } }).finally(() => rmSync(dataDir, { recursive: true, force: true }));
    const flow = await db.prisma.flow.findUniqueOrThrow({ where: { id: seeded.flowId }, select: { status: true, draft: true } });
    expect(flow.status).toBe('published');
    const nodes = (flow.draft as { nodes: { id: string; connectionId?: string }[] }).nodes;
    expect(nodes.find((n) => n.id === 'notifyDingtalk')?.connectionId).toBe(first.connectionId);
    expect(nodes.find((n) => n.id === 'notifyWecom')?.connectionId).toBe(wecom.connectionId);
  });
});
