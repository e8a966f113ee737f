import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FaultController } from '../faults';
import { SlidingWindow } from '../faults';
import type { SimState } from '../state';
import { checkContent, error, idList, ok, parseJsonObject, type WecomError } from './validate';

export interface ApiDeps {
  state: SimState;
  faults: FaultController;
}

const APP_TYPES = ['text', 'image', 'voice', 'video', 'file', 'textcard', 'news', 'mpnews', 'markdown', 'miniprogram_notice', 'template_card'];
const APP_CARD_TYPES = ['text_notice', 'news_notice', 'button_interaction', 'vote_interaction', 'multiple_interaction'];
const ROBOT_TYPES = ['text', 'markdown', 'markdown_v2', 'image', 'news', 'file', 'voice', 'template_card'];
const ROBOT_CARD_TYPES = ['text_notice', 'news_notice'];
const INTERACTIVE = new Set(['button_interaction', 'vote_interaction', 'multiple_interaction']);

type Query = Record<string, string | undefined>;

/** The WeCom server API subset: gettoken, agent/get, message/send and the group robot webhook. */
export function registerApiRoutes(app: FastifyInstance, deps: ApiDeps): { clearLimits(): void } {
  const { state, faults } = deps;
  const robotWindow = new SlidingWindow(60_000);
  const apiWindow = new SlidingWindow(60_000);
  const memberWindow = new SlidingWindow(60_000);

  // Faults first: latency, a hang, or an injected answer for the next N calls to a path.
  app.addHook('preHandler', async (request: FastifyRequest, reply: FastifyReply) => {
    if (!request.url.startsWith('/cgi-bin/')) return;
    const config = faults.current;
    if (config.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, config.latencyMs));
    if (config.hang) {
      // Never answered and never executed: once the client gives up, the answer goes nowhere.
      await new Promise<void>((resolve) => reply.raw.once('close', () => resolve()));
      return reply.code(504).send(error(-1, 'simulated hang'));
    }
    const injected = faults.take(pathOf(request.url));
    if (!injected) return;
    state.counters.injected += 1;
    if (injected.httpStatus !== undefined) return reply.code(injected.httpStatus).type('text/html').send(`<html><body><h1>${injected.httpStatus}</h1>simulated failure</body></html>`);
    return reply.send(error(injected.errcode ?? -1, injected.errmsg ?? 'system busy'));
  });

  app.get('/cgi-bin/gettoken', async (request) => {
    state.counters.gettoken += 1;
    const { corpid, corpsecret } = request.query as Query;
    if (!corpid) return error(41002, 'corpid missing');
    if (corpid !== state.corp.corpId) return error(40013, 'invalid corpid');
    if (!corpsecret) return error(41004, 'corpsecret missing');
    const simApp = state.appBySecret(corpsecret);
    if (!simApp) return error(40001, 'invalid credential');
    const record = state.issueToken(simApp, faults.current.tokenTtlSeconds);
    return { ...ok, access_token: record.token, expires_in: Math.max(1, Math.round((record.expiresAt - Date.now()) / 1000)) };
  });

  /** The token's app, or the error WeCom answers. Also counts the call against the app's API limit. */
  const authorise = (query: Query): { agentId: number } | WecomError => {
    const token = query['access_token'];
    if (!token) return error(41001, 'access_token missing');
    const found = state.lookupToken(token);
    if (found === undefined) return error(40014, 'invalid access_token');
    if (found === 'expired') return error(42001, 'access_token expired');
    if (!apiWindow.tryHit(String(found.agentId), faults.current.appApiPerMinute)) {
      state.counters.rateLimited += 1;
      return error(45009, 'api freq out of limit');
    }
    return { agentId: found.agentId };
  };

  app.get('/cgi-bin/agent/get', async (request) => {
    const query = request.query as Query;
    const auth = authorise(query);
    if ('errcode' in auth) return auth;
    const wanted = Number(query['agentid']);
    const target = state.app(wanted);
    if (!target) return error(40056, 'invalid agentid');
    if (target.agentId !== auth.agentId) return error(301002, 'not allow operate another agent with this accesstoken.');
    return { ...ok, agentid: target.agentId, name: target.name, square_logo_url: '', description: '', close: 0, redirect_domain: '', report_location_flag: 0, isreportenter: 0, home_url: '' };
  });

  app.post('/cgi-bin/message/send', async (request) => {
    state.counters.messageSend += 1;
    const auth = authorise(request.query as Query);
    if ('errcode' in auth) return auth;
    const body = parseJsonObject(request.body);
    if (!body) return error(47001, 'data format error');
    const agentId = Number(body['agentid']);
    if (!Number.isInteger(agentId) || !state.app(agentId)) return error(40056, 'invalid agentid');
    if (agentId !== auth.agentId) return error(301002, 'not allow operate another agent with this accesstoken.');
    const problem = checkContent(body, APP_TYPES, APP_CARD_TYPES);
    if (problem) return problem;

    const askedUsers = idList(body['touser']);
    const askedParties = idList(body['toparty']);
    const askedTags = idList(body['totag']);
    if (askedUsers.length + askedParties.length + askedTags.length === 0) return error(82001, 'All touser & toparty & totag invalid');
    if (askedUsers.length > 1000 || askedParties.length > 100 || askedTags.length > 100) return error(40035, 'too many recipients');
    const all = askedUsers.includes('@all');
    const users = all ? state.corp.users : askedUsers.filter((u) => state.corp.users.includes(u));
    const invaliduser = all ? [] : askedUsers.filter((u) => !state.corp.users.includes(u));
    const invalidparty = askedParties.filter((p) => !state.corp.departments.includes(p));
    const invalidtag = askedTags.filter((t) => !state.corp.tags.includes(t));
    const validParties = askedParties.length - invalidparty.length;
    const validTags = askedTags.length - invalidtag.length;
    const lists = { invaliduser: invaliduser.join('|'), invalidparty: invalidparty.join('|'), invalidtag: invalidtag.join('|') };
    if (users.length === 0 && validParties === 0 && validTags === 0) return { ...error(81013, 'user & party & tag all invalid'), ...lists };

    const msgid = state.newMsgId();
    const interval = Number(body['duplicate_check_interval'] ?? 1800);
    const duplicateOf = body['enable_duplicate_check'] === 1 ? state.duplicateOf(body, { agentId, intervalSeconds: Number.isFinite(interval) ? Math.min(Math.max(interval, 1), 14_400) : 1800, msgid }) : undefined;
    // Over 30/min per member, WeCom drops the message for that member without an error.
    const deliveredTo: string[] = [];
    const droppedFor: string[] = [];
    if (duplicateOf === undefined) {
      for (const user of users) (memberWindow.tryHit(`${agentId}:${user}`, faults.current.memberPerMinute) ? deliveredTo : droppedFor).push(user);
    }
    state.appMessages.push({
      kind: 'app', msgid: duplicateOf ?? msgid, agentId, receivedAt: new Date().toISOString(), body, deliveredTo, droppedFor, invaliduser, invalidparty, invalidtag,
      ...(duplicateOf === undefined ? {} : { duplicateOf }),
    });
    const cardType = (body['template_card'] as { card_type?: unknown } | undefined)?.card_type;
    const responseCode = body['msgtype'] === 'template_card' && typeof cardType === 'string' && INTERACTIVE.has(cardType) ? `sim_rc_${msgid}` : undefined;
    const answer: Record<string, unknown> = { ...ok, msgid: duplicateOf ?? msgid };
    for (const [name, value] of Object.entries(lists)) if (value !== '') answer[name] = value;
    if (responseCode) answer['response_code'] = responseCode;
    return answer;
  });

  app.post('/cgi-bin/webhook/send', async (request) => {
    state.counters.robotSend += 1;
    const key = (request.query as Query)['key'];
    if (!key || !state.corp.robotKeys.includes(key)) return error(93000, 'invalid webhook url');
    const body = parseJsonObject(request.body);
    if (!body) return error(47001, 'data format error');
    const problem = checkContent(body, ROBOT_TYPES, ROBOT_CARD_TYPES);
    if (problem) return problem;
    if (!robotWindow.tryHit(key, faults.current.robotPerMinute)) {
      state.counters.rateLimited += 1;
      return error(45009, 'api freq out of limit');
    }
    state.robotMessages.push({ kind: 'robot', key, receivedAt: new Date().toISOString(), body });
    return ok;
  });

  app.all('/cgi-bin/*', async () => error(48001, 'api forbidden (not simulated)'));

  return {
    clearLimits() {
      robotWindow.clear();
      apiWindow.clear();
      memberWindow.clear();
    },
  };
}

function pathOf(url: string): string {
  const path = url.slice('/cgi-bin/'.length);
  const q = path.indexOf('?');
  return q < 0 ? path : path.slice(0, q);
}
