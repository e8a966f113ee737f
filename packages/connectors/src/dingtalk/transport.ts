import { createHash } from 'node:crypto';
import { ConnectorError } from '../kit/errors/connector-error';
import { excerpt } from '../kit/http-client';
import type { ConnectionContext } from '../kit/context';
import type { AppCredentials, RobotCredentials } from './auth';
import { dingtalkError, SYSTEM, TOKEN_ERRCODES } from './errors';
import { robotSignQuery } from './sign';

/** Refresh this long before DingTalk's expiry, so a token never dies between fetch and use. */
const TOKEN_SAFETY_MS = 5 * 60_000;

export interface DingtalkAnswer {
  errcode: number;
  errmsg: string;
  [key: string]: unknown;
}

function join(baseUrl: string, path: string): string {
  return `${baseUrl.replace(/\/+$/, '')}${path}`;
}

/**
 * The one place this connector talks to DingTalk. HTTP errors and non-JSON answers become
 * ConnectorErrors; a JSON answer with errcode ≠ 0 becomes the errcode's classified error.
 */
async function call(ctx: ConnectionContext<unknown>, args: { method: 'GET' | 'POST'; baseUrl: string; path: string; query: Record<string, string>; json?: unknown; timeoutMs: number; name: string }): Promise<DingtalkAnswer> {
  const response = await ctx.http.request({
    method: args.method,
    url: join(args.baseUrl, args.path),
    query: args.query,
    ...(args.json === undefined ? {} : { json: args.json }),
    timeoutMs: args.timeoutMs,
    signal: ctx.signal,
    system: SYSTEM,
  });
  if (response.status !== 200) {
    const retryable = response.status >= 500 || response.status === 429 || response.status === 408;
    throw new ConnectorError({
      system: SYSTEM,
      code: `http_${response.status}`,
      message: `${args.name} answered HTTP ${response.status}: ${excerpt(response.text, 300)}`,
      retryable,
      detail: { status: response.status, body: excerpt(response.text, 2000) },
    });
  }
  const body = response.json();
  if (typeof body !== 'object' || body === null || typeof (body as { errcode?: unknown }).errcode !== 'number') {
    throw new ConnectorError({ system: SYSTEM, code: 'bad_response', message: `${args.name} answered without an errcode: ${excerpt(response.text, 300)}`, retryable: false, detail: { body: excerpt(response.text, 2000) } });
  }
  const answer = body as DingtalkAnswer;
  if (answer.errcode !== 0) throw dingtalkError({ errcode: answer.errcode, errmsg: String(answer.errmsg ?? ''), call: args.name, body: answer });
  return answer;
}

/** POST robot/send, signed when the robot has a 加签 secret; the timestamp is taken per call. */
export async function robotSend(ctx: ConnectionContext<unknown>, credentials: RobotCredentials, message: unknown, now: () => number = Date.now): Promise<DingtalkAnswer> {
  const query: Record<string, string> = { access_token: credentials.accessToken };
  if (credentials.secret) Object.assign(query, robotSignQuery(credentials.secret, now()));
  return call(ctx, { method: 'POST', baseUrl: credentials.baseUrl, path: '/robot/send', query, json: message, timeoutMs: credentials.timeoutMs, name: 'robot/send' });
}

interface CachedToken {
  token: string;
}

function tokenKey(credentials: AppCredentials): string {
  // The secret is part of the key: a changed secret must never reuse the old secret's token.
  return `dingtalk-token:${createHash('sha256').update(`${credentials.baseUrl}\n${credentials.appKey}\n${credentials.appSecret}`).digest('hex')}`;
}

/** gettoken, cached in ctx.sessions until shortly before DingTalk's expires_in. */
export async function appAccessToken(ctx: ConnectionContext<unknown>, credentials: AppCredentials, options: { fresh?: boolean } = {}): Promise<string> {
  const key = tokenKey(credentials);
  if (!options.fresh) {
    const cached = ctx.sessions.get(key) as CachedToken | undefined;
    if (cached && typeof cached.token === 'string') return cached.token;
  }
  const answer = await call(ctx, { method: 'GET', baseUrl: credentials.baseUrl, path: '/gettoken', query: { appkey: credentials.appKey, appsecret: credentials.appSecret }, timeoutMs: credentials.timeoutMs, name: 'gettoken' });
  const token = answer['access_token'];
  const expiresIn = Number(answer['expires_in'] ?? 7200);
  if (typeof token !== 'string' || token === '') {
    throw new ConnectorError({ system: SYSTEM, code: 'bad_response', message: 'gettoken answered errcode 0 without an access_token', retryable: false, detail: { body: answer } });
  }
  const ttl = Math.max(0, expiresIn * 1000 - TOKEN_SAFETY_MS);
  if (ttl > 0) ctx.sessions.set(key, { token } satisfies CachedToken, ttl);
  return token;
}

/**
 * A call with the app's access token. When DingTalk says the token is expired or invalid (it may
 * have been reset, or another client's gettoken replaced it), a fresh token is fetched and the call
 * replayed once: DingTalk refused it before doing anything, so the replay cannot duplicate it.
 */
export async function appCall(ctx: ConnectionContext<unknown>, credentials: AppCredentials, args: { path: string; json: unknown; name: string }): Promise<DingtalkAnswer> {
  const run = async (fresh: boolean) => {
    const token = await appAccessToken(ctx, credentials, { fresh });
    return call(ctx, { method: 'POST', baseUrl: credentials.baseUrl, path: args.path, query: { access_token: token }, json: args.json, timeoutMs: credentials.timeoutMs, name: args.name });
  };
  try {
    return await run(false);
  } catch (error) {
    const errcode = (error instanceof ConnectorError ? (error.detail as { errcode?: unknown } | undefined)?.errcode : undefined);
    if (typeof errcode !== 'number' || !TOKEN_ERRCODES.has(errcode)) throw error;
    ctx.logger.info('dingtalk access token refused; fetching a new one and replaying once', { errcode, call: args.name });
    return run(true);
  }
}
