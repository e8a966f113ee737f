import { useQuery } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { DataState } from '../../components/data-state';
import { DateTime } from '../../components/date-time';
import { currentLanguage } from '../../i18n';
import { formatDateTime } from '../../lib/format-date';
import { trpc } from '../../trpc';
import { relativeTime } from './relative-time';

/** The current time, refreshed every minute so relative times stay true on an open page. */
function useNow(fixed: number | undefined): number {
  const [now, setNow] = useState(() => fixed ?? Date.now());
  useEffect(() => {
    if (fixed !== undefined) return;
    const timer = setInterval(() => setNow(Date.now()), 60_000);
    return () => clearInterval(timer);
  }, [fixed]);
  return fixed ?? now;
}

/** When the connection was last used, as "3 minutes ago" (the exact time on hover). */
export function LastUsed({ value, now: fixedNow }: { value: string | null; now?: number }) {
  const { t } = useTranslation('connectionHealth');
  const now = useNow(fixedNow);
  if (!value) return <span className="muted">{t('lastUsed.never')}</span>;
  return (
    <time dateTime={value} title={t('lastUsed.title', { time: formatDateTime(value) })} className="nowrap">
      {relativeTime(value, now, currentLanguage())}
    </time>
  );
}

interface ToggleProps {
  name: string;
  count: number;
  lastError: string | null;
  open: boolean;
  onToggle: () => void;
}

/** The latest error and a button that shows the list under the row. */
export function RecentErrorsCell({ name, count, lastError, open, onToggle }: ToggleProps) {
  const { t } = useTranslation('connectionHealth');
  if (count === 0) return <span className="muted">{t('errors.none')}</span>;
  return (
    <div className="recent-errors-cell">
      {lastError && <div className="error-cell">{lastError}</div>}
      <button type="button" className="btn btn-small" aria-expanded={open} onClick={onToggle} aria-label={open ? t('errors.hide', { name }) : t('errors.show', { name, value: count })}>
        {open ? t('errors.toggleHide') : t('errors.toggleShow', { value: count })}
      </button>
    </div>
  );
}

/** The connection's recent errors, newest first, fetched when shown. */
export function RecentErrorsList({ connectionId, name }: { connectionId: string; name: string }) {
  const { t } = useTranslation('connectionHealth');
  const errors = useQuery({ queryKey: ['connections', 'recentErrors', connectionId], queryFn: () => trpc.connections.recentErrors.query({ id: connectionId }) });
  return (
    <DataState query={errors} isEmpty={(list) => list.length === 0} empty={t('errors.empty')}>
      {(list) => (
        <table className="table table-compact" data-testid="recent-errors">
          <caption className="muted small">{t('errors.caption', { name })}</caption>
          <thead>
            <tr>
              <th scope="col">{t('errors.columns.at')}</th>
              <th scope="col">{t('errors.columns.source')}</th>
              <th scope="col">{t('errors.columns.flow')}</th>
              <th scope="col">{t('errors.columns.code')}</th>
              <th scope="col">{t('errors.columns.message')}</th>
            </tr>
          </thead>
          <tbody>
            {list.map((e) => (
              <tr key={e.id}>
                <td><DateTime value={e.at} /></td>
                <td>{t(`errors.source.${e.source === 'trigger' || e.source === 'test' ? e.source : 'step'}`)}</td>
                <td>
                  {e.runId ? (
                    <Link to={`/runs/${e.runId}`} title={t('errors.openRun')}>
                      {e.flow?.name ?? e.runId.slice(0, 8)}
                      {e.nodeId ? ` · ${e.nodeId}` : ''}
                    </Link>
                  ) : (
                    <span className="muted">—</span>
                  )}
                  {e.attempt ? <span className="muted small"> ({t('errors.attempt', { attempt: e.attempt })})</span> : null}
                </td>
                <td><code className="small">{e.code}</code></td>
                <td className="error-cell">{e.message}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </DataState>
  );
}
