import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ErrorBox } from '../../components/error-box';
import { prettyJson } from '../../components/json-view';
import { Modal } from '../../components/modal';
import { parseJsonText } from './json-text';

interface JsonEditDialogProps {
  title: string;
  intro: string;
  initial: unknown;
  confirmLabel: string;
  pending: boolean;
  error: unknown;
  onConfirm: (value: unknown) => void;
  onCancel: () => void;
}

/** A JSON editor that says where the text stops being JSON, and sends nothing until it parses. */
export function JsonEditDialog({ title, intro, initial, confirmLabel, pending, error, onConfirm, onCancel }: JsonEditDialogProps) {
  const { t } = useTranslation(['desk', 'common']);
  const [text, setText] = useState(() => prettyJson(initial ?? {}));
  const parsed = parseJsonText(text);
  const id = useId();
  return (
    <Modal
      title={title}
      size="large"
      onClose={onCancel}
      footer={
        <>
          <button type="button" className="btn" onClick={onCancel}>
            {t('common:actions.cancel')}
          </button>
          <button type="button" className="btn btn-primary" disabled={!parsed.ok || pending} aria-busy={pending} onClick={() => parsed.ok && onConfirm(parsed.value)}>
            {pending ? t('common:states.working') : confirmLabel}
          </button>
        </>
      }
    >
      <p>{intro}</p>
      <div className="field">
        <label htmlFor={id}>{t('json.label')}</label>
        <textarea
          id={id}
          className="json-editor"
          value={text}
          onChange={(e) => setText(e.target.value)}
          rows={16}
          spellCheck={false}
          aria-invalid={!parsed.ok}
          aria-describedby={`${id}-status`}
          data-autofocus
        />
        <span id={`${id}-status`} className={parsed.ok ? 'hint' : 'field-error'} role={parsed.ok ? undefined : 'alert'}>
          {parsed.ok ? t('json.valid') : t('json.invalid', { line: parsed.line, column: parsed.column, message: parsed.message })}
        </span>
      </div>
      {error !== undefined && error !== null && <ErrorBox error={error} />}
    </Modal>
  );
}
