import { useQuery } from '@tanstack/react-query';
import { lazy, Suspense, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { keys } from '../../api/keys';
import { can, DESIGN } from '../../auth/access';
import { useUser } from '../../auth/use-user';
import { DateTime } from '../../components/date-time';
import { DataState } from '../../components/data-state';
import { PageHeader } from '../../components/page-header';
import { StatusBadge } from '../../components/status-badge';
import { formatDateTime } from '../../lib/format-date';
import { trpc } from '../../trpc';
import { FlowActionDialog, type FlowAction } from './flow-dialogs';
import { FlowGraphList } from './flow-graph-list';
import { FlowSettingsDialog, maxConcurrencyOf } from './flow-settings-dialog';

// The designer (React Flow, the flow compiler's parser and evaluator for previews) is loaded only when a flow is opened for editing.
const FlowDesigner = lazy(() => import('./designer/flow-designer').then((m) => ({ default: m.FlowDesigner })));
// Version comparison (the diff view) is loaded only when asked for.
const VersionHistory = lazy(() => import('./designer/version-history').then((m) => ({ default: m.VersionHistory })));

/**
 * A flow: the canvas designer for those who design (admins, designers) while the flow is not
 * archived; otherwise — and with `?view=details` — the read-only page: what it is, its versions,
 * and the steps of the published version (or of the draft while nothing is published).
 */
export function FlowPage() {
  const { id = '' } = useParams();
  const user = useUser();
  const [search] = useSearchParams();
  const flow = useQuery({ queryKey: keys.flow(id), queryFn: () => trpc.flows.get.query({ id }) });
  const designing = can(user, DESIGN) && search.get('view') !== 'details';
  if (designing && flow.data && flow.data.status !== 'archived') {
    return (
      <Suspense fallback={<DesignerLoading />}>
        <FlowDesigner key={flow.data.id} flow={flow.data} />
      </Suspense>
    );
  }
  if (designing && !flow.data) return <DataState query={flow}>{() => null}</DataState>;
  return <FlowDetails id={id} />;
}

function DesignerLoading() {
  const { t } = useTranslation('mapping');
  return (
    <p className="muted" role="status" aria-busy="true" data-testid="designer-loading">
      {t('designerLoading')}
    </p>
  );
}

function FlowDetails({ id }: { id: string }) {
  const { t } = useTranslation(['flows', 'versions']);
  const user = useUser();
  const navigate = useNavigate();
  const [action, setAction] = useState<FlowAction | null>(null);
  const [settingsOpen, setSettingsOpen] = useState(false);
  const [comparing, setComparing] = useState(false);
  const flow = useQuery({ queryKey: keys.flow(id), queryFn: () => trpc.flows.get.query({ id }) });
  const versions = useQuery({ queryKey: keys.flowVersions(id), queryFn: () => trpc.flows.versions.query({ id }) });

  return (
    <>
      <p className="breadcrumbs">
        <Link to="/flows">{t('title')}</Link>
      </p>
      <DataState query={flow}>
        {(f) => {
          const ref = { id: f.id, name: f.name };
          const published = versions.data?.find((v) => v.version === f.publishedVersion);
          return (
            <>
              <PageHeader
                title={
                  <>
                    {f.name} <StatusBadge status={f.status} />
                  </>
                }
                actions={
                  can(user, DESIGN) &&
                  f.status !== 'archived' && (
                    <>
                      <button type="button" className="btn" onClick={() => setSettingsOpen(true)}>
                        {t('flowSettings.button')}
                      </button>
                      <button type="button" className="btn" onClick={() => setAction({ kind: 'rename', flow: ref })}>
                        {t('actions.rename')}
                      </button>
                      <button type="button" className="btn" onClick={() => setAction({ kind: 'duplicate', flow: ref })}>
                        {t('actions.duplicate')}
                      </button>
                      <button type="button" className="btn btn-danger-outline" onClick={() => setAction({ kind: 'archive', flow: ref })}>
                        {t('actions.archive')}
                      </button>
                    </>
                  )
                }
              >
                {f.description && <p className="muted">{f.description}</p>}
              </PageHeader>
              <p className="notice" role="note">
                {can(user, DESIGN) && f.status !== 'archived' ? (
                  <>
                    {t('page.readOnlyDesigner')} <Link to={`/flows/${f.id}`}>{t('page.openDesigner')}</Link>
                  </>
                ) : (
                  t('page.readOnly')
                )}
              </p>
              <dl className="facts">
                <dt>{t('columns.trigger')}</dt>
                <dd>
                  <code>{f.triggerType ?? triggerOf(f.draft) ?? '—'}</code>
                </dd>
                <dt>{t('columns.version')}</dt>
                <dd>{f.publishedVersion ? `v${f.publishedVersion}` : t('page.notPublished')}</dd>
                <dt>{t('page.created')}</dt>
                <dd>{formatDateTime(f.createdAt)}</dd>
                <dt>{t('columns.updated')}</dt>
                <dd>{formatDateTime(f.updatedAt)}</dd>
                <dt>{t('flowSettings.maxConcurrency')}</dt>
                <dd data-testid="flow-max-concurrency">{maxConcurrencyOf(f.settings) ?? t('flowSettings.unlimited')}</dd>
                <dt>{t('page.runs')}</dt>
                <dd>
                  <Link to={`/runs?flow=${f.id}`}>{t('page.viewRuns')}</Link>
                </dd>
              </dl>

              <section aria-labelledby="versions-title">
                <h2 id="versions-title">{t('page.versions')}</h2>
                {(versions.data?.length ?? 0) > 0 && (
                  <p>
                    <button type="button" className="btn btn-small" onClick={() => setComparing(true)} data-testid="compare-versions">
                      {t('versions:compare')}
                    </button>
                  </p>
                )}
                {comparing && <Suspense fallback={<DesignerLoading />}><VersionHistory flowId={f.id} publishedVersion={f.publishedVersion} draft={f.draft} canWrite={false} saveNow={() => Promise.resolve(true)} onRolledBack={() => setComparing(false)} onClose={() => setComparing(false)} /></Suspense>}
                <DataState query={versions} isEmpty={(list) => list.length === 0} empty={t('page.noVersions')}>
                  {(list) => (
                    <div className="table-wrap">
                      <table className="table" aria-labelledby="versions-title">
                        <thead>
                          <tr>
                            <th scope="col">{t('page.version')}</th>
                            <th scope="col">{t('page.publishedAt')}</th>
                            <th scope="col">{t('page.publishedBy')}</th>
                            <th scope="col">{t('page.comment')}</th>
                            <th scope="col">{t('page.planHash')}</th>
                          </tr>
                        </thead>
                        <tbody>
                          {list.map((v) => (
                            <tr key={v.id}>
                              <td>
                                v{v.version} {v.version === f.publishedVersion && <span className="badge badge-published">{t('page.current')}</span>}
                              </td>
                              <td><DateTime value={v.publishedAt} /></td>
                              <td>{v.publishedBy ?? '—'}</td>
                              <td>{v.comment || <span className="muted">—</span>}</td>
                              <td>
                                <code className="small" title={v.planHash}>
                                  {v.planHash.slice(0, 12)}
                                </code>
                              </td>
                            </tr>
                          ))}
                        </tbody>
                      </table>
                    </div>
                  )}
                </DataState>
              </section>

              <section aria-labelledby="steps-title">
                <h2 id="steps-title">{published ? t('page.stepsOfVersion', { version: published.version }) : t('page.stepsOfDraft')}</h2>
                <FlowGraphList document={published ? published.definition : f.draft} />
              </section>
            </>
          );
        }}
      </DataState>
      <FlowActionDialog action={action} onClose={() => setAction(null)} onArchived={() => void navigate('/flows')} />
      {settingsOpen && flow.data && <FlowSettingsDialog flowId={flow.data.id} settings={flow.data.settings} onClose={() => setSettingsOpen(false)} />}
    </>
  );
}

function triggerOf(draft: unknown): string | null {
  if (typeof draft !== 'object' || draft === null || !('trigger' in draft)) return null;
  const trigger: unknown = draft.trigger;
  return typeof trigger === 'object' && trigger !== null && 'eventType' in trigger && typeof trigger.eventType === 'string' ? trigger.eventType : null;
}
