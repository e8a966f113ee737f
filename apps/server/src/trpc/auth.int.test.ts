import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '@qiao/runtime';
import { startHarness, type Harness } from '../test-support/harness';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
  await h.db.prisma.user.create({ data: { username: 'ada', displayName: 'Ada', roles: ['designer'], passwordHash: await hashPassword('correct horse') } });
  await h.db.prisma.user.create({ data: { username: 'root', displayName: 'Root', roles: ['admin'], passwordHash: await hashPassword('admin password') } });
});
afterAll(async () => h?.close());

async function login(username: string, password: string) {
  return h.app.inject({ method: 'POST', url: '/trpc/auth.login', headers: { 'content-type': 'application/json' }, payload: { username, password } });
}

function cookieOf(res: { headers: Record<string, unknown> }): string {
  const raw = res.headers['set-cookie'];
  const first = Array.isArray(raw) ? String(raw[0]) : String(raw);
  return first.split(';')[0] ?? '';
}

describe('login over tRPC', () => {
  it('sets an httpOnly, SameSite=Strict session cookie that opens the session; logout closes it', async () => {
    const res = await login('ada', 'correct horse');
    expect(res.statusCode).toBe(200);
    const setCookie = String(res.headers['set-cookie']);
    expect(setCookie).toMatch(/^qiao_session=/);
    expect(setCookie).toMatch(/HttpOnly/i);
    expect(setCookie).toMatch(/SameSite=Strict/i);
    const cookie = cookieOf(res);
    const me = await h.app.inject({ method: 'GET', url: '/trpc/auth.me', headers: { cookie } });
    expect(me.json()).toMatchObject({ result: { data: { username: 'ada', roles: ['designer'] } } });
    // The database holds a hash of the token, never the token.
    const token = cookie.split('=')[1] ?? '';
    expect(await h.db.prisma.session.count({ where: { id: token } })).toBe(0);

    const out = await h.app.inject({ method: 'POST', url: '/trpc/auth.logout', headers: { cookie, 'content-type': 'application/json' }, payload: {} });
    expect(out.statusCode).toBe(200);
    const after = await h.app.inject({ method: 'GET', url: '/trpc/auth.me', headers: { cookie } });
    expect(after.statusCode).toBe(401);
  });

  it('refuses a wrong password with 401, a clear message, and an audit entry', async () => {
    const res = await login('ada', 'wrong');
    expect(res.statusCode).toBe(401);
    expect(res.json<{ error: { message: string } }>().error.message).toContain('Wrong user name or password');
    expect(await h.db.prisma.auditLog.count({ where: { action: 'auth.login_failed' } })).toBeGreaterThan(0);
  });

  it('names the field when input is malformed', async () => {
    const res = await login('', 'x');
    expect(res.statusCode).toBe(400);
    expect(res.json<{ error: { message: string; data: { issues: { path: string }[] } } }>().error.data.issues[0]?.path).toBe('username');
  });

  it('refuses further attempts with 429 after five failures for one user', async () => {
    await h.db.prisma.user.create({ data: { username: 'eve', displayName: 'Eve', roles: ['operator'], passwordHash: await hashPassword('the real one') } });
    const statuses = [];
    for (let i = 0; i < 6; i += 1) statuses.push((await login('eve', `guess-${i}`)).statusCode);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429]);
    expect((await login('eve', 'the real one')).statusCode).toBe(429);
  });

  it('refuses a designer an admin procedure with 403', async () => {
    const cookie = cookieOf(await login('ada', 'correct horse'));
    const res = await h.app.inject({ method: 'GET', url: '/trpc/users.list', headers: { cookie } });
    expect(res.statusCode).toBe(403);
  });
});

describe('connections keep their secrets', () => {
  it('stores credentials encrypted and never returns them', async () => {
    const cookie = cookieOf(await login('root', 'admin password'));
    const credentials = { serverUrl: 'http://127.0.0.1:1/k3cloud/', acctId: 'A1', username: 'u', authType: 'password', password: 'TopSecret-123' };
    const created = await h.app.inject({ method: 'POST', url: '/trpc/connections.create', headers: { cookie, 'content-type': 'application/json' }, payload: { name: 'erp', connectorId: 'kingdee', credentials } });
    expect(created.statusCode).toBe(200);
    const listed = await h.app.inject({ method: 'GET', url: '/trpc/connections.list', headers: { cookie } });
    expect(listed.body).not.toContain('TopSecret-123');
    expect(created.body).not.toContain('TopSecret-123');
    expect(listed.json()).toMatchObject({ result: { data: [{ name: 'erp', summary: { acctId: 'A1', username: 'u' } }] } });
    const row = await h.db.prisma.connection.findFirstOrThrow({ where: { name: 'erp' } });
    expect(row.secret).not.toContain('TopSecret');
    expect(h.services.box.openJson(row.secret)).toMatchObject({ password: 'TopSecret-123' });

    const bad = await h.app.inject({ method: 'POST', url: '/trpc/connections.create', headers: { cookie, 'content-type': 'application/json' }, payload: { name: 'bad', connectorId: 'kingdee', credentials: { serverUrl: 'not a url' } } });
    expect(bad.statusCode).toBe(400);
    expect(bad.json<{ error: { message: string } }>().error.message).toMatch(/credentials\.serverUrl/);

    // Moving the connection to another host without re-entering the password is refused: stored secrets never follow a new URL.
    const moved = await h.app.inject({ method: 'POST', url: '/trpc/connections.update', headers: { cookie, 'content-type': 'application/json' }, payload: { id: row.id, credentials: { serverUrl: 'http://evil.example/k3cloud/' } } });
    expect(moved.statusCode).toBe(400);
    expect(moved.json<{ error: { message: string } }>().error.message).toContain('Re-enter password');
    const renamed = await h.app.inject({ method: 'POST', url: '/trpc/connections.update', headers: { cookie, 'content-type': 'application/json' }, payload: { id: row.id, credentials: { username: 'u2' } } });
    expect(renamed.statusCode).toBe(200);
    expect(h.services.box.openJson((await h.db.prisma.connection.findFirstOrThrow({ where: { id: row.id } })).secret)).toMatchObject({ username: 'u2', password: 'TopSecret-123' });

    const limited = await h.app.inject({ method: 'POST', url: '/trpc/connections.update', headers: { cookie, 'content-type': 'application/json' }, payload: { id: row.id, settings: { rateLimitPerSecond: 8 } } });
    expect(limited.json()).toMatchObject({ result: { data: { settings: { rateLimitPerSecond: 8 } } } });
    const unlimited = await h.app.inject({ method: 'POST', url: '/trpc/connections.update', headers: { cookie, 'content-type': 'application/json' }, payload: { id: row.id, settings: { rateLimitPerSecond: null } } });
    expect(unlimited.json()).toMatchObject({ result: { data: { settings: {} } } });
    const tooFast = await h.app.inject({ method: 'POST', url: '/trpc/connections.update', headers: { cookie, 'content-type': 'application/json' }, payload: { id: row.id, settings: { rateLimitPerSecond: 0 } } });
    expect(tooFast.statusCode).toBe(400);

    const tested = await h.app.inject({ method: 'POST', url: '/trpc/connections.test', headers: { cookie, 'content-type': 'application/json' }, payload: { id: row.id } });
    expect(tested.json()).toMatchObject({ result: { data: { ok: false } } });
    expect(tested.body).not.toContain('TopSecret-123');
  });
});
