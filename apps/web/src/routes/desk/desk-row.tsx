import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { DateTime } from '../../components/date-time';
import { ErrorBox } from '../../components/error-box';
import { JsonView } from '../../components/json-view';
import { useDeskAction, type DeskItem } from './desk-actions';
import { JsonEditDialog } from './json-edit-dialog';

type Dialog = null | 'edit' | 'skip' | 'cancel';

/** One run waiting for a person: what failed and why, and what can be done about it. */
export function DeskRow({ item }: { item: DeskItem }) {
  const { t } = useTranslation(['desk', 'common']);
  const [open, setOpen] = useState(false);
  const [dialog, setDialog] = useState<Dialog>(null);
  const action = useDeskAction(() => setDialog(null));
  const ref = item.nodeId ? { runId: item.runId, nodeId: item.nodeId, attempt: item.attempt } : null;
  const busy = action.isPending;
  const detailsId = `desk-details-${item.runId}-${item.nodeId ?? 'run'}`;

  return (
    <>
      <tr data-testid="desk-row" data-business-key={item.businessKey ?? ''}>
        <td>
          <Link to={`/runs/${item.runId}`} className="strong">
            {item.businessKey ?? t('noBusinessKey')}
          </Link>
          <div className="muted small">{item.flowName}</div>
        </td>
        <td>
          <code>{item.nodeId ?? '—'}</code>
          <div className="muted small">{t('attemptN', { n: item.attempt })}</div>
        </td>
        <td>
          <span className={`tag category-${item.category}`}>{t(`category.${item.category}`)}</span>
        </td>
        <td className="error-cell">
          {/* Clamped to a few lines; the whole message is in the tooltip and the attempts below. */}
          <span className="desk-message" title={item.error?.message ?? undefined}>{item.error?.message ?? item.error?.code ?? '—'}</span>
        </td>
        <td>
          <DateTime value={item.since} />
        </td>
        <td>
          <div className="row-actions">
            <button type="button" className="btn btn-small" aria-expanded={open} aria-controls={detailsId} onClick={() => setOpen(!open)}>
              {open ? t('hideDetails') : t('showDetails')}
            </button>
            {ref && (
              <>
                <button type="button" className="btn btn-small btn-primary" disabled={busy} aria-busy={busy} onClick={() => action.mutate({ kind: 'retry', ref })}>
                  {t('actions.retry')}
                </button>
                <button type="button" className="btn btn-small" disabled={busy} onClick={() => setDialog('edit')}>
                  {t('actions.editRetry')}
                </button>
                <button type="button" className="btn btn-small" disabled={busy} onClick={() => setDialog('skip')}>
                  {t('actions.skip')}
                </button>
              </>
            )}
            <button type="button" className="btn btn-small btn-danger-outline" disabled={busy} onClick={() => setDialog('cancel')}>
              {t('actions.cancelRun')}
            </button>
          </div>
          {action.isError && dialog === null && <ErrorBox error={action.error} />}
        </td>
      </tr>
      {open && (
        <tr id={detailsId} className="desk-details">
          <td colSpan={6}>
            <div className="desk-detail-grid">
              <section>
                <h3>{t('input')}</h3>
                <JsonView value={item.input} label={t('input')} />
              </section>
              <section>
                <h3>{t('attempts.title')}</h3>
                {item.attempts.length === 0 ? (
                  <p className="muted">{t('attempts.none')}</p>
                ) : (
                  <table className="table compact" aria-label={t('attempts.title')}>
                    <thead>
                      <tr>
                        <th scope="col">#</th>
                        <th scope="col">{t('attempts.started')}</th>
                        <th scope="col">{t('attempts.outcome')}</th>
                        <th scope="col">{t('attempts.error')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {item.attempts.map((a) => (
                        <tr key={a.attempt}>
                          <td>{a.attempt}</td>
                          <td><DateTime value={a.startedAt} /></td>
                          <td>{a.outcome ?? '—'}</td>
                          <td className="error-cell">{a.error?.message ?? a.error?.code ?? ''}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                )}
              </section>
            </div>
          </td>
        </tr>
      )}
      {dialog === 'edit' && ref && (
        <JsonEditDialog
          title={t('edit.title', { step: ref.nodeId })}
          intro={t('edit.intro')}
          initial={item.input}
          confirmLabel={t('edit.confirm')}
          pending={busy}
          error={action.error}
          onConfirm={(input) => action.mutate({ kind: 'retryWithInput', ref, input })}
          onCancel={() => { action.reset(); setDialog(null); }}
        />
      )}
      {dialog === 'skip' && ref && (
        <JsonEditDialog
          title={t('skip.title', { step: ref.nodeId })}
          intro={t('skip.intro')}
          initial={{}}
          confirmLabel={t('skip.confirm')}
          pending={busy}
          error={action.error}
          onConfirm={(output) => action.mutate({ kind: 'skip', ref, output })}
          onCancel={() => { action.reset(); setDialog(null); }}
        />
      )}
      {dialog === 'cancel' && (
        <ConfirmDialog
          title={t('cancel.title')}
          message={t('cancel.message', { key: item.businessKey ?? item.runId })}
          confirmLabel={t('cancel.confirm')}
          pending={busy}
          error={action.error}
          onConfirm={() => action.mutate({ kind: 'cancel', runId: item.runId })}
          onCancel={() => { action.reset(); setDialog(null); }}
        />
      )}
    </>
  );
}
