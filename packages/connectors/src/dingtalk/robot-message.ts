import { z } from 'zod';
import { UserError } from '../kit/errors/user-error';
import type { RobotCredentials } from './auth';

const at = z.object({
  atMobiles: z.array(z.string().min(1)).optional(),
  atUserIds: z.array(z.string().min(1)).optional(),
  isAtAll: z.boolean().optional(),
});

const button = z.object({ title: z.string().min(1), actionURL: z.string().min(1) });

/** A custom-robot message exactly as robot/send takes it. Note the camelCase `actionCard` (work notices use snake_case). */
export const robotMessageSchema = z.discriminatedUnion('msgtype', [
  z.object({ msgtype: z.literal('text'), text: z.object({ content: z.string().min(1) }), at: at.optional() }),
  z.object({ msgtype: z.literal('markdown'), markdown: z.object({ title: z.string().min(1), text: z.string().min(1) }), at: at.optional() }),
  z.object({
    msgtype: z.literal('actionCard'),
    actionCard: z.object({
      title: z.string().min(1),
      text: z.string().min(1),
      btnOrientation: z.enum(['0', '1']).optional(),
      singleTitle: z.string().min(1).optional(),
      singleURL: z.string().min(1).optional(),
      btns: z.array(button).min(1).optional(),
    }),
  }),
]);

export type RobotMessage = z.output<typeof robotMessageSchema>;

/** The text DingTalk searches for keywords. */
function searchable(message: RobotMessage): string {
  switch (message.msgtype) {
    case 'text':
      return message.text.content;
    case 'markdown':
      return `${message.markdown.title}\n${message.markdown.text}`;
    case 'actionCard':
      return `${message.actionCard.title}\n${message.actionCard.text}`;
  }
}

/**
 * Keyword security: a message must contain one of the robot's keywords or DingTalk refuses it with
 * 310000. With keywordMode `append` the first keyword is appended to the body; with `refuse` the
 * message is refused here, before any call, naming the keywords.
 */
export function applyKeywords(message: RobotMessage, credentials: Pick<RobotCredentials, 'keywords' | 'keywordMode'>): RobotMessage {
  const keywords = credentials.keywords ?? [];
  const first = keywords[0];
  if (first === undefined) return message;
  const text = searchable(message);
  if (keywords.some((k) => text.includes(k))) return message;
  if (credentials.keywordMode === 'refuse') {
    throw new UserError({
      code: 'keyword_missing',
      path: ['message'],
      message: {
        en: `The robot only accepts messages containing one of its keywords (${keywords.join(', ')}); this one contains none.`,
        'zh-CN': `该机器人只接受包含关键词（${keywords.join('、')}）的消息，本消息不含任何关键词。`,
      },
    });
  }
  switch (message.msgtype) {
    case 'text':
      return { ...message, text: { content: `${message.text.content}\n${first}` } };
    case 'markdown':
      return { ...message, markdown: { ...message.markdown, text: `${message.markdown.text}\n\n${first}` } };
    case 'actionCard':
      return { ...message, actionCard: { ...message.actionCard, text: `${message.actionCard.text}\n\n${first}` } };
  }
}

/** One line-block of markdown per message, for a digest. */
function digestEntry(message: RobotMessage): string {
  switch (message.msgtype) {
    case 'text':
      return message.text.content;
    case 'markdown':
      return `**${message.markdown.title}**\n\n${message.markdown.text}`;
    case 'actionCard': {
      const card = message.actionCard;
      const links = card.btns ? card.btns.map((b) => `[${b.title}](${b.actionURL})`) : card.singleTitle && card.singleURL ? [`[${card.singleTitle}](${card.singleURL})`] : [];
      return [`**${card.title}**`, card.text, ...links].join('\n\n');
    }
  }
}

/**
 * Combines waiting messages into one markdown message (a burst becomes one send instead of many).
 * @-mentions are merged so nobody loses a ping; mentioned mobiles must appear in the text, so the
 * entries keep their own text unchanged.
 */
export function digestMessages(messages: readonly RobotMessage[], options: { title?: string } = {}): RobotMessage {
  const title = options.title ?? `${messages.length} 条通知 / ${messages.length} notifications`;
  const body = messages.map((m, i) => `${i + 1}. ${digestEntry(m).replace(/\n/g, '\n   ')}`).join('\n\n---\n\n');
  const mobiles = new Set<string>();
  const userIds = new Set<string>();
  let isAtAll = false;
  for (const m of messages) {
    if (m.msgtype === 'actionCard' || !m.at) continue;
    for (const x of m.at.atMobiles ?? []) mobiles.add(x);
    for (const x of m.at.atUserIds ?? []) userIds.add(x);
    isAtAll ||= m.at.isAtAll === true;
  }
  const digest: RobotMessage = { msgtype: 'markdown', markdown: { title, text: `#### ${title}\n\n${body}` } };
  if (mobiles.size > 0 || userIds.size > 0 || isAtAll) {
    digest.at = { ...(mobiles.size ? { atMobiles: [...mobiles] } : {}), ...(userIds.size ? { atUserIds: [...userIds] } : {}), ...(isAtAll ? { isAtAll } : {}) };
  }
  return digest;
}
