import type { PrismaClient } from '@qiao/db';
import { hashPassword } from '@qiao/runtime';

interface FirstAdminArgs {
  username: string;
  password: string | undefined;
  logger: { info(obj: object, msg?: string): void; warn(obj: object, msg?: string): void };
}

/**
 * A production installation has no demo users; the first admin comes from QIAO_ADMIN_PASSWORD when
 * the database holds no user at all. Everything else (users, API keys, connections) is then made
 * by that admin through the API.
 *
 * Safe when several server processes start at once (SERVER_PROCESSES, or several hosts): all may see
 * no users, but the insert skips a user name that exists, so one admin is made and nobody fails.
 */
export async function ensureFirstAdmin(prisma: PrismaClient, { username, password, logger }: FirstAdminArgs): Promise<void> {
  if ((await prisma.user.count()) > 0) return;
  if (!password) {
    logger.warn({}, 'No users exist. Set QIAO_ADMIN_PASSWORD (12+ characters) and restart to create the first admin.');
    return;
  }
  const created = await prisma.user.createMany({ data: [{ username, displayName: username, roles: ['admin'], passwordHash: await hashPassword(password) }], skipDuplicates: true });
  if (created.count > 0) logger.info({ username }, 'first admin created from QIAO_ADMIN_PASSWORD');
}
