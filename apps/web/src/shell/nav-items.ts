import { ALL_ROLES, OPERATE, RECONCILE, type Role } from '../auth/access';
import { DESK_ROLES } from '../routes/desk/use-desk-count';

export interface NavItem {
  key: 'flows' | 'runs' | 'desk' | 'reconciliation' | 'connections' | 'settings' | 'approvals' | 'forms' | 'costing';
  path: string;
  roles: readonly Role[];
  /** Shown, disabled, marked "coming". */
  coming?: boolean;
}

export const NAV_ITEMS: readonly NavItem[] = [
  { key: 'flows', path: '/flows', roles: OPERATE },
  { key: 'runs', path: '/runs', roles: OPERATE },
  { key: 'desk', path: '/desk', roles: DESK_ROLES },
  { key: 'reconciliation', path: '/reconciliation', roles: RECONCILE },
  { key: 'connections', path: '/connections', roles: OPERATE },
  { key: 'approvals', path: '/approvals', roles: ALL_ROLES, coming: true },
  { key: 'forms', path: '/forms', roles: ALL_ROLES, coming: true },
  { key: 'costing', path: '/costing', roles: ALL_ROLES, coming: true },
  { key: 'settings', path: '/settings', roles: ALL_ROLES },
];
