import { ConnectorError } from '../kit/errors/connector-error';

export const SYSTEM = 'wecom';

/** Codes that mean "the access token is no longer good": refresh it and replay the call once. */
export const TOKEN_ERRCODES: ReadonlySet<number> = new Set([40014, 42001, 40001]);

interface ErrcodeInfo {
  meaning: string;
  retryable: boolean;
  /** How long to wait before trying again, when WeCom's limit window is known. */
  retryAfterMs?: number;
}

/**
 * errcode → retry decision, from WeCom's global error code list. Anything not listed is treated
 * as permanent: a configuration or content problem that a retry would only repeat.
 */
export const ERRCODES: Readonly<Record<number, ErrcodeInfo>> = {
  [-1]: { meaning: 'system busy', retryable: true, retryAfterMs: 2_000 },
  40001: { meaning: 'invalid secret (or credential)', retryable: false },
  40003: { meaning: 'invalid UserID', retryable: false },
  40008: { meaning: 'invalid message type', retryable: false },
  40013: { meaning: 'invalid corpid', retryable: false },
  40014: { meaning: 'invalid access_token', retryable: true },
  40035: { meaning: 'invalid parameter', retryable: false },
  40056: { meaning: 'invalid agentid', retryable: false },
  40058: { meaning: 'invalid parameter (JSON field)', retryable: false },
  41001: { meaning: 'missing access_token', retryable: false },
  41002: { meaning: 'missing corpid', retryable: false },
  41004: { meaning: 'missing corpsecret', retryable: false },
  42001: { meaning: 'access_token expired', retryable: true },
  44004: { meaning: 'empty text content', retryable: false },
  45002: { meaning: 'message content too long', retryable: false },
  // Frequency limits: per robot 20/min, per API and corp per minute/hour. The window is a minute.
  45009: { meaning: 'API call frequency over the limit', retryable: true, retryAfterMs: 60_000 },
  45033: { meaning: 'too many concurrent calls', retryable: true, retryAfterMs: 1_000 },
  47001: { meaning: 'malformed request body', retryable: false },
  48002: { meaning: 'API not allowed for this app', retryable: false },
  60020: { meaning: 'IP address not in the app\'s trusted IP list', retryable: false },
  81013: { meaning: 'every recipient (user, department, tag) is invalid or out of the app\'s scope', retryable: false },
  82001: { meaning: 'no recipient given', retryable: false },
  301002: { meaning: 'the token\'s app may not operate on this agent (agentId and corpSecret belong to different apps)', retryable: false },
  93000: { meaning: 'invalid webhook key, or the robot was removed from the group', retryable: false },
  93004: { meaning: 'the robot is disabled', retryable: false },
  93008: { meaning: 'the robot is not in the group', retryable: false },
};

export function errcodeError(args: { errcode: number; errmsg: string; operation: string; detail?: unknown }): ConnectorError {
  const info = ERRCODES[args.errcode];
  const meaning = info ? ` (${info.meaning})` : '';
  const options = {
    system: SYSTEM,
    code: args.errcode === 45009 ? 'rate_limited' : `wecom_${args.errcode}`,
    message: `WeCom ${args.operation} failed: errcode ${args.errcode}${meaning}: ${args.errmsg}`,
    retryable: info?.retryable ?? false,
    detail: args.detail ?? { errcode: args.errcode, errmsg: args.errmsg },
  };
  return new ConnectorError(info?.retryAfterMs === undefined ? options : { ...options, retryAfterMs: info.retryAfterMs });
}
