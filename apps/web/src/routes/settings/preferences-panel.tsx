import { useTranslation } from 'react-i18next';
import { useUser } from '../../auth/use-user';
import { TIME_ZONE } from '../../lib/format-date';
import { LanguageSelect } from '../../shell/language-select';

export function PreferencesPanel() {
  const { t } = useTranslation(['settings', 'shell']);
  const user = useUser();
  return (
    <section className="panel" aria-labelledby="prefs-title">
      <h2 id="prefs-title">{t('preferences.title')}</h2>
      <dl className="facts">
        <dt>{t('preferences.account')}</dt>
        <dd>
          {user.displayName} <span className="muted">@{user.username}</span>
        </dd>
        <dt>{t('preferences.roles')}</dt>
        <dd>{user.roles.map((r) => t(`shell:role.${r}`)).join(', ')}</dd>
        <dt>{t('preferences.timeZone')}</dt>
        <dd>{t('preferences.timeZoneValue', { zone: TIME_ZONE })}</dd>
      </dl>
      <div className="field">
        <LanguageSelect />
        <span className="hint">{t('preferences.languageHint')}</span>
      </div>
    </section>
  );
}
