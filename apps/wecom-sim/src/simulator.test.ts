import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { decrypt, sign } from './crypto';
import { DEMO_CALLBACK, DEMO_CORP } from './seed';
import { createWecomSimulator, type WecomSimulator } from './simulator';

// The simulator's own protocol tests, with a plain fetch client (it shares no code with Qiao).

let sim: WecomSimulator;
const [app, other] = DEMO_CORP.apps;
const robotKey = DEMO_CORP.robotKeys[0] ?? '';
type Json = Record<string, unknown>;

async function call(method: string, path: string, body?: unknown): Promise<Json> {
  const response = await fetch(`${sim.url}${path}`, { method, ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }) });
  return (await response.json()) as Json;
}

async function token(secret = app?.secret ?? ''): Promise<string> {
  const answer = await call('GET', `/cgi-bin/gettoken?corpid=${DEMO_CORP.corpId}&corpsecret=${encodeURIComponent(secret)}`);
  return String(answer['access_token']);
}

const send = async (body: Json, accessToken?: string) => call('POST', `/cgi-bin/message/send?access_token=${accessToken ?? (await token())}`, body);
const text = (extra: Json = {}) => ({ msgtype: 'text', agentid: app?.agentId, touser: 'zhangsan', text: { content: 'hello' }, ...extra });

beforeAll(async () => {
  sim = await createWecomSimulator();
});
afterEach(async () => {
  await call('POST', '/__sim/reset');
});
afterAll(async () => sim?.close());

describe('gettoken', () => {
  it('answers the documented errcodes and a long-lived token, the same one while it lives', async () => {
    expect(await call('GET', '/cgi-bin/gettoken?corpsecret=x')).toMatchObject({ errcode: 41002 });
    expect(await call('GET', '/cgi-bin/gettoken?corpid=wrong&corpsecret=x')).toMatchObject({ errcode: 40013 });
    expect(await call('GET', `/cgi-bin/gettoken?corpid=${DEMO_CORP.corpId}`)).toMatchObject({ errcode: 41004 });
    expect(await call('GET', `/cgi-bin/gettoken?corpid=${DEMO_CORP.corpId}&corpsecret=wrong`)).toMatchObject({ errcode: 40001 });
    const first = await call('GET', `/cgi-bin/gettoken?corpid=${DEMO_CORP.corpId}&corpsecret=${app?.secret}`);
    expect(first).toMatchObject({ errcode: 0, errmsg: 'ok', expires_in: 7200 });
    expect(String(first['access_token']).length).toBeGreaterThan(100);
    expect(await token()).toBe(first['access_token']);
    expect(await token(other?.secret)).not.toBe(first['access_token']);
  });

  it('expires and invalidates tokens on request (42001, then 40014)', async () => {
    const t = await token();
    await call('POST', '/__sim/tokens/expire');
    expect(await send(text(), t)).toMatchObject({ errcode: 42001 });
    const fresh = await token();
    expect(fresh).not.toBe(t);
    await call('POST', '/__sim/tokens/invalidate');
    expect(await send(text(), fresh)).toMatchObject({ errcode: 40014 });
    expect(await call('POST', '/cgi-bin/message/send', text())).toMatchObject({ errcode: 41001 });
  });
});

describe('message/send', () => {
  it('validates the body', async () => {
    const t = await token();
    expect(await send('{not json' as unknown as Json, t)).toMatchObject({ errcode: 47001 });
    expect(await send(text({ agentid: 999 }), t)).toMatchObject({ errcode: 40056 });
    expect(await send(text({ agentid: other?.agentId }), t)).toMatchObject({ errcode: 301002 });
    expect(await send(text({ msgtype: 'fax' }), t)).toMatchObject({ errcode: 40008 });
    expect(await send(text({ text: { content: '' } }), t)).toMatchObject({ errcode: 44004 });
    expect(await send(text({ text: { content: 'x'.repeat(2049) } }), t)).toMatchObject({ errcode: 45002 });
    expect(await send(text({ touser: '' }), t)).toMatchObject({ errcode: 82001 });
    expect(await send({ msgtype: 'textcard', agentid: app?.agentId, touser: 'lisi', textcard: { title: 't' } }, t)).toMatchObject({ errcode: 40058 });
    expect(sim.state.appMessages).toHaveLength(0);
  });

  it('reports invalid recipients, and fails with 81013 when all are invalid', async () => {
    const t = await token();
    const partial = await send(text({ touser: 'zhangsan|ghost', toparty: '1|99', totag: '5' }), t);
    expect(partial).toMatchObject({ errcode: 0, invaliduser: 'ghost', invalidparty: '99', invalidtag: '5' });
    expect(await send(text({ touser: 'ghost', toparty: '99' }), t)).toMatchObject({ errcode: 81013, invaliduser: 'ghost', invalidparty: '99' });
  });

  it('drops a repeat within the duplicate check interval, and only with the check on', async () => {
    const t = await token();
    const first = await send(text({ enable_duplicate_check: 1, duplicate_check_interval: 60 }), t);
    const second = await send(text({ enable_duplicate_check: 1, duplicate_check_interval: 60 }), t);
    const unchecked = await send(text(), t);
    expect(second['msgid']).toBe(first['msgid']);
    expect(unchecked['msgid']).not.toBe(first['msgid']);
    expect(sim.state.appMessages.map((m) => m.deliveredTo.length)).toEqual([1, 0, 1]);
  });

  it('silently drops messages over the per-member limit, as WeCom does', async () => {
    await call('PUT', '/__sim/faults', { memberPerMinute: 2 });
    const t = await token();
    const answers = [await send(text({ text: { content: '1' } }), t), await send(text({ text: { content: '2' } }), t), await send(text({ text: { content: '3' } }), t)];
    expect(answers.map((a) => a['errcode'])).toEqual([0, 0, 0]);
    expect(sim.state.appMessages.map((m) => m.droppedFor)).toEqual([[], [], ['zhangsan']]);
  });

  it('answers 45009 over the per-app API limit', async () => {
    await call('PUT', '/__sim/faults', { appApiPerMinute: 1 });
    const t = await token();
    expect(await send(text(), t)).toMatchObject({ errcode: 0 });
    expect(await send(text({ text: { content: 'again' } }), t)).toMatchObject({ errcode: 45009 });
  });
});

describe('group robot', () => {
  const robot = (body: unknown, key = robotKey) => call('POST', `/cgi-bin/webhook/send?key=${key}`, body);

  it('checks the key first, then the message, then the 20-per-minute limit', async () => {
    expect(await robot({ msgtype: 'text', text: { content: 'x' } }, 'wrong')).toMatchObject({ errcode: 93000 });
    expect(await robot({})).toMatchObject({ errcode: 40008 });
    expect(await robot({ msgtype: 'template_card', template_card: { card_type: 'text_notice' } })).toMatchObject({ errcode: 40058 });
    for (let i = 0; i < 20; i += 1) expect(await robot({ msgtype: 'markdown', markdown: { content: `#${i}` } })).toEqual({ errcode: 0, errmsg: 'ok' });
    expect(await robot({ msgtype: 'text', text: { content: 'one too many' } })).toMatchObject({ errcode: 45009 });
    expect(sim.state.robotMessages).toHaveLength(20);
  });
});

describe('control API', () => {
  it('injects errcodes and HTTP failures for the next calls, and refuses bad fault settings', async () => {
    await call('PUT', '/__sim/faults', { failNext: [{ path: 'gettoken', errcode: -1, count: 2 }, { path: 'webhook/send', httpStatus: 502 }] });
    expect(await call('GET', `/cgi-bin/gettoken?corpid=${DEMO_CORP.corpId}&corpsecret=${app?.secret}`)).toMatchObject({ errcode: -1 });
    expect(await call('GET', `/cgi-bin/gettoken?corpid=${DEMO_CORP.corpId}&corpsecret=${app?.secret}`)).toMatchObject({ errcode: -1 });
    expect(await call('GET', `/cgi-bin/gettoken?corpid=${DEMO_CORP.corpId}&corpsecret=${app?.secret}`)).toMatchObject({ errcode: 0 });
    const response = await fetch(`${sim.url}/cgi-bin/webhook/send?key=${robotKey}`, { method: 'POST', body: '{}' });
    expect(response.status).toBe(502);
    const bad = await fetch(`${sim.url}/__sim/faults`, { method: 'PUT', body: JSON.stringify({ latencyMs: -1 }) });
    expect(bad.status).toBe(400);
  });
});

describe('callbacks', () => {
  let receiver: Server;
  const received: { url: URL; body: string }[] = [];

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://x');
        received.push({ url, body });
        // Behaves like a correct receiver for URL verification.
        const echostr = url.searchParams.get('echostr');
        res.end(echostr ? decrypt(DEMO_CALLBACK.encodingAesKey, echostr).message : '');
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  });
  afterAll(() => new Promise<void>((resolve) => receiver.close(() => resolve())));

  const target = () => ({ url: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/cb`, ...DEMO_CALLBACK });

  it('refuses to send before a target is configured', async () => {
    const response = await fetch(`${sim.url}/__sim/callbacks/send`, { method: 'POST', body: JSON.stringify({ event: { MsgType: 'event', Event: 'x' } }) });
    expect(response.status).toBe(409);
  });

  it('signs and encrypts events as documented, and forges them on request', async () => {
    await call('PUT', '/__sim/callback', target());
    const result = await call('POST', '/__sim/callbacks/approval-change', { spNo: 'SP-1' });
    expect(result).toMatchObject({ status: 200 });
    const last = received.at(-1);
    const encrypted = /<Encrypt><!\[CDATA\[([^\]]+)\]\]><\/Encrypt>/.exec(last?.body ?? '')?.[1] ?? '';
    const q = last?.url.searchParams;
    expect(q?.get('msg_signature')).toBe(sign(DEMO_CALLBACK.token, q?.get('timestamp') ?? '', q?.get('nonce') ?? '', encrypted));
    const opened = decrypt(DEMO_CALLBACK.encodingAesKey, encrypted);
    expect(opened.receiveId).toBe(DEMO_CORP.corpId);
    expect(opened.message).toContain('<Event><![CDATA[sys_approval_change]]></Event>');
    expect(opened.message).toContain('<SpNo><![CDATA[SP-1]]></SpNo>');

    await call('POST', '/__sim/callbacks/send', { event: { MsgType: 'event', Event: 'click' }, tamper: 'receiveid' });
    const forged = received.at(-1);
    const forgedCipher = /<Encrypt><!\[CDATA\[([^\]]+)\]\]>/.exec(forged?.body ?? '')?.[1] ?? '';
    expect(decrypt(DEMO_CALLBACK.encodingAesKey, forgedCipher).receiveId).not.toBe(DEMO_CORP.corpId);
    await call('POST', '/__sim/callbacks/send', { event: { MsgType: 'event', Event: 'click' }, tamper: 'signature' });
    const unsigned = received.at(-1);
    const cipher = /<Encrypt><!\[CDATA\[([^\]]+)\]\]>/.exec(unsigned?.body ?? '')?.[1] ?? '';
    const uq = unsigned?.url.searchParams;
    expect(uq?.get('msg_signature')).not.toBe(sign(DEMO_CALLBACK.token, uq?.get('timestamp') ?? '', uq?.get('nonce') ?? '', cipher));
  });

  it('verifies a callback URL and reports whether the echo came back', async () => {
    await call('PUT', '/__sim/callback', target());
    expect(await call('POST', '/__sim/callbacks/verify-url', {})).toMatchObject({ status: 200, matches: true });
  });
});
