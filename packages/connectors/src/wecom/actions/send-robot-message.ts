import { z } from 'zod';
import { defineAction } from '../../kit/define-connector';
import { UserError } from '../../kit/errors/user-error';
import { robotKeyOf, type WecomContext } from '../auth';
import { MARKDOWN_MAX_BYTES, TEXT_MAX_BYTES, checkBytes, checkTemplateCard, robotTemplateCardSchema } from '../messages';
import { robotSend } from '../transport';

const input = z.discriminatedUnion('msgtype', [
  z.object({
    msgtype: z.literal('text'),
    content: z.string().min(1),
    /** userids to @, or "@all". */
    mentionedList: z.array(z.string().min(1)).max(100).optional(),
    mentionedMobileList: z.array(z.string().min(1)).max(100).optional(),
  }),
  z.object({ msgtype: z.literal('markdown'), content: z.string().min(1) }),
  z.object({ msgtype: z.literal('template_card'), templateCard: robotTemplateCardSchema }),
]);

export const sendRobotMessage = defineAction({
  id: 'sendRobotMessage',
  name: { en: 'WeCom group robot message', 'zh-CN': '企业微信群机器人消息' },
  description: {
    en: 'Posts a text, markdown or template card message to a group through its robot webhook (20 messages per minute per robot).',
    'zh-CN': '通过群机器人 Webhook 向群发送文本、Markdown 或模板卡片消息（每个机器人每分钟 20 条）。',
  },
  input,
  output: z.object({ msgtype: z.string(), errmsg: z.string() }),
  async run(ctx: WecomContext, params) {
    const key = ctx.credentials.robotKey === undefined ? undefined : robotKeyOf(ctx.credentials.robotKey);
    if (key === undefined) {
      throw new UserError({
        code: 'robot_key_missing',
        path: ['connection', 'robotKey'],
        message: { en: 'This WeCom connection has no group robot webhook key', 'zh-CN': '此企业微信连接未配置群机器人 Webhook Key' },
      });
    }
    const answer = await robotSend(ctx, key, robotBody(params));
    return { msgtype: params.msgtype, errmsg: answer.errmsg ?? 'ok' };
  },
});

type Params = z.output<typeof input>;

export function robotBody(params: Params): Record<string, unknown> {
  switch (params.msgtype) {
    case 'text': {
      checkBytes({ value: params.content, max: TEXT_MAX_BYTES, path: ['content'], what: 'The text' });
      const text: Record<string, unknown> = { content: params.content };
      if (params.mentionedList) text['mentioned_list'] = params.mentionedList;
      if (params.mentionedMobileList) text['mentioned_mobile_list'] = params.mentionedMobileList;
      return { msgtype: 'text', text };
    }
    case 'markdown':
      checkBytes({ value: params.content, max: MARKDOWN_MAX_BYTES, path: ['content'], what: 'The markdown' });
      return { msgtype: 'markdown', markdown: { content: params.content } };
    case 'template_card':
      checkTemplateCard(params.templateCard, ['templateCard']);
      return { msgtype: 'template_card', template_card: params.templateCard };
  }
}
