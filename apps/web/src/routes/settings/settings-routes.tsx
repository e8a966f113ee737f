import { useTranslation } from 'react-i18next';
import { Navigate, NavLink, Route, Routes } from 'react-router';
import { ADMIN, ALL_ROLES, can, type Role } from '../../auth/access';
import { useUser } from '../../auth/use-user';
import { PageHeader } from '../../components/page-header';
import { ApiKeysPanel } from './api-keys-panel';
import { PreferencesPanel } from './preferences-panel';
import { UsersPanel } from './users-panel';

const TABS: readonly { key: 'preferences' | 'apiKeys' | 'users'; path: string; roles: readonly Role[] }[] = [
  { key: 'preferences', path: 'preferences', roles: ALL_ROLES },
  { key: 'apiKeys', path: 'api-keys', roles: ADMIN },
  { key: 'users', path: 'users', roles: ADMIN },
];

/** Settings: everyone has preferences; API keys and users are for admins, whose tabs others do not see. */
export function SettingsRoutes() {
  const { t } = useTranslation('settings');
  const user = useUser();
  const tabs = TABS.filter((tab) => can(user, tab.roles));
  const allowed = (key: string) => tabs.some((tab) => tab.key === key);
  return (
    <>
      <PageHeader title={t('title')} />
      <nav className="tabs" aria-label={t('title')}>
        {tabs.map((tab) => (
          <NavLink key={tab.key} to={`/settings/${tab.path}`} className={({ isActive }) => (isActive ? 'tab active' : 'tab')}>
            {t(`tabs.${tab.key}`)}
          </NavLink>
        ))}
      </nav>
      <Routes>
        <Route index element={<Navigate to="preferences" replace />} />
        <Route path="preferences" element={<PreferencesPanel />} />
        <Route path="api-keys" element={allowed('apiKeys') ? <ApiKeysPanel /> : <NoAccess />} />
        <Route path="users" element={allowed('users') ? <UsersPanel /> : <NoAccess />} />
        <Route path="*" element={<Navigate to="preferences" replace />} />
      </Routes>
    </>
  );
}

function NoAccess() {
  const { t } = useTranslation('settings');
  return (
    <p className="notice" role="alert">
      {t('noAccess')}
    </p>
  );
}
