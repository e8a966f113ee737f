import { useMutation } from '@tanstack/react-query';
import { TRPCClientError } from '@trpc/client';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorBox } from '../../../components/error-box';
import { jsonEqual } from '../../../lib/flow-diff';
import { Modal } from '../../../components/modal';
import { trpc, type RouterInputs } from '../../../trpc';
import { messageIn, type CompileErrorLike } from './problems';
import { parseSample, sampleText, type SampleEventInput } from './test-run-model';

/** The sample as the API takes it (the server validates it again). */
export type SampleInput = NonNullable<RouterInputs['testRuns']['start']['sample']>;

interface TestRunDialogProps {
  flowId: string;
  pinned: SampleEventInput | null;
  /** The last test run's event, offered when nothing is pinned. */
  lastEvent: SampleEventInput | null;
  /** Problems the compiler reports now; the server refuses to test a draft that has any. */
  problems: number;
  canWrite: boolean;
  beforeRun: () => Promise<boolean>;
  onPinned: (sample: SampleEventInput | null) => void;
  onStarted: (runId: string) => void;
  onClose: () => void;
}

/** Compile errors the server sent with a refusal, if any. */
export function compileErrorsOf(err: unknown): CompileErrorLike[] {
  if (!(err instanceof TRPCClientError)) return [];
  const details = (err.data as { details?: { compileErrors?: CompileErrorLike[] } } | undefined)?.details;
  return details?.compileErrors ?? [];
}

/** The sample event editor: edit the JSON, pin it for everyone editing the flow, and run the draft with it. */
export function TestRunDialog({ flowId, pinned, lastEvent, problems, canWrite, beforeRun, onPinned, onStarted, onClose }: TestRunDialogProps) {
  const { t, i18n } = useTranslation(['testrun', 'common']);
  const fieldId = useId();
  const [text, setText] = useState(() => sampleText(pinned ?? lastEvent));
  const parsed = parseSample(text);
  // Deep comparison: PostgreSQL's jsonb returns keys in its own order.
  const dirtyAgainstPin = pinned === null || !parsed.ok || !jsonEqual(parsed.sample, pinned);

  const pin = useMutation({
    mutationFn: (sample: SampleEventInput | null) => trpc.testRuns.pinSample.mutate({ flowId, sample: sample as SampleInput | null }),
    onSuccess: (_result, sample) => onPinned(sample),
  });
  const run = useMutation({
    mutationFn: async (sample: SampleEventInput) => {
      if (!(await beforeRun())) throw new Error(t('saveFailed'));
      return trpc.testRuns.start.mutate({ flowId, sample: sample as SampleInput });
    },
    onSuccess: (result) => onStarted(result.runId),
  });
  const refusal = compileErrorsOf(run.error);

  const parseError = parsed.ok ? null : parsed.error === 'json' ? t('sample.invalidJson', { detail: parsed.detail ?? '' }) : parsed.error === 'notObject' ? t('sample.notObject') : t('sample.noData');

  return (
    <Modal title={t('dialog.title')} onClose={onClose} size="large">
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          if (parsed.ok) run.mutate(parsed.sample);
        }}
      >
        <label className="field" htmlFor={fieldId}>
          <span>{t('sample.label')}</span>
        </label>
        <p className="muted small">{t('sample.help')}</p>
        <textarea
          id={fieldId}
          className="input mono sample-editor"
          value={text}
          onChange={(e) => setText(e.target.value)}
          rows={14}
          spellCheck={false}
          data-autofocus
          aria-invalid={!parsed.ok}
          aria-describedby={`${fieldId}-state`}
          data-testid="sample-editor"
        />
        <p id={`${fieldId}-state`} className={parsed.ok ? 'muted small' : 'field-error'} role={parsed.ok ? undefined : 'alert'}>
          {parseError ?? (pinned === null ? t('sample.notPinned') : dirtyAgainstPin ? t('sample.changedSincePin') : t('sample.pinned'))}
        </p>
        {problems > 0 && (
          <p className="field-error" role="alert">
            {t('dialog.problems', { count: problems })}
          </p>
        )}
        {refusal.length > 0 ? (
          <div className="error-box" role="alert">
            <ul className="plain-list">
              {refusal.map((e, i) => (
                <li key={`${e.code}-${i}`}>
                  {e.nodeId && <strong>{e.nodeId}: </strong>}
                  {messageIn(e, i18n.language)}
                </li>
              ))}
            </ul>
          </div>
        ) : (
          run.isError && <ErrorBox error={run.error} />
        )}
        {pin.isError && <ErrorBox error={pin.error} />}
        <div className="modal-footer inline">
          {canWrite && (
            <>
              <button type="button" className="btn" disabled={!parsed.ok || pin.isPending || !dirtyAgainstPin} onClick={() => parsed.ok && pin.mutate(parsed.sample)}>
                {pinned === null ? t('sample.pin') : t('sample.updatePin')}
              </button>
              {pinned !== null && (
                <button type="button" className="btn" disabled={pin.isPending} onClick={() => pin.mutate(null)}>
                  {t('sample.unpin')}
                </button>
              )}
            </>
          )}
          <span className="designer-toolbar-spacer" />
          <button type="button" className="btn" onClick={onClose}>
            {t('common:actions.cancel')}
          </button>
          <button type="submit" className="btn btn-primary" disabled={!parsed.ok || problems > 0 || run.isPending} aria-busy={run.isPending} data-testid="start-test-run">
            {run.isPending ? t('common:states.working') : t('dialog.run')}
          </button>
        </div>
      </form>
    </Modal>
  );
}
