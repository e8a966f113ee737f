import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { keys } from '../../api/keys';
import { can, DESIGN } from '../../auth/access';
import { useUser } from '../../auth/use-user';
import { Breakable } from '../../components/breakable';
import { DateTime } from '../../components/date-time';
import { DataState } from '../../components/data-state';
import { PageHeader } from '../../components/page-header';
import { StatusBadge } from '../../components/status-badge';
import { useDebounced } from '../../hooks/use-debounced';
import { trpc, type RouterOutputs } from '../../trpc';
import { FlowActionDialog, type FlowAction } from './flow-dialogs';

type FlowRow = RouterOutputs['flows']['list'][number];
const STATUSES = ['draft', 'published', 'archived'] as const;
type StatusFilter = (typeof STATUSES)[number];

function isStatus(value: string | null): value is StatusFilter {
  return value !== null && (STATUSES as readonly string[]).includes(value);
}

export function FlowsPage() {
  const { t } = useTranslation(['flows', 'common']);
  const user = useUser();
  const designer = can(user, DESIGN);
  const [params, setParams] = useSearchParams();
  const [search, setSearch] = useState(params.get('q') ?? '');
  const statusParam = params.get('status');
  const status = isStatus(statusParam) ? statusParam : undefined;
  const query = useDebounced(search.trim(), 250);
  const [action, setAction] = useState<FlowAction | null>(null);
  const input = { ...(query ? { search: query } : {}), ...(status ? { status } : {}) };
  const flows = useQuery({ queryKey: keys.flowList(input), queryFn: () => trpc.flows.list.query(input), placeholderData: (previous) => previous });

  function setFilter(name: string, value: string) {
    const next = new URLSearchParams(params);
    if (value) next.set(name, value);
    else next.delete(name);
    setParams(next, { replace: true });
  }

  const filtered = Boolean(query || status);
  return (
    <>
      <PageHeader
        title={t('title')}
        actions={
          designer && (
            <button type="button" className="btn btn-primary" onClick={() => setAction({ kind: 'create' })}>
              {t('new')}
            </button>
          )
        }
      />
      <div className="toolbar" role="search">
        <label className="field inline">
          <span className="visually-hidden">{t('search')}</span>
          <input
            type="search"
            placeholder={t('searchPlaceholder')}
            aria-label={t('search')}
            value={search}
            onChange={(e) => {
              setSearch(e.target.value);
              setFilter('q', e.target.value.trim());
            }}
          />
        </label>
        <label className="field inline">
          <span>{t('statusFilter')}</span>
          <select value={status ?? ''} onChange={(e) => setFilter('status', e.target.value)}>
            <option value="">{t('statusActive')}</option>
            {STATUSES.map((s) => (
              <option key={s} value={s}>
                {t(`common:status.${s}`)}
              </option>
            ))}
          </select>
        </label>
        {flows.isFetching && !flows.isPending && <span className="muted small" role="status">{t('common:states.refreshing')}</span>}
      </div>
      <DataState query={flows} isEmpty={(list) => list.length === 0} empty={filtered ? t('emptyFiltered') : designer ? t('emptyDesigner') : t('empty')}>
        {(list) => (
          <div className="table-wrap">
            <table className="table" aria-label={t('title')}>
              <thead>
                <tr>
                  <th scope="col">{t('columns.name')}</th>
                  <th scope="col">{t('columns.status')}</th>
                  <th scope="col">{t('columns.trigger')}</th>
                  <th scope="col">{t('columns.version')}</th>
                  <th scope="col">{t('columns.updated')}</th>
                  {designer && <th scope="col"><span className="visually-hidden">{t('columns.actions')}</span></th>}
                </tr>
              </thead>
              <tbody>
                {list.map((flow) => (
                  <FlowRowView key={flow.id} flow={flow} designer={designer} onAction={setAction} />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </DataState>
      <FlowActionDialog action={action} onClose={() => setAction(null)} />
    </>
  );
}

function FlowRowView({ flow, designer, onAction }: { flow: FlowRow; designer: boolean; onAction: (a: FlowAction) => void }) {
  const { t } = useTranslation(['flows', 'common']);
  const ref = { id: flow.id, name: flow.name };
  return (
    <tr data-testid="flow-row">
      <td>
        <Link to={`/flows/${flow.id}`} className="strong">
          {flow.name}
        </Link>
        {flow.description && <div className="muted small truncate">{flow.description}</div>}
      </td>
      <td>
        <StatusBadge status={flow.status} />
      </td>
      <td>{flow.triggerType ? <code className="small"><Breakable text={flow.triggerType} /></code> : <span className="muted">—</span>}</td>
      <td>{flow.publishedVersion ? `v${flow.publishedVersion}` : <span className="muted">—</span>}</td>
      <td>
        <div><DateTime value={flow.updatedAt} /></div>
        {flow.updatedBy && <div className="muted small">{t('updatedBy', { name: flow.updatedBy })}</div>}
      </td>
      {designer && (
        <td className="row-actions">
          {flow.status !== 'archived' && (
            <>
              <button type="button" className="btn btn-small" onClick={() => onAction({ kind: 'rename', flow: ref })} aria-label={t('actions.renameNamed', { name: flow.name })}>
                {t('actions.rename')}
              </button>
              <button type="button" className="btn btn-small" onClick={() => onAction({ kind: 'duplicate', flow: ref })} aria-label={t('actions.duplicateNamed', { name: flow.name })}>
                {t('actions.duplicate')}
              </button>
              <button type="button" className="btn btn-small btn-danger-outline" onClick={() => onAction({ kind: 'archive', flow: ref })} aria-label={t('actions.archiveNamed', { name: flow.name })}>
                {t('actions.archive')}
              </button>
            </>
          )}
          {flow.status === 'archived' && (
            <button type="button" className="btn btn-small" onClick={() => onAction({ kind: 'duplicate', flow: ref })} aria-label={t('actions.duplicateNamed', { name: flow.name })}>
              {t('actions.duplicate')}
            </button>
          )}
        </td>
      )}
    </tr>
  );
}
