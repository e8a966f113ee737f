import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { hashPassword } from '@qiao/runtime';
import { audit } from '../../audit';
import { issueApiKey, issueSigningSecret } from '../../gateway/api-keys';
import { scopesSchema } from '../../gateway/scopes';
import { procedure, router } from '../init';
import { ADMIN, AUDIT, ALL_ROLES } from '../roles';

const role = z.enum(ALL_ROLES as [string, ...string[]]).transform((r) => r as (typeof ALL_ROLES)[number]);

export const usersRouter = router({
  list: procedure(ADMIN).query(({ ctx }) =>
    ctx.services.prisma.user.findMany({ orderBy: { username: 'asc' }, select: { id: true, username: true, displayName: true, roles: true, disabled: true, locale: true, createdAt: true } }),
  ),
  create: procedure(ADMIN)
    .input(z.object({ username: z.string().trim().min(2).max(64).regex(/^[A-Za-z0-9_.-]+$/), displayName: z.string().trim().min(1).max(100), password: z.string().min(10).max(200), roles: z.array(role).min(1) }))
    .mutation(async ({ ctx, input }) => {
      const exists = await ctx.services.prisma.user.findUnique({ where: { username: input.username }, select: { id: true } });
      if (exists) throw new TRPCError({ code: 'CONFLICT', message: `User "${input.username}" already exists.` });
      const user = await ctx.services.prisma.user.create({
        data: { username: input.username, displayName: input.displayName, passwordHash: await hashPassword(input.password), roles: input.roles },
        select: { id: true, username: true, roles: true },
      });
      await audit(ctx, { action: 'user.create', targetType: 'user', targetId: user.id, detail: { username: user.username, roles: user.roles } });
      return user;
    }),
  setRoles: procedure(ADMIN)
    .input(z.object({ id: z.uuid(), roles: z.array(role) }))
    .mutation(async ({ ctx, input }) => {
      if (input.id === ctx.user.id && !input.roles.includes('admin')) throw new TRPCError({ code: 'BAD_REQUEST', message: 'You cannot remove your own admin role.' });
      const updated = await ctx.services.prisma.user.updateMany({ where: { id: input.id }, data: { roles: input.roles } });
      if (updated.count === 0) throw new TRPCError({ code: 'NOT_FOUND', message: `User ${input.id} does not exist.` });
      await audit(ctx, { action: 'user.set_roles', targetType: 'user', targetId: input.id, detail: { roles: input.roles } });
      return { ok: true };
    }),
});

const keySettings = z.object({
  scopes: scopesSchema,
  requireSignature: z.boolean().default(false),
  /** Requests per minute; null uses the server default. */
  rateLimitPerMinute: z.number().int().min(1).max(1_000_000).nullable().default(null),
});

export const apiKeysRouter = router({
  list: procedure(ADMIN).query(async ({ ctx }) => {
    const rows = await ctx.services.prisma.apiKey.findMany({
      orderBy: { createdAt: 'desc' },
      select: { id: true, name: true, source: true, prefix: true, createdAt: true, revokedAt: true, lastUsedAt: true, scopes: true, requireSignature: true, rateLimitPerMinute: true, signingSecret: true },
    });
    // The sealed secret never leaves the server; the browser only learns whether there is one.
    return rows.map(({ signingSecret, ...row }) => ({ ...row, hasSigningSecret: signingSecret !== null }));
  }),
  /** The key (and the signing secret, if asked for) is shown once, here; only the key's hash is stored. */
  create: procedure(ADMIN)
    .input(keySettings.extend({ name: z.string().trim().min(1).max(100), source: z.string().trim().min(1).max(1024).default('*'), withSigningSecret: z.boolean().default(false) }))
    .mutation(async ({ ctx, input }) => {
      if (input.requireSignature && !input.withSigningSecret) throw new TRPCError({ code: 'BAD_REQUEST', message: 'A key that requires signed requests needs a signing secret (withSigningSecret).' });
      const issued = issueApiKey();
      const signingSecret = input.withSigningSecret ? issueSigningSecret() : null;
      const row = await ctx.services.prisma.apiKey.create({
        data: {
          name: input.name, source: input.source, prefix: issued.prefix, keyHash: issued.keyHash, scopes: input.scopes,
          requireSignature: input.requireSignature, rateLimitPerMinute: input.rateLimitPerMinute,
          signingSecret: signingSecret ? ctx.services.box.seal(signingSecret) : null,
        },
        select: { id: true, name: true, source: true, prefix: true, scopes: true },
      });
      await audit(ctx, { action: 'api_key.create', targetType: 'api_key', targetId: row.id, detail: { name: input.name, source: input.source, scopes: input.scopes, requireSignature: input.requireSignature, rateLimitPerMinute: input.rateLimitPerMinute, signing: signingSecret !== null } });
      return { ...row, key: issued.key, signingSecret };
    }),
  /** Scopes, signing requirement and rate limit; every server instance applies them on its next request. */
  update: procedure(ADMIN)
    .input(keySettings.extend({ id: z.uuid() }))
    .mutation(async ({ ctx, input }) => {
      const key = await ctx.services.prisma.apiKey.findUnique({ where: { id: input.id }, select: { revokedAt: true, signingSecret: true } });
      if (!key || key.revokedAt) throw new TRPCError({ code: 'NOT_FOUND', message: `API key ${input.id} does not exist or is revoked.` });
      if (input.requireSignature && !key.signingSecret) throw new TRPCError({ code: 'BAD_REQUEST', message: 'Create a signing secret for this key before requiring signed requests.' });
      await ctx.services.prisma.apiKey.update({ where: { id: input.id }, data: { scopes: input.scopes, requireSignature: input.requireSignature, rateLimitPerMinute: input.rateLimitPerMinute } });
      await ctx.services.verifier.invalidate();
      await audit(ctx, { action: 'api_key.update', targetType: 'api_key', targetId: input.id, detail: { scopes: input.scopes, requireSignature: input.requireSignature, rateLimitPerMinute: input.rateLimitPerMinute } });
      return { ok: true };
    }),
  /** A new signing secret, shown once; the old one stops working at once. */
  rotateSigningSecret: procedure(ADMIN).input(z.object({ id: z.uuid() })).mutation(async ({ ctx, input }) => {
    const signingSecret = issueSigningSecret();
    const updated = await ctx.services.prisma.apiKey.updateMany({ where: { id: input.id, revokedAt: null }, data: { signingSecret: ctx.services.box.seal(signingSecret) } });
    if (updated.count === 0) throw new TRPCError({ code: 'NOT_FOUND', message: `API key ${input.id} does not exist or is revoked.` });
    await ctx.services.verifier.invalidate();
    await audit(ctx, { action: 'api_key.rotate_signing_secret', targetType: 'api_key', targetId: input.id });
    return { signingSecret };
  }),
  revoke: procedure(ADMIN).input(z.object({ id: z.uuid() })).mutation(async ({ ctx, input }) => {
    const updated = await ctx.services.prisma.apiKey.updateMany({ where: { id: input.id, revokedAt: null }, data: { revokedAt: new Date() } });
    if (updated.count === 0) throw new TRPCError({ code: 'NOT_FOUND', message: `API key ${input.id} does not exist or is already revoked.` });
    await ctx.services.verifier.invalidate();
    await audit(ctx, { action: 'api_key.revoke', targetType: 'api_key', targetId: input.id });
    return { ok: true };
  }),
});

export const auditRouter = router({
  list: procedure(AUDIT)
    .input(z.object({ targetType: z.string().max(50).optional(), targetId: z.string().max(100).optional(), limit: z.number().int().min(1).max(500).default(100) }).default({ limit: 100 }))
    .query(async ({ ctx, input }) => {
      const rows = await ctx.services.prisma.auditLog.findMany({
        where: { ...(input.targetType ? { targetType: input.targetType } : {}), ...(input.targetId ? { targetId: input.targetId } : {}) },
        orderBy: { at: 'desc' },
        take: input.limit,
      });
      return rows.map((r) => ({ ...r, id: r.id.toString() }));
    }),
});
