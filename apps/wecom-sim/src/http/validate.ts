/** WeCom answers every API call with HTTP 200 and an errcode; these build those answers. */
export interface WecomError {
  errcode: number;
  errmsg: string;
}

export const ok = { errcode: 0, errmsg: 'ok' } as const;

export function error(errcode: number, errmsg: string): WecomError {
  // WeCom appends a hint and a request id; clients must not depend on the exact text.
  return { errcode, errmsg: `${errmsg}, hint: [${Date.now()}-sim], from ip: 127.0.0.1, more info at https://open.work.weixin.qq.com/devtool/query?e=${errcode}` };
}

export function parseJsonObject(text: unknown): Record<string, unknown> | undefined {
  if (typeof text !== 'string') return undefined;
  try {
    const value: unknown = JSON.parse(text.replace(/^\uFEFF/, ''));
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export function bytes(value: unknown): number {
  return typeof value === 'string' ? Buffer.byteLength(value, 'utf8') : 0;
}

export function objectAt(body: Record<string, unknown>, key: string): Record<string, unknown> | undefined {
  const value = body[key];
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
}

/** "a|b|c" (WeCom's list format) → ids; numbers are accepted for party and tag ids. */
export function idList(value: unknown): string[] {
  if (typeof value === 'number') return [String(value)];
  if (typeof value !== 'string' || value.trim() === '') return [];
  return value.split('|').map((s) => s.trim()).filter(Boolean);
}

/**
 * The message content checks WeCom makes for both robots and apps. Returns an error answer or
 * undefined when the content is acceptable.
 */
export function checkContent(body: Record<string, unknown>, allowed: readonly string[], cardTypes: readonly string[]): WecomError | undefined {
  const msgtype = body['msgtype'];
  if (typeof msgtype !== 'string' || !allowed.includes(msgtype)) return error(40008, 'invalid message type');
  const part = objectAt(body, msgtype);
  if (!part) return error(40058, `${msgtype} is required`);
  switch (msgtype) {
    case 'text':
      if (typeof part['content'] !== 'string' || part['content'] === '') return error(44004, 'empty content');
      if (bytes(part['content']) > 2048) return error(45002, 'content size out of limit');
      return undefined;
    case 'markdown':
      if (typeof part['content'] !== 'string' || part['content'] === '') return error(44004, 'empty content');
      if (bytes(part['content']) > 4096) return error(45002, 'content size out of limit');
      return undefined;
    case 'textcard':
      for (const field of ['title', 'description', 'url']) {
        if (typeof part[field] !== 'string' || part[field] === '') return error(40058, `textcard.${field} is required`);
      }
      if (bytes(part['title']) > 128 || bytes(part['description']) > 512) return error(45002, 'content size out of limit');
      return undefined;
    case 'template_card': {
      const cardType = part['card_type'];
      if (typeof cardType !== 'string' || !cardTypes.includes(cardType)) return error(40058, 'invalid template_card.card_type');
      if ((cardType === 'text_notice' || cardType === 'news_notice') && !objectAt(part, 'card_action')) return error(40058, 'template_card.card_action is required');
      return undefined;
    }
    default:
      return undefined;
  }
}
