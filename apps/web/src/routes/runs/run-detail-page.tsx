import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { keys } from '../../api/keys';
import { DataState } from '../../components/data-state';
import { JsonView } from '../../components/json-view';
import { PageHeader } from '../../components/page-header';
import { StatusBadge } from '../../components/status-badge';
import { erpDocuments, nodesOf } from '../../lib/erp-documents';
import { errorSummary } from '../../lib/error-summary';
import { between, formatDateTime, formatDuration } from '../../lib/format-date';
import { trpc } from '../../trpc';
import { ErpDocumentList } from './erp-document-list';
import { RunCanvas } from './run-canvas';
import { LIVE_INTERVAL_MS } from './runs-page';
import { RunTrail } from './run-trail';
import { StepTimeline } from './step-timeline';

/** One run: status, ERP documents, step timeline and the event that started it; live until it finishes. */
export function RunDetailPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation(['runs', 'gateway', 'runview']);
  const [selectedNode, setSelectedNode] = useState<string | null>(null);
  const run = useQuery({
    queryKey: keys.run(id),
    queryFn: () => trpc.runs.get.query({ id }),
    refetchInterval: (query) => (query.state.data && ['succeeded', 'cancelled'].includes(query.state.data.status) ? false : LIVE_INTERVAL_MS),
  });
  return (
    <>
      <p className="breadcrumbs">
        <Link to="/runs">{t('title')}</Link>
      </p>
      <DataState query={run}>
        {(r) => {
          const nodes = nodesOf(r.flowVersion.definition);
          const documents = erpDocuments(r.steps, nodes);
          const error = errorSummary(r.error);
          return (
            <>
              <PageHeader
                title={
                  <>
                    {r.businessKey ?? t('noBusinessKey')} <StatusBadge status={r.status} />
                  </>
                }
              >
                <p className="muted">
                  <Link to={`/flows/${r.flowId}`}>{r.flow.name}</Link> ·{' '}
                  {r.mode === 'test' ? <span className="badge badge-test">{t('runview:testRun', { number: r.flowVersion.version })}</span> : `v${r.flowVersion.version}`} · <code className="small">{r.id}</code>
                </p>
              </PageHeader>
              {error && (
                <div className="error-box" role="alert">
                  {error}
                </div>
              )}
              <dl className="facts">
                <dt>{t('columns.created')}</dt>
                <dd>{formatDateTime(r.createdAt)}</dd>
                <dt>{t('detail.started')}</dt>
                <dd>{formatDateTime(r.startedAt)}</dd>
                <dt>{t('detail.finished')}</dt>
                <dd>{formatDateTime(r.finishedAt)}</dd>
                <dt>{t('columns.duration')}</dt>
                <dd>{formatDuration(between(r.createdAt, r.finishedAt))}</dd>
              </dl>
              <section aria-labelledby="documents-title">
                <h2 id="documents-title">{t('detail.documents')}</h2>
                <ErpDocumentList documents={documents} nodes={nodes} />
              </section>
              <section aria-labelledby="canvas-title">
                <h2 id="canvas-title">{t('runview:canvas.title')}</h2>
                <p className="muted small">{t('runview:canvas.help')}</p>
                <RunCanvas definition={r.flowVersion.definition} steps={r.steps} selectedNodeId={selectedNode} onSelect={setSelectedNode} />
              </section>
              <section aria-labelledby="timeline-title">
                <h2 id="timeline-title">{t('detail.timeline')}</h2>
                <StepTimeline steps={r.steps} nodes={nodes} selectedNodeId={selectedNode} />
              </section>
              <RunTrail runId={r.id} status={r.status} />
              <section aria-labelledby="event-title">
                <h2 id="event-title">{t('detail.event')}</h2>
                <dl className="facts">
                  <dt>id</dt>
                  <dd>
                    <code>{r.event.eventId}</code>
                  </dd>
                  <dt>source</dt>
                  <dd>
                    <code>{r.event.source}</code>
                  </dd>
                  <dt>type</dt>
                  <dd>
                    <code>{r.event.type}</code>
                  </dd>
                  <dt>subject</dt>
                  <dd>{r.event.subject ?? '—'}</dd>
                  <dt>time</dt>
                  <dd>{formatDateTime(r.event.time)}</dd>
                  <dt>{t('detail.received')}</dt>
                  <dd>{formatDateTime(r.event.receivedAt)}</dd>
                  <dt>{t('gateway:clientCert')}</dt>
                  <dd>{r.event.clientCertSubject ? <code>{r.event.clientCertSubject}</code> : t('gateway:noClientCert')}</dd>
                  {r.event.clientCertFingerprint && (
                    <>
                      <dt>{t('gateway:clientCertFingerprint')}</dt>
                      <dd>
                        <code>{r.event.clientCertFingerprint}</code>
                      </dd>
                    </>
                  )}
                </dl>
                <h3>data</h3>
                <JsonView value={r.event.data} label={t('detail.eventData')} />
              </section>
            </>
          );
        }}
      </DataState>
    </>
  );
}
