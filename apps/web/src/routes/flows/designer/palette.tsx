import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { GROUP_ICONS, GROUPS, groupOf, type NodeTypeInfo } from './types';

export const DRAG_TYPE = 'application/x-qiao-node-type';

/** Node types by group, searchable; drag one onto the canvas, or press it to add it. */
export function Palette({ types, onAdd }: { types: readonly NodeTypeInfo[]; onAdd: (type: string) => void }) {
  const { t, i18n } = useTranslation('designer');
  const [search, setSearch] = useState('');
  const zh = i18n.language.startsWith('zh');
  const needle = search.trim().toLowerCase();
  const matches = types.filter((nt) => !needle || [nt.type, nt.label.en, nt.label['zh-CN'], nt.description?.en ?? '', nt.description?.['zh-CN'] ?? ''].some((s) => s.toLowerCase().includes(needle)));
  return (
    <aside className="designer-palette" aria-label={t('palette.title')}>
      <h2>{t('palette.title')}</h2>
      <input type="search" className="input" aria-label={t('palette.search')} placeholder={t('palette.search')} value={search} onChange={(e) => setSearch(e.target.value)} />
      {matches.length === 0 && <p className="muted small">{t('palette.none')}</p>}
      {GROUPS.map((group) => {
        const items = matches.filter((nt) => groupOf(nt.group) === group);
        if (items.length === 0) return null;
        return (
          <section key={group} aria-label={t(`groups.${group}`)}>
            <h3 className="palette-group">
              <span aria-hidden="true">{GROUP_ICONS[group]}</span> {t(`groups.${group}`)}
            </h3>
            <ul className="palette-list">
              {items.map((nt) => (
                <li key={nt.type}>
                  <button
                    type="button"
                    className={`palette-item flow-node-${group}`}
                    draggable
                    data-testid="palette-item"
                    data-node-type={nt.type}
                    title={t('palette.hint')}
                    onDragStart={(e) => {
                      e.dataTransfer.setData(DRAG_TYPE, nt.type);
                      e.dataTransfer.effectAllowed = 'move';
                    }}
                    onClick={() => onAdd(nt.type)}
                  >
                    <span className="strong">{zh ? nt.label['zh-CN'] : nt.label.en}</span>
                    <code className="small muted">{nt.type}</code>
                  </button>
                </li>
              ))}
            </ul>
          </section>
        );
      })}
    </aside>
  );
}
