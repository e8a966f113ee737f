import { DEMO, expect, login, screenshot, test } from './support/fixtures';

const DEMO_CONNECTION = 'Kingdee ERP 模拟器 (demo)';

test('connections: the demo ERP connection, its test result, and an edit that must re-enter the secret', async ({ page }) => {
  await login(page, DEMO.admin);
  await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Connections' }).click();
  const row = page.getByTestId('connection-row').filter({ hasText: DEMO_CONNECTION });
  await expect(row).toContainText('Kingdee K3Cloud');
  await expect(row).toContainText('QIAO_DEMO');
  await expect(row).not.toContainText('qiao-demo-secret');

  await row.getByRole('button', { name: `Test ${DEMO_CONNECTION}` }).click();
  const result = page.getByTestId('connection-test-row').getByTestId('test-result');
  await expect(result).toContainText('Connection works');
  await expect(result).toContainText('Logged in to data centre');
  await screenshot(page, 'connections');

  await row.getByRole('button', { name: `Edit ${DEMO_CONNECTION}` }).click();
  const dialog = page.getByRole('dialog', { name: `Edit “${DEMO_CONNECTION}”` });
  const serverUrl = dialog.getByLabel(/^Server URL/);
  await expect(serverUrl).toHaveValue(/\/k3cloud\/$/);
  await expect(dialog.getByLabel(/^App secret/)).toHaveValue('');
  await expect(dialog.getByLabel(/^App secret/)).toHaveAttribute('type', 'password');
  await screenshot(page, 'connection-edit');
  // Moving the connection without re-entering the secret: the server refuses, naming the field.
  await serverUrl.fill('http://127.0.0.1:1/k3cloud/');
  await dialog.getByRole('button', { name: 'Save' }).click();
  await expect(dialog.getByRole('alert').filter({ hasText: 'Re-enter' })).toHaveText('Re-enter appSecret when changing serverUrl.');
  await expect(dialog.locator('[data-field="appSecret"] .field-error')).toHaveText('required when the endpoint changes');
  await dialog.getByRole('button', { name: 'Cancel' }).click();
  await expect(dialog).toHaveCount(0);
});

test('settings: an API key is shown once, works at the gateway, and is revoked after confirming', async ({ page, stack }) => {
  const name = `E2E key ${Date.now()}`;
  await login(page, DEMO.admin);
  await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Settings' }).click();
  await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'API keys' }).click();
  await page.getByRole('button', { name: 'New API key' }).click();
  const create = page.getByRole('dialog', { name: 'New API key' });
  await create.getByLabel('Name', { exact: true }).fill(name);
  await create.getByRole('button', { name: 'Create key' }).click();
  const shown = page.getByRole('dialog', { name: 'API key created' });
  await expect(shown.getByRole('button', { name: 'Copy' })).toBeVisible();
  const key = (await shown.getByTestId('new-api-key').textContent()) ?? '';
  expect(key.length).toBeGreaterThan(20);
  await screenshot(page, 'api-key-created');
  await shown.getByRole('button', { name: 'Done' }).click();
  await expect(page.getByText(key)).toHaveCount(0);

  const probe = () =>
    fetch(`${stack.serverUrl}/api/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/cloudevents+json' },
      body: JSON.stringify({ specversion: '1.0', id: `probe-${Date.now()}`, source: '/e2e/probe', type: 'com.qiao.probe', data: {} }),
    });
  expect((await probe()).status).toBe(202);

  const row = page.getByRole('row').filter({ hasText: name });
  await row.getByRole('button', { name: `Revoke ${name}` }).click();
  await page.getByRole('dialog', { name: 'Revoke this API key?' }).getByRole('button', { name: 'Revoke' }).click();
  await expect(row).toContainText('revoked');
  expect((await probe()).status).toBe(401);
});

test('settings: an admin sees the users with their roles', async ({ page }) => {
  await login(page, DEMO.admin);
  await page.goto('/settings/users');
  for (const username of ['admin', 'designer', 'operator', 'approver', 'finance']) {
    await expect(page.getByTestId('user-row').filter({ has: page.getByText(username, { exact: true }) })).toHaveCount(1);
  }
  await expect(page.getByTestId('user-row').filter({ hasText: 'operator' }).first()).toContainText('Operator');
  await screenshot(page, 'settings-users');
});
