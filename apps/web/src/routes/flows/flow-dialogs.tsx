import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { keys } from '../../api/keys';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { DataState } from '../../components/data-state';
import { ErrorBox } from '../../components/error-box';
import { Modal } from '../../components/modal';
import { currentLanguage } from '../../i18n';
import { trpc } from '../../trpc';

export interface FlowRef {
  id: string;
  name: string;
}

export type FlowAction = { kind: 'rename' | 'duplicate' | 'archive'; flow: FlowRef } | { kind: 'create' };

/** Name + template, then the new flow's page. */
function CreateFlowDialog({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation(['flows', 'common']);
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [templateId, setTemplateId] = useState('blank');
  const templates = useQuery({ queryKey: keys.templates, queryFn: () => trpc.flows.templates.query(), staleTime: Infinity });
  const create = useMutation({
    mutationFn: () => trpc.flows.create.mutate({ name: name.trim(), templateId }),
    onSuccess: async (flow) => {
      await queryClient.invalidateQueries({ queryKey: keys.flows });
      onClose();
      await navigate(`/flows/${flow.id}`);
    },
  });
  const language = currentLanguage();
  function submit(e: FormEvent) {
    e.preventDefault();
    if (name.trim()) create.mutate();
  }
  return (
    <Modal title={t('create.title')} onClose={onClose} size="large">
      <form onSubmit={submit} className="form" id="create-flow-form">
        <label className="field">
          <span>{t('create.name')}</span>
          <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} data-autofocus placeholder={t('create.namePlaceholder')} />
        </label>
        <fieldset className="field">
          <legend>{t('create.template')}</legend>
          <DataState query={templates}>
            {(list) => (
              <div className="template-grid">
                {list.map((tpl) => (
                  <label key={tpl.id} className={tpl.id === templateId ? 'template-card selected' : 'template-card'}>
                    <input type="radio" name="template" value={tpl.id} checked={tpl.id === templateId} onChange={() => setTemplateId(tpl.id)} />
                    <span className="template-name">{tpl.name[language]}</span>
                    <span className="template-desc">{tpl.description[language]}</span>
                    <code className="small">{tpl.eventType}</code>
                  </label>
                ))}
              </div>
            )}
          </DataState>
        </fieldset>
        {create.isError && <ErrorBox error={create.error} />}
        <div className="modal-footer inline">
          <button type="button" className="btn" onClick={onClose}>
            {t('common:actions.cancel')}
          </button>
          <button type="submit" className="btn btn-primary" disabled={!name.trim() || create.isPending} aria-busy={create.isPending}>
            {create.isPending ? t('common:states.working') : t('create.submit')}
          </button>
        </div>
      </form>
    </Modal>
  );
}

/** Rename, or name the copy of a flow: one text field, prefilled. */
function NameDialog({ flow, kind, onClose }: { flow: FlowRef; kind: 'rename' | 'duplicate'; onClose: () => void }) {
  const { t } = useTranslation(['flows', 'common']);
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [name, setName] = useState(kind === 'rename' ? flow.name : t('duplicate.defaultName', { name: flow.name }));
  const save = useMutation({
    mutationFn: () => (kind === 'rename' ? trpc.flows.rename.mutate({ id: flow.id, name: name.trim() }) : trpc.flows.duplicate.mutate({ id: flow.id, name: name.trim() })),
    onSuccess: async (result) => {
      await queryClient.invalidateQueries({ queryKey: keys.flows });
      onClose();
      if (kind === 'duplicate') await navigate(`/flows/${result.id}`);
    },
  });
  const unchanged = kind === 'rename' && name.trim() === flow.name;
  return (
    <Modal title={t(`${kind}.title`, { name: flow.name })} onClose={onClose}>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          if (name.trim() && !unchanged) save.mutate();
        }}
      >
        <label className="field">
          <span>{t(`${kind}.name`)}</span>
          <input value={name} onChange={(e) => setName(e.target.value)} required maxLength={200} data-autofocus onFocus={(e) => e.target.select()} />
        </label>
        {save.isError && <ErrorBox error={save.error} />}
        <div className="modal-footer inline">
          <button type="button" className="btn" onClick={onClose}>
            {t('common:actions.cancel')}
          </button>
          <button type="submit" className="btn btn-primary" disabled={!name.trim() || unchanged || save.isPending} aria-busy={save.isPending}>
            {save.isPending ? t('common:states.working') : t(`${kind}.submit`)}
          </button>
        </div>
      </form>
    </Modal>
  );
}

function ArchiveDialog({ flow, onClose, onArchived }: { flow: FlowRef; onClose: () => void; onArchived?: () => void }) {
  const { t } = useTranslation(['flows', 'common']);
  const queryClient = useQueryClient();
  const archive = useMutation({
    mutationFn: () => trpc.flows.archive.mutate({ id: flow.id }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: keys.flows });
      onClose();
      onArchived?.();
    },
  });
  return (
    <ConfirmDialog
      title={t('archive.title')}
      message={t('archive.message', { name: flow.name })}
      confirmLabel={t('archive.submit')}
      onConfirm={() => archive.mutate()}
      onCancel={onClose}
      pending={archive.isPending}
      error={archive.error}
    />
  );
}

/** Whichever dialog the current action needs. */
export function FlowActionDialog({ action, onClose, onArchived }: { action: FlowAction | null; onClose: () => void; onArchived?: () => void }) {
  if (!action) return null;
  switch (action.kind) {
    case 'create':
      return <CreateFlowDialog onClose={onClose} />;
    case 'rename':
    case 'duplicate':
      return <NameDialog key={`${action.kind}:${action.flow.id}`} flow={action.flow} kind={action.kind} onClose={onClose} />;
    case 'archive':
      return <ArchiveDialog flow={action.flow} onClose={onClose} {...(onArchived ? { onArchived } : {})} />;
  }
}
