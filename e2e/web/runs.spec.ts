import { K3Client } from '../support/k3-client';
import { salesOrderEvent } from '../support/orders';
import { DEMO, expect, login, screenshot, test } from './support/fixtures';

function shanghaiMinute(date: Date): string {
  const p = Object.fromEntries(
    new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Shanghai', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
      .formatToParts(date)
      .map((x) => [x.type, x.value]),
  );
  return `${p['year']}-${p['month']}-${p['day']} ${p['hour']}:${p['minute']}`;
}

test('a posted sales order appears in the runs list and turns succeeded without a reload; its run shows the ERP documents', async ({ page, stack }) => {
  await login(page, DEMO.operator);
  await page.getByRole('navigation', { name: 'Main navigation' }).getByRole('link', { name: 'Runs' }).click();
  await expect(page.getByRole('heading', { name: 'Runs', level: 1 })).toBeVisible();
  // A marker that a reload would wipe out.
  await page.evaluate(() => Object.assign(globalThis, { __noReload: true }));
  const succeededBefore = Number(await page.getByTestId('count-succeeded').locator('.count').textContent());

  const orderNo = `SO-WEB-${Date.now()}`;
  const event = salesOrderEvent(orderNo, 3);
  const posted = new Date();
  const res = await fetch(`${stack.serverUrl}/api/events`, {
    method: 'POST',
    headers: { authorization: `Bearer ${stack.apiKey}`, 'content-type': 'application/cloudevents+json' },
    body: JSON.stringify(event),
  });
  expect(res.status).toBe(202);

  const row = page.locator(`[data-testid="run-row"][data-business-key="${orderNo}"]`);
  await expect(row).toBeVisible();
  await expect(row.getByText('Succeeded')).toBeVisible({ timeout: 60_000 });
  await expect(page.getByTestId('count-succeeded').locator('.count')).toHaveText(String(succeededBefore + 1));
  expect(await page.evaluate(() => (globalThis as { __noReload?: boolean }).__noReload)).toBe(true);
  // Shown in Asia/Shanghai although this browser runs in Europe/Berlin.
  const shown = await row.locator('td').nth(4).textContent();
  expect([shanghaiMinute(posted), shanghaiMinute(new Date(posted.getTime() - 60_000)), shanghaiMinute(new Date(posted.getTime() + 60_000))]).toContain(shown?.slice(0, 16));
  await screenshot(page, 'runs-list');

  // Filters: by business key and by event id, each finding exactly this run.
  await page.getByLabel('Business key (order no.)').fill(orderNo);
  await expect(page.getByTestId('run-row')).toHaveCount(1);
  await page.getByRole('button', { name: 'Clear filters' }).click();
  await page.getByLabel('Event id').fill(event.id);
  await expect(page.getByTestId('run-row')).toHaveCount(1);
  await expect(page.getByTestId('run-row')).toHaveAttribute('data-business-key', orderNo);

  await page.getByRole('link', { name: orderNo }).click();
  await expect(page.getByRole('heading', { level: 1 })).toContainText(orderNo);
  // Four ERP steps, and the audited outbound announced in DingTalk and WeCom.
  await expect(page.getByTestId('step')).toHaveCount(6);
  for (const nodeId of ['notifyDingtalk', 'notifyWecom']) await expect(page.locator(`[data-testid="step"][data-node="${nodeId}"]`)).toBeVisible();
  const documents = page.getByTestId('erp-document');
  await expect(documents).toHaveCount(4);
  const numberOf = (form: string) => page.locator(`[data-testid="erp-document"][data-form="${form}"] [data-testid="erp-number"]`).textContent();
  expect(await numberOf('SAL_SaleOrder')).toBe(orderNo);
  await expect(page.locator('[data-testid="erp-document"][data-form="SAL_SaleOrder"]')).toContainText('Sales order');

  // The numbers shown are the ERP's own: follow the push chain in the simulator.
  const k3 = new K3Client(stack.erpSimUrl);
  await k3.login();
  const [outbound] = await k3.query('SAL_OUTSTOCK', ['FBillNo'], `FSrcBillNo = '${orderNo}'`);
  const outNo = String(outbound?.['FBillNo']);
  const [receivable] = await k3.query('AR_receivable', ['FBillNo'], `FSrcBillNo = '${outNo}'`);
  const arNo = String(receivable?.['FBillNo']);
  const [invoice] = await k3.query('IV_SALESIC', ['FBillNo'], `FSrcBillNo = '${arNo}'`);
  expect(await numberOf('SAL_OUTSTOCK')).toBe(outNo);
  expect(await numberOf('AR_receivable')).toBe(arNo);
  expect(await numberOf('IV_SALESIC')).toBe(String(invoice?.['FBillNo']));

  // The triggering event, and each step's data.
  await expect(page.getByLabel('Event data')).toContainText(orderNo);
  await expect(page.getByText(event.id, { exact: true })).toBeVisible();
  await screenshot(page, 'run-detail');
});
