import { randomUUID } from 'node:crypto';
import { evaluateCondition, type ExecutionPlan } from '@qiao/flow';
import { sqlPool, type PrismaClient } from '@qiao/db';
import type { CloudEvent } from './events/cloud-event';
import { cloudEventExtensions } from './events/cloud-event';
import { payloadFailure } from './events/payload-error';
import type { Logger } from './logger';
import type { StepJob, StepQueue } from './queue';
import { expressionContext } from './expression-context';
import { idempotencyKey } from './idempotency-key';
import { publishedFlowsFor, type PublishedFlow } from './published-flows';

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
    const planned = await planRuns(set.flows, event);
    const outcome = await insertEvent(deps.prisma, { event, apiKeyId: input.apiKeyId ?? null, versionKey: set.key, planned });
    if (outcome === 'stale') {
      // A flow for this type was published, replaced or archived since the cache was filled.
      if (tries >= 5) throw new Error(`The flows triggered by ${event.type} kept changing while the event was being accepted; nothing was accepted.`);
      set = await published.load(event.type);
      continue;
    }
    if (outcome === 'duplicate') return { duplicate: true, receipt: await loadReceipt(deps.prisma, event) };
    const receipt: EventReceipt = {
      id: planned.eventRowId, source: event.source, eventId: event.id, type: event.type, receivedAt: outcome.receivedAt.toISOString(),
      runs: planned.runs.map((r) => ({ id: r.id, flowId: r.flowId, status: r.status })),
    };
    await enqueueAll(deps, planned.steps.map((step) => ({ runId: step.runId, nodeId: step.nodeId, attempt: 1 })));
    return { duplicate: false, receipt };
  }
}

interface PlannedRun {
  id: string;
  flowId: string;
  versionId: string;
  status: 'pending' | 'needs_attention';
  error: string | null;
}

interface PlannedRuns {
  eventRowId: string;
  runs: PlannedRun[];
  steps: { runId: string; nodeId: string; key: string }[];
}

/** Decides, before anything is written, which runs and entry steps the event starts (trigger filters run here). */
async function planRuns(flows: PublishedFlow[], event: CloudEvent): Promise<PlannedRuns> {
  const planned: PlannedRuns = { eventRowId: randomUUID(), runs: [], steps: [] };
  for (const flow of flows) {
    const filterError = (await filterRejects(flow.plan, event)) ?? payloadFailure(event);
    if (filterError === 'skip') continue;
    const id = randomUUID();
    const needsAttention = filterError !== null;
    planned.runs.push({ id, flowId: flow.flowId, versionId: flow.versionId, status: needsAttention ? 'needs_attention' : 'pending', error: needsAttention ? JSON.stringify(filterError) : null });
    if (!needsAttention) for (const nodeId of flow.plan.entryNodes) planned.steps.push({ runId: id, nodeId, key: idempotencyKey(id, nodeId) });
  }
  return planned;
}

interface InsertArgs {
  event: CloudEvent;
  apiKeyId: string | null;
  versionKey: string;
  planned: PlannedRuns;
}

/**
 * Data-modifying CTEs: all or nothing, in one snapshot. Nothing is written unless the published
 * versions for the type are exactly those the runs were planned from; a repeat of source+id
 * inserts no event and therefore no runs or steps.
 */
async function insertEvent(prisma: PrismaClient, { event, apiKeyId, versionKey, planned }: InsertArgs): Promise<'stale' | 'duplicate' | { receivedAt: Date }> {
  const data = jsonOrNull(event.data ?? (event.data_base64 === undefined ? undefined : { base64: event.data_base64 }));
  const { rows } = await sqlPool(prisma).query<{ fresh: boolean; receivedAt: Date | null }>({ name: 'qiao-accept-event', text: ACCEPT_SQL, values: [
    event.type, versionKey, planned.eventRowId, event.source, event.id, event.subject ?? null, event.time ? new Date(event.time) : null,
    event.specversion, event.datacontenttype ?? null, data, JSON.stringify(cloudEventExtensions(event)), apiKeyId, planned.runs.length,
    businessKey(event), JSON.stringify(planned.runs), JSON.stringify(planned.steps),
  ] });
  const row = rows[0];
  if (!row?.fresh) return 'stale';
  return row.receivedAt ? { receivedAt: row.receivedAt } : 'duplicate';
}

const ACCEPT_SQL = `
  WITH current AS (
    SELECT coalesce(string_agg(v.id::text, ',' ORDER BY v.id), '') AS key
    FROM flows f JOIN flow_versions v ON v."flowId" = f.id AND v.version = f."publishedVersion" AND NOT v.snapshot
    WHERE f.status = 'published'::"FlowStatus" AND f."triggerType" = $1::text
  ), ev AS (
    INSERT INTO events (id, source, "eventId", type, subject, time, specversion, datacontenttype, data, extensions, "apiKeyId", "runCount")
    SELECT $3::uuid, $4::text, $5::text, $1::text, $6::text, $7::timestamptz, $8::text, $9::text, $10::jsonb, $11::jsonb, $12::uuid, $13::int
    FROM current WHERE current.key = $2::text
    ON CONFLICT (source, "eventId") DO NOTHING
    RETURNING id, "receivedAt"
  ), new_runs AS (
    INSERT INTO runs (id, "flowId", "flowVersionId", "eventId", status, "businessKey", error, "updatedAt")
    SELECT r.id, r."flowId", r."versionId", ev.id, r.status::"RunStatus", $14::text, r.error::jsonb, now()
    FROM ev, jsonb_to_recordset($15::jsonb) AS r(id uuid, "flowId" uuid, "versionId" uuid, status text, error text)
  ), new_steps AS (
    INSERT INTO steps (id, "runId", "nodeId", status, attempt, "idempotencyKey", "updatedAt")
    SELECT gen_random_uuid(), s."runId", s."nodeId", 'pending'::"StepStatus", 0, s.key, now()
    FROM ev, jsonb_to_recordset($16::jsonb) AS s("runId" uuid, "nodeId" text, key text)
  )
  SELECT (SELECT key FROM current) = $2::text AS fresh, (SELECT "receivedAt" FROM ev) AS "receivedAt"`;

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
