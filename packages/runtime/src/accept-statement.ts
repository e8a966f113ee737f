import { sqlPool, type PrismaClient } from '@qiao/db';
import { Batcher } from './batcher';
import { cloudEventExtensions, type CloudEvent } from './events/cloud-event';

export interface PlannedRun {
  id: string;
  flowId: string;
  versionId: string;
  status: 'pending' | 'needs_attention';
  error: string | null;
}

export interface PlannedRuns {
  eventRowId: string;
  runs: PlannedRun[];
  /** leaseMs: how long an eager claim holds the step (its timeout plus the margin). */
  steps: { id: string; runId: string; nodeId: string; key: string; leaseMs: number }[];
}

export interface InsertArgs {
  event: CloudEvent;
  apiKeyId: string | null;
  /** The published versions the runs were planned from (PublishedSet.key). */
  versionKey: string;
  planned: PlannedRuns;
  /** Claim the entry steps of runs whose flow has no concurrency limit, for this process to run. */
  eager: boolean;
}

export interface Inserted {
  receivedAt: Date;
  claimed: { stepId: string; runId: string; attemptId: string; leaseUntil: string }[];
  /** The event's columns as stored, for steps run eagerly. */
  stored: { eventId: string; source: string; type: string; subject: string | null; time: Date | null; data: unknown; extensions: unknown };
}

/** 'stale': the published flows for the type changed since planning, nothing was written for this event. */
export type InsertOutcome = 'stale' | 'duplicate' | Inserted;

interface AcceptRow {
  id: string;
  fresh: boolean;
  receivedAt: Date | null;
  eventId: string | null;
  subject: string | null;
  time: Date | null;
  data: unknown;
  extensions: unknown;
  claimed: Inserted['claimed'] | null;
}

/**
 * Writes the events of concurrent requests, with their runs and entry steps, in ONE statement (and
 * one commit): data-modifying CTEs over JSON arrays. Per event it is all or nothing: nothing is
 * written unless the versions published for its type are exactly those its runs were planned from,
 * and a repeat of source+id writes no event and therefore no runs or steps.
 */
export async function insertEvents(prisma: PrismaClient, items: InsertArgs[]): Promise<InsertOutcome[]> {
  const events = items.map(({ event, apiKeyId, versionKey, planned, eager }) => {
    const data = event.data !== undefined ? event.data : event.data_base64 === undefined ? undefined : { base64: event.data_base64 };
    return {
      id: planned.eventRowId, type: event.type, versionKey, source: event.source, eventId: event.id, subject: event.subject ?? null,
      time: event.time ? isoOrRaw(event.time) : null, specversion: event.specversion, datacontenttype: event.datacontenttype ?? null,
      // JSON text, cast in SQL: jsonb_to_recordset would turn a JSON null (a value an event may carry) into SQL NULL ("no data").
      data: data === undefined ? null : JSON.stringify(data), extensions: cloudEventExtensions(event), apiKeyId, runCount: planned.runs.length,
      businessKey: businessKey(event), eager,
    };
  });
  const runs = items.flatMap(({ planned }) => planned.runs.map((r) => ({ ...r, eventRowId: planned.eventRowId })));
  const steps = items.flatMap(({ planned }) => planned.steps);
  const { rows } = await sqlPool(prisma).query<AcceptRow>({ name: 'qiao-accept-events', text: ACCEPT_SQL, values: [JSON.stringify(events), JSON.stringify(runs), JSON.stringify(steps)] });
  const byId = new Map(rows.map((r) => [r.id, r]));
  return items.map(({ event, planned }): InsertOutcome => {
    const row = byId.get(planned.eventRowId);
    if (!row?.fresh) return 'stale';
    if (!row.receivedAt) return 'duplicate';
    return {
      receivedAt: row.receivedAt,
      claimed: row.claimed ?? [],
      stored: { eventId: row.eventId ?? event.id, source: event.source, type: event.type, subject: row.subject, time: row.time, data: row.data, extensions: row.extensions },
    };
  });
}

const ACCEPT_SQL = `
  WITH input AS (
    SELECT * FROM jsonb_to_recordset($1::jsonb) AS i(id uuid, type text, "versionKey" text, source text, "eventId" text, subject text,
      time timestamptz, specversion text, datacontenttype text, data text, extensions jsonb, "apiKeyId" uuid,
      "runCount" int, "businessKey" text, eager boolean)
  ), current AS (
    SELECT t.type, coalesce(string_agg(v.id::text, ',' ORDER BY v.id), '') AS key
    FROM (SELECT DISTINCT type FROM input) t
    LEFT JOIN flows f ON f."triggerType" = t.type AND f.status = 'published'::"FlowStatus"
    LEFT JOIN flow_versions v ON v."flowId" = f.id AND v.version = f."publishedVersion" AND NOT v.snapshot
    GROUP BY t.type
  ), ev AS (
    INSERT INTO events (id, source, "eventId", type, subject, time, specversion, datacontenttype, data, extensions, "apiKeyId", "runCount")
    SELECT i.id, i.source, i."eventId", i.type, i.subject, i.time, i.specversion, i.datacontenttype, i.data::jsonb,
      i.extensions, i."apiKeyId", i."runCount"
    FROM input i JOIN current c ON c.type = i.type AND c.key = i."versionKey"
    -- One order for every batch, so two batches holding the same source+id cannot deadlock.
    ORDER BY i.source, i."eventId"
    ON CONFLICT (source, "eventId") DO NOTHING
    RETURNING id, "receivedAt", "eventId", subject, time, data, extensions
  ), planned AS (
    SELECT r.id, r."eventRowId", r."flowId", r."versionId", r.status, r.error, i."businessKey",
      (i.eager AND r.status = 'pending' AND NOT COALESCE(jsonb_typeof(f.settings -> 'maxConcurrency') = 'number' AND (f.settings ->> 'maxConcurrency')::numeric > 0, false)) AS eager
    FROM jsonb_to_recordset($2::jsonb) AS r(id uuid, "eventRowId" uuid, "flowId" uuid, "versionId" uuid, status text, error text)
    JOIN input i ON i.id = r."eventRowId" JOIN ev ON ev.id = r."eventRowId" JOIN flows f ON f.id = r."flowId"
  ), new_runs AS (
    INSERT INTO runs (id, "flowId", "flowVersionId", "eventId", status, "businessKey", error, "startedAt", "updatedAt")
    SELECT p.id, p."flowId", p."versionId", p."eventRowId", (CASE WHEN p.eager THEN 'running' ELSE p.status END)::"RunStatus", p."businessKey",
      p.error::jsonb, CASE WHEN p.eager THEN now() END, now()
    FROM planned p
  ), new_steps AS (
    INSERT INTO steps (id, "runId", "nodeId", status, attempt, "idempotencyKey", "startedAt", "leaseUntil", "updatedAt")
    SELECT s.id, s."runId", s."nodeId", (CASE WHEN p.eager THEN 'running' ELSE 'pending' END)::"StepStatus", CASE WHEN p.eager THEN 1 ELSE 0 END, s.key,
      CASE WHEN p.eager THEN now() END, CASE WHEN p.eager THEN now() + make_interval(secs => s."leaseMs" / 1000.0) END, now()
    FROM jsonb_to_recordset($3::jsonb) AS s(id uuid, "runId" uuid, "nodeId" text, key text, "leaseMs" int) JOIN planned p ON p.id = s."runId"
    RETURNING id, "runId", status, "leaseUntil"
  ), attempts AS (
    INSERT INTO step_attempts ("stepId", attempt) SELECT id, 1 FROM new_steps WHERE status = 'running'::"StepStatus"
    RETURNING id, "stepId"
  )
  SELECT i.id::text AS id, c.key = i."versionKey" AS fresh, ev."receivedAt", ev."eventId", ev.subject, ev.time, ev.data, ev.extensions,
    (SELECT json_agg(json_build_object('stepId', a."stepId", 'runId', s."runId", 'attemptId', a.id::text, 'leaseUntil', s."leaseUntil"))
     FROM attempts a JOIN new_steps s ON s.id = a."stepId" JOIN planned p ON p.id = s."runId" WHERE p."eventRowId" = i.id) AS claimed
  FROM input i JOIN current c ON c.type = i.type LEFT JOIN ev ON ev.id = i.id`;

/** A valid time as UTC ISO; anything else as sent, so PostgreSQL refuses it as bad input (a 400), not a crash here. */
function isoOrRaw(time: string): string {
  const at = new Date(time);
  return Number.isNaN(at.getTime()) ? time : at.toISOString();
}

export function businessKey(event: Pick<CloudEvent, 'subject' | 'data'>): string | null {
  if (event.subject) return event.subject.slice(0, 200);
  const data = event.data;
  if (data && typeof data === 'object' && 'orderNo' in data && typeof data.orderNo === 'string') return data.orderNo;
  return null;
}

const batchers = new WeakMap<PrismaClient, Batcher<InsertArgs, InsertOutcome>>();

/**
 * The accept statement, shared by every acceptEvent call of a process on this database client:
 * requests that arrive together are committed together (group commit), so the database does one
 * statement and one WAL flush for many events; a caller still gets its answer only after its commit.
 */
export function acceptStatementFor(prisma: PrismaClient): Batcher<InsertArgs, InsertOutcome> {
  let batcher = batchers.get(prisma);
  if (!batcher) {
    batcher = new Batcher((items) => insertEvents(prisma, items), { maxBatch: 64, maxInFlight: 4 });
    batchers.set(prisma, batcher);
  }
  return batcher;
}
