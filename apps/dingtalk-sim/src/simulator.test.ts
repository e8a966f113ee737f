import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decrypt, encrypt, expectedRobotSign, sha1Signature } from './crypto';
import { createSimulator, type Simulator } from './simulator';

// The simulator's control API over HTTP (the connector tests in apps/worker drive its state directly).

let sim: Simulator;
const post = async (path: string, body: unknown) => (await fetch(`${sim.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })).json() as Promise<Record<string, unknown>>;

beforeAll(async () => {
  sim = await createSimulator({ limits: { robotPerWindow: 2 } });
});
afterAll(async () => sim.close());

describe('dingtalk-sim', () => {
  it('configures robots, enforces the window with 410100 and keeps the robot throttled', async () => {
    await post('/__sim/robots', { accessToken: 'r1', secret: 'SECx' });
    const send = async () => {
      const ts = String(Date.now());
      return post(`/robot/send?access_token=r1&timestamp=${ts}&sign=${encodeURIComponent(expectedRobotSign('SECx', ts))}`, { msgtype: 'text', text: { content: 'hi' } });
    };
    expect(await send()).toMatchObject({ errcode: 0 });
    expect(await send()).toMatchObject({ errcode: 0 });
    expect(await send()).toMatchObject({ errcode: 410100 });
    const state = (await (await fetch(`${sim.url}/__sim/state`)).json()) as { robotMessages: unknown[]; robotRejections: { errcode: number }[] };
    expect(state.robotMessages).toHaveLength(2);
    expect(state.robotRejections.map((r) => r.errcode)).toEqual([410100]);
    await post('/__sim/reset', {});
    expect(await send()).toMatchObject({ errcode: 0 });
  });

  it('issues, renews and expires tokens; injects faults', async () => {
    await post('/__sim/apps', { appKey: 'k', appSecret: 's', agentId: 7, users: ['u1'] });
    const token = async () => (await (await fetch(`${sim.url}/gettoken?appkey=k&appsecret=s`)).json()) as { access_token: string; expires_in: number };
    const first = await token();
    expect(first.expires_in).toBe(7200);
    expect((await token()).access_token).toBe(first.access_token);
    expect(await (await fetch(`${sim.url}/gettoken?appkey=k&appsecret=bad`)).json()).toMatchObject({ errcode: 40096 });
    const notice = { agent_id: 7, userid_list: 'u1', msg: { msgtype: 'text', text: { content: 'x' } } };
    expect(await post(`/topapi/message/corpconversation/asyncsend_v2?access_token=${first.access_token}`, notice)).toMatchObject({ errcode: 0 });
    await post('/__sim/tokens/expire', {});
    expect(await post(`/topapi/message/corpconversation/asyncsend_v2?access_token=${first.access_token}`, notice)).toMatchObject({ errcode: 42001 });
    await post('/__sim/faults', { target: 'gettoken', kind: 'http', status: 502 });
    expect((await fetch(`${sim.url}/gettoken?appkey=k&appsecret=s`)).status).toBe(502);
    expect((await token()).access_token).not.toBe(first.access_token);
  });

  it('pushes an encrypted, signed event to a callback URL and checks the encrypted success reply', async () => {
    const aesKey = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
    const received: { query: URLSearchParams; message: string }[] = [];
    const receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        const query = new URL(req.url ?? '/', 'http://x').searchParams;
        const enc = (JSON.parse(body) as { encrypt: string }).encrypt;
        expect(query.get('signature')).toBe(sha1Signature('tok', query.get('timestamp') ?? '', query.get('nonce') ?? '', enc));
        received.push({ query, message: decrypt(aesKey, enc).message });
        const reply = encrypt(aesKey, 'owner', 'success');
        const ts = '1700000000000';
        res.end(JSON.stringify({ msg_signature: sha1Signature('tok', ts, 'n1', reply), timeStamp: ts, nonce: 'n1', encrypt: reply }));
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    try {
      const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/cb`;
      const result = await post('/__sim/callbacks/send', { url, token: 'tok', aesKey, ownerKey: 'owner', event: { EventType: 'check_url' } });
      expect(result).toMatchObject({ status: 200, successReply: true });
      expect(received[0]?.message).toBe('{"EventType":"check_url"}');
      const wrongOwner = await sim.pushEvent({ url, token: 'tok', aesKey, ownerKey: 'someone-else', event: {} });
      expect(wrongOwner).toMatchObject({ successReply: false, replyProblem: expect.stringContaining('owner') as string });
    } finally {
      await new Promise((r) => receiver.close(r));
    }
  });
});
