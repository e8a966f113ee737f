import { useQuery } from '@tanstack/react-query';
import { lazy, Suspense } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { keys } from '../../api/keys';
import { can, RECONCILE_RUN } from '../../auth/access';
import { useUser } from '../../auth/use-user';
import { DataState } from '../../components/data-state';
import { DateTime } from '../../components/date-time';
import { PageHeader } from '../../components/page-header';
import { formatDateTime } from '../../lib/format-date';
import { trpc, type RouterOutputs } from '../../trpc';
import { percent } from './period';
import { RunReportForm } from './run-report-form';

// The chart module (and through it ECharts) loads only when this page shows a chart.
const TrendChart = lazy(() => import('./trend-chart').then((m) => ({ default: m.TrendChart })));

export type ReportRow = RouterOutputs['reconciliation']['list'][number];
const ACTIVE = new Set(['queued', 'running']);

export function periodText(row: { periodFrom: string; periodTo: string }): string {
  return `${formatDateTime(row.periodFrom, { seconds: false })} – ${formatDateTime(row.periodTo, { seconds: false })}`;
}

/** Reconciliation reports: the trend of the discrepancy rate, the list, and a form to run one now. */
export function ReportsPage() {
  const { t } = useTranslation(['reconciliation', 'common']);
  const user = useUser();
  const list = useQuery({
    queryKey: keys.reconciliationList,
    queryFn: () => trpc.reconciliation.list.query({ limit: 60 }),
    refetchInterval: (query) => (query.state.data?.some((r) => ACTIVE.has(r.status)) ? 2_000 : 30_000),
  });
  const points = (list.data ?? [])
    .filter((r) => r.status === 'succeeded' && r.discrepancyRate !== null)
    .map((r) => ({ at: r.createdAt, rate: r.discrepancyRate ?? 0 }))
    .reverse();
  return (
    <>
      <PageHeader title={t('title')}>
        <p className="muted">{t('intro')}</p>
      </PageHeader>
      {can(user, RECONCILE_RUN) ? <RunReportForm /> : <p className="notice">{t('run.financeOnly')}</p>}
      <section aria-labelledby="trend-title" className="panel">
        <h2 id="trend-title">{t('trend.title')}</h2>
        <Suspense fallback={<div className="state state-loading">{t('common:states.loading')}</div>}>
          <TrendChart points={points} />
        </Suspense>
      </section>
      <section aria-labelledby="reports-title">
        <h2 id="reports-title">{t('list.title')}</h2>
        <DataState query={list} isEmpty={(rows) => rows.length === 0} empty={t('list.empty')}>
          {(rows) => (
            <div className="table-wrap">
              <table className="table" aria-labelledby="reports-title">
                <thead>
                  <tr>
                    <th scope="col">{t('list.period')}</th>
                    <th scope="col">{t('list.status')}</th>
                    <th scope="col">{t('list.rate')}</th>
                    <th scope="col">{t('list.trigger')}</th>
                    <th scope="col">{t('list.created')}</th>
                  </tr>
                </thead>
                <tbody>
                  {rows.map((row) => (
                    <tr key={row.id} data-testid="report-row">
                      <td>
                        <Link to={`/reconciliation/${row.id}`} className="strong">{periodText(row)}</Link>
                      </td>
                      <td><span className={`tag report-${row.status}`}>{t(`status.${row.status}`)}</span></td>
                      <td>{percent(row.discrepancyRate)}</td>
                      <td>{row.trigger === 'manual' ? (row.requestedBy ?? '—') : t('list.scheduled')}</td>
                      <td><DateTime value={row.createdAt} /></td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
        </DataState>
      </section>
    </>
  );
}
