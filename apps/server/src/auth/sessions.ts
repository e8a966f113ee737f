import { createHash, randomBytes } from 'node:crypto';
import type { PrismaClient } from '@qiao/db';
import type { SessionUser } from '../trpc/context';

/** The cookie holds a random token; the database holds only its SHA-256, so a dump cannot be replayed. */
export function sessionId(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

export async function createSession(prisma: PrismaClient, args: { userId: string; ttlMs: number; ip: string | null; userAgent: string | null }): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await prisma.session.create({
    data: { id: sessionId(token), userId: args.userId, expiresAt: new Date(Date.now() + args.ttlMs), ip: args.ip, userAgent: args.userAgent?.slice(0, 300) ?? null },
  });
  return token;
}

export async function resolveSession(prisma: PrismaClient, token: string | undefined): Promise<SessionUser | null> {
  if (!token || token.length > 100) return null;
  const id = sessionId(token);
  const session = await prisma.session.findUnique({
    where: { id },
    select: { expiresAt: true, user: { select: { id: true, username: true, displayName: true, roles: true, disabled: true } } },
  });
  if (!session || session.expiresAt < new Date() || session.user.disabled) return null;
  return { id: session.user.id, username: session.user.username, displayName: session.user.displayName, roles: session.user.roles, sessionId: id };
}
