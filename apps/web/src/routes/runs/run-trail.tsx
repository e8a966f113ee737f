import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { keys } from '../../api/keys';
import { DataState } from '../../components/data-state';
import { DateTime } from '../../components/date-time';
import { prettyJson } from '../../components/json-view';
import { trpc } from '../../trpc';

/** The audit trail of a run: every desk action and compensation retry, who did it, when, what changed. */
export function RunTrail({ runId, status }: { runId: string; status: string }) {
  const { t } = useTranslation('desk');
  const trail = useQuery({ queryKey: keys.runTrail(runId), queryFn: () => trpc.desk.trail.query({ runId }), refetchInterval: status === 'succeeded' || status === 'cancelled' ? false : 5_000 });
  return (
    <section aria-labelledby="trail-title">
      <h2 id="trail-title">{t('trail.title')}</h2>
      <DataState query={trail} isEmpty={(rows) => rows.length === 0} empty={t('trail.empty')}>
        {(rows) => (
          <div className="table-wrap">
            <table className="table" aria-labelledby="trail-title" data-testid="run-trail">
              <thead>
                <tr>
                  <th scope="col">{t('trail.at')}</th>
                  <th scope="col">{t('trail.user')}</th>
                  <th scope="col">{t('trail.action')}</th>
                  <th scope="col">{t('trail.detail')}</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((row) => (
                  <tr key={row.id}>
                    <td><DateTime value={row.at} /></td>
                    <td>{row.username?.startsWith('system:') ? t('trail.system') : (row.username ?? '—')}</td>
                    <td><code>{row.action}</code></td>
                    <td>
                      <details>
                        <summary className="small">{Object.keys((row.detail ?? {}) as object).join(', ') || '—'}</summary>
                        <pre className="json">{prettyJson(row.detail)}</pre>
                      </details>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </DataState>
    </section>
  );
}
