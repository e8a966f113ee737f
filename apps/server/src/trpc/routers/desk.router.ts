import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import type { PrismaClient } from '@qiao/db';
import { cancelRun, classifyFailure, compensate, PlanCache, retryStep, skipStep, type DeskDeps, type DeskOutcome } from '@qiao/runtime';
import { audit } from '../../audit';
import type { Context } from '../context';
import { procedure, router } from '../init';
import { OPERATE } from '../roles';

// The intervention desk is for operators (and admins); designers fix flows, not production runs.
const DESK = ['admin', 'operator'] as const;

const plansByClient = new WeakMap<PrismaClient, PlanCache>();

function deskDeps(ctx: Context): DeskDeps {
  const { prisma, queue, logger } = ctx.services;
  let plans = plansByClient.get(prisma);
  if (!plans) {
    plans = new PlanCache(prisma);
    plansByClient.set(prisma, plans);
  }
  return { prisma, queue, plans, logger };
}

function unwrap(outcome: DeskOutcome): Record<string, unknown> {
  if (outcome.ok) return outcome.detail;
  const code = outcome.reason === 'not_found' ? 'NOT_FOUND' : outcome.reason === 'conflict' ? 'CONFLICT' : 'BAD_REQUEST';
  throw new TRPCError({ code, message: outcome.message });
}

const stepRef = z.object({ runId: z.uuid(), nodeId: z.string().min(1).max(64), attempt: z.number().int().min(1) });
const category = z.enum(['erp_rejected', 'erp_unreachable', 'timeout', 'mapping', 'configuration', 'internal']);

export const deskRouter = router({
  /** Runs waiting for a person: the failing step, its error (classified), input and attempts. */
  list: procedure(DESK)
    .input(z.object({ flowId: z.uuid().optional(), category: category.optional(), limit: z.number().int().min(1).max(500).default(100) }).default({ limit: 100 }))
    .query(async ({ ctx, input }) => {
      const runs = await ctx.services.prisma.run.findMany({
        where: { status: 'needs_attention', mode: 'live', ...(input.flowId ? { flowId: input.flowId } : {}) },
        orderBy: { updatedAt: 'desc' },
        take: 1000,
        select: {
          id: true, flowId: true, businessKey: true, createdAt: true, updatedAt: true, error: true, flow: { select: { name: true } },
          steps: {
            where: { status: 'failed' },
            select: { nodeId: true, attempt: true, input: true, error: true, finishedAt: true, attempts: { orderBy: { attempt: 'desc' }, take: 20, select: { attempt: true, startedAt: true, finishedAt: true, outcome: true, error: true } } },
          },
        },
      });
      const items = runs.flatMap((run) =>
        (run.steps.length > 0 ? run.steps : [null]).map((step) => {
          const error = (step?.error ?? run.error) as { kind?: string; code?: string; message?: string } | null;
          return {
            runId: run.id, flowId: run.flowId, flowName: run.flow.name, businessKey: run.businessKey, since: run.updatedAt,
            nodeId: step?.nodeId ?? null, attempt: step?.attempt ?? 0, input: step?.input ?? null,
            attempts: (step?.attempts ?? []).map((a) => ({ ...a, error: a.error as { code?: string; message?: string } | null })),
            error, category: classifyFailure(error),
          };
        }),
      );
      return items.filter((i) => !input.category || i.category === input.category).slice(0, input.limit);
    }),
  /** For the console's badge. */
  count: procedure(DESK).query(async ({ ctx }) => ({ needsAttention: await ctx.services.prisma.run.count({ where: { status: 'needs_attention', mode: 'live' } }) })),
  retry: procedure(DESK)
    .input(stepRef.extend({ input: z.unknown().optional() }))
    .mutation(async ({ ctx, input }) => {
      const { input: edited, ...ref } = input;
      const detail = unwrap(await retryStep(deskDeps(ctx), ref, edited === undefined ? {} : { input: edited }));
      await audit(ctx, { action: edited === undefined ? 'run.retry' : 'run.retry_with_input', targetType: 'run', targetId: ref.runId, detail: { nodeId: ref.nodeId, attempt: ref.attempt, ...detail } });
      return { ok: true };
    }),
  skip: procedure(DESK)
    .input(stepRef.extend({ output: z.unknown() }))
    .mutation(async ({ ctx, input }) => {
      const { output, ...ref } = input;
      const detail = unwrap(await skipStep(deskDeps(ctx), ref, output));
      await audit(ctx, { action: 'run.skip_step', targetType: 'run', targetId: ref.runId, detail: { nodeId: ref.nodeId, attempt: ref.attempt, ...detail } });
      return { ok: true };
    }),
  cancel: procedure(DESK)
    .input(z.object({ runId: z.uuid() }))
    .mutation(async ({ ctx, input }) => {
      const detail = unwrap(await cancelRun(deskDeps(ctx), input.runId));
      await audit(ctx, { action: 'run.cancel', targetType: 'run', targetId: input.runId, detail });
      return { ok: true };
    }),
  /** Run the compensation pass now (it also runs every 10 minutes in the workers) and report what it retried. */
  compensate: procedure(DESK)
    .input(z.object({ minAgeMinutes: z.number().min(0).max(24 * 60).default(0) }).default({ minAgeMinutes: 0 }))
    .mutation(async ({ ctx, input }) => {
      const report = await compensate(deskDeps(ctx), { minAgeMs: input.minAgeMinutes * 60_000, trigger: 'manual', requestedBy: ctx.user.username });
      await audit(ctx, { action: 'run.compensate_now', detail: { examined: report.examined, retried: report.retried.length, leftForPeople: report.leftForPeople } });
      return report;
    }),
  /** The last compensation passes (scheduled and on demand) and what each re-synchronised. */
  compensationReports: procedure(DESK)
    .input(z.object({ limit: z.number().int().min(1).max(100).default(10) }).default({ limit: 10 }))
    .query(async ({ ctx, input }) => {
      const rows = await ctx.services.prisma.compensationReport.findMany({ orderBy: { at: 'desc' }, take: input.limit });
      return rows.map((r) => ({ ...r, id: r.id.toString(), retried: r.retried as { runId: string; nodeId: string; attempt: number; code: string }[] }));
    }),
  /** What people (and the compensation pass) did to a run: who, when, what changed. */
  trail: procedure(OPERATE)
    .input(z.object({ runId: z.uuid() }))
    .query(async ({ ctx, input }) => {
      const rows = await ctx.services.prisma.auditLog.findMany({ where: { targetType: 'run', targetId: input.runId }, orderBy: { at: 'asc' }, take: 200, select: { id: true, at: true, username: true, action: true, detail: true } });
      return rows.map((r) => ({ ...r, id: r.id.toString() }));
    }),
  /** Retry every failed step matching the filter; each one once, as above. */
  bulkRetry: procedure(DESK)
    .input(z.object({ flowId: z.uuid().optional(), nodeId: z.string().max(64).optional(), category: category.optional(), limit: z.number().int().min(1).max(1000).default(200) }))
    .mutation(async ({ ctx, input }) => {
      const steps = await ctx.services.prisma.step.findMany({
        where: { status: 'failed', run: { status: 'needs_attention', mode: 'live', ...(input.flowId ? { flowId: input.flowId } : {}) }, ...(input.nodeId ? { nodeId: input.nodeId } : {}) },
        select: { runId: true, nodeId: true, attempt: true, error: true },
        take: input.limit,
      });
      let retried = 0;
      let conflicts = 0;
      for (const step of steps) {
        if (input.category && classifyFailure(step.error as { kind?: string; code?: string } | null) !== input.category) continue;
        const outcome = await retryStep(deskDeps(ctx), { runId: step.runId, nodeId: step.nodeId, attempt: step.attempt });
        if (outcome.ok) retried += 1;
        else conflicts += 1;
      }
      await audit(ctx, { action: 'run.bulk_retry', targetType: 'run', detail: { filter: input, retried, conflicts } });
      return { retried, conflicts };
    }),
});
