import { createContext } from 'react';
import type { SessionUser } from './access';

/** The signed-in user, provided by RequireAuth to everything it renders. */
export const UserContext = createContext<SessionUser | null>(null);
