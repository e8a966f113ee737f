import type { Role } from '@qiao/db';

export const ALL_ROLES: readonly Role[] = ['admin', 'designer', 'operator', 'approver', 'finance'];
export const ANY_ROLE = ALL_ROLES;
export const DESIGN = ['admin', 'designer'] as const satisfies readonly Role[];
export const OPERATE = ['admin', 'operator', 'designer'] as const satisfies readonly Role[];
export const ADMIN = ['admin'] as const satisfies readonly Role[];
export const AUDIT = ['admin', 'finance'] as const satisfies readonly Role[];
/** Reconciliation reports: finance owns them; operators read them to chase what is missing. */
export const RECONCILE_VIEW = ['admin', 'finance', 'operator'] as const satisfies readonly Role[];
/** Running one queries the ERP hard; finance and admins decide when. */
export const RECONCILE_RUN = ['admin', 'finance'] as const satisfies readonly Role[];
