import { DEMO, DEMO_FLOW_NAME, expect, login, screenshot, test } from './support/fixtures';

test('the flows list shows the seeded demo flow, published, with its trigger; an operator sees it read-only', async ({ page }) => {
  await login(page, DEMO.operator);
  await expect(page).toHaveURL(/\/flows$/);
  const row = page.getByTestId('flow-row').filter({ hasText: DEMO_FLOW_NAME });
  await expect(row).toBeVisible();
  await expect(row.getByText('Published')).toBeVisible();
  await expect(row.getByText('com.qiao.sales_order.created')).toBeVisible();
  await expect(row.getByText('v1', { exact: true })).toBeVisible();
  await screenshot(page, 'flows-list');

  await row.getByRole('link', { name: DEMO_FLOW_NAME }).click();
  await expect(page.getByRole('heading', { name: 'Steps of version 1' })).toBeVisible();
  for (const step of ['saveOrder', 'pushOutbound', 'pushReceivable', 'pushInvoice', 'notifyDingtalk', 'notifyWecom']) await expect(page.getByText(step, { exact: true })).toBeVisible();
  await expect(page.getByText('This page shows the flow read-only.')).toBeVisible();
  await screenshot(page, 'flow-page');
});

test('a designer creates a flow from the blank template, renames it and archives it', async ({ page }) => {
  const name = `E2E blank ${Date.now()}`;
  const renamed = `${name} renamed`;
  await login(page, DEMO.designer);
  await page.getByRole('button', { name: 'New flow' }).click();
  const dialog = page.getByRole('dialog', { name: 'New flow' });
  await expect(dialog.getByLabel('Name')).toBeFocused();
  await dialog.getByLabel('Name').fill(name);
  await dialog.getByRole('radio', { name: /Blank flow/ }).check();
  await expect(dialog.getByRole('radio', { name: /Sales order → outbound → invoice \(Kingdee\)/ })).toBeVisible();
  await expect(dialog.getByRole('radio', { name: /Payment confirmed → ERP receipt/ })).toBeVisible();
  await screenshot(page, 'flow-create-dialog');
  await dialog.getByRole('button', { name: 'Create flow' }).click();

  // The new flow opens in the designer: an empty canvas; its details page says nothing is published.
  await expect(page.getByRole('heading', { level: 1 })).toContainText(name);
  await expect(page.getByText('Drag a step from the palette onto the canvas to begin.')).toBeVisible();
  await page.getByRole('link', { name: 'Versions & details' }).click();
  await expect(page.getByText('not published', { exact: true })).toBeVisible();
  await expect(page.getByText('This flow has no steps yet.')).toBeVisible();

  await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Flows' }).click();
  await page.getByRole('searchbox', { name: 'Search flows' }).fill(name);
  const row = page.getByTestId('flow-row').filter({ hasText: name });
  await expect(row).toHaveCount(1);
  await expect(row.getByText('Draft')).toBeVisible();
  await expect(row.getByText(`by ${DEMO.designer.displayName}`)).toBeVisible();

  await row.getByRole('button', { name: `Rename ${name}` }).click();
  const rename = page.getByRole('dialog', { name: `Rename “${name}”` });
  await rename.getByLabel('New name').fill(renamed);
  await rename.getByLabel('New name').press('Enter');
  await expect(rename).toHaveCount(0);
  await page.getByRole('searchbox', { name: 'Search flows' }).fill(renamed);
  const renamedRow = page.getByTestId('flow-row').filter({ hasText: renamed });
  await expect(renamedRow).toHaveCount(1);

  await renamedRow.getByRole('button', { name: `Archive ${renamed}` }).click();
  const confirm = page.getByRole('dialog', { name: 'Archive this flow?' });
  await expect(confirm).toContainText(renamed);
  await expect(confirm.getByRole('button', { name: 'Cancel' })).toBeFocused();
  await screenshot(page, 'flow-archive-confirm');
  // Cancelling changes nothing.
  await confirm.getByRole('button', { name: 'Cancel' }).click();
  await expect(renamedRow.getByText('Draft')).toBeVisible();
  await renamedRow.getByRole('button', { name: `Archive ${renamed}` }).click();
  await page.getByRole('dialog', { name: 'Archive this flow?' }).getByRole('button', { name: 'Archive' }).click();
  await expect(page.getByTestId('flow-row').filter({ hasText: renamed })).toHaveCount(0);
  await expect(page.getByText('No flow matches these filters.')).toBeVisible();

  await page.getByLabel('Status').selectOption('archived');
  await expect(page.getByTestId('flow-row').filter({ hasText: renamed }).getByText('Archived')).toBeVisible();
});

test('switching the language to 简体中文 shows Chinese labels, and the choice is remembered', async ({ page }) => {
  await login(page, DEMO.admin);
  await page.getByRole('button', { name: `User menu for ${DEMO.admin.displayName}` }).click();
  await page.getByRole('menuitemradio', { name: '简体中文' }).click();
  const nav = page.getByRole('navigation', { name: '主导航' });
  for (const label of ['流程', '运行记录', '连接', '设置']) await expect(nav.getByRole('link', { name: label })).toBeVisible();
  await expect(nav.getByText('即将推出')).toHaveCount(3);
  await expect(page.getByRole('heading', { name: '流程', level: 1 })).toBeVisible();
  await expect(page.getByRole('columnheader', { name: '触发事件' })).toBeVisible();
  await expect(page.getByTestId('flow-row').filter({ hasText: DEMO_FLOW_NAME }).getByText('已发布')).toBeVisible();
  await screenshot(page, 'flows-list-zh-CN');
  await page.reload();
  await expect(page.getByRole('heading', { name: '流程', level: 1 })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  // Back to English for whoever uses this browser context next.
  await page.getByRole('button', { name: /的用户菜单$/ }).click();
  await page.getByRole('menuitemradio', { name: 'English' }).click();
  await expect(page.getByRole('heading', { name: 'Flows', level: 1 })).toBeVisible();
});

test.describe('a Chinese browser', () => {
  test.use({ locale: 'zh-CN' });
  test('gets the interface in Chinese by default', async ({ page }) => {
    await page.goto('/login');
    await expect(page.getByRole('heading', { name: '登录桥' })).toBeVisible();
    await page.getByLabel('用户名').fill('designer');
    await page.getByLabel('密码').fill('wrong-password');
    await page.getByRole('button', { name: '登录' }).click();
    await expect(page.getByRole('alert')).toHaveText('用户名或密码错误。');
    await screenshot(page, 'login-zh-CN');
  });
});
