import { z } from 'zod';
import { UserError } from '../kit/errors/user-error';

/** Shapes and limits shared by robot and app messages (WeCom counts content limits in UTF-8 bytes). */

export const TEXT_MAX_BYTES = 2048;
export const MARKDOWN_MAX_BYTES = 4096;
export const TEXTCARD_TITLE_MAX_BYTES = 128;
export const TEXTCARD_DESCRIPTION_MAX_BYTES = 512;

/** A template card is passed through as WeCom defines it; only its type is checked here. */
export const robotTemplateCardSchema = z.looseObject({ card_type: z.enum(['text_notice', 'news_notice']) });
export const appTemplateCardSchema = z.looseObject({
  card_type: z.enum(['text_notice', 'news_notice', 'button_interaction', 'vote_interaction', 'multiple_interaction']),
});

export function checkBytes(args: { value: string; max: number; path: (string | number)[]; what: string }): void {
  const bytes = Buffer.byteLength(args.value, 'utf8');
  if (bytes > args.max) {
    throw new UserError({
      code: 'content_too_long',
      path: args.path,
      message: { en: `${args.what} is ${bytes} bytes; WeCom accepts at most ${args.max} (UTF-8)`, 'zh-CN': `${args.what}为 ${bytes} 字节，企业微信最多接受 ${args.max} 字节（UTF-8）` },
    });
  }
}

/** text_notice and news_notice cards need card_action (the card's click target). */
export function checkTemplateCard(card: Record<string, unknown>, path: (string | number)[]): void {
  const type = card['card_type'];
  if ((type === 'text_notice' || type === 'news_notice') && (typeof card['card_action'] !== 'object' || card['card_action'] === null)) {
    throw new UserError({
      code: 'card_action_missing',
      path: [...path, 'card_action'],
      message: { en: `a ${String(type)} card needs card_action`, 'zh-CN': `${String(type)} 卡片必须有 card_action` },
    });
  }
}
