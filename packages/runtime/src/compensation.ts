import type { DeskDeps } from './interventions';
import { retryStep } from './interventions';
import { sweep } from './sweeper';

export interface CompensationOptions {
  /** Leave fresh failures to people for this long before trying again on their own. */
  minAgeMs?: number;
  limit?: number;
  /** Who asked: recorded with the report ("schedule" when the job scheduler did). */
  trigger?: 'schedule' | 'manual';
  requestedBy?: string | null;
}

export interface CompensationReport {
  examined: number;
  retried: { runId: string; nodeId: string; attempt: number; code: string }[];
  leftForPeople: number;
  /** Steps overdue (a retry whose time passed long ago, a lease that ran out) put back in the queue. */
  requeued: number;
}

/**
 * The compensation pass (every 10 minutes by default, and on demand): a run that stopped because a
 * remote system was unreachable — the ERP down for an hour, a callback answering 503 — is tried again
 * with its original idempotency key, so whatever the remote side already holds is found and recorded
 * rather than created twice. Failures no retry can fix (the ERP refused the document, a mapping
 * error) stay with people; so do test runs of drafts, which belong to their designer. Runs waiting past their deadline — a retry whose time passed long ago, a
 * worker's lease that ran out — are queued again. Each retry is written to the audit log as the
 * system's action, and each pass leaves a report for the console.
 */
export async function compensate(deps: DeskDeps, options: CompensationOptions = {}): Promise<CompensationReport> {
  const minAgeMs = options.minAgeMs ?? 10 * 60_000;
  const steps = await deps.prisma.step.findMany({
    where: { status: 'failed', run: { status: 'needs_attention', mode: 'live' }, updatedAt: { lt: new Date(Date.now() - minAgeMs) } },
    select: { runId: true, nodeId: true, attempt: true, error: true },
    orderBy: { updatedAt: 'asc' },
    take: options.limit ?? 500,
  });
  const report: CompensationReport = { examined: steps.length, retried: [], leftForPeople: 0, requeued: 0 };
  for (const step of steps) {
    const error = step.error as { retryable?: unknown; code?: unknown } | null;
    if (error?.retryable !== true) {
      report.leftForPeople += 1;
      continue;
    }
    const outcome = await retryStep(deps, { runId: step.runId, nodeId: step.nodeId, attempt: step.attempt });
    if (!outcome.ok) continue;
    const code = typeof error.code === 'string' ? error.code : 'unknown';
    report.retried.push({ runId: step.runId, nodeId: step.nodeId, attempt: step.attempt, code });
    await deps.prisma.auditLog.create({
      data: { username: 'system:compensation', action: 'run.compensate', targetType: 'run', targetId: step.runId, detail: { nodeId: step.nodeId, attempt: step.attempt, code } },
    });
  }
  // The sweeper does this every few seconds; here with a longer grace, as a net if it is not running.
  report.requeued = (await sweep(deps, { graceMs: Math.max(minAgeMs, 60_000) })).requeued;
  await deps.prisma.compensationReport.create({
    data: { trigger: options.trigger ?? 'schedule', requestedBy: options.requestedBy ?? null, examined: report.examined, leftForPeople: report.leftForPeople, requeued: report.requeued, retried: report.retried },
  });
  if (report.retried.length > 0) deps.logger.info({ retried: report.retried.length, examined: report.examined }, 'compensation retried stalled runs');
  return report;
}
