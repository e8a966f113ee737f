import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import type { PrismaClient } from '@qiao/db';
import { discrepancySchema } from '@qiao/runtime';
import { resolveSession } from '../auth/sessions';
import { sendProblem } from '../problem';
import { SESSION_COOKIE } from '../trpc/context';
import { RECONCILE_VIEW } from '../trpc/roles';
import { summarySchema } from '../trpc/routers/reconciliation.router';
import { reportCsv, reportWorkbook } from './export';

const TITLES: Record<number, string> = { 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found', 409: 'Conflict' };
const fail = (reply: FastifyReply, status: number, detail: string) => sendProblem(reply, { status, title: TITLES[status] ?? 'Error', detail });

const params = z.object({ id: z.uuid() });
const query = z.object({ format: z.enum(['xlsx', 'csv']).default('xlsx'), section: z.enum(['summary', 'details']).default('details') });

/** GET /api/reconciliation/:id/export?format=xlsx|csv — a file download, for a signed-in viewer of reports. */
export function reconciliationExportRoute(app: FastifyInstance, prisma: PrismaClient): void {
  app.get('/api/reconciliation/:id/export', async (req, reply) => {
    const user = await resolveSession(prisma, req.cookies[SESSION_COOKIE]);
    if (!user) return fail(reply, 401, 'Please sign in.');
    if (!user.roles.some((r) => (RECONCILE_VIEW as readonly string[]).includes(r))) return fail(reply, 403, `This needs one of the roles: ${RECONCILE_VIEW.join(', ')}.`);
    const p = params.safeParse(req.params);
    if (!p.success) return fail(reply, 400, 'id: not a report id (UUID).');
    const q = query.safeParse(req.query);
    if (!q.success) return fail(reply, 400, `${q.error.issues[0]?.path.join('.') ?? 'query'}: ${q.error.issues[0]?.message ?? 'invalid'}`);
    const row = await prisma.reconciliationReport.findUnique({ where: { id: p.data.id }, select: { id: true, status: true, periodFrom: true, periodTo: true, finishedAt: true, summary: true, details: true } });
    if (!row) return fail(reply, 404, `Reconciliation report ${p.data.id} does not exist.`);
    if (row.status !== 'succeeded' || row.summary === null) return fail(reply, 409, `Report ${row.id} is ${row.status}; only a finished report can be exported.`);
    const report = { ...row, summary: summarySchema.parse(row.summary), details: z.array(discrepancySchema).parse(row.details ?? []) };
    const day = row.periodFrom.toISOString().slice(0, 10);
    const name = `reconciliation-${day}-${row.id.slice(0, 8)}`;
    if (q.data.format === 'xlsx') {
      return reply
        .header('content-type', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet')
        .header('content-disposition', `attachment; filename="${name}.xlsx"`)
        .send(await reportWorkbook(report));
    }
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${name}-${q.data.section}.csv"`)
      .send(reportCsv(report, q.data.section));
  });
}
