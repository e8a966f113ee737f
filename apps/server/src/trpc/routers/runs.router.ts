import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { procedure, router } from '../init';
import { OPERATE } from '../roles';

const runStatus = z.enum(['pending', 'running', 'succeeded', 'needs_attention', 'cancelled']);

export const runsRouter = router({
  list: procedure(OPERATE)
    .input(
      z.object({
        flowId: z.uuid().optional(),
        status: runStatus.optional(),
        businessKey: z.string().max(200).optional(),
        /** The CloudEvent `id` of the triggering event. */
        eventId: z.string().max(256).optional(),
        from: z.iso.datetime().optional(),
        to: z.iso.datetime().optional(),
        /** Test runs of drafts are left out unless asked for. */
        mode: z.enum(['live', 'test', 'all']).default('live'),
        cursor: z.uuid().optional(),
        limit: z.number().int().min(1).max(200).default(50),
      }).default({ limit: 50, mode: 'live' }),
    )
    .query(async ({ ctx, input }) => {
      const where = {
        ...(input.mode === 'all' ? {} : { mode: input.mode }),
        ...(input.flowId ? { flowId: input.flowId } : {}),
        ...(input.status ? { status: input.status } : {}),
        ...(input.businessKey ? { businessKey: { contains: input.businessKey } } : {}),
        ...(input.eventId ? { event: { eventId: input.eventId } } : {}),
        ...(input.from || input.to ? { createdAt: { ...(input.from ? { gte: new Date(input.from) } : {}), ...(input.to ? { lte: new Date(input.to) } : {}) } } : {}),
      };
      const [items, counts] = await Promise.all([
        ctx.services.prisma.run.findMany({
          where,
          orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
          take: input.limit + 1,
          ...(input.cursor ? { cursor: { id: input.cursor }, skip: 1 } : {}),
          select: { id: true, flowId: true, status: true, mode: true, businessKey: true, createdAt: true, startedAt: true, finishedAt: true, error: true, flow: { select: { name: true } }, flowVersion: { select: { version: true } }, event: { select: { eventId: true } } },
        }),
        ctx.services.prisma.run.groupBy({ by: ['status'], where: { ...where, status: undefined }, _count: { _all: true } }),
      ]);
      const page = items.slice(0, input.limit);
      return {
        items: page,
        nextCursor: items.length > input.limit ? page[page.length - 1]?.id ?? null : null,
        counts: Object.fromEntries(counts.map((c) => [c.status, c._count._all])),
      };
    }),
  get: procedure(OPERATE).input(z.object({ id: z.uuid() })).query(async ({ ctx, input }) => {
    const run = await ctx.services.prisma.run.findUnique({
      where: { id: input.id },
      include: {
        steps: { orderBy: { startedAt: 'asc' }, include: { attempts: { orderBy: { attempt: 'asc' } } } },
        event: true,
        flowVersion: { select: { version: true, snapshot: true, definition: true } },
        flow: { select: { name: true } },
      },
    });
    if (!run) throw new TRPCError({ code: 'NOT_FOUND', message: `Run ${input.id} does not exist.` });
    return { ...run, steps: run.steps.map((s) => ({ ...s, attempts: s.attempts.map((a) => ({ ...a, id: a.id.toString() })) })) };
  }),
});
