import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { Fragment, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { keys } from '../../api/keys';
import { can, DESIGN } from '../../auth/access';
import { useUser } from '../../auth/use-user';
import { ConfirmDialog } from '../../components/confirm-dialog';
import { DataState } from '../../components/data-state';
import { PageHeader } from '../../components/page-header';
import { currentLanguage } from '../../i18n';
import { trpc } from '../../trpc';
import { ConnectionDialog, type ConnectionRow } from './connection-dialog';
import { fieldLabel } from './connection-labels';
import { TestResult, useTestConnection } from './test-connection';
import { LastUsed, RecentErrorsCell, RecentErrorsList } from './connection-health';

type Dialog = { kind: 'create' } | { kind: 'edit'; connection: ConnectionRow } | { kind: 'delete'; connection: ConnectionRow } | null;

function summaryEntries(summary: unknown): [string, string][] {
  if (typeof summary !== 'object' || summary === null || Array.isArray(summary)) return [];
  return Object.entries(summary as Record<string, unknown>).map(([k, v]) => [k, String(v)]);
}

export function ConnectionsPage() {
  const { t } = useTranslation(['connections', 'common', 'connectionHealth']);
  const user = useUser();
  const designer = can(user, DESIGN);
  const queryClient = useQueryClient();
  const [dialog, setDialog] = useState<Dialog>(null);
  const connections = useQuery({ queryKey: keys.connectionList, queryFn: () => trpc.connections.list.query() });
  const connectors = useQuery({ queryKey: keys.connectors, queryFn: () => trpc.connections.connectors.query(), staleTime: Infinity });
  const test = useTestConnection();
  const remove = useMutation({
    mutationFn: (id: string) => trpc.connections.delete.mutate({ id }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: keys.connections });
      setDialog(null);
    },
  });
  const language = currentLanguage();
  const connectorName = (id: string) => connectors.data?.find((c) => c.id === id)?.name[language] ?? id;

  return (
    <>
      <PageHeader
        title={t('title')}
        actions={
          designer && (
            <button type="button" className="btn btn-primary" onClick={() => setDialog({ kind: 'create' })} disabled={!connectors.data}>
              {t('new')}
            </button>
          )
        }
      >
        <p className="muted">{t('intro')}</p>
      </PageHeader>
      <DataState query={connections} isEmpty={(list) => list.length === 0} empty={t('empty')}>
        {(list) => (
          <div className="table-wrap">
            <table className="table" aria-label={t('title')}>
              <thead>
                <tr>
                  <th scope="col">{t('columns.name')}</th>
                  <th scope="col">{t('columns.connector')}</th>
                  <th scope="col">{t('columns.summary')}</th>
                  <th scope="col">{t('columns.lastUsed')}</th>
                  <th scope="col">{t('connectionHealth:errors.column')}</th>
                  {designer && <th scope="col"><span className="visually-hidden">{t('columns.actions')}</span></th>}
                </tr>
              </thead>
              <tbody>
                {list.map((c) => (
                  <ConnectionRowView key={c.id} connection={c} designer={designer} connectorName={connectorName(c.connectorId)} test={test} onDialog={setDialog} canEdit={Boolean(connectors.data)} />
                ))}
              </tbody>
            </table>
          </div>
        )}
      </DataState>
      {connectors.data && (dialog?.kind === 'create' || dialog?.kind === 'edit') && (
        <ConnectionDialog connectors={connectors.data} {...(dialog.kind === 'edit' ? { connection: dialog.connection } : {})} onClose={() => setDialog(null)} />
      )}
      {dialog?.kind === 'delete' && (
        <ConfirmDialog
          title={t('delete.title')}
          message={t('delete.message', { name: dialog.connection.name })}
          confirmLabel={t('common:actions.delete')}
          onConfirm={() => remove.mutate(dialog.connection.id)}
          onCancel={() => {
            remove.reset();
            setDialog(null);
          }}
          pending={remove.isPending}
          error={remove.error}
        />
      )}
    </>
  );
}

interface RowProps {
  connection: ConnectionRow;
  designer: boolean;
  connectorName: string;
  canEdit: boolean;
  test: ReturnType<typeof useTestConnection>;
  onDialog: (dialog: Dialog) => void;
}

/** A connection, and under it the result of its last test when there is one. */
function ConnectionRowView({ connection: c, designer, connectorName, canEdit, test, onDialog }: RowProps) {
  const { t } = useTranslation(['connections', 'common']);
  const [errorsOpen, setErrorsOpen] = useState(false);
  const columns = designer ? 6 : 5;
  return (
    <Fragment>
      <tr data-testid="connection-row">
        <td className="strong">{c.name}</td>
        <td>{connectorName}</td>
        <td>
          <dl className="summary">
            {summaryEntries(c.summary).map(([k, v]) => (
              <div key={k}>
                <dt>{fieldLabel(t, k)}</dt>
                <dd>{v}</dd>
              </div>
            ))}
          </dl>
        </td>
        <td><LastUsed value={c.lastUsedAt} /></td>
        <td>
          <RecentErrorsCell name={c.name} count={c.recentErrorCount} lastError={c.lastError} open={errorsOpen} onToggle={() => setErrorsOpen((open) => !open)} />
        </td>
        {designer && (
          <td className="row-actions">
            <button type="button" className="btn btn-small" onClick={() => test.run(c.id)} disabled={test.pending} aria-label={t('test.buttonNamed', { name: c.name })}>
              {test.pending && test.id === c.id ? t('test.testing') : t('test.button')}
            </button>
            <button type="button" className="btn btn-small" onClick={() => onDialog({ kind: 'edit', connection: c })} disabled={!canEdit} aria-label={t('editNamed', { name: c.name })}>
              {t('common:actions.edit')}
            </button>
            <button type="button" className="btn btn-small btn-danger-outline" onClick={() => onDialog({ kind: 'delete', connection: c })} aria-label={t('deleteNamed', { name: c.name })}>
              {t('common:actions.delete')}
            </button>
          </td>
        )}
      </tr>
      {errorsOpen && (
        <tr className="detail-row" data-testid="connection-errors-row">
          <td colSpan={columns}>
            <RecentErrorsList connectionId={c.id} name={c.name} />
          </td>
        </tr>
      )}
      {test.result && test.id === c.id && !test.pending && (
        <tr className="detail-row" data-testid="connection-test-row">
          <td colSpan={columns}>
            <TestResult result={test.result} />
          </td>
        </tr>
      )}
    </Fragment>
  );
}
