import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { keys } from '../../api/keys';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { CopyButton } from '../../components/copy-button';
import { DateTime } from '../../components/date-time';
import { DataState } from '../../components/data-state';
import { ErrorBox } from '../../components/error-box';
import { Modal } from '../../components/modal';
import { formatDateTime } from '../../lib/format-date';
import { trpc, type RouterOutputs } from '../../trpc';

type ApiKeyRow = RouterOutputs['apiKeys']['list'][number];
type Created = RouterOutputs['apiKeys']['create'];

/** API keys for the event gateway: the key is shown once when made; only a prefix is kept to recognise it. */
export function ApiKeysPanel() {
  const { t } = useTranslation(['settings', 'common']);
  const queryClient = useQueryClient();
  const list = useQuery({ queryKey: keys.apiKeys, queryFn: () => trpc.apiKeys.list.query() });
  const [creating, setCreating] = useState(false);
  const [revoking, setRevoking] = useState<ApiKeyRow | null>(null);
  const revoke = useMutation({
    mutationFn: (id: string) => trpc.apiKeys.revoke.mutate({ id }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: keys.apiKeys });
      setRevoking(null);
    },
  });
  return (
    <section className="panel" aria-labelledby="keys-title">
      <div className="panel-header">
        <h2 id="keys-title">{t('apiKeys.title')}</h2>
        <button type="button" className="btn btn-primary" onClick={() => setCreating(true)}>
          {t('apiKeys.new')}
        </button>
      </div>
      <p className="muted">{t('apiKeys.intro')}</p>
      <DataState query={list} isEmpty={(rows) => rows.length === 0} empty={t('apiKeys.empty')}>
        {(rows) => (
          <div className="table-wrap">
            <table className="table" aria-labelledby="keys-title">
              <thead>
                <tr>
                  <th scope="col">{t('apiKeys.name')}</th>
                  <th scope="col">{t('apiKeys.prefix')}</th>
                  <th scope="col">{t('apiKeys.source')}</th>
                  <th scope="col">{t('apiKeys.created')}</th>
                  <th scope="col">{t('apiKeys.lastUsed')}</th>
                  <th scope="col">{t('apiKeys.status')}</th>
                  <th scope="col">
                    <span className="visually-hidden">{t('apiKeys.actions')}</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {rows.map((k) => (
                  <tr key={k.id}>
                    <td className="strong">{k.name}</td>
                    <td>
                      <code>{k.prefix}…</code>
                    </td>
                    <td>
                      <code>{k.source}</code>
                    </td>
                    <td><DateTime value={k.createdAt} /></td>
                    <td><DateTime value={k.lastUsedAt} /></td>
                    <td>{k.revokedAt ? <span className="badge badge-cancelled">{t('apiKeys.revokedAt', { time: formatDateTime(k.revokedAt) })}</span> : <span className="badge badge-succeeded">{t('apiKeys.active')}</span>}</td>
                    <td className="row-actions">
                      {!k.revokedAt && (
                        <button type="button" className="btn btn-small btn-danger-outline" onClick={() => setRevoking(k)} aria-label={t('apiKeys.revokeNamed', { name: k.name })}>
                          {t('apiKeys.revoke')}
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )}
      </DataState>
      {creating && <CreateKeyDialog onClose={() => setCreating(false)} />}
      {revoking && (
        <ConfirmDialog
          title={t('apiKeys.revokeTitle')}
          message={t('apiKeys.revokeMessage', { name: revoking.name })}
          confirmLabel={t('apiKeys.revoke')}
          onConfirm={() => revoke.mutate(revoking.id)}
          onCancel={() => {
            revoke.reset();
            setRevoking(null);
          }}
          pending={revoke.isPending}
          error={revoke.error}
        />
      )}
    </section>
  );
}

function CreateKeyDialog({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation(['settings', 'common']);
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [source, setSource] = useState('*');
  const [created, setCreated] = useState<Created | null>(null);
  const create = useMutation({
    mutationFn: () => trpc.apiKeys.create.mutate({ name: name.trim(), source: source.trim() || '*' }),
    onSuccess: async (result) => {
      setCreated(result);
      await queryClient.invalidateQueries({ queryKey: keys.apiKeys });
    },
  });
  function submit(e: FormEvent) {
    e.preventDefault();
    if (name.trim()) create.mutate();
  }
  if (created) {
    return (
      <Modal
        title={t('apiKeys.createdTitle')}
        onClose={onClose}
        footer={
          <button type="button" className="btn btn-primary" onClick={onClose} data-autofocus>
            {t('apiKeys.done')}
          </button>
        }
      >
        <p className="notice" role="alert">
          {t('apiKeys.shownOnce')}
        </p>
        <div className="secret-box">
          <code data-testid="new-api-key">{created.key}</code>
          <CopyButton text={created.key} />
        </div>
      </Modal>
    );
  }
  return (
    <Modal title={t('apiKeys.createTitle')} onClose={onClose}>
      <form className="form" onSubmit={submit}>
        <label className="field">
          <span>{t('apiKeys.name')}</span>
          <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} data-autofocus placeholder={t('apiKeys.namePlaceholder')} />
        </label>
        <label className="field">
          <span>{t('apiKeys.source')}</span>
          <input value={source} onChange={(e) => setSource(e.target.value)} maxLength={1024} />
          <span className="hint">{t('apiKeys.sourceHint')}</span>
        </label>
        {create.isError && <ErrorBox error={create.error} />}
        <div className="modal-footer inline">
          <button type="button" className="btn" onClick={onClose}>
            {t('common:actions.cancel')}
          </button>
          <button type="submit" className="btn btn-primary" disabled={!name.trim() || create.isPending} aria-busy={create.isPending}>
            {create.isPending ? t('common:states.working') : t('apiKeys.create')}
          </button>
        </div>
      </form>
    </Modal>
  );
}
