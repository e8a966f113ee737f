import { useTranslation } from 'react-i18next';

export type AnyStatus = 'draft' | 'published' | 'archived' | 'pending' | 'running' | 'succeeded' | 'needs_attention' | 'cancelled' | 'retrying' | 'failed' | 'skipped';

/** A coloured label for a flow, run or step status, in words (not colour alone). */
export function StatusBadge({ status }: { status: AnyStatus }) {
  const { t } = useTranslation();
  return <span className={`badge badge-${status}`}>{t(`status.${status}`)}</span>;
}
