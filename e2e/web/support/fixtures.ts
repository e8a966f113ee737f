import { readFileSync } from 'node:fs';
import path from 'node:path';
import { test as base, expect, type Page } from '@playwright/test';
import { SCREENSHOTS, STACK_FILE, type StackInfo } from './stack-file';

export const DEMO = {
  admin: { username: 'admin', password: 'qiao-admin', displayName: '系统管理员 Admin' },
  designer: { username: 'designer', password: 'qiao-designer', displayName: '流程设计 Designer' },
  operator: { username: 'operator', password: 'qiao-operator', displayName: '运维 Operator' },
} as const;

export const DEMO_FLOW_NAME = '销售订单 → 出库 → 发票 · Sales order → outbound → invoice';

export function stackInfo(): StackInfo {
  return JSON.parse(readFileSync(STACK_FILE, 'utf8')) as StackInfo;
}

export const test = base.extend<{ stack: StackInfo }>({
  // eslint-disable-next-line no-empty-pattern
  stack: async ({}, use) => use(stackInfo()),
  baseURL: async ({ stack }, use) => use(stack.serverUrl),
});
export { expect };

/** Signs in through the login page, submitting with Enter. */
export async function login(page: Page, user: { username: string; password: string }): Promise<void> {
  if (!page.url().includes('/login')) await page.goto('/login');
  await page.getByLabel('User name').fill(user.username);
  await page.getByLabel('Password').fill(user.password);
  await page.getByLabel('Password').press('Enter');
  await expect(page.getByRole('navigation', { name: 'Main navigation' })).toBeVisible();
}

/** Keeps a screenshot of a key screen under test-results/web-screens/ (not committed). */
export async function screenshot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}
