import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { compile } from '@qiao/flow';
import { nodeTypeRegistry } from '@qiao/connectors';
import type { Prisma } from '@qiao/db';
import { audit } from '../../audit';
import { publishFlow } from '../../flows/publish';
import { detailedError, procedure, router } from '../init';
import { DESIGN, OPERATE } from '../roles';

const flowId = z.object({ id: z.uuid() });

function blankDocument(name: string) {
  return { schemaVersion: 1, name, trigger: { eventType: 'com.qiao.sales_order.created' }, nodes: [], edges: [] };
}

export const flowsRouter = router({
  list: procedure(OPERATE)
    .input(z.object({ search: z.string().max(100).optional(), status: z.enum(['draft', 'published', 'archived']).optional() }).default({}))
    .query(async ({ ctx, input }) => {
      return ctx.services.prisma.flow.findMany({
        where: {
          ...(input.status ? { status: input.status } : { status: { not: 'archived' } }),
          ...(input.search ? { name: { contains: input.search, mode: 'insensitive' } } : {}),
        },
        orderBy: { updatedAt: 'desc' },
        select: { id: true, name: true, description: true, status: true, triggerType: true, publishedVersion: true, updatedAt: true, updatedById: true },
        take: 500,
      });
    }),
  get: procedure(OPERATE).input(flowId).query(async ({ ctx, input }) => {
    const flow = await ctx.services.prisma.flow.findUnique({ where: { id: input.id } });
    if (!flow) throw new TRPCError({ code: 'NOT_FOUND', message: `Flow ${input.id} does not exist.` });
    return flow;
  }),
  create: procedure(DESIGN)
    .input(z.object({ name: z.string().trim().min(1).max(200), description: z.string().max(2000).default(''), document: z.unknown().optional() }))
    .mutation(async ({ ctx, input }) => {
      const draft = (input.document ?? blankDocument(input.name)) as Prisma.InputJsonValue;
      const flow = await ctx.services.prisma.flow.create({
        data: { name: input.name, description: input.description, draft, createdById: ctx.user.id, updatedById: ctx.user.id },
        select: { id: true, name: true },
      });
      await audit(ctx, { action: 'flow.create', targetType: 'flow', targetId: flow.id, detail: { name: input.name } });
      return flow;
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
  versions: procedure(OPERATE).input(flowId).query(({ ctx, input }) =>
    ctx.services.prisma.flowVersion.findMany({
      where: { flowId: input.id },
      orderBy: { version: 'desc' },
      select: { id: true, version: true, planHash: true, comment: true, publishedAt: true, publishedById: true, definition: true },
    }),
  ),
  archive: procedure(DESIGN).input(flowId).mutation(async ({ ctx, input }) => {
    const updated = await ctx.services.prisma.flow.updateMany({ where: { id: input.id }, data: { status: 'archived', updatedById: ctx.user.id } });
    if (updated.count === 0) throw new TRPCError({ code: 'NOT_FOUND', message: `Flow ${input.id} does not exist.` });
    await audit(ctx, { action: 'flow.archive', targetType: 'flow', targetId: input.id });
    return { ok: true };
  }),
  nodeTypes: procedure(DESIGN).query(() =>
    nodeTypeRegistry().list().map((d) => ({ type: d.type, connectorId: d.connectorId ?? null, label: d.label, description: d.description ?? null, group: d.group, params: z.toJSONSchema(d.params, { unrepresentable: 'any' }) })),
  ),
});
