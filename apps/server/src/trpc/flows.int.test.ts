import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hashPassword } from '@qiao/runtime';
import { startHarness, type Harness } from '../test-support/harness';

let h: Harness;
let designer = '';
let operator = '';

async function login(username: string, password: string): Promise<string> {
  const res = await h.app.inject({ method: 'POST', url: '/trpc/auth.login', headers: { 'content-type': 'application/json' }, payload: { username, password } });
  expect(res.statusCode).toBe(200);
  const raw = res.headers['set-cookie'];
  return (Array.isArray(raw) ? String(raw[0]) : String(raw)).split(';')[0] ?? '';
}

async function query<T>(cookie: string, path: string, input?: unknown): Promise<{ status: number; data: T; message: string }> {
  const url = input === undefined ? `/trpc/${path}` : `/trpc/${path}?input=${encodeURIComponent(JSON.stringify(input))}`;
  const res = await h.app.inject({ method: 'GET', url, headers: { cookie } });
  const body = res.json<{ result?: { data: T }; error?: { message: string } }>();
  return { status: res.statusCode, data: body.result?.data as T, message: body.error?.message ?? '' };
}

async function mutate<T>(cookie: string, path: string, input: unknown): Promise<{ status: number; data: T; message: string }> {
  const res = await h.app.inject({ method: 'POST', url: `/trpc/${path}`, headers: { cookie, 'content-type': 'application/json' }, payload: input as object });
  const body = res.json<{ result?: { data: T }; error?: { message: string } }>();
  return { status: res.statusCode, data: body.result?.data as T, message: body.error?.message ?? '' };
}

interface FlowRow {
  id: string;
  name: string;
  status: string;
  triggerType: string | null;
  updatedBy: string | null;
}

beforeAll(async () => {
  h = await startHarness();
  await h.db.prisma.user.create({ data: { username: 'dora', displayName: 'Dora Designer', roles: ['designer'], passwordHash: await hashPassword('design password') } });
  await h.db.prisma.user.create({ data: { username: 'otto', displayName: 'Otto Operator', roles: ['operator'], passwordHash: await hashPassword('operate password') } });
  designer = await login('dora', 'design password');
  operator = await login('otto', 'operate password');
});
afterAll(async () => h?.close());

describe('flow templates and create', () => {
  it('lists the gallery: blank, order → invoice, payment → receipt', async () => {
    const res = await query<{ id: string; name: { en: string; 'zh-CN': string }; eventType: string }[]>(designer, 'flows.templates');
    expect(res.data.map((t) => t.id)).toEqual(['blank', 'order-to-invoice', 'payment-to-receipt']);
    expect(res.data[1]?.name['zh-CN']).toContain('金蝶');
    expect((await query(operator, 'flows.templates')).status).toBe(403);
  });

  it('creates a draft from a template, using the first connection of its connector', async () => {
    const erp = await h.db.prisma.connection.create({ data: { name: 'erp', connectorId: 'kingdee', secret: h.services.box.sealJson({}) } });
    const res = await mutate<{ id: string; name: string }>(designer, 'flows.create', { name: 'Orders to ERP', templateId: 'order-to-invoice' });
    expect(res.status).toBe(200);
    const flow = await h.db.prisma.flow.findUniqueOrThrow({ where: { id: res.data.id } });
    const draft = flow.draft as { name: string; nodes: { id: string; connectionId?: string }[] };
    expect(draft.name).toBe('Orders to ERP');
    expect(draft.nodes.map((n) => n.id)).toEqual(['saveOrder', 'pushOutbound', 'pushReceivable', 'pushInvoice']);
    expect(draft.nodes.every((n) => n.connectionId === erp.id)).toBe(true);
    const blank = await mutate<{ id: string }>(designer, 'flows.create', { name: 'Empty one' });
    const blankDraft = (await h.db.prisma.flow.findUniqueOrThrow({ where: { id: blank.data.id } })).draft as { nodes: unknown[]; metadata: unknown };
    expect(blankDraft).toMatchObject({ nodes: [], metadata: { template: 'blank' } });
    const audit = await h.db.prisma.auditLog.findFirstOrThrow({ where: { action: 'flow.create', targetId: res.data.id } });
    expect(audit).toMatchObject({ username: 'dora', detail: { templateId: 'order-to-invoice' } });
  });

  it('refuses an unknown template, naming it', async () => {
    const res = await mutate(designer, 'flows.create', { name: 'x', templateId: 'nope' });
    expect(res.status).toBe(400);
    expect(res.message).toContain('Unknown template "nope"');
  });
});

describe('flows.list', () => {
  it('says who changed each flow and shows a draft its trigger event', async () => {
    const res = await query<FlowRow[]>(operator, 'flows.list', { search: 'orders to' });
    expect(res.data).toHaveLength(1);
    expect(res.data[0]).toMatchObject({ name: 'Orders to ERP', status: 'draft', updatedBy: 'Dora Designer', triggerType: 'com.qiao.sales_order.created' });
  });
});

describe('rename and duplicate', () => {
  it('renames the flow and its draft document, with an audit entry', async () => {
    const flow = await h.db.prisma.flow.findFirstOrThrow({ where: { name: 'Orders to ERP' } });
    const res = await mutate(designer, 'flows.rename', { id: flow.id, name: '  订单同步金蝶  ' });
    expect(res.status).toBe(200);
    const after = await h.db.prisma.flow.findUniqueOrThrow({ where: { id: flow.id } });
    expect(after.name).toBe('订单同步金蝶');
    expect((after.draft as { name: string }).name).toBe('订单同步金蝶');
    expect(await h.db.prisma.auditLog.findFirstOrThrow({ where: { action: 'flow.rename', targetId: flow.id } })).toMatchObject({ detail: { from: 'Orders to ERP', to: '订单同步金蝶' } });
    expect((await mutate(designer, 'flows.rename', { id: flow.id, name: ' ' })).status).toBe(400);
    expect((await mutate(operator, 'flows.rename', { id: flow.id, name: 'x' })).status).toBe(403);
  });

  it('refuses to rename an archived or missing flow', async () => {
    const archived = await mutate<{ id: string }>(designer, 'flows.create', { name: 'Old' });
    await mutate(designer, 'flows.archive', { id: archived.data.id });
    expect((await mutate(designer, 'flows.rename', { id: archived.data.id, name: 'New' })).status).toBe(404);
    expect((await mutate(designer, 'flows.rename', { id: '00000000-0000-4000-8000-000000000000', name: 'New' })).status).toBe(404);
  });

  it('duplicates the draft into a new draft flow, leaving versions with the original', async () => {
    const source = await h.db.prisma.flow.findFirstOrThrow({ where: { name: '订单同步金蝶' } });
    const published = await mutate(designer, 'flows.publish', { id: source.id, comment: 'first' });
    expect(published.status).toBe(200);
    const copy = await mutate<{ id: string; name: string }>(designer, 'flows.duplicate', { id: source.id });
    expect(copy.data.name).toBe('订单同步金蝶 (copy)');
    const row = await h.db.prisma.flow.findUniqueOrThrow({ where: { id: copy.data.id }, include: { versions: true } });
    expect(row).toMatchObject({ status: 'draft', publishedVersion: null, versions: [] });
    expect((row.draft as { name: string; nodes: unknown[] }).name).toBe('订单同步金蝶 (copy)');
    expect((row.draft as { nodes: unknown[] }).nodes).toEqual((source.draft as { nodes: unknown[] }).nodes);
    const named = await mutate<{ name: string }>(designer, 'flows.duplicate', { id: source.id, name: '副本二' });
    expect(named.data.name).toBe('副本二');
    expect(await h.db.prisma.auditLog.count({ where: { action: 'flow.duplicate', detail: { path: ['from'], equals: source.id } } })).toBe(2);
  });

  it('lists versions with who published them', async () => {
    const source = await h.db.prisma.flow.findFirstOrThrow({ where: { name: '订单同步金蝶' } });
    const versions = await query<{ version: number; publishedBy: string | null; comment: string }[]>(operator, 'flows.versions', { id: source.id });
    expect(versions.data).toMatchObject([{ version: 1, publishedBy: 'Dora Designer', comment: 'first' }]);
  });
});

describe('runs.list by event id', () => {
  it('finds the run an event started by its CloudEvent id, with flow version and event id', async () => {
    const event = {
      specversion: '1.0', id: 'evt-web-1', source: '/test/crm', type: 'com.qiao.sales_order.created',
      data: { orderNo: 'SO-WEB-1', orderDate: '2026-11-27', customer: { code: 'CUST0001' }, lines: [{ material: '01.001', quantity: '1', taxPrice: '113.00', taxRate: '13', warehouse: 'CK001' }] },
    };
    const posted = await h.app.inject({ method: 'POST', url: '/api/events', headers: { authorization: `Bearer ${h.apiKey}`, 'content-type': 'application/cloudevents+json' }, payload: JSON.stringify(event) });
    expect(posted.statusCode).toBe(202);
    const found = await query<{ items: { businessKey: string; event: { eventId: string }; flowVersion: { version: number } }[]; counts: Record<string, number> }>(operator, 'runs.list', { eventId: 'evt-web-1' });
    expect(found.data.items).toMatchObject([{ businessKey: 'SO-WEB-1', event: { eventId: 'evt-web-1' }, flowVersion: { version: 1 } }]);
    expect(found.data.counts).toEqual({ pending: 1 });
    const none = await query<{ items: unknown[] }>(operator, 'runs.list', { eventId: 'evt-other' });
    expect(none.data.items).toEqual([]);
  });
});

describe('connections.connectors', () => {
  it('gives the form what it needs: input schema (defaults optional) and which fields are secret', async () => {
    const res = await query<{ id: string; auth: { required?: string[]; properties?: Record<string, unknown> }; secretFields: string[]; endpointFields: string[]; testable: boolean }[]>(operator, 'connections.connectors');
    const kingdee = res.data.find((c) => c.id === 'kingdee');
    expect(kingdee?.auth.required).toEqual(['serverUrl', 'acctId', 'username', 'authType']);
    expect(kingdee?.auth.properties?.['lcid']).toMatchObject({ default: 2052 });
    expect(kingdee).toMatchObject({ secretFields: ['password', 'appSecret'], endpointFields: ['serverUrl'], testable: true });
    expect(res.data.find((c) => c.id === 'http')?.secretFields).toEqual(['value', 'password', 'token']);
  });
});

describe('flow settings', () => {
  it('sets and clears the concurrency limit, audited; operators may not', async () => {
    const flow = await h.db.prisma.flow.create({ data: { name: 'limited', draft: {} } });
    const set = await mutate<{ settings: unknown }>(designer, 'flows.setSettings', { id: flow.id, maxConcurrency: 3 });
    expect(set.data).toEqual({ settings: { maxConcurrency: 3 } });
    expect((await h.db.prisma.flow.findUniqueOrThrow({ where: { id: flow.id } })).settings).toEqual({ maxConcurrency: 3 });
    expect((await mutate(designer, 'flows.setSettings', { id: flow.id, maxConcurrency: 0 })).status).toBe(400);
    expect((await mutate(operator, 'flows.setSettings', { id: flow.id, maxConcurrency: 1 })).status).toBe(403);
    await mutate(designer, 'flows.setSettings', { id: flow.id, maxConcurrency: null });
    expect((await h.db.prisma.flow.findUniqueOrThrow({ where: { id: flow.id } })).settings).toEqual({});
    expect(await h.db.prisma.auditLog.count({ where: { action: 'flow.set_settings', targetId: flow.id } })).toBe(2);
  });
});
