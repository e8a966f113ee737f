import { ALL_ROLES, OPERATE, type Role } from '../auth/access';

export interface NavItem {
  key: 'flows' | 'runs' | 'connections' | 'settings' | 'approvals' | 'forms' | 'costing';
  path: string;
  roles: readonly Role[];
  /** Shown, disabled, marked "coming". */
  coming?: boolean;
}

export const NAV_ITEMS: readonly NavItem[] = [
  { key: 'flows', path: '/flows', roles: OPERATE },
  { key: 'runs', path: '/runs', roles: OPERATE },
  { key: 'connections', path: '/connections', roles: OPERATE },
  { key: 'approvals', path: '/approvals', roles: ALL_ROLES, coming: true },
  { key: 'forms', path: '/forms', roles: ALL_ROLES, coming: true },
  { key: 'costing', path: '/costing', roles: ALL_ROLES, coming: true },
  { key: 'settings', path: '/settings', roles: ALL_ROLES },
];
