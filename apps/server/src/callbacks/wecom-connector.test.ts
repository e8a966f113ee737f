import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ConnectorError, getAction, getConnector, runAction, UserError, wecomAuthSchema } from '@qiao/connectors';
import { createMemoryLogger, createTestContext } from '@qiao/connectors/testing';
import { createWecomSimulator, DEMO_CORP, type AppMessageRecord, type WecomSimulator } from '@qiao/wecom-sim';

// The WeCom connector against the WeCom simulator (apps/wecom-sim), which implements the documented
// protocol independently of the connector: tokens, errcodes, limits, duplicate check, faults.

let sim: WecomSimulator;
const app = DEMO_CORP.apps[0] ?? { agentId: 0, secret: '', name: '' };
const robotKey = DEMO_CORP.robotKeys[0] ?? '';
const wecom = getConnector('wecom');
const sendApp = getAction('wecom.sendAppMessage');
const sendRobot = getAction('wecom.sendRobotMessage');
if (!wecom || !sendApp || !sendRobot) throw new Error('the wecom connector is not registered');

const credentials = (extra: Record<string, unknown> = {}) => ({ baseUrl: sim.url, corpId: DEMO_CORP.corpId, agentId: app.agentId, corpSecret: app.secret, robotKey, ...extra });

/** One context per "worker process": tests that share it share the token cache, like steps do. */
function context(extra: Record<string, unknown> = {}, sessions?: ReturnType<typeof createTestContext>['sessions']) {
  const logger = createMemoryLogger();
  const ctx = createTestContext({ credentials: credentials(extra), logger, ...(sessions ? { sessions } : {}) });
  return { ctx, logger };
}

const run = (resolved: NonNullable<typeof sendApp>, input: unknown, ctx = context().ctx) => runAction({ connector: resolved.connector, action: resolved.action, context: ctx, input });

async function sim_(method: string, path: string, body?: unknown): Promise<unknown> {
  const response = await fetch(`${sim.url}/__sim/${path}`, { method, ...(body === undefined ? {} : { body: JSON.stringify(body), headers: { 'content-type': 'application/json' } }) });
  return response.json();
}

beforeAll(async () => {
  sim = await createWecomSimulator();
});
afterEach(async () => {
  await sim_('POST', 'reset');
});
afterAll(async () => sim?.close());

describe('app messages', () => {
  it('fetches a token once per app, sends with duplicate check on, and reuses the token', async () => {
    const { ctx } = context();
    const first = (await run(sendApp, { msgtype: 'text', content: '付款单 PO-1 待审批', touser: ['zhangsan', 'lisi'] }, ctx)) as { msgid: string; invaliduser: string[] };
    await run(sendApp, { msgtype: 'markdown', content: '**PO-2** 已审核', toparty: ['1'], totag: ['2'] }, ctx);
    expect(first.msgid).toMatch(/^sim_msg_/);
    expect(first.invaliduser).toEqual([]);
    expect(sim.state.counters.gettoken).toBe(1);
    const [text, markdown] = sim.state.appMessages;
    expect(text?.body).toMatchObject({ msgtype: 'text', agentid: app.agentId, touser: 'zhangsan|lisi', text: { content: '付款单 PO-1 待审批' }, enable_duplicate_check: 1, duplicate_check_interval: 1800, safe: 0 });
    expect(text?.deliveredTo).toEqual(['zhangsan', 'lisi']);
    expect(markdown?.body).toMatchObject({ msgtype: 'markdown', toparty: '1', totag: '2' });
  });

  it('sends a text card and an interactive template card (whose response_code comes back)', async () => {
    const { ctx } = context();
    await run(sendApp, { msgtype: 'textcard', title: '付款单待审批', description: '<div class="highlight">¥86,000.00</div>', url: 'https://erp.example.com/approve/123', btntxt: '详情', touser: ['@all'] }, ctx);
    const card = { card_type: 'button_interaction', main_title: { title: '采购付款' }, task_id: 'task-1', button_list: [{ text: '同意', key: 'yes' }] };
    const out = (await run(sendApp, { msgtype: 'template_card', templateCard: card, touser: ['caiwu01'] }, ctx)) as { responseCode?: string };
    expect(out.responseCode).toMatch(/^sim_rc_/);
    expect(sim.state.appMessages[0]?.deliveredTo).toEqual(DEMO_CORP.users);
    expect(sim.state.appMessages[1]?.body).toMatchObject({ template_card: card });
  });

  it('shares one gettoken between concurrent steps on a cold cache', async () => {
    const { ctx } = context();
    await Promise.all(Array.from({ length: 5 }, (_, i) => run(sendApp, { msgtype: 'text', content: `msg ${i}`, touser: ['wangwu'] }, { ...ctx, idempotencyKey: `k${i}` })));
    expect(sim.state.counters.gettoken).toBe(1);
    expect(sim.state.appMessages).toHaveLength(5);
  });

  it.each([
    ['expired (42001)', 'tokens/expire'],
    ['invalidated (40014)', 'tokens/invalidate'],
  ])('refreshes a token WeCom says is %s and replays the send once', async (_name, action) => {
    const { ctx, logger } = context();
    await run(sendApp, { msgtype: 'text', content: 'one', touser: ['lisi'] }, ctx);
    await sim_('POST', action);
    await run(sendApp, { msgtype: 'text', content: 'two', touser: ['lisi'] }, ctx);
    expect(sim.state.counters.gettoken).toBe(2);
    expect(sim.state.counters.messageSend).toBe(3); // one, two refused, two replayed
    expect(sim.state.appMessages.map((m) => (m.body['text'] as { content: string }).content)).toEqual(['one', 'two']);
    expect(logger.entries.some((e) => e.level === 'warn' && /token refused/.test(e.msg))).toBe(true);
  });

  it('reports some invalid recipients without failing, and fails when all are invalid', async () => {
    const { ctx, logger } = context();
    const out = await run(sendApp, { msgtype: 'text', content: 'hi', touser: ['zhangsan', 'ghost'], toparty: ['1', '99'], totag: ['77'] }, ctx);
    expect(out).toMatchObject({ invaliduser: ['ghost'], invalidparty: ['99'], invalidtag: ['77'] });
    expect(logger.entries.some((e) => e.level === 'warn' && /recipients were refused/.test(e.msg))).toBe(true);
    const failure = await run(sendApp, { msgtype: 'text', content: 'hi', touser: ['ghost'], toparty: ['99'] }, ctx).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(ConnectorError);
    expect(failure).toMatchObject({ code: 'wecom_81013', retryable: false });
  });

  it('lets WeCom drop a repeat within duplicate_check_interval (a retry after a lost answer sends nothing twice)', async () => {
    const { ctx } = context();
    const input = { msgtype: 'text', content: '出库单 XSCKD0001 已审核', touser: ['zhangsan'], duplicateCheckInterval: 600 };
    const first = (await run(sendApp, input, ctx)) as { msgid: string };
    const again = (await run(sendApp, input, { ...ctx, attempt: 2 })) as { msgid: string };
    expect(again.msgid).toBe(first.msgid);
    const records: AppMessageRecord[] = sim.state.appMessages;
    expect(records[1]?.duplicateOf).toBe(first.msgid);
    expect(records.filter((r) => r.deliveredTo.length > 0)).toHaveLength(1);
    const off = { ...input, enableDuplicateCheck: false };
    await run(sendApp, off, ctx);
    expect(sim.state.appMessages[2]?.body['enable_duplicate_check']).toBeUndefined();
    expect(sim.state.appMessages[2]?.deliveredTo).toEqual(['zhangsan']);
  });

  it('classifies errcodes: busy and rate limits retryable, configuration errors permanent', async () => {
    const { ctx } = context();
    await sim_('PUT', 'faults', { failNext: [{ path: 'message/send', errcode: -1 }] });
    await expect(run(sendApp, { msgtype: 'text', content: 'a', touser: ['lisi'] }, ctx)).rejects.toMatchObject({ code: 'wecom_-1', retryable: true });
    await sim_('PUT', 'faults', { appApiPerMinute: 1 });
    await run(sendApp, { msgtype: 'text', content: 'b', touser: ['lisi'] }, ctx).catch(() => undefined);
    await expect(run(sendApp, { msgtype: 'text', content: 'c', touser: ['lisi'] }, ctx)).rejects.toMatchObject({ code: 'rate_limited', retryable: true, retryAfterMs: 60_000, detail: { errcode: 45009 } });
    await sim_('DELETE', 'faults');
    await sim_('PUT', 'faults', { failNext: [{ path: 'message/send', httpStatus: 503 }] });
    await expect(run(sendApp, { msgtype: 'text', content: 'd', touser: ['lisi'] }, ctx)).rejects.toMatchObject({ code: 'http_503', retryable: true });
    await expect(run(sendApp, { msgtype: 'text', content: 'e', touser: ['lisi'] }, context({ corpSecret: 'wrong' }).ctx)).rejects.toMatchObject({ code: 'wecom_40001', retryable: false });
    await expect(run(sendApp, { msgtype: 'text', content: 'f', touser: ['lisi'] }, context({ agentId: 1000003 }).ctx)).rejects.toMatchObject({ code: 'wecom_301002', retryable: false });
  });

  it('refuses bad input before calling WeCom', async () => {
    await expect(run(sendApp, { msgtype: 'text', content: 'x' })).rejects.toMatchObject({ code: 'no_recipient', path: ['touser'] });
    await expect(run(sendApp, { msgtype: 'text', content: '字'.repeat(700), touser: ['a'] })).rejects.toMatchObject({ code: 'content_too_long', path: ['content'] });
    await expect(run(sendApp, { msgtype: 'textcard', title: 't', description: 'd', url: 'javascript:alert(1)', touser: ['a'] })).rejects.toBeInstanceOf(UserError);
    await expect(run(sendApp, { msgtype: 'template_card', templateCard: { card_type: 'text_notice' }, touser: ['a'] })).rejects.toMatchObject({ code: 'card_action_missing' });
    await expect(run(sendApp, { msgtype: 'text', content: 'x', touser: ['a'] }, context({ corpId: undefined, agentId: undefined, corpSecret: undefined }).ctx)).rejects.toMatchObject({ code: 'app_missing' });
    expect(sim.state.counters.messageSend).toBe(0);
  });

  it('times out on a slow or silent server, as a retryable error', async () => {
    await sim_('PUT', 'faults', { latencyMs: 2000 });
    await expect(run(sendApp, { msgtype: 'text', content: 'x', touser: ['lisi'] }, context({ timeoutMs: 200 }).ctx)).rejects.toMatchObject({ code: 'timeout', retryable: true });
    await sim_('PUT', 'faults', { latencyMs: 0, hang: true });
    await expect(run(sendRobot, { msgtype: 'text', content: 'x' }, context({ timeoutMs: 200 }).ctx)).rejects.toMatchObject({ code: 'timeout', retryable: true });
  });
});

describe('group robot', () => {
  it('posts text (with mentions), markdown and template cards', async () => {
    await run(sendRobot, { msgtype: 'text', content: '出库单已审核', mentionedList: ['zhangsan', '@all'], mentionedMobileList: ['13800000000'] });
    await run(sendRobot, { msgtype: 'markdown', content: '## 今日出库\n> <font color="info">12 单</font>' });
    const card = { card_type: 'text_notice', main_title: { title: '采购付款单待审批' }, card_action: { type: 1, url: 'https://erp.example.com' } };
    await run(sendRobot, { msgtype: 'template_card', templateCard: card });
    expect(sim.state.robotMessages.map((m) => m.body)).toEqual([
      { msgtype: 'text', text: { content: '出库单已审核', mentioned_list: ['zhangsan', '@all'], mentioned_mobile_list: ['13800000000'] } },
      { msgtype: 'markdown', markdown: { content: '## 今日出库\n> <font color="info">12 单</font>' } },
      { msgtype: 'template_card', template_card: card },
    ]);
  });

  it('accepts the whole webhook URL as the key', async () => {
    await run(sendRobot, { msgtype: 'text', content: 'x' }, context({ robotKey: `https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=${robotKey}` }).ctx);
    expect(sim.state.robotMessages).toHaveLength(1);
  });

  it('stops at 20 messages a minute with a retryable rate limit (45009)', async () => {
    const { ctx } = context();
    for (let i = 0; i < 20; i += 1) await run(sendRobot, { msgtype: 'text', content: `n${i}` }, ctx);
    const failure = await run(sendRobot, { msgtype: 'text', content: 'n20' }, ctx).catch((e: unknown) => e);
    expect(failure).toMatchObject({ code: 'rate_limited', retryable: true, retryAfterMs: 60_000, detail: { errcode: 45009 } });
    expect(sim.state.robotMessages).toHaveLength(20);
  });

  it('treats an invalid key as permanent, and a missing one as a user error', async () => {
    await expect(run(sendRobot, { msgtype: 'text', content: 'x' }, context({ robotKey: 'nope-nope' }).ctx)).rejects.toMatchObject({ code: 'wecom_93000', retryable: false });
    await expect(run(sendRobot, { msgtype: 'text', content: 'x' }, context({ robotKey: undefined }).ctx)).rejects.toMatchObject({ code: 'robot_key_missing' });
  });
});

describe('testConnection', () => {
  const test = (extra: Record<string, unknown>) => {
    const ctx = context(extra).ctx;
    return wecom.testConnection?.({ ...ctx, credentials: wecomAuthSchema.parse(ctx.credentials) });
  };

  it('checks app and robot, and says where callbacks go', async () => {
    const result = await test({ callbackToken: 'Tok', encodingAesKey: 'jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C' });
    expect(result?.detail).toContain(`agent ${app.agentId}`);
    expect(result?.detail).toContain('group robot key accepted');
    expect(result?.detail).toContain('/api/callbacks/wecom/test-connection');
    expect(sim.state.robotMessages).toHaveLength(0);
  });

  it.each([
    ['a wrong corp id', { corpId: 'wwnobody' }, /corpId "wwnobody" is not a valid WeCom corp id/],
    ['a wrong secret', { corpSecret: 'wrong' }, /corpSecret is wrong/],
    ['another app’s agent id', { agentId: 1000003 }, /does not belong to this corpSecret/],
    ['an unknown agent id', { agentId: 4242 }, /agentId 4242 is not an app/],
    ['a wrong robot key', { robotKey: 'nope-nope' }, /robot webhook key is invalid/],
  ])('names %s', async (_name, extra, message) => {
    await expect(test(extra)).rejects.toThrow(message);
  });

  it('names an unreachable host', async () => {
    await expect(test({ baseUrl: 'http://127.0.0.1:1' })).rejects.toMatchObject({ code: 'network', message: expect.stringContaining('Cannot reach http://127.0.0.1:1') });
  });
});

describe('credentials', () => {
  it('defaults to the real host and checks which fields go together', () => {
    expect(wecomAuthSchema.parse({ robotKey: 'abc' }).baseUrl).toBe('https://qyapi.weixin.qq.com');
    const paths = (value: unknown) => wecomAuthSchema.safeParse(value).error?.issues.map((i) => i.path.join('.')) ?? [];
    expect(paths({ corpId: 'ww1' })).toEqual(['agentId', 'corpSecret']);
    expect(paths({})).toEqual(['robotKey']);
    expect(paths({ robotKey: 'k', callbackToken: 'T' })).toEqual(['encodingAesKey', 'corpId']);
    expect(paths({ robotKey: 'k', encodingAesKey: 'short' })).toContain('encodingAesKey');
  });
});
