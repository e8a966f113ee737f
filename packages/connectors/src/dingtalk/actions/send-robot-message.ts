import { createHash } from 'node:crypto';
import { z } from 'zod';
import { defineAction } from '../../kit/define-connector';
import { UserError } from '../../kit/errors/user-error';
import type { DingtalkContext, RobotCredentials } from '../auth';
import { ROBOT_CHANNEL_ID } from '../robot-channel';
import { applyKeywords, robotMessageSchema } from '../robot-message';
import { robotSend } from '../transport';

export const sendRobotMessage = defineAction({
  id: 'sendRobotMessage',
  name: { en: 'Send robot message', 'zh-CN': '发送群机器人消息' },
  description: {
    en: 'Posts a text, markdown or actionCard message to a group through a custom robot. Messages go through an outbox that keeps to 20 per minute per robot; the step completes once the message is queued.',
    'zh-CN': '通过自定义机器人向群发送文本、Markdown 或 actionCard 消息。消息经发件箱按每个机器人每分钟 20 条发出；消息入队即视为本步骤完成。',
  },
  input: z.object({ message: robotMessageSchema }),
  output: z.object({
    /** `queued`: in the outbox, sent by the worker within the robot's rate; `sent`: sent directly (no outbox in this context). */
    status: z.enum(['queued', 'sending', 'sent', 'failed']),
    outboxId: z.string().optional(),
    duplicate: z.boolean(),
  }),
  async run(ctx: DingtalkContext, { message }) {
    const credentials = robotCredentials(ctx.credentials);
    const prepared = applyKeywords(message, credentials);
    if (!ctx.outbox) {
      await robotSend(ctx, credentials, prepared);
      return { status: 'sent' as const, duplicate: false };
    }
    // One outbox entry per step: a re-run of the step (crash, retry) finds the same entry.
    const dedupeKey = createHash('sha256').update(`dingtalk.robot\n${ctx.idempotencyKey}`).digest('hex');
    const receipt = await ctx.outbox.enqueue({ channel: ROBOT_CHANNEL_ID, connectionId: ctx.connectionId, dedupeKey, payload: prepared });
    return { status: receipt.status, outboxId: receipt.id, duplicate: receipt.duplicate };
  },
});

export function robotCredentials(credentials: DingtalkContext['credentials']): RobotCredentials {
  if (credentials.kind === 'robot') return credentials;
  throw new UserError({ code: 'not_a_robot', path: ['connectionId'], message: { en: 'Choose a DingTalk robot connection (this one is an app).', 'zh-CN': '请选择钉钉机器人连接（该连接是应用）。' } });
}
