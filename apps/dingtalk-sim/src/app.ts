import type { SimAnswer } from './robot';
import type { AppConfig, SimState } from './state';

const fail = (errcode: number, errmsg: string): SimAnswer => ({ status: 200, body: { errcode, errmsg } });
const NOTICE_TYPES = new Set(['text', 'image', 'voice', 'file', 'link', 'oa', 'markdown', 'action_card']);

export function getToken(state: SimState, query: URLSearchParams, now: number): SimAnswer {
  const app = state.apps.get(query.get('appkey') ?? '');
  if (!app || app.appSecret !== query.get('appsecret')) return fail(40096, '不合法的appKey或appSecret');
  const { token, expiresIn } = state.issueToken(app.appKey, now);
  return { status: 200, body: { errcode: 0, errmsg: 'ok', access_token: token, expires_in: expiresIn } };
}

/** The app behind a token, or the errcode DingTalk answers for a missing, invalid or expired one. */
function appFor(state: SimState, query: URLSearchParams, now: number): AppConfig | SimAnswer {
  const token = query.get('access_token');
  const record = token ? state.tokens.get(token) : undefined;
  if (!record) return fail(40014, '不合法的access_token');
  if (record.expiresAt <= now) return fail(42001, 'access_token超时');
  const app = state.apps.get(record.appKey);
  return app ?? fail(40014, '不合法的access_token');
}

function list(value: unknown): string[] {
  return typeof value === 'string' && value.trim() !== '' ? value.split(',').map((v) => v.trim()).filter(Boolean) : [];
}

function validNotice(msg: unknown): string | null {
  if (typeof msg !== 'object' || msg === null) return 'msg 不能为空';
  const m = msg as Record<string, Record<string, unknown> | undefined> & { msgtype?: unknown };
  if (typeof m.msgtype !== 'string' || !NOTICE_TYPES.has(m.msgtype)) return `不合法的消息类型 msgtype=${String(m.msgtype)}`;
  if (m.msgtype === 'action_card') {
    const card = m.action_card;
    if (!card || typeof card['title'] !== 'string' || typeof card['markdown'] !== 'string') return 'action_card 需要 title 和 markdown';
    const single = typeof card['single_title'] === 'string' && typeof card['single_url'] === 'string';
    if (!single && !Array.isArray(card['btn_json_list'])) return 'action_card 需要 single_title/single_url 或 btn_json_list';
  }
  if (m.msgtype === 'text' && typeof m.text?.['content'] !== 'string') return 'text.content 不能为空';
  if (m.msgtype === 'markdown' && (typeof m.markdown?.['title'] !== 'string' || typeof m.markdown['text'] !== 'string')) return 'markdown 需要 title 和 text';
  return null;
}

export function asyncSend(state: SimState, query: URLSearchParams, body: unknown, now: number): SimAnswer {
  const app = appFor(state, query, now);
  if ('status' in app) return app;
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  if (Number(b['agent_id']) !== app.agentId) return fail(40056, '不合法的agentId');
  const problem = validNotice(b['msg']);
  if (problem) return fail(40035, problem);
  const users = list(b['userid_list']);
  const depts = list(b['dept_id_list']);
  const all = b['to_all_user'] === true || b['to_all_user'] === 'true';
  if (!all && users.length === 0 && depts.length === 0) return fail(40035, '缺少参数 userid_list/dept_id_list/to_all_user');
  const targets = all ? app.users : users;
  const invalid = targets.filter((u) => !app.users.includes(u));
  const forbidden = targets.filter((u) => app.forbiddenUsers?.includes(u) && !invalid.includes(u));
  const recipients = targets.filter((u) => !invalid.includes(u) && !forbidden.includes(u));
  const taskId = state.taskId();
  state.notices.push({ taskId, agentId: app.agentId, receivedAt: now, body: b, recipients, invalid, forbidden });
  return { status: 200, body: { errcode: 0, errmsg: 'ok', task_id: taskId, request_id: `req${taskId}` } };
}

export function getSendResult(state: SimState, query: URLSearchParams, body: unknown, now: number): SimAnswer {
  const app = appFor(state, query, now);
  if ('status' in app) return app;
  const b = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
  const notice = state.notices.find((n) => n.taskId === Number(b['task_id']) && n.agentId === Number(b['agent_id']));
  if (!notice) return fail(40035, '不合法的task_id');
  return {
    status: 200,
    body: {
      errcode: 0,
      errmsg: 'ok',
      send_result: {
        invalid_user_id_list: notice.invalid,
        forbidden_user_id_list: notice.forbidden,
        forbidden_list: notice.forbidden.map((userid) => ({ code: '143106', count: 500, userid })),
        failed_user_id_list: [],
        read_user_id_list: [],
        unread_user_id_list: notice.recipients,
        invalid_dept_id_list: [],
      },
    },
  };
}
