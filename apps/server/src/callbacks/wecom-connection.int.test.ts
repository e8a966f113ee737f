import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '@qiao/runtime';
import { createWecomSimulator, DEMO_CALLBACK, DEMO_CORP, type WecomSimulator } from '@qiao/wecom-sim';
import { startHarness, type Harness } from '../test-support/harness';

// The WeCom connection over the API: secrets sealed and never returned, edits that keep them,
// and a connection test that names what is wrong (against the simulator).

let h: Harness;
let sim: WecomSimulator;
let cookie = '';
const agent = DEMO_CORP.apps[0] ?? { agentId: 0, secret: '', name: '' };
const robotKey = DEMO_CORP.robotKeys[0] ?? '';
const SECRETS = [agent.secret, robotKey, DEMO_CALLBACK.token, DEMO_CALLBACK.encodingAesKey];

const trpc = (method: 'GET' | 'POST', path: string, payload?: unknown) =>
  h.app.inject({ method, url: `/trpc/${path}`, headers: { cookie, ...(payload === undefined ? {} : { 'content-type': 'application/json' }) }, ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }) });

beforeAll(async () => {
  h = await startHarness();
  sim = await createWecomSimulator();
  await h.db.prisma.user.create({ data: { username: 'des', displayName: 'Des', roles: ['designer'], passwordHash: await hashPassword('designer pass') } });
  const login = await h.app.inject({ method: 'POST', url: '/trpc/auth.login', headers: { 'content-type': 'application/json' }, payload: { username: 'des', password: 'designer pass' } });
  const raw = login.headers['set-cookie'];
  cookie = String(Array.isArray(raw) ? raw[0] : raw).split(';')[0] ?? '';
});
afterAll(async () => {
  await sim?.close();
  await h?.close();
});

describe('WeCom connections', () => {
  it('describes the form: secret fields masked, the endpoint, the public ones', async () => {
    const res = await trpc('GET', 'connections.connectors');
    const wecom = (res.json() as { result: { data: { id: string; secretFields: string[]; endpointFields: string[]; publicFields: string[]; auth: { properties: Record<string, unknown> } }[] } }).result.data.find((c) => c.id === 'wecom');
    expect(wecom).toMatchObject({ secretFields: ['corpSecret', 'robotKey', 'callbackToken', 'encodingAesKey'], endpointFields: ['baseUrl'], publicFields: ['baseUrl', 'corpId', 'agentId', 'timeoutMs'] });
    expect(Object.keys(wecom?.auth.properties ?? {})).toEqual(['baseUrl', 'corpId', 'agentId', 'corpSecret', 'robotKey', 'callbackToken', 'encodingAesKey', 'timeoutMs']);
  });

  it('stores the secrets sealed, shows only public fields, keeps secrets on edit, and tests precisely', async () => {
    const credentials = { baseUrl: sim.url, corpId: DEMO_CORP.corpId, agentId: agent.agentId, corpSecret: agent.secret, robotKey, callbackToken: DEMO_CALLBACK.token, encodingAesKey: DEMO_CALLBACK.encodingAesKey };
    const created = await trpc('POST', 'connections.create', { name: '企业微信', connectorId: 'wecom', credentials });
    expect(created.statusCode).toBe(200);
    const row = (created.json() as { result: { data: { id: string; summary: unknown } } }).result.data;
    expect(row.summary).toEqual({ baseUrl: sim.url, corpId: DEMO_CORP.corpId, agentId: agent.agentId, timeoutMs: 10_000 });
    const listed = await trpc('GET', 'connections.list');
    const stored = await h.db.prisma.connection.findUniqueOrThrow({ where: { id: row.id } });
    for (const secret of SECRETS) {
      expect(created.body).not.toContain(secret);
      expect(listed.body).not.toContain(secret);
      expect(stored.secret).not.toContain(secret);
    }

    const ok = await trpc('POST', 'connections.test', { id: row.id });
    expect(ok.json()).toMatchObject({ result: { data: { ok: true, detail: expect.stringContaining(`/api/callbacks/wecom/${row.id}`) } } });

    // An empty secret keeps the stored one; a wrong one is named by the test.
    expect((await trpc('POST', 'connections.update', { id: row.id, credentials: { corpSecret: '', timeoutMs: 5000 } })).statusCode).toBe(200);
    expect((await trpc('POST', 'connections.test', { id: row.id })).json()).toMatchObject({ result: { data: { ok: true } } });
    await trpc('POST', 'connections.update', { id: row.id, credentials: { corpSecret: 'wrong-secret' } });
    const failed = await trpc('POST', 'connections.test', { id: row.id });
    expect(failed.json()).toMatchObject({ result: { data: { ok: false, code: 'wecom_40001', detail: expect.stringContaining('corpSecret is wrong') } } });
    expect(failed.body).not.toContain('wrong-secret');

    // Moving the connection to another host needs the secrets typed again.
    const moved = await trpc('POST', 'connections.update', { id: row.id, credentials: { baseUrl: 'https://evil.example' } });
    expect(moved.statusCode).toBe(400);
    expect(moved.body).toContain('corpSecret');
  });

  it('refuses incomplete credentials naming the field', async () => {
    const res = await trpc('POST', 'connections.create', { name: 'half', connectorId: 'wecom', credentials: { corpId: DEMO_CORP.corpId, corpSecret: 'x' } });
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('credentials.agentId');
  });
});
