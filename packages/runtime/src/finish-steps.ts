import type { ExecutionPlan } from '@qiao/flow';
import { advance, type RunCommand, type RunEvent, type RunState } from '@qiao/engine';
import { sendTogether, sqlPool, type PrismaClient, type SqlClient } from '@qiao/db';
import { BatchItemError, Batcher } from './batcher';
import { LOAD_STATES_SQL, persistManyStatements, stateFromRows, type PersistArgs, type StepStateRow } from './run-transition';
import type { StepFailure } from './step-failure';

export type StepResult = { ok: true; output: unknown; edges: Record<string, boolean> } | { ok: false; failure: StepFailure };

/** One finished try of a step, as it is to be committed. */
export interface FinishedStep {
  runId: string;
  nodeId: string;
  stepId: string;
  attempt: number;
  /** bigint, as text. */
  attemptId: string;
  plan: ExecutionPlan;
  /** JSON text of the input the step ran with. */
  input: string;
  startedAt: number;
  finishedAt: Date;
  result: StepResult;
}

/**
 * Commits finished steps, each with its run's next state, in ONE transaction for many runs, in two
 * flights over one pipelined connection: (BEGIN; lock the runs, record the outcomes and close the
 * attempts; load the runs' step states) then (write each transition; COMMIT). The locks are taken by
 * the first statement, so the states loaded by the second include whatever a sibling branch
 * committed before us. Returns, per step, the engine's commands to carry out after commit.
 * A step whose lease was lost meanwhile (another process took it over) records nothing: its outcome wins.
 */
export async function finishSteps(prisma: PrismaClient, items: FinishedStep[]): Promise<RunCommand[][]> {
  const client = await sqlPool(prisma).connect();
  try {
    const commands = await finishIn(client, items);
    client.release();
    return commands;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    client.release(err instanceof Error ? err : new Error(String(err)));
    throw err;
  }
}

async function finishIn(client: SqlClient, items: FinishedStep[]): Promise<RunCommand[][]> {
  const rows = items.map((s) => ({
    runId: s.runId, stepId: s.stepId, attempt: s.attempt, status: s.result.ok ? 'succeeded' : 'running', input: s.input,
    output: s.result.ok ? JSON.stringify(s.result.output ?? null) : null, edges: s.result.ok ? JSON.stringify(s.result.edges) : null,
    error: s.result.ok ? null : JSON.stringify(s.result.failure), finishedAt: s.finishedAt.toISOString(),
    durationMs: s.finishedAt.getTime() - s.startedAt, attemptId: s.attemptId, outcome: s.result.ok ? 'succeeded' : 'failed',
  }));
  const runIds = [...new Set(items.map((s) => s.runId))];
  const flight = sendTogether(client, () => ({
    begin: client.query('BEGIN'),
    outcomes: client.query<{ stepId: string; status: RunState['status'] | null; updated: boolean }>({ name: 'qiao-finish-steps', text: FINISH_STEPS_SQL, values: [
      JSON.stringify(rows), runIds, items.map((s) => s.stepId), items.map((s) => s.attemptId),
    ] }),
    states: client.query<StepStateRow & { runId: string }>({ name: 'qiao-load-states', text: LOAD_STATES_SQL, values: [runIds] }),
  }));
  const [, outcomes, states] = await settleAll([flight.begin, flight.outcomes, flight.states]);
  const outcomeOf = new Map((outcomes?.rows ?? []).map((r) => [r.stepId, r]));
  const statesOf = new Map<string, StepStateRow[]>();
  for (const row of states?.rows ?? []) statesOf.set(row.runId, [...(statesOf.get(row.runId) ?? []), row]);

  const transitions: PersistArgs[] = [];
  const commands = items.map((s): RunCommand[] => {
    const outcome = outcomeOf.get(s.stepId);
    const runStatus = outcome?.status;
    if (!outcome?.updated || (runStatus !== 'running' && runStatus !== 'pending')) return [];
    // Loaded after the outcome was recorded, in the same transaction: the state already shows it.
    const state = stateFromRows(statesOf.get(s.runId) ?? [], runStatus);
    const { result } = s;
    const event: RunEvent = result.ok
      ? { type: 'step.succeeded', nodeId: s.nodeId, edges: result.edges }
      : { type: 'step.failed', nodeId: s.nodeId, retryable: result.failure.retryable, ...(result.failure.retryAfterMs === undefined ? {} : { retryAfterMs: result.failure.retryAfterMs }) };
    const next = advance({ plan: s.plan, state, event });
    transitions.push({ runId: s.runId, before: state, after: next.state, commands: next.commands, failure: result.ok ? null : result.failure, nodeId: s.nodeId });
    return next.commands;
  });
  // COMMIT rides in the same flight: after a failed statement PostgreSQL turns it into a rollback, and settleAll throws that failure.
  const statements = persistManyStatements(transitions);
  await settleAll(sendTogether(client, () => [...statements.map((st) => client.query(st)), client.query('COMMIT')]));
  return commands;
}

/** Waits for every pipelined statement (so none is left in flight), then throws the first failure. */
async function settleAll<T extends unknown[]>(promises: { [K in keyof T]: Promise<T[K]> }): Promise<{ [K in keyof T]: T[K] | undefined }> {
  const settled = await Promise.allSettled(promises);
  const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
  if (failed) throw failed.reason;
  return settled.map((s) => (s.status === 'fulfilled' ? s.value : undefined)) as { [K in keyof T]: T[K] | undefined };
}

const FINISH_STEPS_SQL = `
  WITH input AS (
    SELECT * FROM jsonb_to_recordset($1::jsonb) AS i("runId" uuid, "stepId" uuid, attempt int, status text, input text, output text, edges text,
      error text, "finishedAt" timestamptz, "durationMs" int, "attemptId" bigint, outcome text)
  ), run AS (
    -- The = ANY lists (beside the join) let the planner use the primary keys whatever it guesses for the JSON input's size.
    -- One lock order for every batch, so concurrent batches cannot deadlock on runs.
    SELECT r.id, r.status FROM runs r WHERE r.id = ANY($2::uuid[]) ORDER BY r.id FOR UPDATE
  ), step AS (
    UPDATE steps s SET status = i.status::"StepStatus", input = i.input::jsonb, output = i.output::jsonb, edges = i.edges::jsonb, error = i.error::jsonb,
      "finishedAt" = i."finishedAt", "durationMs" = i."durationMs", "leaseUntil" = NULL, "updatedAt" = now()
    FROM input i
    WHERE s.id = ANY($3::uuid[]) AND s.id = i."stepId" AND s.status = 'running'::"StepStatus" AND s.attempt = i.attempt
    RETURNING s.id
  ), attempt AS (
    UPDATE step_attempts a SET "finishedAt" = i."finishedAt", outcome = i.outcome, error = COALESCE(i.error::jsonb, a.error)
    FROM input i WHERE a.id = ANY($4::bigint[]) AND a.id = i."attemptId"
  )
  SELECT i."stepId"::text AS "stepId", (SELECT status FROM run WHERE run.id = i."runId")::text AS status,
    EXISTS (SELECT 1 FROM step WHERE step.id = i."stepId") AS updated
  FROM input i`;

/**
 * Runs of one batch must be distinct (each transition is computed from its run's state as loaded in
 * the transaction); a second step of the same run waits for the next transaction. Each wave commits on
 * its own, so when one fails, the waves already committed keep their results (their follow-on commands
 * are carried out) and only the failed wave's steps are tried again, one by one.
 */
async function finishDistinctRuns(prisma: PrismaClient, items: FinishedStep[]): Promise<(RunCommand[] | BatchItemError)[]> {
  const out = new Array<RunCommand[] | BatchItemError>(items.length);
  let left = items.map((item, index) => ({ item, index }));
  while (left.length > 0) {
    const seen = new Set<string>();
    const wave = left.filter(({ item }) => !seen.has(item.runId) && seen.add(item.runId));
    left = left.filter((entry) => !wave.includes(entry));
    try {
      const done = await finishSteps(prisma, wave.map((w) => w.item));
      wave.forEach((w, i) => (out[w.index] = done[i] ?? []));
    } catch (err) {
      if (wave.length === 1 && wave[0]) {
        out[wave[0].index] = new BatchItemError(err);
        continue;
      }
      for (const w of wave) {
        try {
          out[w.index] = (await finishSteps(prisma, [w.item]))[0] ?? [];
        } catch (alone) {
          out[w.index] = new BatchItemError(alone);
        }
      }
    }
  }
  return out;
}

const batchers = new WeakMap<PrismaClient, Batcher<FinishedStep, RunCommand[]>>();

/** Finished steps of a process, committed together when they finish together (group commit). */
export function finishBatcherFor(prisma: PrismaClient): Batcher<FinishedStep, RunCommand[]> {
  let batcher = batchers.get(prisma);
  if (!batcher) {
    // Two in flight: a finish waiting on a run's lock (an operator's action) does not hold up every other step.
    batcher = new Batcher((items) => finishDistinctRuns(prisma, items), { maxBatch: 64, maxInFlight: 2 });
    batchers.set(prisma, batcher);
  }
  return batcher;
}
