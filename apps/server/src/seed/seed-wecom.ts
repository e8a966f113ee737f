import type { Prisma, PrismaClient } from '@qiao/db';
import { getConnector, publicSummary, wecomAuthSchema } from '@qiao/connectors';
import type { SecretBox } from '@qiao/runtime';
import { publishFlow } from '../flows/publish';

// The demo corporation of apps/wecom-sim (its README lists the same values; the server may not
// import the simulator, so they are repeated here as demo data).
const DEMO_WECOM = {
  corpId: 'ww5f3c2a1b0d9e8f70',
  agentId: 1000002,
  corpSecret: 'qiao-wecom-demo-secret-0000000000000000000',
  robotKey: '693a91f6-7a1b-4bc4-97a0-0ec251fa5aaa',
  callbackToken: 'QiaoDemoToken2026',
  encodingAesKey: 'qiaoDemoEncodingAesKey0123456789abcdefghijk',
};

export const DEMO_WECOM_CONNECTION = '企业微信模拟器 WeCom simulator (demo)';
const DEMO_WECOM_FLOW_TEMPLATE = 'wecom-approval-notify';

export interface WecomSeedResult {
  connectionId: string;
  flowId: string;
  /** Where the simulator must deliver callbacks, relative to the server URL. */
  callbackPath: string;
  callbackToken: string;
  encodingAesKey: string;
}

/** A WeCom connection pointing at the simulator, and a flow: an approved WeCom approval → an app message to finance. */
export async function seedWecomDemo(prisma: PrismaClient, box: SecretBox, wecomSimUrl: string): Promise<WecomSeedResult> {
  const credentials = wecomAuthSchema.parse({ baseUrl: wecomSimUrl, ...DEMO_WECOM });
  const wecom = getConnector('wecom');
  const summary = wecom ? publicSummary(wecom, credentials) : {};
  const row = await prisma.connection.upsert({
    where: { name: DEMO_WECOM_CONNECTION },
    // Re-point at the simulator on every start: its port may have changed.
    update: { secret: box.sealJson(credentials), summary },
    create: { name: DEMO_WECOM_CONNECTION, connectorId: 'wecom', secret: box.sealJson(credentials), summary },
    select: { id: true },
  });
  const flowId = await seedFlow(prisma, row.id);
  return { connectionId: row.id, flowId, callbackPath: `/api/callbacks/wecom/${row.id}`, callbackToken: DEMO_WECOM.callbackToken, encodingAesKey: DEMO_WECOM.encodingAesKey };
}

async function seedFlow(prisma: PrismaClient, connectionId: string): Promise<string> {
  const existing = await prisma.flow.findFirst({ where: { draft: { path: ['metadata', 'template'], equals: DEMO_WECOM_FLOW_TEMPLATE } }, select: { id: true } });
  if (existing) return existing.id;
  const document = {
    schemaVersion: 1,
    name: '企业微信审批通过 → 通知财务 · WeCom approval approved → notify finance',
    description: '企业微信审批（sys_approval_change）通过后，以应用消息通知财务。When a WeCom approval is approved, tells finance through the app.',
    trigger: { eventType: 'com.qiao.wecom.approval_change', filter: 'event.data.ApprovalInfo.SpStatus = "2"' },
    nodes: [
      {
        id: 'notifyFinance',
        type: 'wecom.sendAppMessage',
        name: '通知财务',
        connectionId,
        position: { x: 0, y: 120 },
        parameters: {
          msgtype: 'textcard',
          touser: ['caiwu01'],
          title: { $expr: '"审批已通过 " & event.subject' },
          description: { $expr: '"<div class=\\"gray\\">" & event.data.ApprovalInfo.SpName & "</div><div class=\\"normal\\">申请人 " & event.data.ApprovalInfo.Applyer.UserId & "</div>"' },
          url: 'https://work.weixin.qq.com/',
          btntxt: '详情',
        },
      },
    ],
    edges: [],
    metadata: { template: DEMO_WECOM_FLOW_TEMPLATE },
  };
  const flow = await prisma.flow.create({ data: { name: document.name, description: document.description, draft: document as Prisma.InputJsonValue }, select: { id: true } });
  const published = await publishFlow(prisma, { flowId: flow.id, comment: '演示流程 · demo flow', userId: null });
  if (!published.ok) throw new Error(`The WeCom demo flow does not compile: ${JSON.stringify(published)}`);
  return flow.id;
}
