import { randomUUID } from 'node:crypto';
import { evaluateCondition, type ExecutionPlan } from '@qiao/flow';
import type { PrismaClient } from '@qiao/db';
import type { CloudEvent } from './events/cloud-event';
import { payloadFailure } from './events/payload-error';
import type { Logger } from './logger';
import type { StepJob, StepQueue } from './queue';
import { expressionContext } from './expression-context';
import { idempotencyKey } from './idempotency-key';
import { publishedFlowsFor, type PublishedFlow } from './published-flows';
import { acceptStatementFor, type Inserted, type InsertOutcome, type PlannedRuns } from './accept-statement';

export { businessKey } from './accept-statement';
import type { EagerPort } from './eager-port';

export interface EventReceipt {
  id: string;
  source: string;
  eventId: string;
  type: string;
  receivedAt: string;
  runs: { id: string; flowId: string; status: string }[];
}

export interface AcceptResult {
  duplicate: boolean;
  receipt: EventReceipt;
}

export interface AcceptDeps {
  prisma: PrismaClient;
  queue: StepQueue;
  logger: Logger;
  /** When given, the accept statement claims the entry steps for this process to run at once. */
  eager?: { port: EagerPort; leaseMarginMs: number } | undefined;
}

/**
 * Commits the event, and a run with its entry steps for every published flow it triggers, in ONE
 * SQL statement (atomic without an interactive transaction, one round trip): when the caller sees 2xx
 * the work is in PostgreSQL. The flows it triggers come from a per-process cache that the statement
 * checks against the versions published at that instant; when they differ nothing is written, the
 * cache is reloaded and the statement tried again. Queueing happens after commit; if Redis is down
 * at that moment the sweeper finds the pending steps and queues them.
 */
export async function acceptEvent(deps: AcceptDeps, input: { event: CloudEvent; apiKeyId?: string | null }): Promise<AcceptResult> {
  const { event } = input;
  const published = publishedFlowsFor(deps.prisma);
  let set = published.cached(event.type) ?? (await published.load(event.type));
  for (let tries = 1; ; tries += 1) {
    const planned = await planRuns(set.flows, event, deps.eager?.leaseMarginMs ?? 0);
    const reserved = planned.steps.length > 0 && deps.eager?.port.reserve(planned.steps.length) ? planned.steps.length : 0;
    let outcome: InsertOutcome;
    try {
      outcome = await acceptStatementFor(deps.prisma).submit({ event, apiKeyId: input.apiKeyId ?? null, versionKey: set.key, planned, eager: reserved > 0 });
    } catch (err) {
      deps.eager?.port.release(reserved);
      throw err;
    }
    if (outcome === 'stale' || outcome === 'duplicate') deps.eager?.port.release(reserved);
    if (outcome === 'stale') {
      // A flow for this type was published, replaced or archived since the cache was filled.
      if (tries >= 5) throw new Error(`The flows triggered by ${event.type} kept changing while the event was being accepted; nothing was accepted.`);
      set = await published.load(event.type);
      continue;
    }
    if (outcome === 'duplicate') return { duplicate: true, receipt: await loadReceipt(deps.prisma, event) };
    const receipt: EventReceipt = {
      id: planned.eventRowId, source: event.source, eventId: event.id, type: event.type, receivedAt: outcome.receivedAt.toISOString(),
      runs: planned.runs.map((r) => ({ id: r.id, flowId: r.flowId, status: r.status === 'pending' && outcome.claimed.length > 0 && outcome.claimed.some((c) => c.runId === r.id) ? 'running' : r.status })),
    };
    const claimedIds = new Set(outcome.claimed.map((c) => c.stepId));
    await enqueueAll(deps, planned.steps.filter((step) => !claimedIds.has(step.id)).map((step) => ({ runId: step.runId, nodeId: step.nodeId, attempt: 1 })));
    if (deps.eager) startEager(deps.eager, { planned, outcome, unclaimed: reserved - outcome.claimed.length });
    return { duplicate: false, receipt };
  }
}

/** Hands the steps the statement claimed to the eager executor and gives back the slots it did not use. */
function startEager(eager: NonNullable<AcceptDeps['eager']>, args: { planned: PlannedRuns; outcome: Inserted; unclaimed: number }): void {
  const { planned, outcome } = args;
  eager.port.release(args.unclaimed);
  const runs = new Map(planned.runs.map((r) => [r.id, r]));
  const steps = new Map(planned.steps.map((s) => [s.id, s]));
  for (const c of outcome.claimed) {
    const step = steps.get(c.stepId);
    const run = step ? runs.get(step.runId) : undefined;
    if (!step || !run) {
      eager.port.release(1);
      continue;
    }
    // The event exactly as PostgreSQL returns it (jsonb key order, normalised time), so an eager
    // try and a later try by a worker send byte-identical requests under the same idempotency key.
    eager.port.start({
      job: { runId: run.id, nodeId: step.nodeId, attempt: 1 }, flowId: run.flowId, versionId: run.versionId, stored: outcome.stored,
      stepId: step.id, idempotencyKey: step.key, leaseUntil: c.leaseUntil, attemptId: c.attemptId,
    });
  }
}

/** Decides, before anything is written, which runs and entry steps the event starts (trigger filters run here). */
async function planRuns(flows: PublishedFlow[], event: CloudEvent, leaseMarginMs: number): Promise<PlannedRuns> {
  const planned: PlannedRuns = { eventRowId: randomUUID(), runs: [], steps: [] };
  for (const flow of flows) {
    const filterError = (await filterRejects(flow.plan, event)) ?? payloadFailure(event);
    if (filterError === 'skip') continue;
    const id = randomUUID();
    const needsAttention = filterError !== null;
    planned.runs.push({ id, flowId: flow.flowId, versionId: flow.versionId, status: needsAttention ? 'needs_attention' : 'pending', error: needsAttention ? JSON.stringify(filterError) : null });
    if (!needsAttention) {
      for (const nodeId of flow.plan.entryNodes) {
        const leaseMs = (flow.plan.nodes[nodeId]?.timeoutMs ?? 0) + leaseMarginMs;
        planned.steps.push({ id: randomUUID(), runId: id, nodeId, key: idempotencyKey(id, nodeId), leaseMs });
      }
    }
  }
  return planned;
}

async function enqueueAll(deps: AcceptDeps, jobs: StepJob[]): Promise<void> {
  try {
    await Promise.all(jobs.map((job) => deps.queue.enqueue(job)));
  } catch (err) {
    // Committed already: the sweeper will queue these steps once Redis answers again.
    deps.logger.warn({ err: String(err), jobs: jobs.length }, 'queueing failed after commit; the sweeper will retry');
  }
}

/** null = run it; 'skip' = filter said no; otherwise the error that stops the run before it starts. */
export async function filterRejects(plan: ExecutionPlan, event: CloudEvent): Promise<null | 'skip' | { kind: string; code: string; message: string }> {
  const filter = plan.trigger.filter;
  if (!filter) return null;
  try {
    return (await evaluateCondition(filter, expressionContext(event, {}, plan.valueMaps))) ? null : 'skip';
  } catch (err) {
    return { kind: 'user', code: 'trigger_filter', message: err instanceof Error ? err.message : String(err) };
  }
}


async function loadReceipt(prisma: PrismaClient, event: CloudEvent): Promise<EventReceipt> {
  const row = await prisma.event.findUniqueOrThrow({
    where: { source_eventId: { source: event.source, eventId: event.id } },
    select: { id: true, source: true, eventId: true, type: true, receivedAt: true, runs: { select: { id: true, flowId: true, status: true } } },
  });
  return { id: row.id, source: row.source, eventId: row.eventId, type: row.type, receivedAt: row.receivedAt.toISOString(), runs: row.runs };
}
