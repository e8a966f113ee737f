import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { JsonView } from '../../components/json-view';
import { StatusBadge } from '../../components/status-badge';
import type { NodeLike } from '../../lib/erp-documents';
import { errorSummary } from '../../lib/error-summary';
import { between, formatDateTime, formatDuration } from '../../lib/format-date';

export type StepStatus = 'pending' | 'running' | 'retrying' | 'succeeded' | 'failed' | 'skipped';

export interface StepAttemptView {
  id: string;
  attempt: number;
  startedAt: string;
  finishedAt: string | null;
  outcome: string | null;
  error: unknown;
}

export interface StepView {
  id: string;
  nodeId: string;
  status: StepStatus;
  attempt: number;
  input: unknown;
  output: unknown;
  error: unknown;
  startedAt: string | null;
  finishedAt: string | null;
  durationMs: number | null;
  nextAttemptAt: string | null;
  attempts: StepAttemptView[];
}

/** Steps in the order they started; steps not started yet follow in the flow's node order. */
export function orderSteps<T extends Pick<StepView, 'nodeId' | 'startedAt'>>(steps: readonly T[], nodes: readonly NodeLike[]): T[] {
  const position = new Map(nodes.map((n, i) => [n.id, i]));
  return [...steps].sort((a, b) => {
    if (a.startedAt && b.startedAt) return a.startedAt.localeCompare(b.startedAt);
    if (a.startedAt) return -1;
    if (b.startedAt) return 1;
    return (position.get(a.nodeId) ?? Infinity) - (position.get(b.nodeId) ?? Infinity);
  });
}

/** What happened to each step of a run: status, tries, time taken, and its input, output and error. */
export function StepTimeline({ steps, nodes, selectedNodeId = null }: { steps: readonly StepView[]; nodes: readonly NodeLike[]; selectedNodeId?: string | null }) {
  const { t } = useTranslation('runs');
  const list = useRef<HTMLOListElement>(null);
  // A node picked on the canvas: bring its step into view.
  useEffect(() => {
    if (!selectedNodeId) return;
    const item = list.current?.querySelector<HTMLElement>(`[data-node="${CSS.escape(selectedNodeId)}"]`);
    item?.scrollIntoView?.({ block: 'nearest', behavior: 'smooth' });
    item?.focus({ preventScroll: true });
  }, [selectedNodeId]);
  const byId = new Map(nodes.map((n) => [n.id, n]));
  if (steps.length === 0) return <p className="state state-empty">{t('detail.noSteps')}</p>;
  return (
    <ol className="timeline" aria-label={t('detail.timeline')} ref={list}>
      {orderSteps(steps, nodes).map((step) => {
        const node = byId.get(step.nodeId);
        const name = node?.name ?? step.nodeId;
        const duration = step.durationMs ?? between(step.startedAt, step.finishedAt);
        const failed = step.status === 'failed' || step.status === 'retrying';
        const error = errorSummary(step.error);
        return (
          <li key={step.id} className={`timeline-item timeline-${step.status}${step.nodeId === selectedNodeId ? ' timeline-selected' : ''}`} data-testid="step" data-node={step.nodeId} aria-current={step.nodeId === selectedNodeId ? 'step' : undefined} tabIndex={-1}>
            <div className="timeline-head">
              <StatusBadge status={step.status} />
              <span className="strong">{name}</span>
              {name !== step.nodeId && <code className="small">{step.nodeId}</code>}
              {node && <span className="tag">{node.type}</span>}
              <span className="timeline-meta">
                <span>{t('detail.attempts', { count: step.attempt })}</span>
                <span>{formatDuration(duration)}</span>
                <span>{formatDateTime(step.startedAt)}</span>
              </span>
            </div>
            {error && (
              <p className="step-error" role={failed ? 'alert' : undefined}>
                {error}
              </p>
            )}
            {step.status === 'retrying' && step.nextAttemptAt && <p className="muted small">{t('detail.nextAttempt', { time: formatDateTime(step.nextAttemptAt) })}</p>}
            <details open={step.status === 'failed' || step.nodeId === selectedNodeId}>
              <summary>{t('detail.stepData')}</summary>
              <div className="step-data">
                <section>
                  <h4>{t('detail.input')}</h4>
                  <JsonView value={step.input} label={t('detail.inputOf', { node: step.nodeId })} />
                </section>
                <section>
                  <h4>{t('detail.output')}</h4>
                  <JsonView value={step.output} label={t('detail.outputOf', { node: step.nodeId })} />
                </section>
                {step.error !== null && step.error !== undefined && (
                  <section>
                    <h4>{t('detail.error')}</h4>
                    <JsonView value={step.error} label={t('detail.errorOf', { node: step.nodeId })} />
                  </section>
                )}
                {step.attempts.length > 0 && (
                  <section>
                    <h4>{t('detail.tries')}</h4>
                    <table className="table compact">
                      <thead>
                        <tr>
                          <th scope="col">#</th>
                          <th scope="col">{t('detail.outcome')}</th>
                          <th scope="col">{t('columns.created')}</th>
                          <th scope="col">{t('columns.duration')}</th>
                          <th scope="col">{t('detail.error')}</th>
                        </tr>
                      </thead>
                      <tbody>
                        {step.attempts.map((a) => (
                          <tr key={a.id}>
                            <td>{a.attempt}</td>
                            <td>{a.outcome ?? t('detail.inProgress')}</td>
                            <td>{formatDateTime(a.startedAt)}</td>
                            <td>{formatDuration(between(a.startedAt, a.finishedAt))}</td>
                            <td className="error-cell">{errorSummary(a.error) ?? ''}</td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </section>
                )}
              </div>
            </details>
          </li>
        );
      })}
    </ol>
  );
}
