import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState, type FormEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { keys } from '../../api/keys';
import { ErrorBox } from '../../components/error-box';
import { Modal } from '../../components/modal';
import { SchemaForm } from '../../components/schema-form';
import { currentLanguage } from '../../i18n';
import { fieldIssues } from '../../lib/error-message';
import { checkValues, fieldsOf, initialValues, toCredentials, type FieldProblem, type FormValues, type JsonSchema } from '../../lib/schema-form-model';
import { trpc, type RouterOutputs } from '../../trpc';
import { fieldLabel, optionLabel } from './connection-labels';
import { TestResult, useTestConnection } from './test-connection';

export type Connector = RouterOutputs['connections']['connectors'][number];
export type ConnectionRow = RouterOutputs['connections']['list'][number];

interface ConnectionDialogProps {
  connectors: readonly Connector[];
  /** The connection to edit; absent to create one. */
  connection?: ConnectionRow;
  onClose: () => void;
}

function summaryOf(connection: ConnectionRow | undefined): Record<string, unknown> {
  const summary: unknown = connection?.summary;
  return typeof summary === 'object' && summary !== null && !Array.isArray(summary) ? (summary as Record<string, unknown>) : {};
}

/** Create or edit a connection; the credential fields come from the connector's auth JSON Schema. */
export function ConnectionDialog({ connectors, connection, onClose }: ConnectionDialogProps) {
  const { t } = useTranslation(['connections', 'common']);
  const queryClient = useQueryClient();
  const mode = connection ? 'edit' : 'create';
  const [connectorId, setConnectorId] = useState(connection?.connectorId ?? connectors[0]?.id ?? '');
  const connector = connectors.find((c) => c.id === connectorId);
  const schema = (connector?.auth ?? {}) as JsonSchema;
  const secretFields = connector?.secretFields ?? [];
  const start = () => initialValues(schema, { secretFields, mode, known: summaryOf(connection) });
  const [initial, setInitial] = useState<FormValues>(start);
  const [values, setValues] = useState<FormValues>(initial);
  const [name, setName] = useState(connection?.name ?? '');
  const [rateLimit, setRateLimit] = useState(() => {
    const limit = (connection?.settings as { rateLimitPerSecond?: unknown } | undefined)?.rateLimitPerSecond;
    return typeof limit === 'number' ? String(limit) : '';
  });
  const [problems, setProblems] = useState<Record<string, FieldProblem | string>>({});
  const test = useTestConnection();

  const save = useMutation({
    mutationFn: async () => {
      const credentials = toCredentials(schema, values, { secretFields, mode, initial });
      const settings = { rateLimitPerSecond: rateLimit.trim() ? Number(rateLimit) : null };
      if (connection) {
        return trpc.connections.update.mutate({
          id: connection.id,
          settings,
          ...(name.trim() !== connection.name ? { name: name.trim() } : {}),
          ...(Object.keys(credentials).length > 0 ? { credentials } : {}),
        });
      }
      return trpc.connections.create.mutate({ name: name.trim(), connectorId, credentials, settings });
    },
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: keys.connections });
      onClose();
    },
    onError: (err) => {
      // The server names fields as credentials.<field>; show each next to its field.
      const byField: Record<string, string> = {};
      for (const [path, message] of Object.entries(fieldIssues(err))) byField[path.replace(/^credentials\./, '')] = message;
      setProblems(byField);
    },
  });

  function chooseConnector(id: string) {
    setConnectorId(id);
    const next = connectors.find((c) => c.id === id);
    const fresh = initialValues((next?.auth ?? {}) as JsonSchema, { secretFields: next?.secretFields ?? [], mode });
    setInitial(fresh);
    setValues(fresh);
    setProblems({});
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    const found = checkValues(fieldsOf(schema, values, { secretFields, mode }), values, mode);
    setProblems(found);
    if (!name.trim() || Object.keys(found).length > 0) return;
    save.mutate();
  }

  const language = currentLanguage();
  return (
    <Modal title={connection ? t('dialog.editTitle', { name: connection.name }) : t('dialog.createTitle')} onClose={onClose} size="large">
      <form className="form" onSubmit={submit} noValidate>
        <label className="field">
          <span>
            {t('dialog.name')}
            <span className="required" aria-hidden="true">
              {' '}
              *
            </span>
          </span>
          <input value={name} onChange={(e) => setName(e.target.value)} required aria-required="true" maxLength={100} data-autofocus />
        </label>
        <label className="field">
          <span>{t('dialog.connector')}</span>
          <select value={connectorId} onChange={(e) => chooseConnector(e.target.value)} disabled={mode === 'edit'}>
            {connectors.map((c) => (
              <option key={c.id} value={c.id}>
                {c.name[language]}
              </option>
            ))}
          </select>
          {connector?.description && <span className="hint">{connector.description[language]}</span>}
        </label>
        {mode === 'edit' && <p className="notice small">{t('dialog.secretNotice')}</p>}
        <fieldset>
          <legend>{t('dialog.credentials')}</legend>
          <SchemaForm
            schema={schema}
            values={values}
            onChange={setValues}
            secretFields={secretFields}
            mode={mode}
            problems={problems}
            label={(n) => fieldLabel(t, n)}
            optionLabel={(_f, o) => optionLabel(t, o)}
          />
        </fieldset>
        <label className="field">
          <span>{t('dialog.rateLimit')}</span>
          <input type="number" inputMode="numeric" min={1} max={10000} step={1} value={rateLimit} onChange={(e) => setRateLimit(e.target.value)} aria-describedby="rate-limit-hint" />
          <span className="hint" id="rate-limit-hint">
            {t('dialog.rateLimitHint')}
          </span>
        </label>
        {save.isError && <ErrorBox error={save.error} />}
        {connection && test.result && <TestResult result={test.result} />}
        <div className="modal-footer inline">
          {connection && connector?.testable && (
            <button type="button" className="btn" onClick={() => test.run(connection.id)} disabled={test.pending} aria-busy={test.pending} title={t('dialog.testSaved')}>
              {test.pending ? t('test.testing') : t('test.button')}
            </button>
          )}
          <span className="spacer" />
          <button type="button" className="btn" onClick={onClose}>
            {t('common:actions.cancel')}
          </button>
          <button type="submit" className="btn btn-primary" disabled={save.isPending || !name.trim()} aria-busy={save.isPending}>
            {save.isPending ? t('common:states.working') : connection ? t('common:actions.save') : t('dialog.create')}
          </button>
        </div>
      </form>
    </Modal>
  );
}
