import type { PrismaClient } from '@qiao/db';
import { dingtalkAuthSchema, getConnector, publicSummary } from '@qiao/connectors';
import type { SecretBox } from '@qiao/runtime';

/**
 * The robot and app `npm start` configures in apps/dingtalk-sim (passed to it as
 * DINGTALK_SIM_ROBOTS / DINGTALK_SIM_APPS), and the demo connection to the robot. Development data
 * only: not the secrets of anything real.
 */
export const DINGTALK_SIM_DEMO = {
  robot: { accessToken: 'qiao-demo-robot', secret: 'SECqiaodemorobot', keywords: ['Qiao'] },
  app: { appKey: 'dingqiaodemo', appSecret: 'qiao-demo-app-secret', agentId: 1001, users: ['manager01', 'finance01', 'warehouse01'] },
} as const;

export const DEMO_DINGTALK_ROBOT_CONNECTION = '钉钉群机器人模拟器 DingTalk robot simulator (demo)';

/** A DingTalk robot connection pointing at the simulator (upserted: the simulator's port may change between starts). */
export async function seedDingtalkDemo(prisma: PrismaClient, box: SecretBox, dingtalkSimUrl: string): Promise<{ connectionId: string }> {
  const { robot } = DINGTALK_SIM_DEMO;
  // Bursts of more than 10 waiting messages go out as one digest, so a batch of orders never waits long behind 20/min.
  const credentials = dingtalkAuthSchema.parse({ kind: 'robot', baseUrl: dingtalkSimUrl, accessToken: robot.accessToken, secret: robot.secret, keywords: [...robot.keywords], digestThreshold: 10 });
  const dingtalk = getConnector('dingtalk');
  const summary = dingtalk ? publicSummary(dingtalk, credentials) : {};
  const row = await prisma.connection.upsert({
    where: { name: DEMO_DINGTALK_ROBOT_CONNECTION },
    update: { secret: box.sealJson(credentials), summary },
    create: { name: DEMO_DINGTALK_ROBOT_CONNECTION, connectorId: 'dingtalk', secret: box.sealJson(credentials), summary },
    select: { id: true },
  });
  return { connectionId: row.id };
}
