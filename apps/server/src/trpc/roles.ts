import type { Role } from '@qiao/db';

export const ALL_ROLES: readonly Role[] = ['admin', 'designer', 'operator', 'approver', 'finance'];
export const ANY_ROLE = ALL_ROLES;
export const DESIGN = ['admin', 'designer'] as const satisfies readonly Role[];
export const OPERATE = ['admin', 'operator', 'designer'] as const satisfies readonly Role[];
export const ADMIN = ['admin'] as const satisfies readonly Role[];
export const AUDIT = ['admin', 'finance'] as const satisfies readonly Role[];
