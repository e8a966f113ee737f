import type { Locator, Page } from '@playwright/test';
import { DEMO, expect, login, screenshot, test } from './support/fixtures';

const node = (page: Page, id: string) => page.locator(`.react-flow__node[data-id="${id}"]`);
const badge = (page: Page, id: string) => node(page, id).getByTestId('node-error-badge');

async function dragPaletteItem(page: Page, type: string, canvas: Locator, at: { x: number; y: number }) {
  await page.locator(`[data-testid="palette-item"][data-node-type="${type}"]`).dragTo(canvas, { targetPosition: at });
}

async function connectHandles(page: Page, source: string, target: string) {
  const from = node(page, source).locator('.react-flow__handle.source');
  const to = node(page, target).locator('.react-flow__handle.target');
  await from.hover();
  await page.mouse.down();
  const box = await to.boundingBox();
  if (!box) throw new Error(`no target handle on ${target}`);
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 12 });
  await page.mouse.up();
}

test('a designer builds a flow on the canvas, fixes a validation error, undoes and redoes, and publishes', async ({ page }) => {
  const name = `E2E canvas ${Date.now()}`;
  await login(page, DEMO.designer);
  await page.getByRole('button', { name: 'New flow' }).click();
  const create = page.getByRole('dialog', { name: 'New flow' });
  await create.getByLabel('Name').fill(name);
  await create.getByRole('radio', { name: /Blank flow/ }).check();
  await create.getByRole('button', { name: 'Create flow' }).click();

  // An empty canvas: the trigger panel, one problem (no steps), publishing refused.
  await expect(page.getByRole('heading', { level: 1 })).toContainText(name);
  await expect(page.getByLabel('Event type')).toHaveValue('com.qiao.sales_order.created');
  const problems = page.getByTestId('problems');
  await expect(problems).toContainText('has no nodes');
  const publish = page.getByRole('button', { name: 'Publish', exact: true });
  await expect(publish).toBeDisabled();
  await expect(page.getByText(/1 problem must be fixed before publishing/)).toBeVisible();
  // A trigger of its own, so publishing this flow starts no runs for the other tests' sales orders.
  await page.getByLabel('Event type').fill(`com.qiao.e2e.canvas_${Date.now()}`);

  // The palette is grouped and searchable.
  const palette = page.getByRole('complementary', { name: 'Steps' });
  await expect(palette.getByRole('heading', { name: /ERP/ })).toBeVisible();
  await palette.getByRole('searchbox', { name: 'Search steps' }).fill('下推');
  await expect(palette.getByTestId('palette-item')).toHaveCount(1);
  await palette.getByRole('searchbox', { name: 'Search steps' }).fill('');

  // Drag two steps onto the canvas and connect them.
  const canvas = page.getByTestId('canvas');
  await dragPaletteItem(page, 'kingdee.saveBill', canvas, { x: 160, y: 60 });
  await expect(node(page, 'saveBill')).toBeVisible();
  await dragPaletteItem(page, 'kingdee.submitBill', canvas, { x: 160, y: 300 });
  await expect(node(page, 'submitBill')).toBeVisible();
  await connectHandles(page, 'saveBill', 'submitBill');
  await expect(page.locator('.react-flow__edge')).toHaveCount(1);
  await expect(page.getByTestId('save-state')).toHaveText('All changes saved');

  // New steps are not configured: their cards show the errors.
  await expect(badge(page, 'saveBill')).toBeVisible();
  await expect(badge(page, 'submitBill')).toBeVisible();

  // Configure the first step: connection, a literal, and one parameter as an expression.
  await node(page, 'saveBill').click();
  const panel = page.getByRole('region', { name: 'Step configuration' });
  await expect(panel.getByRole('heading', { name: 'Save bill' })).toBeVisible();
  await panel.getByRole('combobox', { name: 'Connection' }).selectOption({ index: 1 });
  await panel.getByRole('textbox', { name: 'formId', exact: true }).fill('SAL_SaleOrder');
  await panel.getByRole('button', { name: 'Use an expression for model' }).click();
  await panel.getByRole('textbox', { name: /^model/ }).fill('{ "FBillNo": event.data.orderNo, "FDate": event.data.orderDate }');
  await expect(badge(page, 'saveBill')).toHaveCount(0);
  await expect(node(page, 'saveBill')).toContainText('formId: SAL_SaleOrder');
  await screenshot(page, 'designer-configure');

  // The second step: everything but formId, so an error remains on it and on its field.
  await node(page, 'submitBill').click();
  await panel.getByRole('combobox', { name: 'Connection' }).selectOption({ index: 1 });
  await panel.getByRole('button', { name: 'Use an expression for numbers' }).click();
  await panel.getByRole('textbox', { name: /^numbers/ }).fill('[steps.saveBill.number]');
  await expect(badge(page, 'submitBill')).toHaveText('! 1');
  const formIdField = panel.locator('[data-param="formId"]');
  await expect(formIdField.getByRole('alert')).toBeVisible();
  await expect(publish).toBeDisabled();
  await screenshot(page, 'designer-validation-error');

  // The problems list selects the step it is about.
  await page.locator('.react-flow__pane').click({ position: { x: 420, y: 20 } });
  await expect(panel).toHaveCount(0);
  await page.getByRole('complementary', { name: 'Configuration' }).getByRole('button', { name: /submitBill/ }).click();
  await expect(panel.getByText('submitBill', { exact: true })).toBeVisible();

  // Fixing the field removes the error.
  await panel.getByRole('textbox', { name: 'formId', exact: true }).fill('SAL_SaleOrder');
  await expect(badge(page, 'submitBill')).toHaveCount(0);
  await expect(page.getByText('No problems.')).toBeVisible();
  await expect(publish).toBeEnabled();

  // Undo brings the error back, redo removes it again (shortcuts work when no field has the focus).
  await page.locator('.react-flow__pane').click({ position: { x: 420, y: 20 } });
  await expect(page.getByRole('region', { name: 'Trigger' })).toBeVisible();
  await page.keyboard.press('Control+z');
  await expect(badge(page, 'submitBill')).toBeVisible();
  await expect(publish).toBeDisabled();
  await page.keyboard.press('Control+Shift+z');
  await expect(badge(page, 'submitBill')).toHaveCount(0);

  // Copy, paste with a new id, delete it again.
  await node(page, 'submitBill').click();
  await page.keyboard.press('Control+c');
  await page.keyboard.press('Control+v');
  await expect(node(page, 'submitBill_2')).toBeVisible();
  await page.keyboard.press('Delete');
  await expect(node(page, 'submitBill_2')).toHaveCount(0);
  await expect(page.locator('.react-flow__node')).toHaveCount(2);

  // The shortcuts help.
  await page.keyboard.press('?');
  const help = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(help).toContainText('Ctrl+Shift+Z');
  await screenshot(page, 'designer-shortcuts');
  await page.keyboard.press('Escape');
  await expect(help).toHaveCount(0);

  // Publish with a comment.
  await expect(page.getByText('No problems.')).toBeVisible();
  await publish.click();
  const dialog = page.getByRole('dialog', { name: 'Publish this flow' });
  await dialog.getByLabel('What changed (comment)').fill('First version from the canvas');
  await dialog.getByRole('button', { name: 'Publish version' }).click();
  await expect(page.getByText('Published as version 1')).toBeVisible();
  await screenshot(page, 'designer-published');

  // The draft was saved: after a reload the canvas shows the same steps, and the version is listed.
  await page.reload();
  await expect(node(page, 'saveBill')).toContainText('formId: SAL_SaleOrder');
  await expect(page.locator('.react-flow__edge')).toHaveCount(1);
  await page.getByRole('link', { name: 'Versions & details' }).click();
  await expect(page.getByRole('cell', { name: 'First version from the canvas' })).toBeVisible();
});
