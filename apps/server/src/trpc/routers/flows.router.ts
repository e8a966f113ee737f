import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { compile } from '@qiao/flow';
import { nodeTypeRegistry } from '@qiao/connectors';
import type { Prisma } from '@qiao/db';
import { audit } from '../../audit';
import { unpublishedChanges } from '../../flows/draft-state';
import { publishFlow } from '../../flows/publish';
import { findTemplate, flowTemplates } from '../../flows/templates';
import type { Context } from '../context';
import { detailedError, procedure, router } from '../init';
import { DESIGN, OPERATE } from '../roles';

const flowId = z.object({ id: z.uuid() });
const flowName = z.string().trim().min(1).max(200);

type Db = Context['services']['prisma'];

/** Display names of the given users (who changed a flow, who published a version). */
async function userNames(prisma: Db, ids: (string | null)[]): Promise<Map<string, string>> {
  const wanted = [...new Set(ids.filter((id): id is string => id !== null))];
  if (wanted.length === 0) return new Map();
  const users = await prisma.user.findMany({ where: { id: { in: wanted } }, select: { id: true, displayName: true } });
  return new Map(users.map((u) => [u.id, u.displayName]));
}

/** The trigger event of each flow's draft, read in the database so list pages never load whole drafts. */
async function draftTriggers(prisma: Db, ids: string[]): Promise<Map<string, string>> {
  if (ids.length === 0) return new Map();
  const rows = await prisma.$queryRaw<{ id: string; eventType: string | null }[]>`SELECT id::text AS id, draft->'trigger'->>'eventType' AS "eventType" FROM flows WHERE id = ANY(${ids}::uuid[])`;
  return new Map(rows.filter((r) => r.eventType !== null).map((r) => [r.id, r.eventType ?? '']));
}

/** The document with its `name` set, when it is an object; the flow's name and its document's stay the same. */
function withName(document: unknown, name: string): Prisma.InputJsonValue {
  if (typeof document !== 'object' || document === null || Array.isArray(document)) return document as Prisma.InputJsonValue;
  return { ...(document as Record<string, unknown>), name } as Prisma.InputJsonValue;
}

export const flowsRouter = router({
  list: procedure(OPERATE)
    .input(z.object({ search: z.string().max(100).optional(), status: z.enum(['draft', 'published', 'archived']).optional() }).default({}))
    .query(async ({ ctx, input }) => {
      const { prisma } = ctx.services;
      const flows = await prisma.flow.findMany({
        where: {
          ...(input.status ? { status: input.status } : { status: { not: 'archived' } }),
          ...(input.search ? { name: { contains: input.search, mode: 'insensitive' } } : {}),
        },
        orderBy: { updatedAt: 'desc' },
        select: { id: true, name: true, description: true, status: true, triggerType: true, publishedVersion: true, createdAt: true, updatedAt: true, updatedById: true },
        take: 500,
      });
      const [names, triggers] = await Promise.all([userNames(prisma, flows.map((f) => f.updatedById)), draftTriggers(prisma, flows.map((f) => f.id))]);
      return flows.map((f) => ({
        ...f,
        updatedBy: f.updatedById ? (names.get(f.updatedById) ?? null) : null,
        // The published trigger is what runs; a draft shows the trigger it will have.
        triggerType: f.triggerType ?? triggers.get(f.id) ?? null,
      }));
    }),
  templates: procedure(DESIGN).query(() =>
    flowTemplates.map((t) => ({ id: t.id, name: t.name, description: t.description, eventType: t.eventType, connector: t.connector })),
  ),
  get: procedure(OPERATE).input(flowId).query(async ({ ctx, input }) => {
    const flow = await ctx.services.prisma.flow.findUnique({ where: { id: input.id } });
    if (!flow) throw new TRPCError({ code: 'NOT_FOUND', message: `Flow ${input.id} does not exist.` });
    return flow;
  }),
  /** A new draft: from `document` if given, else from the template (blank by default). */
  create: procedure(DESIGN)
    .input(z.object({ name: flowName, description: z.string().max(2000).default(''), templateId: z.string().max(100).default('blank'), document: z.unknown().optional() }))
    .mutation(async ({ ctx, input }) => {
      const { prisma } = ctx.services;
      let draft: Prisma.InputJsonValue;
      if (input.document !== undefined) {
        draft = input.document as Prisma.InputJsonValue;
      } else {
        const template = findTemplate(input.templateId);
        if (!template) throw new TRPCError({ code: 'BAD_REQUEST', message: `Unknown template "${input.templateId}".` });
        // The first connection of the template's connector, so a new flow from a template is ready to publish.
        const connection = template.connector ? await prisma.connection.findFirst({ where: { connectorId: template.connector }, orderBy: { createdAt: 'asc' }, select: { id: true } }) : null;
        draft = template.build({ name: input.name, connectionId: connection?.id }) as Prisma.InputJsonValue;
      }
      const flow = await prisma.flow.create({
        data: { name: input.name, description: input.description, draft, createdById: ctx.user.id, updatedById: ctx.user.id },
        select: { id: true, name: true },
      });
      await audit(ctx, { action: 'flow.create', targetType: 'flow', targetId: flow.id, detail: { name: input.name, templateId: input.document === undefined ? input.templateId : null } });
      return flow;
    }),
  rename: procedure(DESIGN)
    .input(z.object({ id: z.uuid(), name: flowName }))
    .mutation(async ({ ctx, input }) => {
      return ctx.services.prisma.$transaction(async (tx) => {
        const flow = await tx.flow.findUnique({ where: { id: input.id }, select: { name: true, draft: true, status: true } });
        if (!flow || flow.status === 'archived') throw new TRPCError({ code: 'NOT_FOUND', message: `Flow ${input.id} does not exist or is archived.` });
        await tx.flow.update({ where: { id: input.id }, data: { name: input.name, draft: withName(flow.draft, input.name), updatedById: ctx.user.id } });
        await audit(ctx, { action: 'flow.rename', targetType: 'flow', targetId: input.id, detail: { from: flow.name, to: input.name } }, tx);
        return { id: input.id, name: input.name };
      });
    }),
  /** A new draft holding a copy of the flow's draft; versions and runs stay with the original. */
  duplicate: procedure(DESIGN)
    .input(z.object({ id: z.uuid(), name: flowName.optional() }))
    .mutation(async ({ ctx, input }) => {
      return ctx.services.prisma.$transaction(async (tx) => {
        const source = await tx.flow.findUnique({ where: { id: input.id }, select: { name: true, description: true, draft: true } });
        if (!source) throw new TRPCError({ code: 'NOT_FOUND', message: `Flow ${input.id} does not exist.` });
        const name = input.name ?? `${source.name} (copy)`.slice(0, 200);
        const copy = await tx.flow.create({
          data: { name, description: source.description, draft: withName(source.draft, name), createdById: ctx.user.id, updatedById: ctx.user.id },
          select: { id: true, name: true },
        });
        await audit(ctx, { action: 'flow.duplicate', targetType: 'flow', targetId: copy.id, detail: { from: input.id, name } }, tx);
        return copy;
      });
    }),
  saveDraft: procedure(DESIGN)
    .input(z.object({ id: z.uuid(), document: z.unknown() }))
    .mutation(async ({ ctx, input }) => {
      const updated = await ctx.services.prisma.flow.updateMany({
        where: { id: input.id, status: { not: 'archived' } },
        data: { draft: input.document as Prisma.InputJsonValue, updatedById: ctx.user.id },
      });
      if (updated.count === 0) throw new TRPCError({ code: 'NOT_FOUND', message: `Flow ${input.id} does not exist or is archived.` });
      return { ok: true };
    }),
  validate: procedure(DESIGN)
    .input(z.object({ document: z.unknown() }))
    .mutation(({ input }) => {
      const result = compile(input.document, nodeTypeRegistry());
      return result.ok ? { ok: true as const, errors: [] } : { ok: false as const, errors: result.errors };
    }),
  publish: procedure(DESIGN)
    .input(z.object({ id: z.uuid(), comment: z.string().max(500).default('') }))
    .mutation(async ({ ctx, input }) => {
      const result = await publishFlow(ctx.services.prisma, {
        flowId: input.id,
        comment: input.comment,
        userId: ctx.user.id,
        onPublished: (tx, p) => audit(ctx, { action: 'flow.publish', targetType: 'flow', targetId: input.id, detail: { ...p, comment: input.comment } }, tx),
      });
      if (result.ok) return { version: result.version, planHash: result.planHash };
      if ('notFound' in result) throw new TRPCError({ code: 'NOT_FOUND', message: `Flow ${input.id} does not exist or is archived.` });
      throw detailedError('BAD_REQUEST', `The flow has ${result.errors.length} error(s); fix them before publishing.`, { compileErrors: result.errors });
    }),
  versions: procedure(OPERATE).input(flowId).query(async ({ ctx, input }) => {
    const versions = await ctx.services.prisma.flowVersion.findMany({
      where: { flowId: input.id, snapshot: false },
      orderBy: { version: 'desc' },
      select: { id: true, version: true, planHash: true, comment: true, publishedAt: true, publishedById: true, definition: true },
    });
    const names = await userNames(ctx.services.prisma, versions.map((v) => v.publishedById));
    return versions.map((v) => ({ ...v, publishedBy: v.publishedById ? (names.get(v.publishedById) ?? null) : null }));
  }),
  /** Whether the draft differs from the published version (what a rollback would discard). */
  draftState: procedure(OPERATE).input(flowId).query(async ({ ctx, input }) => {
    const state = await unpublishedChanges(ctx.services.prisma, input.id);
    if (!state) throw new TRPCError({ code: 'NOT_FOUND', message: `Flow ${input.id} does not exist.` });
    return state;
  }),
  /**
   * Publishes an old version's document as a new version (and makes it the draft). Refused with
   * CONFLICT while the draft has unpublished changes, unless `discardDraft` says to drop them.
   */
  rollback: procedure(DESIGN)
    .input(z.object({ id: z.uuid(), version: z.number().int().min(1), discardDraft: z.boolean().default(false) }))
    .mutation(async ({ ctx, input }) => {
      const { prisma } = ctx.services;
      const flow = await prisma.flow.findUnique({ where: { id: input.id }, select: { name: true, status: true } });
      if (!flow || flow.status === 'archived') throw new TRPCError({ code: 'NOT_FOUND', message: `Flow ${input.id} does not exist or is archived.` });
      const target = await prisma.flowVersion.findUnique({ where: { flowId_snapshot_version: { flowId: input.id, snapshot: false, version: input.version } }, select: { definition: true, comment: true } });
      if (!target) throw new TRPCError({ code: 'NOT_FOUND', message: `version: flow ${input.id} has no version ${input.version}.` });
      const comment = `Rollback to v${input.version}: ${target.comment}`.trim().replace(/:$/, '').slice(0, 500);
      let discarded = false;
      const result = await publishFlow(prisma, {
        flowId: input.id,
        comment,
        userId: ctx.user.id,
        // The flow keeps its current name; everything else is the old version's.
        document: withName(target.definition, flow.name),
        guard: async (tx) => {
          const state = await unpublishedChanges(tx, input.id);
          discarded = state?.unpublishedChanges === true && state.publishedVersion !== null;
          if (discarded && !input.discardDraft) {
            throw detailedError('CONFLICT', 'The draft has unpublished changes; confirm discarding them to roll back.', { unpublishedChanges: true });
          }
        },
        onPublished: (tx, p) => audit(ctx, { action: 'flow.rollback', targetType: 'flow', targetId: input.id, detail: { ...p, toVersion: input.version, discardedDraft: discarded, comment } }, tx),
      });
      if (result.ok) return { version: result.version, planHash: result.planHash, comment, document: withName(target.definition, flow.name) };
      if ('notFound' in result) throw new TRPCError({ code: 'NOT_FOUND', message: `Flow ${input.id} does not exist or is archived.` });
      throw detailedError('BAD_REQUEST', `Version ${input.version} no longer compiles (${result.errors.length} error(s)), e.g. a connection it uses was deleted.`, { compileErrors: result.errors });
    }),
  /** Operational limits for every version of the flow: `maxConcurrency` steps executing at once (null = unlimited). */
  setSettings: procedure(DESIGN)
    .input(z.object({ id: z.uuid(), maxConcurrency: z.number().int().min(1).max(10_000).nullable() }))
    .mutation(async ({ ctx, input }) => {
      const settings = input.maxConcurrency === null ? {} : { maxConcurrency: input.maxConcurrency };
      const updated = await ctx.services.prisma.flow.updateMany({ where: { id: input.id }, data: { settings, updatedById: ctx.user.id } });
      if (updated.count === 0) throw new TRPCError({ code: 'NOT_FOUND', message: `Flow ${input.id} does not exist.` });
      await audit(ctx, { action: 'flow.set_settings', targetType: 'flow', targetId: input.id, detail: settings });
      return { settings };
    }),
  archive: procedure(DESIGN).input(flowId).mutation(async ({ ctx, input }) => {
    const updated = await ctx.services.prisma.flow.updateMany({ where: { id: input.id }, data: { status: 'archived', updatedById: ctx.user.id } });
    if (updated.count === 0) throw new TRPCError({ code: 'NOT_FOUND', message: `Flow ${input.id} does not exist.` });
    await audit(ctx, { action: 'flow.archive', targetType: 'flow', targetId: input.id });
    return { ok: true };
  }),
  nodeTypes: procedure(DESIGN).query(() =>
    nodeTypeRegistry().list().map((d) => ({ type: d.type, connectorId: d.connectorId ?? null, label: d.label, description: d.description ?? null, group: d.group, params: z.toJSONSchema(d.params, { unrepresentable: 'any' }),
      // What the node's output looks like, for the designer's field-mapping tree.
      output: d.output ? z.toJSONSchema(d.output, { unrepresentable: 'any', io: 'output' }) : null })),
  ),
});
