import { z } from 'zod';
import { defineAction } from '../../kit/define-connector';
import { ConnectorError } from '../../kit/errors/connector-error';
import { UserError } from '../../kit/errors/user-error';
import { appOf, type WecomApp, type WecomContext } from '../auth';
import { SYSTEM } from '../errors';
import {
  MARKDOWN_MAX_BYTES,
  TEXTCARD_DESCRIPTION_MAX_BYTES,
  TEXTCARD_TITLE_MAX_BYTES,
  TEXT_MAX_BYTES,
  appTemplateCardSchema,
  checkBytes,
  checkTemplateCard,
} from '../messages';
import { createAppClient, type WecomAnswer } from '../transport';

const recipients = {
  /** userids; ["@all"] sends to everyone in the app's visible range. At most 1000. */
  touser: z.array(z.string().min(1)).max(1000).optional(),
  /** Department ids, at most 100. */
  toparty: z.array(z.string().min(1)).max(100).optional(),
  /** Tag ids, at most 100. */
  totag: z.array(z.string().min(1)).max(100).optional(),
  /** Confidential message (no forwarding, watermark). */
  safe: z.boolean().default(false),
  /**
   * WeCom drops a message identical to one this app sent within the interval. On by default: it is
   * what makes a retry after a lost answer safe (WeCom has no idempotency key), at the price of
   * legitimately identical messages within the interval being dropped too.
   */
  enableDuplicateCheck: z.boolean().default(true),
  /** Seconds; WeCom's default is 1800, the maximum 4 hours. */
  duplicateCheckInterval: z.int().min(1).max(14_400).default(1800),
};

const input = z.discriminatedUnion('msgtype', [
  z.object({ msgtype: z.literal('text'), content: z.string().min(1), ...recipients }),
  z.object({ msgtype: z.literal('markdown'), content: z.string().min(1), ...recipients }),
  z.object({
    msgtype: z.literal('textcard'),
    title: z.string().min(1),
    /** May hold WeCom's <div class="gray|normal|highlight"> markup. */
    description: z.string().min(1),
    url: z.url({ protocol: /^https?$/ }),
    btntxt: z.string().min(1).max(4).optional(),
    ...recipients,
  }),
  z.object({ msgtype: z.literal('template_card'), templateCard: appTemplateCardSchema, ...recipients }),
]);

const output = z.object({
  msgid: z.string(),
  /** Recipients WeCom refused (unknown, or outside the app's visible range). */
  invaliduser: z.array(z.string()),
  invalidparty: z.array(z.string()),
  invalidtag: z.array(z.string()),
  unlicenseduser: z.array(z.string()),
  /** For updating an interactive template card (within 72 h). */
  responseCode: z.string().optional(),
});

type Params = z.output<typeof input>;
type Output = z.output<typeof output>;

export const sendAppMessage = defineAction({
  id: 'sendAppMessage',
  name: { en: 'WeCom app message', 'zh-CN': '企业微信应用消息' },
  description: {
    en: 'Sends a text, markdown, text card or template card message from the self-built app to users, departments or tags. Some invalid recipients are reported in the output (and logged) without failing the step; only when every recipient is invalid does the step fail.',
    'zh-CN': '以自建应用向成员、部门或标签发送文本、Markdown、文本卡片或模板卡片消息。部分接收人无效时在输出中列出（并记录警告），步骤不失败；全部接收人无效时步骤失败。',
  },
  input,
  output,
  async run(ctx: WecomContext, params) {
    const app = requireApp(ctx);
    const body = appMessageBody(params, app);
    const answer = await createAppClient(ctx, app).post('message/send', body, 'message/send');
    const result = readSendResult(answer);
    const refused = [...result.invaliduser, ...result.invalidparty, ...result.invalidtag];
    if (refused.length > 0) {
      if (everyRecipientRefused(params, result)) {
        throw new ConnectorError({
          system: SYSTEM,
          code: 'all_recipients_invalid',
          message: `WeCom message/send: every recipient is invalid or outside the app's visible range (${refused.join(', ')})`,
          retryable: false,
          detail: answer,
        });
      }
      ctx.logger.warn('wecom message/send: some recipients were refused', { invaliduser: result.invaliduser, invalidparty: result.invalidparty, invalidtag: result.invalidtag });
    }
    return result;
  },
});

function requireApp(ctx: WecomContext): WecomApp {
  const app = appOf(ctx.credentials);
  if (app) return app;
  throw new UserError({
    code: 'app_missing',
    path: ['connection', 'corpId'],
    message: { en: 'This WeCom connection has no app (corpId, agentId, corpSecret)', 'zh-CN': '此企业微信连接未配置自建应用（corpId、agentId、corpSecret）' },
  });
}

export function appMessageBody(params: Params, app: WecomApp): Record<string, unknown> {
  const touser = params.touser ?? [];
  const toparty = params.toparty ?? [];
  const totag = params.totag ?? [];
  if (touser.length + toparty.length + totag.length === 0) {
    throw new UserError({ code: 'no_recipient', path: ['touser'], message: { en: 'Give at least one user, department or tag', 'zh-CN': '请至少指定一个成员、部门或标签' } });
  }
  const body: Record<string, unknown> = { msgtype: params.msgtype, agentid: app.agentId, safe: params.safe ? 1 : 0 };
  if (touser.length > 0) body['touser'] = touser.join('|');
  if (toparty.length > 0) body['toparty'] = toparty.join('|');
  if (totag.length > 0) body['totag'] = totag.join('|');
  if (params.enableDuplicateCheck) {
    body['enable_duplicate_check'] = 1;
    body['duplicate_check_interval'] = params.duplicateCheckInterval;
  }
  switch (params.msgtype) {
    case 'text':
      checkBytes({ value: params.content, max: TEXT_MAX_BYTES, path: ['content'], what: 'The text' });
      body['text'] = { content: params.content };
      break;
    case 'markdown':
      checkBytes({ value: params.content, max: MARKDOWN_MAX_BYTES, path: ['content'], what: 'The markdown' });
      body['markdown'] = { content: params.content };
      break;
    case 'textcard':
      checkBytes({ value: params.title, max: TEXTCARD_TITLE_MAX_BYTES, path: ['title'], what: 'The title' });
      checkBytes({ value: params.description, max: TEXTCARD_DESCRIPTION_MAX_BYTES, path: ['description'], what: 'The description' });
      body['textcard'] = { title: params.title, description: params.description, url: params.url, ...(params.btntxt ? { btntxt: params.btntxt } : {}) };
      break;
    case 'template_card':
      checkTemplateCard(params.templateCard, ['templateCard']);
      body['template_card'] = params.templateCard;
      break;
  }
  return body;
}

/** WeCom answers lists as "a|b" strings (absent or "" when none). */
function splitList(value: unknown): string[] {
  return typeof value === 'string' && value !== '' ? value.split('|') : [];
}

export function readSendResult(answer: WecomAnswer): Output {
  const result: Output = {
    msgid: typeof answer['msgid'] === 'string' ? answer['msgid'] : '',
    invaliduser: splitList(answer['invaliduser']),
    invalidparty: splitList(answer['invalidparty']),
    invalidtag: splitList(answer['invalidtag']),
    unlicenseduser: splitList(answer['unlicenseduser']),
  };
  if (typeof answer['response_code'] === 'string' && answer['response_code'] !== '') result.responseCode = answer['response_code'];
  return result;
}

function everyRecipientRefused(params: Params, result: Output): boolean {
  const all = (asked: string[] | undefined, refused: string[]) => (asked ?? []).every((id) => refused.includes(id));
  // "@all" can never be wholly refused by listing names.
  if (params.touser?.includes('@all')) return false;
  return all(params.touser, result.invaliduser) && all(params.toparty, result.invalidparty) && all(params.totag, result.invalidtag);
}
