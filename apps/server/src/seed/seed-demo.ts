import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Prisma, PrismaClient, Role } from '@qiao/db';
import { getConnector, publicSummary } from '@qiao/connectors';
import { hashPassword, type SecretBox } from '@qiao/runtime';
import { hashKey, issueApiKey } from '../gateway/api-keys';
import { publishFlow } from '../flows/publish';
import { orderToInvoiceFlow, type OutboundNotifications } from './demo-flow';
import { seedMetersConnection } from './seed-meters';

export interface DemoUser {
  username: string;
  password: string;
  roles: Role[];
  displayName: string;
}

/** Demo accounts, one per role, printed by `npm start`. Development only: seeding refuses in production. */
export const DEMO_USERS: DemoUser[] = [
  { username: 'admin', password: 'qiao-admin', roles: ['admin'], displayName: '系统管理员 Admin' },
  { username: 'designer', password: 'qiao-designer', roles: ['designer'], displayName: '流程设计 Designer' },
  { username: 'operator', password: 'qiao-operator', roles: ['operator'], displayName: '运维 Operator' },
  { username: 'approver', password: 'qiao-approver', roles: ['approver'], displayName: '审批人 Approver' },
  { username: 'finance', password: 'qiao-finance', roles: ['finance'], displayName: '财务 Finance' },
];

export const DEMO_CONNECTION = 'Kingdee ERP 模拟器 (demo)';
export const DEMO_FLOW_TEMPLATE = 'order-to-invoice';
export const DEMO_EVENT_SOURCE = '/demo/crm';

export interface SeedArgs {
  prisma: PrismaClient;
  box: SecretBox;
  erpSimUrl: string;
  dataDir: string;
  production: boolean;
  /** How long the demo connection waits for the ERP per call (chaos tests shorten it). */
  erpTimeoutMs?: number;
  /** The MQTT broker of the stack: a demo connection subscribes to the meter simulator's topics. */
  mqttUrl?: string;
  /** Chat connections (seeded against the simulators) that announce the audited outbound; without them the demo flow has no announcement steps. */
  notify?: OutboundNotifications;
}

export interface SeedResult {
  users: DemoUser[];
  apiKey: string;
  flowId: string;
  connectionId: string;
}

/** Idempotent: a second start keeps what the first made (and whatever users changed since). */
export async function seedDemo({ prisma, box, erpSimUrl, dataDir, production, erpTimeoutMs, mqttUrl, notify }: SeedArgs): Promise<SeedResult> {
  if (production) throw new Error('Refusing to seed demo users and keys in production mode (NODE_ENV=production).');
  for (const user of DEMO_USERS) {
    const exists = await prisma.user.findUnique({ where: { username: user.username }, select: { id: true } });
    if (!exists) {
      await prisma.user.create({ data: { username: user.username, displayName: user.displayName, roles: user.roles, passwordHash: await hashPassword(user.password) } });
    }
  }
  const connectionId = await seedConnection(prisma, box, { erpSimUrl, timeoutMs: erpTimeoutMs ?? 15_000 });
  const flowId = await seedFlow(prisma, connectionId, notify ?? {});
  const apiKey = await seedApiKey(prisma, dataDir);
  if (mqttUrl) await seedMetersConnection(prisma, box, mqttUrl);
  return { users: DEMO_USERS, apiKey, flowId, connectionId };
}

async function seedConnection(prisma: PrismaClient, box: SecretBox, { erpSimUrl, timeoutMs }: { erpSimUrl: string; timeoutMs: number }): Promise<string> {
  const credentials = {
    serverUrl: `${erpSimUrl.replace(/\/$/, '')}/k3cloud/`,
    acctId: 'QIAO_DEMO',
    username: 'demo',
    authType: 'appSecret',
    appId: 'qiaodemo_0123456789abcdef0123456789abcdef',
    appSecret: 'qiao-demo-secret',
    lcid: 2052,
    timeoutMs,
  };
  const kingdee = getConnector('kingdee');
  const summary = kingdee ? publicSummary(kingdee, credentials) : {};
  const row = await prisma.connection.upsert({
    where: { name: DEMO_CONNECTION },
    // Re-point at the simulator on every start: its port may have changed.
    update: { secret: box.sealJson(credentials), summary },
    create: { name: DEMO_CONNECTION, connectorId: 'kingdee', secret: box.sealJson(credentials), summary },
    select: { id: true },
  });
  return row.id;
}

// A flow seeded by an earlier start is kept as it is (users may have changed it since).
async function seedFlow(prisma: PrismaClient, connectionId: string, notify: OutboundNotifications): Promise<string> {
  const existing = await prisma.flow.findFirst({ where: { draft: { path: ['metadata', 'template'], equals: DEMO_FLOW_TEMPLATE } }, select: { id: true, status: true } });
  if (existing) return existing.id;
  const document = orderToInvoiceFlow(connectionId, notify);
  const flow = await prisma.flow.create({ data: { name: document.name, description: document.description, draft: document as Prisma.InputJsonValue }, select: { id: true } });
  const published = await publishFlow(prisma, { flowId: flow.id, comment: '演示流程 · demo flow', userId: null });
  if (!published.ok) throw new Error(`The demo flow does not compile: ${JSON.stringify(published)}`);
  return flow.id;
}

/** Only a hash is stored, so the plain demo key is kept in .data to be printed on every start. */
async function seedApiKey(prisma: PrismaClient, dataDir: string): Promise<string> {
  const file = path.join(dataDir, 'demo-api-key');
  if (existsSync(file)) {
    const key = readFileSync(file, 'utf8').trim();
    const row = await prisma.apiKey.findFirst({ where: { keyHash: hashKey(key), revokedAt: null }, select: { id: true } });
    if (row) return key;
  }
  const issued = issueApiKey();
  await prisma.apiKey.create({ data: { name: 'demo CRM', source: '*', prefix: issued.prefix, keyHash: issued.keyHash } });
  writeFileSync(file, `${issued.key}\n`, { mode: 0o600 });
  return issued.key;
}
