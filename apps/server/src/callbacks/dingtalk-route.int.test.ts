import { createHash } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { canonicalJson, compile } from '@qiao/flow';
import { nodeTypeRegistry } from '@qiao/connectors';
import type { Prisma } from '@qiao/db';
import { createSimulator, type Simulator } from '@qiao/dingtalk-sim';
import { startHarness, type Harness } from '../test-support/harness';
import { dingtalkCallbackRequest } from './dingtalk-testing';

const AES_KEY = 'Qiao0dingtalk0callback0test0key0abcdefghijk';
const TOKEN = 'callback-token';
const APP_KEY = 'dingqiaoapp';
const EVENT_TYPE = 'com.qiao.dingtalk.bpms_instance_change';

let harness: Harness;
let sim: Simulator;
let baseUrl = '';
let connectionId = '';
let robotConnectionId = '';

beforeAll(async () => {
  harness = await startHarness();
  sim = await createSimulator();
  await harness.app.listen({ port: 0, host: '127.0.0.1' });
  baseUrl = `http://127.0.0.1:${(harness.app.server.address() as AddressInfo).port}`;
  const { prisma } = harness.db;
  const box = harness.services.box;
  connectionId = (await prisma.connection.create({
    data: { name: 'dingtalk app', connectorId: 'dingtalk', secret: box.sealJson({ kind: 'app', appKey: APP_KEY, appSecret: 's', callbackToken: TOKEN, aesKey: AES_KEY }) },
  })).id;
  robotConnectionId = (await prisma.connection.create({
    data: { name: 'dingtalk robot', connectorId: 'dingtalk', secret: box.sealJson({ kind: 'robot', accessToken: 't' }) },
  })).id;
  const document = {
    schemaVersion: 1, name: 'approval finished', trigger: { eventType: EVENT_TYPE },
    nodes: [{ id: 'notify', type: 'dingtalk.sendRobotMessage', connectionId: robotConnectionId, position: { x: 0, y: 0 }, parameters: { message: { msgtype: 'text', text: { content: { $expr: '"审批完成 " & event.data.title' } } } } }],
    edges: [],
  };
  const compiled = compile(document, nodeTypeRegistry());
  if (!compiled.ok) throw new Error(JSON.stringify(compiled.errors));
  const flow = await prisma.flow.create({ data: { name: 'approval finished', draft: document as Prisma.InputJsonValue, status: 'published', triggerType: EVENT_TYPE, publishedVersion: 1 } });
  await prisma.flowVersion.create({ data: { flowId: flow.id, version: 1, definition: document as Prisma.InputJsonValue, plan: compiled.plan as unknown as Prisma.InputJsonValue, planHash: createHash('sha256').update(canonicalJson(compiled.plan)).digest('hex') } });
});

afterAll(async () => {
  await sim.close();
  await harness.close();
});

const approval = (id: string) => ({ EventType: 'bpms_instance_change', processInstanceId: id, corpId: 'ding-corp', type: 'finish', result: 'agree', title: '付款单 ¥86,000.00', finishTime: 1_700_000_000_000 });
const push = (event: Record<string, unknown>, extra: { tamper?: 'signature' | 'owner'; path?: string } = {}) =>
  sim.pushEvent({ url: `${baseUrl}/api/callbacks/dingtalk/${extra.path ?? connectionId}`, token: TOKEN, aesKey: AES_KEY, ownerKey: APP_KEY, event, ...(extra.tamper ? { tamper: extra.tamper } : {}) });
const counts = async () => ({ events: await harness.db.prisma.event.count(), runs: await harness.db.prisma.run.count() });

describe('POST /api/callbacks/dingtalk/:connectionId', () => {
  it('a valid event: the encrypted success reply, one CloudEvent and one run', async () => {
    const before = await counts();
    const result = await push(approval('PI-1'));
    expect(result).toMatchObject({ status: 200, successReply: true });
    expect(await counts()).toEqual({ events: before.events + 1, runs: before.runs + 1 });
    const event = await harness.db.prisma.event.findFirstOrThrow({ where: { subject: 'PI-1' }, include: { runs: true } });
    expect(event).toMatchObject({ type: EVENT_TYPE, source: `urn:qiao:dingtalk:${connectionId}`, data: { result: 'agree', processInstanceId: 'PI-1' } });
    expect(event.runs).toHaveLength(1);
  });

  it('a redelivery of the same event: success again, nothing new', async () => {
    await push(approval('PI-2'));
    const before = await counts();
    const again = await push(approval('PI-2'));
    expect(again.successReply).toBe(true);
    expect(await counts()).toEqual(before);
  });

  it('check_url: success, nothing published', async () => {
    const before = await counts();
    expect(await push({ EventType: 'check_url' })).toMatchObject({ status: 200, successReply: true });
    expect(await counts()).toEqual(before);
  });

  it('forged signature or another owner: 403, nothing written', async () => {
    const before = await counts();
    expect((await push(approval('PI-3'), { tamper: 'signature' })).status).toBe(403);
    expect((await push(approval('PI-4'), { tamper: 'owner' })).status).toBe(403);
    expect(await counts()).toEqual(before);
  });

  it('bad requests get problem details naming the field; unknown or non-app connections 404', async () => {
    const before = await counts();
    const valid = dingtalkCallbackRequest({ connectionId, token: TOKEN, aesKey: AES_KEY, ownerKey: APP_KEY, event: approval('PI-5') });
    const noSignature = await harness.app.inject({ ...valid, query: { timestamp: valid.query['timestamp'] ?? '', nonce: valid.query['nonce'] ?? '' } });
    expect(noSignature.statusCode).toBe(400);
    expect(noSignature.json()).toMatchObject({ errors: [{ path: 'signature' }] });
    expect((await harness.app.inject({ ...valid, payload: '{"encrypt": 5}' })).statusCode).toBe(400);
    expect((await harness.app.inject({ ...valid, payload: '{not json' })).statusCode).toBe(400);
    expect((await harness.app.inject({ ...valid, payload: 'x'.repeat(300 * 1024) })).statusCode).toBe(413);
    expect((await harness.app.inject({ ...valid, url: `/api/callbacks/dingtalk/${robotConnectionId}` })).statusCode).toBe(404);
    expect((await harness.app.inject({ ...valid, url: '/api/callbacks/dingtalk/not-a-uuid' })).statusCode).toBe(404);
    expect((await harness.app.inject({ ...valid, url: '/api/callbacks/dingtalk/00000000-0000-4000-8000-000000000000' })).statusCode).toBe(404);
    // A correctly signed and encrypted body that is not an event.
    const notJson = dingtalkCallbackRequest({ connectionId, token: TOKEN, aesKey: AES_KEY, ownerKey: APP_KEY, event: { noType: true } });
    expect((await harness.app.inject(notJson)).statusCode).toBe(400);
    expect(await counts()).toEqual(before);
    // The unmodified request is accepted (the helper builds a valid one).
    const ok = await harness.app.inject(valid);
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ msg_signature: expect.any(String), timeStamp: expect.any(String), nonce: expect.any(String), encrypt: expect.any(String) });
  });
});
