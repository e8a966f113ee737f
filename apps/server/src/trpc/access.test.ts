import { TRPCError } from '@trpc/server';
import { describe, expect, it } from 'vitest';
import type { Role } from '@qiao/db';
import type { Context, Services } from './context';
import { createCallerFactory, type Meta } from './init';
import { ALL_ROLES } from './roles';
import { appRouter } from './root';

// Procedures are refused before they touch a service, so the services here are never reached.
const unreachable = new Proxy({}, { get: () => { throw new Error('a refused call reached a service'); } }) as Services;

function ctx(roles: Role[] | null): Context {
  return {
    services: unreachable,
    user: roles ? { id: '00000000-0000-4000-8000-000000000000', username: 'probe', displayName: 'probe', roles, sessionId: 's' } : null,
    ip: '127.0.0.1',
    userAgent: 'test',
  };
}

type AnyCaller = Record<string, unknown>;

function callByPath(caller: AnyCaller, path: string): Promise<unknown> {
  let target: unknown = caller;
  for (const part of path.split('.')) target = (target as AnyCaller)[part];
  return (target as (input: unknown) => Promise<unknown>)({});
}

const procedures = Object.entries(appRouter._def.procedures as unknown as Record<string, { _def: { meta?: Meta } }>);
const createCaller = createCallerFactory(appRouter);

describe('every tRPC procedure declares who may call it', () => {
  it('has procedures to check', () => {
    expect(procedures.length).toBeGreaterThan(20);
  });

  it('only login is public', () => {
    const publicOnes = procedures.filter(([, p]) => p._def.meta?.access && 'public' in p._def.meta.access).map(([path]) => path);
    expect(publicOnes).toEqual(['auth.login']);
    for (const [path, p] of procedures) expect(p._def.meta?.access, `${path} declares access`).toBeDefined();
  });

  for (const [path, p] of procedures) {
    const access = p._def.meta?.access;
    if (!access || 'public' in access) continue;
    const lacking = ALL_ROLES.filter((r) => !access.roles.includes(r));

    it(`${path} refuses anonymous callers`, async () => {
      await expect(callByPath(createCaller(ctx(null)) as AnyCaller, path)).rejects.toMatchObject({ code: 'UNAUTHORIZED' });
    });

    if (lacking.length > 0) {
      it(`${path} refuses a user holding only [${lacking.join(', ')}]`, async () => {
        const err = await callByPath(createCaller(ctx(lacking)) as AnyCaller, path).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(TRPCError);
        expect((err as TRPCError).code).toBe('FORBIDDEN');
      });
    }
  }
});
