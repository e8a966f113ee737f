import { describe, expect, it } from 'vitest';
import { percent, periodOfDays, shanghaiToday } from './period';

describe('reconciliation periods', () => {
  it('covers whole days in China time, the last day included', () => {
    expect(periodOfDays('2026-11-01', '2026-11-30')).toEqual({ from: '2026-11-01T00:00:00+08:00', to: '2026-11-30T16:00:00.000Z' });
  });
  it('refuses a period that ends before it starts, or a malformed day', () => {
    expect(periodOfDays('2026-11-02', '2026-11-01')).toBeNull();
    expect(periodOfDays('2026-11', '2026-11-01')).toBeNull();
  });
  it('knows which day it is in Shanghai', () => {
    expect(shanghaiToday(new Date('2026-11-27T17:00:00Z'))).toBe('2026-11-28');
  });
  it('shows rates with two decimals', () => {
    expect(percent(0)).toBe('0.00%');
    expect(percent(0.0123)).toBe('1.23%');
    expect(percent(null)).toBe('—');
  });
});
