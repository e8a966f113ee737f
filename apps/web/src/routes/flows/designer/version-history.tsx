import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { keys } from '../../../api/keys';
import { DataState } from '../../../components/data-state';
import { DateTime } from '../../../components/date-time';
import { ErrorBox } from '../../../components/error-box';
import { Modal } from '../../../components/modal';
import { trpc, type RouterOutputs } from '../../../trpc';
import { VersionDiff } from './version-diff';

type Version = RouterOutputs['flows']['versions'][number];
type Side = number | 'draft';

interface VersionHistoryProps {
  flowId: string;
  publishedVersion: number | null;
  /** The draft as the designer holds it, to compare against. */
  draft: unknown;
  canWrite: boolean;
  /** Saves pending edits, so "unpublished changes" is judged on what the server has. */
  saveNow: () => Promise<boolean>;
  onRolledBack: (result: { version: number; document: unknown }) => void;
  onClose: () => void;
}

/** The published versions (author, time, comment), the difference between any two (or a version and the draft), and rollback. */
export function VersionHistory({ flowId, publishedVersion, draft, canWrite, saveNow, onRolledBack, onClose }: VersionHistoryProps) {
  const { t } = useTranslation('versions');
  const versions = useQuery({ queryKey: keys.flowVersions(flowId), queryFn: () => trpc.flows.versions.query({ id: flowId }) });
  const [from, setFrom] = useState<Side | null>(null);
  const [to, setTo] = useState<Side | null>(null);
  const [rollback, setRollback] = useState<Version | null>(null);
  const fromId = useId();
  const toId = useId();

  return (
    <Modal title={t('title')} onClose={onClose} size="large">
      <DataState query={versions} isEmpty={(list) => list.length === 0} empty={t('empty')}>
        {(list) => {
          const current = publishedVersion ?? list[0]?.version ?? null;
          const right: Side = to ?? list[0]?.version ?? 'draft';
          const left: Side = from ?? (list[1]?.version ?? 'draft');
          const doc = (side: Side) => (side === 'draft' ? draft : list.find((v) => v.version === side)?.definition);
          const label = (side: Side) => (side === 'draft' ? t('draft') : `v${side}`);
          const options = [...list.map((v) => ({ value: String(v.version), text: `v${v.version}` })), { value: 'draft', text: t('draft') }];
          const parse = (value: string): Side => (value === 'draft' ? 'draft' : Number(value));
          return (
            <>
              <div className="table-wrap version-list">
                <table className="table compact" aria-label={t('listLabel')}>
                  <thead>
                    <tr>
                      <th scope="col">{t('columns.version')}</th>
                      <th scope="col">{t('columns.publishedAt')}</th>
                      <th scope="col">{t('columns.author')}</th>
                      <th scope="col">{t('columns.comment')}</th>
                      <th scope="col">
                        <span className="visually-hidden">{t('columns.actions')}</span>
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {list.map((v) => (
                      <tr key={v.id} data-testid="version-row" data-version={v.version}>
                        <td>
                          v{v.version} {v.version === current && <span className="badge badge-published">{t('current')}</span>}
                        </td>
                        <td>
                          <DateTime value={v.publishedAt} />
                        </td>
                        <td>{v.publishedBy ?? '—'}</td>
                        <td className="version-comment">{v.comment || <span className="muted">—</span>}</td>
                        <td className="nowrap">
                          <button type="button" className="btn btn-small" onClick={() => { setFrom(list.find((p) => p.version < v.version)?.version ?? 'draft'); setTo(v.version); }}>
                            {t('showChanges')}
                          </button>{' '}
                          {canWrite && v.version !== current && (
                            <button type="button" className="btn btn-small" onClick={() => setRollback(v)} data-testid="rollback">
                              {t('rollback.button')}
                            </button>
                          )}
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
              <div className="version-compare" role="group" aria-label={t('compare')}>
                <label htmlFor={fromId}>{t('from')}</label>
                <select id={fromId} className="input" value={String(left)} onChange={(e) => setFrom(parse(e.target.value))} data-testid="diff-from">
                  {options.map((o) => <option key={o.value} value={o.value}>{o.text}</option>)}
                </select>
                <label htmlFor={toId}>{t('to')}</label>
                <select id={toId} className="input" value={String(right)} onChange={(e) => setTo(parse(e.target.value))} data-testid="diff-to">
                  {options.map((o) => <option key={o.value} value={o.value}>{o.text}</option>)}
                </select>
              </div>
              <VersionDiff before={doc(left)} after={doc(right)} beforeLabel={label(left)} afterLabel={label(right)} />
            </>
          );
        }}
      </DataState>
      {rollback && (
        <RollbackDialog
          flowId={flowId}
          version={rollback}
          saveNow={saveNow}
          onCancel={() => setRollback(null)}
          onDone={(result) => {
            setRollback(null);
            onRolledBack(result);
          }}
        />
      )}
    </Modal>
  );
}

/**
 * Confirms publishing an old version's document as a new version. When the draft has changes not
 * yet published, they are lost: the user must tick that they discard them.
 */
function RollbackDialog({ flowId, version, saveNow, onCancel, onDone }: { flowId: string; version: Version; saveNow: () => Promise<boolean>; onCancel: () => void; onDone: (r: { version: number; document: unknown }) => void }) {
  const { t } = useTranslation(['versions', 'common']);
  const queryClient = useQueryClient();
  const [discard, setDiscard] = useState(false);
  const state = useQuery({
    queryKey: ['flows', 'draftState', flowId],
    queryFn: async () => {
      await saveNow();
      return trpc.flows.draftState.query({ id: flowId });
    },
    gcTime: 0,
  });
  const mutation = useMutation({
    mutationFn: () => trpc.flows.rollback.mutate({ id: flowId, version: version.version, discardDraft: discard }),
    onSuccess: (result) => {
      void queryClient.invalidateQueries({ queryKey: keys.flows });
      onDone({ version: result.version, document: result.document });
    },
    // Someone may have saved the draft meanwhile: ask again with the fresh state.
    onError: () => void state.refetch(),
  });
  const mustConfirm = state.data?.unpublishedChanges === true && state.data.publishedVersion !== null;
  const comment = `Rollback to v${version.version}${version.comment ? `: ${version.comment}` : ''}`;
  return (
    <Modal
      title={t('rollback.title', { version: version.version })}
      onClose={onCancel}
      footer={
        <>
          <button type="button" className="btn" onClick={onCancel} data-autofocus>
            {t('common:actions.cancel')}
          </button>
          <button type="button" className="btn btn-danger" disabled={state.isPending || (mustConfirm && !discard) || mutation.isPending} aria-busy={mutation.isPending} onClick={() => mutation.mutate()} data-testid="confirm-rollback">
            {mutation.isPending ? t('common:states.working') : t('rollback.confirm', { version: version.version })}
          </button>
        </>
      }
    >
      <p>{t('rollback.explain', { version: version.version })}</p>
      <p className="muted small">
        {t('rollback.comment')} <code>{comment.slice(0, 500)}</code>
      </p>
      {state.isPending && <p className="muted small">{t('rollback.checking')}</p>}
      {state.isError && <ErrorBox error={state.error} onRetry={() => void state.refetch()} />}
      {mustConfirm && (
        <div className="notice notice-warning" role="alert">
          <p>{t('rollback.unpublished', { version: state.data?.publishedVersion })}</p>
          <label className="inline-check">
            <input type="checkbox" checked={discard} onChange={(e) => setDiscard(e.target.checked)} data-testid="discard-draft" /> {t('rollback.discard')}
          </label>
        </div>
      )}
      {mutation.isError && <ErrorBox error={mutation.error} />}
    </Modal>
  );
}
