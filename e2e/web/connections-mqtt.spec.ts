import { DEMO, expect, login, screenshot, test } from './support/fixtures';

const METERS = '能源表计 Plant meters (MQTT demo)';

test('connections: the MQTT demo connection tests fine and shows its last use; a broken one lists what failed', async ({ page }) => {
  await login(page, DEMO.admin);
  await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Connections' }).click();
  const row = page.getByTestId('connection-row').filter({ hasText: METERS });
  await expect(row).toContainText('MQTT');
  await expect(row).toContainText('plant/+/meter/+/energy');

  await row.getByRole('button', { name: `Test ${METERS}` }).click();
  const result = page.getByTestId('connection-test-row').getByTestId('test-result');
  await expect(result).toContainText('Connection works');
  await expect(result).toContainText('Connected to 127.0.0.1:');
  await expect(row.locator('time')).toHaveText(/now|seconds? ago|minutes? ago/);

  // The subscription list and the PEM fields are text areas (a PEM keeps its line breaks).
  await row.getByRole('button', { name: `Edit ${METERS}` }).click();
  const dialog = page.getByRole('dialog', { name: `Edit “${METERS}”` });
  await expect(dialog.getByLabel(/^Trigger subscriptions/)).toHaveValue('plant/+/meter/+/energy 1');
  await expect(dialog.locator('[data-field="tlsKey"] textarea')).toHaveValue('');
  await dialog.getByRole('button', { name: 'Cancel' }).click();

  // A connection to a port nothing listens on: the test says so, and the error joins the recent errors.
  const name = `Broken broker ${Date.now()}`;
  await page.getByRole('button', { name: 'New connection' }).click();
  const create = page.getByRole('dialog', { name: 'New connection' });
  await create.getByRole('textbox', { name: 'Name', exact: true }).fill(name);
  await create.getByRole('combobox', { name: /^Connector/ }).selectOption('mqtt');
  await create.getByLabel(/^Broker URL/).fill('mqtt://127.0.0.1:1');
  await create.getByRole('button', { name: 'Create connection' }).click();
  await expect(create).toHaveCount(0);
  const broken = page.getByTestId('connection-row').filter({ hasText: name });
  await expect(broken.getByText('Never used')).toBeVisible();
  await broken.getByRole('button', { name: `Test ${name}` }).click();
  await expect(page.getByTestId('connection-test-row').getByTestId('test-result')).toContainText('refused the connection');
  const toggle = broken.getByRole('button', { name: `Show the errors of ${name} (1)` });
  await toggle.click();
  const errors = page.getByTestId('connection-errors-row').getByTestId('recent-errors');
  await expect(errors).toContainText('Connection test');
  await expect(errors).toContainText('network');
  await expect(errors).toContainText('127.0.0.1:1 refused the connection');
  await screenshot(page, 'connections-recent-errors');

  await broken.getByRole('button', { name: `Delete ${name}` }).click();
  await page.getByRole('dialog', { name: 'Delete this connection?' }).getByRole('button', { name: 'Delete' }).click();
  await expect(broken).toHaveCount(0);
});
