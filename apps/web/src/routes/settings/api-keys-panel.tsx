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
import { ApiKeySettingsFields, parseScopes, type ApiKeySettings } from './api-key-settings-fields';

type ApiKeyRow = RouterOutputs['apiKeys']['list'][number];
type Created = RouterOutputs['apiKeys']['create'];

/** API keys for the event gateway: the key (and signing secret) is shown once when made; only a prefix is kept to recognise it. */
export function ApiKeysPanel() {
  const { t } = useTranslation(['settings', 'gateway', 'common']);
  const queryClient = useQueryClient();
  const list = useQuery({ queryKey: keys.apiKeys, queryFn: () => trpc.apiKeys.list.query() });
  const [creating, setCreating] = useState(false);
  const [editing, setEditing] = useState<ApiKeyRow | null>(null);
  const [revoking, setRevoking] = useState<ApiKeyRow | null>(null);
  const [rotating, setRotating] = useState<ApiKeyRow | null>(null);
  const [rotated, setRotated] = useState<string | null>(null);
  const revoke = useMutation({
    mutationFn: (id: string) => trpc.apiKeys.revoke.mutate({ id }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: keys.apiKeys });
      setRevoking(null);
    },
  });
  const rotate = useMutation({
    mutationFn: (id: string) => trpc.apiKeys.rotateSigningSecret.mutate({ id }),
    onSuccess: async (result) => {
      await queryClient.invalidateQueries({ queryKey: keys.apiKeys });
      setRotating(null);
      setRotated(result.signingSecret);
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
                  <th scope="col">{t('gateway:scopes')}</th>
                  <th scope="col">{t('gateway:signing')}</th>
                  <th scope="col">{t('gateway:rateLimit')}</th>
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
                    <td>
                      {(k.scopes ?? []).map((s) => (
                        <code key={s} className="scope-chip">
                          {s}
                        </code>
                      ))}
                    </td>
                    <td>{k.requireSignature ? t('gateway:signingRequired') : k.hasSigningSecret ? t('gateway:signingOptional') : t('gateway:signingNone')}</td>
                    <td>{k.rateLimitPerMinute === null ? t('gateway:rateLimitDefault') : t('gateway:rateLimitValue', { count: k.rateLimitPerMinute })}</td>
                    <td><DateTime value={k.lastUsedAt} /></td>
                    <td>{k.revokedAt ? <span className="badge badge-cancelled">{t('apiKeys.revokedAt', { time: formatDateTime(k.revokedAt) })}</span> : <span className="badge badge-succeeded">{t('apiKeys.active')}</span>}</td>
                    <td className="row-actions">
                      {!k.revokedAt && (
                        <>
                          <button type="button" className="btn btn-small" onClick={() => setEditing(k)} aria-label={t('gateway:editNamed', { name: k.name })}>
                            {t('gateway:edit')}
                          </button>
                          <button type="button" className="btn btn-small" onClick={() => setRotating(k)} aria-label={t('gateway:rotateNamed', { name: k.name })}>
                            {t('gateway:rotate')}
                          </button>
                          <button type="button" className="btn btn-small btn-danger-outline" onClick={() => setRevoking(k)} aria-label={t('apiKeys.revokeNamed', { name: k.name })}>
                            {t('apiKeys.revoke')}
                          </button>
                        </>
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
      {editing && <EditKeyDialog row={editing} onClose={() => setEditing(null)} />}
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
      {rotating && (
        <ConfirmDialog
          title={t('gateway:rotateTitle')}
          message={t('gateway:rotateMessage', { name: rotating.name })}
          confirmLabel={t('gateway:rotate')}
          onConfirm={() => rotate.mutate(rotating.id)}
          onCancel={() => {
            rotate.reset();
            setRotating(null);
          }}
          pending={rotate.isPending}
          error={rotate.error}
        />
      )}
      {rotated && (
        <Modal
          title={t('gateway:rotatedTitle')}
          onClose={() => setRotated(null)}
          footer={
            <button type="button" className="btn btn-primary" onClick={() => setRotated(null)} data-autofocus>
              {t('apiKeys.done')}
            </button>
          }
        >
          <SecretShownOnce label={t('gateway:signingSecretShownOnce')} secret={rotated} testId="new-signing-secret" />
        </Modal>
      )}
    </section>
  );
}

function SecretShownOnce({ label, secret, testId }: { label: string; secret: string; testId: string }) {
  return (
    <>
      <p className="notice" role="alert">
        {label}
      </p>
      <div className="secret-box">
        <code data-testid={testId}>{secret}</code>
        <CopyButton text={secret} />
      </div>
    </>
  );
}

function CreateKeyDialog({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation(['settings', 'gateway', 'common']);
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [source, setSource] = useState('*');
  const [withSigningSecret, setWithSigningSecret] = useState(false);
  const [settings, setSettings] = useState<ApiKeySettings>({ scopesText: '*', requireSignature: false, rateLimitText: '' });
  const [created, setCreated] = useState<Created | null>(null);
  const create = useMutation({
    mutationFn: () =>
      trpc.apiKeys.create.mutate({
        name: name.trim(), source: source.trim() || '*', scopes: parseScopes(settings.scopesText), withSigningSecret,
        requireSignature: withSigningSecret && settings.requireSignature, rateLimitPerMinute: settings.rateLimitText.trim() ? Number(settings.rateLimitText) : null,
      }),
    onSuccess: async (result) => {
      setCreated(result);
      await queryClient.invalidateQueries({ queryKey: keys.apiKeys });
    },
  });
  const scopesMissing = parseScopes(settings.scopesText).length === 0;
  function submit(e: FormEvent) {
    e.preventDefault();
    if (name.trim() && !scopesMissing) create.mutate();
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
        <SecretShownOnce label={t('apiKeys.shownOnce')} secret={created.key} testId="new-api-key" />
        {created.signingSecret && (
          <>
            <h3>{t('gateway:signingSecretTitle')}</h3>
            <SecretShownOnce label={t('gateway:signingSecretShownOnce')} secret={created.signingSecret} testId="new-signing-secret" />
          </>
        )}
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
        <label className="check">
          <input type="checkbox" checked={withSigningSecret} onChange={(e) => setWithSigningSecret(e.target.checked)} />
          {t('gateway:withSigningSecret')}
        </label>
        <ApiKeySettingsFields value={settings} onChange={setSettings} canRequireSignature={withSigningSecret} />
        {create.isError && <ErrorBox error={create.error} />}
        <div className="modal-footer inline">
          <button type="button" className="btn" onClick={onClose}>
            {t('common:actions.cancel')}
          </button>
          <button type="submit" className="btn btn-primary" disabled={!name.trim() || scopesMissing || create.isPending} aria-busy={create.isPending}>
            {create.isPending ? t('common:states.working') : t('apiKeys.create')}
          </button>
        </div>
      </form>
    </Modal>
  );
}

function EditKeyDialog({ row, onClose }: { row: ApiKeyRow; onClose: () => void }) {
  const { t } = useTranslation(['settings', 'gateway', 'common']);
  const queryClient = useQueryClient();
  const [settings, setSettings] = useState<ApiKeySettings>({
    scopesText: (row.scopes ?? []).join('\n'),
    requireSignature: row.requireSignature,
    rateLimitText: row.rateLimitPerMinute === null ? '' : String(row.rateLimitPerMinute),
  });
  const update = useMutation({
    mutationFn: () =>
      trpc.apiKeys.update.mutate({
        id: row.id, scopes: parseScopes(settings.scopesText), requireSignature: settings.requireSignature,
        rateLimitPerMinute: settings.rateLimitText.trim() ? Number(settings.rateLimitText) : null,
      }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: keys.apiKeys });
      onClose();
    },
  });
  const scopesMissing = parseScopes(settings.scopesText).length === 0;
  function submit(e: FormEvent) {
    e.preventDefault();
    if (!scopesMissing) update.mutate();
  }
  return (
    <Modal title={t('gateway:editTitle', { name: row.name })} onClose={onClose}>
      <form className="form" onSubmit={submit}>
        <ApiKeySettingsFields value={settings} onChange={setSettings} canRequireSignature={row.hasSigningSecret} autoFocus />
        {update.isError && <ErrorBox error={update.error} />}
        <div className="modal-footer inline">
          <button type="button" className="btn" onClick={onClose}>
            {t('common:actions.cancel')}
          </button>
          <button type="submit" className="btn btn-primary" disabled={scopesMissing || update.isPending} aria-busy={update.isPending}>
            {update.isPending ? t('common:states.working') : t('gateway:save')}
          </button>
        </div>
      </form>
    </Modal>
  );
}
