import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConnectorError } from '../../kit/errors/connector-error';
import { UserError } from '../../kit/errors/user-error';
import { createSessionStore } from '../../kit/session-store';
import { derivedBillNo } from '../idempotency';
import { startFakeK3Cloud, type FakeK3Cloud } from '../testing/fake-k3cloud';
import { contextFor, run } from '../testing/helpers';
import { saveBill } from './save-bill';

let fake: FakeK3Cloud;
beforeEach(async () => {
  fake = await startFakeK3Cloud();
});
afterEach(async () => {
  await fake.close();
});

const order = {
  formId: 'SAL_SaleOrder',
  model: { FBillTypeID: { FNumber: 'XSDD01_SYS' }, FCustId: { FNumber: 'CUST0001' }, FSaleOrderEntry: [{ FMaterialId: { FNumber: '01.001' }, FQty: '10', FTaxPrice: '113.00' }] },
};

async function failure(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a failure');
    },
    (e: unknown) => e,
  );
}

describe('saveBill', () => {
  it('creates a bill under a number derived from the idempotency key, looking it up first', async () => {
    const ctx = contextFor(fake, { idempotencyKey: 'run-1:node-a' });
    const result = await run(saveBill, ctx, order);
    const number = derivedBillNo('run-1:node-a');
    expect(number).toMatch(/^QIAO-[0-9A-F]{16}$/);
    expect(result).toMatchObject({ number, status: 'A', created: true });
    expect(fake.bills).toHaveLength(1);
    expect(fake.bills[0]?.model).toMatchObject({ FBillNo: number, FID: 0, FCustId: { FNumber: 'CUST0001' } });
    // Money stays a decimal string on the wire.
    expect(fake.callsTo('Save')[0]?.body).toMatchObject({ data: { Model: { FSaleOrderEntry: [{ FTaxPrice: '113.00' }] } } });
    const services = fake.calls.map((c) => c.service.split('.').at(-1));
    expect(services).toEqual(['ValidateUser', 'ExecuteBillQuery', 'Save']);
    expect(fake.callsTo('ExecuteBillQuery')[0]?.body).toMatchObject({ data: { FilterString: `FBillNo='${number}'`, FieldKeys: 'FID,FBillNo,FDocumentStatus' } });
  });

  it('uses the caller’s billNo, and submits and audits', async () => {
    const result = await run(saveBill, contextFor(fake), { ...order, billNo: "PO-2025-0001'A", submit: true, audit: true });
    expect(result).toMatchObject({ number: "PO-2025-0001'A", status: 'C', created: true });
    expect(fake.bills[0]?.status).toBe('C');
    expect(fake.callsTo('ExecuteBillQuery')[0]?.body).toMatchObject({ data: { FilterString: "FBillNo='PO-2025-0001''A'" } });
  });

  it('after a lost Save answer, the retry creates no second bill and returns the original number', async () => {
    const sessions = createSessionStore();
    fake.failNext('Save', { kind: 'dropAfterCommit' });
    const first = await failure(run(saveBill, contextFor(fake, { idempotencyKey: 'k1', sessions }), { ...order, submit: true }));
    expect(first).toBeInstanceOf(ConnectorError);
    expect(first).toMatchObject({ code: 'network', retryable: true });
    expect(fake.bills).toHaveLength(1);

    const retry = await run(saveBill, contextFor(fake, { idempotencyKey: 'k1', attempt: 2, sessions }), { ...order, submit: true });
    expect(retry).toEqual({ id: String(fake.bills[0]?.id), number: derivedBillNo('k1'), status: 'B', created: false });
    expect(fake.bills).toHaveLength(1);
    expect(fake.callsTo('Save')).toHaveLength(1);
    expect(fake.bills[0]?.status).toBe('B');
  });

  it('after a lost Audit answer, the retry finds the bill audited and does nothing more', async () => {
    fake.failNext('Audit', { kind: 'dropAfterCommit' });
    const input = { ...order, billNo: 'SO-9', audit: true };
    await failure(run(saveBill, contextFor(fake), input));
    expect(fake.bills[0]?.status).toBe('C');
    const before = fake.calls.length;
    const retry = await run(saveBill, contextFor(fake, { attempt: 2 }), input);
    expect(retry).toMatchObject({ number: 'SO-9', status: 'C', created: false });
    const after = fake.calls.slice(before).map((c) => c.service.split('.').at(-1));
    expect(after).toEqual(['ValidateUser', 'ExecuteBillQuery']);
  });

  it('treats Kingdee’s duplicate-number refusal as "already exists" and continues from that bill', async () => {
    fake.bills.push({ formId: 'SAL_SaleOrder', id: 42, number: 'SO-7', status: 'B', model: {} });
    // The look-up misses it (e.g. created by someone else a moment later); Save then refuses the number.
    fake.failNext('ExecuteBillQuery', { kind: 'answer', body: [] });
    const result = await run(saveBill, contextFor(fake), { ...order, billNo: 'SO-7', audit: true });
    expect(result).toMatchObject({ id: '42', number: 'SO-7', status: 'C', created: false });
    expect(fake.callsTo('Save')).toHaveLength(1);
    expect(fake.callsTo('Submit')).toHaveLength(0);
    expect(fake.bills).toHaveLength(1);
  });

  it('passes other validation failures on as non-retryable k3_11 with the field', async () => {
    fake.failNext('Save', { kind: 'envelope', msgCode: 11, fieldName: 'FCustId', message: '客户 CUST9 不存在' });
    const error = await failure(run(saveBill, contextFor(fake), order));
    expect(error).toMatchObject({ code: 'k3_11', retryable: false });
    expect(String((error as Error).message)).toContain('FCustId: 客户 CUST9 不存在');
  });

  it('works when Kingdee sends IsSuccess as a string', async () => {
    fake.stringBooleans = true;
    expect(await run(saveBill, contextFor(fake), { ...order, submit: true })).toMatchObject({ status: 'B', created: true });
  });

  it('rejects billNo and model.FBillNo that disagree, as a user error on billNo', async () => {
    const error = await failure(run(saveBill, contextFor(fake), { ...order, billNo: 'A', model: { ...order.model, FBillNo: 'B' } }));
    expect(error).toBeInstanceOf(UserError);
    expect(error).toMatchObject({ code: 'conflicting_bill_no', path: ['billNo'] });
    expect(fake.callsTo('Save')).toHaveLength(0);
  });

  it('rejects input that does not match the schema, with the field path', async () => {
    const error = await failure(run(saveBill, contextFor(fake), { formId: 'SAL_SaleOrder', model: 'nope' }));
    expect(error).toMatchObject({ code: 'invalid_input', path: ['params', 'model'] });
  });

  it('updates an existing bill (FID set) without looking up or renumbering it', async () => {
    fake.bills.push({ formId: 'SAL_SaleOrder', id: 7, number: 'SO-1', status: 'A', model: {} });
    // The fake creates rather than updates, which is enough to see what was sent.
    fake.failNext('Save', { kind: 'answer', body: { Result: { ResponseStatus: { IsSuccess: true, SuccessEntitys: [{ Id: 7, Number: 'SO-1' }] } } } });
    const result = await run(saveBill, contextFor(fake), { formId: 'SAL_SaleOrder', model: { FID: 7, FNote: 'x' } });
    expect(result).toMatchObject({ id: '7', number: 'SO-1', status: 'A', created: false });
    const sent = fake.callsTo('Save')[0]?.body as { data: { Model: Record<string, unknown> } };
    expect(sent.data.Model).toEqual({ FID: 7, FNote: 'x' });
    expect(fake.calls.map((c) => c.service.split('.').at(-1))).toEqual(['ValidateUser', 'Save', 'ExecuteBillQuery']);
  });
});

describe('saveBill when the numbering rule does not allow manual numbers', () => {
  it('fails without retry, naming the bill Kingdee created and what to change, and does not submit it', async () => {
    fake.manualBillNo = false;
    const error = await failure(run(saveBill, contextFor(fake, { idempotencyKey: 'k-auto' }), { ...order, submit: true, audit: true }));
    expect(error).toBeInstanceOf(ConnectorError);
    const created = fake.bills[0];
    expect(fake.bills).toHaveLength(1);
    expect(created?.number).toBe('XSDD000001');
    expect(created?.status).toBe('A');
    expect(error).toMatchObject({
      system: 'kingdee',
      code: 'bill_number_replaced',
      retryable: false,
      detail: { formId: 'SAL_SaleOrder', sentNumber: derivedBillNo('k-auto'), createdNumber: 'XSDD000001', createdId: String(created?.id) },
    });
    const message = (error as Error).message;
    expect(message).toContain(`XSDD000001 (FID ${created?.id})`);
    expect(message).toContain(derivedBillNo('k-auto'));
    expect(message).toMatch(/manual numbers/);
    expect(message).toMatch(/numberField/);
    expect(fake.callsTo('Submit')).toHaveLength(0);
    expect(fake.callsTo('Audit')).toHaveLength(0);
  });

  it('reports the replaced number for a caller-given billNo too', async () => {
    fake.manualBillNo = false;
    const error = await failure(run(saveBill, contextFor(fake), { ...order, billNo: 'PO-1' }));
    expect(error).toMatchObject({ code: 'bill_number_replaced', retryable: false, detail: { sentNumber: 'PO-1', createdNumber: 'XSDD000001' } });
  });

  it('with numberField, writes the external number to that field, looks it up there, and lets Kingdee number the bill', async () => {
    fake.manualBillNo = false;
    const input = { ...order, numberField: 'F_QIAO_ExtNo', submit: true };
    const ctx = contextFor(fake, { idempotencyKey: 'k-custom' });
    const first = await run(saveBill, ctx, input);
    const external = derivedBillNo('k-custom');
    expect(first).toMatchObject({ number: 'XSDD000001', status: 'B', created: true });
    expect(fake.bills[0]?.model).toMatchObject({ F_QIAO_ExtNo: external });
    expect(fake.bills[0]?.model.FBillNo).toBeUndefined();
    expect(fake.callsTo('ExecuteBillQuery')[0]?.body).toMatchObject({
      data: { FilterString: `F_QIAO_ExtNo='${external}'`, FieldKeys: 'FID,FBillNo,FDocumentStatus,F_QIAO_ExtNo' },
    });

    // A retry (e.g. after a lost answer) finds the bill by the custom field and creates nothing.
    const retry = await run(saveBill, contextFor(fake, { idempotencyKey: 'k-custom', attempt: 2 }), input);
    expect(retry).toEqual({ id: String(fake.bills[0]?.id), number: 'XSDD000001', status: 'B', created: false });
    expect(fake.bills).toHaveLength(1);
    expect(fake.callsTo('Save')).toHaveLength(1);
  });

  it('with numberField, takes the caller’s number from billNo or the model field, which must agree', async () => {
    fake.manualBillNo = false;
    await run(saveBill, contextFor(fake), { ...order, numberField: 'F_QIAO_ExtNo', model: { ...order.model, F_QIAO_ExtNo: 'EXT-9' } });
    expect(fake.bills[0]?.model).toMatchObject({ F_QIAO_ExtNo: 'EXT-9' });
    const error = await failure(run(saveBill, contextFor(fake), { ...order, numberField: 'F_QIAO_ExtNo', billNo: 'EXT-1', model: { ...order.model, F_QIAO_ExtNo: 'EXT-2' } }));
    expect(error).toMatchObject({ code: 'conflicting_bill_no', path: ['billNo'] });
    const bad = await failure(run(saveBill, contextFor(fake), { ...order, numberField: 'F.X' }));
    expect(bad).toMatchObject({ code: 'invalid_input', path: ['params', 'numberField'] });
  });
});
