import { Redis } from 'ioredis';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { Prisma } from '@qiao/db';
import { createActionContext, createSessionStore, getAction, runAction } from '@qiao/connectors';
import { acceptEvent, kingdeeErpQuery, requestReconciliation, resumeStrandedReports, silentLogger, startWorker, type RunningWorker } from '@qiao/runtime';
import { reconciliationQueue } from './report-queue';
import { seedDemo } from '../seed/seed-demo';
import { startErpSim, type ErpSimProcess } from '../test-support/erp-sim-process';
import { startHarness, type Harness } from '../test-support/harness';

let h: Harness;
let sim: ErpSimProcess;
let worker: RunningWorker;
let connectionId = '';
let runIds: string[] = [];
const cookies: Record<string, string> = {};

async function login(username: string, password: string): Promise<string> {
  const res = await h.app.inject({ method: 'POST', url: '/trpc/auth.login', headers: { 'content-type': 'application/json' }, payload: { username, password } });
  const raw = res.headers['set-cookie'];
  return String(Array.isArray(raw) ? raw[0] : raw).split(';')[0] ?? '';
}

function order(orderNo: string, quantity: string) {
  return {
    specversion: '1.0' as const, id: `evt-${orderNo}`, source: '/it/crm', type: 'com.qiao.sales_order.created', subject: orderNo,
    data: { orderNo, orderDate: '2026-11-27', customer: { code: 'CUST0001' }, salesOrg: '100', lines: [{ material: '01.001', quantity, taxPrice: '113.00', taxRate: '13', warehouse: 'CK001' }] },
  };
}

async function settled(runIds: string[]): Promise<void> {
  const deadline = Date.now() + 90_000;
  for (;;) {
    const runs = await h.db.prisma.run.findMany({ where: { id: { in: runIds } }, select: { status: true } });
    if (runs.every((r) => r.status === 'succeeded' || r.status === 'needs_attention')) return;
    if (Date.now() > deadline) throw new Error(`runs did not finish: ${JSON.stringify(runs)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

async function trpc(path: string, cookie: string, payload?: unknown) {
  return payload === undefined
    ? h.app.inject({ method: 'GET', url: `/trpc/${path}`, headers: { cookie } })
    : h.app.inject({ method: 'POST', url: `/trpc/${path}`, headers: { cookie, 'content-type': 'application/json' }, payload: payload as object });
}

beforeAll(async () => {
  sim = await startErpSim();
  h = await startHarness();
  const seeded = await seedDemo({ prisma: h.db.prisma, box: h.services.box, erpSimUrl: sim.url, dataDir: '/tmp', production: false });
  connectionId = seeded.connectionId;
  worker = await startWorker({
    prisma: h.db.prisma, redisUrl: 'redis://127.0.0.1:6379', prefix: h.prefix, secretKey: h.secretKey, concurrency: 8,
    // The simulator keeps its wall clock in UTC (its PostgreSQL's zone); a K3 site in China would be Asia/Shanghai.
    sweepIntervalMs: 500, sweepGraceMs: 2000, leaseMarginMs: 2000, compensationEveryMs: 0, reconciliationEveryMs: 0, erpTimeZone: 'UTC', logger: silentLogger,
  });
  for (const [user, password] of [['finance', 'qiao-finance'], ['operator', 'qiao-operator'], ['approver', 'qiao-approver']] as const) cookies[user] = await login(user, password);

  // Three orders carried to the ERP by the demo flow.
  runIds = [];
  for (const [no, qty] of [['SO-R-1', '2'], ['SO-R-2', '3'], ['SO-R-3', '1']] as const) {
    const accepted = await acceptEvent(h.services, { event: order(no, qty) });
    runIds.push(accepted.receipt.runs[0]?.id ?? '');
  }
  await settled(runIds);

  // Then the books drift: an order keyed in the ERP by hand, and Qiao's records of two runs disagree with the ERP.
  const save = getAction('kingdee.saveBill');
  if (!save) throw new Error('no saveBill');
  const credentials = h.services.box.openJson((await h.db.prisma.connection.findUniqueOrThrow({ where: { id: connectionId } })).secret);
  await runAction({
    connector: save.connector, action: save.action,
    context: createActionContext({ credentials, connectionId, idempotencyKey: 'manual-order', attempt: 1, sessions: createSessionStore() }),
    input: { formId: 'SAL_SaleOrder', billNo: 'SO-MANUAL-1', model: { FBillTypeID: { FNumber: 'XSDD01_SYS' }, FDate: '2026-11-27', FSaleOrgId: { FNumber: '100' }, FCustId: { FNumber: 'CUST0002' }, FSaleOrderEntry: [{ FMaterialId: { FNumber: '01.002' }, FQty: 1, FTaxPrice: 50 }] } },
  });
  const [r1, r2] = runIds;
  // Run 1 believes the event asked for 5 pieces (the ERP holds 2): a quantity and amount mismatch on every document.
  const step1 = await h.db.prisma.step.findFirstOrThrow({ where: { runId: r1, nodeId: 'saveOrder' } });
  const input1 = step1.input as { model: { FSaleOrderEntry: { FQty: string }[] } };
  input1.model.FSaleOrderEntry[0] = { ...input1.model.FSaleOrderEntry[0], FQty: '5' } as { FQty: string };
  await h.db.prisma.step.update({ where: { id: step1.id }, data: { input: input1 } });
  // Run 2 recorded an invoice number the ERP has never heard of; the real invoice is then one it did not record.
  await h.db.prisma.step.updateMany({ where: { runId: r2, nodeId: 'pushInvoice' }, data: { output: { targets: [{ id: '0', number: 'XSZYFP-GHOST' }], created: true } } });
}, 180_000);

afterAll(async () => {
  await worker?.close().catch(() => undefined);
  // The worker's schedulers keep keys under the prefix; leave none behind.
  const redis = new Redis('redis://127.0.0.1:6379');
  let cursor = '0';
  do {
    const [next, keys] = await redis.scan(cursor, 'MATCH', `${h.prefix}:*`, 'COUNT', 1000);
    cursor = next;
    if (keys.length > 0) await redis.del(...keys);
  } while (cursor !== '0');
  redis.disconnect();
  await h?.close();
  await sim?.stop();
}, 60_000);

describe('reconciliation against the ERP simulator', () => {
  let reportId = '';

  it('is refused to operators (who may only read) and to approvers', async () => {
    const period = { from: new Date(Date.now() - 3600_000).toISOString(), to: new Date(Date.now() + 3600_000).toISOString() };
    expect((await trpc('reconciliation.run', cookies['operator'] ?? '', period)).statusCode).toBe(403);
    expect((await trpc('reconciliation.list', cookies['approver'] ?? '')).statusCode).toBe(403);
    expect((await trpc('reconciliation.run', cookies['finance'] ?? '', { from: period.to, to: period.from })).statusCode).toBe(400);
  });

  it('runs on demand in a worker and reports what differs, per document type', async () => {
    const period = { from: new Date(Date.now() - 3600_000).toISOString(), to: new Date(Date.now() + 3600_000).toISOString() };
    const res = await trpc('reconciliation.run', cookies['finance'] ?? '', period);
    expect(res.statusCode).toBe(200);
    reportId = (res.json() as { result: { data: { id: string } } }).result.data.id;
    const deadline = Date.now() + 60_000;
    let report: { status: string; error: string | null; summary: Record<string, unknown> | null } | undefined;
    while (Date.now() < deadline) {
      report = (((await trpc(`reconciliation.get?input=${encodeURIComponent(JSON.stringify({ id: reportId }))}`, cookies['operator'] ?? '')).json()) as { result: { data: typeof report } }).result.data;
      if (report?.status === 'succeeded' || report?.status === 'failed') break;
      await new Promise((r) => setTimeout(r, 250));
    }
    expect(report?.error ?? null).toBeNull();
    expect(report?.status).toBe('succeeded');
    const summary = report?.summary as { types: { formId: string; qiaoCount: number; erpCount: number; mismatched: number; unknownToQiao: number; missingInErp: number; notRecorded: number; erpAmount: string }[]; runs: { succeeded: number }; discrepancyRate: number };
    expect(summary.runs.succeeded).toBe(3);
    const byForm = Object.fromEntries(summary.types.map((t) => [t.formId, t]));
    expect(byForm['SAL_SaleOrder']).toMatchObject({ qiaoCount: 3, erpCount: 4, unknownToQiao: 1, mismatched: 1, erpAmount: '728.00' });
    expect(byForm['SAL_OUTSTOCK']).toMatchObject({ qiaoCount: 3, erpCount: 3, mismatched: 1, missingInErp: 0 });
    expect(byForm['IV_SALESIC']).toMatchObject({ qiaoCount: 3, erpCount: 3, missingInErp: 1, notRecorded: 1 });
    expect(summary.discrepancyRate).toBeGreaterThan(0);

    const details = (((await trpc(`reconciliation.details?input=${encodeURIComponent(JSON.stringify({ id: reportId, kind: 'mismatch', formId: 'SAL_SaleOrder' }))}`, cookies['finance'] ?? '')).json()) as { result: { data: { total: number; items: { billNo: string; diffs: { field: string }[] }[] } } }).result.data;
    expect(details.total).toBe(1);
    expect(details.items[0]).toMatchObject({ billNo: 'SO-R-1' });
    expect(details.items[0]?.diffs.map((d) => d.field).sort()).toEqual(['amount', 'qty']);
    expect(await h.db.prisma.auditLog.count({ where: { action: 'reconciliation.run', targetId: reportId, username: 'finance' } })).toBe(1);
  }, 90_000);

  it('exports the report as an Excel workbook with a sheet per section', async () => {
    const res = await h.app.inject({ method: 'GET', url: `/api/reconciliation/${reportId}/export?format=xlsx`, headers: { cookie: cookies['finance'] ?? '' } });
    expect(res.statusCode).toBe(200);
    expect(res.headers['content-type']).toContain('spreadsheetml');
    const book = new ExcelJS.Workbook();
    await book.xlsx.load(res.rawPayload as unknown as ArrayBuffer);
    expect(book.worksheets.map((w) => w.name)).toEqual(['汇总 Summary', 'ERP缺失 Missing in ERP', '桥未知 Unknown to Qiao', '未记录 Not recorded', '字段不符 Mismatches', '重复 Duplicates', '发货未开票 Shipped not invoiced', '开票未发货 Invoiced not shipped']);
    const unknown = book.getWorksheet('桥未知 Unknown to Qiao');
    expect(unknown?.getRow(2).getCell(3).value).toBe('SO-MANUAL-1');
    const summary = book.getWorksheet('汇总 Summary');
    const formColumn: unknown[] = [];
    summary?.eachRow((row) => formColumn.push(row.getCell(1).value));
    expect(formColumn).toEqual(expect.arrayContaining(['SAL_SaleOrder', 'SAL_OUTSTOCK', 'AR_receivable', 'IV_SALESIC']));
  });

  it('exports CSV, and refuses anonymous and unentitled callers', async () => {
    const csv = await h.app.inject({ method: 'GET', url: `/api/reconciliation/${reportId}/export?format=csv`, headers: { cookie: cookies['operator'] ?? '' } });
    expect(csv.statusCode).toBe(200);
    const lines = csv.body.replace(/^\uFEFF/, '').trimEnd().split('\r\n');
    expect(lines[0]).toBe('类别 Kind,单据类型 Form,单据编号 Bill no.,业务键 Business key,运行 Run,差异 Differences,备注 Note');
    expect(lines.filter((l) => l.startsWith('unknown_to_qiao,SAL_SaleOrder,SO-MANUAL-1'))).toHaveLength(1);
    const summary = await h.app.inject({ method: 'GET', url: `/api/reconciliation/${reportId}/export?format=csv&section=summary`, headers: { cookie: cookies['operator'] ?? '' } });
    expect(summary.body.trimEnd().split('\r\n')).toHaveLength(5);
    expect((await h.app.inject({ method: 'GET', url: `/api/reconciliation/${reportId}/export?format=csv` })).statusCode).toBe(401);
    expect((await h.app.inject({ method: 'GET', url: `/api/reconciliation/${reportId}/export`, headers: { cookie: cookies['approver'] ?? '' } })).statusCode).toBe(403);
    expect((await h.app.inject({ method: 'GET', url: `/api/reconciliation/${reportId}/export?format=pdf`, headers: { cookie: cookies['finance'] ?? '' } })).statusCode).toBe(400);
  });

  it('queues again a filed report whose job was lost with Redis, so it still runs', async () => {
    const { id } = await requestReconciliation(h.db.prisma, { from: new Date(Date.now() - 3600_000), to: new Date(Date.now() + 3600_000), trigger: 'manual', requestedBy: 'finance' });
    await h.db.prisma.reconciliationReport.update({ where: { id }, data: { createdAt: new Date(Date.now() - 2 * 3600_000) } });
    const queue = reconciliationQueue(h.queue);
    expect(await resumeStrandedReports(h.db.prisma, queue)).toBe(1);
    await vi.waitFor(async () => expect((await h.db.prisma.reconciliationReport.findUniqueOrThrow({ where: { id } })).status).toBe('succeeded'), { timeout: 30_000 });
    expect(await resumeStrandedReports(h.db.prisma, queue)).toBe(0);
  }, 60_000);

  it('compensation re-synchronises a run whose invoice the ERP holds but the run did not record, with the original key', async () => {
    const runId = runIds[2] ?? '';
    const step = await h.db.prisma.step.findFirstOrThrow({ where: { runId, nodeId: 'pushInvoice' } });
    const invoice = (step.output as { targets: { number: string }[] }).targets[0]?.number ?? '';
    const receivable = ((await h.db.prisma.step.findFirstOrThrow({ where: { runId, nodeId: 'pushReceivable' } })).output as { targets: { number: string }[] }).targets[0]?.number ?? '';
    // What a lost response leaves behind: the ERP committed the invoice, the run recorded a network failure.
    await h.db.prisma.step.update({ where: { id: step.id }, data: { status: 'failed', output: Prisma.DbNull, error: { kind: 'connector', code: 'network', message: 'socket hang up', retryable: true }, updatedAt: new Date(Date.now() - 3600_000) } });
    await h.db.prisma.run.update({ where: { id: runId }, data: { status: 'needs_attention', finishedAt: null } });

    const res = await trpc('desk.compensate', cookies['operator'] ?? '', { minAgeMinutes: 0 });
    expect(res.statusCode).toBe(200);
    const report = (res.json() as { result: { data: { retried: { runId: string; nodeId: string }[] } } }).result.data;
    expect(report.retried).toEqual([expect.objectContaining({ runId, nodeId: 'pushInvoice' })]);
    await settled([runId]);
    await vi.waitFor(async () => expect((await h.db.prisma.run.findUniqueOrThrow({ where: { id: runId } })).status).toBe('succeeded'), { timeout: 30_000 });
    const after = await h.db.prisma.step.findFirstOrThrow({ where: { runId, nodeId: 'pushInvoice' } });
    expect(after.idempotencyKey).toBe(step.idempotencyKey);
    expect((after.output as { targets: { number: string }[] }).targets.map((t) => t.number)).toEqual([invoice]);
    // Still one invoice for the receivable in the ERP.
    const credentials = h.services.box.openJson((await h.db.prisma.connection.findUniqueOrThrow({ where: { id: connectionId } })).secret);
    const rows = await kingdeeErpQuery({ credentials, connectionId })({ formId: 'IV_SALESIC', fieldKeys: ['FBillNo'], filter: `FSrcBillNo='${receivable}'` });
    expect(new Set(rows.map((r) => r['FBillNo']))).toEqual(new Set([invoice]));
    const reports = (((await trpc('desk.compensationReports', cookies['operator'] ?? '')).json()) as { result: { data: { trigger: string; requestedBy: string; retried: unknown[] }[] } }).result.data;
    expect(reports[0]).toMatchObject({ trigger: 'manual', requestedBy: 'operator', retried: [expect.objectContaining({ runId })] });
  }, 60_000);

  it('compensation re-queues a run waiting past its deadline whose job was lost', async () => {
    const runId = runIds[0] ?? '';
    await h.db.prisma.step.updateMany({ where: { runId, nodeId: 'pushInvoice' }, data: { status: 'retrying', nextAttemptAt: new Date(Date.now() - 3600_000), output: Prisma.DbNull } });
    await h.db.prisma.run.update({ where: { id: runId }, data: { status: 'running', finishedAt: null } });
    await worker.close();
    const res = await trpc('desk.compensate', cookies['operator'] ?? '', { minAgeMinutes: 0 });
    expect((res.json() as { result: { data: { requeued: number } } }).result.data.requeued).toBeGreaterThanOrEqual(1);
    const step = await h.db.prisma.step.findFirstOrThrow({ where: { runId, nodeId: 'pushInvoice' } });
    expect(await h.queue.queue.getJob(`${runId}.pushInvoice.${step.attempt + 1}`)).toBeDefined();
  });
});
