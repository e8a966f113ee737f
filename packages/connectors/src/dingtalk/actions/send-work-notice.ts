import { z } from 'zod';
import { defineAction } from '../../kit/define-connector';
import { UserError } from '../../kit/errors/user-error';
import type { AppCredentials, DingtalkContext } from '../auth';
import { appCall } from '../transport';
import { parseSendResult, sendResultSchema, workNoticeMessageSchema } from '../work-notice';

export const sendWorkNotice = defineAction({
  id: 'sendWorkNotice',
  name: { en: 'Send work notification', 'zh-CN': '发送工作通知' },
  description: {
    en: 'Sends a work notification (工作通知) from the app to users, departments or everyone, then checks the send result and reports invalid, forbidden and failed recipients.',
    'zh-CN': '以应用身份向用户、部门或全员发送工作通知，并查询发送结果，报告无效、被限制和失败的接收人。',
  },
  input: z.object({
    userIds: z.array(z.string().min(1)).max(5000).optional(),
    deptIds: z.array(z.string().regex(/^\d+$/)).max(500).optional(),
    toAllUser: z.boolean().default(false),
    msg: workNoticeMessageSchema,
    /** Query getsendresult after sending (DingTalk sends asynchronously; the answer reflects the moment of the query). */
    checkResult: z.boolean().default(true),
  }),
  output: z.object({ taskId: z.string(), requestId: z.string().optional(), result: sendResultSchema.optional() }),
  async run(ctx: DingtalkContext, input) {
    const credentials = appCredentials(ctx.credentials);
    const agentId = credentials.agentId;
    if (agentId === undefined) {
      throw new UserError({ code: 'agent_id_missing', path: ['credentials', 'agentId'], message: { en: 'The connection has no agentId; work notifications need it.', 'zh-CN': '连接未设置 agentId，发送工作通知需要它。' } });
    }
    if (!input.toAllUser && !input.userIds?.length && !input.deptIds?.length) {
      throw new UserError({ code: 'no_recipients', path: ['userIds'], message: { en: 'Give userIds, deptIds or toAllUser.', 'zh-CN': '请提供 userIds、deptIds 或 toAllUser。' } });
    }
    // No idempotency key exists for asyncsend_v2; DingTalk itself drops identical content to the same
    // user from the same app within a day, which is what makes a retry after a lost answer harmless.
    const sent = await appCall(ctx, credentials, {
      path: '/topapi/message/corpconversation/asyncsend_v2',
      name: 'asyncsend_v2',
      json: {
        agent_id: Number(agentId),
        ...(input.userIds?.length ? { userid_list: input.userIds.join(',') } : {}),
        ...(input.deptIds?.length ? { dept_id_list: input.deptIds.join(',') } : {}),
        to_all_user: input.toAllUser,
        msg: input.msg,
      },
    });
    const taskId = String(sent['task_id'] ?? '');
    const requestId = typeof sent['request_id'] === 'string' ? sent['request_id'] : undefined;
    const base = { taskId, ...(requestId ? { requestId } : {}) };
    if (!input.checkResult) return base;
    const answer = await appCall(ctx, credentials, {
      path: '/topapi/message/corpconversation/getsendresult',
      name: 'getsendresult',
      json: { agent_id: Number(agentId), task_id: Number.isSafeInteger(Number(taskId)) ? Number(taskId) : taskId },
    });
    const result = parseSendResult(answer['send_result']);
    if (result.invalidUsers.length || result.forbiddenUsers.length || result.failedUsers.length) {
      ctx.logger.warn('dingtalk work notification did not reach every recipient', { taskId, invalid: result.invalidUsers, forbidden: result.forbiddenUsers, failed: result.failedUsers });
    }
    return { ...base, result };
  },
});

export function appCredentials(credentials: DingtalkContext['credentials']): AppCredentials {
  if (credentials.kind === 'app') return credentials;
  throw new UserError({ code: 'not_an_app', path: ['connectionId'], message: { en: 'Choose a DingTalk app connection (this one is a robot).', 'zh-CN': '请选择钉钉应用连接（该连接是机器人）。' } });
}
