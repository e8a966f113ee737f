import { useMemo, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { diffFlows, lineDiff, stableJson, type ElementDiff, type ValueChange } from '../../../lib/flow-diff';

/** Lines of unchanged context kept around each change in the raw view. */
const CONTEXT = 3;

function short(value: unknown): string {
  if (value === undefined) return '—';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 120 ? `${text.slice(0, 117)}…` : text;
}

function Changes({ changes }: { changes: readonly ValueChange[] }) {
  const { t } = useTranslation('versions');
  if (changes.length === 0) return null;
  return (
    <ul className="diff-changes">
      {changes.map((c) => (
        <li key={`${c.kind}-${c.path}`} className={`diff-${c.kind}`}>
          <code>{c.path || t('diff.whole')}</code>{' '}
          {c.kind === 'added' ? (
            <>
              {t('diff.set')} <code className="diff-after">{short(c.after)}</code>
            </>
          ) : c.kind === 'removed' ? (
            <>
              {t('diff.cleared')} <code className="diff-before">{short(c.before)}</code>
            </>
          ) : (
            <>
              <code className="diff-before">{short(c.before)}</code> → <code className="diff-after">{short(c.after)}</code>
            </>
          )}
        </li>
      ))}
    </ul>
  );
}

function Elements({ title, items }: { title: string; items: readonly ElementDiff[] }) {
  const { t } = useTranslation('versions');
  if (items.length === 0) return null;
  return (
    <section>
      <h4>{title}</h4>
      <ul className="diff-elements">
        {items.map((el) => (
          <li key={`${el.kind}-${el.id}`} className={`diff-element diff-${el.kind}`} data-testid="diff-element">
            <span className={`diff-mark diff-mark-${el.kind}`}>{t(`diff.kind.${el.kind}`)}</span> <strong>{el.label}</strong> <code className="small">{el.id}</code>
            {el.moved && <span className="muted small"> · {t('diff.moved')}</span>}
            <Changes changes={el.changes} />
          </li>
        ))}
      </ul>
    </section>
  );
}

/** The raw JSON line diff, with unchanged stretches folded to a few lines of context. */
function RawDiff({ before, after }: { before: unknown; after: unknown }) {
  const { t } = useTranslation('versions');
  const lines = useMemo(() => lineDiff(stableJson(before).split('\n'), stableJson(after).split('\n')), [before, after]);
  const keep = lines.map((l, i) => l.kind !== 'same' || lines.slice(Math.max(0, i - CONTEXT), i + CONTEXT + 1).some((n) => n.kind !== 'same'));
  const out: ReactNode[] = [];
  let folded = 0;
  lines.forEach((l, i) => {
    if (!keep[i]) {
      folded++;
      return;
    }
    if (folded > 0) {
      out.push(<div key={`fold-${i}`} className="diff-line diff-fold">{t('diff.folded', { count: folded })}</div>);
      folded = 0;
    }
    const mark = l.kind === 'added' ? '+' : l.kind === 'removed' ? '-' : ' ';
    out.push(<div key={i} className={`diff-line diff-line-${l.kind}`}>{`${mark} ${l.text}`}</div>);
  });
  if (folded > 0) out.push(<div key="fold-end" className="diff-line diff-fold">{t('diff.folded', { count: folded })}</div>);
  return (
    <pre className="json diff-raw" aria-label={t('diff.rawLabel')} data-testid="raw-diff">
      {out}
    </pre>
  );
}

/** What changed from one flow document to another: structured (nodes, edges, flow fields), or the raw JSON diff. */
export function VersionDiff({ before, after, beforeLabel, afterLabel }: { before: unknown; after: unknown; beforeLabel: string; afterLabel: string }) {
  const { t } = useTranslation('versions');
  const [raw, setRaw] = useState(false);
  const diff = useMemo(() => diffFlows(before, after), [before, after]);
  const count = diff.flow.length + diff.nodes.length + diff.edges.length;
  return (
    <div className="version-diff" data-testid="version-diff">
      <div className="version-diff-head">
        <span>
          {t('diff.between', { before: beforeLabel, after: afterLabel })} · {diff.identical ? t('diff.identical') : t('diff.summary', { count })}
        </span>
        <label className="inline-check">
          <input type="checkbox" checked={raw} onChange={(e) => setRaw(e.target.checked)} /> {t('diff.raw')}
        </label>
      </div>
      {raw ? (
        <RawDiff before={before} after={after} />
      ) : diff.identical ? (
        <p className="state state-empty">{t('diff.noChanges')}</p>
      ) : (
        <>
          {diff.flow.length > 0 && (
            <section>
              <h4>{t('diff.flow')}</h4>
              <Changes changes={diff.flow} />
            </section>
          )}
          <Elements title={t('diff.nodes')} items={diff.nodes} />
          <Elements title={t('diff.edges')} items={diff.edges} />
        </>
      )}
    </div>
  );
}
