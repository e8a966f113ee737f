import { useTranslation } from 'react-i18next';
import { useErrorText } from '../hooks/use-error-text';

/** A failed request: the server's message, and a retry when there is something to retry. */
export function ErrorBox({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  const { t } = useTranslation();
  const text = useErrorText();
  return (
    <div className="error-box" role="alert">
      <span>{text(error)}</span>
      {onRetry && (
        <button type="button" className="btn btn-small" onClick={onRetry}>
          {t('actions.retry')}
        </button>
      )}
    </div>
  );
}
