import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { keys } from '../../api/keys';
import { fromShanghaiInput, toShanghaiInput } from '../../lib/format-date';
import { trpc, type RouterInputs } from '../../trpc';

export const RUN_STATUSES = ['pending', 'running', 'succeeded', 'needs_attention', 'cancelled'] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];
export type RunListInput = NonNullable<RouterInputs['runs']['list']>;

/** Filters live in the URL (?flow=&status=&from=&to=&key=&event=&tests=), so a filtered view can be shared and survives a reload. */
export function filtersFromParams(params: URLSearchParams): Omit<RunListInput, 'cursor' | 'limit'> {
  const status = params.get('status');
  const from = fromShanghaiInput(params.get('from') ?? '');
  const to = fromShanghaiInput(params.get('to') ?? '');
  const get = (name: string) => params.get(name)?.trim() ?? '';
  return {
    ...(get('flow') ? { flowId: get('flow') } : {}),
    ...(status && (RUN_STATUSES as readonly string[]).includes(status) ? { status: status as RunStatus } : {}),
    ...(from ? { from } : {}),
    ...(to ? { to } : {}),
    ...(get('key') ? { businessKey: get('key') } : {}),
    ...(get('event') ? { eventId: get('event') } : {}),
    // Test runs of drafts only when asked for (?tests=1), as the server does by default.
    mode: params.get('tests') === '1' ? ('all' as const) : ('live' as const),
  };
}

interface RunFiltersProps {
  params: URLSearchParams;
  onChange: (name: string, value: string) => void;
  onClear: () => void;
}

export function RunFilters({ params, onChange, onClear }: RunFiltersProps) {
  const { t } = useTranslation(['runs', 'common', 'runview']);
  const flows = useQuery({ queryKey: keys.flowList({}), queryFn: () => trpc.flows.list.query({}), staleTime: 30_000 });
  const any = ['flow', 'status', 'from', 'to', 'key', 'event', 'tests'].some((p) => params.get(p));
  return (
    <form className="filters" role="search" aria-label={t('filters.label')} onSubmit={(e) => e.preventDefault()}>
      <label className="field">
        <span>{t('filters.flow')}</span>
        <select value={params.get('flow') ?? ''} onChange={(e) => onChange('flow', e.target.value)}>
          <option value="">{t('filters.allFlows')}</option>
          {flows.data?.map((f) => (
            <option key={f.id} value={f.id}>
              {f.name}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>{t('filters.status')}</span>
        <select value={params.get('status') ?? ''} onChange={(e) => onChange('status', e.target.value)}>
          <option value="">{t('filters.allStatuses')}</option>
          {RUN_STATUSES.map((s) => (
            <option key={s} value={s}>
              {t(`common:status.${s}`)}
            </option>
          ))}
        </select>
      </label>
      <label className="field">
        <span>{t('filters.from')}</span>
        <input type="datetime-local" value={params.get('from') ?? ''} onChange={(e) => onChange('from', e.target.value)} />
      </label>
      <label className="field">
        <span>{t('filters.to')}</span>
        <input type="datetime-local" value={params.get('to') ?? ''} onChange={(e) => onChange('to', e.target.value)} />
      </label>
      <label className="field">
        <span>{t('filters.businessKey')}</span>
        <input type="search" value={params.get('key') ?? ''} placeholder="SO-20261127-0001" onChange={(e) => onChange('key', e.target.value)} />
      </label>
      <label className="field">
        <span>{t('filters.eventId')}</span>
        <input type="search" value={params.get('event') ?? ''} onChange={(e) => onChange('event', e.target.value)} />
      </label>
      <label className="field field-check">
        <input type="checkbox" checked={params.get('tests') === '1'} onChange={(e) => onChange('tests', e.target.checked ? '1' : '')} />
        <span>{t('runview:list.tests')}</span>
      </label>
      <div className="filter-buttons">
        <button type="button" className="btn btn-small" onClick={() => onChange('from', toShanghaiInput(new Date(Date.now() - 3600_000)))}>
          {t('filters.lastHour')}
        </button>
        <button type="button" className="btn btn-small" onClick={onClear} disabled={!any}>
          {t('filters.clear')}
        </button>
      </div>
    </form>
  );
}
