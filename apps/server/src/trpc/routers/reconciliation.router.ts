import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { discrepancyKindSchema, discrepancySchema, reconciliationResultSchema, requestReconciliation } from '@qiao/runtime';
import { audit } from '../../audit';
import { reconciliationQueue } from '../../reconciliation/report-queue';
import { procedure, router } from '../init';
import { RECONCILE_RUN, RECONCILE_VIEW } from '../roles';

const MAX_PERIOD_DAYS = 92;

const listSelect = {
  id: true, status: true, trigger: true, requestedBy: true, periodFrom: true, periodTo: true, progress: true,
  discrepancyRate: true, error: true, createdAt: true, startedAt: true, finishedAt: true,
} as const;

export const summarySchema = reconciliationResultSchema.omit({ details: true }).extend({ queries: z.int().optional(), storedDetails: z.int().optional(), totalDetails: z.int().optional() });

export const reconciliationRouter = router({
  /** Newest first, with the discrepancy rate of each (the console's trend chart reads these). */
  list: procedure(RECONCILE_VIEW)
    .input(z.object({ limit: z.number().int().min(1).max(200).default(50) }).default({ limit: 50 }))
    .query(async ({ ctx, input }) => ctx.services.prisma.reconciliationReport.findMany({ orderBy: { createdAt: 'desc' }, take: input.limit, select: listSelect })),
  get: procedure(RECONCILE_VIEW)
    .input(z.object({ id: z.uuid() }))
    .query(async ({ ctx, input }) => {
      const report = await ctx.services.prisma.reconciliationReport.findUnique({ where: { id: input.id }, select: { ...listSelect, summary: true } });
      if (!report) throw new TRPCError({ code: 'NOT_FOUND', message: `Reconciliation report ${input.id} does not exist.` });
      const summary = report.summary === null ? null : summarySchema.parse(report.summary);
      return { ...report, summary };
    }),
  /** The findings of a report, filtered for drill-down. */
  details: procedure(RECONCILE_VIEW)
    .input(z.object({ id: z.uuid(), kind: discrepancyKindSchema.optional(), formId: z.string().max(64).optional(), offset: z.number().int().min(0).default(0), limit: z.number().int().min(1).max(500).default(100) }))
    .query(async ({ ctx, input }) => {
      const report = await ctx.services.prisma.reconciliationReport.findUnique({ where: { id: input.id }, select: { details: true } });
      if (!report) throw new TRPCError({ code: 'NOT_FOUND', message: `Reconciliation report ${input.id} does not exist.` });
      const all = z.array(discrepancySchema).parse(report.details ?? []);
      const matching = all.filter((d) => (!input.kind || d.kind === input.kind) && (!input.formId || d.formId.toLowerCase() === input.formId.toLowerCase()));
      return { total: matching.length, items: matching.slice(input.offset, input.offset + input.limit) };
    }),
  /** Files a report for the period; a worker runs it and the console follows its progress. */
  run: procedure(RECONCILE_RUN)
    .input(z.object({ from: z.iso.datetime({ offset: true }), to: z.iso.datetime({ offset: true }) }))
    .mutation(async ({ ctx, input }) => {
      const from = new Date(input.from);
      const to = new Date(input.to);
      if (to <= from) throw new TRPCError({ code: 'BAD_REQUEST', message: 'to: the period must end after it starts.' });
      if (to.getTime() - from.getTime() > MAX_PERIOD_DAYS * 24 * 60 * 60_000) throw new TRPCError({ code: 'BAD_REQUEST', message: `to: a period is at most ${MAX_PERIOD_DAYS} days.` });
      const { id } = await requestReconciliation(ctx.services.prisma, { from, to, trigger: 'manual', requestedBy: ctx.user.username });
      try {
        await reconciliationQueue(ctx.services.queue).add('reconcile', { reportId: id }, { jobId: `report.${id}`, removeOnComplete: 100, removeOnFail: 100 });
      } catch (err) {
        // Not left `queued` for ever: the report says why it never ran.
        await ctx.services.prisma.reconciliationReport.update({ where: { id }, data: { status: 'failed', finishedAt: new Date(), error: `The job queue is unavailable: ${String(err)}` } });
        throw new TRPCError({ code: 'SERVICE_UNAVAILABLE', message: 'The job queue (Redis) is unavailable; try again shortly.', cause: err });
      }
      await audit(ctx, { action: 'reconciliation.run', targetType: 'reconciliation_report', targetId: id, detail: { from: input.from, to: input.to } });
      return { id };
    }),
});
