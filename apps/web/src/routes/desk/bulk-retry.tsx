import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { keys } from '../../api/keys';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { Modal } from '../../components/modal';
import { trpc, type RouterInputs } from '../../trpc';

type Filter = Pick<RouterInputs['desk']['bulkRetry'], 'flowId' | 'category'>;
const CHUNK = 25;

/**
 * Retries every failed step matching the filter, in chunks so the progress shows. Each step is retried
 * once: a retried step is no longer failed, so the next chunk does not pick it up again.
 */
export function BulkRetry({ filter, count }: { filter: Filter; count: number }) {
  const { t } = useTranslation(['desk', 'common']);
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const [progress, setProgress] = useState<{ retried: number; conflicts: number } | null>(null);
  const run = useMutation({
    mutationFn: async () => {
      let retried = 0;
      let conflicts = 0;
      setProgress({ retried, conflicts });
      while (retried + conflicts < count) {
        const chunk = await trpc.desk.bulkRetry.mutate({ ...filter, limit: Math.min(CHUNK, count - retried - conflicts) });
        retried += chunk.retried;
        conflicts += chunk.conflicts;
        setProgress({ retried, conflicts });
        if (chunk.retried + chunk.conflicts === 0) break;
      }
      return { retried, conflicts };
    },
    onSettled: () => queryClient.invalidateQueries({ queryKey: keys.desk }),
  });
  const done = progress ? progress.retried + progress.conflicts : 0;

  return (
    <>
      <button type="button" className="btn" disabled={count === 0 || run.isPending} onClick={() => { run.reset(); setProgress(null); setConfirming(true); }}>
        {t('bulk.button', { count })}
      </button>
      {confirming && !run.isPending && !run.isSuccess && (
        <ConfirmDialog
          title={t('bulk.title')}
          message={t('bulk.message', { count })}
          confirmLabel={t('bulk.confirm', { count })}
          danger={false}
          error={run.error}
          onConfirm={() => run.mutate()}
          onCancel={() => setConfirming(false)}
        />
      )}
      {confirming && (run.isPending || run.isSuccess) && (
        <Modal title={t('bulk.title')} onClose={() => !run.isPending && setConfirming(false)}
          footer={<button type="button" className="btn" disabled={run.isPending} onClick={() => setConfirming(false)}>{t('common:actions.close')}</button>}>
          <progress max={Math.max(count, 1)} value={done} aria-label={t('bulk.progressLabel')} />
          <p role="status" aria-live="polite">
            {run.isPending ? t('bulk.progress', { done, count }) : t('bulk.done', { retried: progress?.retried ?? 0, conflicts: progress?.conflicts ?? 0 })}
          </p>
        </Modal>
      )}
    </>
  );
}
