import { afterEach, describe, expect, it } from 'vitest';
import { runAction } from '../kit/run-action';
import { createTestContext, sendJson, startTestServer, type TestServer } from '../kit/testing';
import { wecom } from './index';

// Answers WeCom gives that the simulator never does: errcode 0 with every recipient listed as invalid.

let server: TestServer | undefined;
afterEach(async () => server?.close());

const action = wecom.actions.find((a) => a.id === 'sendAppMessage');
if (!action) throw new Error('sendAppMessage is missing');

async function send(answer: Record<string, unknown>, input: Record<string, unknown>) {
  server = await startTestServer((request, response) => {
    if (request.url.startsWith('/cgi-bin/gettoken')) return sendJson(response, 200, { errcode: 0, errmsg: 'ok', access_token: 'T', expires_in: 7200 });
    return sendJson(response, 200, answer);
  });
  const ctx = createTestContext({ credentials: { baseUrl: server.url, corpId: 'ww1', agentId: 1, corpSecret: 's' } });
  return runAction({ connector: wecom, action: action as NonNullable<typeof action>, context: ctx, input });
}

describe('sendAppMessage answers', () => {
  it('fails, without retry, when WeCom accepted the call but refused every recipient', async () => {
    const failure = await send({ errcode: 0, errmsg: 'ok', invaliduser: 'a|b', invalidparty: '9', msgid: 'm' }, { msgtype: 'text', content: 'x', touser: ['a', 'b'], toparty: ['9'] }).catch((e: unknown) => e);
    expect(failure).toMatchObject({ code: 'all_recipients_invalid', retryable: false });
  });

  it('succeeds for @all and when some recipients remain, reading lists and response_code', async () => {
    expect(await send({ errcode: 0, errmsg: 'ok', msgid: 'm1', invaliduser: 'ghost' }, { msgtype: 'text', content: 'x', touser: ['@all', 'ghost'] })).toMatchObject({ msgid: 'm1', invaliduser: ['ghost'] });
    await server?.close();
    expect(await send({ errcode: 0, errmsg: 'ok', msgid: 'm2', unlicenseduser: 'u9', response_code: 'rc' }, { msgtype: 'text', content: 'x', touser: ['u9'] })).toEqual({
      msgid: 'm2', invaliduser: [], invalidparty: [], invalidtag: [], unlicenseduser: ['u9'], responseCode: 'rc',
    });
  });

  it('refreshes once on 42001 and gives up with a retryable error if the new token is refused too', async () => {
    const failure = await send({ errcode: 42001, errmsg: 'access_token expired' }, { msgtype: 'text', content: 'x', touser: ['a'] }).catch((e: unknown) => e);
    expect(failure).toMatchObject({ code: 'wecom_42001', retryable: true });
    const calls = server?.requests.map((r) => r.url.split('?')[0]) ?? [];
    expect(calls).toEqual(['/cgi-bin/gettoken', '/cgi-bin/message/send', '/cgi-bin/gettoken', '/cgi-bin/message/send']);
  });

  it('treats a non-JSON or non-object answer as a bad response', async () => {
    server = await startTestServer((request, response) => {
      if (request.url.startsWith('/cgi-bin/gettoken')) return sendJson(response, 200, { errcode: 0, access_token: 'T', expires_in: 7200 });
      response.end('<html>gateway</html>');
    });
    const ctx = createTestContext({ credentials: { baseUrl: server.url, corpId: 'ww1', agentId: 1, corpSecret: 's' } });
    await expect(runAction({ connector: wecom, action: action as NonNullable<typeof action>, context: ctx, input: { msgtype: 'text', content: 'x', touser: ['a'] } })).rejects.toMatchObject({ code: 'bad_response', retryable: false });
  });
});
