import { salesOrderEvent } from '../support/orders';
import { DEMO, expect, login, screenshot, test } from './support/fixtures';

const FINANCE = { username: 'finance', password: 'qiao-finance' };

test('a run the ERP refuses waits on the desk with a badge, is retried with edited input once, and succeeds; a reconciliation report then runs and shows', async ({ page, stack }) => {
  await login(page, DEMO.operator);
  const nav = page.getByRole('navigation', { name: 'Main navigation' });

  // An order for a customer the ERP does not know: Save is refused, no retry can fix it.
  const orderNo = `SO-DESK-${Date.now()}`;
  const event = salesOrderEvent(orderNo, 1);
  event.data.customer.code = 'CUST-UNKNOWN';
  const res = await fetch(`${stack.serverUrl}/api/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${stack.apiKey}`, 'content-type': 'application/cloudevents+json' },
    body: JSON.stringify(event),
  });
  expect(res.status).toBe(202);

  // The badge appears without a reload.
  await expect(nav.getByTestId('desk-badge')).toBeVisible({ timeout: 60_000 });
  await nav.getByRole('link', { name: /Needs attention/ }).click();
  await expect(page.getByRole('heading', { name: 'Needs attention', level: 1 })).toBeVisible();
  const row = page.locator(`[data-testid="desk-row"][data-business-key="${orderNo}"]`);
  await expect(row).toBeVisible();
  await expect(row.getByText('ERP rejected')).toBeVisible();
  await expect(row.getByText('saveOrder')).toBeVisible();
  await row.getByRole('button', { name: 'Details' }).click();
  await expect(page.getByLabel('Step input').first()).toContainText('CUST-UNKNOWN');
  await screenshot(page, 'desk');
  // The outbox section below: counts of what has not simply been sent (the demo's robot messages drain within seconds).
  const outbox = page.getByTestId('outbox-panel');
  await expect(outbox.getByRole('heading', { name: 'Outbox', level: 2 })).toBeVisible();
  await expect(outbox.getByTestId('outbox-counts')).toContainText('Failed 0');

  // Edit the step's input: the right customer, then retry.
  await row.getByRole('button', { name: 'Edit & retry' }).click();
  const dialog = page.getByRole('dialog', { name: 'Edit the input of saveOrder and retry' });
  const editor = dialog.getByLabel('JSON');
  const text = await editor.inputValue();
  await editor.fill(text.replace('{', '{ oops'));
  await expect(dialog.getByRole('alert')).toContainText('Not valid JSON');
  await expect(dialog.getByRole('button', { name: 'Save input and retry' })).toBeDisabled();
  await editor.fill(text.replace('"CUST-UNKNOWN"', '"CUST0001"'));
  await expect(dialog.getByText('Valid JSON')).toBeVisible();
  // A double click sends the action once (the button is disabled while it is pending; the server refuses a second try anyway).
  await dialog.getByRole('button', { name: 'Save input and retry' }).dblclick();
  await expect(dialog).toBeHidden();
  await expect(row).toBeHidden({ timeout: 30_000 });

  // The run carries on to the invoice; its page shows who retried it and with what.
  await page.goto('/runs');
  const run = page.locator(`[data-testid="run-row"][data-business-key="${orderNo}"]`);
  await expect(run.getByText('Succeeded')).toBeVisible({ timeout: 60_000 });
  await run.getByRole('link', { name: orderNo }).click();
  await expect(page.getByTestId('erp-document')).toHaveCount(4);
  const trail = page.getByTestId('run-trail');
  await expect(trail.getByText('run.retry_with_input')).toHaveCount(1);
  await expect(trail).toContainText('operator');

  // Finance runs a reconciliation for today and reads it.
  await page.getByRole('button', { name: /User menu/ }).click();
  await page.getByRole('menuitem', { name: 'Sign out' }).click();
  await login(page, FINANCE);
  await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Reconciliation' }).click();
  await expect(page.getByRole('heading', { name: 'Reconciliation', level: 1 })).toBeVisible();
  await page.getByRole('button', { name: 'Run now' }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText('Reconciliation ');
  await expect(page.getByText('Finished')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('report-rate')).toHaveText(/^\d+\.\d{2}%$/);
  const types = page.getByTestId('type-summary');
  for (const form of ['SAL_SaleOrder', 'SAL_OUTSTOCK', 'AR_receivable', 'IV_SALESIC']) await expect(types.getByText(form)).toBeVisible();
  await expect(page.getByRole('link', { name: 'Export Excel' })).toHaveAttribute('href', /\/api\/reconciliation\/.+\/export\?format=xlsx/);
  await screenshot(page, 'reconciliation-report');

  // The list shows it, with the trend drawn by ECharts (loaded on demand).
  await page.getByRole('link', { name: 'Reconciliation' }).first().click();
  await expect(page.getByTestId('report-row').first()).toContainText('Finished');
  await expect(page.locator('.trend-chart canvas')).toBeVisible();
});
