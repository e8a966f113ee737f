import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { publishFlow } from '../flows/publish';
import { orderToInvoiceFlow } from '../seed/demo-flow';
import { startHarness, type Harness } from '../test-support/harness';

let h: Harness;

const order = (id: string, orderNo = `SO-${id}`) => ({
  specversion: '1.0',
  id,
  source: '/test/crm',
  type: 'com.qiao.sales_order.created',
  data: { orderNo, orderDate: '2026-11-27', customer: { code: 'CUST0001' }, lines: [{ material: '01.001', quantity: '2', taxPrice: '113.00', taxRate: '13', warehouse: 'CK001' }] },
});

function post(body: string | Buffer, headers: Record<string, string> = {}) {
  return h.app.inject({
    method: 'POST',
    url: '/api/events',
    headers: { authorization: `Bearer ${h.apiKey}`, 'content-type': 'application/cloudevents+json', ...headers },
    payload: body,
  });
}

async function counts() {
  const [events, runs, steps] = await Promise.all([h.db.prisma.event.count(), h.db.prisma.run.count(), h.db.prisma.step.count()]);
  return { events, runs, steps };
}

beforeAll(async () => {
  h = await startHarness();
  const connection = await h.db.prisma.connection.create({ data: { name: 'erp', connectorId: 'kingdee', secret: h.services.box.sealJson({}) } });
  const flow = await h.db.prisma.flow.create({ data: { name: 'o2i', draft: orderToInvoiceFlow(connection.id) } });
  const published = await publishFlow(h.db.prisma, { flowId: flow.id, comment: '', userId: null });
  expect(published.ok).toBe(true);
});

afterAll(async () => h?.close());

describe('POST /api/events', () => {
  it('commits the event and a run with its first step, queues the step, and answers 202', async () => {
    const res = await post(JSON.stringify(order('evt-1')));
    expect(res.statusCode).toBe(202);
    const body = res.json<{ id: string; duplicate: boolean; runs: { id: string }[] }>();
    expect(body.duplicate).toBe(false);
    expect(body.runs).toHaveLength(1);
    const run = await h.db.prisma.run.findUniqueOrThrow({ where: { id: body.runs[0]?.id ?? '' }, include: { steps: true } });
    expect(run.businessKey).toBe('SO-evt-1');
    expect(run.steps.map((s) => [s.nodeId, s.status])).toEqual([['saveOrder', 'pending']]);
    expect(await h.queue.queue.getJob(`${run.id}.saveOrder.1`)).toBeDefined();
  });

  it('answers a repeat of the same source+id with 200 and the original receipt, starting nothing', async () => {
    const first = await post(JSON.stringify(order('evt-2')));
    const before = await counts();
    const again = await post(JSON.stringify(order('evt-2')));
    expect(again.statusCode).toBe(200);
    expect(again.json()).toMatchObject({ duplicate: true, id: first.json<{ id: string }>().id, runs: first.json<{ runs: unknown[] }>().runs });
    expect(await counts()).toEqual(before);
  });

  it('reads the Authorization header as HTTP defines it: any case of "Bearer", one or more spaces', async () => {
    for (const [i, authorization] of [`bearer ${h.apiKey}`, `Bearer  ${h.apiKey}`, `BEARER\t${h.apiKey} `].entries()) {
      expect((await post(JSON.stringify(order(`auth-${i}`)), { authorization })).statusCode, authorization).toBe(202);
    }
    for (const authorization of [`Bearer${h.apiKey}`, `Basic ${h.apiKey}`, `Bearer ${h.apiKey} extra`]) {
      expect((await post(JSON.stringify(order('auth-bad')), { authorization })).statusCode, authorization).toBe(401);
    }
  });

  it('accepts binary mode (ce-* headers, data in the body)', async () => {
    const { data, ...attrs } = order('evt-bin');
    const headers = Object.fromEntries(Object.entries(attrs).map(([k, v]) => [`ce-${k}`, String(v)]));
    const res = await post(JSON.stringify(data), { ...headers, 'content-type': 'application/json' });
    expect(res.statusCode).toBe(202);
    const stored = await h.db.prisma.event.findFirstOrThrow({ where: { eventId: 'evt-bin' } });
    expect(stored.data).toMatchObject({ orderNo: 'SO-evt-bin' });
  });

  const bad: [string, () => Promise<{ statusCode: number; json: () => unknown }>, number, string][] = [
    ['malformed JSON', () => post('{"specversion": "1.0", "id": '), 400, '(body)'],
    ['a missing id', () => post(JSON.stringify({ ...order('x'), id: undefined })), 400, 'id'],
    ['a wrong specversion', () => post(JSON.stringify({ ...order('x2'), specversion: '0.3' })), 400, 'specversion'],
    ['a wrong type in data', () => post(JSON.stringify({ ...order('x3'), data: { ...order('x3').data, lines: 'many' } })), 400, 'data.lines'],
    ['a negative quantity', () => post(JSON.stringify({ ...order('x4'), data: { ...order('x4').data, lines: [{ material: '01.001', quantity: '-1', taxPrice: '1', taxRate: '13', warehouse: 'CK001' }] } })), 400, 'data.lines.0.quantity'],
    ['a bad extension name', () => post(JSON.stringify({ ...order('x5'), 'Bad-Name': 'x' })), 400, 'Bad-Name'],
    ['no CloudEvent at all', () => post('hello', { 'content-type': 'text/plain' }), 400, 'content-type'],
    ['an unknown API key', () => post(JSON.stringify(order('x6')), { authorization: 'Bearer qiao_000000000000_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' }), 401, ''],
    ['no API key', () => h.app.inject({ method: 'POST', url: '/api/events', headers: { 'content-type': 'application/cloudevents+json' }, payload: JSON.stringify(order('x7')) }), 401, ''],
    ['a NUL character in the id', () => post(JSON.stringify({ ...order('n1'), id: 'a\u0000b' })), 400, 'id'],
    ['a lone surrogate deep in data', () => post(JSON.stringify({ ...order('n2'), data: { ...order('n2').data, customer: { code: 'C1', name: '\ud800' } } })), 400, 'data.customer.name'],
    ['a year-0 time', () => post(JSON.stringify({ ...order('n3'), time: '0000-01-01T00:00:00Z' })), 400, 'time'],
    ['a body over 1 MB', () => post(JSON.stringify({ ...order('x8'), data: { ...order('x8').data, note: 'x'.repeat(1024 * 1024) } })), 413, ''],
  ];
  for (const [what, send, status, field] of bad) {
    it(`refuses ${what} with ${status}${field ? ` naming ${field}` : ''} and writes nothing`, async () => {
      const before = await counts();
      const res = await send();
      expect(res.statusCode).toBe(status);
      const problem = res.json() as { status: number; detail: string; errors?: { path: string }[] };
      expect(problem.status).toBe(status);
      expect(problem.detail.length).toBeGreaterThan(10);
      if (field) expect(problem.errors?.map((e) => e.path)).toContain(field);
      expect(await counts()).toEqual(before);
    });
  }

  it('keeps every digit of an amount sent as a JSON number', async () => {
    const text = JSON.stringify(order('big-1')).replace('"taxPrice":"113.00"', '"taxPrice":123456789012345.12345678');
    const res = await post(text);
    expect(res.statusCode).toBe(202);
    const stored = await h.db.prisma.event.findFirstOrThrow({ where: { eventId: 'big-1' } });
    expect(stored.data).toMatchObject({ lines: [{ taxPrice: '123456789012345.12345678' }] });
  });

  it('answers health checks', async () => {
    const res = await h.app.inject({ method: 'GET', url: '/healthz' });
    expect(res.json()).toEqual({ ok: true, checks: { postgres: 'ok', redis: 'ok' } });
  });
});
