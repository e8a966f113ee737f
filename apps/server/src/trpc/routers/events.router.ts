import { z } from 'zod';
import { TEST_RUN_SOURCE } from '@qiao/runtime';
import { procedure, router } from '../init';
import { OPERATE } from '../roles';

export const eventsRouter = router({
  list: procedure(OPERATE)
    .input(z.object({ type: z.string().max(256).optional(), eventId: z.string().max(256).optional(), limit: z.number().int().min(1).max(200).default(50) }).default({ limit: 50 }))
    .query(({ ctx, input }) =>
      ctx.services.prisma.event.findMany({
        // Events made up for test runs of drafts are not traffic.
        where: { source: { not: TEST_RUN_SOURCE }, ...(input.type ? { type: input.type } : {}), ...(input.eventId ? { eventId: input.eventId } : {}) },
        orderBy: { receivedAt: 'desc' },
        take: input.limit,
        select: { id: true, source: true, eventId: true, type: true, subject: true, receivedAt: true, runCount: true, clientCertSubject: true },
      }),
    ),
});
