import { randomUUID } from 'node:crypto';
import { TRPCError } from '@trpc/server';
import { z } from 'zod';
import { createSessionStore } from '@qiao/connectors';
import { Prisma, type PrismaClient } from '@qiao/db';
import { cancelRun, ConnectionResolver, PlanCache, runSingleNode, sampleEventSchema, startTestRun, testRunEvent, type SampleEvent } from '@qiao/runtime';
import { audit } from '../../audit';
import { compileDocument } from '../../flows/publish';
import { draftSnapshot } from '../../flows/test-snapshot';
import type { Context } from '../context';
import { detailedError, procedure, router } from '../init';
import { DESIGN } from '../roles';

/** A single-node run waits at most this long for the remote system, whatever the node's timeout. */
const SINGLE_NODE_MAX_MS = 60_000;

type Db = Context['services']['prisma'];

// Per database client: decrypted credentials are cached briefly and ERP login sessions reused, as in a worker.
const resolvers = new WeakMap<PrismaClient, ConnectionResolver>();
const sessions = createSessionStore();
const plansByClient = new WeakMap<PrismaClient, PlanCache>();

function resolverFor(ctx: Context): ConnectionResolver {
  const { prisma, box } = ctx.services;
  let resolver = resolvers.get(prisma);
  if (!resolver) {
    resolver = new ConnectionResolver(prisma, box);
    resolvers.set(prisma, resolver);
  }
  return resolver;
}

function plansFor(prisma: PrismaClient): PlanCache {
  let plans = plansByClient.get(prisma);
  if (!plans) {
    plans = new PlanCache(prisma);
    plansByClient.set(prisma, plans);
  }
  return plans;
}

/** The flow's draft and pinned sample; archived flows cannot be tested. */
async function loadFlow(prisma: Db, flowId: string) {
  const flow = await prisma.flow.findUnique({ where: { id: flowId }, select: { id: true, status: true, draft: true, sampleEvent: true } });
  if (!flow || flow.status === 'archived') throw new TRPCError({ code: 'NOT_FOUND', message: `Flow ${flowId} does not exist or is archived.` });
  return flow;
}

/** The draft compiled, or a 400 carrying the compile errors for the canvas to show. */
async function compiledDraft(prisma: Db, draft: unknown, what: string) {
  const compiled = await compileDocument(prisma, draft);
  if (!compiled.ok) throw detailedError('BAD_REQUEST', `The draft has ${compiled.errors.length} error(s); fix them before ${what}.`, { compileErrors: compiled.errors });
  return compiled;
}

/** The sample given, else the pinned one; a 400 when there is neither. */
function chooseSample(given: SampleEvent | undefined, pinned: unknown): SampleEvent {
  if (given) return given;
  const parsed = sampleEventSchema.safeParse(pinned);
  if (parsed.success) return parsed.data;
  throw new TRPCError({ code: 'BAD_REQUEST', message: 'sample: no sample event was given and none is pinned for this flow.' });
}

function cloudEventOrBadRequest(sample: SampleEvent, eventType: string) {
  const event = testRunEvent(sample, eventType, `test-${randomUUID()}`);
  if (event.success) return event.data;
  const issue = event.error.issues[0];
  throw new TRPCError({ code: 'BAD_REQUEST', message: `sample.${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid event'}` });
}

const stepSelect = { nodeId: true, status: true, attempt: true, input: true, output: true, error: true, startedAt: true, finishedAt: true, durationMs: true, nextAttemptAt: true } satisfies Prisma.StepSelect;

export const testRunsRouter = router({
  /** Pins (or with `sample: null` unpins) the flow's sample event, shared by everyone who edits the flow. */
  pinSample: procedure(DESIGN)
    .input(z.object({ flowId: z.uuid(), sample: sampleEventSchema.nullable() }))
    .mutation(async ({ ctx, input }) => {
      await loadFlow(ctx.services.prisma, input.flowId);
      // Stored as parsed: keys the schema does not know are dropped, undefined ones left out.
      const value = input.sample === null ? Prisma.DbNull : (JSON.parse(JSON.stringify(input.sample)) as Prisma.InputJsonValue);
      await ctx.services.prisma.$transaction(async (tx) => {
        await tx.flow.update({ where: { id: input.flowId }, data: { sampleEvent: value, updatedById: ctx.user.id } });
        await audit(ctx, { action: input.sample === null ? 'flow.unpin_sample' : 'flow.pin_sample', targetType: 'flow', targetId: input.flowId }, tx);
      });
      return { sample: input.sample };
    }),

  /**
   * Runs the saved draft with a sample event, as a real run (mode `test`) of a snapshot of the draft,
   * executed by the workers against the real connections. Refused while the draft has compile errors.
   */
  start: procedure(DESIGN)
    .input(z.object({ flowId: z.uuid(), sample: sampleEventSchema.optional() }))
    .mutation(async ({ ctx, input }) => {
      const { prisma, queue, logger } = ctx.services;
      const flow = await loadFlow(prisma, input.flowId);
      const sample = chooseSample(input.sample, flow.sampleEvent);
      const compiled = await compiledDraft(prisma, flow.draft, 'a test run');
      if (compiled.plan.entryNodes.length === 0) throw new TRPCError({ code: 'BAD_REQUEST', message: 'The draft has no steps to run.' });
      const event = cloudEventOrBadRequest(sample, compiled.plan.trigger.eventType);
      const snapshotId = await draftSnapshot(prisma, { flowId: flow.id, definition: compiled.definition, plan: compiled.plan, planHash: compiled.planHash, userId: ctx.user.id });
      const started = await startTestRun({ prisma, queue, logger }, { flowId: flow.id, snapshotId, plan: compiled.plan, event });
      if (!started.ok) throw new TRPCError({ code: 'BAD_REQUEST', message: "sample: the trigger's filter skips this event, so no test run was started." });
      await audit(ctx, { action: 'flow.test_run', targetType: 'flow', targetId: flow.id, detail: { runId: started.runId, snapshotId, eventId: event.id } });
      return { runId: started.runId, status: started.status };
    }),

  /** A test run of the flow (the latest one unless `runId` is given), with its steps; null when there is none. */
  latest: procedure(DESIGN)
    .input(z.object({ flowId: z.uuid(), runId: z.uuid().optional() }))
    .query(async ({ ctx, input }) => {
      const run = await ctx.services.prisma.run.findFirst({
        where: { flowId: input.flowId, mode: 'test', ...(input.runId ? { id: input.runId } : {}) },
        orderBy: { createdAt: 'desc' },
        select: {
          id: true, status: true, error: true, createdAt: true, startedAt: true, finishedAt: true,
          flowVersion: { select: { version: true } }, event: { select: { subject: true, time: true, data: true } },
          steps: { select: stepSelect, orderBy: { startedAt: 'asc' } },
        },
      });
      if (!run && input.runId) throw new TRPCError({ code: 'NOT_FOUND', message: `Test run ${input.runId} of flow ${input.flowId} does not exist.` });
      return run ? { ...run, snapshot: run.flowVersion.version } : null;
    }),

  /** Stops a test run that is still going (or waiting after a failure); steps in flight finish, nothing starts after them. */
  cancel: procedure(DESIGN)
    .input(z.object({ runId: z.uuid() }))
    .mutation(async ({ ctx, input }) => {
      const { prisma, queue, logger } = ctx.services;
      const run = await prisma.run.findUnique({ where: { id: input.runId }, select: { mode: true, flowId: true } });
      if (!run || run.mode !== 'test') throw new TRPCError({ code: 'NOT_FOUND', message: `Test run ${input.runId} does not exist.` });
      const outcome = await cancelRun({ prisma, queue, logger, plans: plansFor(prisma) }, input.runId);
      if (!outcome.ok) throw new TRPCError({ code: outcome.reason === 'not_found' ? 'NOT_FOUND' : 'CONFLICT', message: outcome.message });
      await audit(ctx, { action: 'flow.test_run_cancel', targetType: 'run', targetId: input.runId, detail: { flowId: run.flowId, ...outcome.detail } });
      return { ok: true };
    }),

  /**
   * Runs one node of the draft once, with pinned upstream outputs: the real connector action through
   * the same runAction path as a worker, with an idempotency key derived from `requestId` (so sending
   * the same request twice is recognised by the remote system). Audited; the result is returned.
   */
  runNode: procedure(DESIGN)
    .input(z.object({
      flowId: z.uuid(),
      nodeId: z.string().min(1).max(64),
      requestId: z.uuid(),
      sample: sampleEventSchema.optional(),
      steps: z.record(z.string().max(64), z.json()).default({}),
    }))
    .mutation(async ({ ctx, input }) => {
      const { prisma } = ctx.services;
      const flow = await loadFlow(prisma, input.flowId);
      const compiled = await compiledDraft(prisma, flow.draft, 'running a node');
      const node = compiled.plan.nodes[input.nodeId];
      if (!node) throw new TRPCError({ code: 'NOT_FOUND', message: `nodeId: the draft has no node "${input.nodeId}".` });
      const sample = chooseSample(input.sample, flow.sampleEvent);
      const event = cloudEventOrBadRequest(sample, compiled.plan.trigger.eventType);
      const result = await runSingleNode(
        { connections: resolverFor(ctx), sessions },
        { node, event, steps: input.steps, idempotencyKey: `node-test:${input.requestId}:${node.id}`, maxMs: SINGLE_NODE_MAX_MS },
      );
      await audit(ctx, {
        action: 'flow.run_node', targetType: 'flow', targetId: flow.id,
        detail: { nodeId: node.id, type: node.type, requestId: input.requestId, ok: result.error === undefined, durationMs: result.durationMs, ...(result.error ? { errorCode: result.error.code } : {}) },
      });
      return { nodeId: node.id, ...result };
    }),
});
