import './mapping.css';
import { memo, useId, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { sampleText, visibleRows, type MappingNode, type VisibleRow } from '../../../lib/mapping-tree';
import { useExpressionScope } from './expression-scope';

function rowDomId(base: string, reference: string): string {
  // References hold characters ids may not; a short stable hash keeps ids valid and unique enough.
  let h = 0;
  for (let i = 0; i < reference.length; i++) h = (Math.imul(h, 31) + reference.charCodeAt(i)) | 0;
  return `${base}-${(h >>> 0).toString(36)}-${reference.length}`;
}

/**
 * The fields a node's expressions can read, as a tree (WAI-ARIA tree pattern): type, search,
 * arrows to move, Right/Left to open and close, Enter or a click to insert the field's JSONata
 * reference at the cursor of the expression editor focused last.
 */
// Memoized: the panel re-renders on every frame while its node is dragged; the tree need not.
export const MappingTree = memo(function MappingTree({ roots, hasSample }: { roots: readonly MappingNode[]; hasSample: boolean }) {
  const { t } = useTranslation('mapping');
  const base = useId();
  const searchId = useId();
  const scope = useExpressionScope();
  const [query, setQuery] = useState('');
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(() => new Set(roots.slice(0, 1).map((r) => r.reference)));
  const [active, setActive] = useState<string | null>(null);
  const [announce, setAnnounce] = useState('');
  const rows = useMemo(() => visibleRows(roots, { expanded, query }), [roots, expanded, query]);
  const activeRow = rows.find((r) => r.node.reference === active) ?? rows[0];

  function toggle(reference: string, open?: boolean) {
    setExpanded((s) => {
      const next = new Set(s);
      if (open ?? !next.has(reference)) next.add(reference);
      else next.delete(reference);
      return next;
    });
  }

  function insert(row: VisibleRow) {
    setActive(row.node.reference);
    if (!scope.target) {
      setAnnounce(t('tree.noTarget'));
      return;
    }
    scope.target.insert(row.node.reference);
    setAnnounce(t('tree.inserted', { reference: row.node.reference }));
  }

  function move(delta: number) {
    if (rows.length === 0) return;
    const at = activeRow ? rows.indexOf(activeRow) : -1;
    const next = rows[Math.max(0, Math.min(rows.length - 1, at + delta))];
    if (next) setActive(next.node.reference);
  }

  /** Keys shared by the search box and the tree; `inTree` adds Left/Right/Home/End, which edit text in the box. */
  function onKeyDown(event: React.KeyboardEvent, inTree: boolean) {
    const row = activeRow;
    let handled = true;
    if (event.key === 'ArrowDown') move(1);
    else if (event.key === 'ArrowUp') move(-1);
    else if (event.key === 'Enter' && row) insert(row);
    else if (inTree && event.key === 'Home') move(-rows.length);
    else if (inTree && event.key === 'End') move(rows.length);
    else if (inTree && event.key === 'ArrowRight' && row) {
      if (row.hasChildren && !row.expanded) toggle(row.node.reference, true);
      else if (row.hasChildren) move(1);
    } else if (inTree && event.key === 'ArrowLeft' && row) {
      if (row.hasChildren && row.expanded) toggle(row.node.reference, false);
      else if (row.parent !== null) setActive(row.parent);
    } else handled = false;
    if (handled) event.preventDefault();
  }

  const activeId = activeRow ? rowDomId(base, activeRow.node.reference) : undefined;
  return (
    <section className="mapping-tree" aria-labelledby={`${base}-title`}>
      <h3 id={`${base}-title`}>{t('tree.title')}</h3>
      <p className="hint">{t('tree.hint')}</p>
      <p className="small mapping-target" data-testid="mapping-target">
        {scope.target ? t('tree.target', { field: scope.target.label }) : t('tree.noTarget')}
      </p>
      {!hasSample && <p className="muted small">{t('tree.noSample')}</p>}
      <label htmlFor={searchId} className="visually-hidden">
        {t('tree.search')}
      </label>
      <input
        id={searchId}
        className="input"
        type="search"
        placeholder={t('tree.search')}
        value={query}
        role="combobox"
        aria-expanded
        aria-controls={`${base}-tree`}
        aria-activedescendant={activeId}
        aria-autocomplete="list"
        onChange={(e) => setQuery(e.target.value)}
        onKeyDown={(e) => onKeyDown(e, false)}
      />
      {rows.length === 0 ? (
        <p className="muted small">{t('tree.none')}</p>
      ) : (
        <ul id={`${base}-tree`} className="mapping-rows" role="tree" aria-label={t('tree.label')} tabIndex={0} aria-activedescendant={activeId} onKeyDown={(e) => onKeyDown(e, true)}>
          {rows.map((row) => (
            <Row key={row.node.reference} row={row} id={rowDomId(base, row.node.reference)} active={row === activeRow} onToggle={() => toggle(row.node.reference)} onPick={() => insert(row)} />
          ))}
        </ul>
      )}
      <p className="visually-hidden" role="status">
        {announce}
      </p>
    </section>
  );
});

function Row({ row, id, active, onToggle, onPick }: { row: VisibleRow; id: string; active: boolean; onToggle: () => void; onPick: () => void }) {
  const { t } = useTranslation('mapping');
  const { node } = row;
  return (
    <li
      id={id}
      role="treeitem"
      aria-level={row.depth + 1}
      aria-expanded={row.hasChildren ? row.expanded : undefined}
      aria-selected={active}
      className={`mapping-row${active ? ' active' : ''}`}
      style={{ paddingLeft: `${row.depth * 14 + 4}px` }}
      title={node.reference}
      data-reference={node.reference}
      // Keep the focus (and the cursor) in the expression editor being filled.
      onMouseDown={(e) => e.preventDefault()}
      onClick={onPick}
    >
      {row.hasChildren ? (
        <button
          type="button"
          className="mapping-toggle"
          tabIndex={-1}
          aria-label={t(row.expanded ? 'tree.collapse' : 'tree.expand', { field: node.label })}
          onClick={(e) => {
            e.stopPropagation();
            onToggle();
          }}
        >
          {row.expanded ? '▾' : '▸'}
        </button>
      ) : (
        <span className="mapping-toggle" aria-hidden="true" />
      )}
      <span className="mapping-label">{node.label}</span>
      <span className="mapping-type">{t(`types.${node.type}`)}</span>
      {node.hasSample && node.type !== 'object' && node.type !== 'array' && <span className="mapping-sample mono">{sampleText(node.sample)}</span>}
      {node.truncated !== undefined && row.expanded && <span className="muted small"> {t('tree.more', { count: node.truncated })}</span>}
    </li>
  );
}
