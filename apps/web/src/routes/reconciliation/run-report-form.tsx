import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { keys } from '../../api/keys';
import { ErrorBox } from '../../components/error-box';
import { trpc } from '../../trpc';
import { periodOfDays, shanghaiToday } from './period';

/** Pick whole days (China time) and file a report; a worker runs it while the page shows its progress. */
export function RunReportForm() {
  const { t } = useTranslation(['reconciliation', 'common']);
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const today = shanghaiToday();
  const [from, setFrom] = useState(today);
  const [to, setTo] = useState(today);
  const period = periodOfDays(from, to);
  const run = useMutation({
    mutationFn: () => {
      if (!period) throw new Error(t('run.invalid'));
      return trpc.reconciliation.run.mutate(period);
    },
    onSuccess: async ({ id }) => {
      await queryClient.invalidateQueries({ queryKey: keys.reconciliation });
      void navigate(`/reconciliation/${id}`);
    },
  });
  return (
    <form
      className="toolbar"
      aria-label={t('run.label')}
      onSubmit={(e) => {
        e.preventDefault();
        if (period && !run.isPending) run.mutate();
      }}
    >
      <label className="field inline">
        <span>{t('run.from')}</span>
        <input type="date" value={from} max={to} onChange={(e) => setFrom(e.target.value)} required />
      </label>
      <label className="field inline">
        <span>{t('run.to')}</span>
        <input type="date" value={to} min={from} onChange={(e) => setTo(e.target.value)} required />
      </label>
      <button type="submit" className="btn btn-primary" disabled={!period || run.isPending} aria-busy={run.isPending}>
        {run.isPending ? t('common:states.working') : t('run.submit')}
      </button>
      {!period && <span className="field-error" role="alert">{t('run.invalid')}</span>}
      {run.isError && <ErrorBox error={run.error} />}
    </form>
  );
}
