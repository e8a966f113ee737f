import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { keys } from '../../api/keys';
import { ErrorBox } from '../../components/error-box';
import { Modal } from '../../components/modal';
import { trpc } from '../../trpc';

/** The flow's operational settings stored in `flows.settings`; today the concurrency limit. */
export function maxConcurrencyOf(settings: unknown): number | null {
  const value = settings && typeof settings === 'object' ? (settings as { maxConcurrency?: unknown }).maxConcurrency : undefined;
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : null;
}

export function parseLimit(text: string): { ok: true; value: number | null } | { ok: false } {
  const trimmed = text.trim();
  if (trimmed === '') return { ok: true, value: null };
  if (!/^\d+$/.test(trimmed)) return { ok: false };
  const n = Number(trimmed);
  return n >= 1 && n <= 10_000 ? { ok: true, value: n } : { ok: false };
}

/** How many of the flow's steps may execute at once across all workers (empty: no limit of its own). */
export function FlowSettingsDialog({ flowId, settings, onClose }: { flowId: string; settings: unknown; onClose: () => void }) {
  const { t } = useTranslation(['flows', 'common']);
  const queryClient = useQueryClient();
  const id = useId();
  const [text, setText] = useState(() => String(maxConcurrencyOf(settings) ?? ''));
  const parsed = parseLimit(text);
  const save = useMutation({
    mutationFn: (maxConcurrency: number | null) => trpc.flows.setSettings.mutate({ id: flowId, maxConcurrency }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: keys.flow(flowId) });
      onClose();
    },
  });
  return (
    <Modal
      title={t('flowSettings.title')}
      onClose={onClose}
      footer={
        <>
          <button type="button" className="btn" onClick={onClose}>{t('common:actions.cancel')}</button>
          <button type="submit" form={`${id}-form`} className="btn btn-primary" disabled={!parsed.ok || save.isPending} aria-busy={save.isPending}>
            {save.isPending ? t('common:states.working') : t('common:actions.save')}
          </button>
        </>
      }
    >
      <form id={`${id}-form`} onSubmit={(e) => { e.preventDefault(); if (parsed.ok) save.mutate(parsed.value); }}>
        <div className="field">
          <label htmlFor={id}>{t('flowSettings.maxConcurrency')}</label>
          <input id={id} type="number" inputMode="numeric" min={1} max={10_000} step={1} value={text} onChange={(e) => setText(e.target.value)} aria-invalid={!parsed.ok} aria-describedby={`${id}-hint`} />
          <span id={`${id}-hint`} className={parsed.ok ? 'hint' : 'field-error'}>{parsed.ok ? t('flowSettings.hint') : t('flowSettings.invalid')}</span>
        </div>
      </form>
      {save.isError && <ErrorBox error={save.error} />}
    </Modal>
  );
}
