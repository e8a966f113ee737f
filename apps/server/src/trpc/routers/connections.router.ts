import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { builtinConnectors, createActionContext, endpointFields, getConnector, publicSummary, secretFields, toConnectorFailure, type Connector } from '@qiao/connectors';
import type { Prisma } from '@qiao/db';
import { recordConnectionError, RECENT_ERRORS_KEPT } from '@qiao/runtime';
import { audit } from '../../audit';
import { detailedError, procedure, router } from '../init';
import { DESIGN, OPERATE } from '../roles';

function connectorOf(connectorId: string): Connector {
  const connector = getConnector(connectorId);
  if (!connector) throw new TRPCError({ code: 'BAD_REQUEST', message: `Unknown connector "${connectorId}".` });
  return connector;
}

function parseCredentials(connectorId: string, credentials: unknown) {
  const connector = connectorOf(connectorId);
  const parsed = connector.auth.safeParse(credentials);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => ({ path: ['credentials', ...i.path].join('.'), message: i.message }));
    throw detailedError('BAD_REQUEST', `Invalid credentials: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, { issues });
  }
  return parsed.data as Record<string, unknown>;
}

/** Operational limits; `rateLimitPerSecond: null` removes the limit. */
const settingsSchema = z.object({ rateLimitPerSecond: z.number().int().min(1).max(10_000).nullable().optional() });

function settingsJson(settings: z.infer<typeof settingsSchema> | undefined): Prisma.InputJsonValue {
  return settings?.rateLimitPerSecond ? { rateLimitPerSecond: settings.rateLimitPerSecond } : {};
}

const publicSelect = { id: true, name: true, connectorId: true, summary: true, settings: true, createdAt: true, updatedAt: true, lastUsedAt: true, lastError: true } satisfies Prisma.ConnectionSelect;

export const connectionsRouter = router({
  /** What the connection form needs: the auth JSON Schema as the user fills it in (defaults optional) and which fields are secret. */
  connectors: procedure(OPERATE).query(() =>
    builtinConnectors.map((c) => ({
      id: c.id,
      name: c.name,
      description: c.description ?? null,
      group: c.group,
      auth: z.toJSONSchema(c.auth, { unrepresentable: 'any', io: 'input' }),
      secretFields: secretFields(c),
      endpointFields: endpointFields(c),
      publicFields: [...(c.publicFields ?? [])],
      testable: c.testConnection !== undefined,
    })),
  ),
  list: procedure(OPERATE).query(async ({ ctx }) => {
    const rows = await ctx.services.prisma.connection.findMany({ orderBy: { name: 'asc' }, select: { ...publicSelect, _count: { select: { errors: true } } } });
    return rows.map(({ _count, ...row }) => ({ ...row, recentErrorCount: _count.errors }));
  }),
  /** The connection's most recent errors: failed step attempts that used it, trigger and test failures (no secrets: messages only). */
  recentErrors: procedure(OPERATE).input(z.object({ id: z.uuid() })).query(async ({ ctx, input }) => {
    const exists = await ctx.services.prisma.connection.findUnique({ where: { id: input.id }, select: { id: true } });
    if (!exists) throw new TRPCError({ code: 'NOT_FOUND', message: `Connection ${input.id} does not exist.` });
    const rows = await ctx.services.prisma.connectionError.findMany({
      where: { connectionId: input.id }, orderBy: [{ at: 'desc' }, { id: 'desc' }], take: RECENT_ERRORS_KEPT,
      select: { id: true, at: true, source: true, runId: true, nodeId: true, attempt: true, code: true, message: true },
    });
    const runIds = [...new Set(rows.flatMap((r) => (r.runId ? [r.runId] : [])))];
    const runs = runIds.length === 0 ? [] : await ctx.services.prisma.run.findMany({ where: { id: { in: runIds } }, select: { id: true, flow: { select: { id: true, name: true } } } });
    const flowOf = new Map(runs.map((r) => [r.id, r.flow]));
    return rows.map((r) => ({ ...r, id: r.id.toString(), flow: r.runId ? (flowOf.get(r.runId) ?? null) : null }));
  }),
  create: procedure(DESIGN)
    .input(z.object({ name: z.string().trim().min(1).max(100), connectorId: z.string().min(1).max(50), credentials: z.record(z.string(), z.unknown()), settings: settingsSchema.optional() }))
    .mutation(async ({ ctx, input }) => {
      const credentials = parseCredentials(input.connectorId, input.credentials);
      const exists = await ctx.services.prisma.connection.findUnique({ where: { name: input.name }, select: { id: true } });
      if (exists) throw new TRPCError({ code: 'CONFLICT', message: `A connection named "${input.name}" already exists.` });
      const row = await ctx.services.prisma.connection.create({
        data: { name: input.name, connectorId: input.connectorId, secret: ctx.services.box.sealJson(credentials), summary: publicSummary(connectorOf(input.connectorId), credentials), settings: settingsJson(input.settings), createdById: ctx.user.id },
        select: publicSelect,
      });
      await audit(ctx, { action: 'connection.create', targetType: 'connection', targetId: row.id, detail: { name: input.name, connectorId: input.connectorId } });
      return row;
    }),
  update: procedure(DESIGN)
    .input(z.object({ id: z.uuid(), name: z.string().trim().min(1).max(100).optional(), credentials: z.record(z.string(), z.unknown()).optional(), settings: settingsSchema.optional() }))
    .mutation(async ({ ctx, input }) => {
      const current = await ctx.services.prisma.connection.findUnique({ where: { id: input.id }, select: { connectorId: true, secret: true } });
      if (!current) throw new TRPCError({ code: 'NOT_FOUND', message: `Connection ${input.id} does not exist.` });
      let secretData = {};
      if (input.credentials) {
        const connector = connectorOf(current.connectorId);
        const secrets = new Set(secretFields(connector));
        const stored = ctx.services.box.openJson(current.secret) as Record<string, unknown>;
        const given = Object.fromEntries(Object.entries(input.credentials).filter(([k, v]) => !(secrets.has(k) && (v === '' || v === undefined))));
        // Secret fields left empty keep their stored value, so the form never needs to see them —
        // unless the endpoint changes: stored secrets are never sent to a new host nobody re-entered them for.
        const moved = endpointFields(connector).filter((f) => f in given && given[f] !== stored[f]);
        const kept = [...secrets].filter((f) => stored[f] !== undefined && !(f in given));
        if (moved.length > 0 && kept.length > 0) {
          throw detailedError('BAD_REQUEST', `Re-enter ${kept.join(', ')} when changing ${moved.join(', ')}. / 修改 ${moved.join('、')} 时请重新输入 ${kept.join('、')}。`, {
            issues: kept.map((f) => ({ path: `credentials.${f}`, message: 'required when the endpoint changes' })),
          });
        }
        const credentials = parseCredentials(current.connectorId, { ...stored, ...given });
        secretData = { secret: ctx.services.box.sealJson(credentials), summary: publicSummary(connector, credentials) };
      }
      const row = await ctx.services.prisma.connection.update({ where: { id: input.id }, data: { ...(input.name ? { name: input.name } : {}), ...secretData, ...(input.settings ? { settings: settingsJson(input.settings) } : {}) }, select: publicSelect });
      await audit(ctx, { action: 'connection.update', targetType: 'connection', targetId: input.id, detail: { name: input.name, credentialsChanged: Boolean(input.credentials) } });
      return row;
    }),
  delete: procedure(DESIGN).input(z.object({ id: z.uuid() })).mutation(async ({ ctx, input }) => {
    const deleted = await ctx.services.prisma.connection.deleteMany({ where: { id: input.id } });
    if (deleted.count === 0) throw new TRPCError({ code: 'NOT_FOUND', message: `Connection ${input.id} does not exist.` });
    await audit(ctx, { action: 'connection.delete', targetType: 'connection', targetId: input.id });
    return { ok: true };
  }),
  test: procedure(DESIGN).input(z.object({ id: z.uuid() })).mutation(async ({ ctx, input }) => {
    const row = await ctx.services.prisma.connection.findUnique({ where: { id: input.id }, select: { connectorId: true, secret: true } });
    if (!row) throw new TRPCError({ code: 'NOT_FOUND', message: `Connection ${input.id} does not exist.` });
    const connector = getConnector(row.connectorId);
    if (!connector?.testConnection) return { ok: true, detail: 'This connector has no connection test.' };
    const stored = connector.auth.safeParse(ctx.services.box.openJson(row.secret));
    if (!stored.success) {
      // Saved under an older schema of the connector: say which field to fix rather than failing the request.
      const issue = stored.error.issues[0];
      const detail = `The saved settings are not valid any more: credentials.${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}. Edit the connection.`;
      await recordConnectionError(ctx.services.prisma, { connectionId: input.id, source: 'test', code: 'invalid_credentials', message: detail });
      return { ok: false, detail, code: 'invalid_credentials', durationMs: 0 };
    }
    const credentials = stored.data;
    const started = Date.now();
    try {
      const result = await connector.testConnection(createActionContext({ credentials, connectionId: input.id, idempotencyKey: `test:${input.id}:${started}`, attempt: 1, signal: AbortSignal.timeout(20_000) }));
      await ctx.services.prisma.connection.update({ where: { id: input.id }, data: { lastUsedAt: new Date(), lastError: null } });
      return { ok: true, detail: result.detail ?? 'OK', durationMs: Date.now() - started };
    } catch (err) {
      const failure = toConnectorFailure(err);
      await recordConnectionError(ctx.services.prisma, { connectionId: input.id, source: 'test', code: failure.code, message: failure.message });
      return { ok: false, detail: failure.message, code: failure.code, durationMs: Date.now() - started };
    }
  }),
});
