import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { JsonView } from '../../../components/json-view';
import { StatusBadge } from '../../../components/status-badge';
import { formatDateTime, formatDuration } from '../../../lib/format-date';
import { errorSummary } from '../../../lib/error-summary';
import type { NodeSample } from './sample-data';
import { ACTIVE_RUN } from './test-run-model';

export interface TestRunSummary {
  id: string;
  status: 'pending' | 'running' | 'succeeded' | 'needs_attention' | 'cancelled';
  error: unknown;
  createdAt: string;
  finishedAt: string | null;
  snapshot: number;
}

interface TestResultsProps {
  run: TestRunSummary | null;
  /** The draft's nodes, in document order. */
  nodes: readonly { id: string; name?: string | undefined }[];
  samples: Readonly<Record<string, NodeSample>>;
  /** Nodes whose sample comes from a single-node run rather than the test run. */
  singleNodeIds: ReadonlySet<string>;
  selectedNodeId: string | null;
  onSelect: (nodeId: string) => void;
  onRunNode?: (nodeId: string) => void;
  onCancel?: () => void;
  cancelling?: boolean;
  onClose: () => void;
}

/** What each node did in the latest test run (and single-node runs): status, duration, error; the selected node's input and output. */
export function TestResults({ run, nodes, samples, singleNodeIds, selectedNodeId, onSelect, onRunNode, onCancel, cancelling = false, onClose }: TestResultsProps) {
  const { t } = useTranslation('testrun');
  const selected = selectedNodeId ? samples[selectedNodeId] : undefined;
  const selectedName = nodes.find((n) => n.id === selectedNodeId)?.name ?? selectedNodeId;
  const runError = errorSummary(run?.error);
  return (
    <section className="test-results" aria-labelledby="test-results-title" data-testid="test-results">
      <header className="test-results-head">
        <h2 id="test-results-title">{t('results.title')}</h2>
        {run ? (
          <>
            <StatusBadge status={run.status} />
            <span className="muted small">
              {t('results.snapshot', { number: run.snapshot })} · {formatDateTime(run.createdAt)}
            </span>
            {ACTIVE_RUN.has(run.status) && (
              <span className="muted small" role="status">
                {t('results.live')}
              </span>
            )}
            <Link className="small" to={`/runs/${run.id}`}>
              {t('results.openRun')}
            </Link>
            {onCancel && (ACTIVE_RUN.has(run.status) || run.status === 'needs_attention') && (
              <button type="button" className="btn btn-small" onClick={onCancel} disabled={cancelling}>
                {t('results.cancel')}
              </button>
            )}
          </>
        ) : (
          <span className="muted small">{t('results.none')}</span>
        )}
        <span className="designer-toolbar-spacer" />
        <button type="button" className="btn btn-small" onClick={onClose}>
          {t('results.hide')}
        </button>
      </header>
      {runError && (
        <p className="field-error" role="alert">
          {runError}
        </p>
      )}
      <div className="test-results-body">
        <div className="test-results-list">
        <table className="table compact test-results-table">
          <thead>
            <tr>
              <th scope="col">{t('results.node')}</th>
              <th scope="col">{t('results.status')}</th>
              <th scope="col">{t('results.duration')}</th>
              <th scope="col">{t('results.error')}</th>
            </tr>
          </thead>
          <tbody>
            {nodes.map((n) => {
              const s = samples[n.id];
              return (
                <tr key={n.id} className={n.id === selectedNodeId ? 'selected' : undefined} data-testid="test-result-row" data-node-id={n.id}>
                  <td>
                    <button type="button" className="link-button" onClick={() => onSelect(n.id)} aria-pressed={n.id === selectedNodeId}>
                      {n.name ?? n.id}
                    </button>
                    {singleNodeIds.has(n.id) && <span className="tag">{t('results.single')}</span>}
                  </td>
                  <td>{s ? <StatusBadge status={s.status} /> : <span className="muted">{t('results.notRun')}</span>}</td>
                  <td>{s?.durationMs === undefined ? '—' : formatDuration(s.durationMs)}</td>
                  <td className="error-cell">{s?.error?.message ?? ''}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
        </div>
        <div className="test-results-detail">
          {selectedNodeId === null ? (
            <p className="muted small">{t('results.pick')}</p>
          ) : (
            <>
              <h3>
                {selectedName}
                {onRunNode && (
                  <button type="button" className="btn btn-small" onClick={() => onRunNode(selectedNodeId)} data-testid="run-node">
                    {t('single.open')}
                  </button>
                )}
              </h3>
              {!selected ? (
                <p className="muted small">{t('results.notRunYet')}</p>
              ) : (
                <>
                  {selected.error && (
                    <p className="step-error" role="alert">
                      {selected.error.code ? `${selected.error.code}: ` : ''}
                      {selected.error.message}
                    </p>
                  )}
                  <h4>{t('results.input')}</h4>
                  <JsonView value={selected.input} label={t('results.inputOf', { node: selectedName })} />
                  <h4>{t('results.output')}</h4>
                  <JsonView value={selected.output} label={t('results.outputOf', { node: selectedName })} />
                </>
              )}
            </>
          )}
        </div>
      </div>
    </section>
  );
}
