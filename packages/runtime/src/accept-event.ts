import { randomUUID } from 'node:crypto';
import { evaluateCondition, type ExecutionPlan } from '@qiao/flow';
import type { Prisma} from '@qiao/db';
import { type PrismaClient } from '@qiao/db';
import type { CloudEvent } from './events/cloud-event';
import { cloudEventExtensions } from './events/cloud-event';
import { payloadFailure } from './events/payload-error';
import type { Logger } from './logger';
import type { StepJob, StepQueue } from './queue';
import { expressionContext } from './expression-context';
import { idempotencyKey } from './idempotency-key';
import { TX_OPTIONS } from './transactions';

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
}

interface MatchingFlow {
  flowId: string;
  versionId: string;
  plan: ExecutionPlan;
}

/**
 * Commits the event, and a run with its entry steps for every published flow it triggers, in one
 * transaction: when the caller sees 2xx the work is in PostgreSQL. Queueing happens after commit; if
 * Redis is down at that moment the sweeper finds the pending steps and queues them.
 */
export async function acceptEvent(deps: AcceptDeps, input: { event: CloudEvent; apiKeyId?: string | null }): Promise<AcceptResult> {
  const { event } = input;
  const jobs: StepJob[] = [];
  const result = await deps.prisma.$transaction(async (tx) => {
    const eventRowId = randomUUID();
    const inserted = await tx.$queryRaw<{ receivedAt: Date }[]>`
      INSERT INTO events (id, source, "eventId", type, subject, time, specversion, datacontenttype, data, extensions, "apiKeyId")
      VALUES (${eventRowId}::uuid, ${event.source}, ${event.id}, ${event.type}, ${event.subject ?? null},
              ${event.time ? new Date(event.time) : null}, ${event.specversion}, ${event.datacontenttype ?? null},
              ${jsonOrNull(event.data ?? (event.data_base64 === undefined ? undefined : { base64: event.data_base64 }))}::jsonb,
              ${JSON.stringify(cloudEventExtensions(event))}::jsonb, ${input.apiKeyId ?? null}::uuid)
      ON CONFLICT (source, "eventId") DO NOTHING
      RETURNING "receivedAt"`;
    const first = inserted[0];
    if (!first) return { duplicate: true as const };

    const flows = await matchingFlows(tx, event.type);
    const runs: EventReceipt['runs'] = [];
    for (const flow of flows) {
      const filterError = (await filterRejects(flow.plan, event)) ?? payloadFailure(event);
      if (filterError === 'skip') continue;
      const runId = randomUUID();
      const needsAttention = filterError !== null;
      await tx.$executeRaw`
        INSERT INTO runs (id, "flowId", "flowVersionId", "eventId", status, "businessKey", error, "updatedAt")
        VALUES (${runId}::uuid, ${flow.flowId}::uuid, ${flow.versionId}::uuid, ${eventRowId}::uuid,
                ${needsAttention ? 'needs_attention' : 'pending'}::"RunStatus", ${businessKey(event)},
                ${needsAttention ? JSON.stringify(filterError) : null}::jsonb, now())`;
      if (!needsAttention) {
        for (const nodeId of flow.plan.entryNodes) {
          await tx.$executeRaw`
            INSERT INTO steps (id, "runId", "nodeId", status, attempt, "idempotencyKey", "updatedAt")
            VALUES (${randomUUID()}::uuid, ${runId}::uuid, ${nodeId}, 'pending'::"StepStatus", 0, ${idempotencyKey(runId, nodeId)}, now())`;
          jobs.push({ runId, nodeId, attempt: 1 });
        }
      }
      runs.push({ id: runId, flowId: flow.flowId, status: needsAttention ? 'needs_attention' : 'pending' });
    }
    if (runs.length > 0) await tx.$executeRaw`UPDATE events SET "runCount" = ${runs.length} WHERE id = ${eventRowId}::uuid`;
    const receipt: EventReceipt = {
      id: eventRowId, source: event.source, eventId: event.id, type: event.type, receivedAt: first.receivedAt.toISOString(), runs,
    };
    return { duplicate: false as const, receipt };
  }, TX_OPTIONS);

  if (result.duplicate) return { duplicate: true, receipt: await loadReceipt(deps.prisma, event) };
  await enqueueAll(deps, jobs);
  return result;
}

async function enqueueAll(deps: AcceptDeps, jobs: StepJob[]): Promise<void> {
  try {
    await Promise.all(jobs.map((job) => deps.queue.enqueue(job)));
  } catch (err) {
    // Committed already: the sweeper will queue these steps once Redis answers again.
    deps.logger.warn({ err: String(err), jobs: jobs.length }, 'queueing failed after commit; the sweeper will retry');
  }
}

async function matchingFlows(tx: Prisma.TransactionClient, type: string): Promise<MatchingFlow[]> {
  const rows = await tx.$queryRaw<{ flowId: string; versionId: string; plan: unknown }[]>`
    SELECT f.id AS "flowId", v.id AS "versionId", v.plan AS plan
    FROM flows f JOIN flow_versions v ON v."flowId" = f.id AND v.version = f."publishedVersion" AND NOT v.snapshot
    WHERE f.status = 'published'::"FlowStatus" AND f."triggerType" = ${type}`;
  return rows.map((r) => ({ flowId: r.flowId, versionId: r.versionId, plan: r.plan as ExecutionPlan }));
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

export function businessKey(event: Pick<CloudEvent, 'subject' | 'data'>): string | null {
  if (event.subject) return event.subject.slice(0, 200);
  const data = event.data;
  if (data && typeof data === 'object' && 'orderNo' in data && typeof data.orderNo === 'string') return data.orderNo;
  return null;
}

function jsonOrNull(value: unknown): string | null {
  return value === undefined ? null : JSON.stringify(value);
}

async function loadReceipt(prisma: PrismaClient, event: CloudEvent): Promise<EventReceipt> {
  const row = await prisma.event.findUniqueOrThrow({
    where: { source_eventId: { source: event.source, eventId: event.id } },
    select: { id: true, source: true, eventId: true, type: true, receivedAt: true, runs: { select: { id: true, flowId: true, status: true } } },
  });
  return { id: row.id, source: row.source, eventId: row.eventId, type: row.type, receivedAt: row.receivedAt.toISOString(), runs: row.runs };
}
