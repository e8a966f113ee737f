import { useInfiniteQuery } from '@tanstack/react-query';
import { useMemo, useState } from 'react';
import '../flows/designer/test-runs.css';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { keys } from '../../api/keys';
import { DateTime } from '../../components/date-time';
import { DataState } from '../../components/data-state';
import { PageHeader } from '../../components/page-header';
import { StatusBadge } from '../../components/status-badge';
import { useDebounced } from '../../hooks/use-debounced';
import { errorSummary } from '../../lib/error-summary';
import { between, formatDateTime, formatDuration } from '../../lib/format-date';
import { trpc, type RouterOutputs } from '../../trpc';
import { filtersFromParams, RUN_STATUSES, RunFilters } from './run-filters';

type RunPage = RouterOutputs['runs']['list'];
export const LIVE_INTERVAL_MS = 2_000;
const PAGE_SIZE = 50;

/** Runs, newest first, refreshed every two seconds while the page is visible; counts by status on top. */
export function RunsPage() {
  const { t } = useTranslation(['runs', 'common', 'runview']);
  const [params, setParams] = useSearchParams();
  const [live, setLive] = useState(true);
  // Debounced as a string: typing in a filter sends one request when the typing stops.
  const settled = useDebounced(params.toString(), 300);
  const filters = useMemo(() => filtersFromParams(new URLSearchParams(settled)), [settled]);
  const runs = useInfiniteQuery({
    queryKey: keys.runList(filters),
    queryFn: ({ pageParam }) => trpc.runs.list.query({ ...filters, limit: PAGE_SIZE, ...(pageParam ? { cursor: pageParam } : {}) }),
    initialPageParam: null as string | null,
    getNextPageParam: (last: RunPage) => last.nextCursor,
    refetchInterval: live ? LIVE_INTERVAL_MS : false,
    placeholderData: (previous) => previous,
  });

  function setFilter(name: string, value: string) {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next, { replace: true });
  }

  const counts = runs.data?.pages[0]?.counts ?? {};
  const total = Object.values(counts).reduce((a, b) => a + b, 0);
  const activeStatus = params.get('status') ?? '';
  const seen = new Set<string>();
  const items = (runs.data?.pages ?? []).flatMap((p) => p.items).filter((r) => !seen.has(r.id) && Boolean(seen.add(r.id)));

  return (
    <>
      <PageHeader
        title={t('title')}
        actions={
          <label className="live-toggle">
            <input type="checkbox" checked={live} onChange={(e) => setLive(e.target.checked)} />
            <span className={live ? 'live-dot on' : 'live-dot'} aria-hidden="true" />
            {t('live')}
            {runs.dataUpdatedAt > 0 && <span className="muted small">{t('updatedAt', { time: formatDateTime(runs.dataUpdatedAt).slice(11) })}</span>}
          </label>
        }
      />
      <RunFilters params={params} onChange={setFilter} onClear={() => setParams(new URLSearchParams(), { replace: true })} />
      <div className="status-counts" role="group" aria-label={t('countsLabel')}>
        <button type="button" className={activeStatus === '' ? 'count-chip active' : 'count-chip'} aria-pressed={activeStatus === ''} onClick={() => setFilter('status', '')}>
          {t('filters.allStatuses')} <span className="count">{total}</span>
        </button>
        {RUN_STATUSES.map((s) => (
          <button key={s} type="button" className={`count-chip count-${s}${activeStatus === s ? ' active' : ''}`} aria-pressed={activeStatus === s} onClick={() => setFilter('status', activeStatus === s ? '' : s)} data-testid={`count-${s}`}>
            {t(`common:status.${s}`)} <span className="count">{counts[s] ?? 0}</span>
          </button>
        ))}
      </div>
      <DataState query={runs} isEmpty={() => items.length === 0} empty={t('empty')}>
        {() => (
          <>
            <div className="table-wrap">
              <table className="table" aria-label={t('title')}>
                <thead>
                  <tr>
                    <th scope="col">{t('columns.status')}</th>
                    <th scope="col">{t('columns.businessKey')}</th>
                    <th scope="col">{t('columns.flow')}</th>
                    <th scope="col">{t('columns.event')}</th>
                    <th scope="col">{t('columns.created')}</th>
                    <th scope="col">{t('columns.duration')}</th>
                    <th scope="col">{t('columns.error')}</th>
                  </tr>
                </thead>
                <tbody>
                  {items.map((run) => (
                    <tr key={run.id} data-testid="run-row" data-business-key={run.businessKey ?? ''}>
                      <td>
                        <StatusBadge status={run.status} />
                      </td>
                      <td>
                        <Link to={`/runs/${run.id}`} className="strong">
                          {run.businessKey ?? t('noBusinessKey')}
                        </Link>
                      </td>
                      <td>
                        {run.flow.name} {run.mode === 'test' ? <span className="badge badge-test">{t('runview:list.testBadge')}</span> : <span className="muted small">v{run.flowVersion.version}</span>}
                      </td>
                      <td>
                        <code className="small truncate" title={run.event.eventId}>
                          {run.event.eventId}
                        </code>
                      </td>
                      <td><DateTime value={run.createdAt} /></td>
                      <td>{formatDuration(between(run.createdAt, run.finishedAt))}</td>
                      <td className="error-cell">{errorSummary(run.error) ?? ''}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            {runs.hasNextPage && (
              <button type="button" className="btn load-more" onClick={() => void runs.fetchNextPage()} disabled={runs.isFetchingNextPage}>
                {runs.isFetchingNextPage ? t('common:states.loading') : t('loadMore')}
              </button>
            )}
          </>
        )}
      </DataState>
    </>
  );
}
