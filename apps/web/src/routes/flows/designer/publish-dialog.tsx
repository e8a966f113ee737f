import { useMutation } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorBox } from '../../../components/error-box';
import { Modal } from '../../../components/modal';
import { trpc } from '../../../trpc';

/** Publishes the (saved) draft as a new immutable version, with a comment. */
export function PublishDialog({ flowId, beforePublish, onClose, onPublished }: { flowId: string; beforePublish: () => Promise<boolean>; onClose: () => void; onPublished: (version: number) => void }) {
  const { t } = useTranslation(['designer', 'common']);
  const [comment, setComment] = useState('');
  const publish = useMutation({
    mutationFn: async () => {
      if (!(await beforePublish())) throw new Error(t('publish.saveFailed'));
      return trpc.flows.publish.mutate({ id: flowId, comment: comment.trim() });
    },
    onSuccess: (result) => onPublished(result.version),
  });
  return (
    <Modal title={t('publish.title')} onClose={onClose}>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          publish.mutate();
        }}
      >
        <label className="field">
          <span>{t('publish.comment')}</span>
          <textarea value={comment} onChange={(e) => setComment(e.target.value)} maxLength={500} rows={3} data-autofocus placeholder={t('publish.commentPlaceholder')} />
        </label>
        {publish.isError && <ErrorBox error={publish.error} />}
        <div className="modal-footer inline">
          <button type="button" className="btn" onClick={onClose}>
            {t('common:actions.cancel')}
          </button>
          <button type="submit" className="btn btn-primary" disabled={publish.isPending} aria-busy={publish.isPending}>
            {publish.isPending ? t('common:states.working') : t('publish.submit')}
          </button>
        </div>
      </form>
    </Modal>
  );
}
