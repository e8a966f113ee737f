import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSessionStore } from '../../kit/session-store';
import { startFakeK3Cloud, type FakeK3Cloud } from '../testing/fake-k3cloud';
import { contextFor, run } from '../testing/helpers';
import { pushBill } from './push-bill';

let fake: FakeK3Cloud;
beforeEach(async () => {
  fake = await startFakeK3Cloud();
  fake.bills.push(
    { formId: 'SAL_SaleOrder', id: 1, number: 'SO-1', status: 'C', model: {} },
    { formId: 'SAL_SaleOrder', id: 2, number: 'SO-2', status: 'C', model: {} },
  );
});
afterEach(async () => {
  await fake.close();
});

const push = { sourceFormId: 'SAL_SaleOrder', sourceNumbers: ['SO-1'], ruleId: 'SaleOrder-OutStock', targetFormId: 'SAL_OUTSTOCK' };
const outbound = () => fake.bills.filter((b) => b.formId === 'SAL_OUTSTOCK');

describe('pushBill', () => {
  it('pushes, then submits and audits the targets', async () => {
    const result = await run(pushBill, contextFor(fake), { ...push, audit: true });
    expect(result).toEqual({ targets: [{ id: String(outbound()[0]?.id), number: outbound()[0]?.number }], created: true });
    expect(outbound()).toMatchObject([{ srcBillNo: 'SO-1', status: 'C' }]);
    expect(fake.callsTo('Push')[0]?.body).toMatchObject({
      formid: 'SAL_SaleOrder',
      data: { Numbers: ['SO-1'], RuleId: 'SaleOrder-OutStock', TargetFormId: 'SAL_OUTSTOCK' },
    });
    // First attempt: no look-up, a source may legitimately be pushed again (partial deliveries).
    expect(fake.callsTo('ExecuteBillQuery')).toHaveLength(0);
  });

  it('after a lost Push answer, the retry reuses the target instead of pushing again', async () => {
    const sessions = createSessionStore();
    fake.failNext('Push', { kind: 'dropAfterCommit' });
    const first = await run(pushBill, contextFor(fake, { sessions }), { ...push, submit: true }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(first).toMatchObject({ code: 'network', retryable: true });
    expect(outbound()).toHaveLength(1);

    const retry = await run(pushBill, contextFor(fake, { sessions, attempt: 2 }), { ...push, submit: true });
    expect(retry).toEqual({ targets: [{ id: String(outbound()[0]?.id), number: outbound()[0]?.number }], created: false });
    expect(outbound()).toHaveLength(1);
    expect(outbound()[0]?.status).toBe('B');
    expect(fake.callsTo('Push')).toHaveLength(1);
    expect(fake.callsTo('ExecuteBillQuery')[0]?.body).toMatchObject({
      data: { FormId: 'SAL_OUTSTOCK', FilterString: "FSrcBillNo='SO-1'", FieldKeys: 'FID,FBillNo,FDocumentStatus,FSrcBillNo' },
    });
  });

  it('on retry pushes only the sources an earlier try did not get to', async () => {
    fake.bills.push({ formId: 'SAL_OUTSTOCK', id: 500, number: 'OUT-1', status: 'C', model: {}, srcBillNo: 'SO-1' });
    const result = await run(pushBill, contextFor(fake, { attempt: 3 }), { ...push, sourceNumbers: ['SO-1', 'SO-2'], audit: true });
    expect(fake.callsTo('Push')[0]?.body).toMatchObject({ data: { Numbers: ['SO-2'] } });
    expect(result).toMatchObject({ created: true, targets: [{ id: '500', number: 'OUT-1' }, { number: outbound()[1]?.number }] });
    expect(outbound().map((b) => b.status)).toEqual(['C', 'C']);
    // OUT-1 was already audited: only the new target went through Submit and Audit.
    expect(fake.callsTo('Audit')[0]?.body).toMatchObject({ data: { Numbers: [outbound()[1]?.number] } });
  });

  it('looks up on the first attempt too when reuseExisting is "always"', async () => {
    fake.bills.push({ formId: 'SAL_OUTSTOCK', id: 500, number: 'OUT-1', status: 'A', model: {}, srcBillNo: 'SO-1' });
    const result = await run(pushBill, contextFor(fake), { ...push, reuseExisting: 'always' });
    expect(result).toEqual({ targets: [{ id: '500', number: 'OUT-1' }], created: false });
    expect(fake.callsTo('Push')).toHaveLength(0);
  });

  it('passes a Push refusal on with its MsgCode', async () => {
    const error = await run(pushBill, contextFor(fake), { ...push, sourceNumbers: ['SO-404'] }).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toMatchObject({ code: 'k3_10', retryable: false });
  });
});
