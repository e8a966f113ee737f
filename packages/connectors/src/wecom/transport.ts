import { z } from 'zod';
import type { ConnectionContext } from '../kit/context';
import { ConnectorError } from '../kit/errors/connector-error';
import { excerpt, type HttpResponse } from '../kit/http-client';
import { parseRetryAfter } from '../kit/retry-after';
import type { SessionStore } from '../kit/session-store';
import { apiUrl, tokenKey, type WecomApp, type WecomCredentials } from './auth';
import { SYSTEM, TOKEN_ERRCODES, errcodeError } from './errors';

/** The only code that talks to WeCom. Actions build bodies and read answers. */

/** Every WeCom answer carries these; the rest depends on the API. */
const envelopeSchema = z.looseObject({ errcode: z.number().int().optional(), errmsg: z.string().optional() });
export type WecomAnswer = z.output<typeof envelopeSchema>;

const tokenSchema = z.looseObject({ access_token: z.string().min(1), expires_in: z.number().positive() });
const cachedTokenSchema = z.object({ token: z.string(), expiresAt: z.number() });

/** Refresh this long before WeCom's expires_in, so a token never expires in flight. */
const EARLY_REFRESH_MS = 5 * 60_000;

type Ctx = ConnectionContext<WecomCredentials>;

/** Concurrent steps on a cold app share one gettoken call (WeCom asks callers not to call it often). */
const tokensInFlight = new WeakMap<SessionStore, Map<string, Promise<string>>>();

async function send(ctx: Ctx, args: { method: 'GET' | 'POST'; path: string; query: Record<string, string>; json?: unknown; operation: string }): Promise<WecomAnswer> {
  const started = Date.now();
  const response = await ctx.http.request({
    method: args.method,
    url: apiUrl(ctx.credentials, args.path),
    query: args.query,
    ...(args.json === undefined ? {} : { json: args.json }),
    timeoutMs: ctx.credentials.timeoutMs,
    signal: ctx.signal,
    system: SYSTEM,
  });
  ctx.logger.debug('wecom call', { operation: args.operation, status: response.status, ms: Date.now() - started });
  return readAnswer(response, args.operation);
}

function readAnswer(response: HttpResponse, operation: string): WecomAnswer {
  const { status } = response;
  const detail = { status, body: excerpt(response.text, 2000) };
  if (status === 429) {
    const retryAfterMs = parseRetryAfter(response.headers['retry-after']);
    const options = { system: SYSTEM, code: 'rate_limited', message: `WeCom ${operation}: too many requests (HTTP 429)`, retryable: true, detail };
    throw new ConnectorError(retryAfterMs === undefined ? options : { ...options, retryAfterMs });
  }
  if (status >= 500) throw new ConnectorError({ system: SYSTEM, code: `http_${status}`, message: `WeCom ${operation}: HTTP ${status}`, retryable: true, detail });
  if (status < 200 || status >= 300) {
    const hint = status === 404 ? ' (check baseUrl: it should be the API host, e.g. https://qyapi.weixin.qq.com)' : '';
    throw new ConnectorError({ system: SYSTEM, code: `http_${status}`, message: `WeCom ${operation}: HTTP ${status}${hint}`, retryable: false, detail });
  }
  const parsed = envelopeSchema.safeParse(response.json());
  if (!parsed.success) {
    throw new ConnectorError({ system: SYSTEM, code: 'bad_response', message: `WeCom ${operation}: the answer is not a WeCom JSON object: ${excerpt(response.text, 300)}`, retryable: false, detail });
  }
  return parsed.data;
}

function failIfError(answer: WecomAnswer, operation: string): WecomAnswer {
  const errcode = answer.errcode ?? 0;
  if (errcode !== 0) throw errcodeError({ errcode, errmsg: answer.errmsg ?? '', operation, detail: answer });
  return answer;
}

export interface WecomAppClient {
  /** A valid token: cached, or fetched (one gettoken per app at a time). `fresh` skips the cache. */
  token(options?: { fresh?: boolean }): Promise<string>;
  /**
   * POSTs `body` to `/cgi-bin/<path>?access_token=…`. On 40014 / 42001 / 40001 the token is
   * refreshed and the call replayed once: WeCom refuses a call with a bad token before doing
   * anything, so the replay cannot send a message twice. Other errcodes throw.
   */
  post(path: string, body: unknown, operation: string): Promise<WecomAnswer>;
  /** GET with the token, refreshed and replayed the same way. */
  get(path: string, query: Record<string, string>, operation: string): Promise<WecomAnswer>;
}

export function createAppClient(ctx: Ctx, app: WecomApp): WecomAppClient {
  const key = tokenKey(ctx.credentials, app);

  const cached = (): string | undefined => {
    const parsed = cachedTokenSchema.safeParse(ctx.sessions.get(key));
    return parsed.success && parsed.data.expiresAt > Date.now() ? parsed.data.token : undefined;
  };

  async function fetchToken(): Promise<string> {
    const answer = failIfError(await send(ctx, { method: 'GET', path: 'gettoken', query: { corpid: app.corpId, corpsecret: app.corpSecret }, operation: 'gettoken' }), 'gettoken');
    const parsed = tokenSchema.safeParse(answer);
    if (!parsed.success) {
      throw new ConnectorError({ system: SYSTEM, code: 'bad_response', message: 'WeCom gettoken: the answer has no access_token / expires_in', retryable: false });
    }
    const lifetimeMs = parsed.data.expires_in * 1000;
    const keepMs = Math.max(lifetimeMs - EARLY_REFRESH_MS, lifetimeMs / 2);
    ctx.sessions.set(key, { token: parsed.data.access_token, expiresAt: Date.now() + keepMs }, keepMs);
    ctx.logger.info('wecom token fetched', { corpId: app.corpId, agentId: app.agentId, expiresIn: parsed.data.expires_in });
    return parsed.data.access_token;
  }

  function sharedFetch(): Promise<string> {
    let byKey = tokensInFlight.get(ctx.sessions);
    if (!byKey) {
      byKey = new Map();
      tokensInFlight.set(ctx.sessions, byKey);
    }
    const running = byKey.get(key);
    if (running) return running;
    const started = fetchToken().finally(() => byKey.delete(key));
    byKey.set(key, started);
    return started;
  }

  async function token(options: { fresh?: boolean } = {}): Promise<string> {
    if (!options.fresh) {
      const hit = cached();
      if (hit) return hit;
    }
    return sharedFetch();
  }

  /** After a token error: reuse a token another step already renewed, else fetch one. */
  async function renew(stale: string): Promise<string> {
    const current = cached();
    if (current && current !== stale) return current;
    ctx.sessions.delete(key);
    return sharedFetch();
  }

  async function withToken(args: { method: 'GET' | 'POST'; path: string; query: Record<string, string>; json?: unknown; operation: string }): Promise<WecomAnswer> {
    const first = await token();
    const answer = await send(ctx, { ...args, query: { ...args.query, access_token: first } });
    if (!TOKEN_ERRCODES.has(answer.errcode ?? 0)) return failIfError(answer, args.operation);
    ctx.logger.warn('wecom token refused; fetching a new one and replaying once', { operation: args.operation, errcode: answer.errcode });
    const second = await renew(first);
    return failIfError(await send(ctx, { ...args, query: { ...args.query, access_token: second } }), args.operation);
  }

  return {
    token,
    post: (path, body, operation) => withToken({ method: 'POST', path, query: {}, json: body, operation }),
    get: (path, query, operation) => withToken({ method: 'GET', path, query, operation }),
  };
}

/** The group robot: the key in the URL is the only credential (no signing). */
export async function robotSend(ctx: Ctx, robotKey: string, body: unknown): Promise<WecomAnswer> {
  return failIfError(await send(ctx, { method: 'POST', path: 'webhook/send', query: { key: robotKey }, json: body, operation: 'robot webhook/send' }), 'robot webhook/send');
}

/**
 * Checks a robot key without posting anything: a body without msgtype is refused with 40008
 * (invalid message type) when the key is good, and with 93000 when it is not.
 */
export async function probeRobotKey(ctx: Ctx, robotKey: string): Promise<void> {
  const answer = await send(ctx, { method: 'POST', path: 'webhook/send', query: { key: robotKey }, json: {}, operation: 'robot key check' });
  if (answer.errcode === 40008 || answer.errcode === 0) return;
  failIfError(answer, 'robot key check');
}
