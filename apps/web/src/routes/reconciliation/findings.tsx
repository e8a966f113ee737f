import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { keys } from '../../api/keys';
import { DataState } from '../../components/data-state';
import { trpc } from '../../trpc';

export const KINDS = ['missing_in_erp', 'unknown_to_qiao', 'not_recorded', 'mismatch', 'duplicate', 'shipped_not_invoiced', 'invoiced_not_shipped'] as const;
export type Kind = (typeof KINDS)[number];
const PAGE = 100;

/** The documents behind one count of a report, each linked to the run that made (or should have made) it. */
export function Findings({ reportId, kind, formId }: { reportId: string; kind: Kind; formId?: string }) {
  const { t } = useTranslation('reconciliation');
  const [offset, setOffset] = useState(0);
  const input = { id: reportId, kind, ...(formId ? { formId } : {}), offset, limit: PAGE };
  const details = useQuery({ queryKey: keys.reconciliationDetails(input), queryFn: () => trpc.reconciliation.details.query(input), placeholderData: (previous) => previous });
  return (
    <DataState query={details} isEmpty={(d) => d.total === 0} empty={t('drill.empty')}>
      {(d) => (
        <>
          <p className="muted small">{t('drill.showing', { from: offset + 1, to: Math.min(offset + PAGE, d.total), total: d.total, kind: t(`kind.${kind}`), form: formId ?? t('drill.allForms') })}</p>
          <div className="table-wrap">
            <table className="table" aria-label={t(`kind.${kind}`)} data-testid="findings">
              <thead>
                <tr>
                  <th scope="col">{t('finding.form')}</th>
                  <th scope="col">{t('finding.billNo')}</th>
                  <th scope="col">{t('finding.businessKey')}</th>
                  <th scope="col">{t('finding.diffs')}</th>
                  <th scope="col">{t('finding.note')}</th>
                </tr>
              </thead>
              <tbody>
                {d.items.map((item, i) => (
                  <tr key={`${item.formId}.${item.billNo ?? ''}.${item.runId ?? ''}.${i}`}>
                    <td><code>{item.formId}</code></td>
                    <td>{item.billNo ?? <span className="muted">{t('finding.noDocument')}</span>}</td>
                    <td>{item.runId ? <Link to={`/runs/${item.runId}`}>{item.businessKey ?? item.runId}</Link> : <span className="muted">{t('finding.noRun')}</span>}</td>
                    <td>
                      {item.diffs.length === 0 ? '—' : (
                        <ul className="plain">
                          {item.diffs.map((diff) => (
                            <li key={diff.field}>
                              {t(`field.${diff.field}`)}: {diff.expected ?? '∅'} → <strong>{diff.actual ?? '∅'}</strong>
                            </li>
                          ))}
                        </ul>
                      )}
                    </td>
                    <td className="small">{item.note}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          {d.total > PAGE && (
            <div className="toolbar">
              <button type="button" className="btn btn-small" disabled={offset === 0} onClick={() => setOffset(Math.max(0, offset - PAGE))}>{t('drill.previous')}</button>
              <button type="button" className="btn btn-small" disabled={offset + PAGE >= d.total} onClick={() => setOffset(offset + PAGE)}>{t('drill.next')}</button>
            </div>
          )}
        </>
      )}
    </DataState>
  );
}
