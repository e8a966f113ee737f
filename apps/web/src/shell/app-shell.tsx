import { useTranslation } from 'react-i18next';
import { NavLink, Outlet } from 'react-router';
import { can } from '../auth/access';
import { useUser } from '../auth/use-user';
import { useDeskCount } from '../routes/desk/use-desk-count';
import { NAV_ITEMS } from './nav-items';
import { UserMenu } from './user-menu';

/** Navigation on the left, the user menu on top, the page in <main>. */
export function AppShell() {
  const { t } = useTranslation('shell');
  const user = useUser();
  const items = NAV_ITEMS.filter((item) => can(user, item.roles));
  const deskCount = useDeskCount();
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        {t('skipToContent')}
      </a>
      <header className="topbar">
        <NavLink to="/" className="brand" aria-label={t('home')}>
          <span className="brand-mark" aria-hidden="true">
            桥
          </span>
          <span className="brand-name">Qiao</span>
        </NavLink>
        <UserMenu user={user} />
      </header>
      <nav className="sidebar" aria-label={t('navigation')}>
        <ul>
          {items.map((item) =>
            item.coming ? (
              <li key={item.key}>
                <span className="nav-item nav-item-disabled" aria-disabled="true" title={t('comingHint')}>
                  {t(`nav.${item.key}`)}
                  <span className="coming">{t('coming')}</span>
                </span>
              </li>
            ) : (
              <li key={item.key}>
                <NavLink to={item.path} className={({ isActive }) => (isActive ? 'nav-item active' : 'nav-item')}>
                  {t(`nav.${item.key}`)}
                  {item.key === 'desk' && deskCount !== null && deskCount > 0 && (
                    <span className="nav-badge" data-testid="desk-badge" aria-label={t('needsAttention', { count: deskCount })}>
                      {deskCount > 99 ? '99+' : deskCount}
                    </span>
                  )}
                </NavLink>
              </li>
            ),
          )}
        </ul>
      </nav>
      <main id="main" className="content" tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  );
}
