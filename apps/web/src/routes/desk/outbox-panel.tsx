import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { keys } from '../../api/keys';
import { DataState } from '../../components/data-state';
import { DateTime } from '../../components/date-time';
import { formatDateTime } from '../../lib/format-date';
import { trpc, type RouterInputs, type RouterOutputs } from '../../trpc';

type OutboxState = NonNullable<Exclude<RouterInputs['outbox']['list'], void | undefined>['states']>[number];
type OutboxItem = RouterOutputs['outbox']['list']['items'][number];

const STATES: readonly OutboxState[] = ['waiting', 'sending', 'failed', 'uncertain'];
const OUTBOX_LIVE_MS = 10_000;
/** Badge colours shared with run statuses; the words say the state, not the colour. */
const BADGE: Record<OutboxState, string> = { waiting: 'pending', sending: 'running', failed: 'failed', uncertain: 'needs_attention' };

function stateOf(item: OutboxItem): OutboxState {
  if (item.status === 'failed') return 'failed';
  if (item.uncertain) return 'uncertain';
  return item.status === 'sending' ? 'sending' : 'waiting';
}

/** 发件箱: messages to rate-limited systems that are waiting, failed or possibly sent twice, refreshed while open. */
export function OutboxPanel() {
  const { t } = useTranslation('outbox');
  const [show, setShow] = useState<OutboxState | ''>('');
  const input = { states: show ? [show] : [...STATES], limit: 100 };
  const list = useQuery({ queryKey: keys.outboxList(input), queryFn: () => trpc.outbox.list.query(input), refetchInterval: OUTBOX_LIVE_MS, placeholderData: (previous) => previous });

  return (
    <section aria-labelledby="outbox-title" className="panel" data-testid="outbox-panel">
      <div className="panel-header">
        <h2 id="outbox-title">{t('title')}</h2>
        <label className="field inline">
          <span>{t('filter')}</span>
          <select value={show} onChange={(e) => setShow(e.target.value as OutboxState | '')}>
            <option value="">{t('states.all')}</option>
            {STATES.map((s) => (
              <option key={s} value={s}>{t(`states.${s}`)}</option>
            ))}
          </select>
        </label>
      </div>
      <p className="hint">{t('hint')}</p>
      {list.data && <p className="muted small" data-testid="outbox-counts">{t('counts', list.data.counts)}</p>}
      <DataState query={list} isEmpty={(data) => data.items.length === 0} empty={t('empty')}>
        {(data) => (
          <div className="table-wrap">
            <table className="table" aria-labelledby="outbox-title">
              <thead>
                <tr>
                  <th scope="col">{t('columns.queuedAt')}</th>
                  <th scope="col">{t('columns.connection')}</th>
                  <th scope="col">{t('columns.status')}</th>
                  <th scope="col">{t('columns.attempts')}</th>
                  <th scope="col">{t('columns.next')}</th>
                  <th scope="col">{t('columns.run')}</th>
                  <th scope="col">{t('columns.error')}</th>
                </tr>
              </thead>
              <tbody>
                {data.items.map((item) => {
                  const state = stateOf(item);
                  return (
                    <tr key={item.id} data-testid="outbox-row" data-state={state}>
                      <td><DateTime value={item.createdAt} /></td>
                      <td>
                        {item.connectionName ?? <span className="muted">{t('unknownConnection')}</span>}
                        <div className="muted small">{item.channel === 'dingtalk.robot' ? t('channel.dingtalk_robot') : item.channel}</div>
                      </td>
                      <td>
                        <span className={`badge badge-${BADGE[state]}`}>{t(`states.${state}`)}</span>
                        {item.sentAt && <div className="muted small">{t('sentAt', { time: formatDateTime(item.sentAt) })}</div>}
                      </td>
                      <td>{item.attempts}</td>
                      <td>{state === 'waiting' ? <DateTime value={item.nextAttemptAt} /> : <span className="muted">—</span>}</td>
                      <td>{item.runId ? <Link to={`/runs/${item.runId}`}>{item.businessKey ?? item.runId.slice(0, 8)}</Link> : <span className="muted">{t('noRun')}</span>}</td>
                      <td className="breakable">
                        {item.error ? (
                          <>
                            {item.error.code && <code>{item.error.code}</code>} {item.error.message}
                          </>
                        ) : (
                          <span className="muted">—</span>
                        )}
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        )}
      </DataState>
    </section>
  );
}
