import { useCallback } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../lib/error-message';

/** Turns a failed request into the sentence to show: the server's message, never a stack trace. */
export function useErrorText(): (err: unknown) => string {
  const { t, i18n } = useTranslation();
  return useCallback((err: unknown) => errorMessage(err, i18n.language, { network: t('errors.network'), unknown: t('errors.unknown') }), [t, i18n.language]);
}
