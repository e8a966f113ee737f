import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { keys } from '../../api/keys';
import { DataState } from '../../components/data-state';
import { PageHeader } from '../../components/page-header';
import { formatDateTime } from '../../lib/format-date';
import { trpc } from '../../trpc';
import { BulkRetry } from './bulk-retry';
import { CompensationPanel } from './compensation-panel';
import { DeskRow } from './desk-row';
import { OutboxPanel } from './outbox-panel';
import { DESK_LIVE_MS } from './use-desk-count';

export const CATEGORIES = ['erp_rejected', 'erp_unreachable', 'timeout', 'mapping', 'configuration', 'internal'] as const;
type Category = (typeof CATEGORIES)[number];

/** 待处理: the runs waiting for a person, refreshed while open, with what can be done about each. */
export function DeskPage() {
  const { t } = useTranslation(['desk', 'common']);
  const [params, setParams] = useSearchParams();
  const flowId = params.get('flow') ?? '';
  const categoryParam = params.get('category') ?? '';
  const category = (CATEGORIES as readonly string[]).includes(categoryParam) ? (categoryParam as Category) : undefined;
  const filter = { ...(flowId ? { flowId } : {}), ...(category ? { category } : {}) };
  const list = useQuery({ queryKey: keys.deskList(filter), queryFn: () => trpc.desk.list.query({ ...filter, limit: 500 }), refetchInterval: DESK_LIVE_MS, placeholderData: (previous) => previous });
  const flows = useQuery({ queryKey: keys.flowList({}), queryFn: () => trpc.flows.list.query({}) });

  function setFilter(name: string, value: string) {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next, { replace: true });
  }

  const failedSteps = (list.data ?? []).filter((i) => i.nodeId !== null).length;

  return (
    <>
      <PageHeader
        title={t('title')}
        actions={list.dataUpdatedAt > 0 && <span className="muted small">{t('updatedAt', { time: formatDateTime(list.dataUpdatedAt).slice(11) })}</span>}
      >
        <p className="muted">{t('intro')}</p>
      </PageHeader>
      <div className="toolbar" role="group" aria-label={t('filters.label')}>
        <label className="field inline">
          <span>{t('filters.flow')}</span>
          <select value={flowId} onChange={(e) => setFilter('flow', e.target.value)}>
            <option value="">{t('filters.allFlows')}</option>
            {(flows.data ?? []).map((f) => (
              <option key={f.id} value={f.id}>{f.name}</option>
            ))}
          </select>
        </label>
        <label className="field inline">
          <span>{t('filters.category')}</span>
          <select value={category ?? ''} onChange={(e) => setFilter('category', e.target.value)}>
            <option value="">{t('filters.allCategories')}</option>
            {CATEGORIES.map((c) => (
              <option key={c} value={c}>{t(`category.${c}`)}</option>
            ))}
          </select>
        </label>
        <span className="spacer" />
        <BulkRetry filter={filter} count={failedSteps} />
      </div>
      <DataState query={list} isEmpty={(items) => items.length === 0} empty={t('empty')}>
        {(items) => (
          <div className="table-wrap">
            <table className="table" aria-label={t('title')}>
              <thead>
                <tr>
                  <th scope="col">{t('columns.run')}</th>
                  <th scope="col">{t('columns.step')}</th>
                  <th scope="col">{t('columns.category')}</th>
                  <th scope="col">{t('columns.error')}</th>
                  <th scope="col">{t('columns.since')}</th>
                  <th scope="col">{t('columns.actions')}</th>
                </tr>
              </thead>
              <tbody>
                {items.map((item) => (
                  <DeskRow key={`${item.runId}.${item.nodeId ?? ''}.${item.attempt}`} item={item} />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </DataState>
      <OutboxPanel />
      <CompensationPanel />
    </>
  );
}
