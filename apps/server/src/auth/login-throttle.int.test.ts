import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '@qiao/runtime';
import { startHarness, type Harness } from '../test-support/harness';
import { LoginThrottle } from './login-throttle';

// Two server instances of one deployment: same database, same Redis prefix, separate processes' worth of state.
let a: Harness;
let b: Harness;

beforeAll(async () => {
  a = await startHarness();
  b = await startHarness({ sharedWith: a });
  for (const username of ['mallory', 'trudy']) {
    await a.db.prisma.user.create({ data: { username, displayName: username, roles: ['operator'], passwordHash: await hashPassword('the real one') } });
  }
});
afterAll(async () => {
  await b?.close();
  await a?.close();
});

async function login(h: Harness, username: string, password: string) {
  const res = await h.app.inject({ method: 'POST', url: '/trpc/auth.login', headers: { 'content-type': 'application/json' }, payload: { username, password } });
  return res.statusCode;
}

describe('login throttle across server instances', () => {
  it('counts failures on every instance together: five in all, then 429 on both', async () => {
    const statuses = [];
    for (const h of [a, b, a, b, a]) statuses.push(await login(h, 'mallory', 'guess'));
    expect(statuses).toEqual([401, 401, 401, 401, 401]);
    expect(await login(b, 'mallory', 'guess')).toBe(429);
    expect(await login(a, 'Mallory', 'the real one')).toBe(429);
  });

  it('lets through no more than five of many guesses sent at once', async () => {
    const statuses = await Promise.all(Array.from({ length: 16 }, (_, i) => login(i % 2 === 0 ? a : b, 'trudy', `guess-${i}`)));
    expect(statuses.filter((s) => s === 401)).toHaveLength(5);
    expect(statuses.filter((s) => s === 429)).toHaveLength(11);
  });
});

describe('LoginThrottle', () => {
  const prefix = () => `${a.prefix}:${randomBytes(4).toString('hex')}`;

  it('refuses for as long as the oldest failure stays in the window, then admits again', async () => {
    const throttle = new LoginThrottle({ redis: a.redis, prefix: prefix(), maxPerUser: 2, windowMs: 600 });
    expect((await throttle.admit({ username: 'u', ip: '10.0.0.1' })).allowed).toBe(true);
    expect((await throttle.admit({ username: 'u', ip: '10.0.0.2' })).allowed).toBe(true);
    const refused = await throttle.admit({ username: 'U', ip: '10.0.0.3' });
    expect(refused.allowed).toBe(false);
    expect(refused.allowed ? 0 : refused.retryAfterMs).toBeGreaterThan(0);
    expect(refused.allowed ? 0 : refused.retryAfterMs).toBeLessThanOrEqual(600);
    // Another user name from the same address is not affected.
    expect((await throttle.admit({ username: 'v', ip: '10.0.0.3' })).allowed).toBe(true);
    await new Promise((resolve) => setTimeout(resolve, 650));
    expect((await throttle.admit({ username: 'u', ip: '10.0.0.3' })).allowed).toBe(true);
  });

  it('limits an address over all user names, and a success clears only its user name and its own attempt', async () => {
    const throttle = new LoginThrottle({ redis: a.redis, prefix: prefix(), maxPerUser: 2, maxPerAddress: 3, windowMs: 60_000 });
    const ip = '10.0.0.9';
    expect((await throttle.admit({ username: 'x', ip })).allowed).toBe(true);
    const good = await throttle.admit({ username: 'x', ip });
    if (!good.allowed) throw new Error('expected admission');
    await good.succeeded();
    // x's failure was cleared; the address holds one failure (x's first).
    expect((await throttle.admit({ username: 'x', ip })).allowed).toBe(true);
    expect((await throttle.admit({ username: 'y', ip })).allowed).toBe(true);
    expect((await throttle.admit({ username: 'z', ip })).allowed).toBe(false);
    expect((await throttle.admit({ username: 'z', ip: '10.0.0.10' })).allowed).toBe(true);
  });

  it('keeps throttling, in this process, while Redis does not answer', async () => {
    const dead = new Redis({ port: 1, lazyConnect: true, maxRetriesPerRequest: 0, enableOfflineQueue: false, retryStrategy: () => null });
    const errors: unknown[] = [];
    const throttle = new LoginThrottle({ redis: dead, prefix: prefix(), maxPerUser: 2, windowMs: 60_000, onRedisError: (err) => errors.push(err) });
    try {
      expect((await throttle.admit({ username: 'w', ip: '10.0.1.1' })).allowed).toBe(true);
      const second = await throttle.admit({ username: 'w', ip: '10.0.1.1' });
      expect(second.allowed).toBe(true);
      expect((await throttle.admit({ username: 'w', ip: '10.0.1.1' })).allowed).toBe(false);
      if (second.allowed) await second.succeeded();
      expect((await throttle.admit({ username: 'w', ip: '10.0.1.1' })).allowed).toBe(true);
      expect(errors.length).toBeGreaterThanOrEqual(4);
    } finally {
      dead.disconnect();
    }
  });
});
