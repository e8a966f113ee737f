import { useTranslation } from 'react-i18next';

/** The editable settings of an API key, as the form holds them (text until submitted). */
export interface ApiKeySettings {
  scopesText: string;
  requireSignature: boolean;
  rateLimitText: string;
}

/** One scope per line (commas work too); blanks dropped. The server validates each pattern. */
export function parseScopes(text: string): string[] {
  return text
    .split(/[\n,]/)
    .map((s) => s.trim())
    .filter(Boolean);
}

export function ApiKeySettingsFields(props: { value: ApiKeySettings; onChange: (value: ApiKeySettings) => void; canRequireSignature: boolean; autoFocus?: boolean }) {
  const { t } = useTranslation('gateway');
  const { value, onChange } = props;
  const scopesMissing = parseScopes(value.scopesText).length === 0;
  return (
    <>
      <label className="field">
        <span>{t('scopes')}</span>
        <textarea
          value={value.scopesText}
          onChange={(e) => onChange({ ...value, scopesText: e.target.value })}
          rows={3}
          maxLength={20_000}
          spellCheck={false}
          aria-invalid={scopesMissing}
          {...(props.autoFocus ? { 'data-autofocus': true } : {})}
        />
        <span className="hint">{scopesMissing ? t('scopesRequired') : t('scopesHint')}</span>
      </label>
      <label className="check">
        <input
          type="checkbox"
          checked={props.canRequireSignature && value.requireSignature}
          disabled={!props.canRequireSignature}
          onChange={(e) => onChange({ ...value, requireSignature: e.target.checked })}
        />
        {t('requireSignature')}
      </label>
      {!props.canRequireSignature && <span className="hint">{t('requireSignatureNeedsSecret')}</span>}
      <label className="field">
        <span>{t('rateLimit')}</span>
        <input type="number" min={1} max={1_000_000} step={1} inputMode="numeric" value={value.rateLimitText} onChange={(e) => onChange({ ...value, rateLimitText: e.target.value })} placeholder={t('rateLimitDefault')} />
        <span className="hint">{t('rateLimitHint')}</span>
      </label>
    </>
  );
}
