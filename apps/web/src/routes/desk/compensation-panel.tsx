import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { keys } from '../../api/keys';
import { DataState } from '../../components/data-state';
import { DateTime } from '../../components/date-time';
import { ErrorBox } from '../../components/error-box';
import { trpc } from '../../trpc';

/** The compensation pass's last reports (it runs every 10 minutes in the workers), and a button to run it now. */
export function CompensationPanel() {
  const { t } = useTranslation(['desk', 'common']);
  const queryClient = useQueryClient();
  const reports = useQuery({ queryKey: keys.compensationReports, queryFn: () => trpc.desk.compensationReports.query({ limit: 10 }), refetchInterval: 30_000 });
  const runNow = useMutation({
    mutationFn: () => trpc.desk.compensate.mutate({ minAgeMinutes: 0 }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: keys.desk }),
  });
  return (
    <section aria-labelledby="compensation-title" className="panel">
      <div className="panel-header">
        <h2 id="compensation-title">{t('compensation.title')}</h2>
        <button type="button" className="btn" disabled={runNow.isPending} aria-busy={runNow.isPending} onClick={() => runNow.mutate()}>
          {runNow.isPending ? t('common:states.working') : t('compensation.runNow')}
        </button>
      </div>
      <p className="hint">{t('compensation.hint')}</p>
      {runNow.isError && <ErrorBox error={runNow.error} />}
      {runNow.isSuccess && (
        <p role="status" className="notice">
          {t('compensation.result', { examined: runNow.data.examined, retried: runNow.data.retried.length, requeued: runNow.data.requeued, left: runNow.data.leftForPeople })}
        </p>
      )}
      <DataState query={reports} isEmpty={(list) => list.length === 0} empty={t('compensation.empty')}>
        {(list) => (
          <div className="table-wrap">
            <table className="table" aria-labelledby="compensation-title">
              <thead>
                <tr>
                  <th scope="col">{t('compensation.at')}</th>
                  <th scope="col">{t('compensation.trigger')}</th>
                  <th scope="col">{t('compensation.examined')}</th>
                  <th scope="col">{t('compensation.retried')}</th>
                  <th scope="col">{t('compensation.requeued')}</th>
                  <th scope="col">{t('compensation.left')}</th>
                </tr>
              </thead>
              <tbody>
                {list.map((r) => (
                  <tr key={r.id}>
                    <td><DateTime value={r.at} /></td>
                    <td>{r.trigger === 'manual' ? t('compensation.manual', { user: r.requestedBy ?? '—' }) : t('compensation.scheduled')}</td>
                    <td>{r.examined}</td>
                    <td title={r.retried.map((x) => `${x.nodeId} (${x.code})`).join(', ')}>{r.retried.length}</td>
                    <td>{r.requeued}</td>
                    <td>{r.leftForPeople}</td>
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
