import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { verifyPassword } from '@qiao/runtime';
import { audit } from '../../audit';
import { createSession } from '../../auth/sessions';
import { SESSION_COOKIE } from '../context';
import { ANY_ROLE } from '../roles';
import { procedure, publicProcedure, router } from '../init';

// A fixed hash verified when the user does not exist, so response time does not reveal user names.
const DECOY_HASH = 'scrypt$32768$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

export const authRouter = router({
  login: publicProcedure
    .input(z.object({ username: z.string().trim().min(1).max(100), password: z.string().min(1).max(200) }))
    .mutation(async ({ ctx, input }) => {
      const { prisma } = ctx.services;
      const admission = await ctx.services.loginThrottle.admit({ username: input.username, ip: ctx.ip });
      if (!admission.allowed) {
        const minutes = Math.ceil(admission.retryAfterMs / 60_000);
        throw new TRPCError({ code: 'TOO_MANY_REQUESTS', message: `Too many failed logins; try again in ${minutes} minute(s). / 登录失败次数过多，请 ${minutes} 分钟后再试。` });
      }
      const user = await prisma.user.findUnique({ where: { username: input.username } });
      const ok = await verifyPassword(input.password, user?.passwordHash ?? DECOY_HASH);
      if (!user || !ok || user.disabled) {
        await audit(ctx, { action: 'auth.login_failed', detail: { username: input.username } });
        throw new TRPCError({ code: 'UNAUTHORIZED', message: 'Wrong user name or password. / 用户名或密码错误。' });
      }
      await admission.succeeded();
      const token = await createSession(prisma, { userId: user.id, ttlMs: ctx.services.sessionTtlMs, ip: ctx.ip, userAgent: ctx.userAgent });
      ctx.setCookie?.(SESSION_COOKIE, token, { maxAgeSeconds: Math.floor(ctx.services.sessionTtlMs / 1000) });
      await audit({ ...ctx, user: { id: user.id, username: user.username, displayName: user.displayName, roles: user.roles, sessionId: '' } }, { action: 'auth.login' });
      return { id: user.id, username: user.username, displayName: user.displayName, roles: user.roles, locale: user.locale };
    }),
  logout: procedure(ANY_ROLE).mutation(async ({ ctx }) => {
    await ctx.services.prisma.session.deleteMany({ where: { id: ctx.user.sessionId } });
    ctx.clearCookie?.(SESSION_COOKIE);
    await audit(ctx, { action: 'auth.logout' });
    return { ok: true };
  }),
  me: procedure(ANY_ROLE).query(({ ctx }) => ({ id: ctx.user.id, username: ctx.user.username, displayName: ctx.user.displayName, roles: ctx.user.roles })),
});
