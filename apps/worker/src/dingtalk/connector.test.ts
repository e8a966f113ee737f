import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConnectorError, dingtalk, runAction, UserError } from '@qiao/connectors';
import { createTestContext } from '@qiao/connectors/testing';
import { createSessionStore } from '@qiao/connectors';
import { createSimulator, type Simulator } from '@qiao/dingtalk-sim';

// The DingTalk connector against apps/dingtalk-sim (in-process, free port): the connector and the
// simulator were written separately from the protocol notes, so each checks the other.

const SECRET = 'SECa1b2c3d4e5f6';
let sim: Simulator;

beforeAll(async () => {
  sim = await createSimulator({
    robots: [
      { accessToken: 'signed', secret: SECRET },
      { accessToken: 'keyword', keywords: ['Qiao'] },
    ],
    apps: [{ appKey: 'dingapp', appSecret: 'appsecret', agentId: 42, users: ['u1', 'u2', 'u3'], forbiddenUsers: ['u3'] }],
    limits: { robotPerWindow: 3 },
  });
});
afterAll(async () => sim.close());
beforeEach(() => sim.state.reset());

const robot = (over: Record<string, unknown> = {}) => ({ kind: 'robot', baseUrl: sim.url, accessToken: 'signed', secret: SECRET, ...over });
const app = (over: Record<string, unknown> = {}) => ({ kind: 'app', baseUrl: sim.url, appKey: 'dingapp', appSecret: 'appsecret', agentId: 42, ...over });
const action = (id: string) => {
  const found = dingtalk.actions.find((a) => a.id === id);
  if (!found) throw new Error(id);
  return found;
};

async function send(credentials: Record<string, unknown>, message: unknown, sessions = createTestContext({ credentials: {} }).sessions) {
  return runAction({ connector: dingtalk, action: action('sendRobotMessage'), context: createTestContext({ credentials, sessions }), input: { message } });
}

async function failure(promise: Promise<unknown>): Promise<ConnectorError | UserError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof ConnectorError || error instanceof UserError) return error;
    throw error;
  }
  throw new Error('expected a failure');
}

describe('custom robot', () => {
  it('signs the request and the simulator accepts text, markdown and actionCard', async () => {
    await send(robot(), { msgtype: 'text', text: { content: '出库单 OUT-1 已审核 @13800000000' }, at: { atMobiles: ['13800000000'] } });
    await send(robot(), { msgtype: 'markdown', markdown: { title: '付款单', text: '#### ¥86,000.00' } });
    const out = await send(robot(), { msgtype: 'actionCard', actionCard: { title: '待审批', text: '请审批', singleTitle: '去审批', singleURL: 'https://x' } });
    expect(out).toEqual({ status: 'sent', duplicate: false });
    expect(sim.state.robotMessages.map((m) => (m.body as { msgtype: string }).msgtype)).toEqual(['text', 'markdown', 'actionCard']);
  });

  it('a wrong secret is 310000, not retryable', async () => {
    const error = await failure(send(robot({ secret: 'SECwrong' }), { msgtype: 'text', text: { content: 'x' } }));
    expect(error).toMatchObject({ code: 'dingtalk_310000', retryable: false });
    expect(sim.state.robotMessages).toHaveLength(0);
  });

  it('a timestamp more than an hour from DingTalk’s clock is refused with 310000', async () => {
    const skewed = await createSimulator({ robots: [{ accessToken: 'signed', secret: SECRET }], now: () => Date.now() + 61 * 60_000 });
    try {
      const error = await failure(send({ ...robot(), baseUrl: skewed.url }, { msgtype: 'text', text: { content: 'x' } }));
      expect(error).toMatchObject({ code: 'dingtalk_310000' });
      expect(skewed.state.robotRejections[0]?.errcode).toBe(310000);
    } finally {
      await skewed.close();
    }
  });

  it('an unknown token is 300001', async () => {
    expect(await failure(send(robot({ accessToken: 'nope' }), { msgtype: 'text', text: { content: 'x' } }))).toMatchObject({ code: 'dingtalk_300001', retryable: false });
  });

  it('keywords: appended in append mode (the sim accepts it), refused before any call in refuse mode', async () => {
    await send({ kind: 'robot', baseUrl: sim.url, accessToken: 'keyword', keywords: ['Qiao'] }, { msgtype: 'text', text: { content: '库存预警' } });
    expect(sim.state.robotMessages[0]?.body).toMatchObject({ text: { content: '库存预警\nQiao' } });
    const error = await failure(send({ kind: 'robot', baseUrl: sim.url, accessToken: 'keyword', keywords: ['Qiao'], keywordMode: 'refuse' }, { msgtype: 'text', text: { content: '库存预警' } }));
    expect(error).toBeInstanceOf(UserError);
    expect(sim.state.callCounts['robot']).toBe(1);
    // Without the keyword configured in Qiao, DingTalk's own check answers 310000.
    expect(await failure(send({ kind: 'robot', baseUrl: sim.url, accessToken: 'keyword' }, { msgtype: 'text', text: { content: '库存预警' } }))).toMatchObject({ code: 'dingtalk_310000' });
  });

  it('over the per-minute limit: 410100, retryable after the 10-minute throttle', async () => {
    for (let i = 0; i < 3; i += 1) await send(robot(), { msgtype: 'text', text: { content: `m${i}` } });
    const error = await failure(send(robot(), { msgtype: 'text', text: { content: 'one too many' } }));
    expect(error).toMatchObject({ code: 'dingtalk_410100', retryable: true, retryAfterMs: 600_000 });
  });

  it('130101 and -1 are retryable; HTTP 503 is retryable; a hang times out (retryable)', async () => {
    sim.state.faults.push({ target: 'robot', kind: 'errcode', errcode: 130101, errmsg: 'send too fast', times: 1 });
    expect(await failure(send(robot(), { msgtype: 'text', text: { content: 'x' } }))).toMatchObject({ code: 'dingtalk_130101', retryable: true });
    sim.state.faults.push({ target: 'robot', kind: 'errcode', errcode: -1, errmsg: '系统繁忙', times: 1 });
    expect(await failure(send(robot(), { msgtype: 'text', text: { content: 'x' } }))).toMatchObject({ code: 'dingtalk_-1', retryable: true });
    sim.state.faults.push({ target: 'robot', kind: 'http', status: 503, times: 1 });
    expect(await failure(send(robot(), { msgtype: 'text', text: { content: 'x' } }))).toMatchObject({ code: 'http_503', retryable: true });
    sim.state.faults.push({ target: 'robot', kind: 'hang', times: 1 });
    expect(await failure(send(robot({ timeoutMs: 300 }), { msgtype: 'text', text: { content: 'x' } }))).toMatchObject({ code: 'timeout', retryable: true });
  });

  it('refuses the work-notice snake_case card for a robot (schema), naming the field', async () => {
    const error = await failure(send(robot(), { msgtype: 'action_card', action_card: { title: 't', markdown: 'm' } }));
    expect(error).toMatchObject({ code: 'invalid_input' });
  });

  it('testConnection: accepted token+signature, or precisely which one is wrong', async () => {
    const ok = await dingtalk.testConnection?.(createTestContext({ credentials: dingtalk.auth.parse(robot()) }));
    expect(ok?.detail).toMatch(/加签 signature accepted/);
    expect(sim.state.robotMessages).toHaveLength(0);
    await expect(dingtalk.testConnection?.(createTestContext({ credentials: dingtalk.auth.parse(robot({ secret: 'SECx' })) }))).rejects.toMatchObject({ code: 'dingtalk_310000' });
    await expect(dingtalk.testConnection?.(createTestContext({ credentials: dingtalk.auth.parse(robot({ accessToken: 'x' })) }))).rejects.toMatchObject({ code: 'dingtalk_300001' });
  });
});

describe('work notifications', () => {
  const notice = { userIds: ['u1', 'u2', 'u3', 'ghost'], msg: { msgtype: 'action_card', action_card: { title: '付款单待审批', markdown: '**¥86,000.00**', single_title: '去审批', single_url: 'https://x' } } };

  it('gets a token once, sends, and reports invalid and forbidden users from getsendresult', async () => {
    const context = createTestContext({ credentials: app() });
    const out = await runAction({ connector: dingtalk, action: action('sendWorkNotice'), context, input: notice });
    expect(out).toMatchObject({ taskId: expect.any(String), result: { invalidUsers: ['ghost'], forbiddenUsers: ['u3'], unreadUsers: ['u1', 'u2'] } });
    await runAction({ connector: dingtalk, action: action('sendWorkNotice'), context, input: { ...notice, checkResult: false } });
    expect(sim.state.callCounts['gettoken']).toBe(1);
    expect(sim.state.notices[0]?.body).toMatchObject({ agent_id: 42, userid_list: 'u1,u2,u3,ghost', to_all_user: false, msg: { msgtype: 'action_card' } });
  });

  it('the cached token is renewed 5 minutes before DingTalk’s expires_in, without a failed call', async () => {
    let now = 1_000_000;
    const sessions = createSessionStore({ now: () => now });
    const context = createTestContext({ credentials: app(), sessions });
    await runAction({ connector: dingtalk, action: action('sendWorkNotice'), context, input: { ...notice, checkResult: false } });
    now += 7200_000 - 5 * 60_000 - 1;
    await runAction({ connector: dingtalk, action: action('sendWorkNotice'), context, input: { ...notice, checkResult: false } });
    expect(sim.state.callCounts['gettoken']).toBe(1);
    now += 1;
    await runAction({ connector: dingtalk, action: action('sendWorkNotice'), context, input: { ...notice, checkResult: false } });
    expect(sim.state.callCounts['gettoken']).toBe(2);
    expect(sim.state.notices).toHaveLength(3);
  });

  it('an expired token (42001) is refreshed and the call replayed once', async () => {
    const context = createTestContext({ credentials: app() });
    await runAction({ connector: dingtalk, action: action('sendWorkNotice'), context, input: { ...notice, checkResult: false } });
    for (const record of sim.state.tokens.values()) record.expiresAt = 0;
    await runAction({ connector: dingtalk, action: action('sendWorkNotice'), context, input: notice });
    expect(sim.state.callCounts['gettoken']).toBe(2);
    expect(sim.state.notices).toHaveLength(2);
  });

  it('an invalid token twice in a row stays an error (one replay only)', async () => {
    const context = createTestContext({ credentials: app() });
    sim.state.faults.push({ target: 'asyncsend', kind: 'errcode', errcode: 40014, errmsg: '不合法的access_token', times: 2 });
    expect(await failure(runAction({ connector: dingtalk, action: action('sendWorkNotice'), context, input: notice }))).toMatchObject({ code: 'dingtalk_40014' });
    expect(sim.state.callCounts['asyncsend']).toBe(2);
  });

  it('wrong appSecret: 40096, not retryable; testConnection says so', async () => {
    const context = createTestContext({ credentials: app({ appSecret: 'bad' }) });
    expect(await failure(runAction({ connector: dingtalk, action: action('sendWorkNotice'), context, input: notice }))).toMatchObject({ code: 'dingtalk_40096', retryable: false });
    await expect(dingtalk.testConnection?.(createTestContext({ credentials: dingtalk.auth.parse(app({ appSecret: 'bad' })) }))).rejects.toThrow(/appKey or appSecret/);
    const ok = await dingtalk.testConnection?.(createTestContext({ credentials: dingtalk.auth.parse(app()) }));
    expect(ok?.detail).toMatch(/gettoken succeeded/);
  });

  it('the robot camelCase actionCard is refused for a work notice (schema)', async () => {
    const context = createTestContext({ credentials: app() });
    const input = { userIds: ['u1'], msg: { msgtype: 'actionCard', actionCard: { title: 't', text: 'x', singleTitle: 'a', singleURL: 'b' } } };
    expect(await failure(runAction({ connector: dingtalk, action: action('sendWorkNotice'), context, input }))).toMatchObject({ code: 'invalid_input' });
    expect(sim.state.notices).toHaveLength(0);
  });
});
