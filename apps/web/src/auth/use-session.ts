import { useQuery } from '@tanstack/react-query';
import { keys } from '../api/keys';
import { httpStatusOf } from '../lib/error-message';
import { trpc } from '../trpc';
import type { SessionUser } from './access';

/** The signed-in user, or null when there is no (valid) session cookie. */
export function useSession() {
  return useQuery<SessionUser | null>({
    queryKey: keys.me,
    queryFn: async () => {
      try {
        return await trpc.auth.me.query();
      } catch (err) {
        if (httpStatusOf(err) === 401) return null;
        throw err;
      }
    },
    staleTime: 60_000,
  });
}
