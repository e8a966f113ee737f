import { describe, expect, it } from 'vitest';
import { scopePatternSchema, sourceAllowed, typeAllowed } from './scopes';

describe('API key scopes', () => {
  it('matches exact types, prefix patterns and the wildcard', () => {
    expect(typeAllowed(['*'], 'anything')).toBe(true);
    expect(typeAllowed(['com.acme.order.created'], 'com.acme.order.created')).toBe(true);
    expect(typeAllowed(['com.acme.order.created'], 'com.acme.order.updated')).toBe(false);
    expect(typeAllowed(['com.acme.order.*'], 'com.acme.order.created')).toBe(true);
    expect(typeAllowed(['com.acme.order.*'], 'com.acme.order.line.added')).toBe(true);
    expect(typeAllowed(['com.acme.order.*'], 'com.acme.order')).toBe(false);
    expect(typeAllowed(['com.acme.order.*'], 'com.acme.orderx.created')).toBe(false);
    expect(typeAllowed([], 'com.acme.order.created')).toBe(false);
  });

  it('keeps the connector namespaces out of wildcards and broader prefixes', () => {
    for (const type of ['com.qiao.wecom.approval_change', 'com.qiao.dingtalk.bpms_task_change', 'com.qiao.mqtt.message']) {
      expect(typeAllowed(['*'], type), type).toBe(false);
      expect(typeAllowed(['com.qiao.*'], type), type).toBe(false);
      expect(typeAllowed(['com.*'], type), type).toBe(false);
      expect(typeAllowed([type], type), type).toBe(true);
    }
    expect(typeAllowed(['com.qiao.wecom.*'], 'com.qiao.wecom.approval_change')).toBe(true);
    expect(typeAllowed(['com.qiao.*'], 'com.qiao.sales_order.created')).toBe(true);
    expect(typeAllowed(['*'], 'com.qiao.wecomx.thing')).toBe(true);
  });

  it('keeps connector sources for keys bound to exactly that source', () => {
    expect(sourceAllowed('*', '/erp/orders')).toBe(true);
    expect(sourceAllowed('/erp/orders', '/erp/orders')).toBe(true);
    expect(sourceAllowed('/erp/orders', '/erp/other')).toBe(false);
    for (const source of ['wecom://ww1/1000002', 'urn:qiao:dingtalk:abc', 'mqtt://host/abc', 'Mqtt://host/abc', 'URN:QIAO:DINGTALK:abc']) {
      expect(sourceAllowed('*', source), source).toBe(false);
    }
    expect(sourceAllowed('wecom://ww1/1000002', 'wecom://ww1/1000002')).toBe(true);
  });

  it('accepts only well-formed patterns', () => {
    for (const ok of ['*', 'com.acme.order.*', 'com.qiao.sales_order.created', 'a']) expect(scopePatternSchema.safeParse(ok).success).toBe(true);
    for (const bad of ['', 'com.*.created', '*.created', 'com acme', 'com.acme.*.*', '.*']) expect(scopePatternSchema.safeParse(bad).success, bad).toBe(false);
  });
});
