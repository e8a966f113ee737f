import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closePublishers } from '@qiao/connectors';
import { hashPassword, recordConnectionError, RECENT_ERRORS_KEPT } from '@qiao/runtime';
import { startHarness, type Harness } from '../test-support/harness';

let h: Harness;
const SECRET = 'Broker-Secret-42';

beforeAll(async () => {
  h = await startHarness();
  await h.db.prisma.user.create({ data: { username: 'ada', displayName: 'Ada', roles: ['designer'], passwordHash: await hashPassword('correct horse') } });
  await h.db.prisma.user.create({ data: { username: 'otto', displayName: 'Otto', roles: ['operator'], passwordHash: await hashPassword('operator pw') } });
  await h.db.prisma.user.create({ data: { username: 'fin', displayName: 'Fin', roles: ['finance'], passwordHash: await hashPassword('finance pw') } });
});
afterAll(async () => {
  await closePublishers();
  await h?.close();
});

async function session(username: string, password: string): Promise<string> {
  const res = await h.app.inject({ method: 'POST', url: '/trpc/auth.login', headers: { 'content-type': 'application/json' }, payload: { username, password } });
  const raw = res.headers['set-cookie'];
  return (Array.isArray(raw) ? String(raw[0]) : String(raw)).split(';')[0] ?? '';
}

const call = (cookie: string, path: string, payload: Record<string, unknown>) => h.app.inject({ method: 'POST', url: `/trpc/${path}`, headers: { cookie, 'content-type': 'application/json' }, payload });
const query = (cookie: string, path: string, input: unknown) => h.app.inject({ method: 'GET', url: `/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`, headers: { cookie } });

interface ErrorRow { at: string; source: string; code: string; message: string; runId: string | null; nodeId: string | null }

describe('connections: last used and recent errors', () => {
  it('a failed test says what failed and joins the recent errors; a passing one sets last used; no secret is ever returned', async () => {
    const designer = await session('ada', 'correct horse');
    const created = await call(designer, 'connections.create', { name: 'meters', connectorId: 'mqtt', credentials: { brokerUrl: 'mqtt://127.0.0.1:1', username: 'meter', password: SECRET, subscriptions: 'plant/+/energy 1' } });
    expect(created.statusCode).toBe(200);
    const id = created.json<{ result: { data: { id: string } } }>().result.data.id;

    const failed = await call(designer, 'connections.test', { id });
    expect(failed.json()).toMatchObject({ result: { data: { ok: false, code: 'network', detail: expect.stringContaining('127.0.0.1:1 refused the connection') } } });

    const operator = await session('otto', 'operator pw');
    const errors = await query(operator, 'connections.recentErrors', { id });
    expect(errors.statusCode).toBe(200);
    const rows = errors.json<{ result: { data: ErrorRow[] } }>().result.data;
    expect(rows).toEqual([expect.objectContaining({ source: 'test', code: 'network', message: expect.stringContaining('refused the connection'), runId: null })]);
    const listed = await query(operator, 'connections.list', undefined);
    expect(listed.json()).toMatchObject({ result: { data: [{ id, recentErrorCount: 1, lastError: expect.stringContaining('refused'), lastUsedAt: null, summary: { brokerUrl: 'mqtt://127.0.0.1:1', username: 'meter' } }] } });
    for (const body of [created.body, failed.body, errors.body, listed.body]) expect(body).not.toContain(SECRET);

    // Point it at the machine's Mosquitto (the password must be entered again with the new URL).
    const moved = await call(designer, 'connections.update', { id, credentials: { brokerUrl: 'mqtt://127.0.0.1:1883', password: SECRET } });
    expect(moved.statusCode).toBe(200);
    const passed = await call(designer, 'connections.test', { id });
    expect(passed.json()).toMatchObject({ result: { data: { ok: true, detail: expect.stringContaining('Connected to 127.0.0.1:1883') } } });
    const after = await query(operator, 'connections.list', undefined);
    expect(after.json()).toMatchObject({ result: { data: [{ id, lastError: null, lastUsedAt: expect.any(String) }] } });
  });

  it('keeps only the most recent errors, newest first, with the run and node of failed steps; finance may not read them', async () => {
    const connection = await h.db.prisma.connection.create({ data: { name: 'erp errors', connectorId: 'http', secret: h.services.box.sealJson({ type: 'none' }) } });
    for (let i = 1; i <= RECENT_ERRORS_KEPT + 5; i += 1) {
      await recordConnectionError(h.db.prisma, { connectionId: connection.id, source: 'step', nodeId: `node-${i}`, attempt: 1, code: 'http_503', message: `attempt ${i} failed` });
    }
    const operator = await session('otto', 'operator pw');
    const rows = (await query(operator, 'connections.recentErrors', { id: connection.id })).json<{ result: { data: ErrorRow[] } }>().result.data;
    expect(rows).toHaveLength(RECENT_ERRORS_KEPT);
    expect(rows[0]).toMatchObject({ source: 'step', nodeId: `node-${RECENT_ERRORS_KEPT + 5}`, message: `attempt ${RECENT_ERRORS_KEPT + 5} failed` });
    expect(await h.db.prisma.connectionError.count({ where: { connectionId: connection.id } })).toBe(RECENT_ERRORS_KEPT);

    const finance = await session('fin', 'finance pw');
    expect((await query(finance, 'connections.recentErrors', { id: connection.id })).statusCode).toBe(403);
    const missing = await query(operator, 'connections.recentErrors', { id: '00000000-0000-4000-8000-000000000000' });
    expect(missing.statusCode).toBe(404);
    const malformed = await query(operator, 'connections.recentErrors', { id: 'nope' });
    expect(malformed.statusCode).toBe(400);
  });
});
