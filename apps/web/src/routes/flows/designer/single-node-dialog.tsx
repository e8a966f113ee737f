import { useMutation } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorBox } from '../../../components/error-box';
import { JsonView } from '../../../components/json-view';
import { Modal } from '../../../components/modal';
import { formatDuration } from '../../../lib/format-date';
import { trpc } from '../../../trpc';
import type { NodeSample } from './sample-data';
import { compileErrorsOf, type SampleInput } from './test-run-dialog';
import { messageIn } from './problems';
import type { SampleEventInput } from './test-run-model';

interface SingleNodeDialogProps {
  flowId: string;
  node: { id: string; name?: string | undefined };
  /** Each upstream node's output to start from (the latest test run's), editable. */
  upstream: Record<string, unknown>;
  sample: SampleEventInput | null;
  beforeRun: () => Promise<boolean>;
  onResult: (nodeId: string, sample: NodeSample) => void;
  onClose: () => void;
}

function parseUpstream(text: string): Record<string, unknown> | null {
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/**
 * Runs one node once with pinned upstream data: the real connector action (the server passes an
 * idempotency key made from this request's id), and shows what went in and came out.
 */
export function SingleNodeDialog({ flowId, node, upstream, sample, beforeRun, onResult, onClose }: SingleNodeDialogProps) {
  const { t, i18n } = useTranslation(['testrun', 'common']);
  const fieldId = useId();
  const [text, setText] = useState(() => JSON.stringify(upstream, null, 2));
  const steps = parseUpstream(text);
  const name = node.name ?? node.id;
  const run = useMutation({
    mutationFn: async (pinned: Record<string, unknown>) => {
      if (!(await beforeRun())) throw new Error(t('saveFailed'));
      return trpc.testRuns.runNode.mutate({
        flowId, nodeId: node.id, requestId: crypto.randomUUID(), steps: pinned as Record<string, SampleInput['data']>,
        ...(sample ? { sample: sample as SampleInput } : {}),
      });
    },
    onSuccess: (result) => {
      onResult(node.id, {
        status: result.error ? 'failed' : 'succeeded',
        input: result.input,
        ...(result.error ? { error: { code: result.error.code, message: result.error.message } } : { output: result.output }),
        durationMs: result.durationMs,
      });
    },
  });
  const refusal = compileErrorsOf(run.error);
  const hasUpstream = Object.keys(upstream).length > 0;

  return (
    <Modal title={t('single.title', { node: name })} onClose={onClose} size="large">
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          if (steps) run.mutate(steps);
        }}
      >
        <p className="notice" role="note">
          {t('single.warning')}
        </p>
        {!sample && <p className="field-error">{t('single.noSample')}</p>}
        <label className="field" htmlFor={fieldId}>
          <span>{t('single.upstream')}</span>
        </label>
        <p className="muted small">{hasUpstream ? t('single.upstreamHelp') : t('single.noUpstream')}</p>
        <textarea id={fieldId} className="input mono sample-editor" rows={hasUpstream ? 10 : 3} value={text} onChange={(e) => setText(e.target.value)} spellCheck={false} aria-invalid={steps === null} data-testid="upstream-editor" />
        {steps === null && (
          <p className="field-error" role="alert">
            {t('single.invalid')}
          </p>
        )}
        {refusal.length > 0 ? (
          <div className="error-box" role="alert">
            <ul className="plain-list">
              {refusal.map((e, i) => (
                <li key={`${e.code}-${i}`}>{messageIn(e, i18n.language)}</li>
              ))}
            </ul>
          </div>
        ) : (
          run.isError && <ErrorBox error={run.error} />
        )}
        {run.data && (
          <section className="single-node-result" aria-live="polite" data-testid="single-node-result">
            <h3>
              {run.data.error ? t('single.failed') : t('single.succeeded')} · {formatDuration(run.data.durationMs)}
            </h3>
            {run.data.error && (
              <p className="step-error" role="alert">
                {run.data.error.code}: {run.data.error.message}
              </p>
            )}
            <h4>{t('results.input')}</h4>
            <JsonView value={run.data.input} label={t('results.inputOf', { node: name })} />
            {!run.data.error && (
              <>
                <h4>{t('results.output')}</h4>
                <JsonView value={run.data.output} label={t('results.outputOf', { node: name })} />
              </>
            )}
          </section>
        )}
        <div className="modal-footer inline">
          <button type="button" className="btn" onClick={onClose}>
            {t('common:actions.close')}
          </button>
          <button type="submit" className="btn btn-primary" disabled={steps === null || !sample || run.isPending} aria-busy={run.isPending} data-testid="run-node-submit">
            {run.isPending ? t('common:states.working') : run.data ? t('single.again') : t('single.run')}
          </button>
        </div>
      </form>
    </Modal>
  );
}
