import { randomUUID } from 'node:crypto';
import type { RunCommand, RunState, StepState } from '@qiao/engine';
import type { Prisma } from '@qiao/db';
import { idempotencyKey } from './idempotency-key';
import type { Logger } from './logger';
import type { StepQueue } from './queue';
import type { StepFailure } from './step-failure';

/** Loads a run's step states for the engine; call inside the transaction that holds the run row lock. */
export async function loadState(tx: Prisma.TransactionClient, runId: string, status: RunState['status']): Promise<RunState> {
  const rows = await tx.step.findMany({ where: { runId }, select: { nodeId: true, status: true, attempt: true, edges: true } });
  const steps: Record<string, StepState> = {};
  for (const r of rows) {
    steps[r.nodeId] = { status: r.status, attempt: r.attempt, ...(r.edges ? { edges: r.edges as Record<string, boolean> } : {}) };
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
  const { runId, before, after } = args;
  for (const [nodeId, step] of Object.entries(after.steps)) {
    const prev = before.steps[nodeId];
    if (prev && prev.status === step.status && prev.attempt === step.attempt) continue;
    const delay = args.commands.find((c) => c.type === 'execute' && c.nodeId === nodeId);
    const nextAttemptAt = delay?.type === 'execute' && delay.delayMs > 0 ? new Date(Date.now() + delay.delayMs) : null;
    await tx.$executeRaw`
      INSERT INTO steps (id, "runId", "nodeId", status, attempt, "idempotencyKey", "nextAttemptAt", "updatedAt")
      VALUES (${randomUUID()}::uuid, ${runId}::uuid, ${nodeId}, ${step.status}::"StepStatus", ${step.attempt}, ${idempotencyKey(runId, nodeId)}, ${nextAttemptAt}, now())
      ON CONFLICT ("runId", "nodeId") DO UPDATE SET status = EXCLUDED.status, attempt = EXCLUDED.attempt,
        "nextAttemptAt" = EXCLUDED."nextAttemptAt", "updatedAt" = now()`;
  }
  if (after.status !== before.status) {
    const done = after.status === 'succeeded' || after.status === 'needs_attention';
    const error = after.status === 'needs_attention' && args.failure ? JSON.stringify({ nodeId: args.nodeId, ...args.failure }) : null;
    await tx.$executeRaw`
      UPDATE runs SET status = ${after.status}::"RunStatus", error = ${error}::jsonb,
        "finishedAt" = ${done ? new Date() : null}, "updatedAt" = now()
      WHERE id = ${runId}::uuid`;
  }
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
