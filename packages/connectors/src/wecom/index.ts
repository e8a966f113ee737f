import { defineConnector } from '../kit/define-connector';
import { ConnectorError } from '../kit/errors/connector-error';
import { sendAppMessage } from './actions/send-app-message';
import { sendRobotMessage } from './actions/send-robot-message';
import { appOf, robotKeyOf, wecomAuthSchema, type WecomConnectionContext } from './auth';
import { SYSTEM } from './errors';
import { createAppClient, probeRobotKey } from './transport';

export const wecom = defineConnector({
  id: 'wecom',
  name: { en: 'WeCom (WeChat Work)', 'zh-CN': '企业微信' },
  description: {
    en: 'Group robot and self-built app messages; approval and other events arrive through the encrypted callback URL.',
    'zh-CN': '群机器人与自建应用消息；审批等事件通过加密回调地址接收。',
  },
  group: 'messaging',
  auth: wecomAuthSchema,
  publicFields: ['baseUrl', 'corpId', 'agentId', 'timeoutMs'],
  endpointFields: ['baseUrl'],
  secretFields: ['corpSecret', 'robotKey', 'callbackToken', 'encodingAesKey'],
  actions: [sendAppMessage, sendRobotMessage],
  triggers: [],
  async testConnection(ctx) {
    const checks: string[] = [];
    if (appOf(ctx.credentials)) checks.push(await testApp(ctx));
    if (ctx.credentials.robotKey !== undefined) checks.push(await testRobot(ctx));
    if (ctx.credentials.callbackToken !== undefined) checks.push(`callback URL path: /api/callbacks/wecom/${ctx.connectionId}`);
    return { ok: true, detail: checks.join('; ') };
  },
});

/** gettoken proves corp id and secret; agent/get proves the agent id belongs to that secret. */
async function testApp(ctx: WecomConnectionContext): Promise<string> {
  const app = appOf(ctx.credentials);
  if (!app) return '';
  const client = createAppClient(ctx, app);
  await client.token({ fresh: true }).catch((error: unknown) => {
    throw explain(ctx, error, {
      40013: `corpId "${app.corpId}" is not a valid WeCom corp id`,
      40001: `corpSecret is wrong for corp "${app.corpId}" (use the Secret of the self-built app)`,
      41004: 'corpSecret is empty',
      60020: `WeCom refused this server's IP address: add it to the app's trusted IPs (企业可信IP)`,
    });
  });
  const agent = await client.get('agent/get', { agentid: String(app.agentId) }, 'agent/get').catch((error: unknown) => {
    throw explain(ctx, error, {
      40056: `agentId ${app.agentId} is not an app of corp "${app.corpId}"`,
      301002: `agentId ${app.agentId} does not belong to this corpSecret (the secret is another app's)`,
    });
  });
  const name = typeof agent['name'] === 'string' ? ` "${agent['name']}"` : '';
  return `app${name} (agent ${app.agentId}) of corp ${app.corpId}: token obtained`;
}

async function testRobot(ctx: WecomConnectionContext): Promise<string> {
  const key = robotKeyOf(ctx.credentials.robotKey ?? '');
  if (key === undefined) throw new ConnectorError({ system: SYSTEM, code: 'invalid_robot_key', message: 'robotKey is not a webhook key', retryable: false });
  await probeRobotKey(ctx, key).catch((error: unknown) => {
    throw explain(ctx, error, { 93000: 'the robot webhook key is invalid, or the robot was removed from its group', 93004: 'the robot is disabled' });
  });
  return 'group robot key accepted (nothing was posted)';
}

/** Same error, with a message that says exactly which setting is wrong. */
function explain(ctx: WecomConnectionContext, error: unknown, known: Record<number, string>): unknown {
  if (!(error instanceof ConnectorError)) return error;
  if (error.code === 'network' || error.code === 'timeout') {
    return new ConnectorError({ system: SYSTEM, code: error.code, message: `Cannot reach ${ctx.credentials.baseUrl}: ${error.message}`, retryable: error.retryable, cause: error });
  }
  const errcode = (error.detail as { errcode?: unknown } | undefined)?.errcode;
  const better = typeof errcode === 'number' ? known[errcode] : undefined;
  if (!better) return error;
  return new ConnectorError({ system: SYSTEM, code: error.code, message: `${better} (errcode ${errcode})`, retryable: error.retryable, detail: error.detail, cause: error });
}

export { wecomAuthSchema, robotKeyOf, DEFAULT_BASE_URL, type WecomCredentials } from './auth';
export { ERRCODES as WECOM_ERRCODES } from './errors';
export * from './crypto';
export { parseXml, textOf, XmlError, type XmlObject, type XmlValue } from './xml';
export * from './callback';
export * from './callback-event';
