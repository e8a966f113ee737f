import { describe, expect, it } from 'vitest';
import { scopePatternSchema, typeAllowed } from './scopes';

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

  it('accepts only well-formed patterns', () => {
    for (const ok of ['*', 'com.acme.order.*', 'com.qiao.sales_order.created', 'a']) expect(scopePatternSchema.safeParse(ok).success).toBe(true);
    for (const bad of ['', 'com.*.created', '*.created', 'com acme', 'com.acme.*.*', '.*']) expect(scopePatternSchema.safeParse(bad).success, bad).toBe(false);
  });
});
