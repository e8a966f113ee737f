import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeK3Cloud, type FakeBill, type FakeK3Cloud } from '../testing/fake-k3cloud';
import { contextFor, run } from '../testing/helpers';
import { auditBill } from './audit-bill';
import { submitBill } from './submit-bill';
import { unAuditBill } from './un-audit-bill';

let fake: FakeK3Cloud;
beforeEach(async () => {
  fake = await startFakeK3Cloud();
});
afterEach(async () => {
  await fake.close();
});

let nextId = 1;
const bill = (number: string, status: FakeBill['status']): FakeBill => ({ formId: 'SAL_SaleOrder', id: nextId++, number, status, model: {} });
const statusOf = (number: string) => fake.bills.find((b) => b.number === number)?.status;
const failure = (p: Promise<unknown>) =>
  p.then(
    () => undefined,
    (e: unknown) => e,
  );

describe('submit / audit / un-audit', () => {
  it('moves bills through A → B → C → D', async () => {
    fake.bills.push(bill('SO-1', 'A'), bill('SO-2', 'A'));
    const input = { formId: 'SAL_SaleOrder', numbers: ['SO-1', 'SO-2'] };
    expect(await run(submitBill, contextFor(fake), input)).toEqual({ numbers: ['SO-1', 'SO-2'] });
    expect(statusOf('SO-2')).toBe('B');
    await run(auditBill, contextFor(fake), { ...input, interationFlags: 'STK_InvCheckResult' });
    expect(statusOf('SO-1')).toBe('C');
    expect(fake.callsTo('Audit')[0]?.body).toMatchObject({ data: { Numbers: ['SO-1', 'SO-2'], InterationFlags: 'STK_InvCheckResult' } });
    await run(unAuditBill, contextFor(fake), input);
    expect(statusOf('SO-1')).toBe('D');
  });

  it('treats audit of an already audited bill as done, after reading its status', async () => {
    fake.bills.push(bill('SO-1', 'C'));
    const ctx = contextFor(fake);
    expect(await run(auditBill, ctx, { formId: 'SAL_SaleOrder', numbers: ['SO-1'] })).toEqual({ numbers: ['SO-1'] });
    expect(fake.callsTo('ExecuteBillQuery')).toHaveLength(1);
    expect(ctx.logger.entries.some((e) => e.msg.includes('already in the requested state'))).toBe(true);
  });

  it('treats submit of audited bills and un-audit of open bills as done', async () => {
    fake.bills.push(bill('SO-1', 'C'), bill('SO-2', 'B'), bill('SO-3', 'A'));
    await run(submitBill, contextFor(fake), { formId: 'SAL_SaleOrder', numbers: ['SO-1', 'SO-2'] });
    await run(unAuditBill, contextFor(fake), { formId: 'SAL_SaleOrder', numbers: ['SO-3'] });
    expect([statusOf('SO-1'), statusOf('SO-2'), statusOf('SO-3')]).toEqual(['C', 'B', 'A']);
  });

  it('keeps Kingdee’s refusal when the bill is not where the operation would put it', async () => {
    fake.bills.push(bill('SO-1', 'A'));
    const error = await failure(run(auditBill, contextFor(fake), { formId: 'SAL_SaleOrder', numbers: ['SO-1'] }));
    expect(error).toMatchObject({ code: 'k3_12', retryable: false });
    expect(statusOf('SO-1')).toBe('A');
  });

  it('fails when only some of the bills reached the state', async () => {
    fake.bills.push(bill('SO-1', 'B'), bill('SO-2', 'A'));
    const error = await failure(run(auditBill, contextFor(fake), { formId: 'SAL_SaleOrder', numbers: ['SO-1', 'SO-2'] }));
    expect(error).toMatchObject({ code: 'k3_12' });
    expect(String((error as Error).message)).toContain('SO-2');
  });

  it('retries a network-lock conflict (MsgCode 13)', async () => {
    fake.bills.push(bill('SO-1', 'A'));
    fake.failNext('Submit', { kind: 'envelope', msgCode: 13, message: '单据正在被其他用户编辑' });
    const error = await failure(run(submitBill, contextFor(fake), { formId: 'SAL_SaleOrder', numbers: ['SO-1'] }));
    expect(error).toMatchObject({ code: 'k3_13', retryable: true });
  });
});
