import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { LANGUAGES, setLanguage, type Language } from '../i18n';

export const LANGUAGE_NAMES: Record<Language, string> = { 'zh-CN': '简体中文', en: 'English' };

/** A labelled language picker (login page, preferences). */
export function LanguageSelect() {
  const { t, i18n } = useTranslation('shell');
  const id = useId();
  return (
    <span className="language-select">
      <label htmlFor={id}>{t('language')}</label>
      <select id={id} value={i18n.language} onChange={(e) => void setLanguage(e.target.value as Language)}>
        {LANGUAGES.map((l) => (
          <option key={l} value={l} lang={l}>
            {LANGUAGE_NAMES[l]}
          </option>
        ))}
      </select>
    </span>
  );
}
