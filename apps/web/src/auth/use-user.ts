import { use } from 'react';
import type { SessionUser } from './access';
import { UserContext } from './user-context';

/**
 * The signed-in user, from RequireAuth. Read from context rather than the session query, so that
 * when the session ends the pages below are unmounted by RequireAuth instead of seeing no user.
 */
export function useUser(): SessionUser {
  const user = use(UserContext);
  if (!user) throw new Error('useUser outside RequireAuth');
  return user;
}
