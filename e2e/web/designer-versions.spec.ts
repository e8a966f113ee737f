import type { Page } from '@playwright/test';
import { salesOrderEvent } from '../support/orders';
import { DEMO, expect, login, screenshot, test } from './support/fixtures';

const node = (page: Page, id: string) => page.locator(`.react-flow__node[data-id="${id}"]`);
const NODES = ['saveOrder', 'pushOutbound', 'pushReceivable', 'pushInvoice'];

/** A new flow from the Kingdee template, with a trigger of its own so other tests' sales orders do not start it. */
async function createOrderFlow(page: Page, texts: { newFlow: string; name: string; template: RegExp; create: string; eventType: string }, name: string) {
  await page.getByRole('button', { name: texts.newFlow }).click();
  const create = page.getByRole('dialog', { name: texts.newFlow });
  await create.getByLabel(texts.name).fill(name);
  await create.getByRole('radio', { name: texts.template }).check();
  await create.getByRole('button', { name: texts.create }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText(name);
  await expect(node(page, 'pushInvoice')).toBeVisible();
  await page.getByLabel(texts.eventType).fill(`com.qiao.e2e.versions_${Date.now()}`);
}

test.describe('in Chinese', () => {
  test.use({ locale: 'zh-CN' });

  test('界面为中文：撤销/重做，发布 v1 和 v2，回滚后 v3 与 v1 相同', async ({ page }) => {
    await page.goto('/login');
    await expect(page.getByRole('heading', { name: '登录桥' })).toBeVisible();
    await page.getByLabel('用户名').fill(DEMO.designer.username);
    await page.getByLabel('密码').fill(DEMO.designer.password);
    await page.getByLabel('密码').press('Enter');
    await expect(page.getByRole('navigation', { name: '主导航' })).toBeVisible();
    await page.getByRole('navigation', { name: '主导航' }).getByRole('link', { name: '流程' }).click();

    const name = `E2E 版本 ${Date.now()}`;
    await createOrderFlow(page, { newFlow: '新建流程', name: '名称', template: /销售订单 → 出库 → 发票/, create: '创建流程', eventType: '事件类型' }, name);
    await expect(page.getByText('没有问题。')).toBeVisible();
    await expect(page.getByTestId('save-state')).toHaveText('所有更改已保存');

    // v1.
    const publish = page.getByRole('button', { name: '发布', exact: true });
    await publish.click();
    let dialog = page.getByRole('dialog', { name: '发布此流程' });
    await dialog.getByLabel('更改说明（备注）').fill('第一版');
    await dialog.getByRole('button', { name: '发布版本' }).click();
    await expect(page.getByText('已发布为版本 1')).toBeVisible();

    // Undo and redo on the canvas: delete the invoice step, bring it back, delete it again.
    await node(page, 'pushInvoice').click();
    await page.keyboard.press('Delete');
    await expect(node(page, 'pushInvoice')).toHaveCount(0);
    await expect(page.locator('.react-flow__node')).toHaveCount(3);
    await page.getByRole('button', { name: '撤销' }).click();
    await expect(node(page, 'pushInvoice')).toBeVisible();
    await expect(page.locator('.react-flow__edge')).toHaveCount(3);
    await page.locator('.react-flow__pane').click({ position: { x: 20, y: 20 } });
    await page.keyboard.press('Control+Shift+z');
    await expect(node(page, 'pushInvoice')).toHaveCount(0);
    await page.keyboard.press('Control+z');
    await expect(node(page, 'pushInvoice')).toBeVisible();
    await page.getByRole('button', { name: '重做' }).click();
    await expect(node(page, 'pushInvoice')).toHaveCount(0);
    await expect(page.locator('.react-flow__edge')).toHaveCount(2);
    await expect(page.getByTestId('save-state')).toHaveText('所有更改已保存');
    await screenshot(page, 'zh-designer-after-redo');

    // v2 without the invoice.
    await publish.click();
    dialog = page.getByRole('dialog', { name: '发布此流程' });
    await dialog.getByLabel('更改说明（备注）').fill('去掉开票');
    await dialog.getByRole('button', { name: '发布版本' }).click();
    await expect(page.getByText('已发布为版本 2')).toBeVisible();

    // History: both versions, and what changed from v1 to v2.
    await page.getByTestId('open-history').click();
    const history = page.getByRole('dialog', { name: '版本历史' });
    await expect(history.getByTestId('version-row')).toHaveCount(2);
    await expect(history.locator('[data-version="2"]')).toContainText('去掉开票');
    await expect(history.locator('[data-version="2"]')).toContainText('生效中');
    const diff = history.getByTestId('version-diff');
    await expect(diff).toContainText('v1 → v2');
    await expect(diff.getByTestId('diff-element').filter({ hasText: 'pushInvoice' }).first()).toContainText('删除');
    await history.getByRole('checkbox', { name: '原始 JSON 差异' }).check();
    await expect(history.getByTestId('raw-diff')).toContainText('-');
    await screenshot(page, 'zh-version-history');
    await history.getByRole('checkbox', { name: '原始 JSON 差异' }).uncheck();

    // Roll back to v1: no unpublished changes, so no discard to confirm.
    await history.locator('[data-version="1"]').getByTestId('rollback').click();
    const confirm = page.getByRole('dialog', { name: '回滚到 v1' });
    await expect(confirm).toContainText('Rollback to v1: 第一版');
    await expect(confirm.getByTestId('confirm-rollback')).toBeEnabled();
    await expect(confirm.getByTestId('discard-draft')).toHaveCount(0);
    await screenshot(page, 'zh-rollback-confirm');
    await confirm.getByTestId('confirm-rollback').click();
    await expect(page.getByText('已发布为版本 3')).toBeVisible();
    // The canvas holds v1 again.
    await expect(node(page, 'pushInvoice')).toBeVisible();
    await expect(page.locator('.react-flow__node')).toHaveCount(4);

    // v3 is v1: no differences between them.
    await page.getByTestId('open-history').click();
    await expect(history.getByTestId('version-row')).toHaveCount(3);
    await expect(history.locator('[data-version="3"]')).toContainText('Rollback to v1: 第一版');
    await history.getByTestId('diff-from').selectOption('1');
    await history.getByTestId('diff-to').selectOption('3');
    await expect(history.getByTestId('version-diff')).toContainText('完全相同');
    await expect(history.getByText('没有差异。')).toBeVisible();
    await screenshot(page, 'zh-v3-equals-v1');

    // With an unpublished edit, rolling back asks to discard it.
    await history.getByRole('button', { name: '关闭' }).first().click();
    await node(page, 'pushInvoice').click();
    await page.keyboard.press('Delete');
    await expect(page.getByTestId('save-state')).toHaveText('所有更改已保存');
    await page.getByTestId('open-history').click();
    await history.locator('[data-version="2"]').getByTestId('rollback').click();
    const again = page.getByRole('dialog', { name: '回滚到 v2' });
    await expect(again.getByTestId('discard-draft')).toBeVisible();
    await expect(again.getByTestId('confirm-rollback')).toBeDisabled();
    await again.getByRole('button', { name: '取消' }).click();
  });
});

test('a designer test-runs the draft against the ERP simulator and sees each step on the canvas; operators see the run drawn read-only', async ({ page, browser, stack }) => {
  await login(page, DEMO.designer);
  const name = `E2E test run ${Date.now()}`;
  await createOrderFlow(page, { newFlow: 'New flow', name: 'Name', template: /Sales order → outbound → invoice/, create: 'Create flow', eventType: 'Event type' }, name);
  await expect(page.getByText('No problems.')).toBeVisible();

  // The sample event: a whole CloudEvent may be pasted; pin it for the flow's other editors.
  const orderNo = `SO-TEST-${Date.now()}`;
  await page.getByTestId('open-test-run').click();
  const dialog = page.getByRole('dialog', { name: 'Test run of the draft' });
  const editor = dialog.getByTestId('sample-editor');
  await editor.fill('{ "data": ');
  await expect(dialog.getByText(/Not valid JSON/)).toBeVisible();
  await expect(dialog.getByTestId('start-test-run')).toBeDisabled();
  await editor.fill(JSON.stringify(salesOrderEvent(orderNo, 5), null, 2));
  await expect(dialog.getByText('Not pinned: only this test run uses it.')).toBeVisible();
  await dialog.getByRole('button', { name: 'Pin sample' }).click();
  await expect(dialog.getByText('Pinned: everyone editing this flow uses this sample.')).toBeVisible();
  await screenshot(page, 'test-run-sample');
  await dialog.getByTestId('start-test-run').click();
  await expect(dialog).toHaveCount(0);

  // Every step turns succeeded on the canvas; the results panel has their outputs.
  const results = page.getByTestId('test-results');
  await expect(results).toBeVisible();
  for (const id of NODES) await expect(node(page, id).getByTestId('node-run-badge')).toHaveAttribute('data-status', 'succeeded', { timeout: 60_000 });
  await expect(results.getByText('Succeeded').first()).toBeVisible();
  await results.locator('[data-testid="test-result-row"][data-node-id="saveOrder"] button').click();
  await expect(results.getByLabel(/^Output of/)).toContainText(orderNo);
  await screenshot(page, 'test-run-results');

  // One step again, with the upstream data of the test run pinned: the real push, found again in the ERP.
  await results.locator('[data-testid="test-result-row"][data-node-id="pushInvoice"] button').click();
  await results.getByTestId('run-node').click();
  const single = page.getByRole('dialog', { name: /Run step/ });
  await expect(single.getByTestId('upstream-editor')).toHaveValue(/"pushReceivable"/);
  await single.getByTestId('run-node-submit').click();
  await expect(single.getByTestId('single-node-result')).toContainText('Succeeded');
  await expect(single.getByLabel(/^Output of/)).toContainText('XSZYFP');
  await screenshot(page, 'single-node-run');
  await single.getByRole('button', { name: 'Close' }).last().click();
  await expect(results.locator('[data-testid="test-result-row"][data-node-id="pushInvoice"]')).toContainText('single run');

  // A pinned sample survives a reload (it is the flow's, on the server), and so do the results.
  await page.reload();
  await expect(node(page, 'pushInvoice').getByTestId('node-run-badge')).toHaveAttribute('data-status', 'succeeded');
  await page.getByTestId('open-test-run').click();
  await expect(page.getByTestId('sample-editor')).toHaveValue(new RegExp(orderNo));
  await page.getByRole('dialog', { name: 'Test run of the draft' }).getByRole('button', { name: 'Cancel' }).click();

  // Test runs stay out of the runs list unless asked for.
  await page.goto('/runs');
  await page.getByLabel('Business key (order no.)').fill(orderNo);
  await expect(page.getByText(/No runs match/)).toBeVisible();
  await page.getByLabel('Include test runs').check();
  const row = page.locator(`[data-testid="run-row"][data-business-key="${orderNo}"]`);
  await expect(row).toBeVisible();
  await expect(row.locator('.badge-test')).toBeVisible();
  const runHref = await row.getByRole('link', { name: orderNo }).getAttribute('href');
  expect(runHref).toMatch(/^\/runs\//);

  // An operator opens the run: the flow drawn read-only with each step's status; a click finds the step.
  const context = await browser.newContext({ baseURL: stack.serverUrl });
  const ops = await context.newPage();
  await login(ops, DEMO.operator);
  await ops.goto(runHref ?? '/runs');
  const canvas = ops.getByTestId('run-canvas');
  await expect(canvas.getByTestId('run-node')).toHaveCount(4);
  await expect(canvas.locator('[data-status="succeeded"]')).toHaveCount(4);
  // Nodes cannot be moved: a drag leaves the node where the version put it (the view may pan).
  const drag = ops.locator('.react-flow__node[data-id="pushOutbound"]');
  const placed = async () => /translate\([^)]*\)/.exec((await drag.getAttribute('style')) ?? '')?.[0];
  const before = await placed();
  const box = await drag.boundingBox();
  await drag.hover();
  await ops.mouse.down();
  await ops.mouse.move((box?.x ?? 0) + 150, (box?.y ?? 0) + 80, { steps: 5 });
  await ops.mouse.up();
  expect(await placed()).toBe(before);
  await expect(ops.locator('.react-flow__handle.connectable')).toHaveCount(0);
  await drag.click();
  await expect(ops.locator('[data-testid="step"][data-node="pushOutbound"]')).toHaveAttribute('aria-current', 'step');
  await screenshot(ops, 'run-detail-canvas');

  // The flow's read-only page works for operators too.
  await ops.getByRole('link', { name }).click();
  await expect(ops.getByRole('heading', { level: 1 })).toContainText(name);
  await expect(ops.getByRole('note')).toBeVisible();
  await expect(ops.getByRole('button', { name: 'Publish', exact: true })).toHaveCount(0);
  await ops.goto(`${new URL(ops.url()).pathname}?view=details`);
  await expect(ops.getByRole('heading', { level: 1 })).toContainText(name);
  await context.close();
});
