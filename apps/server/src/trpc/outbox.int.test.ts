import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Role } from '@qiao/db';
import { startHarness, type Harness } from '../test-support/harness';
import { createCallerFactory } from './init';
import { appRouter } from './root';

let h: Harness;
let robotId = '';
let otherId = '';
let runId = '';
const createCaller = createCallerFactory(appRouter);
const caller = (roles: Role[]) => createCaller({ services: h.services, user: { id: randomUUID(), username: 'probe', displayName: 'probe', roles, sessionId: 's' }, ip: null, userAgent: null });

beforeAll(async () => {
  h = await startHarness();
  const { prisma } = h.db;
  robotId = (await prisma.connection.create({ data: { name: '钉钉群 robot', connectorId: 'dingtalk', secret: h.services.box.sealJson({ kind: 'robot', accessToken: 't' }) } })).id;
  otherId = (await prisma.connection.create({ data: { name: 'other robot', connectorId: 'dingtalk', secret: h.services.box.sealJson({ kind: 'robot', accessToken: 'u' }) } })).id;
  const flow = await prisma.flow.create({ data: { name: 'f', draft: {} } });
  const version = await prisma.flowVersion.create({ data: { flowId: flow.id, version: 1, definition: {}, plan: {}, planHash: 'x' } });
  const event = await prisma.event.create({ data: { source: '/t', eventId: 'outbox-1', type: 't' } });
  runId = (await prisma.run.create({ data: { flowId: flow.id, flowVersionId: version.id, eventId: event.id, status: 'succeeded', businessKey: 'SO-OUTBOX-1' } })).id;
  const row = (channel: string, extra: Record<string, unknown>) => prisma.outboxMessage.create({ data: { id: randomUUID(), channel, connectionId: robotId, dedupeKey: randomUUID(), payload: { msgtype: 'text' }, runId, ...extra } });
  await row('dingtalk.robot', { status: 'queued', attempts: 2, error: { code: 'dingtalk_410100', message: 'send too fast', retryable: true } });
  await row('dingtalk.robot', { status: 'failed', attempts: 12, error: { code: 'dingtalk_310000', message: 'sign not match' } });
  await row('dingtalk.robot', { status: 'sent', sentAt: new Date(), uncertain: true });
  await row('dingtalk.robot', { status: 'sent', sentAt: new Date() });
  await prisma.outboxMessage.create({ data: { id: randomUUID(), channel: 'dingtalk.robot', connectionId: otherId, dedupeKey: randomUUID(), payload: {}, status: 'queued' } });
});
afterAll(async () => h?.close());

describe('outbox.list', () => {
  it('lists waiting, failed and uncertain messages (not the plainly sent) with connection, run and error, and counts each state', async () => {
    const result = await caller(['operator']).outbox.list({ connectionId: robotId });
    expect(result.counts).toEqual({ waiting: 1, sending: 0, failed: 1, uncertain: 1 });
    expect(result.items).toHaveLength(3);
    expect(result.items.map((i) => (i.uncertain ? 'uncertain' : i.status))).toEqual(['uncertain', 'failed', 'queued']);
    expect(result.items.find((i) => i.status === 'failed')).toMatchObject({ connectionName: '钉钉群 robot', runId, businessKey: 'SO-OUTBOX-1', attempts: 12, error: { code: 'dingtalk_310000', message: 'sign not match' } });
    // No payload (message content) goes to the browser.
    expect(Object.keys(result.items[0] ?? {})).not.toContain('payload');
  });

  it('filters by state, and over all connections by default', async () => {
    const failed = await caller(['admin']).outbox.list({ states: ['failed'] });
    expect(failed.items.map((i) => i.status)).toEqual(['failed']);
    const all = await caller(['admin']).outbox.list();
    expect(all.counts.waiting).toBe(2);
  });

  it('refuses designers, approvers and finance', async () => {
    for (const role of ['designer', 'approver', 'finance'] as const) {
      await expect(caller([role]).outbox.list()).rejects.toMatchObject({ code: 'FORBIDDEN' });
    }
  });
});
