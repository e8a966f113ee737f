import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorBox } from './error-box';

interface QueryLike<T> {
  data: T | undefined;
  error: unknown;
  isPending: boolean;
  isError: boolean;
  refetch: () => unknown;
}

interface DataStateProps<T> {
  query: QueryLike<T>;
  isEmpty?: (data: T) => boolean;
  empty?: ReactNode;
  children: (data: T) => ReactNode;
}

/** Loading, error (with retry), empty, or the data: every list shows one of the four (a failed refresh keeps the data). */
export function DataState<T>({ query, isEmpty, empty, children }: DataStateProps<T>) {
  const { t } = useTranslation();
  if (query.isPending) {
    return (
      <div className="state state-loading" role="status" aria-live="polite">
        <span className="spinner" aria-hidden="true" />
        {t('states.loading')}
      </div>
    );
  }
  if (query.data === undefined) return <ErrorBox error={query.error} onRetry={() => void query.refetch()} />;
  // A refresh that failed keeps what was shown, with the error above it.
  const stale = query.isError ? <ErrorBox error={query.error} onRetry={() => void query.refetch()} /> : null;
  if (isEmpty?.(query.data)) {
    return (
      <>
        {stale}
        <div className="state state-empty">{empty ?? t('states.empty')}</div>
      </>
    );
  }
  return (
    <>
      {stale}
      {children(query.data)}
    </>
  );
}
