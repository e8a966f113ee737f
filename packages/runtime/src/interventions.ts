import { advance, type RunState } from '@qiao/engine';
import { evaluateCondition } from '@qiao/flow';
import { getAction, toStorableJson } from '@qiao/connectors';
import type { Prisma, PrismaClient } from '@qiao/db';
import { expressionContext } from './expression-context';
import type { Logger } from './logger';
import type { PlanCache } from './plan-cache';
import type { StepQueue } from './queue';
import { enqueueCommands, loadState, persist } from './run-transition';
import { TX_OPTIONS } from './transactions';

export interface DeskDeps {
  prisma: PrismaClient;
  queue: StepQueue;
  plans: PlanCache;
  logger: Logger;
}

/** What an operator saw when acting: the action applies only if the step is still in that state. */
export interface StepRef {
  runId: string;
  nodeId: string;
  attempt: number;
}

export type DeskOutcome = { ok: true; detail: Record<string, unknown> } | { ok: false; reason: 'not_found' | 'conflict' | 'invalid'; message: string };

interface LockedStep {
  run: { status: RunState['status']; flowVersionId: string };
  step: { id: string; status: string; attempt: number; input: unknown };
}

/**
 * Locks the run and checks the step is the failed try the operator looked at. A second click (or a
 * second operator) finds the state moved on and gets a conflict, so every action takes effect once.
 */
async function lockFailedStep(tx: Prisma.TransactionClient, ref: StepRef): Promise<LockedStep | DeskOutcome> {
  const runs = await tx.$queryRaw<{ status: RunState['status']; flowVersionId: string }[]>`
    SELECT status, "flowVersionId" FROM runs WHERE id = ${ref.runId}::uuid FOR UPDATE`;
  const run = runs[0];
  if (!run) return { ok: false, reason: 'not_found', message: `Run ${ref.runId} does not exist.` };
  const step = await tx.step.findUnique({ where: { runId_nodeId: { runId: ref.runId, nodeId: ref.nodeId } }, select: { id: true, status: true, attempt: true, input: true } });
  if (!step) return { ok: false, reason: 'not_found', message: `Run ${ref.runId} has no step ${ref.nodeId}.` };
  if (run.status !== 'needs_attention' || step.status !== 'failed' || step.attempt !== ref.attempt) {
    return { ok: false, reason: 'conflict', message: `Step ${ref.nodeId} is no longer the failed try ${ref.attempt} (run ${run.status}, step ${step.status}, try ${step.attempt}); someone already acted on it. Reload.` };
  }
  return { run, step };
}

/** Retry now, optionally with edited input: the next try runs with the same idempotency key. */
export async function retryStep(deps: DeskDeps, ref: StepRef, options: { input?: unknown } = {}): Promise<DeskOutcome> {
  const outcome = await deps.prisma.$transaction(async (tx) => {
    const locked = await lockFailedStep(tx, ref);
    if ('ok' in locked) return locked;
    const override = options.input === undefined ? null : JSON.stringify(toStorableJson(options.input));
    await tx.$executeRaw`
      UPDATE steps SET status = 'retrying'::"StepStatus", "attemptBase" = attempt, "nextAttemptAt" = now(), "leaseUntil" = NULL,
        "inputOverride" = COALESCE(${override}::jsonb, "inputOverride"), "updatedAt" = now()
      WHERE id = ${locked.step.id}::uuid`;
    await tx.$executeRaw`UPDATE runs SET status = 'running'::"RunStatus", error = NULL, "finishedAt" = NULL, "updatedAt" = now() WHERE id = ${ref.runId}::uuid`;
    return { ok: true as const, detail: { previousInput: locked.step.input, ...(options.input === undefined ? {} : { input: options.input }) } };
  }, TX_OPTIONS);
  if (outcome.ok) await deps.queue.requeue({ runId: ref.runId, nodeId: ref.nodeId, attempt: ref.attempt + 1 }).catch((err: unknown) => deps.logger.warn({ err: String(err) }, 'queueing the retry failed; the sweeper will'));
  return outcome;
}

/** Skip the step, supplying the output it would have produced; the run continues from there. */
export async function skipStep(deps: DeskDeps, ref: StepRef, output: unknown): Promise<DeskOutcome> {
  const runRow = await deps.prisma.run.findUnique({ where: { id: ref.runId }, select: { flowVersionId: true, event: { select: { eventId: true, source: true, type: true, subject: true, data: true } } } });
  if (!runRow) return { ok: false, reason: 'not_found', message: `Run ${ref.runId} does not exist.` };
  const plan = await deps.plans.get(runRow.flowVersionId);
  const node = plan.nodes[ref.nodeId];
  if (!node) return { ok: false, reason: 'not_found', message: `The flow has no node ${ref.nodeId}.` };
  const checked = getAction(node.type)?.action.output.safeParse(output);
  if (checked && !checked.success) {
    const issue = checked.error.issues[0];
    return { ok: false, reason: 'invalid', message: `The output does not fit ${node.type}: ${issue?.path.join('.') || '(output)'}: ${issue?.message ?? ''}` };
  }
  const stored = toStorableJson(checked?.data ?? output);
  const upstream = Object.fromEntries(
    (await deps.prisma.step.findMany({ where: { runId: ref.runId, nodeId: { in: node.upstream }, status: 'succeeded' }, select: { nodeId: true, output: true } })).map((s) => [s.nodeId, s.output]),
  );
  const event = { id: runRow.event.eventId, source: runRow.event.source, type: runRow.event.type, subject: runRow.event.subject, data: runRow.event.data };
  const edges: Record<string, boolean> = Object.create(null) as Record<string, boolean>;
  try {
    for (const edgeId of node.outgoing) {
      const edge = plan.edges.find((e) => e.id === edgeId);
      if (edge?.condition) edges[edge.id] = await evaluateCondition(edge.condition, expressionContext(event, { ...upstream, [node.id]: stored }, plan.valueMaps));
    }
  } catch (err) {
    return { ok: false, reason: 'invalid', message: `A condition after ${ref.nodeId} cannot be evaluated with this output: ${describe(err)}` };
  }

  const result = await deps.prisma.$transaction(async (tx) => {
    const locked = await lockFailedStep(tx, ref);
    if ('ok' in locked) return { outcome: locked, commands: [] };
    await tx.$executeRaw`
      UPDATE steps SET status = 'succeeded'::"StepStatus", output = ${JSON.stringify(stored)}::jsonb, edges = ${JSON.stringify(edges)}::jsonb,
        "finishedAt" = now(), "leaseUntil" = NULL, "updatedAt" = now()
      WHERE id = ${locked.step.id}::uuid`;
    const state = await loadState(tx, ref.runId, 'running');
    const next = advance({ plan, state, event: { type: 'step.succeeded', nodeId: ref.nodeId, edges } });
    await persist(tx, { runId: ref.runId, before: { ...state, status: 'needs_attention' }, after: next.state, commands: next.commands, failure: null, nodeId: ref.nodeId });
    await tx.$executeRaw`UPDATE runs SET error = NULL, "updatedAt" = now() WHERE id = ${ref.runId}::uuid`;
    return { outcome: { ok: true as const, detail: { output: stored } }, commands: next.commands };
  }, TX_OPTIONS);
  await enqueueCommands(deps, ref.runId, result.commands);
  return result.outcome;
}

/** Cancel a run that has not finished: nothing more of it runs. */
export async function cancelRun(deps: DeskDeps, runId: string): Promise<DeskOutcome> {
  return deps.prisma.$transaction(async (tx) => {
    const runs = await tx.$queryRaw<{ status: string }[]>`SELECT status FROM runs WHERE id = ${runId}::uuid FOR UPDATE`;
    const status = runs[0]?.status;
    if (!status) return { ok: false as const, reason: 'not_found' as const, message: `Run ${runId} does not exist.` };
    if (status === 'succeeded' || status === 'cancelled') return { ok: false as const, reason: 'conflict' as const, message: `Run ${runId} is already ${status}.` };
    await tx.$executeRaw`UPDATE runs SET status = 'cancelled'::"RunStatus", "finishedAt" = now(), "updatedAt" = now() WHERE id = ${runId}::uuid`;
    // Steps waiting to run will not; a step in flight finishes but starts nothing after it.
    const skipped = await tx.$executeRaw`
      UPDATE steps SET status = 'skipped'::"StepStatus", "nextAttemptAt" = NULL, "updatedAt" = now()
      WHERE "runId" = ${runId}::uuid AND status IN ('pending', 'retrying')`;
    return { ok: true as const, detail: { previousStatus: status, stepsSkipped: skipped } };
  }, TX_OPTIONS);
}

function describe(err: unknown): string {
  if (err && typeof err === 'object' && 'message' in err) {
    const m = (err as { message: unknown }).message;
    if (typeof m === 'string') return m;
    if (m && typeof m === 'object' && 'en' in m) return String((m as { en: unknown }).en);
  }
  return String(err);
}
