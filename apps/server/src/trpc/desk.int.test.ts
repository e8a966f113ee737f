import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { acceptEvent, hashPassword } from '@qiao/runtime';
import { publishFlow } from '../flows/publish';
import { orderToInvoiceFlow } from '../seed/demo-flow';
import { startHarness, type Harness } from '../test-support/harness';

let h: Harness;
let runId = '';

async function cookieFor(username: string, password: string): Promise<string> {
  const res = await h.app.inject({ method: 'POST', url: '/trpc/auth.login', headers: { 'content-type': 'application/json' }, payload: { username, password } });
  const raw = res.headers['set-cookie'];
  return String(Array.isArray(raw) ? raw[0] : raw).split(';')[0] ?? '';
}

beforeAll(async () => {
  h = await startHarness();
  await h.db.prisma.user.create({ data: { username: 'op', displayName: 'Op', roles: ['operator'], passwordHash: await hashPassword('operator pass') } });
  await h.db.prisma.user.create({ data: { username: 'des', displayName: 'Des', roles: ['designer'], passwordHash: await hashPassword('designer pass') } });
  const connection = await h.db.prisma.connection.create({ data: { name: 'erp', connectorId: 'kingdee', secret: h.services.box.sealJson({}) } });
  const flow = await h.db.prisma.flow.create({ data: { name: 'o2i', draft: orderToInvoiceFlow(connection.id) } });
  expect((await publishFlow(h.db.prisma, { flowId: flow.id, comment: '', userId: null })).ok).toBe(true);
  const accepted = await acceptEvent(h.services, {
    event: { specversion: '1.0', id: 'desk-1', source: '/t', type: 'com.qiao.sales_order.created', data: { orderNo: 'SO-DESK-1', orderDate: '2026-11-27', customer: { code: 'CUST0001' }, lines: [] } },
  });
  runId = accepted.receipt.runs[0]?.id ?? '';
  // What a step that exhausted its retries leaves behind.
  await h.db.prisma.step.updateMany({ where: { runId }, data: { status: 'failed', attempt: 20, error: { kind: 'connector', code: 'k3_9', message: 'FCustId: 客户不存在', retryable: false } } });
  await h.db.prisma.run.update({ where: { id: runId }, data: { status: 'needs_attention' } });
  await h.queue.queue.obliterate({ force: true });
});
afterAll(async () => h?.close());

describe('the intervention desk over tRPC', () => {
  it('lists the run with its failing step and the error classified, and counts it', async () => {
    const cookie = await cookieFor('op', 'operator pass');
    const list = await h.app.inject({ method: 'GET', url: '/trpc/desk.list', headers: { cookie } });
    expect(list.json()).toMatchObject({ result: { data: [{ runId, nodeId: 'saveOrder', attempt: 20, category: 'erp_rejected', businessKey: 'SO-DESK-1' }] } });
    const count = await h.app.inject({ method: 'GET', url: '/trpc/desk.count', headers: { cookie } });
    expect(count.json()).toMatchObject({ result: { data: { needsAttention: 1 } } });
  });

  it('retries once: the second click is a conflict, the action is audited and the next try queued', async () => {
    const cookie = await cookieFor('op', 'operator pass');
    const retry = () => h.app.inject({ method: 'POST', url: '/trpc/desk.retry', headers: { cookie, 'content-type': 'application/json' }, payload: { runId, nodeId: 'saveOrder', attempt: 20 } });
    const [a, b] = await Promise.all([retry(), retry()]);
    expect([a.statusCode, b.statusCode].sort()).toEqual([200, 409]);
    expect(await h.db.prisma.auditLog.count({ where: { action: 'run.retry', targetId: runId, username: 'op' } })).toBe(1);
    expect(await h.queue.queue.getJob(`${runId}.saveOrder.21`)).toBeDefined();
    expect((await h.db.prisma.run.findUniqueOrThrow({ where: { id: runId } })).status).toBe('running');
  });

  it('is closed to designers', async () => {
    const cookie = await cookieFor('des', 'designer pass');
    const res = await h.app.inject({ method: 'POST', url: '/trpc/desk.cancel', headers: { cookie, 'content-type': 'application/json' }, payload: { runId } });
    expect(res.statusCode).toBe(403);
  });
});
