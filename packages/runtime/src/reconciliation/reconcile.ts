import type { Prisma, PrismaClient } from '@qiao/db';
import type { PlanCache } from '../plan-cache';
import { compareDocuments, type ErpDocument, type QiaoChain } from './compare';
import type { ErpQuery } from './erp-query';
import { gatherErpDocuments } from './gather-erp';
import { gatherQiaoChains } from './gather-qiao';
import type { ReconciliationResult } from './report';

export interface ReconcileDeps {
  prisma: PrismaClient;
  plans: PlanCache;
  /** The ExecuteBillQuery port of a Kingdee connection. */
  erpFor: (connectionId: string) => Promise<ErpQuery>;
}

export interface ReconcileOptions {
  period: { from: Date; to: Date };
  /** The ERP's wall-clock zone for FCreateDate filters (K3 sites run on China time). */
  erpTimeZone?: string;
  onProgress?: (progress: { phase: 'qiao' | 'erp' | 'compare'; detail: string }) => void;
}

export type ReconcileOutcome = ReconciliationResult & { queries: number };

/** Reconciles one period: Qiao's runs (PostgreSQL) against each ERP connection's documents. */
export async function reconcile(deps: ReconcileDeps, options: ReconcileOptions): Promise<ReconcileOutcome> {
  const { period } = options;
  const qiao = await gatherQiaoChains(deps.prisma, deps.plans, period, (runs) => options.onProgress?.({ phase: 'qiao', detail: String(runs) }));
  const chains: QiaoChain[] = [];
  const erp: ErpDocument[] = [];
  const inPeriod: { formId: string; billNo: string }[] = [];
  const outsidePeriod = new Set<string>();
  let queries = 0;
  for (const [connectionId, entry] of qiao.byConnection) {
    const gathered = await gatherErpDocuments({
      query: await deps.erpFor(connectionId),
      chains: entry.chains,
      period,
      timeZone: options.erpTimeZone ?? 'Asia/Shanghai',
      knownRoots: async (billNos) => {
        const rows = await deps.prisma.run.findMany({ where: { businessKey: { in: billNos } }, select: { businessKey: true } });
        return new Set(rows.map((r) => r.businessKey).filter((k): k is string => k !== null));
      },
      onProgress: (form) => options.onProgress?.({ phase: 'erp', detail: form }),
    });
    chains.push(...entry.chains);
    erp.push(...gathered.erp);
    inPeriod.push(...gathered.inPeriod);
    for (const no of gathered.outsidePeriod) outsidePeriod.add(no);
    queries += gathered.queries;
  }
  options.onProgress?.({ phase: 'compare', detail: String(chains.length) });
  return { ...compareDocuments({ chains, erp, inPeriod, outsidePeriod }), queries };
}

/** Findings kept per report; beyond this the summary still counts them all. */
export const MAX_STORED_DETAILS = 20_000;

/** Files a report to be run by a worker (status queued). */
export async function requestReconciliation(prisma: PrismaClient, request: { from: Date; to: Date; trigger: 'schedule' | 'manual'; requestedBy: string | null }): Promise<{ id: string }> {
  return prisma.reconciliationReport.create({
    data: { periodFrom: request.from, periodTo: request.to, trigger: request.trigger, requestedBy: request.requestedBy },
    select: { id: true },
  });
}

/**
 * Runs a filed report and stores its result. A worker that dies half-way leaves it `running`; BullMQ
 * hands the stalled job to another worker, which starts it again from the beginning (it only reads).
 */
export async function runReconciliationReport(deps: ReconcileDeps & { erpTimeZone?: string }, reportId: string): Promise<void> {
  const report = await deps.prisma.reconciliationReport.findUnique({ where: { id: reportId }, select: { status: true, periodFrom: true, periodTo: true } });
  if (!report || report.status === 'succeeded' || report.status === 'failed') return;
  await deps.prisma.reconciliationReport.update({ where: { id: reportId }, data: { status: 'running', startedAt: new Date(), progress: { phase: 'qiao', detail: '0' } } });
  let lastWrite = 0;
  try {
    const outcome = await reconcile(deps, {
      period: { from: report.periodFrom, to: report.periodTo },
      ...(deps.erpTimeZone ? { erpTimeZone: deps.erpTimeZone } : {}),
      onProgress: (progress) => {
        // At most a write a second: progress is for the console, not worth a round trip per batch.
        if (Date.now() - lastWrite < 1000) return;
        lastWrite = Date.now();
        void deps.prisma.reconciliationReport.update({ where: { id: reportId }, data: { progress } }).catch(() => undefined);
      },
    });
    const { details, ...summary } = outcome;
    await deps.prisma.reconciliationReport.update({
      where: { id: reportId },
      data: {
        status: 'succeeded',
        finishedAt: new Date(),
        progress: { phase: 'done', detail: String(outcome.queries) },
        summary: { ...summary, storedDetails: Math.min(details.length, MAX_STORED_DETAILS), totalDetails: details.length } as unknown as Prisma.InputJsonValue,
        details: details.slice(0, MAX_STORED_DETAILS) as unknown as Prisma.InputJsonValue,
        discrepancyRate: outcome.discrepancyRate,
      },
    });
  } catch (err) {
    await deps.prisma.reconciliationReport.update({ where: { id: reportId }, data: { status: 'failed', finishedAt: new Date(), error: err instanceof Error ? err.message : String(err) } });
    throw err;
  }
}

/**
 * Reports filed but never finished whose job is gone (Redis flushed or restarted without its data):
 * queued again under their own job id. A report is looked at only after `graceMs`, well past the
 * time BullMQ needs to hand a stalled job to another worker.
 */
export async function resumeStrandedReports(
  prisma: PrismaClient,
  queue: { getJob(id: string): Promise<{ getState(): Promise<string> } | undefined>; add(name: string, data: { reportId: string }, opts: { jobId: string; removeOnComplete: number; removeOnFail: number }): Promise<unknown> },
  graceMs = 30 * 60_000,
): Promise<number> {
  const stranded = await prisma.reconciliationReport.findMany({
    where: { status: { in: ['queued', 'running'] }, createdAt: { lt: new Date(Date.now() - graceMs) } },
    select: { id: true },
    take: 50,
  });
  let resumed = 0;
  for (const { id } of stranded) {
    const job = await queue.getJob(`report.${id}`);
    const state = job ? await job.getState() : 'missing';
    if (state === 'waiting' || state === 'active' || state === 'delayed' || state === 'prioritized') continue;
    await queue.add('reconcile', { reportId: id }, { jobId: `report.${id}.${Date.now()}`, removeOnComplete: 100, removeOnFail: 100 });
    resumed += 1;
  }
  return resumed;
}
