import { expectedRobotSign, safeEqual } from './crypto';
import type { SimState } from './state';

export interface SimAnswer {
  status: number;
  body: unknown;
}

const ok = (extra: Record<string, unknown> = {}): SimAnswer => ({ status: 200, body: { errcode: 0, errmsg: 'ok', ...extra } });
const fail = (errcode: number, errmsg: string): SimAnswer => ({ status: 200, body: { errcode, errmsg } });

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** The text DingTalk searches for keywords, or an error message when the body is not a valid robot message. */
function messageText(body: unknown): { text: string } | { error: string } {
  if (typeof body !== 'object' || body === null) return { error: '缺少参数 json' };
  const b = body as Record<string, Record<string, unknown> | undefined> & { msgtype?: unknown };
  switch (b.msgtype) {
    case 'text': {
      const content = text(b.text?.['content']);
      return content ? { text: content } : { error: 'text.content 不能为空' };
    }
    case 'markdown': {
      const title = text(b.markdown?.['title']);
      const md = text(b.markdown?.['text']);
      return title && md ? { text: `${title}\n${md}` } : { error: 'markdown.title 和 markdown.text 不能为空' };
    }
    case 'actionCard': {
      const card = b.actionCard;
      const title = text(card?.['title']);
      const md = text(card?.['text']);
      const single = text(card?.['singleTitle']) && text(card?.['singleURL']);
      const btns = Array.isArray(card?.['btns']) && (card['btns'] as unknown[]).length > 0;
      return title && md && (single || btns) ? { text: `${title}\n${md}` } : { error: 'actionCard 需要 title、text 和 singleTitle/singleURL 或 btns' };
    }
    case 'link':
    case 'feedCard':
      return { text: JSON.stringify(b) };
    default:
      return { error: `不支持的消息类型 msgtype=${String(b.msgtype)}` };
  }
}

/**
 * POST /robot/send. Checks in DingTalk's order: the token, the 加签 timestamp window and signature,
 * the body, the keywords, then the 20-per-minute limit (a breach throttles the robot).
 */
export function robotSend(state: SimState, query: URLSearchParams, body: unknown, now: number): SimAnswer {
  const token = query.get('access_token') ?? '';
  const robot = state.robots.get(token);
  if (!robot) return fail(300001, 'token is not exist');
  const reject = (errcode: number, errmsg: string): SimAnswer => {
    state.robotRejections.push({ accessToken: token, errcode, at: now });
    return fail(errcode, errmsg);
  };
  if (robot.secret) {
    const timestamp = query.get('timestamp') ?? '';
    const sign = query.get('sign') ?? '';
    if (!/^\d{13}$/.test(timestamp) || Math.abs(now - Number(timestamp)) > state.limits.timestampWindowMs) {
      return reject(310000, 'sign not match, more: [timestamp is invalid or more than 1 hour from server time]');
    }
    if (!safeEqual(sign, expectedRobotSign(robot.secret, timestamp))) return reject(310000, 'sign not match, more: [sign not match]');
  }
  const parsed = messageText(body);
  if ('error' in parsed) return reject(40035, parsed.error);
  if (robot.keywords && robot.keywords.length > 0 && !robot.keywords.some((k) => parsed.text.includes(k))) {
    return reject(310000, 'keywords not in content');
  }
  if ((state.throttledUntil.get(token) ?? 0) > now) return reject(410100, 'send too fast, exceed 20 times per minute');
  const recent = (state.robotSends.get(token) ?? []).filter((t) => t > now - state.limits.robotWindowMs);
  if (recent.length >= state.limits.robotPerWindow) {
    state.throttledUntil.set(token, now + state.limits.robotThrottleMs);
    state.robotSends.set(token, recent);
    return reject(410100, 'send too fast, exceed 20 times per minute');
  }
  recent.push(now);
  state.robotSends.set(token, recent);
  state.robotMessages.push({ accessToken: token, receivedAt: now, body });
  return ok();
}
