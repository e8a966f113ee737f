import { DEMO, expect, login, screenshot, test } from './support/fixtures';

test.describe('signing in', () => {
  test("a wrong password shows the server's message and keeps the user on the login page", async ({ page }) => {
    await page.goto('/login');
    await expect(page.getByLabel('User name')).toBeFocused();
    await page.getByLabel('User name').fill('designer');
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByLabel('Password').press('Enter');
    await expect(page.getByRole('alert')).toHaveText('Wrong user name or password.');
    await expect(page.getByLabel('Password')).toBeFocused();
    await expect(page.getByLabel('Password')).toHaveValue('');
    await expect(page).toHaveURL(/\/login$/);
    await screenshot(page, 'login-wrong-password');
  });

  test('an anonymous visitor is sent to the login page and back to where they were', async ({ page }) => {
    await page.goto('/runs?status=succeeded');
    await expect(page).toHaveURL(/\/login$/);
    await login(page, DEMO.operator);
    await expect(page).toHaveURL(/\/runs\?status=succeeded$/);
    await expect(page.getByRole('heading', { name: 'Runs', level: 1 })).toBeVisible();
  });

  test('when the session ends, the next request sends the user to the login page and back', async ({ page, context }) => {
    await login(page, DEMO.operator);
    await expect(page.getByRole('heading', { name: 'Flows', level: 1 })).toBeVisible();
    await context.clearCookies();
    // A click that needs the server…
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Connections' }).click();
    await expect(page).toHaveURL(/\/login$/);
    await login(page, DEMO.operator);
    await expect(page).toHaveURL(/\/connections$/);
    await expect(page.getByRole('heading', { name: 'Connections', level: 1 })).toBeVisible();
    // …or the runs page's own polling, without any click.
    await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Runs' }).click();
    await expect(page.getByRole('heading', { name: 'Runs', level: 1 })).toBeVisible();
    await context.clearCookies();
    await expect(page).toHaveURL(/\/login$/);
    await login(page, DEMO.operator);
    await expect(page).toHaveURL(/\/runs$/);
  });

  test('signing out ends the session', async ({ page }) => {
    await login(page, DEMO.operator);
    await page.getByRole('button', { name: `User menu for ${DEMO.operator.displayName}` }).click();
    await page.getByRole('menuitem', { name: 'Sign out' }).click();
    await expect(page).toHaveURL(/\/login$/);
    await page.goto('/flows');
    await expect(page).toHaveURL(/\/login$/);
  });
});

test.describe('roles', () => {
  test('an operator sees flows and settings but neither Users nor API keys, and cannot change flows', async ({ page }) => {
    await login(page, DEMO.operator);
    const nav = page.getByRole('navigation', { name: 'Main navigation' });
    await expect(nav.getByRole('link', { name: 'Flows' })).toBeVisible();
    await expect(page.getByRole('button', { name: 'New flow' })).toHaveCount(0);
    await nav.getByRole('link', { name: 'Settings' }).click();
    await expect(page.getByRole('heading', { name: 'Preferences' })).toBeVisible();
    const tabs = page.getByRole('navigation', { name: 'Settings' });
    await expect(tabs.getByRole('link', { name: 'Preferences' })).toBeVisible();
    await expect(tabs.getByRole('link', { name: 'Users' })).toHaveCount(0);
    await expect(tabs.getByRole('link', { name: 'API keys' })).toHaveCount(0);
    await page.goto('/settings/users');
    await expect(page.getByRole('alert')).toContainText('You do not have access');
    await expect(page.getByTestId('user-row')).toHaveCount(0);
  });

  test('the navigation is usable from the keyboard, with coming areas marked and disabled', async ({ page }) => {
    await login(page, DEMO.admin);
    const nav = page.getByRole('navigation', { name: 'Main navigation' });
    for (const coming of ['Approvals', 'Forms', 'Costing']) {
      await expect(nav.locator('[aria-disabled="true"]', { hasText: coming })).toHaveCount(1);
      await expect(nav.getByRole('link', { name: coming })).toHaveCount(0);
    }
    await expect(nav.getByText('coming')).toHaveCount(3);
    // Tab from the top: skip link, brand, user menu, then the first navigation link.
    await page.keyboard.press('Tab');
    await expect(page.getByRole('link', { name: 'Skip to content' })).toBeFocused();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await expect(page.getByRole('button', { name: /User menu for/ })).toBeFocused();
    await page.keyboard.press('Tab');
    await expect(nav.getByRole('link', { name: 'Flows' })).toBeFocused();
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter');
    await expect(page).toHaveURL(/\/runs$/);
  });
});
