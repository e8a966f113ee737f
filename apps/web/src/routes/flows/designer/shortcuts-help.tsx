import { useTranslation } from 'react-i18next';
import { Modal } from '../../../components/modal';

const SHORTCUTS = [
  ['Delete / Backspace', 'delete'],
  ['Ctrl+Z', 'undo'],
  ['Ctrl+Shift+Z / Ctrl+Y', 'redo'],
  ['Ctrl+C', 'copy'],
  ['Ctrl+V', 'paste'],
  ['Ctrl+A', 'selectAll'],
  ['Shift + drag', 'boxSelect'],
  ['Ctrl + click', 'multiSelect'],
  ['F', 'fit'],
  ['Esc', 'deselect'],
  ['?', 'help'],
] as const;

/** The keyboard shortcuts of the canvas. */
export function ShortcutsHelp({ onClose }: { onClose: () => void }) {
  const { t } = useTranslation(['designer', 'common']);
  return (
    <Modal title={t('shortcuts.title')} onClose={onClose}>
      <table className="table shortcuts">
        <tbody>
          {SHORTCUTS.map(([keys, action]) => (
            <tr key={action}>
              <td>
                <kbd>{keys}</kbd>
              </td>
              <td>{t(`shortcuts.${action}`)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted small">{t('shortcuts.palette')}</p>
      <div className="modal-footer inline">
        <button type="button" className="btn" onClick={onClose} data-autofocus>
          {t('common:actions.close')}
        </button>
      </div>
    </Modal>
  );
}
