import { useTranslation } from 'react-i18next';
import { Navigate, Outlet, useLocation } from 'react-router';
import { ErrorBox } from '../components/error-box';
import { useSession } from './use-session';
import { UserContext } from './user-context';

/** Renders the app for a signed-in user; anyone else goes to the login page and comes back here after. */
export function RequireAuth() {
  const { t } = useTranslation();
  const session = useSession();
  const location = useLocation();
  if (session.isPending) {
    return (
      <div className="state state-loading full-page" role="status">
        <span className="spinner" aria-hidden="true" />
        {t('states.loading')}
      </div>
    );
  }
  if (session.isError) {
    return (
      <div className="full-page">
        <ErrorBox error={session.error} onRetry={() => void session.refetch()} />
      </div>
    );
  }
  if (!session.data) return <Navigate to="/login" replace state={{ from: `${location.pathname}${location.search}${location.hash}` }} />;
  return (
    <UserContext value={session.data}>
      <Outlet />
    </UserContext>
  );
}
