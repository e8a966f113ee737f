import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { keys } from '../../api/keys';
import { DataState } from '../../components/data-state';
import { PageHeader } from '../../components/page-header';
import { trpc, type RouterOutputs } from '../../trpc';
import { Findings, KINDS, type Kind } from './findings';
import { percent } from './period';
import { periodText } from './reports-page';

type Report = RouterOutputs['reconciliation']['get'];
type Summary = NonNullable<Report['summary']>;

/** One report: its progress while it runs, then the summary per document type and the findings. */
export function ReportPage() {
  const { id = '' } = useParams();
  const { t } = useTranslation(['reconciliation', 'common']);
  const report = useQuery({
    queryKey: keys.reconciliationReport(id),
    queryFn: () => trpc.reconciliation.get.query({ id }),
    refetchInterval: (query) => (query.state.data && (query.state.data.status === 'queued' || query.state.data.status === 'running') ? 1_000 : false),
  });
  return (
    <>
      <p className="breadcrumbs">
        <Link to="/reconciliation">{t('title')}</Link>
      </p>
      <DataState query={report}>
        {(r) => (
          <>
            <PageHeader
              title={t('detail.title', { period: periodText(r) })}
              actions={r.status === 'succeeded' && (
                <>
                  <a className="btn" href={`/api/reconciliation/${r.id}/export?format=xlsx`} download>{t('export.xlsx')}</a>
                  <a className="btn" href={`/api/reconciliation/${r.id}/export?format=csv`} download>{t('export.csv')}</a>
                  <a className="btn" href={`/api/reconciliation/${r.id}/export?format=csv&section=summary`} download>{t('export.csvSummary')}</a>
                </>
              )}
            >
              <p><span className={`tag report-${r.status}`}>{t(`status.${r.status}`)}</span></p>
            </PageHeader>
            {(r.status === 'queued' || r.status === 'running') && <Progress progress={r.progress} />}
            {r.status === 'failed' && <div className="error-box" role="alert">{t('detail.failed', { error: r.error ?? '' })}</div>}
            {r.summary && <ReportBody id={r.id} summary={r.summary} />}
          </>
        )}
      </DataState>
    </>
  );
}

function Progress({ progress }: { progress: unknown }) {
  const { t } = useTranslation('reconciliation');
  const p = (progress ?? {}) as { phase?: string; detail?: string };
  return (
    <div className="state state-loading" role="status" aria-live="polite" data-testid="report-progress">
      <span className="spinner" aria-hidden="true" />
      {p.phase === 'erp' ? t('progress.erp', { form: p.detail ?? '' }) : p.phase === 'compare' ? t('progress.compare', { runs: p.detail ?? '' }) : p.phase === 'qiao' ? t('progress.qiao', { runs: p.detail ?? '0' }) : t('progress.queued')}
    </div>
  );
}

export function ReportBody({ id, summary }: { id: string; summary: Summary }) {
  const { t } = useTranslation('reconciliation');
  const [selection, setSelection] = useState<{ kind: Kind; formId?: string } | null>(null);
  const countOf = (kind: Kind) =>
    kind === 'shipped_not_invoiced' ? summary.shippedNotInvoiced
      : kind === 'invoiced_not_shipped' ? summary.invoicedNotShipped
        : summary.types.reduce((n, x) => n + x[FIELD_OF[kind]], 0);
  const pick = (kind: Kind, formId?: string) => setSelection({ kind, ...(formId ? { formId } : {}) });
  return (
    <>
      <dl className="facts" data-testid="report-facts">
        <dt>{t('detail.rate')}</dt>
        <dd className="strong" data-testid="report-rate">{percent(summary.discrepancyRate)}</dd>
        <dt>{t('detail.documents')}</dt>
        <dd>{summary.documents}</dd>
        <dt>{t('detail.discrepancies')}</dt>
        <dd>{summary.discrepancies}</dd>
        <dt>{t('detail.runs')}</dt>
        <dd>{t('detail.runsText', { total: summary.runs.total, succeeded: summary.runs.succeeded, needs: summary.runs.needsAttention, inProgress: summary.runs.inProgress })}</dd>
        {summary.outsidePeriod > 0 && (
          <>
            <dt>{t('detail.outsidePeriod')}</dt>
            <dd>{summary.outsidePeriod}</dd>
          </>
        )}
      </dl>
      <section aria-labelledby="types-title">
        <h2 id="types-title">{t('detail.byType')}</h2>
        <div className="table-wrap">
          <table className="table" aria-labelledby="types-title" data-testid="type-summary">
            <thead>
              <tr>
                <th scope="col">{t('type.form')}</th>
                <th scope="col">{t('type.qiaoCount')}</th>
                <th scope="col">{t('type.erpCount')}</th>
                <th scope="col">{t('type.qiaoAmount')}</th>
                <th scope="col">{t('type.erpAmount')}</th>
                <th scope="col">{t('kind.missing_in_erp')}</th>
                <th scope="col">{t('kind.unknown_to_qiao')}</th>
                <th scope="col">{t('kind.not_recorded')}</th>
                <th scope="col">{t('kind.mismatch')}</th>
                <th scope="col">{t('kind.duplicate')}</th>
                <th scope="col">{t('type.rate')}</th>
              </tr>
            </thead>
            <tbody>
              {summary.types.map((type) => (
                <tr key={type.formId} data-form={type.formId}>
                  <th scope="row">
                    {t(`role.${roleKey(type.role)}`)} <code className="muted small">{type.formId}</code>
                  </th>
                  <td>{type.qiaoCount}</td>
                  <td>{type.erpCount}</td>
                  <td className="num">{type.qiaoAmount}</td>
                  <td className="num">{type.erpAmount}</td>
                  {(['missing_in_erp', 'unknown_to_qiao', 'not_recorded', 'mismatch', 'duplicate'] as const).map((kind) => (
                    <td key={kind}>
                      {type[FIELD_OF[kind]] > 0 ? (
                        <button type="button" className="btn btn-small btn-link" onClick={() => pick(kind, type.formId)} aria-label={t('drill.open', { kind: t(`kind.${kind}`), form: type.formId })}>
                          {type[FIELD_OF[kind]]}
                        </button>
                      ) : 0}
                    </td>
                  ))}
                  <td>{percent(type.discrepancyRate)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      </section>
      <section aria-labelledby="findings-title">
        <h2 id="findings-title">{t('drill.title')}</h2>
        <div className="status-counts" role="group" aria-label={t('drill.title')}>
          {KINDS.map((kind) => (
            <button key={kind} type="button" className={selection?.kind === kind && !selection.formId ? 'count-chip active' : 'count-chip'} aria-pressed={selection?.kind === kind && !selection.formId} onClick={() => pick(kind)}>
              {t(`kind.${kind}`)} <span className="count">{countOf(kind)}</span>
            </button>
          ))}
        </div>
        {selection ? <Findings reportId={id} kind={selection.kind} {...(selection.formId ? { formId: selection.formId } : {})} /> : <p className="muted">{t('drill.pick')}</p>}
      </section>
    </>
  );
}

const ROLES = ['order', 'outbound', 'receivable', 'invoice', 'other'] as const;
const roleKey = (role: string): (typeof ROLES)[number] => ROLES.find((r) => r === role) ?? 'other';
type TypeKind = Exclude<Kind, 'shipped_not_invoiced' | 'invoiced_not_shipped'>;
/** The per-type counter behind each document-level kind. */
const FIELD_OF = {
  missing_in_erp: 'missingInErp',
  unknown_to_qiao: 'unknownToQiao',
  not_recorded: 'notRecorded',
  mismatch: 'mismatched',
  duplicate: 'duplicates',
} as const satisfies Record<TypeKind, keyof Summary['types'][number]>;
