import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { ConnectorError } from '../kit/errors/connector-error';
import { excerpt, type HttpResponse } from '../kit/http-client';
import { parseRetryAfter } from '../kit/retry-after';
import type { SessionStore } from '../kit/session-store';
import { AUTH_SERVICE, loginBody, normaliseServerUrl, readLoginResponse, sessionKey, type KingdeeConnectionContext, type LoginOutcome } from './auth';
import { isSessionLost } from './envelope';
import { SYSTEM, sessionLostError } from './errors';

/** The only code that talks to Kingdee. Everything else builds bodies and reads answers. */
export interface KingdeeTransport {
  /**
   * POSTs `body` to `{serverUrl}{service}.common.kdsvc` with the session, logging in first when
   * there is none, and once more (then replaying once) when Kingdee says the session is lost.
   * Returns the parsed JSON; business failures inside it are the caller's to read.
   */
  call(service: string, body: unknown): Promise<unknown>;
  /** A fresh login (the stored session is replaced); used by testConnection. */
  login(): Promise<LoginOutcome>;
}

const SERVICE_PREFIX = 'Kingdee.BOS.WebApi.ServicesStub.';
/** Refreshed on every use; Kingdee's own idle timeout is caught by session-lost detection anyway. */
const SESSION_TTL_MS = 15 * 60_000;
const SESSION_COOKIE = 'kdservice-sessionid';

/**
 * Calls that change nothing (queries, views, login) are retried here on a transient HTTP failure,
 * so one 503 does not cost a whole step attempt. Writes are never retried blindly: the step's
 * retry, which looks before it writes, handles them.
 */
const READ_ONLY = /\.(ExecuteBillQuery|BillQuery|View|QueryBusinessInfo|GetDataCenterList|ValidateUser|LoginByAppSecret)$/;
const READ_RETRY_DELAYS_MS = [100, 400];

async function retryTransient<T>(run: () => Promise<T>, signal: AbortSignal): Promise<T> {
  for (let i = 0; ; i += 1) {
    try {
      return await run();
    } catch (err) {
      const delay = READ_RETRY_DELAYS_MS[i];
      const transient = err instanceof ConnectorError && err.retryable && err.code !== 'timeout' && err.code !== 'aborted' && err.code !== 'session_lost';
      if (delay === undefined || !transient || signal.aborted) throw err;
      await new Promise((resolve) => setTimeout(resolve, Math.max(delay, err.retryAfterMs ?? 0)));
    }
  }
}

const sessionSchema = z.object({
  stamp: z.string(),
  cookies: z.record(z.string(), z.string()),
  login: z.object({ userName: z.string().optional(), dataCentreId: z.string().optional(), dataCentreName: z.string().optional() }),
});
type Session = z.output<typeof sessionSchema>;

/** Concurrent steps on a cold connection share one login instead of each opening a session (licences). */
const loginsInFlight = new WeakMap<SessionStore, Map<string, Promise<{ session: Session; outcome: LoginOutcome }>>>();

export function createKingdeeTransport(ctx: KingdeeConnectionContext): KingdeeTransport {
  const { credentials } = ctx;
  const key = sessionKey(credentials);
  const baseUrl = normaliseServerUrl(credentials.serverUrl);

  const storedSession = (): Session | undefined => {
    const parsed = sessionSchema.safeParse(ctx.sessions.get(key));
    return parsed.success ? parsed.data : undefined;
  };
  const keep = (session: Session): void => ctx.sessions.set(key, session, SESSION_TTL_MS);

  async function post(service: string, body: unknown, cookies: Record<string, string>): Promise<HttpResponse> {
    const headers: Record<string, string> = {};
    const cookieHeader = Object.entries(cookies).map(([name, value]) => `${name}=${value}`).join('; ');
    if (cookieHeader) headers.cookie = cookieHeader;
    const sessionId = cookies[SESSION_COOKIE];
    if (sessionId) headers[SESSION_COOKIE] = sessionId;
    const started = Date.now();
    const response = await ctx.http.request({
      method: 'POST',
      url: `${baseUrl}${service}.common.kdsvc`,
      headers,
      json: body,
      timeoutMs: credentials.timeoutMs,
      signal: ctx.signal,
      system: SYSTEM,
    });
    ctx.logger.debug('kingdee call', { service: shortName(service), status: response.status, ms: Date.now() - started });
    return response;
  }

  async function freshLogin(): Promise<{ session: Session; outcome: LoginOutcome }> {
    const service = AUTH_SERVICE[credentials.authType];
    const response = await post(service, loginBody(credentials), {});
    const body = readJson(response, 'login');
    const outcome = readLoginResponse(body);
    const who = `data centre "${credentials.acctId}" as "${credentials.username}"`;
    if (!outcome) {
      throw new ConnectorError({
        system: SYSTEM,
        code: 'bad_response',
        message: `Kingdee login to ${who}: the answer is not a login result (is serverUrl the K3Cloud site?)`,
        retryable: false,
        detail: { body },
      });
    }
    if (!outcome.ok) {
      throw new ConnectorError({
        system: SYSTEM,
        code: 'login_failed',
        message: `Kingdee login to ${who} failed: ${outcome.message ?? 'no reason given'}`,
        retryable: false,
        detail: { body },
      });
    }
    const cookies = mergeCookies({}, response.setCookie);
    if (!cookies[SESSION_COOKIE] && outcome.sessionId) cookies[SESSION_COOKIE] = outcome.sessionId;
    if (Object.keys(cookies).length === 0) {
      throw new ConnectorError({
        system: SYSTEM,
        code: 'bad_response',
        message: `Kingdee login to ${who} succeeded but returned no session (no cookie, no KDSVCSessionId)`,
        retryable: false,
        detail: { body },
      });
    }
    const session: Session = { stamp: randomUUID(), cookies, login: definedOnly(outcome) };
    keep(session);
    ctx.logger.info('kingdee login', { acctId: credentials.acctId, username: credentials.username, authType: credentials.authType });
    return { session, outcome };
  }

  function sharedLogin(): Promise<{ session: Session; outcome: LoginOutcome }> {
    let byKey = loginsInFlight.get(ctx.sessions);
    if (!byKey) {
      byKey = new Map();
      loginsInFlight.set(ctx.sessions, byKey);
    }
    const running = byKey.get(key);
    if (running) return running;
    const started = retryTransient(freshLogin, ctx.signal).finally(() => byKey.delete(key));
    byKey.set(key, started);
    return started;
  }

  /** After a session-lost answer: reuse a session another step already renewed, else log in. */
  async function renew(stale: Session): Promise<Session> {
    const current = storedSession();
    if (current && current.stamp !== stale.stamp) return current;
    ctx.sessions.delete(key);
    return (await sharedLogin()).session;
  }

  async function attempt(service: string, body: unknown, session: Session): Promise<{ lost: true } | { lost: false; body: unknown }> {
    const send = () => post(service, body, session.cookies).then((response) => ({ response, parsed: readJson(response, shortName(service)) }));
    const { response, parsed } = READ_ONLY.test(service) ? await retryTransient(send, ctx.signal) : await send();
    // Kingdee may rotate cookies (ASP.NET_SessionId) on any answer; keep the jar current.
    if (response.setCookie.length > 0) session.cookies = mergeCookies(session.cookies, response.setCookie);
    if (isSessionLost(parsed)) return { lost: true };
    keep(session);
    return { lost: false, body: parsed };
  }

  return {
    async call(serviceName, body) {
      const service = serviceName.startsWith('Kingdee.') ? serviceName : `${SERVICE_PREFIX}${serviceName}`;
      const session = storedSession() ?? (await sharedLogin()).session;
      const first = await attempt(service, body, session);
      if (!first.lost) return first.body;
      // Kingdee rejects a call with a lost session before doing anything, so replaying is safe.
      ctx.logger.warn('kingdee session lost; logging in again and replaying once', { service: shortName(service) });
      const second = await attempt(service, body, await renew(session));
      if (!second.lost) return second.body;
      throw sessionLostError(shortName(service));
    },
    async login() {
      ctx.sessions.delete(key);
      return (await sharedLogin()).outcome;
    },
  };
}

/**
 * HTTP-level outcome. A session-lost body is returned (whatever the status) so the caller can
 * re-login; otherwise 429, 5xx (519 is the public-cloud gateway) and non-JSON are errors here.
 */
function readJson(response: HttpResponse, operation: string): unknown {
  let body: unknown;
  let parseError: unknown;
  try {
    body = response.json();
  } catch (error) {
    parseError = error;
  }
  const { status } = response;
  if (parseError === undefined && isSessionLost(body)) return body;
  const detail = { status, body: parseError === undefined ? body : excerpt(response.text, 2000) };
  if (status === 429) {
    const retryAfterMs = parseRetryAfter(response.headers['retry-after']);
    return throwError({ code: 'rate_limited', message: `Kingdee ${operation}: too many requests (HTTP 429)`, retryable: true, detail, retryAfterMs });
  }
  if (status >= 500) {
    const gateway = status === 519 ? ' from the Kingdee cloud gateway' : '';
    return throwError({ code: `http_${status}`, message: `Kingdee ${operation}: HTTP ${status}${gateway}: ${excerpt(response.text, 300)}`, retryable: true, detail });
  }
  if (status < 200 || status >= 300) {
    const hint = status === 404 ? ' (check serverUrl: it should end with the K3Cloud site path, e.g. /k3cloud/)' : '';
    return throwError({ code: `http_${status}`, message: `Kingdee ${operation}: HTTP ${status}${hint}`, retryable: false, detail });
  }
  if (parseError !== undefined) throw parseError;
  return body;
}

function throwError(args: { code: string; message: string; retryable: boolean; detail: unknown; retryAfterMs?: number | undefined }): never {
  const options = { system: SYSTEM, code: args.code, message: args.message, retryable: args.retryable, detail: args.detail };
  throw new ConnectorError(args.retryAfterMs === undefined ? options : { ...options, retryAfterMs: args.retryAfterMs });
}

/** Applies Set-Cookie lines to a jar; attributes other than "delete me" do not matter here. */
export function mergeCookies(jar: Record<string, string>, setCookie: readonly string[]): Record<string, string> {
  const next = { ...jar };
  for (const line of setCookie) {
    const [pair = '', ...attributes] = line.split(';');
    const eq = pair.indexOf('=');
    if (eq <= 0) continue;
    const name = pair.slice(0, eq).trim();
    const value = pair.slice(eq + 1).trim();
    const expired = attributes.some((a) => /^\s*max-age\s*=\s*(0|-\d+)\s*$/i.test(a));
    if (value === '' || expired) delete next[name];
    else next[name] = value;
  }
  return next;
}

function shortName(service: string): string {
  return service.startsWith(SERVICE_PREFIX) ? service.slice(SERVICE_PREFIX.length) : service;
}

function definedOnly(outcome: LoginOutcome): Session['login'] {
  const login: Session['login'] = {};
  if (outcome.userName) login.userName = outcome.userName;
  if (outcome.dataCentreId) login.dataCentreId = outcome.dataCentreId;
  if (outcome.dataCentreName) login.dataCentreName = outcome.dataCentreName;
  return login;
}
