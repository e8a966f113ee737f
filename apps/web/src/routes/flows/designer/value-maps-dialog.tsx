import './mapping.css';
import { useId, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ConfirmDialog } from '../../../components/confirm-dialog';
import { Modal } from '../../../components/modal';
import { importRows, invalidRows, MAX_ENTRIES, nameProblem, newMapName, parseDelimited, type EditorValueMap, type EditorValueMapEntry } from '../../../lib/value-map-model';
import { messageIn, type CompileErrorLike } from './problems';

/** Rows rendered at once; a filter finds the others in a long table. */
const SHOWN_ROWS = 200;

interface ValueMapsDialogProps {
  maps: readonly EditorValueMap[];
  /** The compiler's problems under `valueMaps` (document-level). */
  errors: readonly CompileErrorLike[];
  /** `key` coalesces typing in one field into one undo step. */
  onChange: (maps: EditorValueMap[], key?: string) => void;
  onClose: () => void;
}

/** The toolbar button that opens the value maps, with how many there are. */
export function ValueMapsButton({ count, onClick }: { count: number; onClick: () => void }) {
  const { t } = useTranslation('mapping');
  return (
    <button type="button" className="btn btn-small" onClick={onClick} data-testid="value-maps-button">
      {count > 0 ? t('valueMaps.buttonCount', { count }) : t('valueMaps.button')}
    </button>
  );
}

/** The flow's value maps: a list of maps and the table of the chosen one, with paste from Excel. */
export function ValueMapsDialog({ maps, errors, onChange, onClose }: ValueMapsDialogProps) {
  const { t, i18n } = useTranslation('mapping');
  const [selected, setSelected] = useState(0);
  const [deleting, setDeleting] = useState<number | null>(null);
  const index = Math.min(selected, maps.length - 1);
  const map = index >= 0 ? maps[index] : undefined;

  function addMap() {
    const name = newMapName(maps.map((m) => m.name));
    onChange([...maps, { name, entries: [] }]);
    setSelected(maps.length);
  }

  function updateMap(i: number, update: (m: EditorValueMap) => EditorValueMap, key?: string) {
    onChange(
      maps.map((m, j) => (j === i ? update(m) : m)),
      key,
    );
  }

  const docErrors = errors.filter((e) => e.path[0] === 'valueMaps' && (e.path[1] === undefined || e.path[1] === index));
  return (
    <Modal title={t('valueMaps.title')} onClose={onClose} size="large" footer={<button type="button" className="btn btn-primary" onClick={onClose}>{t('valueMaps.close')}</button>}>
      <p className="small muted">{t('valueMaps.intro')}</p>
      <div className="value-maps">
        <nav className="value-maps-list" aria-label={t('valueMaps.list')}>
          {maps.length === 0 && <p className="muted small">{t('valueMaps.empty')}</p>}
          <ul>
            {maps.map((m, i) => (
              <li key={i}>
                <button type="button" className={`btn btn-small value-map-pick${i === index ? ' active' : ''}`} aria-current={i === index || undefined} onClick={() => setSelected(i)}>
                  <span className="mono">{m.name || '—'}</span> <span className="muted small">{t('valueMaps.rows', { count: m.entries.length })}</span>
                </button>
              </li>
            ))}
          </ul>
          <button type="button" className="btn btn-small" onClick={addMap} data-autofocus={maps.length === 0 || undefined}>
            + {t('valueMaps.add')}
          </button>
        </nav>
        {map && (
          <MapEditor
            key={index}
            map={map}
            otherNames={maps.filter((_, j) => j !== index).map((m) => m.name)}
            errors={docErrors.map((e) => messageIn(e, i18n.language))}
            onChange={(update, key) => updateMap(index, update, key)}
            onDelete={() => setDeleting(index)}
          />
        )}
      </div>
      {deleting !== null && maps[deleting] && (
        <ConfirmDialog
          title={t('valueMaps.deleteTitle', { name: maps[deleting].name })}
          message={t('valueMaps.deleteMessage', { count: maps[deleting].entries.length })}
          confirmLabel={t('valueMaps.delete')}
          danger
          onCancel={() => setDeleting(null)}
          onConfirm={() => {
            onChange(maps.filter((_, j) => j !== deleting));
            setSelected(Math.max(0, deleting - 1));
            setDeleting(null);
          }}
        />
      )}
    </Modal>
  );
}

function MapEditor({ map, otherNames, errors, onChange, onDelete }: { map: EditorValueMap; otherNames: string[]; errors: string[]; onChange: (update: (m: EditorValueMap) => EditorValueMap, key?: string) => void; onDelete: () => void }) {
  const { t } = useTranslation('mapping');
  const nameId = useId();
  const descriptionId = useId();
  const filterId = useId();
  const pasteId = useId();
  const [filter, setFilter] = useState('');
  const [pasteText, setPasteText] = useState('');
  const [skipHeader, setSkipHeader] = useState(false);
  const [imported, setImported] = useState<string | null>(null);
  const problem = nameProblem(map.name, otherNames);
  const { empty, duplicate } = useMemo(() => invalidRows(map.entries), [map.entries]);
  const matching = useMemo(() => {
    const q = filter.trim().toLowerCase();
    const all = map.entries.map((entry, i) => ({ entry, i }));
    return q === '' ? all : all.filter(({ entry }) => entry.key.toLowerCase().includes(q) || entry.value.toLowerCase().includes(q));
  }, [map.entries, filter]);
  const shown = matching.slice(0, SHOWN_ROWS);

  function setEntry(i: number, patch: Partial<EditorValueMapEntry>, field: string) {
    onChange((m) => ({ ...m, entries: m.entries.map((e, j) => (j === i ? { ...e, ...patch } : e)) }), `vm:${map.name}:${i}:${field}`);
  }

  function importPasted() {
    const result = importRows(map.entries, parseDelimited(pasteText), { skipHeader });
    onChange((m) => ({ ...m, entries: result.entries }));
    setImported(t('valueMaps.imported', { added: result.added, updated: result.updated, skipped: result.skipped }));
    setPasteText('');
  }

  const nameMessage = problem && { empty: t('valueMaps.nameEmpty'), pattern: t('valueMaps.namePattern'), reserved: t('valueMaps.nameReserved'), taken: t('valueMaps.nameTaken') }[problem];
  return (
    <div className="value-map-editor">
      <div className="value-map-head">
        <div className="field">
          <label htmlFor={nameId}>{t('valueMaps.name')}</label>
          <input id={nameId} className="input mono" value={map.name} aria-invalid={problem ? true : undefined} aria-describedby={problem ? `${nameId}-err` : undefined} onChange={(e) => onChange((m) => ({ ...m, name: e.target.value }), `vm-name:${otherNames.length}`)} />
          {nameMessage && (
            <span id={`${nameId}-err`} className="field-error" role="alert">
              {nameMessage}
            </span>
          )}
        </div>
        <div className="field">
          <label htmlFor={descriptionId}>{t('valueMaps.description')}</label>
          <input
            id={descriptionId}
            className="input"
            value={map.description ?? ''}
            onChange={(e) =>
              onChange((m) => {
                const { description: _old, ...rest } = m;
                return e.target.value === '' ? rest : { ...rest, description: e.target.value };
              }, `vm-desc:${map.name}`)
            }
          />
        </div>
        <button type="button" className="btn btn-small btn-danger-outline" onClick={onDelete}>
          {t('valueMaps.delete')}
        </button>
      </div>
      <p className="small">
        {t('valueMaps.usage')} <code>$valueMap('{map.name}', event.data.code)</code>
      </p>
      {errors.length > 0 && (
        <p className="field-error" role="alert">
          {errors.join(' ')}
        </p>
      )}
      <div className="value-map-toolbar">
        <label htmlFor={filterId} className="visually-hidden">
          {t('valueMaps.filter')}
        </label>
        <input id={filterId} className="input" type="search" placeholder={t('valueMaps.filter')} value={filter} onChange={(e) => setFilter(e.target.value)} />
        <button
          type="button"
          className="btn btn-small"
          disabled={map.entries.length >= MAX_ENTRIES}
          onClick={() => {
            setFilter('');
            onChange((m) => ({ ...m, entries: [...m.entries, { key: '', value: '' }] }));
          }}
        >
          + {t('valueMaps.addRow')}
        </button>
      </div>
      {map.entries.length > MAX_ENTRIES && <p className="field-error">{t('valueMaps.tooMany', { max: MAX_ENTRIES })}</p>}
      {map.entries.length === 0 ? (
        <p className="muted small">{t('valueMaps.noRows')}</p>
      ) : matching.length === 0 ? (
        <p className="muted small">{t('valueMaps.noMatch')}</p>
      ) : (
        <table className="table value-map-table">
          <thead>
            <tr>
              <th scope="col">{t('valueMaps.key')}</th>
              <th scope="col">{t('valueMaps.value')}</th>
              <th scope="col">
                <span className="visually-hidden">{t('valueMaps.delete')}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {shown.map(({ entry, i }) => {
              const rowProblem = empty.has(i) ? t('valueMaps.emptyKey') : duplicate.has(i) ? t('valueMaps.duplicateKey') : null;
              return (
                <tr key={i}>
                  <td>
                    <input className="input mono" aria-label={`${t('valueMaps.key')} ${i + 1}`} value={entry.key} aria-invalid={rowProblem ? true : undefined} title={rowProblem ?? undefined} onChange={(e) => setEntry(i, { key: e.target.value }, 'key')} />
                    {rowProblem && <span className="field-error small">{rowProblem}</span>}
                  </td>
                  <td>
                    <input className="input mono" aria-label={`${t('valueMaps.value')} ${i + 1}`} value={entry.value} onChange={(e) => setEntry(i, { value: e.target.value }, 'value')} />
                  </td>
                  <td>
                    <button type="button" className="btn btn-icon" aria-label={t('valueMaps.deleteRow', { key: entry.key || i + 1 })} onClick={() => onChange((m) => ({ ...m, entries: m.entries.filter((_, j) => j !== i) }))}>
                      ×
                    </button>
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
      {matching.length > shown.length && <p className="muted small">{t('valueMaps.shown', { shown: shown.length, total: matching.length })}</p>}
      <details className="value-map-paste">
        <summary>{t('valueMaps.paste')}</summary>
        <label htmlFor={pasteId} className="hint">
          {t('valueMaps.pasteHint')}
        </label>
        <textarea id={pasteId} className="input mono" rows={4} value={pasteText} onChange={(e) => setPasteText(e.target.value)} />
        <label className="field-check">
          <input type="checkbox" checked={skipHeader} onChange={(e) => setSkipHeader(e.target.checked)} /> {t('valueMaps.pasteHeader')}
        </label>
        <button type="button" className="btn btn-small" disabled={pasteText.trim() === ''} onClick={importPasted}>
          {t('valueMaps.import')}
        </button>
        {imported && (
          <span className="small" role="status">
            {' '}
            {imported}
          </span>
        )}
      </details>
    </div>
  );
}
