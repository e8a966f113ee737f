import { z } from 'zod';
import type { ActionContext, ConnectionContext } from '../kit/context';

export const DEFAULT_BASE_URL = 'https://oapi.dingtalk.com';

const baseUrl = z.url({ protocol: /^https?$/ }).default(DEFAULT_BASE_URL);
const timeoutMs = z.int().min(100).max(120_000).default(10_000);

/**
 * A custom group robot (自定义机器人). `accessToken` is the webhook's token and `secret` the 加签
 * secret (starts with SEC); both grant send rights, so both are secrets. When the robot's security
 * setting is "custom keywords", list them: a message must contain one (see keywordMode).
 */
export const robotAuthSchema = z.object({
  kind: z.literal('robot'),
  baseUrl,
  accessToken: z.string().trim().min(1),
  secret: z.string().trim().min(1).optional(),
  keywords: z.array(z.string().trim().min(1)).max(10).optional(),
  /**
   * `append` (default): a message containing none of the keywords gets the first one appended, so
   * it passes DingTalk's check. `refuse`: such a message is refused before any call (UserError).
   */
  keywordMode: z.enum(['append', 'refuse']).default('append'),
  /** When more than this many messages wait for this robot, they are sent as one markdown digest; 0 = never. */
  digestThreshold: z.int().min(0).max(1000).default(0),
  timeoutMs,
});

/**
 * An internal app (企业内部应用): appKey/appSecret for the access token and agentId for work
 * notifications. The callback fields are needed only to receive events over HTTP push
 * (`mode: http`); `ownerKey` is what DingTalk puts at the end of each encrypted event — the appKey
 * for event subscriptions of an internal app (default), the corpId for the older corp callbacks.
 */
export const appAuthSchema = z.object({
  kind: z.literal('app'),
  baseUrl,
  appKey: z.string().trim().min(1),
  appSecret: z.string().trim().min(1),
  agentId: z.union([z.int().positive(), z.string().regex(/^\d+$/)]).optional(),
  mode: z.enum(['http', 'stream']).default('http'),
  callbackToken: z.string().min(1).optional(),
  aesKey: z.string().regex(/^[A-Za-z0-9]{43}$/, 'must be the 43-character EncodingAESKey').optional(),
  ownerKey: z.string().trim().min(1).optional(),
  timeoutMs,
});

export const dingtalkAuthSchema = z.discriminatedUnion('kind', [robotAuthSchema, appAuthSchema]);

export type DingtalkCredentials = z.output<typeof dingtalkAuthSchema>;
export type RobotCredentials = z.output<typeof robotAuthSchema>;
export type AppCredentials = z.output<typeof appAuthSchema>;
export type DingtalkContext = ActionContext<DingtalkCredentials>;
export type DingtalkConnectionContext = ConnectionContext<DingtalkCredentials>;
