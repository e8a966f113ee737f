import { useState } from 'react';
import { useTranslation } from 'react-i18next';

/** Copies `text` to the clipboard and says so. */
export function CopyButton({ text, label }: { text: string; label?: string }) {
  const { t } = useTranslation();
  const [state, setState] = useState<'idle' | 'copied' | 'failed'>('idle');
  async function copy() {
    try {
      await navigator.clipboard.writeText(text);
      setState('copied');
    } catch {
      setState('failed');
    }
  }
  return (
    <button type="button" className="btn btn-small" onClick={() => void copy()} aria-live="polite">
      {state === 'copied' ? t('actions.copied') : state === 'failed' ? t('actions.copyFailed') : (label ?? t('actions.copy'))}
    </button>
  );
}
