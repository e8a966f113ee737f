import type { Page } from '@playwright/test';
import { DEMO, expect, login, screenshot, test } from './support/fixtures';

async function trpc<T>(page: Page, path: string, input?: unknown, mutation = false): Promise<T> {
  const response = mutation ? await page.request.post(`/trpc/${path}`, { data: input ?? {} }) : await page.request.get(`/trpc/${path}`);
  expect(response.ok(), `${path}: ${response.status()}`).toBe(true);
  return ((await response.json()) as { result: { data: T } }).result.data;
}

test('a designer maps a field from the tree, sees syntax errors live, and fixes an unknown value map with the value maps dialog', async ({ page }) => {
  await login(page, DEMO.designer);
  const connections = await trpc<{ id: string; connectorId: string }[]>(page, 'connections.list');
  const connectionId = connections.find((c) => c.connectorId === 'kingdee')?.id;
  const document = {
    schemaVersion: 1,
    name: `E2E mapping ${Date.now()}`,
    trigger: { eventType: `com.qiao.e2e.mapping_${Date.now()}` },
    nodes: [
      { id: 'saveOrder', type: 'kingdee.saveBill', connectionId, position: { x: 0, y: 0 }, parameters: { formId: 'SAL_SaleOrder', model: { $expr: '{ "FBillNo": event.data.orderNo }' } } },
      { id: 'pushOut', type: 'kingdee.pushBill', connectionId, position: { x: 0, y: 200 }, parameters: { sourceFormId: 'SAL_SaleOrder', sourceNumbers: { $expr: '[steps.saveOrder.number]' }, ruleId: 'SaleOrder-OutStock', targetFormId: 'SAL_OUTSTOCK' } },
      { id: 'other', type: 'kingdee.auditBill', connectionId, position: { x: 300, y: 0 }, parameters: { formId: 'SAL_SaleOrder', numbers: ['X'] } },
    ],
    edges: [{ id: 'e1', source: 'saveOrder', target: 'pushOut' }],
  };
  const flow = await trpc<{ id: string }>(page, 'flows.create', { name: document.name, document }, true);
  await page.goto(`/flows/${flow.id}`);
  await expect(page.getByText('No problems.')).toBeVisible();

  // The tree of the second step lists the event and the step before it, not the unrelated one.
  await page.locator('.react-flow__node[data-id="pushOut"]').click();
  const panel = page.getByRole('region', { name: 'Step configuration' });
  const tree = panel.getByRole('tree', { name: 'Fields available to this step' });
  await expect(tree.getByRole('treeitem', { name: /saveOrder · Save bill/ })).toBeVisible();
  await expect(tree.locator('[data-reference="steps.other"]')).toHaveCount(0);

  // ƒx on ruleId, then search the tree and insert a field with the keyboard.
  await panel.getByRole('button', { name: 'Use an expression for ruleId' }).click();
  const ruleIdField = panel.locator('[data-param="ruleId"]');
  const ruleId = ruleIdField.getByRole('textbox', { name: /^ruleId/ });
  await ruleId.fill('"R-" & ');
  await expect(panel.getByTestId('mapping-target')).toHaveText('Inserts into: ruleId');
  const search = panel.getByRole('combobox', { name: 'Search fields' });
  await search.fill('number');
  await search.press('ArrowDown');
  await search.press('Enter');
  await expect(ruleId).toHaveValue('"R-" & steps.saveOrder.number');
  await expect(ruleIdField.getByText('✓ Syntax OK')).toBeVisible();
  await expect(ruleIdField.getByTestId('expression-preview')).toContainText(/No sample data yet|Preview/);
  await screenshot(page, 'mapping-tree-insert');

  // A syntax error shows at once, with its position.
  await ruleId.fill('"R-" & steps.saveOrder.(');
  await expect(ruleIdField.getByTestId('expression-syntax-error')).toContainText('Error at line 1, column 24');

  // An unknown value map is reported by the compiler on the node and field…
  await ruleId.fill(`$valueMap('rules', steps.saveOrder.number, 'SaleOrder-OutStock')`);
  const problems = page.getByTestId('problems');
  await expect(problems).toContainText('uses the value map rules, but the flow has no value map of that name');
  await expect(ruleIdField.getByRole('alert')).toBeVisible();

  // …and goes away once the map exists.
  await page.getByTestId('value-maps-button').click();
  const dialog = page.getByRole('dialog', { name: 'Value maps' });
  await dialog.getByRole('button', { name: '+ Add value map' }).click();
  await dialog.getByRole('textbox', { name: 'Name' }).fill('rules');
  await dialog.getByRole('button', { name: '+ Add row' }).click();
  await dialog.getByRole('textbox', { name: 'Key 1' }).fill('SO-1');
  await dialog.getByRole('textbox', { name: 'Value 1' }).fill('SaleOrder-OutStock');
  await screenshot(page, 'value-maps-dialog');
  await dialog.getByRole('button', { name: 'Done' }).click();
  await expect(page.getByTestId('value-maps-button')).toHaveText('Value maps (1)');
  await expect(page.getByText('No problems.')).toBeVisible();
  await expect(page.getByTestId('save-state')).toHaveText('All changes saved');

  // The map was saved with the draft.
  const saved = await trpc<{ draft: { valueMaps?: unknown } }>(page, `flows.get?input=${encodeURIComponent(JSON.stringify({ id: flow.id }))}`);
  expect(saved.draft.valueMaps).toEqual([{ name: 'rules', entries: [{ key: 'SO-1', value: 'SaleOrder-OutStock' }] }]);
});
