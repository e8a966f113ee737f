import { createCallerFactory } from '../trpc/init';
import { appRouter } from '../trpc/root';
import type { Harness } from './harness';

const createCaller = createCallerFactory(appRouter);

/** tRPC procedures called as an admin, without HTTP (the audit log needs a real user row). */
export async function adminCaller(h: Harness) {
  const user = await h.db.prisma.user.upsert({
    where: { username: 'gateway-admin' },
    create: { username: 'gateway-admin', displayName: 'Gateway admin', roles: ['admin'], passwordHash: 'x' },
    update: {},
  });
  return createCaller({ services: h.services, user: { id: user.id, username: user.username, displayName: user.displayName, roles: ['admin'], sessionId: 'test' }, ip: null, userAgent: null });
}
