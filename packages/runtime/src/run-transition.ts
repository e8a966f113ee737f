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

/** The statements that write a transition, for a Prisma transaction or a pipelined connection alike. */
export function persistStatements(args: PersistArgs): { name: string; text: string; values: unknown[] }[] {
  const { runId, before, after } = args;
  // Named, so a pooled connection parses and plans each only once.
  const statements: { name: string; text: string; values: unknown[] }[] = [];
  for (const [nodeId, step] of Object.entries(after.steps)) {
    const prev = before.steps[nodeId];
    if (prev && prev.status === step.status && prev.attempt === step.attempt) continue;
    const delay = args.commands.find((c) => c.type === 'execute' && c.nodeId === nodeId);
    const nextAttemptAt = delay?.type === 'execute' && delay.delayMs > 0 ? new Date(Date.now() + delay.delayMs) : null;
    statements.push({
      name: 'qiao-persist-step',
      text: `INSERT INTO steps (id, "runId", "nodeId", status, attempt, "idempotencyKey", "nextAttemptAt", "updatedAt")
        VALUES ($1::uuid, $2::uuid, $3::text, $4::text::"StepStatus", $5::int, $6::text, $7::timestamptz, now())
        ON CONFLICT ("runId", "nodeId") DO UPDATE SET status = EXCLUDED.status, attempt = EXCLUDED.attempt,
          "nextAttemptAt" = EXCLUDED."nextAttemptAt", "updatedAt" = now()`,
      values: [randomUUID(), runId, nodeId, step.status, step.attempt, idempotencyKey(runId, nodeId), nextAttemptAt],
    });
  }
  if (after.status !== before.status) {
    const done = after.status === 'succeeded' || after.status === 'needs_attention';
    const error = after.status === 'needs_attention' && args.failure ? JSON.stringify({ nodeId: args.nodeId, ...args.failure }) : null;
    statements.push({
      name: 'qiao-persist-run',
      text: `UPDATE runs SET status = $2::text::"RunStatus", error = $3::jsonb, "finishedAt" = $4::timestamptz, "updatedAt" = now() WHERE id = $1::uuid`,
      values: [runId, after.status, error, done ? new Date() : null],
    });
  }
  return statements;
}

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
