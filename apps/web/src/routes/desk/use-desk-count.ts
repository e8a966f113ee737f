import { useQuery } from '@tanstack/react-query';
import { keys } from '../../api/keys';
import { can, type Role } from '../../auth/access';
import { useUser } from '../../auth/use-user';
import { trpc } from '../../trpc';

/** How often the desk and its badge refresh (the runs list uses 2 s; the badge is seen on every page, so gentler). */
export const DESK_LIVE_MS = 5_000;
export const DESK_ROLES: readonly Role[] = ['admin', 'operator'];

/** Runs needing attention, for the navigation badge; polled only for those who can act on them. */
export function useDeskCount(): number | null {
  const user = useUser();
  const allowed = can(user, DESK_ROLES);
  const count = useQuery({ queryKey: keys.deskCount, queryFn: () => trpc.desk.count.query(), refetchInterval: DESK_LIVE_MS, enabled: allowed });
  return allowed ? (count.data?.needsAttention ?? null) : null;
}
