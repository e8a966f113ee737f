import { randomUUID } from 'node:crypto';
import type { ExecutionPlan } from '@qiao/flow';
import type { PrismaClient } from '@qiao/db';
import { businessKey, filterRejects } from './accept-event';
import type { CloudEvent } from './events/cloud-event';
import { idempotencyKey } from './idempotency-key';
import type { Logger } from './logger';
import type { StepJob, StepQueue } from './queue';
import { TX_OPTIONS } from './transactions';

export interface TestRunDeps {
  prisma: PrismaClient;
  queue: StepQueue;
  logger: Logger;
}

export interface TestRunArgs {
  flowId: string;
  /** The flow_versions row (a snapshot of the draft) whose plan the run executes. */
  snapshotId: string;
  plan: ExecutionPlan;
  event: CloudEvent;
}

export type TestRunStart = { ok: true; runId: string; status: 'pending' | 'needs_attention' } | { ok: false; reason: 'filtered' };

/**
 * A test run is an ordinary run (same steps, idempotency keys, workers, retries and sweeper) of a
 * draft snapshot, flagged `mode = test`. Its event is stored like a gateway event, so the run detail
 * shows it, but it is only ever matched to this one snapshot. Committed before it is queued; if Redis
 * is down at that moment the sweeper queues it later.
 */
export async function startTestRun(deps: TestRunDeps, args: TestRunArgs): Promise<TestRunStart> {
  const { event, plan } = args;
  const filterError = await filterRejects(plan, event);
  if (filterError === 'skip') return { ok: false, reason: 'filtered' };
  const needsAttention = filterError !== null;
  const runId = randomUUID();
  const jobs: StepJob[] = [];
  await deps.prisma.$transaction(async (tx) => {
    const eventRowId = randomUUID();
    await tx.$executeRaw`
      INSERT INTO events (id, source, "eventId", type, subject, time, specversion, data, "runCount")
      VALUES (${eventRowId}::uuid, ${event.source}, ${event.id}, ${event.type}, ${event.subject ?? null},
              ${event.time ? new Date(event.time) : null}, ${event.specversion}, ${JSON.stringify(event.data ?? null)}::jsonb, 1)`;
    await tx.$executeRaw`
      INSERT INTO runs (id, "flowId", "flowVersionId", "eventId", status, mode, "businessKey", error, "updatedAt")
      VALUES (${runId}::uuid, ${args.flowId}::uuid, ${args.snapshotId}::uuid, ${eventRowId}::uuid,
              ${needsAttention ? 'needs_attention' : 'pending'}::"RunStatus", 'test'::"RunMode", ${businessKey(event)},
              ${needsAttention ? JSON.stringify(filterError) : null}::jsonb, now())`;
    if (needsAttention) return;
    for (const nodeId of plan.entryNodes) {
      await tx.$executeRaw`
        INSERT INTO steps (id, "runId", "nodeId", status, attempt, "idempotencyKey", "updatedAt")
        VALUES (${randomUUID()}::uuid, ${runId}::uuid, ${nodeId}, 'pending'::"StepStatus", 0, ${idempotencyKey(runId, nodeId)}, now())`;
      jobs.push({ runId, nodeId, attempt: 1 });
    }
  }, TX_OPTIONS);
  try {
    await Promise.all(jobs.map((job) => deps.queue.enqueue(job)));
  } catch (err) {
    deps.logger.warn({ err: String(err), runId }, 'queueing a test run failed after commit; the sweeper will retry');
  }
  return { ok: true, runId, status: needsAttention ? 'needs_attention' : 'pending' };
}
