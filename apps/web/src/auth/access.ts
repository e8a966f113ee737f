import type { RouterOutputs } from '../trpc';

export type SessionUser = RouterOutputs['auth']['me'];
export type Role = SessionUser['roles'][number];

// The server decides (every procedure checks roles); these mirror apps/server/src/trpc/roles.ts
// only to hide what a user could not use anyway.
export const ALL_ROLES: readonly Role[] = ['admin', 'designer', 'operator', 'approver', 'finance'];
export const DESIGN: readonly Role[] = ['admin', 'designer'];
export const OPERATE: readonly Role[] = ['admin', 'operator', 'designer'];
export const ADMIN: readonly Role[] = ['admin'];
export const RECONCILE: readonly Role[] = ['admin', 'finance', 'operator'];
export const RECONCILE_RUN: readonly Role[] = ['admin', 'finance'];

export function can(user: { roles: readonly Role[] } | null | undefined, roles: readonly Role[]): boolean {
  return Boolean(user?.roles.some((r) => roles.includes(r)));
}
