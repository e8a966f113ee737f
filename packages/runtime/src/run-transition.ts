import { randomUUID } from 'node:crypto';
import type { RunCommand, RunState, StepState } from '@qiao/engine';
import type { Prisma } from '@qiao/db';
import { idempotencyKey } from './idempotency-key';
import type { Logger } from './logger';
import type { StepQueue } from './queue';
import type { StepFailure } from './step-failure';

export const LOAD_STATE_SQL = `SELECT "nodeId", status::text AS status, attempt, edges FROM steps WHERE "runId" = $1::uuid`;
/** The step states of several runs at once, each row naming its run. */
export const LOAD_STATES_SQL = `SELECT "runId"::text AS "runId", "nodeId", status::text AS status, attempt, edges FROM steps WHERE "runId" = ANY($1::uuid[])`;

export interface StepStateRow {
  nodeId: string;
  status: string;
  attempt: number;
  edges: unknown;
}

/** Loads a run's step states for the engine; call inside the transaction that holds the run row lock. */
export async function loadState(tx: Prisma.TransactionClient, runId: string, status: RunState['status']): Promise<RunState> {
  return stateFromRows(await tx.$queryRawUnsafe<StepStateRow[]>(LOAD_STATE_SQL, runId), status);
}

export function stateFromRows(rows: StepStateRow[], status: RunState['status']): RunState {
  const steps: Record<string, StepState> = {};
  for (const r of rows) {
    steps[r.nodeId] = { status: r.status as StepState['status'], attempt: r.attempt, ...(r.edges ? { edges: r.edges as Record<string, boolean> } : {}) };
  }
  return { status, steps };
}

export interface PersistArgs {
  runId: string;
  before: RunState;
  after: RunState;
  commands: RunCommand[];
  failure: StepFailure | null;
  nodeId: string;
}

/** Writes the engine's new state: changed steps (inserted or updated) and the run's status. */
export async function persist(tx: Prisma.TransactionClient, args: PersistArgs): Promise<void> {
  for (const statement of persistStatements(args)) await tx.$executeRawUnsafe(statement.text, ...statement.values);
}

interface StepRow {
  id: string;
  runId: string;
  nodeId: string;
  status: string;
  attempt: number;
  key: string;
  nextAttemptAt: string | null;
}

interface RunRow {
  id: string;
  status: string;
  error: string | null;
  finishedAt: string | null;
}

/** What a transition changes: steps inserted or updated, and the run's status when it moved. */
function transitionRows(args: PersistArgs): { steps: StepRow[]; run: RunRow | null } {
  const { runId, before, after } = args;
  const steps: StepRow[] = [];
  for (const [nodeId, step] of Object.entries(after.steps)) {
    const prev = before.steps[nodeId];
    if (prev && prev.status === step.status && prev.attempt === step.attempt) continue;
    const delay = args.commands.find((c) => c.type === 'execute' && c.nodeId === nodeId);
    const nextAttemptAt = delay?.type === 'execute' && delay.delayMs > 0 ? new Date(Date.now() + delay.delayMs).toISOString() : null;
    steps.push({ id: randomUUID(), runId, nodeId, status: step.status, attempt: step.attempt, key: idempotencyKey(runId, nodeId), nextAttemptAt });
  }
  let run: RunRow | null = null;
  if (after.status !== before.status) {
    const done = after.status === 'succeeded' || after.status === 'needs_attention';
    const error = after.status === 'needs_attention' && args.failure ? JSON.stringify({ nodeId: args.nodeId, ...args.failure }) : null;
    run = { id: runId, status: after.status, error, finishedAt: done ? new Date().toISOString() : null };
  }
  return { steps, run };
}

/** The statements that write a transition, for a Prisma transaction or a pipelined connection alike. */
export function persistStatements(args: PersistArgs): { name: string; text: string; values: unknown[] }[] {
  return persistManyStatements([args]);
}

/**
 * The statements that write the transitions of several runs: at most two, whatever their number
 * (named, so a pooled connection parses and plans each only once).
 */
export function persistManyStatements(all: PersistArgs[]): { name: string; text: string; values: unknown[] }[] {
  const rows = all.map(transitionRows);
  const steps = rows.flatMap((r) => r.steps);
  const runs = rows.flatMap((r) => (r.run ? [r.run] : []));
  const statements: { name: string; text: string; values: unknown[] }[] = [];
  if (steps.length > 0) statements.push({ name: 'qiao-persist-steps', text: PERSIST_STEPS_SQL, values: [JSON.stringify(steps)] });
  if (runs.length > 0) statements.push({ name: 'qiao-persist-runs', text: PERSIST_RUNS_SQL, values: [JSON.stringify(runs), runs.map((r) => r.id)] });
  return statements;
}

const PERSIST_STEPS_SQL = `
  INSERT INTO steps (id, "runId", "nodeId", status, attempt, "idempotencyKey", "nextAttemptAt", "updatedAt")
  SELECT s.id, s."runId", s."nodeId", s.status::"StepStatus", s.attempt, s.key, s."nextAttemptAt", now()
  FROM jsonb_to_recordset($1::jsonb) AS s(id uuid, "runId" uuid, "nodeId" text, status text, attempt int, key text, "nextAttemptAt" timestamptz)
  ORDER BY s."runId", s."nodeId"
  ON CONFLICT ("runId", "nodeId") DO UPDATE SET status = EXCLUDED.status, attempt = EXCLUDED.attempt,
    "nextAttemptAt" = EXCLUDED."nextAttemptAt", "updatedAt" = now()`;

const PERSIST_RUNS_SQL = `
  UPDATE runs r SET status = u.status::"RunStatus", error = u.error::jsonb, "finishedAt" = u."finishedAt", "updatedAt" = now()
  FROM jsonb_to_recordset($1::jsonb) AS u(id uuid, status text, error text, "finishedAt" timestamptz)
  WHERE r.id = ANY($2::uuid[]) AND r.id = u.id`;

/** Queues the engine's execute commands after commit; a failure is left to the sweeper. */
export async function enqueueCommands(deps: { queue: StepQueue; logger: Logger }, runId: string, commands: RunCommand[]): Promise<void> {
  for (const command of commands) {
    if (command.type !== 'execute') continue;
    try {
      await deps.queue.enqueue({ runId, nodeId: command.nodeId, attempt: command.attempt }, command.delayMs);
    } catch (err) {
      deps.logger.warn({ err: String(err), runId }, 'queueing next step failed; the sweeper will retry');
    }
  }
}
