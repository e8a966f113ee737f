import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorBox } from './error-box';
import { Modal } from './modal';

interface ConfirmDialogProps {
  title: string;
  message: ReactNode;
  confirmLabel: string;
  onConfirm: () => void;
  onCancel: () => void;
  pending?: boolean;
  error?: unknown;
  danger?: boolean;
}

/** Asks before a destructive action; the safe choice (cancel) has the focus. */
export function ConfirmDialog({ title, message, confirmLabel, onConfirm, onCancel, pending = false, error, danger = true }: ConfirmDialogProps) {
  const { t } = useTranslation();
  return (
    <Modal
      title={title}
      onClose={onCancel}
      footer={
        <>
          <button type="button" className="btn" onClick={onCancel} data-autofocus>
            {t('actions.cancel')}
          </button>
          <button type="button" className={danger ? 'btn btn-danger' : 'btn btn-primary'} onClick={onConfirm} disabled={pending} aria-busy={pending}>
            {pending ? t('states.working') : confirmLabel}
          </button>
        </>
      }
    >
      <p>{message}</p>
      {error !== undefined && error !== null && <ErrorBox error={error} />}
    </Modal>
  );
}
