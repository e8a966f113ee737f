import { ConnectorError } from '../kit/errors/connector-error';

export const SYSTEM = 'dingtalk';

/** A robot that breaches 20 messages/min is throttled by DingTalk for 10 minutes. */
export const ROBOT_THROTTLE_MS = 10 * 60_000;

/** errcodes that mean the app access token is expired or invalid: fetch a new one and replay once. */
export const TOKEN_ERRCODES = new Set([40014, 42001]);

interface Classified {
  retryable: boolean;
  retryAfterMs?: number;
  hint: string;
}

/**
 * What a DingTalk errcode means for a retry. Unknown codes are not retried: repeating a request
 * DingTalk refused for a reason we do not know would only repeat the refusal.
 */
const KNOWN: Record<number, Classified> = {
  [-1]: { retryable: true, hint: 'DingTalk is busy (系统繁忙)' },
  310000: { retryable: false, hint: 'the robot refused the message: signature, keyword or IP allow-list check failed (check the 加签 secret, the keywords, the server clock and the allow-list)' },
  300001: { retryable: false, hint: 'the robot access_token does not exist (the robot was removed or the token is wrong)' },
  130101: { retryable: true, retryAfterMs: ROBOT_THROTTLE_MS, hint: 'the robot sends too fast (over 20 messages/min); DingTalk throttles it for 10 minutes' },
  410100: { retryable: true, retryAfterMs: ROBOT_THROTTLE_MS, hint: 'the robot sends too fast (over 20 messages/min); DingTalk throttles it for 10 minutes' },
  40014: { retryable: true, hint: 'the access token is invalid' },
  42001: { retryable: true, hint: 'the access token has expired' },
  40089: { retryable: false, hint: 'invalid corpid or corpsecret' },
  40096: { retryable: false, hint: 'invalid appKey or appSecret' },
  60020: { retryable: false, hint: 'this server’s IP is not in the app’s allow-list' },
  40035: { retryable: false, hint: 'a parameter is missing or invalid' },
  40056: { retryable: false, hint: 'the agentId is not valid for this app' },
  90018: { retryable: true, retryAfterMs: 60_000, hint: 'the app is over its call-frequency limit' },
};

export function dingtalkError(args: { errcode: number; errmsg: string; call: string; body: unknown }): ConnectorError {
  const known = KNOWN[args.errcode];
  const base = {
    system: SYSTEM,
    code: `dingtalk_${args.errcode}`,
    message: `${args.call}: errcode ${args.errcode} ${args.errmsg}${known ? ` — ${known.hint}` : ''}`,
    retryable: known?.retryable ?? false,
    detail: { errcode: args.errcode, errmsg: args.errmsg, body: args.body },
  };
  return new ConnectorError(known?.retryAfterMs === undefined ? base : { ...base, retryAfterMs: known.retryAfterMs });
}
