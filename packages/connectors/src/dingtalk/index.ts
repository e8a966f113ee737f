import { defineConnector } from '../kit/define-connector';
import { ConnectorError } from '../kit/errors/connector-error';
import { sendRobotMessage } from './actions/send-robot-message';
import { sendWorkNotice } from './actions/send-work-notice';
import { dingtalkAuthSchema } from './auth';
import { SYSTEM } from './errors';
import { appAccessToken, robotSend } from './transport';

export const dingtalk = defineConnector({
  id: 'dingtalk',
  name: { en: 'DingTalk', 'zh-CN': '钉钉' },
  description: {
    en: 'Group robots (加签, keywords, 20/min outbox with digests), work notifications, and event callbacks (HTTP push or Stream mode).',
    'zh-CN': '群机器人（加签、关键词、每分钟 20 条的发件箱与摘要合并）、工作通知，以及事件回调（HTTP 推送或 Stream 模式）。',
  },
  group: 'messaging',
  auth: dingtalkAuthSchema,
  publicFields: ['kind', 'baseUrl', 'keywordMode', 'digestThreshold', 'timeoutMs', 'appKey', 'agentId', 'mode', 'ownerKey'],
  endpointFields: ['baseUrl'],
  secretFields: ['accessToken', 'secret', 'appSecret', 'callbackToken', 'aesKey'],
  actions: [sendRobotMessage, sendWorkNotice],
  triggers: [],
  async testConnection(ctx) {
    const credentials = ctx.credentials;
    if (credentials.kind === 'app') {
      await appAccessToken(ctx, credentials, { fresh: true });
      const callbacks = credentials.callbackToken && credentials.aesKey ? 'callback token and AES key set' : 'no callback token/AES key (HTTP-push events cannot be received)';
      return { ok: true, detail: `gettoken succeeded for appKey ${credentials.appKey}; ${callbacks}` };
    }
    // A robot has no read-only endpoint. Post a message type DingTalk does not know: the access
    // token and the signature are checked before the body, so a parameter error proves both are
    // right and nothing reaches the group; 300001 / 310000 say which one is wrong.
    try {
      await robotSend(ctx, credentials, { msgtype: 'qiao_connection_test' });
    } catch (error) {
      if (!(error instanceof ConnectorError) || error.system !== SYSTEM || !error.code.startsWith('dingtalk_')) throw error;
      if (error.code === 'dingtalk_300001' || error.code === 'dingtalk_310000') throw error;
      return { ok: true, detail: `robot token${credentials.secret ? ' and 加签 signature' : ''} accepted (DingTalk answered ${error.code.slice('dingtalk_'.length)} to the empty test message; nothing was posted)` };
    }
    return { ok: true, detail: 'robot accepted the test request' };
  },
});

export { dingtalkAuthSchema, robotAuthSchema, appAuthSchema, DEFAULT_BASE_URL } from './auth';
export type { DingtalkCredentials, RobotCredentials, AppCredentials } from './auth';
export { robotSignature, robotSignQuery } from './sign';
export { buildSignedCallback, callbackSignature, decryptCallback, encryptCallback, encryptedSuccess, verifyCallbackSignature, CallbackCryptoError } from './callback-crypto';
export type { SignedCallback } from './callback-crypto';
export { robotMessageSchema, applyKeywords, digestMessages } from './robot-message';
export type { RobotMessage } from './robot-message';
export { workNoticeMessageSchema, parseSendResult } from './work-notice';
export { dingtalkRobotChannel, ROBOT_CHANNEL_ID, ROBOT_PER_MINUTE } from './robot-channel';
export { dingtalkError, ROBOT_THROTTLE_MS } from './errors';
export { dingtalkEventToCloudEvent } from './event-mapping';
export type { DingtalkEventCloudEvent } from './event-mapping';
// The Stream-mode client (official SDK: ws + axios) is a separate entry, '@qiao/connectors/dingtalk-stream',
// so only the worker loads it.
