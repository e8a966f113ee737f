import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { builtinConnectors, getAction, getConnector, nodeTypeRegistry } from './builtin';
import { createActionContext } from './kit/context';
import { defineAction, defineConnector } from './kit/define-connector';

describe('registry', () => {
  it('has one node type per action, named <connector>.<action>, with schemas and labels', () => {
    const registry = nodeTypeRegistry();
    expect(registry.list().map((d) => d.type)).toEqual([
      'kingdee.saveBill',
      'kingdee.submitBill',
      'kingdee.auditBill',
      'kingdee.unAuditBill',
      'kingdee.viewBill',
      'kingdee.queryBills',
      'kingdee.pushBill',
      'http.request',
      'mqtt.publish',
    ]);
    const save = registry.get('kingdee.saveBill');
    expect(save).toMatchObject({ connectorId: 'kingdee', group: 'erp', label: { 'zh-CN': '保存单据' } });
    expect(save?.params.safeParse({ formId: 'SAL_SaleOrder', model: {} }).success).toBe(true);
    expect(save?.params.safeParse({ formId: 'SAL_SaleOrder' }).success).toBe(false);
    expect(registry.get('http.request')?.group).toBe('data');
    expect(registry.get('nope.nope')).toBeUndefined();
  });

  it('finds connectors and actions', () => {
    expect(builtinConnectors.map((c) => c.id)).toEqual(['kingdee', 'http', 'mqtt']);
    expect(getConnector('kingdee')?.name['zh-CN']).toBe('金蝶云星空');
    const found = getAction('kingdee.pushBill');
    expect(found?.connector.id).toBe('kingdee');
    expect(found?.action.id).toBe('pushBill');
    expect(getAction('kingdee.nope')).toBeUndefined();
    expect(getAction('kingdee')).toBeUndefined();
  });

  it('refuses duplicate action ids and badly named ids', () => {
    const action = defineAction({ id: 'ping', name: { en: 'Ping', 'zh-CN': 'Ping' }, input: z.object({}), output: z.object({}), run: async () => ({}) });
    expect(() => defineConnector({ id: 'x', name: { en: 'X', 'zh-CN': 'X' }, group: 'data', auth: z.object({}), actions: [action, action] })).toThrow(/twice/);
    expect(() => defineAction({ ...action, id: 'Bad-Id' })).toThrow(/camelCase/);
  });

  it('refuses a context without an idempotency key or with attempt 0', () => {
    expect(() => createActionContext({ credentials: {}, connectionId: 'c', idempotencyKey: ' ', attempt: 1 })).toThrow(/idempotencyKey/);
    expect(() => createActionContext({ credentials: {}, connectionId: 'c', idempotencyKey: 'k', attempt: 0 })).toThrow(/attempt/);
  });
});
