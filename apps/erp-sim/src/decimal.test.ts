import { describe, expect, it } from 'vitest';
import { D, lineAmounts, toDecimal } from './decimal';

describe('lineAmounts', () => {
  it('computes tax-inclusive amounts exactly', () => {
    const a = lineAmounts(new D('10'), new D('113'), new D('13'));
    expect(a.allAmount.toString()).toBe('1130');
    expect(a.amount.toString()).toBe('1000');
    expect(a.taxAmount.toString()).toBe('130');
    expect(a.price.toString()).toBe('100');
  });

  it('rounds half up to 2 places without float error', () => {
    const a = lineAmounts(new D('3'), new D('0.1'), new D('13'));
    expect(a.allAmount.toString()).toBe('0.3');
    expect(a.amount.toString()).toBe('0.27');
    expect(a.taxAmount.toString()).toBe('0.03');
    const b = lineAmounts(new D('1.005'), new D('1'), new D('0'));
    expect(b.allAmount.toString()).toBe('1.01');
  });

  it('parses numbers and numeric strings only', () => {
    expect(toDecimal('12.50')?.toString()).toBe('12.5');
    expect(toDecimal(0.1)?.toString()).toBe('0.1');
    expect(toDecimal('abc')).toBeNull();
    expect(toDecimal({})).toBeNull();
    expect(toDecimal('')).toBeNull();
  });
});
